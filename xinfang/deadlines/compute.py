"""Computing a due date from a rule, a start day and the working-day calendar.

How a limit of the 《信访工作条例》 is read (DESIGN.md §3):

* **Counting starts on the day after the triggering day.** “自收到之日起15日内” does not count the day
  of receipt itself. This is the general rule on 期间 of 《民法典》第二百零一条 (“按照年、月、日计算期间的，
  开始的当日不计入，自下一日开始计算。”) and the reading of the only official implementing text found, the
  Shandong 信访事项复查复核工作规则 (第十四条, 第四十四条).
* **“以内” includes day N.** The last day of a 15-day window is the 15th day after the start, so for a
  calendar-day limit the nominal due date is ``start + days``. Same sources; see also
  《民法典》第一千二百五十九条 (“民法所称的‘以上’、‘以下’、‘以内’、‘届满’，包括本数”).
* **A last day that is not a working day rolls to the next working day.** 《民法典》第二百零三条:
  “期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日。” Weekends count as 休假日 here,
  and a 调休 make-up day is a working day. Rolling is a per-rule setting (:attr:`Rule.roll_to_workday`,
  on by default) that a caller can override per computation.
* **“N个工作日” counts only working days.** The due date is the N-th working day after the start; it is a
  working day by construction, so it never rolls.
* **Extensions and pauses lengthen the window in its own unit.** An extension under 第三十四条 (at most
  :data:`MAX_EXTENSION_DAYS` days) and time that does not count (e.g. the hearing of 第三十六条第二款,
  “听证所需时间不计算在前款规定的期限内。”) are added to the limit before the nominal day is found.

This module is pure Python: no Django imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .calendar import WorkCalendar, _check_date
from .rules import MAX_EXTENSION_DAYS, Rule, Unit

__all__ = ["DueDate", "compute_due", "days_left", "paused_days_between"]

_WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def _cn(d: date) -> str:
    """A date the way Chinese documents write it: 2026年9月20日."""
    return f"{d.year}年{d.month}月{d.day}日"


def _years_between(first: date, last: date) -> range:
    return range(min(first.year, last.year), max(first.year, last.year) + 1)


@dataclass(frozen=True)
class DueDate:
    """A computed due date together with everything needed to explain it.

    ``due_on``: the last day on which the act is in time. ``start``: the triggering day (not counted).
    ``rule_key``, ``article``, ``days``, ``unit``: the rule applied. ``extension_days``, ``paused_days``:
    added to the limit. ``nominal_due_on``: the last day before rolling. ``rolled``: the nominal day was not a
    working day and the due date was moved. ``days_off_skipped``: for a working-day rule the non-working days
    passed over while counting; for a calendar-day rule the non-working days from the nominal day up to (not
    including) the rolled due date. ``calendar_covered``: False if a year from ``start`` to ``due_on`` lies
    outside the official holiday table, so only weekends were known there. ``holidays_skipped``: the days of
    ``days_off_skipped`` that are 法定节假日 (the others are ordinary weekends).
    """

    due_on: date
    start: date
    rule_key: str
    article: str
    days: int
    unit: Unit
    extension_days: int
    paused_days: int
    nominal_due_on: date
    rolled: bool
    days_off_skipped: tuple[date, ...]
    calendar_covered: bool
    holidays_skipped: tuple[date, ...] = ()

    @property
    def total_days(self) -> int:
        """The length of the window in its unit: ``days + extension_days + paused_days``."""
        return self.days + self.extension_days + self.paused_days

    def as_dict(self) -> dict[str, object]:
        """A JSON-serialisable dict (dates as ISO strings, the unit as its value); see :meth:`from_dict`."""
        return {
            "due_on": self.due_on.isoformat(),
            "start": self.start.isoformat(),
            "rule_key": self.rule_key,
            "article": self.article,
            "days": self.days,
            "unit": self.unit.value,
            "extension_days": self.extension_days,
            "paused_days": self.paused_days,
            "nominal_due_on": self.nominal_due_on.isoformat(),
            "rolled": self.rolled,
            "days_off_skipped": [d.isoformat() for d in self.days_off_skipped],
            "calendar_covered": self.calendar_covered,
            "holidays_skipped": [d.isoformat() for d in self.holidays_skipped],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DueDate:
        """Rebuild a :class:`DueDate` from :meth:`as_dict` output (e.g. as read back from a JSON column)."""
        return cls(
            due_on=date.fromisoformat(data["due_on"]),
            start=date.fromisoformat(data["start"]),
            rule_key=str(data["rule_key"]),
            article=str(data["article"]),
            days=int(data["days"]),
            unit=Unit(data["unit"]),
            extension_days=int(data["extension_days"]),
            paused_days=int(data["paused_days"]),
            nominal_due_on=date.fromisoformat(data["nominal_due_on"]),
            rolled=bool(data["rolled"]),
            days_off_skipped=tuple(date.fromisoformat(d) for d in data["days_off_skipped"]),
            calendar_covered=bool(data["calendar_covered"]),
            holidays_skipped=tuple(date.fromisoformat(d) for d in data.get("holidays_skipped", ())),
        )

    def explain(self) -> str:
        """One Chinese sentence saying how ``due_on`` was reached, for display next to the date.

        E.g. “自2026年9月20日次日起算15日（《信访工作条例》第二十二条），第15日为2026年10月5日，系法定节假日，
        顺延至2026年10月8日。”
        """
        working = self.unit is Unit.WORKING_DAYS
        unit = "个工作日" if working else "日"
        parts = [f"自{_cn(self.start)}次日起算{self.days}{unit}（{self.article}）"]
        if self.extension_days:
            parts.append(f"延长{self.extension_days}日")
        if self.paused_days:
            parts.append(f"中止/听证{self.paused_days}日不计入")
        if self.extension_days or self.paused_days:
            parts.append(f"共{self.total_days}{unit}")
        if working:
            if self.days_off_skipped:
                skipped = f"期间跳过非工作日{len(self.days_off_skipped)}日"
                if self.holidays_skipped:
                    skipped += f"（其中法定节假日{len(self.holidays_skipped)}日）"
                parts.append(skipped)
            parts.append(f"第{self.total_days}个工作日为{_cn(self.due_on)}")
        else:
            last = f"第{self.total_days}日为{_cn(self.nominal_due_on)}"
            if self.rolled:
                if self.nominal_due_on in self.holidays_skipped:
                    reason = "法定节假日"
                else:
                    reason = f"休息日（{_WEEKDAY_NAMES[self.nominal_due_on.weekday()]}）"
                parts.extend([last, f"系{reason}", f"顺延至{_cn(self.due_on)}"])
            else:
                parts.append(last)
        sentence = "，".join(parts)
        if not self.calendar_covered:
            sentence += "；该年度节假日安排未录入，仅按周末计算"
        return sentence + "。"


def _check_count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}: {value!r}")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")
    return value


def compute_due(
    rule: Rule,
    start: date,
    *,
    calendar: WorkCalendar,
    extension_days: int = 0,
    paused_days: int = 0,
    roll_to_workday: bool | None = None,
) -> DueDate:
    """The due date of ``rule`` for a window triggered on ``start``.

    Calendar-day rules (“N日”): nominal due = ``start + days + extension_days + paused_days`` (the day after
    ``start`` is day 1 and “以内” includes day N); if rolling applies and that day is not a working day, the
    due date is the next working day (《民法典》第二百零三条: “期间的最后一日是法定休假日的，
    以法定休假日结束的次日为期间的最后一日。”). ``roll_to_workday`` overrides :attr:`Rule.roll_to_workday`
    when not None.

    Working-day rules (“N个工作日”, e.g. 第二十三条第三款 “应当自收到之日起5个工作日内提出异议”): due = the
    ``days + extension_days + paused_days``-th working day after ``start``; never rolled.

    ``extension_days``: the extension of 第三十四条 (“延长期限不得超过30日”), at most
    :data:`MAX_EXTENSION_DAYS`.
    ``paused_days``: days that do not count, e.g. 第三十六条第二款 “听证所需时间不计算在前款规定的期限内。”
    (see :func:`paused_days_between`).

    Raises :class:`ValueError` for negative counts or an extension over the maximum, :class:`TypeError` for a
    ``start`` that is not a plain :class:`date`.
    """
    _check_date(start, "start")
    _check_count(extension_days, "extension_days")
    _check_count(paused_days, "paused_days")
    _check_count(rule.days, f"rule {rule.key!r} days")
    if extension_days > MAX_EXTENSION_DAYS:
        raise ValueError(
            f"extension_days may not exceed {MAX_EXTENSION_DAYS} (《信访工作条例》第三十四条: "
            f"延长期限不得超过30日), got {extension_days}"
        )
    total = rule.days + extension_days + paused_days

    if rule.unit is Unit.WORKING_DAYS:
        due_on, skipped = calendar.add_workdays(start, total)
        nominal = due_on
        rolled = False
    else:
        nominal = start + timedelta(days=total)
        roll = rule.roll_to_workday if roll_to_workday is None else roll_to_workday
        due_on = calendar.next_workday_on_or_after(nominal) if roll else nominal
        rolled = due_on != nominal
        skipped = calendar.days_off_between(nominal, due_on - timedelta(days=1)) if rolled else ()

    covered = all(y in calendar.covered_years for y in _years_between(start, due_on))
    return DueDate(
        due_on=due_on,
        start=start,
        rule_key=rule.key,
        article=rule.article,
        days=rule.days,
        unit=rule.unit,
        extension_days=extension_days,
        paused_days=paused_days,
        nominal_due_on=nominal,
        rolled=rolled,
        days_off_skipped=skipped,
        calendar_covered=covered,
        holidays_skipped=tuple(d for d in skipped if calendar.is_holiday(d)),
    )


def days_left(due_on: date, today: date) -> int:
    """Days from ``today`` to ``due_on``: 0 on the due date itself, negative once overdue."""
    return (_check_date(due_on, "due_on") - _check_date(today, "today")).days


def paused_days_between(paused_on: date, resumed_on: date) -> int:
    """The days that do not count for a pause from ``paused_on`` until the clock resumes on ``resumed_on``.

    Implements 第三十六条第二款 “听证所需时间不计算在前款规定的期限内。” (and any other 中止): the result is
    ``resumed_on - paused_on`` in days, 0 for a pause that ends the day it begins. :class:`ValueError` if
    ``resumed_on`` is before ``paused_on``.
    """
    _check_date(paused_on, "paused_on")
    _check_date(resumed_on, "resumed_on")
    if resumed_on < paused_on:
        raise ValueError(
            f"resumed_on ({resumed_on.isoformat()}) must not be before paused_on ({paused_on.isoformat()})"
        )
    return (resumed_on - paused_on).days
