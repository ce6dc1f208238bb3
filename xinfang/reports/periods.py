"""Reporting periods: [start, end] both included, and the periods they are compared with.

同比 compares with the same dates one year earlier (29 February becomes 28 February); 环比 with the
period of the same length just before: the previous N whole months when the period is N whole months
(a month, a quarter, a year), otherwise the previous N days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xinfang.core.errors import Invalid

MAX_DAYS = 3 * 366  # a statistics request covers at most three years


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def label(self) -> str:
        if self.start.month == 1 and self.start.day == 1 and self.end == dt.date(self.start.year, 12, 31):
            return f"{self.start.year}年"
        if self._whole_months() == 1:
            return f"{self.start.year}年{self.start.month}月"
        return f"{_zh(self.start)}至{_zh(self.end)}"

    def year_before(self) -> Period:
        return Period(_shift_year(self.start, -1), _shift_year(self.end, -1))

    def before(self) -> Period:
        months = self._whole_months()
        if months:
            start = _add_months(self.start, -months)
            return Period(start, self.start - dt.timedelta(days=1))
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))

    def _whole_months(self) -> int:
        """How many whole calendar months the period spans (0 when it is not whole months)."""
        if self.start.day != 1 or (self.end + dt.timedelta(days=1)).day != 1:
            return 0
        after = self.end + dt.timedelta(days=1)
        return (after.year - self.start.year) * 12 + after.month - self.start.month


def _zh(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _shift_year(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def _add_months(d: dt.date, months: int) -> dt.date:
    index = d.year * 12 + d.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_period(year: int, month: int) -> Period:
    start = dt.date(year, month, 1)
    return Period(start, _add_months(start, 1) - dt.timedelta(days=1))


def year_period(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31))


def parse_date(value: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(field, "日期格式应为 YYYY-MM-DD。", code="invalid_date") from None


def parse_period(start: str | None, end: str | None, *, today: dt.date) -> Period:
    """`from`/`to` as given; missing `from` is 1 January of `to`'s year, missing `to` is today."""
    end_on = parse_date(end, "to") if end else today
    start_on = parse_date(start, "from") if start else dt.date(end_on.year, 1, 1)
    if start_on > end_on:
        raise Invalid("from", "开始日期不能晚于结束日期。", code="period_reversed")
    if (end_on - start_on).days + 1 > MAX_DAYS:
        raise Invalid("to", "统计区间最长三年。", code="period_too_long")
    return Period(start_on, end_on)
