"""compute_due and friends: every edge of the legal clock (DESIGN.md §3).

Expected dates were worked out by hand from the State Council holiday notices as shipped in the
``chinesecalendar`` 1.11 table: 2025 National Day 10-01..10-08 off, 09-28 (Sun) and 10-11 (Sat) worked;
2026 New Year 01-01..01-03 off, 01-04 (Sun) worked; Spring Festival 02-15..02-23 off, 02-14 and 02-28
(Sat) worked; Labour Day 05-01..05-05 off, 05-09 (Sat) worked; Dragon Boat 06-19..06-21 off;
National Day 10-01..10-07 off, 09-20 (Sun) and 10-10 (Sat) worked.
"""

import json
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest

from xinfang.deadlines.calendar import WorkCalendar
from xinfang.deadlines.compute import DueDate, compute_due, days_left, paused_days_between
from xinfang.deadlines.rules import MAX_EXTENSION_DAYS, Unit, rule

OFFICIAL = WorkCalendar.official()


def d(s: str) -> date:
    return date.fromisoformat(s)


def due(key: str, start: str, **kwargs: Any) -> DueDate:
    kwargs.setdefault("calendar", OFFICIAL)
    return compute_due(rule(key), d(start), **kwargs)


# --- the DESIGN §3 clock table, on real dates ---------------------------------------------------------

CLOCK_TABLE = [
    # (rule, start, extension, paused, nominal due, due, why)
    ("triage", "2026-09-20", 0, 0, "2026-10-05", "2026-10-08", "15th day in National Day 2026"),
    ("notice_direct", "2025-09-16", 0, 0, "2025-10-01", "2025-10-09", "15th day on National Day 2025"),
    ("notice_transfer", "2026-02-02", 0, 0, "2026-02-17", "2026-02-24", "15th day in Spring Festival"),
    ("objection", "2026-02-11", 0, 0, "2026-02-25", "2026-02-25", "5 工作日, 调休 Sat, Spring Festival"),
    ("objection", "2025-12-29", 0, 0, "2026-01-06", "2026-01-06", "5 工作日 over New Year, 调休 Sunday"),
    ("objection_review", "2026-04-30", 0, 0, "2026-05-11", "2026-05-11", "5 工作日 over Labour Day"),
    ("handling", "2025-08-02", 0, 0, "2025-10-01", "2025-10-09", "60th day on National Day 2025"),
    ("handling", "2026-07-03", 30, 0, "2026-10-01", "2026-10-08", "60+30 days on National Day 2026"),
    ("handling_reference", "2026-03-02", 0, 0, "2026-05-01", "2026-05-06", "60th day on Labour Day"),
    ("review_request", "2025-12-02", 0, 0, "2026-01-01", "2026-01-04", "30th day on New Year, 调休 Sunday"),
    ("review", "2026-04-15", 0, 0, "2026-05-15", "2026-05-15", "30th day an ordinary Friday"),
    ("reexamination_request", "2026-05-07", 0, 0, "2026-06-06", "2026-06-08", "30th day a plain Saturday"),
    ("reexamination", "2026-05-21", 0, 0, "2026-06-20", "2026-06-22", "30th day in Dragon Boat Festival"),
    ("reexamination", "2026-03-02", 0, 10, "2026-04-11", "2026-04-13", "30 days + 10 days' hearing"),
]


@pytest.mark.parametrize(
    ("key", "start", "extension", "paused", "nominal", "expected", "why"),
    CLOCK_TABLE,
    ids=[f"{row[0]}-{row[1]}" for row in CLOCK_TABLE],
)
def test_the_design_clock_table(
    key: str, start: str, extension: int, paused: int, nominal: str, expected: str, why: str
) -> None:
    result = due(key, start, extension_days=extension, paused_days=paused)
    assert (result.nominal_due_on, result.due_on) == (d(nominal), d(expected)), why
    assert result.rolled == (nominal != expected)
    assert result.calendar_covered
    assert OFFICIAL.is_workday(result.due_on)


# --- calendar-day rules ---------------------------------------------------------------------------------


