"""Write side of the dispute ledger: one function per act, each its own transaction.

《信访工作条例》第三十七条: 各级机关、单位应当坚持社会矛盾纠纷多元预防调处化解……多措并举化解矛盾纠纷。
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinfang.core.errors import Forbidden, IllegalTransition, Invalid, NotFound
from xinfang.orgs import scope
from xinfang.orgs.models import Org, Role, User, region_code_validator
from xinfang.petitions.models import Counter

from .models import TRANSITIONS, Dispute, DisputeEvent, DisputeStatus, Risk, Screening
from .selectors import disputes_visible_to

REVIEW_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN})


def today() -> dt.date:
    return timezone.localdate()


@dataclass
class DisputeInput:
    screening: str
    source: str
    title: str
    region_code: str
    parties: int
    risk: str
    responsible_org: Org
    responsible_person: str
    found_on: dt.date
    description: str = ""
    place: str = ""
    measures: str = ""


def validate_input(data: DisputeInput, actor: User) -> None:
    """Raise Invalid for the first wrong field (the import collects them all with `field_errors`)."""
    errors = field_errors(data, actor)
    if errors:
        field, message = next(iter(errors.items()))
        raise Invalid(field, message)


def field_errors(data: DisputeInput, actor: User) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.screening not in Screening.values:
        errors["screening"] = "排查类型应为全面排查、专项排查或滚动排查。"
    for field, label in (("source", "线索来源"), ("title", "纠纷名称"), ("responsible_person", "责任人")):
        if not str(getattr(data, field) or "").strip():
            errors[field] = f"请填写{label}。"
    try:
        region_code_validator(data.region_code)
    except Exception:
        errors["region_code"] = "行政区划代码应为6、9或12位数字。"
    if data.parties < 1:
        errors["parties"] = "涉及人数应为正整数。"
    if data.risk not in Risk.values:
        errors["risk"] = "风险等级应为高、中或低。"
    if data.found_on > today():
        errors["found_on"] = "排查日期不能晚于今天。"
    visible = scope.region_org_ids(actor.org) if actor.org is not None else None
    if data.responsible_org.pk not in (visible or ([actor.org_id] if actor.org_id else [])):
        errors["responsible_org"] = "责任单位不在本辖区。"
    return errors


def _number(org: Org, on: dt.date) -> str:
    value = Counter.take(f"mt:{org.region_code}:{on.year}")
    return f"MT{org.region_code}-{on.year}-{value:05d}"


def _require_staff(actor: User) -> Org:
    if actor.org is None:
        raise Forbidden("您没有所属单位，不能维护台账。", code="no_org")
    return actor.org


def _create(data: DisputeInput, actor: User, org: Org) -> Dispute:
    d = Dispute.objects.create(
        number=_number(org, data.found_on),
        screening=data.screening,
        source=data.source.strip(),
        title=data.title.strip(),
        description=data.description.strip(),
        region_code=data.region_code,
        place=data.place.strip(),
        parties=data.parties,
        risk=data.risk,
        responsible_org=data.responsible_org,
        responsible_person=data.responsible_person.strip(),
        measures=data.measures.strip(),
        found_on=data.found_on,
        created_org=org,
        created_by=actor,
    )
    DisputeEvent.objects.create(dispute=d, action="create", on=data.found_on, actor=actor)
    return d


def dispute_create(data: DisputeInput, *, actor: User) -> Dispute:
    """Enter a screened dispute in the ledger."""
    with transaction.atomic(durable=True):
        org = _require_staff(actor)
        validate_input(data, actor)
        return _create(data, actor, org)


def dispute_create_many(rows: list[DisputeInput], *, actor: User) -> list[Dispute]:
    """All rows in one transaction: an import is all or nothing."""
    with transaction.atomic(durable=True):
        org = _require_staff(actor)
        for data in rows:
            validate_input(data, actor)
        return [_create(data, actor, org) for data in rows]


def _lock(dispute: Dispute | int, actor: User) -> Dispute:
    pk = dispute if isinstance(dispute, int) else dispute.pk
    if not disputes_visible_to(actor).filter(pk=pk).exists():
        raise NotFound("台账记录不存在或无权查看。")
    return Dispute.objects.select_for_update().get(pk=pk)


def _move(d: Dispute, to: str) -> None:
    if to not in TRANSITIONS[d.status]:
        raise IllegalTransition(
            f"当前状态为“{d.get_status_display()}”，不能改为“{DisputeStatus(to).label}”。",
            code="illegal_status",
        )


def dispute_start(dispute: Dispute | int, *, actor: User, on: dt.date, measures: str) -> Dispute:
    """排查 → 化解中, with the measures taken."""
    with transaction.atomic(durable=True):
        d = _lock(dispute, actor)
        _move(d, DisputeStatus.RESOLVING)
        _check_on(on, d.found_on)
        measures = measures.strip() or d.measures
        if not measures:
            raise Invalid("measures", "请填写化解措施。", code="required")
        d.status, d.measures = DisputeStatus.RESOLVING, measures
        d.save(update_fields=["status", "measures"])
        DisputeEvent.objects.create(
            dispute=d, action="start", on=on, actor=actor, data={"measures": measures}
        )
        return d


def dispute_resolve(dispute: Dispute | int, *, actor: User, on: dt.date, note: str = "") -> Dispute:
    """→ 已化解."""
    with transaction.atomic(durable=True):
        d = _lock(dispute, actor)
        _move(d, DisputeStatus.RESOLVED)
        _check_on(on, d.found_on)
        d.status, d.resolved_on = DisputeStatus.RESOLVED, on
        d.save(update_fields=["status", "resolved_on"])
        DisputeEvent.objects.create(dispute=d, action="resolve", on=on, actor=actor, data={"note": note})
        return d


def dispute_close_out(dispute: Dispute | int, *, actor: User, on: dt.date, reason: str) -> Dispute:
    """销号: a resolved entry leaves the ledger with a reason, approved by a reviewer (supervisor, leader
    or admin) who is not the person who entered it — four eyes on every close-out."""
    with transaction.atomic(durable=True):
        d = _lock(dispute, actor)
        _move(d, DisputeStatus.CLOSED)
        if actor.role not in REVIEW_ROLES:
            raise Forbidden("销号须由督查员、领导或管理员审核。", code="reviewer_role")
        if actor.pk == d.created_by_id:
            raise Forbidden("销号审核人不能是录入人。", code="reviewer_is_creator")
        assert d.resolved_on is not None
        _check_on(on, d.resolved_on)
        reason = reason.strip()
        if not reason:
            raise Invalid("reason", "请填写销号理由。", code="required")
        d.status, d.closed_on, d.close_reason, d.reviewer = DisputeStatus.CLOSED, on, reason, actor
        d.save(update_fields=["status", "closed_on", "close_reason", "reviewer"])
        DisputeEvent.objects.create(
            dispute=d, action="close_out", on=on, actor=actor, data={"reason": reason}
        )
        return d


def dispute_link_petition(dispute: Dispute | int, *, actor: User, petition_id: int) -> Dispute:
    """When a screened dispute becomes a petition, the two are linked."""
    with transaction.atomic(durable=True):
        d = _lock(dispute, actor)
        petition = scope.get_petition_for(actor, petition_id)
        d.petitions.add(petition)
        DisputeEvent.objects.create(
            dispute=d, action="link", on=today(), actor=actor, data={"petition": petition.number}
        )
        return d


def _check_on(on: dt.date, not_before: dt.date) -> None:
    if on > today():
        raise Invalid("on", "日期不能晚于今天。", code="date_in_future")
    if on < not_before:
        raise Invalid("on", "日期不能早于此前的日期。", code="date_before_previous")


__all__: list[Any] = [
    "DisputeInput",
    "dispute_close_out",
    "dispute_create",
    "dispute_create_many",
    "dispute_link_petition",
    "dispute_resolve",
    "dispute_start",
    "field_errors",
]
