"""Handling a matter to its written answer: 延期, 中止/听证, 意见书, 调解, 送达.

《信访工作条例》第三十四条: 对本条例第三十一条第六项规定的信访事项应当自受理之日起60日内办结；情况复杂的，
经本机关、单位负责人批准，可以适当延长办理期限，但延长期限不得超过30日，并告知信访人延期理由。
第三十二条: 信访处理意见书应当载明信访人投诉请求、事实和理由、处理意见及其法律法规依据.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from xinfang.core.errors import IllegalTransition, Invalid
from xinfang.deadlines.compute import paused_days_between
from xinfang.deadlines.rules import MAX_EXTENSION_DAYS
from xinfang.documents.kinds import DocumentKind
from xinfang.orgs.models import User
from xinfang.petitions.models import (
    DeliveryMethod,
    Kind,
    Outcome,
    PauseReason,
    Petition,
    Route,
    Stage,
    StageKind,
    State,
)
from xinfang.petitions.services import _base

DECIDING_KINDS = (StageKind.HANDLING, StageKind.REVIEW, StageKind.REEXAMINATION)
PETITION_OUTCOMES = (Outcome.SUPPORT, Outcome.EXPLAIN, Outcome.REJECT)  # 第三十二条
REVIEW_OUTCOMES = (*PETITION_OUTCOMES, Outcome.UPHOLD, Outcome.REVOKE, Outcome.CHANGE, Outcome.REMAND)
SUGGESTION_OUTCOMES = (Outcome.ADOPTED, Outcome.PARTLY_ADOPTED, Outcome.NOT_ADOPTED)  # 第二十九条
ACCUSATION_OUTCOMES = (Outcome.SUBSTANTIATED, Outcome.PARTLY_SUBSTANTIATED, Outcome.UNSUBSTANTIATED)


def petition_extend(
    petition: Petition | int, *, actor: User, on: dt.date, days: int, approver: str, reason: str
) -> Petition:
    """延期 once, by at most 30 days, approved by the unit's 负责人, the reason told (第三十四条)."""
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor)
        _base.check_on(petition, on)
        stage = _base.held_stage(petition, actor, StageKind.HANDLING, action="延期")
        if not 1 <= days <= MAX_EXTENSION_DAYS:
            raise Invalid(
                "days",
                f"延长期限应为1至{MAX_EXTENSION_DAYS}日（《信访工作条例》第三十四条）。",
                code="extension_too_long" if days > MAX_EXTENSION_DAYS else "min_value",
            )
        approver = _base.require_text(approver, "approver", "批准延期的本单位负责人")
        reason = _base.require_text(reason, "reason", "延期理由（将告知信访人）")
        if stage.extended_days:
            raise IllegalTransition(
                "办理期限已延长过一次，不能再次延期（第三十四条）。", code="already_extended"
            )
        if stage.decided_on is not None:
            raise IllegalTransition("已出具处理意见，无需延期。", code="already_decided")
        if on > stage.due_on:
            raise Invalid(
                "on", f"办理期限已于{stage.due_on.isoformat()}届满，不能再延期。", code="extension_after_due"
            )
        stage.extended_days = days
        _base.recompute_due(stage)
        stage.save()
        event = _base.record(
            petition,
            "extend",
            actor=actor,
            on=on,
            org=stage.org,
            stage=stage,
            data={"days": days, "approver": approver, "reason": reason, "due_on": stage.due_on.isoformat()},
        )
        _base.issue(
            petition,
            event,
            DocumentKind.EXTENSION_NOTICE,
            issuing_org=stage.org,
            on=on,
            days=days,
            reason=reason,
            new_due_on=stage.due_on,
        )
        _base.derive_state(petition, on)
        return petition


def petition_pause(petition: Petition | int, *, actor: User, on: dt.date, reason: str) -> Petition:
    """Stop the clock for a hearing, a suspension or missing material.

    第三十六条第二款: 听证所需时间不计算在前款规定的期限内。The same pause serves 第三十一条第六项 hearings
    and 中止 during handling; the paused days are added to the due date on resume.
    """
    if reason not in PauseReason.values:
        raise Invalid(
            "reason",
            "中止理由应为 hearing（听证）、suspension（中止）或 supplement（补充材料）。",
            code="invalid_choice",
        )
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor)
        _base.check_on(petition, on)
        stage = _base.held_stage(petition, actor, *DECIDING_KINDS, action="中止计时")
        if stage.paused_since is not None:
            raise IllegalTransition("办理期限已处于中止状态。", code="already_paused")
        if stage.decided_on is not None:
            raise IllegalTransition("已出具处理意见，不能中止。", code="already_decided")
        stage.paused_since = on
        stage.pause_reason = reason
        stage.save()
        _base.record(
            petition, "pause", actor=actor, on=on, org=stage.org, stage=stage, data={"reason": reason}
        )
        _base.derive_state(petition, on)
        return petition


