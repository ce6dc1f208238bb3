"""WorkCalendar: the official table, overrides, and working-day arithmetic.

Every date below was checked by hand against the ``chinesecalendar`` 1.11 table (the State Council notices
for 2025 and 2026).
"""

from datetime import date, datetime

import pytest

from xinfang.deadlines.calendar import WorkCalendar

OFFICIAL = WorkCalendar.official()


def d(s: str) -> date:
    return date.fromisoformat(s)


def test_it_treats_plain_weekdays_as_workdays_and_weekends_as_days_off() -> None:
    assert OFFICIAL.is_workday(d("2026-03-17"))  # Tuesday
    assert not OFFICIAL.is_workday(d("2026-03-21"))  # Saturday
    assert not OFFICIAL.is_workday(d("2026-03-22"))  # Sunday


@pytest.mark.parametrize("day", ["2026-02-14", "2026-02-28", "2025-09-28", "2025-10-11", "2026-01-04"])
def test_it_treats_tiaoxiu_weekend_days_as_workdays(day: str) -> None:
    assert date.fromisoformat(day).weekday() >= 5
    assert d(day) in OFFICIAL.makeup_workdays
    assert OFFICIAL.is_workday(d(day))


def test_it_knows_spring_festival_2026() -> None:
    for n in range(15, 24):
        day = date(2026, 2, n)
        assert OFFICIAL.is_holiday(day)
        assert not OFFICIAL.is_workday(day)
    assert OFFICIAL.is_workday(d("2026-02-13"))  # Friday before
    assert OFFICIAL.is_workday(d("2026-02-24"))  # Tuesday after


def test_it_knows_national_day_2025() -> None:
    for n in range(1, 9):
        assert not OFFICIAL.is_workday(date(2025, 10, n))
    assert OFFICIAL.is_workday(d("2025-10-09"))


def test_it_knows_new_year_2026() -> None:
    for n in (1, 2, 3):
        assert not OFFICIAL.is_workday(date(2026, 1, n))
    assert OFFICIAL.is_workday(d("2025-12-31"))
    assert OFFICIAL.is_workday(d("2026-01-04"))  # Sunday, 调休


def test_it_covers_the_package_years_only() -> None:
    assert OFFICIAL.is_covered(d("2004-01-01"))
    assert OFFICIAL.is_covered(d("2026-12-31"))
    assert not OFFICIAL.is_covered(d("2027-01-01"))
    assert not OFFICIAL.is_covered(d("2003-12-31"))


def test_it_falls_back_to_weekends_outside_the_table() -> None:
    # 2027-01-01 will be New Year's Day, but the table does not have 2027 yet.
    assert OFFICIAL.is_workday(d("2027-01-01"))
    assert not OFFICIAL.is_workday(d("2027-01-02"))


def test_it_caches_the_official_calendar() -> None:
    assert WorkCalendar.official() is WorkCalendar.official()


def test_weekends_only_knows_no_holidays_and_covers_no_year() -> None:
    cal = WorkCalendar.weekends_only()
    assert cal.is_workday(d("2025-10-01"))
    assert not cal.is_workday(d("2026-02-14"))  # a 调休 Saturday is just a Saturday here
    assert not cal.is_covered(d("2026-01-01"))


def test_with_overrides_turns_a_day_off_into_a_workday() -> None:
    cal = OFFICIAL.with_overrides({d("2026-10-05"): True, d("2026-03-21"): True})
    assert cal.is_workday(d("2026-10-05"))  # a holiday Monday
    assert cal.is_workday(d("2026-03-21"))  # an ordinary Saturday
    assert not OFFICIAL.is_workday(d("2026-10-05"))  # the original is unchanged


def test_with_overrides_turns_a_workday_into_a_day_off() -> None:
    cal = OFFICIAL.with_overrides({d("2026-02-14"): False, d("2026-03-17"): False})
    assert not cal.is_workday(d("2026-02-14"))  # a 调休 Saturday
    assert not cal.is_workday(d("2026-03-17"))  # an ordinary Tuesday
    assert cal.is_holiday(d("2026-03-17"))


def test_with_overrides_adds_the_override_years_to_the_covered_years() -> None:
    cal = OFFICIAL.with_overrides({d("2027-01-01"): False})
    assert cal.is_covered(d("2027-06-30"))
    assert not cal.is_workday(d("2027-01-01"))
    assert not OFFICIAL.is_covered(d("2027-06-30"))


def test_it_refuses_a_day_that_is_both_holiday_and_makeup_workday() -> None:
    with pytest.raises(ValueError, match="both a holiday and a make-up"):
        WorkCalendar(
            holidays=frozenset({d("2026-02-14")}),
            makeup_workdays=frozenset({d("2026-02-14")}),
            covered_years=frozenset({2026}),
        )


def test_next_workday_on_or_after_keeps_a_workday() -> None:
    assert OFFICIAL.next_workday_on_or_after(d("2026-03-17")) == d("2026-03-17")
    assert OFFICIAL.next_workday_on_or_after(d("2026-02-14")) == d("2026-02-14")


def test_next_workday_on_or_after_skips_a_holiday_run() -> None:
    assert OFFICIAL.next_workday_on_or_after(d("2026-02-15")) == d("2026-02-24")
    assert OFFICIAL.next_workday_on_or_after(d("2026-01-01")) == d("2026-01-04")


def test_add_workdays_starts_counting_the_day_after() -> None:
    # Thursday 2026-03-05: Fri 6 is the 1st, Mon 9 the 2nd.
    assert OFFICIAL.add_workdays(d("2026-03-05"), 1) == (d("2026-03-06"), ())
    assert OFFICIAL.add_workdays(d("2026-03-05"), 2) == (d("2026-03-09"), (d("2026-03-07"), d("2026-03-08")))


def test_add_workdays_from_a_day_off_does_not_count_the_start() -> None:
    # Saturday 2026-03-07: the first working day after it is Monday 9.
    assert OFFICIAL.add_workdays(d("2026-03-07"), 1) == (d("2026-03-09"), (d("2026-03-08"),))


def test_add_workdays_zero_is_the_start_itself() -> None:
    assert OFFICIAL.add_workdays(d("2026-03-07"), 0) == (d("2026-03-07"), ())


def test_add_workdays_rejects_a_negative_count() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        OFFICIAL.add_workdays(d("2026-03-05"), -1)


def test_it_rejects_datetimes() -> None:
    with pytest.raises(TypeError, match="not a datetime"):
        OFFICIAL.is_workday(datetime(2026, 10, 1, 9, 0))  # noqa: DTZ001
