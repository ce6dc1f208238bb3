"""月度通报: units ranked by 按期办结率 and by overdue work, and the overdue petitions, for one month.

- 按期办结率 of a unit: its `handling` stages due in the month, closed on or before the due date
  (the rules of xinfang.reports.selectors); below the minimum sample the unit is listed as "样本不足"
  and ranked after the units with a rate.
- Overdue: stages held by the unit that were past their due date and not closed at the end of the
  month's last day (or of yesterday, for the current month) — 《信访工作条例》第四十条: 督办 of
  "未按规定期限办理" matters.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from xinfang.orgs.models import Org
from xinfang.petitions.models import Stage, StageKind

from .access import Subtree
from .periods import Period, month_period
from .selectors import ON_TIME, rate, stages_due, stages_overdue

OVERDUE_LIST_LIMIT = 500


@dataclass
class UnitRow:
    org_id: int
    code: str
    name: str
    completion: dict[str, Any]
    overdue: int
    rate_rank: int | None = None
    overdue_rank: int = 0


@dataclass
class OverdueRow:
    petition_id: int
    number: str
    subject: str
    unit: str
    stage: str
    due_on: dt.date
    days_late: int


@dataclass
class Bulletin:
    org: Org
    period: Period
    as_of: dt.date
    rows: list[UnitRow] = field(default_factory=list)
    total: dict[str, Any] = field(default_factory=dict)
    overdue_total: int = 0
    overdue: list[OverdueRow] = field(default_factory=list)


def monthly_bulletin(subtree: Subtree, year: int, month: int, *, today: dt.date) -> Bulletin:
    period = month_period(year, month)
    as_of = min(period.end, today - dt.timedelta(days=1))
    ids = subtree.org_ids
    completion = (
        stages_due(ids, period, today=today)
        .filter(kind=StageKind.HANDLING)
        .order_by()
        .values("org_id")
        .annotate(due=Count("id"), on_time=Count("id", filter=ON_TIME))
    )
    per = {r["org_id"]: (int(r["due"]), int(r["on_time"])) for r in completion}
    overdue_qs = stages_overdue(ids, as_of)
    late = {r["org_id"]: int(r["n"]) for r in overdue_qs.order_by().values("org_id").annotate(n=Count("id"))}
    orgs = {o.pk: o for o in Org.objects.filter(pk__in=set(per) | set(late))}
    bulletin = Bulletin(org=subtree.org, period=period, as_of=as_of)
    for org_id, org in orgs.items():
        due, ok = per.get(org_id, (0, 0))
        bulletin.rows.append(
            UnitRow(org_id, org.code, org.name, rate(ok, due, label="按期办结率"), late.get(org_id, 0))
        )
    # Rank by rate (units with enough sample), then by overdue count (fewest first).
    bulletin.rows.sort(
        key=lambda r: (r.completion["value"] is None, -(r.completion["value"] or 0), r.overdue, r.code)
    )
    position = 0
    for r in bulletin.rows:
        if r.completion["value"] is not None:
            position += 1
            r.rate_rank = position
    for i, r in enumerate(sorted(bulletin.rows, key=lambda r: (-r.overdue, r.code)), start=1):
        r.overdue_rank = i
    bulletin.total = rate(
        sum(v[1] for v in per.values()), sum(v[0] for v in per.values()), label="按期办结率"
    )
    bulletin.overdue_total = sum(late.values())
    stages = (
        Stage.objects.filter(pk__in=overdue_qs.values("pk"))
        .select_related("petition", "org")
        .order_by("due_on", "id")[:OVERDUE_LIST_LIMIT]
    )
    for s in stages:
        bulletin.overdue.append(
            OverdueRow(
                petition_id=s.petition_id,
                number=s.petition.number,
                subject=s.petition.subject,
                unit=s.org.name,
                stage=s.get_kind_display(),
                due_on=s.due_on,
                days_late=(as_of - s.due_on).days,
            )
        )
    return bulletin


def _sheet_header(ws: Any, title: str, headers: list[str]) -> None:
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)


def _widths(ws: Any, widths: list[int]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def bulletin_xlsx(bulletin: Bulletin) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "单位排名"
    label = f"{bulletin.org.name}{bulletin.period.label()}信访工作通报（截至{bulletin.as_of:%Y-%m-%d}）"
    _sheet_header(
        ws,
        label,
        ["按期办结率排名", "单位", "期内到期办理环节", "按期办结", "按期办结率", "超期环节", "超期数排名"],
    )
    for r in bulletin.rows:
        ws.append(
            [
                r.rate_rank if r.rate_rank is not None else "样本不足",
                r.name,
                r.completion["denominator"],
                r.completion["numerator"],
                r.completion["value"] if r.completion["value"] is not None else "样本不足",
                r.overdue,
                r.overdue_rank,
            ]
        )
        if r.completion["value"] is not None:
            ws.cell(row=ws.max_row, column=5).number_format = "0.00%"
    t = bulletin.total
    ws.append(
        [
            "合计",
            "",
            t["denominator"],
            t["numerator"],
            t["value"] if t["value"] is not None else "样本不足",
            bulletin.overdue_total,
            "",
        ]
    )
    if t["value"] is not None:
        ws.cell(row=ws.max_row, column=5).number_format = "0.00%"
    _widths(ws, [14, 36, 18, 12, 12, 10, 12])
    ws2 = wb.create_sheet("超期信访件")
    _sheet_header(
        ws2,
        f"超期信访件（截至{bulletin.as_of:%Y-%m-%d}）",
        ["信访件编号", "标题", "责任单位", "环节", "办理期限", "超期天数"],
    )
    for o in bulletin.overdue:
        ws2.append([o.number, o.subject, o.unit, o.stage, o.due_on, o.days_late])
        ws2.cell(row=ws2.max_row, column=5).number_format = "yyyy-mm-dd"
    _widths(ws2, [22, 40, 30, 12, 14, 10])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