def test_it_counts_from_the_day_after_and_includes_day_n_on_a_plain_weekday() -> None:
    result = due("triage", "2026-03-02")  # Monday
    assert result.due_on == d("2026-03-17")  # Tuesday, the 15th day
    assert result.nominal_due_on == result.due_on
    assert not result.rolled
    assert result.days_off_skipped == ()


def test_it_rolls_a_saturday_due_date_to_monday() -> None:
    result = due("triage", "2026-03-06")
    assert result.nominal_due_on == d("2026-03-21")  # Saturday
    assert result.due_on == d("2026-03-23")  # Monday
    assert result.rolled
    assert result.days_off_skipped == (d("2026-03-21"), d("2026-03-22"))
    assert result.holidays_skipped == ()


def test_it_rolls_a_sunday_due_date_to_monday() -> None:
    result = due("triage", "2026-03-07")
    assert result.nominal_due_on == d("2026-03-22")  # Sunday
    assert result.due_on == d("2026-03-23")
    assert result.days_off_skipped == (d("2026-03-22"),)


@pytest.mark.parametrize(
    ("start", "makeup_day"),
    [
        ("2026-01-30", "2026-02-14"),  # Saturday before Spring Festival 2026
        ("2026-02-13", "2026-02-28"),  # Saturday after Spring Festival 2026
        ("2025-09-13", "2025-09-28"),  # Sunday before National Day 2025
        ("2025-09-26", "2025-10-11"),  # Saturday after National Day 2025
    ],
)
def test_it_does_not_roll_a_due_date_on_a_tiaoxiu_weekend_workday(start: str, makeup_day: str) -> None:
    result = due("triage", start)
    assert d(makeup_day).weekday() >= 5
    assert result.due_on == d(makeup_day)
    assert not result.rolled


def test_it_rolls_over_the_whole_spring_festival_2026() -> None:
    result = due("notice_direct", "2026-02-01")
    assert result.nominal_due_on == d("2026-02-16")
    assert result.due_on == d("2026-02-24")
    assert result.days_off_skipped == tuple(date(2026, 2, n) for n in range(16, 24))
    assert result.holidays_skipped == result.days_off_skipped  # the weekend 21–22 is inside the holiday


def test_it_rolls_over_national_day_2025() -> None:
    result = due("notice_transfer", "2025-09-23")
    assert result.nominal_due_on == d("2025-10-08")  # a Wednesday, still off
    assert result.due_on == d("2025-10-09")
    assert result.days_off_skipped == (d("2025-10-08"),)


def test_it_crosses_the_year_end_into_new_year_2026() -> None:
    result = due("triage", "2025-12-17")
    assert result.nominal_due_on == d("2026-01-01")
    assert result.due_on == d("2026-01-04")  # a 调休 Sunday
    assert result.days_off_skipped == (d("2026-01-01"), d("2026-01-02"), d("2026-01-03"))
    assert result.calendar_covered


def test_it_lands_on_leap_day() -> None:
    result = due("review_request", "2024-01-30")
    assert result.due_on == d("2024-02-29")  # a Thursday
    assert not result.rolled


def test_it_crosses_leap_day() -> None:
    assert due("review", "2024-02-15").nominal_due_on == d("2024-03-16")
    assert due("review", "2023-02-15").nominal_due_on == d("2023-03-17")


def test_it_adds_the_extension_to_a_60_day_handling_clock_and_rolls_off_the_holiday() -> None:
    result = due("handling", "2026-07-03", extension_days=30)
    assert result.nominal_due_on == d("2026-10-01")
    assert result.due_on == d("2026-10-08")
    assert result.extension_days == 30
    assert result.total_days == 90
    assert result.holidays_skipped == tuple(date(2026, 10, n) for n in range(1, 8))


def test_it_excludes_a_reexamination_hearing_from_the_clock() -> None:
    paused = paused_days_between(d("2026-03-10"), d("2026-03-20"))
    assert paused == 10
    result = due("reexamination", "2026-03-02", paused_days=paused)
    assert result.nominal_due_on == d("2026-04-11")  # a Saturday
    assert result.due_on == d("2026-04-13")
    assert result.paused_days == 10
    without = due("reexamination", "2026-03-02")
    assert without.due_on == d("2026-04-01")


