"""Each KPI against the hand-worked world of tests/world.py (DESIGN.md §7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from xinfang.orgs.models import Org
from xinfang.petitions.models import Stage
from xinfang.reports.access import subtree_of
from xinfang.reports.periods import Period, parse_period
from xinfang.reports.stats import compute_stats
from xinfang.reports.tests.world import TODAY, build

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 11, 23)


@pytest.fixture
def world(api, users, settings) -> dict[str, int]:
    settings.XINFANG_MIN_SAMPLE = 1
    with time_machine.travel(TODAY, tick=False):
        return build(api, users)


def stats(start: str, end: str, code: str = "330521-XFJ") -> dict[str, Any]:
    period = Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end))
    return compute_stats(subtree_of(Org.objects.get(code=code)), period, today=ON)


def unit(s: dict[str, Any], code: str) -> dict[str, Any]:
    return next(u for u in s["breakdowns"]["unit"] if u["code"] == code)


def parts(r: dict[str, Any]) -> tuple[int, int]:
    return r["numerator"], r["denominator"]


def _has_the_due_dates_the_fixture_was_worked_out_with(world):
    due = {
        (s.petition_id, s.kind, s.org.code): s.due_on.isoformat()
        for s in Stage.objects.select_related("org").filter(kind__in=("triage", "notice", "handling"))
    }
    assert due[(world["on_time"], "notice", "330521-ZJJ")] == "2025-11-27"
    assert due[(world["on_time"], "handling", "330521-ZJJ")] == "2026-02-05"  # 01-26 + 10 paused days
    assert due[(world["late"], "handling", "330521-ZJJ")] == "2026-02-26"  # 01-27 + 30 extension days
    assert due[(world["moved"], "notice", "330521-RSJ")] == "2025-11-27"
    assert due[(world["moved"], "notice", "330521-ZJJ")] == "2025-12-03"


def _counts_timely_acceptance_with_withdrawn_left_out_and_open_stages_late(world):
    s = stats("2025-11-01", "2025-11-30")
    r = s["kpis"]["timely_acceptance_rate"]
    # on_time ✓, late ✗, open ✗, paused ✓ (accepted 11-20), repeat ✗ (never accepted), moved@RSJ ✓; withdrawn out
    assert parts(r) == (3, 6)
    assert r["display"] == "50.00%（3/6）"
    assert r["late"] == 3


def _counts_a_stage_due_on_the_last_day_of_the_period(world):
    assert parts(stats("2025-11-01", "2025-11-27")["kpis"]["timely_acceptance_rate"]) == (3, 6)
    # The day before: no 受理告知 stage is due yet.
    empty = stats("2025-11-01", "2025-11-26")["kpis"]["timely_acceptance_rate"]
    assert parts(empty) == (0, 0)
    assert empty["value"] is None
    assert empty["display"] == "样本不足（0/0）"


def _counts_a_moved_petition_at_each_unit_that_held_it(world):
    nov = stats("2025-11-01", "2025-11-30")
    assert parts(unit(nov, "330521-RSJ")["timely_acceptance_rate"]) == (1, 1)  # objected in time
    assert parts(unit(nov, "330521-ZJJ")["timely_acceptance_rate"]) == (2, 5)
    dec = stats("2025-12-01", "2025-12-31")
    assert parts(unit(dec, "330521-ZJJ")["timely_acceptance_rate"]) == (
        0,
        1,
    )  # the second notice, never answered


def _counts_transfers_over_triage_stages(world):
    s = stats("2025-11-01", "2025-11-30")
    assert parts(s["kpis"]["timely_transfer_rate"]) == (7, 7)
    assert s["transfers"]["transferred"] == 7
    dec = stats("2025-12-01", "2025-12-31")
    assert parts(dec["kpis"]["timely_transfer_rate"]) == (1, 1)  # the moved petition's second triage


def _uses_due_dates_after_extensions_and_pauses(world):
    # Without the pause and the extension both handling stages would have been due (and met) in January.
    jan = stats("2026-01-01", "2026-01-31")
    assert parts(jan["kpis"]["on_time_completion_rate"]) == (0, 0)
    feb = stats("2026-02-01", "2026-02-28")
    assert parts(feb["kpis"]["on_time_completion_rate"]) == (2, 2)
    assert parts(feb["kpis"]["on_time_reply_rate"]) == (2, 2)


def _leaves_out_a_stage_paused_at_the_period_end(world):
    year = stats("2025-11-01", "2026-11-22")
    # on_time, late (closed in time), paused (open and paused: left out); nothing else accepted.
    assert parts(year["kpis"]["on_time_completion_rate"]) == (2, 2)


def _computes_satisfaction_and_participation(world):
    feb = stats("2026-02-01", "2026-02-28")
    assert parts(feb["kpis"]["satisfaction_rate"]) == (1, 2)
    assert feb["ratings"] == {"satisfied": 1, "basic": 0, "unsatisfied": 1, "total": 2}
    assert parts(feb["kpis"]["participation_rate"]) == (2, 2)
    assert parts(stats("2026-03-01", "2026-03-31")["kpis"]["satisfaction_rate"]) == (0, 0)


def _counts_volume_repeats_and_breakdowns(world):
    s = stats("2025-11-01", "2025-11-30")
    assert s["volume"]["total"] == 7
    assert {c["key"]: c["n"] for c in s["volume"]["by_channel"]}["letter"] == 7
    assert parts(s["kpis"]["repeat_rate"]) == (1, 7)
    assert s["breakdowns"]["month"] == [{"key": "2025-11", "label": "2025年11月", "n": 7}]
    assert s["breakdowns"]["kind"][0]["n"] == 7
    assert s["top_units"][0]["code"] == "330521-ZJJ"
    assert s["top_units"][0]["n"] == 7  # 受理告知 stages opened at ZJJ in November (moved's on 11-18)


def _compares_with_the_same_period_a_year_earlier_and_the_period_before(world):
    s = stats("2025-11-01", "2025-11-30")
    assert s["volume"]["yoy"] == {"previous": 0, "delta": 7, "pct": None, "text": "同比增加7件"}
    assert s["volume"]["mom"]["text"] == "环比增加7件"
    dec = stats("2025-12-01", "2025-12-31")
    assert dec["volume"]["mom"] == {"previous": 7, "delta": -7, "pct": -100.0, "text": "环比下降100.00%"}


def _reports_an_empty_period_as_zero_with_insufficient_samples(world):
    s = stats("2024-01-01", "2024-12-31")
    assert s["volume"]["total"] == 0
    for key in ("timely_acceptance_rate", "on_time_completion_rate", "satisfaction_rate", "repeat_rate"):
        assert s["kpis"][key]["insufficient_sample"] is True
        assert s["kpis"][key]["display"].startswith("样本不足")


def _shows_insufficient_sample_below_the_setting(world, settings):
    settings.XINFANG_MIN_SAMPLE = 10
    r = stats("2025-11-01", "2025-11-30")["kpis"]["timely_acceptance_rate"]
    assert r["value"] is None
    assert r["display"] == "样本不足（3/6）"


def test_it_counts_notice_timeliness_with_its_edges(world):
    _has_the_due_dates_the_fixture_was_worked_out_with(world)
    _counts_timely_acceptance_with_withdrawn_left_out_and_open_stages_late(world)
    _counts_a_stage_due_on_the_last_day_of_the_period(world)
    _counts_a_moved_petition_at_each_unit_that_held_it(world)


def test_it_counts_transfers_and_handling_with_extensions_and_pauses(world):
    _counts_transfers_over_triage_stages(world)
    _uses_due_dates_after_extensions_and_pauses(world)
    _leaves_out_a_stage_paused_at_the_period_end(world)


def test_it_counts_satisfaction_volume_and_comparisons(world):
    _computes_satisfaction_and_participation(world)
    _counts_volume_repeats_and_breakdowns(world)
    _compares_with_the_same_period_a_year_earlier_and_the_period_before(world)


def test_it_handles_empty_periods_and_small_samples(world, settings):
    _reports_an_empty_period_as_zero_with_insufficient_samples(world)
    _shows_insufficient_sample_below_the_setting(world, settings)


def test_it_parses_periods_and_rejects_bad_ones():
    assert parse_period(None, "2025-06-30", today=ON) == Period(dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    from xinfang.core.errors import Invalid

    with pytest.raises(Invalid) as bad:
        parse_period("2025-12-01", "2025-11-01", today=ON)
    assert bad.value.code == "period_reversed"
    with pytest.raises(Invalid):
        parse_period("2025-13-01", None, today=ON)
    month = Period(dt.date(2025, 3, 1), dt.date(2025, 3, 31))
    assert month.before() == Period(dt.date(2025, 2, 1), dt.date(2025, 2, 28))
    leap = Period(dt.date(2024, 2, 29), dt.date(2024, 2, 29))
    assert leap.year_before() == Period(dt.date(2023, 2, 28), dt.date(2023, 2, 28))
