"""Registration (登记) of a petition arriving by any channel.

《信访工作条例》第十九条: 信访人一般应当采用书面形式提出信访事项，并载明其姓名（名称）、住址和请求、
事实、理由。对采用口头形式提出的信访事项，有关机关、单位应当如实记录。
第二十二条: 各级党委和政府信访部门收到信访事项，应当予以登记，并区分情况，在15日内分别按照下列方式处理.
第二十三条第一、二款: 其他机关、单位收到信访人直接提出的信访事项，应当予以登记; 不能当场告知的，应当
自收到信访事项之日起15日内书面告知信访人.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.db import transaction

from xinfang.core import refcache
from xinfang.core.crypto import blind_index
from xinfang.core.errors import Invalid
from xinfang.core.identity import IdentityError, phone_tail, validate_id_number, validate_phone
from xinfang.orgs import scope
from xinfang.orgs.models import Org, OrgType, User
from xinfang.petitions.models import (
    Category,
    Channel,
    Counter,
    Kind,
    Petition,
    Petitioner,
    PetitionerKind,
    Route,
    StageKind,
    State,
)
from xinfang.petitions.services import _base

# 第二十条第三款: 多人采用走访形式提出共同的信访事项的，应当推选代表，代表人数不得超过5人。
MAX_REPRESENTATIVES = 5
GROUP_VISIT_HEADCOUNT = 5
QUERY_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone
QUERY_CODE_LENGTH = 12  # 32**12 = 2**60 codes: not guessable


@dataclass
class PetitionerInput:
    name: str
    kind: str = PetitionerKind.PERSON
    id_number: str = ""
    phone: str = ""
    address: str = ""
    is_representative: bool = False


@dataclass
class PetitionInput:
    channel: str
    received_on: dt.date
    subject: str
    content: str
    kind: str
    petitioners: list[PetitionerInput]
    headcount: int = 1
    request: str = ""
    route: str = ""
    category: str = ""
    region: str = ""
    place: str = ""
    accused_org: str = ""
    org: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _resolve_org(value: str | int, field_name: str) -> Org:
    text = str(value).strip()
    org = Org.objects.filter(code=text).first()
    if org is None and text.isdigit():
        org = Org.objects.filter(pk=int(text)).first()
    if org is None or not org.is_active:
        raise Invalid(field_name, f"找不到机构“{text}”。", code="unknown_org")
    return org


def resolve_org(value: str | int, field_name: str = "to_org") -> Org:
    return _resolve_org(value, field_name)


def active_categories() -> dict[str, Category]:
    """The categories a petition may be filed under, by code (reference data, memoised per process)."""
    return refcache.memo(
        Category, "active", lambda: {c.code: c for c in Category.objects.filter(is_active=True)}
    )


def known_region_codes() -> frozenset[str]:
    """The 行政区划 codes of the org tree: a petition's 问题属地 must be one of them."""
    return refcache.memo(
        Org, "region_codes", lambda: frozenset(Org.objects.values_list("region_code", flat=True))
    )


