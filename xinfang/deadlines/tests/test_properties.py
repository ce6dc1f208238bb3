"""Property tests of compute_due over the whole official table (skipped if hypothesis is not installed)."""

from datetime import date, timedelta

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from xinfang.deadlines.calendar import WorkCalendar  # noqa: E402
from xinfang.deadlines.compute import compute_due  # noqa: E402
from xinfang.deadlines.rules import MAX_EXTENSION_DAYS, RULES, Unit  # noqa: E402

OFFICIAL = WorkCalendar.official()

starts = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 9, 30))
keys = st.sampled_from(sorted(RULES))
extensions = st.integers(min_value=0, max_value=MAX_EXTENSION_DAYS)
pauses = st.integers(min_value=0, max_value=60)


@given(key=keys, start=starts, extension=extensions, paused=pauses)
def test_the_due_date_is_a_working_day_after_the_start(
    key: str, start: date, extension: int, paused: int
) -> None:
    result = compute_due(RULES[key], start, calendar=OFFICIAL, extension_days=extension, paused_days=paused)
    assert result.due_on > start or result.total_days == 0
    assert OFFICIAL.is_workday(result.due_on)
    assert result.due_on >= result.nominal_due_on
    assert result.calendar_covered
    assert all(not OFFICIAL.is_workday(x) for x in result.days_off_skipped)
    assert set(result.holidays_skipped) <= set(result.days_off_skipped)


@given(key=keys, start=starts, extension=extensions, paused=pauses)
def test_the_window_has_exactly_the_right_length(key: str, start: date, extension: int, paused: int) -> None:
    result = compute_due(RULES[key], start, calendar=OFFICIAL, extension_days=extension, paused_days=paused)
    total = result.total_days
    if result.unit is Unit.WORKING_DAYS:
        days = [start + timedelta(days=i) for i in range(1, (result.due_on - start).days + 1)]
        assert sum(OFFICIAL.is_workday(x) for x in days) == total
        assert len(result.days_off_skipped) + total == len(days)
    else:
        assert result.nominal_due_on == start + timedelta(days=total)
        # Every day between the nominal and the rolled due date is a day off, none is missed.
        gap = (result.due_on - result.nominal_due_on).days
        assert len(result.days_off_skipped) == gap


@given(start=starts, extension=extensions)
def test_a_later_start_never_gives_an_earlier_due_date(start: date, extension: int) -> None:
    for key in ("triage", "objection", "handling"):
        first = compute_due(RULES[key], start, calendar=OFFICIAL, extension_days=extension)
        second = compute_due(
            RULES[key], start + timedelta(days=1), calendar=OFFICIAL, extension_days=extension
        )
        assert second.due_on >= first.due_on
