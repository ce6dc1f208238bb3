"""The working-day calendar: which days are 工作日 in China.

A day is a working day unless it is a weekend or a 法定节假日; a weekend day that the State Council's annual
notice turns into a working day (调休, "make-up working day") is a working day. The annual notice is only
published for one year at a time, so the calendar also records which years its table covers: outside those
years only weekends are known and every computed date says so.

The official table comes from the ``chinesecalendar`` package (``chinese_calendar.holidays`` and
``chinese_calendar.workdays``); an administrator can correct or extend it with per-day overrides
(:meth:`WorkCalendar.with_overrides`), e.g. to enter the next year's notice before the package has it.

This module is pure Python: no Django imports.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

__all__ = ["WorkCalendar"]

_ONE_DAY = timedelta(days=1)
_SATURDAY = 5


def _check_date(d: object, name: str = "d") -> date:
    """Return ``d`` if it is a plain :class:`date`; reject datetimes (their set lookups silently miss)."""
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"{name} must be a datetime.date (not a datetime), got {type(d).__name__}: {d!r}")
    return d


def _is_weekend(d: date) -> bool:
    return d.weekday() >= _SATURDAY


@dataclass(frozen=True)
class WorkCalendar:
    """A table of Chinese working days.

    ``holidays``: 法定节假日 days off (the whole official span, including weekend days inside it).
    ``makeup_workdays``: 调休 weekend days that are working days.
    ``covered_years``: the years for which the table is the official one; outside them only weekends are
    known.
    """

    holidays: frozenset[date]
    makeup_workdays: frozenset[date]
    covered_years: frozenset[int]

    def __post_init__(self) -> None:
        both = self.holidays & self.makeup_workdays
        if both:
            days = ", ".join(sorted(d.isoformat() for d in both))
            raise ValueError(f"a day cannot be both a holiday and a make-up working day: {days}")

    # -- queries -------------------------------------------------------------------------------------

    def is_workday(self, d: date) -> bool:
        """True for a 工作日: a 调休 make-up day, or a Monday–Friday that is not a 法定节假日."""
        _check_date(d)
        if d in self.makeup_workdays:
            return True
        if d in self.holidays:
            return False
        return not _is_weekend(d)

    def is_holiday(self, d: date) -> bool:
        """True if ``d`` is a 法定节假日 day off in this table (as opposed to an ordinary weekend)."""
        return _check_date(d) in self.holidays

    def is_covered(self, d: date) -> bool:
        """True if the year of ``d`` is covered by the official table (or by administrator overrides)."""
        return _check_date(d).year in self.covered_years

    # -- construction --------------------------------------------------------------------------------

    def with_overrides(self, overrides: Mapping[date, bool]) -> WorkCalendar:
        """Return a copy with some days changed: ``True`` = working day, ``False`` = day off.

        The years of the overridden days are added to ``covered_years``: an administrator who enters a day
        of a year is taken to have entered that year's table.
        """
        holidays = set(self.holidays)
        makeup = set(self.makeup_workdays)
        for d, working in overrides.items():
            _check_date(d, "override day")
            if working:
                holidays.discard(d)
                if _is_weekend(d):
                    makeup.add(d)
            else:
                makeup.discard(d)
                holidays.add(d)
        return WorkCalendar(
            holidays=frozenset(holidays),
            makeup_workdays=frozenset(makeup),
            covered_years=self.covered_years | {d.year for d in overrides},
        )

    @classmethod
    def official(cls) -> WorkCalendar:
        """The State Council table shipped by the ``chinesecalendar`` package (cached)."""
        return _official_calendar()

    @classmethod
    def weekends_only(cls) -> WorkCalendar:
        """A calendar knowing no holidays at all: Monday–Friday are working days, no year is covered."""
        return cls(holidays=frozenset(), makeup_workdays=frozenset(), covered_years=frozenset())

    # -- arithmetic ----------------------------------------------------------------------------------

    def next_workday_on_or_after(self, d: date) -> date:
        """``d`` itself if it is a working day, otherwise the first working day after it.

        This is the rolling rule of 《民法典》第二百零三条: “期间的最后一日是法定休假日的，以法定休假日结束的
        次日为期间的最后一日。”
        """
        _check_date(d)
        # Terminates: the tables are finite, so past them every Monday is a working day.
        while not self.is_workday(d):
            d += _ONE_DAY
        return d

    def add_workdays(self, start: date, n: int) -> tuple[date, tuple[date, ...]]:
        """The ``n``-th working day after ``start``, and the non-working days skipped on the way.

        Counting begins on the day after ``start`` (that day is the first candidate), so ``start`` itself
        never counts, whether or not it is a working day. ``n == 0`` returns ``(start, ())``.
        """
        _check_date(start, "start")
        if n < 0:
            raise ValueError(f"n must be a non-negative number of working days, got {n}")
        d = start
        skipped: list[date] = []
        counted = 0
        while counted < n:
            d += _ONE_DAY
            if self.is_workday(d):
                counted += 1
            else:
                skipped.append(d)
        return d, tuple(skipped)

    def days_off_between(self, first: date, last: date) -> tuple[date, ...]:
        """The non-working days in the closed range ``[first, last]`` (empty if ``last < first``)."""
        _check_date(first, "first")
        _check_date(last, "last")
        return tuple(d for d in _date_range(first, last) if not self.is_workday(d))


def _date_range(first: date, last: date) -> Iterable[date]:
    d = first
    while d <= last:
        yield d
        d += _ONE_DAY


@functools.cache
def _official_calendar() -> WorkCalendar:
    import chinese_calendar

    holidays: Mapping[date, object] = chinese_calendar.holidays
    workdays: Mapping[date, object] = chinese_calendar.workdays
    return WorkCalendar(
        holidays=frozenset(holidays),
        makeup_workdays=frozenset(workdays),
        covered_years=frozenset(d.year for d in (*holidays, *workdays)),
    )
