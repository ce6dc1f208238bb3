"""The one `actions` endpoint's table: action name → service and its parameters (DESIGN.md §6).

This is the transition map clients read: each entry names the service that guards and performs it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rest_framework import serializers

from xinfang.core.errors import Invalid
from xinfang.orgs.models import User
from xinfang.petitions import services
from xinfang.petitions.models import DeliveryMethod, Outcome, Petition, Satisfaction
from xinfang.petitions.services._base import today


@dataclass(frozen=True)
class Action:
    service: Callable[..., Petition]
    label: str
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    fixed: tuple[tuple[str, Any], ...] = ()


ACTIONS: dict[str, Action] = {
    "transfer": Action(services.petition_transfer, "转送", ("to_org",)),
    "assign": Action(services.petition_assign, "交办", ("to_org", "report_due_on")),
    "refer": Action(services.petition_refer, "移送政法/纪检监察", ("to_org",)),
    "escalate": Action(services.petition_escalate, "报请本级党委政府", ("reason",)),
    "accept": Action(services.petition_accept, "受理"),
    "decline": Action(services.petition_decline, "不予受理", ("reason",), ("related", "competent_body")),
    "divert": Action(services.petition_divert, "导入法定程序", ("procedure",)),
    "object": Action(services.petition_object, "提出异议", ("reason",)),
    "object_approve": Action(
        services.petition_object_decide, "同意异议", (), ("reason",), (("approve", True),)
    ),
    "object_reject": Action(
        services.petition_object_decide, "不同意异议", ("reason",), (), (("approve", False),)
    ),
    "extend": Action(services.petition_extend, "延期", ("days", "approver", "reason")),
    "pause": Action(services.petition_pause, "中止计时", ("reason",)),
    "resume": Action(services.petition_resume, "恢复计时"),
    "decide": Action(
        services.petition_decide, "出具处理意见", ("outcome", "opinion"), ("request", "facts", "legal_basis")
    ),
    "mediate": Action(services.petition_mediate, "调解和解", ("method", "agreement", "consent")),
    "deliver": Action(services.petition_deliver, "送达", ("method",)),
    "request_review": Action(services.petition_request_review, "请求复查", ("to_org",), ("reason",)),
    "request_reexamination": Action(
        services.petition_request_reexamination, "请求复核", ("to_org",), ("reason",)
    ),
    "report": Action(services.petition_report, "报送办结报告", ("text",)),
    "report_accept": Action(services.petition_report_accept, "认可办结报告"),
    "report_return": Action(services.petition_report_return, "退回办结报告", ("text", "report_due_on")),
    "rate": Action(services.petition_rate, "满意度评价", ("satisfaction",), ("comment",)),
    "withdraw": Action(services.petition_withdraw, "撤回", ("reason",)),
    "urge": Action(services.petition_urge, "催办", ("text",)),
}


class ActionInput(serializers.Serializer[Any]):
    """Every parameter any action takes; each action uses the ones its row in ACTIONS names."""

    action = serializers.ChoiceField(choices=sorted(ACTIONS))
    on = serializers.DateField(required=False, help_text="办理行为的法定日期，默认今天")
    to_org = serializers.CharField(required=False, help_text="机构代码或id")
    report_due_on = serializers.DateField(required=False)
    reason = serializers.CharField(required=False, allow_blank=True)
    related = serializers.IntegerField(required=False, help_text="此前的同一信访事项的id")
    competent_body = serializers.CharField(required=False, allow_blank=True)
    procedure = serializers.CharField(required=False, allow_blank=True)
    days = serializers.IntegerField(required=False)
    approver = serializers.CharField(required=False, allow_blank=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False)
    request = serializers.CharField(required=False, allow_blank=True)
    facts = serializers.CharField(required=False, allow_blank=True)
    opinion = serializers.CharField(required=False, allow_blank=True)
    legal_basis = serializers.CharField(required=False, allow_blank=True)
    method = serializers.CharField(
        required=False, help_text=f"送达：{', '.join(DeliveryMethod.values)}；调解：mediation/settlement"
    )
    agreement = serializers.CharField(required=False, allow_blank=True)
    consent = serializers.BooleanField(required=False)
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, required=False)
    comment = serializers.CharField(required=False, allow_blank=True)
    text = serializers.CharField(required=False, allow_blank=True)


def run_action(petition: Petition, actor: User, payload: Any) -> Petition:
    serializer = ActionInput(data=payload)
    serializer.is_valid(raise_exception=True)
    data = dict(serializer.validated_data)
    action = ACTIONS[data.pop("action")]
    on: dt.date = data.pop("on", None) or today()
    kwargs: dict[str, Any] = dict(action.fixed)
    for name in action.required:
        if name not in data:
            raise Invalid(name, f"“{action.label}”需要填写参数 {name}。", code="required")
        kwargs[name] = data[name]
    for name in action.optional:
        if name in data:
            kwargs[name] = data[name]
    return action.service(petition, actor=actor, on=on, **kwargs)