def petition_resume(petition: Petition | int, *, actor: User, on: dt.date) -> Petition:
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor)
        _base.check_on(petition, on)
        stage = _base.held_stage(petition, actor, *DECIDING_KINDS, action="恢复计时")
        if stage.paused_since is None:
            raise IllegalTransition("办理期限未中止。", code="not_paused")
        added = paused_days_between(stage.paused_since, on)
        stage.paused_days += added
        stage.paused_since = None
        reason = stage.pause_reason
        stage.pause_reason = ""
        _base.recompute_due(stage)
        stage.save()
        _base.record(
            petition,
            "resume",
            actor=actor,
            on=on,
            org=stage.org,
            stage=stage,
            data={"paused_days": added, "reason": reason, "due_on": stage.due_on.isoformat()},
        )
        _base.derive_state(petition, on)
        return petition


def _allowed_outcomes(petition: Petition, stage: Stage) -> tuple[str, ...]:
    if stage.kind in (StageKind.REVIEW, StageKind.REEXAMINATION):
        return REVIEW_OUTCOMES
    if petition.kind == Kind.SUGGESTION:
        return SUGGESTION_OUTCOMES
    if petition.kind == Kind.ACCUSATION:
        return ACCUSATION_OUTCOMES
    return PETITION_OUTCOMES


def _review_body(petition: Petition, stage: Stage) -> str:
    return "或".join(o.name for o in stage.org.superiors()) or "上一级机关、单位"


def petition_decide(
    petition: Petition | int,
    *,
    actor: User,
    on: dt.date,
    outcome: str,
    opinion: str,
    request: str = "",
    facts: str = "",
    legal_basis: str = "",
) -> Petition:
    """出具信访处理意见书 / 复查意见书 / 复核意见书 (or the reply to a suggestion or accusation).

    第三十二条: 信访处理意见书应当载明信访人投诉请求、事实和理由、处理意见及其法律法规依据：（一）请求事实清楚，
    符合法律、法规、规章或者其他有关规定的，予以支持；（二）请求事由合理但缺乏法律依据的，应当作出解释说明；
    （三）请求缺乏事实根据或者不符合法律、法规、规章或者其他有关规定的，不予支持。
    The clock keeps running until the written answer is delivered (送达).
    """
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor)
        _base.check_on(petition, on)
        stage = _base.held_stage(petition, actor, *DECIDING_KINDS, action="出具处理意见")
        if stage.decided_on is not None:
            raise IllegalTransition("本环节已出具处理意见，待送达。", code="already_decided")
        if stage.paused_since is not None:
            raise IllegalTransition("办理期限处于中止状态，请先恢复计时。", code="stage_paused")
        allowed = _allowed_outcomes(petition, stage)
        if outcome not in allowed:
            raise Invalid(
                "outcome",
                "处理结果应为：" + "、".join(f"{o}（{Outcome(o).label}）" for o in allowed) + "。",
                code="invalid_choice",
            )
        opinion = _base.require_text(opinion, "opinion", "处理意见")
        formal = petition.kind == Kind.REQUEST and petition.route == Route.PETITION
        if formal:
            request = _base.require_text(request or petition.request, "request", "投诉请求")
            facts = _base.require_text(facts or petition.content, "facts", "事实和理由")
            legal_basis = _base.require_text(legal_basis, "legal_basis", "法律法规依据")
        stage.decided_on = on
        stage.outcome = outcome
        stage.data = {
            **stage.data,
            "request": request,
            "facts": facts,
            "opinion": opinion,
            "legal_basis": legal_basis,
        }
        stage.save()
        event = _base.record(
            petition, "decide", actor=actor, on=on, org=stage.org, stage=stage, data={"outcome": outcome}
        )
        if stage.kind == StageKind.REVIEW:
            kind = DocumentKind.REVIEW_DECISION
        elif stage.kind == StageKind.REEXAMINATION:
            kind = DocumentKind.REEXAMINATION_DECISION
        elif formal:
            kind = DocumentKind.DECISION
        else:
            kind = DocumentKind.SUGGESTION_REPLY
        _base.issue(
            petition,
            event,
            kind,
            issuing_org=stage.org,
            on=on,
            outcome=Outcome(outcome).label,
            request=request,
            facts=facts,
            opinion=opinion,
            legal_basis=legal_basis,
            review_body=_review_body(petition, stage) if formal or stage.kind != StageKind.HANDLING else "",
        )
        _base.derive_state(petition, on)
        return petition


