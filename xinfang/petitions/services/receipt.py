"""What the unit that receives a petition does with it: 受理, 不予受理, 导入, 异议.

《信访工作条例》第二十三条第三款: 对党委和政府信访部门或者本系统上级机关、单位转送、交办的信访事项，属于本
机关、单位职权范围的，有关机关、单位应当自收到之日起15日内书面告知信访人接收情况以及处理途径和程序；不属于
本机关、单位或者本系统职权范围的，有关机关、单位应当自收到之日起5个工作日内提出异议，并详细说明理由，经转送、
交办的信访部门或者上级机关、单位核实同意后，交还相关材料。
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from xinfang.core.errors import IllegalTransition, Invalid
from xinfang.documents.kinds import DocumentKind
from xinfang.orgs.models import Org, OrgType, User
from xinfang.orgs.scope import region_org_ids
from xinfang.petitions.models import (
    ACCEPTED_STATES,
    Kind,
    Outcome,
    Petition,
    Route,
    StageKind,
    State,
)
from xinfang.petitions.services import _base

DECLINE_REASONS = ("in_progress_elsewhere", "final", "not_competent")


def petition_accept(petition: Petition | int, *, actor: User, on: dt.date) -> Petition:
    """受理 and its written notice (第二十三条); for route (六) the 60-day clock starts (第三十四条).

    第三十四条: 对本条例第三十一条第六项规定的信访事项应当自受理之日起60日内办结.
    建议意见类 and 检举控告类 matters get a handling clock of the same length by reference (configurable).
    """
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor)
        _base.check_on(petition, on)
        stage = _base.held_stage(petition, actor, StageKind.NOTICE, action="受理")
        if petition.kind == Kind.REQUEST and petition.route != Route.PETITION:
            raise IllegalTransition(
                f"该事项属第三十一条{petition.get_route_display()}，应导入相应法定程序处理，而非按信访程序受理。",
                code="route_requires_divert",
            )
        _base.close_stage(stage, on, Outcome.ACCEPTED)
        rule_key = "handling" if petition.kind == Kind.REQUEST else "handling_reference"
        handling = _base.open_stage(petition, StageKind.HANDLING, stage.org, on, rule_key=rule_key)
        event = _base.record(petition, "accept", actor=actor, on=on, org=stage.org, stage=handling)
        _base.issue(
            petition,
            event,
            DocumentKind.ACCEPTANCE_NOTICE,
            issuing_org=stage.org,
            on=on,
            new_due_on=handling.due_on,
            procedure="信访程序（《信访工作条例》第三十一条第六项）" if rule_key == "handling" else "",
        )
        _base.derive_state(petition, on)
        return petition


def _is_superior_of(decider: Org, holder: Org) -> bool:
    region = region_org_ids(decider)
    if region is None:
        return holder.supervisor_id == decider.pk or holder.parent_id == decider.pk
    return holder.pk in region and holder.pk != decider.pk


def petition_decline(
    petition: Petition | int,
    *,
    actor: User,
    on: dt.date,
    reason: str,
    related: int | None = None,
    competent_body: str = "",
) -> Petition:
    """不予受理 / 不再受理 / 告知向有权机关提出.

    - in_progress_elsewhere: 第十九条第三款 信访事项已经受理或者正在办理的，信访人在规定期限内向受理、办理
      机关、单位的上级机关、单位又提出同一信访事项的，上级机关、单位不予受理。
    - final: 第三十六条第三款 信访人对复核意见不服，仍然以同一事实和理由提出投诉请求的，各级党委和政府信访
      部门和其他机关、单位不再受理。
    - not_competent: 第二十三条第一款 对不属于本机关、单位或者本系统职权范围的，应当告知信访人向有权处理的
      机关、单位提出。
    """
    if reason not in DECLINE_REASONS:
        raise Invalid(
            "reason",
            "请选择不予受理的理由：in_progress_elsewhere、final 或 not_competent。",
            code="invalid_choice",
        )
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor)
        _base.check_on(petition, on)
        stage = _base.held_stage(petition, actor, StageKind.TRIAGE, StageKind.NOTICE, action="不予受理")
        holder = stage.org
        context: dict[str, Any] = {}
        if reason in ("in_progress_elsewhere", "final"):
            if related is None:
                raise Invalid("related", "请指明此前已受理或已终结的同一信访事项。", code="required")
            from xinfang.orgs.scope import petitions_visible_to

            earlier = petitions_visible_to(actor).filter(pk=related).exclude(pk=petition.pk).first()
            if earlier is None:
                raise Invalid("related", "找不到所指的信访件或无权查看。", code="unknown_petition")
            if reason == "final":
                if not earlier.is_final:
                    raise Invalid(
                        "related",
                        f"信访件{earlier.number}尚未经复核终结，不能以第三十六条不再受理。",
                        code="related_not_final",
                    )
                kind = DocumentKind.NON_ACCEPTANCE_NOTICE
            else:
                if earlier.state not in ACCEPTED_STATES:
                    raise Invalid(
                        "related",
                        f"信访件{earlier.number}不在受理或办理中，不能以第十九条第三款不予受理。",
                        code="related_not_in_progress",
                    )
                handlers = [s.org for s in _base.open_stages(earlier) if s.kind != StageKind.REPORT]
                if not any(_is_superior_of(holder, h) for h in handlers):
                    raise Invalid(
                        "related",
                        "第十九条第三款只适用于受理、办理机关的上级机关；本单位不是该件办理单位的上级。",
                        code="not_superior",
                    )
                kind = DocumentKind.DECLINE_NOTICE
            context["related_number"] = earlier.number
        else:
            if stage.kind == StageKind.NOTICE and stage.from_org_id is not None:
                raise IllegalTransition(
                    "转送、交办来的事项不属于本单位职权范围的，应在5个工作日内提出异议（第二十三条第三款）。",
                    code="use_objection",
                )
            context["competent_body"] = _base.require_text(competent_body, "competent_body", "有权处理的机关")
            kind = DocumentKind.REDIRECT_NOTICE
        _base.close_all(petition, on, Outcome.DECLINED)
        event = _base.record(
            petition,
            "decline",
            actor=actor,
            on=on,
            org=holder,
            stage=stage,
            data={"reason": reason, "related": related, "competent_body": competent_body},
        )
        _base.issue(petition, event, kind, issuing_org=holder, on=on, **context)
        _base.derive_state(petition, on, closed_as=State.DECLINED)
        return petition


def petition_divert(petition: Petition | int, *, actor: User, on: dt.date, procedure: str) -> Petition:
    """导入 the statutory procedure for routes (一)–(五) (第三十一条), and close.

    第三十一条（四）: 可以通过行政复议、行政裁决、行政确认、行政许可、行政处罚等行政程序解决的，导入相应程序处理。
    """
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor)
        _base.check_on(petition, on)
        procedure = _base.require_text(procedure, "procedure", "导入的法定程序")
        stage = _base.held_stage(petition, actor, StageKind.NOTICE, StageKind.HANDLING, action="导入法定程序")
        if petition.kind != Kind.REQUEST or petition.route == Route.PETITION:
            raise IllegalTransition(
                "只有第三十一条第一至五项的申诉求决类事项导入法定程序。", code="route_not_divertible"
            )
        for s in _base.open_stages(petition):
            if s.kind != StageKind.REPORT:
                _base.close_stage(s, on, Outcome.DIVERTED)
        event = _base.record(
            petition, "divert", actor=actor, on=on, org=stage.org, stage=stage, data={"procedure": procedure}
        )
        _base.issue(
            petition, event, DocumentKind.DIVERT_NOTICE, issuing_org=stage.org, on=on, procedure=procedure
        )
        _base.derive_state(petition, on, closed_as=State.DIVERTED)
        return petition


def petition_object(petition: Petition | int, *, actor: User, on: dt.date, reason: str) -> Petition:
    """异议: "not our remit", within 5 working days of receipt (第二十三条第三款)."""
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor)
        _base.check_on(petition, on)
        reason = _base.require_text(reason, "reason", "异议理由")
        stage = _base.held_stage(petition, actor, StageKind.NOTICE, action="提出异议")
        if stage.from_org is None:
            raise IllegalTransition(
                "本单位直接收到的事项不适用异议，请告知信访人向有权机关提出。", code="not_transferred"
            )
        if stage.data.get("objection_rejected"):
            raise IllegalTransition(
                "该事项的异议已被核实不同意，应依法办理。", code="objection_already_rejected"
            )
        window_end = dt.date.fromisoformat(stage.data["objection_due_on"])
        if on > window_end:
            raise IllegalTransition(
                f"异议应自收到之日起5个工作日内提出，期限已于{window_end.isoformat()}届满（第二十三条第三款）。",
                code="objection_window_closed",
            )
        _base.close_stage(stage, on, Outcome.OBJECTED)
        objection = _base.open_stage(
            petition,
            StageKind.OBJECTION,
            stage.from_org,
            on,
            rule_key="objection_review",
            from_org=stage.org,
            data={"reason": reason, "notice_stage": stage.pk},
        )
        event = _base.record(
            petition, "object", actor=actor, on=on, org=stage.org, stage=objection, data={"reason": reason}
        )
        _base.issue(
            petition,
            event,
            DocumentKind.OBJECTION_LETTER,
            issuing_org=stage.org,
            on=on,
            to_org=stage.from_org,
            reason=reason,
        )
        _base.derive_state(petition, on)
        return petition


def petition_object_decide(
    petition: Petition | int, *, actor: User, on: dt.date, approve: bool, reason: str = ""
) -> Petition:
    """The sender verifies the objection: agrees (材料交还, it disposes again) or disagrees (the unit handles).

    第二十三条第三款: 经转送、交办的信访部门或者上级机关、单位核实同意后，交还相关材料。
    """
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor)
        _base.check_on(petition, on)
        stage = _base.held_stage(petition, actor, StageKind.OBJECTION, action="核实异议")
        unit = stage.from_org
        assert unit is not None
        if not approve:
            reason = _base.require_text(reason, "reason", "不同意异议的理由")
        _base.close_stage(stage, on, Outcome.OBJECTION_APPROVED if approve else Outcome.OBJECTION_REJECTED)
        if approve:
            for report in _base.open_stages(petition, StageKind.REPORT).filter(org=unit):
                _base.close_stage(report, on, Outcome.CANCELLED)
            if stage.org.type in (OrgType.BUREAU, OrgType.PARTY_GOV):
                new = _base.open_stage(petition, StageKind.TRIAGE, stage.org, on, rule_key="triage")
            else:
                new = _base.open_stage(petition, StageKind.NOTICE, stage.org, on, rule_key="notice_direct")
        else:
            new = _base.open_stage(
                petition,
                StageKind.NOTICE,
                unit,
                on,
                rule_key="notice_transfer",
                from_org=stage.org,
                data={"via": "objection_rejected", "objection_rejected": True},
            )
        event = _base.record(
            petition,
            "object_approve" if approve else "object_reject",
            actor=actor,
            on=on,
            org=stage.org,
            stage=new,
            data={"reason": reason, "unit": unit.code},
        )
        _base.issue(
            petition,
            event,
            DocumentKind.OBJECTION_REPLY,
            issuing_org=stage.org,
            on=on,
            to_org=unit,
            outcome="同意异议，材料交还" if approve else "不同意异议，请依法办理",
            reason=reason,
        )
        _base.derive_state(petition, on)
        return petition
