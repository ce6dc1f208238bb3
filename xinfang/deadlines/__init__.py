"""Statutory time limits of the 《信访工作条例》(2022) and the Chinese working-day calendar.

Pure Python (no Django imports), so it can be used and tested on its own:

* :mod:`.calendar` — :class:`WorkCalendar`, which days are 工作日 (official 节假日/调休 table plus overrides);
* :mod:`.rules` — :class:`Rule` and :data:`RULES`, one per clock, each quoting its article;
* :mod:`.compute` — :func:`compute_due` and :class:`DueDate`, the due date and how it was reached.

The reading of the limits (start the day after, “以内” includes day N, roll to the next working day) is
explained in :mod:`xinfang.deadlines.compute`.
"""

from .calendar import WorkCalendar
from .compute import DueDate, compute_due, days_left, paused_days_between
from .rules import MAX_EXTENSION_DAYS, RULES, Rule, Unit, rule

__all__ = [
    "MAX_EXTENSION_DAYS",
    "RULES",
    "DueDate",
    "Rule",
    "Unit",
    "WorkCalendar",
    "compute_due",
    "days_left",
    "paused_days_between",
    "rule",
]