def test_roll_to_workday_false_keeps_the_nominal_day() -> None:
    result = due("triage", "2026-09-20", roll_to_workday=False)
    assert result.due_on == result.nominal_due_on == d("2026-10-05")
    assert not result.rolled
    assert result.days_off_skipped == ()


def test_a_rule_that_does_not_roll_keeps_the_nominal_day_unless_overridden() -> None:
    no_roll = replace(rule("triage"), roll_to_workday=False)
    assert compute_due(no_roll, d("2026-09-20"), calendar=OFFICIAL).due_on == d("2026-10-05")
    forced = compute_due(no_roll, d("2026-09-20"), calendar=OFFICIAL, roll_to_workday=True)
    assert forced.due_on == d("2026-10-08")


# --- working-day rules ------------------------------------------------------------------------------------


def test_the_5_workday_objection_window_skips_a_weekend() -> None:
    result = due("objection", "2026-03-05")  # Thursday
    assert result.due_on == d("2026-03-12")  # Thursday a week later
    assert result.days_off_skipped == (d("2026-03-07"), d("2026-03-08"))
    assert not result.rolled
    assert result.unit is Unit.WORKING_DAYS


def test_the_5_workday_objection_window_skips_spring_festival_but_counts_the_tiaoxiu_saturday() -> None:
    result = due("objection", "2026-02-11")  # Wednesday
    # Thu 12 (1), Fri 13 (2), Sat 14 调休 (3), 15..23 off, Tue 24 (4), Wed 25 (5).
    assert result.due_on == d("2026-02-25")
    assert result.days_off_skipped == tuple(date(2026, 2, n) for n in range(15, 24))
    assert result.holidays_skipped == result.days_off_skipped


def test_a_workday_rule_counts_extension_and_pause_as_workdays() -> None:
    result = due("objection", "2026-03-05", paused_days=2)
    assert result.due_on == d("2026-03-16")  # 7th working day: Fri 6, Mon 9 .. Fri 13, Mon 16
    assert result.total_days == 7


def test_a_workday_rule_ignores_roll_to_workday() -> None:
    assert due("objection", "2026-03-05", roll_to_workday=False).due_on == d("2026-03-12")


# --- calendars -----------------------------------------------------------------------------------------


def test_an_uncovered_year_falls_back_to_weekends_only() -> None:
    result = due("triage", "2026-12-17")
    assert result.due_on == d("2027-01-01")  # surely a holiday, but 2027 is not in the table
    assert not result.rolled
    assert not result.calendar_covered
    assert "该年度节假日安排未录入，仅按周末计算" in result.explain()


def test_an_uncovered_year_still_rolls_weekends() -> None:
    result = due("review", "2027-03-01")
    assert result.nominal_due_on == d("2027-03-31")  # Wednesday
    result = due("review", "2027-03-04")
    assert result.nominal_due_on == d("2027-04-03")  # Saturday
    assert result.due_on == d("2027-04-05")
    assert not result.calendar_covered


def test_a_clock_inside_the_table_is_covered() -> None:
    assert due("triage", "2026-03-02").calendar_covered


def test_weekends_only_calendar_is_never_covered() -> None:
    result = due("triage", "2026-09-20", calendar=WorkCalendar.weekends_only())
    assert result.due_on == d("2026-10-05")
    assert not result.calendar_covered


def test_an_override_making_a_holiday_a_workday_stops_the_roll() -> None:
    cal = OFFICIAL.with_overrides({d("2026-10-05"): True})
    result = due("triage", "2026-09-20", calendar=cal)
    assert result.due_on == d("2026-10-05")
    assert not result.rolled


def test_an_override_making_a_workday_a_day_off_causes_a_roll() -> None:
    cal = OFFICIAL.with_overrides({d("2026-03-17"): False})
    result = due("triage", "2026-03-02", calendar=cal)
    assert result.due_on == d("2026-03-18")
    assert result.holidays_skipped == (d("2026-03-17"),)
    assert "系法定节假日" in result.explain()