def _validate(data: PetitionInput, actor: User | None) -> tuple[Org, Category | None, Org | None]:
    if data.channel not in Channel.values:
        raise Invalid("channel", "信访形式无效。", code="invalid_choice")
    if data.kind not in Kind.values:
        raise Invalid("kind", "请选择建议意见类、检举控告类或申诉求决类。", code="invalid_choice")
    if data.kind == Kind.REQUEST:
        if data.route not in Route.values:
            raise Invalid("route", "申诉求决类事项须选择第三十一条规定的处理途径。", code="route_required")
    elif data.route:
        raise Invalid("route", "只有申诉求决类事项需要选择处理途径。", code="route_not_applicable")
    if data.received_on > _base.today():
        raise Invalid("received_on", "收到日期不能晚于今天。", code="date_in_future")
    _base.require_text(data.subject, "subject", "标题")
    _base.require_text(data.content, "content", "事实和理由")
    if data.headcount < 1:
        raise Invalid("headcount", "人数至少为1。", code="min_value")
    if not data.petitioners:
        raise Invalid("petitioners", "至少登记一名信访人。", code="required")
    if len(data.petitioners) > data.headcount:
        data.headcount = len(data.petitioners)
    representatives = sum(1 for p in data.petitioners if p.is_representative)
    if representatives > MAX_REPRESENTATIVES:
        raise Invalid(
            "petitioners",
            f"多人走访应推选代表，代表人数不得超过{MAX_REPRESENTATIVES}人（《信访工作条例》第二十条）；"
            f"本次登记了{representatives}名代表。",
            code="too_many_representatives",
        )
    if data.channel == Channel.VISIT and data.headcount >= GROUP_VISIT_HEADCOUNT and representatives == 0:
        raise Invalid(
            "petitioners",
            "多人走访应推选代表（不超过5人，《信访工作条例》第二十条），请标明代表。",
            code="representatives_required",
        )
    for i, p in enumerate(data.petitioners):
        if not p.name.strip():
            raise Invalid(f"petitioners[{i}].name", "请填写信访人姓名（名称）。", code="required")
        if p.kind not in PetitionerKind.values:
            raise Invalid(f"petitioners[{i}].kind", "信访人类型无效。", code="invalid_choice")
        try:
            if p.id_number:
                p.id_number = (
                    validate_id_number(p.id_number)
                    if p.kind == PetitionerKind.PERSON
                    else p.id_number.strip()
                )
            if p.phone:
                p.phone = validate_phone(p.phone)
        except IdentityError as exc:
            name = "id_number" if exc.code.startswith("id_number") else "phone"
            raise Invalid(f"petitioners[{i}].{name}", exc.message, code=exc.code) from exc

    if actor is None:
        # 第十七条, 第二十一条: a petitioner submits online to the body of their choice.
        if data.channel != Channel.ONLINE:
            raise Invalid("channel", "网上提交的信访事项，信访形式应为网上信访。", code="invalid_choice")
        if not data.org:
            raise Invalid("org", "请选择受理机关。", code="required")
        registering = _resolve_org(data.org, "org")
    else:
        registering = _resolve_org(data.org, "org") if data.org else actor.org  # type: ignore[assignment]
        if registering is None:
            raise Invalid("org", "请指定登记单位。", code="required")
        scope.require_acts_for(actor, registering.pk)

    category = None
    if data.category:
        category = active_categories().get(data.category)
        if category is None:
            raise Invalid("category", f"找不到内容分类“{data.category}”。", code="unknown_category")
    if data.region and data.region not in known_region_codes():
        raise Invalid("region", f"行政区划代码“{data.region}”不在本系统的机构树中。", code="unknown_region")
    accused = None
    if data.accused_org:
        if data.kind != Kind.ACCUSATION:
            raise Invalid("accused_org", "只有检举控告类事项登记被检举控告单位。", code="not_accusation")
        accused = _resolve_org(data.accused_org, "accused_org")
    return registering, category, accused


def _next_number(org: Org, year: int) -> str:
    value = Counter.take(f"{org.region_code[:6]}-{year}")
    return f"{org.region_code[:6]}{year}{value:07d}"


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def petition_register(data: PetitionInput, *, actor: User | None) -> Petition:
    """Register a petition and open its first clock.

    A 信访部门 (or a 党委政府) opens the 15-day triage of 第二十二条; any other unit that receives a
    petition directly opens the 15-day written notice of 第二十三条第二款.
    """
    with transaction.atomic(durable=True):
        registering, category, accused = _validate(data, actor)
        triage = registering.type in (OrgType.BUREAU, OrgType.PARTY_GOV)
        first_rule = "triage" if triage else "notice_direct"
        petition = Petition.objects.create(
            number=_next_number(registering, data.received_on.year),
            query_code=new_query_code(),
            channel=data.channel,
            received_on=data.received_on,
            registered_org=registering,
            registered_by=actor,
            headcount=data.headcount,
            subject=data.subject.strip(),
            request=data.request.strip(),
            content=data.content.strip(),
            kind=data.kind,
            route=data.route,
            category=category,
            region_code=data.region,
            place=data.place.strip(),
            accused_org=accused,
            # The state derive_state would give for the first stage opened below.
            state=State.REGISTERED if triage else State.AWAITING_ACCEPTANCE,
            last_action_on=data.received_on,
            next_due_on=_base.due(first_rule, data.received_on).due_on,
        )
        people = Petitioner.objects.bulk_create(
            [
                Petitioner(
                    petition=petition,
                    kind=p.kind,
                    name=p.name.strip(),
                    id_number=p.id_number,
                    id_number_hash=blind_index("id_number", p.id_number) if p.id_number else "",
                    phone=p.phone,
                    phone_hash=blind_index("phone", p.phone) if p.phone else "",
                    phone_tail=phone_tail(p.phone) if p.phone else "",
                    address=p.address.strip(),
                    is_representative=p.is_representative,
                )
                for p in data.petitioners
            ]
        )
        stage = _base.open_stage(
            petition,
            StageKind.TRIAGE if triage else StageKind.NOTICE,
            registering,
            data.received_on,
            rule_key=first_rule,
        )
        # The registration answer reads these back: keep them instead of querying them again.
        _base.remember_related(petition, "petitioners", people)
        _base.remember_related(petition, "stages", [stage])
        _base.record(
            petition,
            "register",
            actor=actor,
            on=data.received_on,
            org=registering,
            stage=stage,
            data={
                "channel": data.channel,
                "headcount": data.headcount,
                **({"extra": data.extra} if data.extra else {}),
            },
        )
        return petition
