"""领导接访、下访、约访 and 领导包案.

《信访工作条例》第十八条第二款: 各级机关、单位领导干部应当阅办群众来信和网上信访、定期接待群众来访、
定期下访，包案化解群众反映强烈的突出问题。第十八条第一款: 应当向社会公布……信访接待的时间和地点.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from xinfang.core.errors import Forbidden, IllegalTransition, Invalid, NotFound
from xinfang.orgs import scope
from xinfang.orgs.models import Role, User
from xinfang.petitions.models import Channel, Petition, State

from ..models import CaseStatus, LeaderCase, LeaderCaseNote, Reception, ReceptionKind, ReceptionSlot
from ..notifications.services import notify
from ._common import SUPERVISING_ROLES, audit, check_on, require_text

NOT_ACCEPTED = frozenset({State.REGISTERED, State.DECLINED, State.WITHDRAWN})


def _require_staff(actor: User) -> None:
    if (actor.role not in SUPERVISING_ROLES and actor.role != Role.CLERK) or actor.org_id is None:
        raise Forbidden("您的角色不能安排领导接访或包案。", code="role_forbidden")


def _require_leader(leader: User, actor: User) -> None:
    if leader.role != Role.LEADER:
        raise Invalid("leader", "所选人员不是领导。", code="not_leader")
    region = scope.region_org_ids(actor.org) if actor.org is not None else None
    if leader.org_id not in (region or ([actor.org_id] if actor.org_id else [])):
        raise Invalid("leader", "所选领导不在本辖区。", code="leader_not_in_region")


def _petitions(actor: User, ids: Sequence[int]) -> list[Petition]:
    found = [scope.get_petition_for(actor, int(pk)) for pk in dict.fromkeys(ids)]
    return found


def slot_publish(
    *,
    actor: User,
    leader: User,
    on: dt.date,
    starts_at: dt.time,
    ends_at: dt.time,
    place: str,
    topics: str = "",
    leader_title: str = "",
    kind: str = ReceptionKind.RECEIVE,
) -> ReceptionSlot:
    """Publish a reception on the schedule the portal shows (第十八条第一款)."""
    with transaction.atomic(durable=True):
        _require_staff(actor)
        _require_leader(leader, actor)
        if kind not in ReceptionKind.values:
            raise Invalid("kind", "接访方式不正确。", code="invalid_kind")
        if ends_at <= starts_at:
            raise Invalid("ends_at", "结束时间应晚于开始时间。", code="ends_before_start")
        assert leader.org is not None
        slot = ReceptionSlot.objects.create(
            leader=leader,
            leader_title=leader_title.strip(),
            org=leader.org,
            kind=kind,
            on=on,
            starts_at=starts_at,
            ends_at=ends_at,
            place=require_text(place, "place", "地点"),
            topics=topics.strip(),
        )
        audit("slot_publish", actor=actor, on=on, target=f"slot:{slot.pk}")
        return slot


def slot_withdraw(slot: ReceptionSlot | int, *, actor: User) -> ReceptionSlot:
    with transaction.atomic(durable=True):
        _require_staff(actor)
        pk = slot if isinstance(slot, int) else slot.pk
        found = ReceptionSlot.objects.select_for_update().filter(pk=pk).first()
        region = scope.region_org_ids(actor.org) if actor.org is not None else None
        if found is None or found.org_id not in (region or ([actor.org_id] if actor.org_id else [])):
            raise NotFound("接访安排不存在。")
        found.is_published = False
        found.save(update_fields=["is_published"])
        audit("slot_withdraw", actor=actor, on=found.on, target=f"slot:{found.pk}")
        return found


def reception_record(
    *,
    actor: User,
    kind: str,
    leader: User,
    on: dt.date,
    place: str,
    petition_ids: Sequence[int] = (),
    batches: int | None = None,
    persons: int | None = None,
    accepted: int | None = None,
    notes: str = "",
    slot: ReceptionSlot | None = None,
) -> Reception:
    """Record a 接访/下访/约访 and the petitions received there.

    批次, 人次 and 受理件数 default to what the linked petitions say (one batch per petition, its
    headcount, those accepted or in handling); a reception where people were heard but nothing was
    registered gives them explicitly.
    """
    with transaction.atomic(durable=True):
        _require_staff(actor)
        _require_leader(leader, actor)
        if kind not in ReceptionKind.values:
            raise Invalid("kind", "接访方式不正确。", code="invalid_kind")
        check_on(on)
        found = _petitions(actor, petition_ids)
        batches = len(found) if batches is None else batches
        persons = (
            sum(p.headcount if p.channel == Channel.VISIT else 1 for p in found)
            if persons is None
            else persons
        )
        accepted = sum(1 for p in found if p.state not in NOT_ACCEPTED) if accepted is None else accepted
        if min(batches, persons, accepted) < 0:
            raise Invalid("batches", "批次、人次、受理件数不能为负数。", code="negative")
        if persons < batches:
            raise Invalid("persons", "人次不能少于批次。", code="persons_below_batches")
        if accepted > batches:
            raise Invalid("accepted", "受理件数不能多于批次。", code="accepted_above_batches")
        assert leader.org is not None
        record = Reception.objects.create(
            kind=kind,
            slot=slot,
            leader=leader,
            org=leader.org,
            on=on,
            place=require_text(place, "place", "地点"),
            batches=batches,
            persons=persons,
            accepted=accepted,
            notes=notes.strip(),
            recorded_by=actor,
        )
        record.petitions.set(found)
        audit(
            "reception_record",
            actor=actor,
            on=on,
            target=f"reception:{record.pk}",
            petitions=[p.pk for p in found],
        )
        return record


def case_assign(
    *, actor: User, leader: User, petition_ids: Sequence[int], title: str, on: dt.date, target_on: dt.date
) -> LeaderCase:
    """领导包案: a leader sponsors one petition, or a group of related ones, to 化解 by a target date."""
    with transaction.atomic(durable=True):
        _require_staff(actor)
        _require_leader(leader, actor)
        check_on(on)
        found = _petitions(actor, petition_ids)
        if not found:
            raise Invalid("petitions", "请至少选择一件信访件。", code="required")
        if target_on <= on:
            raise Invalid("target_on", "化解时限应晚于包案日期。", code="target_too_early")
        busy = LeaderCase.objects.filter(status=CaseStatus.OPEN, petitions__in=found).values_list(
            "title", flat=True
        )
        if busy:
            raise IllegalTransition(f"所选信访件已由领导包案：{busy[0]}。", code="already_sponsored")
        assert leader.org is not None
        case = LeaderCase.objects.create(
            leader=leader,
            org=leader.org,
            title=require_text(title, "title", "案件名称"),
            assigned_by=actor,
            assigned_on=on,
            target_on=target_on,
        )
        case.petitions.set(found)
        audit("case_assign", actor=actor, on=on, target=f"case:{case.pk}", petitions=[p.pk for p in found])
        notify(
            [leader],
            f"您已包案“{case.title}”，化解时限{target_on:%Y-%m-%d}。",
            link=f"/supervision/cases/{case.pk}/",
        )
        return case


def _lock_case(case: LeaderCase | int, actor: User) -> LeaderCase:
    pk = case if isinstance(case, int) else case.pk
    found = LeaderCase.objects.select_for_update().filter(pk=pk).first()
    region = scope.region_org_ids(actor.org) if actor.org is not None else None
    if found is None or (found.leader_id != actor.pk and found.org_id not in (region or [])):
        raise NotFound("包案不存在或无权查看。")
    return found


def case_add_note(case: LeaderCase | int, *, actor: User, on: dt.date, text: str) -> LeaderCaseNote:
    with transaction.atomic(durable=True):
        found = _lock_case(case, actor)
        if found.status != CaseStatus.OPEN:
            raise IllegalTransition("包案已结案。", code="case_closed")
        check_on(on, not_before=found.assigned_on)
        note = LeaderCaseNote.objects.create(
            case=found, on=on, text=require_text(text, "text", "进展情况"), by=actor
        )
        audit("case_note", actor=actor, on=on, target=f"case:{found.pk}")
        return note


def case_close(
    case: LeaderCase | int, *, actor: User, on: dt.date, resolved: bool, outcome: str
) -> LeaderCase:
    """化解 (resolved) or closed unresolved; either way with the outcome written down."""
    with transaction.atomic(durable=True):
        found = _lock_case(case, actor)
        if found.status != CaseStatus.OPEN:
            raise IllegalTransition("包案已结案。", code="case_closed")
        check_on(on, not_before=found.assigned_on)
        found.status = CaseStatus.RESOLVED if resolved else CaseStatus.UNRESOLVED
        found.closed_on = on
        found.outcome = require_text(outcome, "outcome", "化解结果")
        found.save(update_fields=["status", "closed_on", "outcome"])
        audit("case_close", actor=actor, on=on, target=f"case:{found.pk}", status=found.status)
        return found