def test_an_override_entering_next_years_holiday_makes_the_year_covered() -> None:
    cal = OFFICIAL.with_overrides({d("2027-01-01"): False})
    result = due("triage", "2026-12-17", calendar=cal)
    assert result.due_on == d("2027-01-04")  # Friday holiday, then the weekend
    assert result.calendar_covered


# --- explain and serialisation --------------------------------------------------------------------------


def test_explain_mentions_the_roll() -> None:
    text = due("triage", "2026-09-20").explain()
    assert text == (
        "自2026年9月20日次日起算15日（《信访工作条例》第二十二条），第15日为2026年10月5日，系法定节假日，"
        "顺延至2026年10月8日。"
    )


def test_explain_names_a_weekend_roll() -> None:
    assert "系休息日（周六），顺延至2026年3月23日" in due("triage", "2026-03-06").explain()


def test_explain_without_roll() -> None:
    text = due("triage", "2026-03-02").explain()
    assert text == "自2026年3月2日次日起算15日（《信访工作条例》第二十二条），第15日为2026年3月17日。"
    assert "顺延" not in text


def test_explain_mentions_extension_and_pause() -> None:
    text = due("handling", "2026-07-03", extension_days=30).explain()
    assert "延长30日" in text
    assert "共90日" in text
    text = due("reexamination", "2026-03-02", paused_days=10).explain()
    assert "中止/听证10日不计入" in text


def test_explain_for_a_workday_rule() -> None:
    text = due("objection", "2026-02-11").explain()
    assert text == (
        "自2026年2月11日次日起算5个工作日（《信访工作条例》第二十三条第三款），"
        "期间跳过非工作日9日（其中法定节假日9日），第5个工作日为2026年2月25日。"
    )


def test_as_dict_is_json_serialisable_and_round_trips() -> None:
    result = due("handling", "2026-07-03", extension_days=30)
    data = result.as_dict()
    assert data["due_on"] == "2026-10-08"
    assert data["unit"] == "calendar_days"
    assert data["days_off_skipped"] == [f"2026-10-0{n}" for n in range(1, 8)]
    assert DueDate.from_dict(json.loads(json.dumps(data))) == result


# --- helpers ------------------------------------------------------------------------------------------


def test_days_left() -> None:
    assert days_left(d("2026-10-08"), d("2026-10-01")) == 7
    assert days_left(d("2026-10-08"), d("2026-10-08")) == 0
    assert days_left(d("2026-10-08"), d("2026-10-10")) == -2


def test_paused_days_between_same_day_is_zero() -> None:
    assert paused_days_between(d("2026-03-10"), d("2026-03-10")) == 0


def test_paused_days_between_across_a_month_end() -> None:
    assert paused_days_between(d("2024-02-27"), d("2024-03-02")) == 4


# --- bad inputs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"extension_days": -1}, "extension_days must not be negative"),
        ({"paused_days": -3}, "paused_days must not be negative"),
        ({"extension_days": MAX_EXTENSION_DAYS + 1}, "may not exceed 30"),
    ],
)
def test_bad_counts_raise_value_error(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        due("handling", "2026-03-02", **kwargs)


def test_the_maximum_extension_is_allowed() -> None:
    assert due("handling", "2026-03-02", extension_days=MAX_EXTENSION_DAYS).total_days == 90


def test_paused_days_between_rejects_a_resumption_before_the_pause() -> None:
    with pytest.raises(ValueError, match="must not be before"):
        paused_days_between(d("2026-03-20"), d("2026-03-10"))


def test_a_datetime_start_is_refused() -> None:
    with pytest.raises(TypeError, match="not a datetime"):
        compute_due(rule("triage"), datetime(2026, 3, 2, 9, 30), calendar=OFFICIAL)  # noqa: DTZ001


def test_a_non_integer_count_is_refused() -> None:
    with pytest.raises(TypeError, match="must be an int"):
        due("handling", "2026-03-02", extension_days=1.5)
