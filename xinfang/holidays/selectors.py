"""The working calendar in force: the official table plus the admin's corrections."""

from __future__ import annotations

import time

from xinfang.deadlines.calendar import WorkCalendar
from xinfang.holidays.models import CalendarDay

# Corrections change a few times a year; re-reading them at most once a minute keeps registration
# fast, and saving one clears this process's copy at once (signals below).
_TTL_SECONDS = 60.0
_cache: tuple[float, WorkCalendar] | None = None


def work_calendar() -> WorkCalendar:
    global _cache
    now = time.monotonic()
    if _cache is not None and now - _cache[0] < _TTL_SECONDS:
        return _cache[1]
    overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
    calendar = WorkCalendar.official().with_overrides(overrides)
    _cache = (now, calendar)
    return calendar


def clear_cache() -> None:
    global _cache
    _cache = None
