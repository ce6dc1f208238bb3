"""复查 and 复核: the petitioner's two appeals, each within 30 days of receiving the written answer.

《信访工作条例》第三十五条: 信访人对信访处理意见不服的，可以自收到书面答复之日起30日内请求原办理机关、单位的
上一级机关、单位复查。收到复查请求的机关、单位应当自收到复查请求之日起30日内提出复查意见，并予以书面答复。
第三十六条第一款: 信访人对复查意见不服的，可以自收到书面答复之日起30日内向复查机关、单位的上一级机关、单位
请求复核。收到复核请求的机关、单位应当自收到复核请求之日起30日内提出复核意见。
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from xinfang.core.errors import IllegalTransition, Invalid
from xinfang.orgs.models import User
from xinfang.petitions.models import Petition, StageKind, State
from xinfang.petitions.services import _base
from xinfang.petitions.services.intake import resolve_org


def _request(
    petition: Petition | int, *, actor: User | None, on: dt.date, to_org: str | int, kind: str, reason: str
) -> Petition:
    label = "复查" if kind == StageKind.REVIEW else "复核"
    after = StageKind.HANDLING if kind == StageKind.REVIEW else StageKind.REVIEW
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor, petitioner_may=True)
        _base.require_staff_or_petitioner(actor)
        _base.check_on(petition, on)
        if petition.state != State.ANSWERED or petition.appeal_basis.get("after") != after:
            if petition.is_final:
                raise IllegalTransition(
                    "该事项已经复核终结，不能再请求复查或复核（第三十六条第三款）。", code="already_final"
                )
            raise IllegalTransition(
                f"只有{'信访处理意见' if kind == StageKind.REVIEW else '复查意见'}送达后才能请求{label}。",
                code="illegal_transition",
            )
        assert petition.appeal_until is not None
        if on > petition.appeal_until:
            raise IllegalTransition(
                f"请求{label}的期限已于{petition.appeal_until.isoformat()}届满"
                f"（《信访工作条例》第{'三十五' if kind == StageKind.REVIEW else '三十六'}条：自收到书面答复之日起30日内）。",
                code="review_window_closed" if kind == StageKind.REVIEW else "reexamination_window_closed",
            )
        decided = petition.stages.get(pk=petition.appeal_basis["stage"])
        target = resolve_org(to_org)
        allowed = decided.org.superiors()
        if target not in allowed:
            names = "、".join(o.name for o in allowed) or "无"
            raise Invalid(
                "to_org",
                f"{label}应向原{'办理' if kind == StageKind.REVIEW else '复查'}机关的上一级机关提出：{names}。",
                code="not_a_reviewer",
            )
        stage = _base.open_stage(
            petition,
            kind,
            target,
            on,
            rule_key="review" if kind == StageKind.REVIEW else "reexamination",
            from_org=decided.org,
            data={"reason": reason.strip()},
        )
        petition.appeal_until = None
        _base.record(
            petition,
            f"request_{'review' if kind == StageKind.REVIEW else 'reexamination'}",
            actor=actor,
            on=on,
            org=target,
            stage=stage,
            data={"to_org": target.code, "reason": reason},
        )
        _base.derive_state(petition, on)
        return petition


def petition_request_review(
    petition: Petition | int, *, actor: User | None, on: dt.date, to_org: str | int, reason: str = ""
) -> Petition:
    """The petitioner asks the upper-level body for 复查 (第三十五条); it has 30 days to answer in writing."""
    return _request(petition, actor=actor, on=on, to_org=to_org, kind=StageKind.REVIEW, reason=reason)


def petition_request_reexamination(
    petition: Petition | int, *, actor: User | None, on: dt.date, to_org: str | int, reason: str = ""
) -> Petition:
    """The petitioner asks for 复核 (第三十六条); 30 days, hearing time not counted."""
    return _request(petition, actor=actor, on=on, to_org=to_org, kind=StageKind.REEXAMINATION, reason=reason)
