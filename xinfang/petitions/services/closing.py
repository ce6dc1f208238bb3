"""办结报告 of an assignment, withdrawal and the petitioner's rating.

《信访工作条例》第二十二条第三项: 对转送信访事项中的重要情况需要反馈办理结果的，可以交由有权处理的机关、单位
办理，要求其在指定办理期限内反馈结果，提交办结报告。
第二十一条第二款: ……方便信访人查询、评价信访事项办理情况。
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from xinfang.core.errors import IllegalTransition, Invalid
from xinfang.documents.kinds import DocumentKind
from xinfang.orgs import scope
from xinfang.orgs.models import User
from xinfang.petitions.models import Outcome, Petition, Rating, Satisfaction, Stage, StageKind, State, Urge
from xinfang.petitions.services import _base


def petition_report(petition: Petition | int, *, actor: User, on: dt.date, text: str) -> Petition:
    """The assigned unit files its 办结报告 once its own work on the matter is done."""
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor)
        _base.check_on(petition, on)
        text = _base.require_text(text, "text", "办结报告内容")
        stage = _base.held_stage(petition, actor, StageKind.REPORT, action="报送办结报告")
        busy = _base.open_stages(petition, StageKind.NOTICE, StageKind.HANDLING).filter(org=stage.org)
        if busy.exists():
            raise IllegalTransition(
                "本单位尚未办结该事项（未送达书面答复），不能报送办结报告。", code="report_before_completion"
            )
        stage.data = {**stage.data, "text": text}
        _base.close_stage(stage, on, Outcome.REPORT_SUBMITTED)
        event = _base.record(petition, "report", actor=actor, on=on, org=stage.org, stage=stage)
        _base.issue(
            petition,
            event,
            DocumentKind.COMPLETION_REPORT,
            issuing_org=stage.org,
            on=on,
            to_org=stage.from_org,
            text=text,
        )
        petition.last_action_on = on
        petition.save(update_fields=["last_action_on"])
        return petition


def _submitted_report(petition: Petition, actor: User) -> Stage:
    stage = (
        petition.stages.filter(kind=StageKind.REPORT, outcome=Outcome.REPORT_SUBMITTED)
        .order_by("-id")
        .first()
    )
    if stage is None:
        raise IllegalTransition("没有待审核的办结报告。", code="no_report")
    assert stage.from_org_id is not None
    scope.require_acts_for(actor, stage.from_org_id)
    return stage


def petition_report_accept(petition: Petition | int, *, actor: User, on: dt.date) -> Petition:
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor)
        _base.check_on(petition, on)
        stage = _submitted_report(petition, actor)
        stage.outcome = Outcome.REPORT_ACCEPTED
        stage.save(update_fields=["outcome"])
        _base.record(petition, "report_accept", actor=actor, on=on, org=stage.from_org, stage=stage)
        petition.last_action_on = on
        petition.save(update_fields=["last_action_on"])
        return petition


def petition_report_return(
    petition: Petition | int, *, actor: User, on: dt.date, text: str, report_due_on: dt.date | None
) -> Petition:
    """Send the report back: the unit reports again by a new date (防止一转了之)."""
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor)
        _base.check_on(petition, on)
        text = _base.require_text(text, "text", "退回理由")
        stage = _submitted_report(petition, actor)
        if report_due_on is None:
            raise Invalid("report_due_on", "请指定重新报送的期限。", code="required")
        if report_due_on <= on:
            raise Invalid("report_due_on", "重新报送期限应晚于退回日期。", code="report_due_too_early")
        stage.outcome = Outcome.REPORT_RETURNED
        stage.save(update_fields=["outcome"])
        new = _base.open_stage(
            petition,
            StageKind.REPORT,
            stage.org,
            on,
            due_on=report_due_on,
            from_org=stage.from_org,
            data={"returned": text},
        )
        _base.record(
            petition,
            "report_return",
            actor=actor,
            on=on,
            org=stage.from_org,
            stage=new,
            data={"text": text, "report_due_on": report_due_on.isoformat()},
        )
        petition.last_action_on = on
        petition.save(update_fields=["last_action_on"])
        return petition


def petition_withdraw(petition: Petition | int, *, actor: User | None, on: dt.date, reason: str) -> Petition:
    """The petitioner withdraws the matter (or a pending 复查/复核 request); every open clock stops."""
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor, petitioner_may=True)
        _base.require_staff_or_petitioner(actor)
        _base.check_on(petition, on)
        reason = _base.require_text(reason, "reason", "撤回理由")
        if petition.state in (
            State.ANSWERED,
            State.CONCLUDED,
            State.DIVERTED,
            State.DECLINED,
            State.MEDIATED,
            State.WITHDRAWN,
        ):
            raise IllegalTransition(
                f"信访件已{petition.get_state_display()}，无可撤回的办理事项。", code="illegal_transition"
            )
        holder = next(iter(_base.open_stages(petition)), None)
        _base.close_all(petition, on, Outcome.WITHDRAWN)
        petition.appeal_until = None
        event = _base.record(
            petition,
            "withdraw",
            actor=actor,
            on=on,
            org=actor.org if actor else None,
            stage=holder,
            data={"reason": reason},
        )
        _base.issue(
            petition,
            event,
            DocumentKind.WITHDRAWAL_RECORD,
            issuing_org=holder.org if holder else petition.registered_org,
            on=on,
            reason=reason,
        )
        _base.derive_state(petition, on, closed_as=State.WITHDRAWN)
        return petition


def petition_rate(
    petition: Petition | int, *, actor: User | None, on: dt.date, satisfaction: str, comment: str = ""
) -> Petition:
    """满意度评价 of the latest delivered written answer, once per answer."""
    if satisfaction not in Satisfaction.values:
        raise Invalid(
            "satisfaction",
            "评价应为 satisfied（满意）、basic（基本满意）或 unsatisfied（不满意）。",
            code="invalid_choice",
        )
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor, petitioner_may=True)
        _base.require_staff_or_petitioner(actor)
        _base.check_on(petition, on)
        answered = (
            petition.stages.filter(
                kind__in=(StageKind.HANDLING, StageKind.REVIEW, StageKind.REEXAMINATION),
                closed_on__isnull=False,
                decided_on__isnull=False,
            )
            .order_by("-closed_on", "-id")
            .first()
        )
        if answered is None:
            raise IllegalTransition("尚无已送达的书面答复可供评价。", code="nothing_to_rate")
        if Rating.objects.filter(stage=answered).exists():
            raise IllegalTransition("该次答复已评价过。", code="already_rated")
        Rating.objects.create(
            petition=petition, stage=answered, satisfaction=satisfaction, comment=comment.strip(), on=on
        )
        _base.record(
            petition,
            "rate",
            actor=actor,
            on=on,
            org=answered.org,
            stage=answered,
            data={"satisfaction": satisfaction},
        )
        petition.last_action_on = on
        petition.save(update_fields=["last_action_on"])
        return petition


def petition_urge(petition: Petition | int, *, actor: User | None, on: dt.date, text: str) -> Petition:
    """催办: the petitioner urges an overdue step; it lands in the holder's queue and the supervisors' view.

    《信访工作条例》第二十一条第二款: ……方便信访人查询、评价信访事项办理情况; 第四十四、四十五条 hold units to
    their time limits. One urge a day per petition is enough to make the point.
    """
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor, petitioner_may=True)
        _base.require_staff_or_petitioner(actor)
        if on > _base.today():
            raise Invalid("on", "办理日期不能晚于今天。", code="date_in_future")
        text = _base.require_text(text, "text", "催办内容")
        late = [s for s in _base.open_stages(petition) if s.paused_since is None and s.due_on < on]
        if not late:
            raise IllegalTransition("该信访件没有超期未办的环节，暂不能催办。", code="not_overdue")
        if Urge.objects.filter(petition=petition, on=on).exists():
            raise IllegalTransition("今天已催办过，请勿重复催办。", code="already_urged_today")
        stage = late[0]
        Urge.objects.create(
            petition=petition, stage=stage, org=stage.org, on=on, text=text, by_petitioner=actor is None
        )
        _base.record(petition, "urge", actor=actor, on=on, org=stage.org, stage=stage, data={"text": text})
        return petition