def petition_mediate(
    petition: Petition | int, *, actor: User, on: dt.date, method: str, agreement: str, consent: bool
) -> Petition:
    """调解/和解 with both parties' consent, ending in a written agreement (第三十三条).

    第三十三条: 各级机关、单位在处理申诉求决类事项过程中，可以……经争议双方当事人同意进行调解；可以引导争议
    双方当事人自愿和解。经调解、和解达成一致意见的，应当制作调解协议书或者和解协议书。
    """
    if method not in ("mediation", "settlement"):
        raise Invalid("method", "方式应为 mediation（调解）或 settlement（和解）。", code="invalid_choice")
    if consent is not True:
        raise Invalid("consent", "调解、和解须经争议双方当事人同意（第三十三条）。", code="consent_required")
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor)
        _base.check_on(petition, on)
        agreement = _base.require_text(agreement, "agreement", "协议内容")
        stage = _base.held_stage(petition, actor, StageKind.HANDLING, action="调解和解")
        if petition.kind != Kind.REQUEST:
            raise IllegalTransition("调解、和解适用于申诉求决类事项（第三十三条）。", code="not_a_request")
        if stage.decided_on is not None:
            raise IllegalTransition("已出具处理意见。", code="already_decided")
        stage.data = {**stage.data, "agreement": agreement, "method": method}
        _base.close_stage(stage, on, Outcome.MEDIATED)
        event = _base.record(
            petition, "mediate", actor=actor, on=on, org=stage.org, stage=stage, data={"method": method}
        )
        _base.issue(
            petition,
            event,
            DocumentKind.MEDIATION_AGREEMENT,
            issuing_org=stage.org,
            on=on,
            method="调解" if method == "mediation" else "和解",
            text=agreement,
        )
        _base.derive_state(petition, on, closed_as=State.MEDIATED)
        return petition


def petition_deliver(petition: Petition | int, *, actor: User, on: dt.date, method: str) -> Petition:
    """送达 the written answer; the day after starts the petitioner's 30 days (第三十五、三十六条).

    第三十五条: 信访人对信访处理意见不服的，可以自收到书面答复之日起30日内请求原办理机关、单位的上一级机关、
    单位复查。第三十六条第三款: 信访人对复核意见不服，仍然以同一事实和理由提出投诉请求的……不再受理。
    """
    if method not in DeliveryMethod.values:
        raise Invalid("method", "送达方式应为 in_person、mail、electronic 或 other。", code="invalid_choice")
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor)
        _base.check_on(petition, on)
        stage = _base.held_stage(petition, actor, *DECIDING_KINDS, action="送达")
        if stage.decided_on is None:
            raise IllegalTransition("尚未出具处理意见，无可送达的书面答复。", code="not_decided")
        stage.data = {**stage.data, "delivery_method": method}
        _base.close_stage(stage, on, stage.outcome)
        petition.appeal_until = None
        petition.appeal_basis = {}
        closed_as = State.ANSWERED
        formal = petition.kind == Kind.REQUEST and petition.route == Route.PETITION
        if stage.outcome == Outcome.REMAND:
            # 发回重办: the body below decides again on a fresh clock (复查 → 办理, 复核 → 复查).
            below = StageKind.HANDLING if stage.kind == StageKind.REVIEW else StageKind.REVIEW
            previous = petition.stages.filter(kind=below).order_by("-id").first()
            assert previous is not None
            _base.open_stage(
                petition,
                below,
                previous.org,
                on,
                rule_key="handling" if below == StageKind.HANDLING else "review",
                data={"remanded_by": stage.org.code},
            )
        elif stage.kind == StageKind.REEXAMINATION:
            petition.is_final = True
            closed_as = State.CONCLUDED
        elif formal:
            window = _base.due(
                "review_request" if stage.kind == StageKind.HANDLING else "reexamination_request", on
            )
            petition.appeal_until = window.due_on
            petition.appeal_basis = {
                **window.as_dict(),
                "explain": window.explain(),
                "after": stage.kind,
                "stage": stage.pk,
            }
        _base.record(
            petition,
            "deliver",
            actor=actor,
            on=on,
            org=stage.org,
            stage=stage,
            data={
                "method": method,
                "appeal_until": petition.appeal_until.isoformat() if petition.appeal_until else None,
            },
        )
        _base.derive_state(petition, on, closed_as=closed_as)
        return petition
