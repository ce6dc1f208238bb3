"""Per-row validation of an import file: the rules of registration (services/intake.py), row by row.

Every rule ``petitions.services.intake._validate`` applies to a registration is applied here to each
row, with the same messages where they exist, and each problem is reported with its row number and
column so that a clerk can fix the sheet:

- 信访形式, 三类 and (for 申诉求决类) the 途径 of 第三十一条; 途径 only for 申诉求决类;
- 收到日期 a real date, not in the future; 标题 and 事实和理由 present; 人数 at least 1 and at least
  the number of petitioners;
- at least one 信访人 with a name; 第二十条第三款: a visit of 5 or more people names representatives,
  at most 5; ID numbers checked against GB 11643 (``identity.validate_id_number``), phones with
  ``identity.validate_phone``;
- 登记单位, 内容分类, 问题属地 and 被检举控告单位 known by code; the importing user acts for the
  registering org (``scope.require_acts_for``), and 被检举控告单位 only for 检举控告类;
- for a closed historic record (docs/import.md): 办结日期 not before 收到日期 nor in the future,
  办结方式 one of the closed states, 办理结果 one that fits the kind of matter.

Text longer than its column is an error too (the database would refuse it and stop the whole file).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from xinfang.core.errors import XinfangError
from xinfang.core.identity import IdentityError, validate_id_number, validate_phone
from xinfang.orgs import scope
from xinfang.orgs.models import Org, OrgType, User
from xinfang.petitions.models import Category, Channel, Kind, Outcome, Petition, PetitionerKind, Route, State
from xinfang.petitions.services.intake import GROUP_VISIT_HEADCOUNT, MAX_REPRESENTATIVES

from . import columns
from .readers import Cell

EXCEL_EPOCH = dt.date(1899, 12, 30)
_DATE_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
ROUTE_VALUES = frozenset(Route.values)
_PARTS = ("kind", "id_number", "phone", "address", "is_representative")
_MAX = {
    "subject": Petition._meta.get_field("subject").max_length or 200,
    "place": Petition._meta.get_field("place").max_length or 200,
    "name": 100,
    "address": 200,
    "source_number": 60,
}


@dataclass
class RowError:
    row: int
    column: str  # the Chinese header, or "" for the whole row
    message: str
    code: str

    def __str__(self) -> str:
        where = f"第{self.row}行" + (f"“{self.column}”" if self.column else "")
        return f"{where}：{self.message}"


@dataclass(slots=True)
class Person:
    kind: str
    name: str
    id_number: str
    phone: str
    address: str
    is_representative: bool


@dataclass(slots=True)
class ValidRow:
    row: int
    received_on: dt.date
    channel: str
    org_id: int
    org_region6: str
    triage: bool  # registered at a 信访部门/党委政府 (15-day triage) or at a unit (15-day notice)
    subject: str
    request: str
    content: str
    kind: str
    route: str
    category_id: int | None
    region: str
    place: str
    headcount: int
    accused_org_id: int | None
    source_number: str
    people: list[Person]
    closed_on: dt.date | None = None
    closed_as: str = ""
    outcome: str = ""
    handled_by_id: int | None = None
    opinion: str = ""


@dataclass
class Lookups:
    """What the validator needs from the database, read once per file."""

    orgs: dict[str, Org]
    categories: dict[str, int]
    regions: set[str]
    actor: User
    default_org: Org | None
    today: dt.date
    acting_checked: dict[int, str | None] = field(default_factory=dict)

    @classmethod
    def load(cls, actor: User, default_org: Org | None, today: dt.date) -> Lookups:
        orgs = {o.code: o for o in Org.objects.all()}
        return cls(
            orgs=orgs,
            categories=dict(Category.objects.filter(is_active=True).values_list("code", "pk")),
            regions={o.region_code for o in orgs.values() if o.region_code},
            actor=actor,
            default_org=default_org,
            today=today,
        )

    def may_register_for(self, org: Org) -> str | None:
        """None if the actor may register for `org` (as registration checks), else the message."""
        if org.pk not in self.acting_checked:
            try:
                scope.require_acts_for(self.actor, org.pk)
            except XinfangError as exc:
                self.acting_checked[org.pk] = exc.message
            else:
                self.acting_checked[org.pk] = None
        return self.acting_checked[org.pk]


def text(value: Cell) -> str:
    """A cell as text: numbers that are whole come without ".0" (Excel stores 人数 3 as 3.0)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def parse_date(value: Cell) -> dt.date | None:
    """A date from a date cell, an Excel serial number, or text such as 2025-03-01, 2025/3/1, 2025年3月1日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 < value < 80000:  # Excel's serial day numbers (1954-2119)
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        value = text(value)
    raw = str(value).strip()
    if len(raw) == 8 and raw.isdigit():
        raw = f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    m = _DATE_RE.fullmatch(raw.split(" ", 1)[0].split("T", 1)[0])
    if m is None:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


class Validator:
    """Turns the cells of one row into a ValidRow, or the list of everything wrong with it."""

    def __init__(self, headers: list[str], lookups: Lookups) -> None:
        self.lookups = lookups
        known = columns.header_map()
        self.index: dict[str, int] = {}
        self.headers: dict[str, str] = {}
        unknown = []
        for i, header in enumerate(headers):
            if not header or columns.normal_header(header) in columns.IGNORED:
                continue
            key = known.get(columns.normal_header(header))
            if key is None:
                unknown.append(header)
            elif key in self.index:
                raise XinfangError(
                    f"表头“{header}”与另一列重复（{columns.label_of(key)}）。", code="duplicate_column"
                )
            else:
                self.index[key] = i
                self.headers[key] = header
        if unknown:
            raise XinfangError(
                "无法识别的列：" + "、".join(f"“{h}”" for h in unknown) + "（可用的列见 docs/import.md）。",
                code="unknown_columns",
            )
        required = [k for k in columns.REQUIRED if k not in self.index]
        if "p1.name" not in self.index:
            required.append("p1.name")
        if "org" not in self.index and lookups.default_org is None:
            required.append("org")
        if required:
            raise XinfangError(
                "缺少必需的列：" + "、".join(f"“{columns.label_of(k)}”" for k in required) + "。",
                code="missing_columns",
            )
        self.people = sorted(
            {int(k[1:].split(".", 1)[0]) for k in self.index if columns.is_person(k)},
        )
        self.seen_numbers: dict[str, int] = {}
        self._cells: list[Cell] = []

    def label(self, key: str) -> str:
        """The column's header as the file has it (or the template's, for a column it lacks)."""
        return self.headers.get(key) or columns.label_of(key)

    def _values(self, cells: list[Cell]) -> dict[str, str]:
        n = len(cells)
        out = {}
        for key, i in self.index.items():
            value = cells[i] if i < n else None
            out[key] = value.strip() if type(value) is str else text(value)
        return out

    def cell(self, cells: list[Cell], key: str) -> Cell:
        i = self.index.get(key)
        if i is None or i >= len(cells):
            return None
        return cells[i]

    def __call__(self, row: int, cells: list[Cell]) -> ValidRow | list[RowError]:
        errors: list[RowError] = []
        self._cells = cells

        def err(key: str, message: str, code: str) -> None:
            errors.append(RowError(row, self.label(key) if key else "", message, code))

        values = self._values(cells)
        for key, value in values.items():
            if "\x00" in value:
                err(key, "含有无效字符（NUL）。", "invalid_character")
                values[key] = ""

        def get(key: str) -> str:
            return values.get(key, "")

        look = self.lookups
        # --- the matter
        raw_received = self.cell(cells, "received_on")
        received_on = parse_date(raw_received)
        if received_on is None:
            if text(raw_received):
                err("received_on", "日期格式无法识别（示例：2025-03-01）。", "invalid_date")
            else:
                err("received_on", "请填写收到日期。", "required")
        elif received_on > look.today:
            err("received_on", "收到日期不能晚于今天。", "date_in_future")
        channel = columns.CHANNELS.get(get("channel").lower())
        if channel is None:
            err("channel", "信访形式无效（网上信访、来信、来访、来电、传真、其他）。", "invalid_choice")
        kind = columns.KINDS.get(get("kind").lower())
        if kind is None:
            err("kind", "请选择建议意见类、检举控告类或申诉求决类。", "invalid_choice")
        route_text = get("route")
        route = columns.ROUTES.get(route_text.lower(), "") if route_text else ""
        if kind == Kind.REQUEST:
            if route not in ROUTE_VALUES:
                err("route", "申诉求决类事项须选择第三十一条规定的处理途径。", "route_required")
        elif kind is not None and route_text:
            err("route", "只有申诉求决类事项需要选择处理途径。", "route_not_applicable")
        subject, content = get("subject"), get("content")
        if not subject:
            err("subject", "请填写标题。", "required")
        elif len(subject) > _MAX["subject"]:
            err("subject", f"标题不能超过{_MAX['subject']}个字。", "max_length")
        if not content:
            err("content", "请填写事实和理由。", "required")
        place = get("place")
        if len(place) > _MAX["place"]:
            err("place", f"发生地点不能超过{_MAX['place']}个字。", "max_length")

        # --- who registered it, and the codes
        org_code = get("org")
        org = look.orgs.get(org_code) if org_code else look.default_org
        if org is None or not org.is_active:
            err("org", f"找不到机构“{org_code}”。" if org_code else "请填写登记单位。", "unknown_org")
            org = None
        else:
            refused = look.may_register_for(org)
            if refused:
                err("org", refused, "not_holder")
        category_code = get("category")
        category_id = look.categories.get(category_code) if category_code else None
        if category_code and category_id is None:
            err("category", f"找不到内容分类“{category_code}”。", "unknown_category")
        region = get("region")
        if region and region not in look.regions:
            err("region", f"行政区划代码“{region}”不在本系统的机构树中。", "unknown_region")
        accused_code = get("accused_org")
        accused: Org | None = None
        if accused_code:
            if kind != Kind.ACCUSATION:
                err("accused_org", "只有检举控告类事项登记被检举控告单位。", "not_accusation")
            accused = look.orgs.get(accused_code)
            if accused is None or not accused.is_active:
                err("accused_org", f"找不到机构“{accused_code}”。", "unknown_org")
        source_number = get("source_number")
        if source_number:
            if len(source_number) > _MAX["source_number"]:
                err("source_number", f"原编号不能超过{_MAX['source_number']}个字符。", "max_length")
            first = self.seen_numbers.setdefault(source_number, row)
            if first != row:
                err("source_number", f"原编号与第{first}行重复。", "duplicate")

        # --- the petitioners (第十七条, 第二十条)
        people: list[Person] = []
        for n in self.people:
            p = self._person(n, get, err)
            if p is not None:
                people.append(p)
        if not people and not any(e.column == self.label("p1.name") for e in errors):
            err("p1.name", "至少登记一名信访人。", "required")
        headcount_text = get("headcount")
        headcount = max(1, len(people))
        if headcount_text:
            try:
                headcount = int(float(headcount_text))
            except ValueError:
                err("headcount", "人数应为整数。", "invalid_number")
            else:
                if headcount < 1:
                    err("headcount", "人数至少为1。", "min_value")
                headcount = max(headcount, len(people))
        representatives = sum(1 for p in people if p.is_representative)
        if representatives > MAX_REPRESENTATIVES:
            err(
                "",
                f"多人走访应推选代表，代表人数不得超过{MAX_REPRESENTATIVES}人（《信访工作条例》第二十条）；"
                f"本行登记了{representatives}名代表。",
                "too_many_representatives",
            )
        if channel == Channel.VISIT and headcount >= GROUP_VISIT_HEADCOUNT and representatives == 0:
            err(
                "p1.is_representative",
                "多人走访应推选代表（不超过5人，《信访工作条例》第二十条），请标明代表。",
                "representatives_required",
            )

        # --- a closed historic record
        closed = self._closing(get, err, kind, route, received_on)

        if errors:
            return errors
        assert received_on is not None and channel is not None and kind is not None and org is not None
        valid = ValidRow(
            row=row,
            received_on=received_on,
            channel=channel,
            org_id=org.pk,
            org_region6=org.region_code[:6],
            triage=org.type in (OrgType.BUREAU, OrgType.PARTY_GOV),
            subject=subject,
            request=get("request"),
            content=content,
            kind=kind,
            route=route,
            category_id=category_id,
            region=region,
            place=place,
            headcount=headcount,
            accused_org_id=accused.pk if accused is not None else None,
            source_number=source_number,
            people=people,
        )
        if closed is not None:
            valid.closed_on, valid.closed_as, valid.outcome, handled_by, valid.opinion = closed
            valid.handled_by_id = handled_by.pk if handled_by is not None else org.pk
        return valid

    def _person(self, n: int, get: Any, err: Any) -> Person | None:
        key = f"p{n}."
        name = get(key + "name")
        rest = {part: get(key + part) for part in _PARTS}
        if not name:
            if any(rest.values()):
                err(key + "name", "请填写信访人姓名（名称）。", "required")
            return None
        if len(name) > _MAX["name"]:
            err(key + "name", f"姓名（名称）不能超过{_MAX['name']}个字。", "max_length")
        kind = columns.PERSON_KINDS.get(rest["kind"].lower(), "") if rest["kind"] else PetitionerKind.PERSON
        if not kind:
            err(key + "kind", "信访人类型无效（个人或单位）。", "invalid_choice")
        id_number = rest["id_number"]
        raw = self.cell(self._cells, key + "id_number")
        if isinstance(raw, float) and kind == PetitionerKind.PERSON and raw >= 1e15:
            err(
                key + "id_number",
                "证件号码被Excel存成了数字，后几位已经丢失：请把该列设为“文本”格式后重新填写。",
                "id_number_as_number",
            )
            id_number = ""
        elif id_number:
            if kind == PetitionerKind.PERSON:
                try:
                    id_number = validate_id_number(id_number, today=self.lookups.today)
                except IdentityError as exc:
                    err(key + "id_number", exc.message + "。", exc.code)
            elif len(id_number) > 40:
                err(key + "id_number", "证件号码过长。", "max_length")
        phone = rest["phone"]
        if phone:
            try:
                phone = validate_phone(phone)
            except IdentityError as exc:
                err(key + "phone", exc.message + "。", exc.code)
        if len(rest["address"]) > _MAX["address"]:
            err(key + "address", f"住址不能超过{_MAX['address']}个字。", "max_length")
        flag = rest["is_representative"].lower()
        if flag not in columns.YES and flag not in columns.NO:
            err(key + "is_representative", "请填写“是”或“否”。", "invalid_choice")
        return Person(
            kind or PetitionerKind.PERSON, name, id_number, phone, rest["address"], flag in columns.YES
        )

    def _closing(
        self, get: Any, err: Any, kind: str | None, route: str, received_on: dt.date | None
    ) -> tuple[dt.date, str, str, Org | None, str] | None:
        raw_closed = self.cell(self._cells, "closed_on")
        closed_text = text(raw_closed)
        closed_as_text, outcome_text = get("closed_as"), get("outcome")
        handled_code, opinion = get("handled_by"), get("opinion")
        if not closed_text:
            for key, value in (
                ("closed_as", closed_as_text),
                ("outcome", outcome_text),
                ("handled_by", handled_code),
            ):
                if value:
                    err(key, "只有填写了办结日期的历史办结件才填写此列。", "closed_on_required")
            return None
        closed_on = parse_date(raw_closed)
        if closed_on is None:
            err("closed_on", "日期格式无法识别（示例：2025-03-01）。", "invalid_date")
        elif closed_on > self.lookups.today:
            err("closed_on", "办结日期不能晚于今天。", "date_in_future")
        elif received_on is not None and closed_on < received_on:
            err("closed_on", "办结日期不能早于收到日期。", "date_before_received")
        closed_as = columns.CLOSED_STATES.get(closed_as_text.lower(), "") if closed_as_text else ""
        if not closed_as:
            err(
                "closed_as",
                "请填写办结方式（已答复、已终结、已导入法定程序、不予受理、调解和解结案、已撤回）。",
                "invalid_choice",
            )
        elif closed_as == State.DIVERTED and (kind != Kind.REQUEST or route == Route.PETITION):
            err(
                "closed_as",
                "只有第三十一条第（一）至（五）项途径的申诉求决类事项才导入法定程序。",
                "not_applicable",
            )
        elif closed_as == State.CONCLUDED and (kind != Kind.REQUEST or route != Route.PETITION):
            err(
                "closed_as",
                "只有按信访程序办理的申诉求决类事项才有复核终结（第三十六条）。",
                "not_applicable",
            )
        outcome = ""
        if outcome_text:
            outcome = columns.OUTCOMES.get(outcome_text.lower(), "")
            if kind is not None and outcome not in columns.OUTCOMES_BY_KIND[kind]:
                allowed = "、".join(
                    label for code, label in Outcome.choices if code in columns.OUTCOMES_BY_KIND[kind]
                )
                err("outcome", f"办理结果无效：{Kind(kind).label}事项可填{allowed}。", "invalid_choice")
                outcome = ""
        handled_by: Org | None = None
        if handled_code:
            handled_by = self.lookups.orgs.get(handled_code)
            if handled_by is None:
                err("handled_by", f"找不到机构“{handled_code}”。", "unknown_org")
        if closed_on is None or not closed_as:
            return None
        return closed_on, closed_as, outcome, handled_by, opinion
