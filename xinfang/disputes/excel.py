"""The ledger as Excel (.xlsx) in the layout bureaus keep: one sheet, a title row, a Chinese header row.

Import reads columns by their header (order may differ), checks every cell, and reports errors by row
and cell ("第5行 F列 涉及人数：应为正整数"). A file with any error imports nothing unless the user asks
for its valid rows; either way the valid rows go in one transaction.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import IO, Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

from xinfang.core.errors import Invalid
from xinfang.orgs import scope
from xinfang.orgs.models import Org, User

from .models import Dispute, Risk, Screening
from .selectors import Bulletin
from .services import DisputeInput, dispute_create_many, field_errors

SHEET_TITLE = "矛盾纠纷排查台账"
# (header, DisputeInput field) in the order bureaus keep them; the export adds the tracking columns.
IMPORT_COLUMNS: list[tuple[str, str]] = [
    ("排查类型", "screening"),
    ("线索来源", "source"),
    ("纠纷名称", "title"),
    ("基本情况", "description"),
    ("发生地行政区划代码", "region_code"),
    ("具体地点", "place"),
    ("涉及人数", "parties"),
    ("风险等级", "risk"),
    ("责任单位", "responsible_org"),
    ("责任人", "responsible_person"),
    ("化解措施", "measures"),
    ("排查日期", "found_on"),
]
REQUIRED = {
    "screening",
    "source",
    "title",
    "region_code",
    "parties",
    "risk",
    "responsible_org",
    "responsible_person",
    "found_on",
}
EXPORT_COLUMNS = [
    "序号",
    "台账编号",
    *(h for h, _ in IMPORT_COLUMNS),
    "状态",
    "化解日期",
    "销号日期",
    "销号理由",
    "审核人",
    "关联信访件",
]
MAX_ROWS = 5000
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


@dataclass(frozen=True)
class CellError:
    row: int  # 1-based sheet row
    column: str  # letter, "" when the whole row or file is concerned
    header: str
    message: str

    def __str__(self) -> str:
        where = f"第{self.row}行" + (f" {self.column}列" if self.column else "")
        return f"{where} {self.header}：{self.message}" if self.header else f"{where}：{self.message}"


@dataclass
class ImportReport:
    rows: list[tuple[int, DisputeInput]] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    imported: int = 0
    bad_rows: set[int] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = _DATE.match(_text(value))
    if not m:
        raise ValueError("日期格式应为2026-11-23或2026年11月23日。")
    return dt.date(int(m[1]), int(m[2]), int(m[3]))


def _choice(value: Any, choices: type[Screening] | type[Risk]) -> str:
    text = _text(value)
    for c in choices:
        if text in (c.value, c.label, f"{c.label}风险"):
            return str(c.value)
    labels = "、".join(str(c.label) for c in choices)
    raise ValueError(f"应为{labels}之一。")


def parse_ledger(data: IO[bytes], *, actor: User) -> ImportReport:
    report = ImportReport()
    try:
        book = load_workbook(data, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as exc:
        raise Invalid("file", "无法读取文件，请上传.xlsx格式的台账。", code="bad_file") from exc
    sheet = book.active
    if sheet is None:
        raise Invalid("file", "文件中没有工作表。", code="bad_file")
    rows = list(sheet.iter_rows(values_only=True))
    book.close()
    header_at = next((i for i, r in enumerate(rows[:10]) if r and "纠纷名称" in {_text(c) for c in r}), None)
    if header_at is None:
        raise Invalid("file", "找不到表头行（应含“纠纷名称”等列）。", code="no_header")
    header = [_text(c) for c in rows[header_at]]
    where = {name: header.index(name) for name, _ in IMPORT_COLUMNS if name in header}
    missing = [name for name, attr in IMPORT_COLUMNS if attr in REQUIRED and name not in where]
    if missing:
        raise Invalid("file", f"缺少列：{'、'.join(missing)}。", code="missing_columns")
    if len(rows) - header_at - 1 > MAX_ROWS:
        raise Invalid("file", f"一次最多导入{MAX_ROWS}行。", code="too_many_rows")
    orgs = _orgs_for(actor)
    for offset, raw in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if raw is None or all(_text(c) == "" for c in raw):
            continue
        errors_before = len(report.errors)
        values: dict[str, Any] = {}
        for name, attr in IMPORT_COLUMNS:
            col = where.get(name)
            cell = raw[col] if col is not None and col < len(raw) else None
            letter = get_column_letter(col + 1) if col is not None else ""
            try:
                values[attr] = _convert(attr, cell, orgs)
            except ValueError as exc:
                report.errors.append(CellError(offset, letter, name, str(exc)))
        if len(report.errors) == errors_before:
            item = DisputeInput(**values)
            for attr, message in field_errors(item, actor).items():
                name = next(h for h, a in IMPORT_COLUMNS if a == attr)
                col = where.get(name)
                report.errors.append(
                    CellError(offset, get_column_letter(col + 1) if col is not None else "", name, message)
                )
            if len(report.errors) == errors_before:
                report.rows.append((offset, item))
        if len(report.errors) > errors_before:
            report.bad_rows.add(offset)
    if not report.rows and not report.errors:
        raise Invalid("file", "文件中没有数据行。", code="empty_file")
    return report


def _orgs_for(actor: User) -> dict[str, Org]:
    ids = (scope.region_org_ids(actor.org) if actor.org is not None else None) or (
        [actor.org_id] if actor.org_id else []
    )
    found: dict[str, Org] = {}
    for org in Org.objects.filter(pk__in=ids):
        found[org.name] = found[org.code] = org
        if org.short_name:
            found[org.short_name] = org
    return found


def _convert(attr: str, cell: Any, orgs: dict[str, Org]) -> Any:
    text = _text(cell)
    if attr in REQUIRED and text == "" and not isinstance(cell, dt.date):
        raise ValueError("不能为空。")
    if attr == "screening":
        return _choice(cell, Screening)
    if attr == "risk":
        return _choice(cell, Risk)
    if attr == "parties":
        try:
            number = int(float(text))
        except ValueError:
            raise ValueError("应为正整数。") from None
        if number < 1 or float(text) != number:
            raise ValueError("应为正整数。")
        return number
    if attr == "found_on":
        return _date(cell)
    if attr == "responsible_org":
        org = orgs.get(text)
        if org is None:
            raise ValueError(f"“{text}”不是本辖区的单位（请填写单位全称或机构代码）。")
        return org
    return text


def import_ledger(data: IO[bytes], *, actor: User, valid_rows_only: bool = False) -> ImportReport:
    """Import a ledger file: nothing if it has errors, unless `valid_rows_only` is chosen."""
    report = parse_ledger(data, actor=actor)
    if report.errors and not valid_rows_only:
        return report
    created = dispute_create_many([item for _, item in report.rows], actor=actor)
    report.imported = len(created)
    return report


def _sheet(title: str, columns: list[str]) -> tuple[Workbook, Any]:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    sheet["A1"].font = Font(bold=True, size=16)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(columns)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    return book, sheet


def _bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_ledger(disputes: list[Dispute]) -> bytes:
    book, sheet = _sheet(SHEET_TITLE, EXPORT_COLUMNS)
    for i, d in enumerate(disputes, start=1):
        sheet.append(
            [
                i,
                d.number,
                d.get_screening_display(),
                d.source,
                d.title,
                d.description,
                d.region_code,
                d.place,
                d.parties,
                d.get_risk_display(),
                d.responsible_org.name,
                d.responsible_person,
                d.measures,
                d.found_on,
                d.get_status_display(),
                d.resolved_on,
                d.closed_on,
                d.close_reason,
                str(d.reviewer) if d.reviewer else "",
                "、".join(p.number for p in d.petitions.all()),
            ]
        )
    for col, width in zip(
        "ABCDEFGHIJKLMNOPQRST",
        (6, 22, 10, 14, 30, 40, 14, 24, 10, 10, 26, 10, 30, 12, 8, 12, 12, 20, 10, 20),
        strict=True,
    ):
        sheet.column_dimensions[col].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    return _bytes(book)


def template_xlsx() -> bytes:
    """An empty ledger with the import header, for units starting a new one."""
    book, _ = _sheet(SHEET_TITLE, [h for h, _ in IMPORT_COLUMNS])
    return _bytes(book)


BULLETIN_COLUMNS = ["责任单位", "本月新增", "本月化解", "在办", "累计排查", "累计化解", "化解率"]


def bulletin_xlsx(bulletin: Bulletin) -> bytes:
    title = f"{bulletin.year}年{bulletin.month}月矛盾纠纷排查化解情况通报"
    book, sheet = _sheet(title, BULLETIN_COLUMNS)
    rows = [*bulletin.rows, *([bulletin.total] if bulletin.total else [])]
    for r in rows:
        sheet.append([r.org, r.new, r.resolved, r.in_progress, r.total, r.resolved_total, r.rate])
        sheet.cell(row=sheet.max_row, column=7).number_format = "0.0%"
    sheet.column_dimensions["A"].width = 30
    return _bytes(book)
