"""What a 信访部门 (or a unit that received a petition directly) does with it within 15 days.

《信访工作条例》第二十二条: 各级党委和政府信访部门收到信访事项，应当予以登记，并区分情况，在15日内分别按照
下列方式处理：（一）……转送有权处理的机关、单位；情况重大、紧急的，应当及时提出建议，报请本级党委和政府决定。
（二）涉及下级机关、单位或者其工作人员的……转送有权处理的机关、单位。（三）对转送信访事项中的重要情况需要
反馈办理结果的，可以交由有权处理的机关、单位办理，要求其在指定办理期限内反馈结果，提交办结报告。
各级党委和政府信访部门对收到的涉法涉诉信件，应当转送同级政法部门依法处理……对属于纪检监察机关受理的检举
控告类信访事项，应当按照管理权限转送有关纪检监察机关依规依纪依法处理。
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from xinfang.core.errors import IllegalTransition, Invalid
from xinfang.documents.kinds import DocumentKind
from xinfang.orgs.models import Org, OrgType, User
from xinfang.orgs.scope import region_org_ids
from xinfang.petitions.models import Kind, Outcome, Petition, Route, Stage, StageKind
from xinfang.petitions.services import _base
from xinfang.petitions.services.intake import resolve_org


def _may_send_to(holder: Org, target: Org) -> bool:
    """Where a holder may send a matter.

    A 信访部门 or 党委政府 sends within its region (第二十二条第一、二项); any other unit only to the
    lower units of its own system (第二十三条第一款: 属于本系统下级机关、单位职权范围的，应当转送、交办).
    """
    if target.pk == holder.pk or not target.is_active:
        return False
    region = region_org_ids(holder)
    if region is not None:
        # Its own 党委政府 is reached by 报请 (escalate), not by 转送.
        return target.pk in region and target.pk != holder.parent_id
    return target.supervisor_id == holder.pk or target.parent_id == holder.pk


def _guard_target(petition: Petition, holder: Org, target: Org) -> None:
    if not _may_send_to(holder, target):
        raise Invalid("to_org", f"“{target.name}”不在本单位可转送、交办的范围内。", code="out_of_scope")
    if petition.accused_org_id is not None and target.pk == petition.accused_org_id:
        # 第三十条第三款: 不得将信访人的检举、揭发材料……转给被检举、揭发的人员或者单位。
        raise Invalid(
            "to_org",
            "不得将检举控告材料转给被检举控告的单位（《信访工作条例》第三十条第三款）。",
            code="accused_unit",
        )


def _take_triage(petition: Petition, actor: User, action: str) -> Stage:
    """The 15-day stage the sender holds: a bureau's triage, or a unit's direct-receipt notice."""
    stage = _base.held_stage(petition, actor, StageKind.TRIAGE, StageKind.NOTICE, action=action)
    if stage.kind == StageKind.NOTICE and stage.from_org_id is not None:
        raise IllegalTransition(
            "转送、交办来的事项不属于本单位职权范围的，应在5个工作日内提出异议，而不是再次转送"
            "（《信访工作条例》第二十三条第三款）。",
            code="use_objection",
        )
    return stage


def _send(
    petition: Petition | int,
    *,
    actor: User,
    on: dt.date,
    to_org: str | int,
    action: str,
    outcome: str,
    report_due_on: dt.date | None = None,
) -> Petition:
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor)
        _base.check_on(petition, on)
        label = {"transfer": "转送", "assign": "交办", "refer": "移送"}[action]
        stage = _take_triage(petition, actor, label)
        holder = stage.org
        target = resolve_org(to_org)
        _guard_target(petition, holder, target)
        if action == "refer":
            _guard_referral(petition, holder, target)
        elif petition.route == Route.LITIGATION and target.type != OrgType.LEGAL:
            raise Invalid(
                "to_org",
                "涉法涉诉事项应当转送同级政法部门依法处理（《信访工作条例》第二十二条第二款），请使用“移送”。",
                code="litigation_to_legal",
            )
        elif petition.kind == Kind.ACCUSATION and target.type == OrgType.DISCIPLINE:
            raise Invalid("to_org", "检举控告类事项转纪检监察机关请使用“移送”。", code="use_refer")
        if action == "assign":
            if report_due_on is None:
                raise Invalid("report_due_on", "交办须指定反馈办理结果的期限。", code="required")
            if report_due_on <= on:
                raise Invalid("report_due_on", "反馈期限应晚于交办日期。", code="report_due_too_early")

        _base.close_stage(stage, on, outcome)
        if target.type in (OrgType.BUREAU, OrgType.PARTY_GOV):
            # A lower 信访部门 registers it in turn and has its own 15 days (第二十二条).
            notice = _base.open_stage(
                petition,
                StageKind.TRIAGE,
                target,
                on,
                rule_key="triage",
                from_org=holder,
                data={"via": action},
            )
        else:
            notice = _base.open_stage(
                petition, StageKind.NOTICE, target, on, rule_key="notice_transfer", from_org=holder
            )
            # 第二十三条第三款: 不属于本机关职权范围的，应当自收到之日起5个工作日内提出异议.
            objection_due = _base.due("objection", on)
            notice.data = {
                "via": action,
                "objection_due_on": objection_due.due_on.isoformat(),
                "objection_basis": {**objection_due.as_dict(), "explain": objection_due.explain()},
            }
            notice.save(update_fields=["data"])
        if report_due_on is not None:
            _base.open_stage(petition, StageKind.REPORT, target, on, due_on=report_due_on, from_org=holder)
        event = _base.record(
            petition,
            action,
            actor=actor,
            on=on,
            org=holder,
            stage=notice,
            data={"to_org": target.code, "to_org_name": target.name}
            | ({"report_due_on": report_due_on.isoformat()} if report_due_on else {}),
        )
        slip = {
            "transfer": DocumentKind.TRANSFER_SLIP,
            "assign": DocumentKind.ASSIGNMENT_LETTER,
            "refer": DocumentKind.REFERRAL_SLIP,
        }[action]
        # The body that is to handle the matter gets its content, an accusation included (第三十条第一款);
        # the guard above has made sure it is not the accused unit (第三十条第三款).
        _base.issue(
            petition,
            event,
            slip,
            issuing_org=holder,
            on=on,
            to_org=target,
            report_due_on=report_due_on,
            confidential="",
        )
        # 第二十三条第一款: 转送、交办……并告知信访人转送、交办去向.
        _base.issue(
            petition, event, DocumentKind.TRANSFER_NOTICE, issuing_org=holder, on=on, to_org_name=target.name
        )
        _base.derive_state(petition, on)
        return petition


def _guard_referral(petition: Petition, holder: Org, target: Org) -> None:
    if petition.kind == Kind.ACCUSATION:
        if target.type != OrgType.DISCIPLINE:
            raise Invalid(
                "to_org",
                "检举控告类事项应按管理权限移送纪检监察机关（《信访工作条例》第二十二条第二款）。",
                code="refer_to_discipline",
            )
    elif target.type != OrgType.LEGAL or target.parent_id != holder.region_root().pk:
        raise Invalid(
            "to_org",
            "涉法涉诉事项应移送同级政法部门（《信访工作条例》第二十二条第二款）。",
            code="refer_to_legal",
        )


def petition_transfer(petition: Petition | int, *, actor: User, on: dt.date, to_org: str | int) -> Petition:
    """转送 (第二十二条第一、二项): the receiving unit gets 15 days to give written notice."""
    return _send(petition, actor=actor, on=on, to_org=to_org, action="transfer", outcome=Outcome.TRANSFERRED)


def petition_assign(
    petition: Petition | int, *, actor: User, on: dt.date, to_org: str | int, report_due_on: dt.date | None
) -> Petition:
    """交办 (第二十二条第三项): as 转送, plus a 办结报告 due on the date the bureau sets."""
    return _send(
        petition,
        actor=actor,
        on=on,
        to_org=to_org,
        action="assign",
        outcome=Outcome.ASSIGNED,
        report_due_on=report_due_on,
    )


def petition_refer(petition: Petition | int, *, actor: User, on: dt.date, to_org: str | int) -> Petition:
    """移送 涉法涉诉 to the 政法部门, 检举控告 to the 纪检监察机关 (第二十二条第二款).

    The receiving body still owes the petitioner a notice (第二十三条第四款: 按照有关规定执行); its
    15-day clock is kept so nothing is left without an answer.
    """
    return _send(petition, actor=actor, on=on, to_org=to_org, action="refer", outcome=Outcome.REFERRED)


def petition_escalate(petition: Petition | int, *, actor: User, on: dt.date, reason: str) -> Petition:
    """报请本级党委和政府决定 a major or urgent matter (第二十二条第一项, 第二十五条第一款).

    The 党委政府 now holds the triage, still due on the 15th day after receipt.
    """
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor)
        _base.check_on(petition, on)
        reason = _base.require_text(reason, "reason", "报请理由")
        stage = _base.held_stage(petition, actor, StageKind.TRIAGE, action="报请")
        holder = stage.org
        gov = holder.parent if holder.type == OrgType.BUREAU else None
        if gov is None or gov.type != OrgType.PARTY_GOV:
            raise IllegalTransition("只有信访部门可以报请本级党委和政府决定。", code="not_a_bureau")
        _base.close_stage(stage, on, Outcome.ESCALATED)
        new = _base.open_stage(
            petition,
            StageKind.TRIAGE,
            gov,
            on,
            rule_key="triage",
            start=petition.received_on,
            from_org=holder,
        )
        event = _base.record(
            petition, "escalate", actor=actor, on=on, org=holder, stage=new, data={"reason": reason}
        )
        _base.issue(
            petition,
            event,
            DocumentKind.ESCALATION_REPORT,
            issuing_org=holder,
            on=on,
            to_org=gov,
            reason=reason,
        )
        _base.derive_state(petition, on)
        return petition
