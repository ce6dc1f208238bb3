"""督办 and the three recommendations (第四十条), their written feedback, and 挂牌督办 (第三十九条第三款)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.template.loader import render_to_string

from xinfang.core.errors import Forbidden, IllegalTransition, Invalid, NotFound
from xinfang.documents.render import Rendered, format_date_zh, render_docx, tidy
from xinfang.orgs import scope
from xinfang.orgs.models import Org, Role, User
from xinfang.petitions.models import TERMINAL_STATES, Counter, Petition

from ..models import (
    RECOMMENDATION_KINDS,
    Adoption,
    Alert,
    Ground,
    Listing,
    Supervision,
    SupervisionKind,
)
from ..notifications.services import notify
from ._common import (
    SUPERVISING_ROLES,
    audit,
    check_on,
    require_supervisor,
    require_text,
    responsible_users,
    today,
)

# Letters ask for an answer within this many days unless the supervisor sets a date.
DEFAULT_RESPONSE_DAYS = {
    SupervisionKind.REMINDER: 7,
    SupervisionKind.SUPERVISE: 15,
    SupervisionKind.IMPROVE: 30,
    SupervisionKind.POLICY: 30,
    SupervisionKind.ACCOUNTABILITY: 30,
}
NUMBER_WORD = {
    SupervisionKind.REMINDER: "提醒",
    SupervisionKind.SUPERVISE: "督",
    SupervisionKind.IMPROVE: "改建",
    SupervisionKind.POLICY: "政建",
    SupervisionKind.ACCOUNTABILITY: "责建",
}


def allowed_recipients(kind: str, unit: Org, issuing_org: Org) -> list[Org]:
    """Who a letter of `kind` about `unit` is addressed to (第四十条).

    - 提醒函, 督办函, 改进工作建议: the unit itself (第一款).
    - 完善政策建议: the 本级党委和政府 of the 信访部门 (第二款: 向本级党委和政府报告).
    - 追究责任建议: 有管理权限的机关、单位 (第三款): the unit's 党委政府 or its 上级主管部门.
    """
    if kind == SupervisionKind.POLICY:
        gov = issuing_org.party_gov()
        return [gov] if gov is not None else []
    if kind == SupervisionKind.ACCOUNTABILITY:
        return unit.superiors()
    return [unit]


def _next_number(org: Org, kind: str, on: dt.date) -> str:
    value = Counter.take(f"sv:{org.pk}:{on.year}")
    short = org.short_name or org.name
    return f"{short}〔{on.year}〕{NUMBER_WORD[SupervisionKind(kind)]}{value}号"[:40]


def letter_context(s: Supervision) -> dict[str, str]:
    petition = s.petition
    return {
        "number": s.number,
        "kind": s.get_kind_display(),
        "unit": s.unit.name,
        "recipient": s.recipient.name,
        "issuing_org": s.issuing_org.name,
        "petition_number": petition.number if petition else "",
        "subject": petition.subject if petition else "",
        "received_on": format_date_zh(petition.received_on) if petition else "",
        "grounds": "、".join(s.grounds_display()),
        "facts": s.facts.strip().rstrip("。"),
        "requirement": s.requirement.strip().rstrip("。"),
        "respond_by": format_date_zh(s.respond_by),
        "on": format_date_zh(s.issued_on),
    }


def render_letter(s: Supervision) -> Rendered:
    text = tidy(render_to_string(f"supervision/letters/{s.kind}.txt", letter_context(s)))
    title = next((line.strip() for line in text.split("\n") if line.strip()), "")
    return Rendered(kind=f"supervision_{s.kind}", title=title, text=text)


def letter_docx(s: Supervision) -> bytes:
    rendered = Rendered(kind=f"supervision_{s.kind}", title=s.letter_title, text=s.letter_text)
    return render_docx(rendered, issuing_org=s.issuing_org.name, doc_number=s.number, red_header=True)


def supervision_issue(
    *,
    actor: User,
    kind: str,
    on: dt.date,
    grounds: Sequence[str],
    facts: str,
    petition: Petition | int | None = None,
    unit: Org | None = None,
    to_org: Org | None = None,
    requirement: str = "",
    respond_by: dt.date | None = None,
) -> Supervision:
    """Issue a 提醒函, 督办函 or recommendation for a petition or a unit.

    《信访工作条例》第四十条: 党委和政府信访部门发现有关机关、单位存在违反信访工作规定受理、办理信访事项，
    办理信访事项推诿、敷衍、拖延、弄虚作假或者拒不执行信访处理意见等情形的，应当及时督办，并提出改进工作的
    建议。对工作中发现的有关政策性问题，应当及时向本级党委和政府报告，并提出完善政策的建议。对在信访工作中
    推诿、敷衍、拖延、弄虚作假造成严重后果的机关、单位及其工作人员，应当向有管理权限的机关、单位提出追究
    责任的建议。
    """
    with transaction.atomic(durable=True):
        issuing_org = require_supervisor(actor)
        if kind not in SupervisionKind.values:
            raise Invalid("kind", "督办类别不正确。", code="invalid_kind")
        check_on(on)
        found: Petition | None = None
        if petition is not None:
            pid = petition if isinstance(petition, int) else petition.pk
            found = scope.get_petition_for(actor, pid)
        region = scope.region_org_ids(issuing_org) or []
        if unit is None and found is not None:
            holding = [s.org for s in found.stages.select_related("org").order_by("-opened_on", "-pk")]
            unit = holding[0] if holding else found.registered_org
        if unit is None:
            raise Invalid("unit", "请选择被督办单位。", code="required")
        if unit.pk not in region:
            raise NotFound("该单位不在本信访部门的辖区内。", code="unit_not_in_region")
        if found is not None and found.accused_org_id == unit.pk:
            # 第三十条第三款: an accusation is never sent to the accused unit.
            raise Forbidden("检举控告材料不得转给被检举单位。", code="accused_unit")
        grounds = list(dict.fromkeys(grounds))
        if not grounds:
            raise Invalid("grounds", "请至少选择一项督办事由（第四十条）。", code="required")
        bad = [g for g in grounds if g not in Ground.values]
        if bad:
            raise Invalid("grounds", f"督办事由不正确：{'、'.join(bad)}。", code="invalid_ground")
        if kind == SupervisionKind.ACCOUNTABILITY and not set(grounds) & {
            "shirking",
            "perfunctory",
            "delay",
            "falsifying",
        }:
            raise Invalid(
                "grounds",
                "追究责任建议须以推诿、敷衍、拖延或弄虚作假为事由（第四十条第三款）。",
                code="accountability_grounds",
            )
        facts = require_text(facts, "facts", "发现的问题")
        allowed = allowed_recipients(kind, unit, issuing_org)
        if not allowed:
            raise Invalid("to_org", "找不到有权接收该建议的机关。", code="no_recipient")
        recipient = to_org or allowed[0]
        if recipient.pk not in {o.pk for o in allowed}:
            names = "、".join(o.name for o in allowed)
            raise Invalid("to_org", f"该类文书只能送{names}。", code="invalid_recipient")
        respond_by = respond_by or on + dt.timedelta(days=DEFAULT_RESPONSE_DAYS[SupervisionKind(kind)])
        if respond_by <= on:
            raise Invalid("respond_by", "反馈期限应晚于发出日期。", code="respond_by_too_early")
        s = Supervision(
            number=_next_number(issuing_org, kind, on),
            kind=kind,
            petition=found,
            unit=unit,
            recipient=recipient,
            issuing_org=issuing_org,
            issued_by=actor,
            issued_on=on,
            grounds=grounds,
            facts=facts,
            requirement=requirement.strip(),
            respond_by=respond_by,
        )
        rendered = render_letter(s)
        s.letter_title, s.letter_text = rendered.title[:50], rendered.text
        s.save()
        audit(
            "supervision_issue",
            actor=actor,
            on=on,
            target=f"supervision:{s.pk}",
            kind=kind,
            to=recipient.code,
        )
        receivers = [u for u in responsible_users(recipient) if u.org_id == recipient.pk]
        notify(
            receivers,
            f"收到{s.get_kind_display()}{s.number}，请于{respond_by:%Y-%m-%d}前书面反馈。",
            link=f"/supervision/letters/{s.pk}/",
        )
        return s


def can_answer(user: User, s: Supervision) -> bool:
    """The recipient answers; the issuing bureau may record a paper answer it received."""
    if s.recipient_id in scope.acting_org_ids(user) and user.role != Role.SUPERVISOR:
        return True
    return user.org_id == s.issuing_org_id and user.role in SUPERVISING_ROLES


def supervision_feedback(
    supervision: Supervision | int, *, actor: User, on: dt.date, feedback: str, adoption: str = ""
) -> Supervision:
    """Record the recipient's written answer.

    《信访工作条例》第四十条第四款: 对信访部门提出的改进工作、完善政策、追究责任的建议，有关机关、单位应当
    书面反馈采纳情况。
    """
    with transaction.atomic(durable=True):
        pk = supervision if isinstance(supervision, int) else supervision.pk
        s = Supervision.objects.select_for_update().filter(pk=pk).first()
        if s is None or not can_answer(actor, s):
            raise NotFound("督办文书不存在或无权查看。")
        if s.feedback_on is not None:
            raise IllegalTransition("该文书已反馈，不能重复反馈。", code="already_answered")
        check_on(on, not_before=s.issued_on)
        feedback = require_text(feedback, "feedback", "书面反馈内容")
        if s.kind in RECOMMENDATION_KINDS and not adoption:
            raise Invalid("adoption", "请选择采纳情况（第四十条第四款）。", code="required")
        if adoption and adoption not in Adoption.values:
            raise Invalid("adoption", "采纳情况不正确。", code="invalid_adoption")
        if adoption in (Adoption.PARTLY, Adoption.NOT_ADOPTED) and len(feedback) < 10:
            raise Invalid(
                "feedback", "部分采纳或不采纳的，请写明理由（不少于10字）。", code="reasons_required"
            )
        s.adoption, s.feedback, s.feedback_on, s.feedback_by = adoption, feedback, on, actor
        s.save(update_fields=["adoption", "feedback", "feedback_on", "feedback_by"])
        Alert.objects.filter(supervision=s, cleared_on__isnull=True).update(cleared_on=on)
        audit("supervision_feedback", actor=actor, on=on, target=f"supervision:{s.pk}", adoption=adoption)
        notify(
            [s.issued_by],
            f"{s.get_kind_display()}{s.number}已收到书面反馈。",
            link=f"/supervision/letters/{s.pk}/",
        )
        return s


def listing_create(
    petition: Petition | int, *, actor: User, on: dt.date, deadline: dt.date, reason: str
) -> Listing:
    """挂牌督办: top-level follow-up of one petition with its own deadline.

    《信访工作条例》第三十九条第三款: ……由信访工作联席会议进行约谈、通报、挂牌督办，责令限期整改。
    """
    with transaction.atomic(durable=True):
        org = require_supervisor(actor)
        pid = petition if isinstance(petition, int) else petition.pk
        found = scope.get_petition_for(actor, pid)
        check_on(on)
        if found.state in TERMINAL_STATES:
            raise IllegalTransition("该信访件已办结，无需挂牌督办。", code="already_closed")
        if Listing.objects.filter(petition=found, lifted_on__isnull=True).exists():
            raise IllegalTransition("该信访件已挂牌督办。", code="already_listed")
        if deadline <= on:
            raise Invalid("deadline", "办结时限应晚于挂牌日期。", code="deadline_too_early")
        reason = require_text(reason, "reason", "挂牌理由")
        listing = Listing.objects.create(
            petition=found, org=org, listed_by=actor, listed_on=on, deadline=deadline, reason=reason
        )
        audit("listing_create", actor=actor, on=on, target=f"listing:{listing.pk}", petition=found.pk)
        return listing


def listing_lift(listing: Listing | int, *, actor: User, on: dt.date, note: str) -> Listing:
    """摘牌: the listing's follow-up is done."""
    with transaction.atomic(durable=True):
        require_supervisor(actor)
        pk = listing if isinstance(listing, int) else listing.pk
        found = Listing.objects.select_for_update().filter(pk=pk).first()
        region = scope.region_org_ids(actor.org) if actor.org is not None else None
        if found is None or found.org_id not in (region or []):
            raise NotFound("挂牌记录不存在或无权查看。")
        if found.lifted_on is not None:
            raise IllegalTransition("已摘牌。", code="already_lifted")
        check_on(on, not_before=found.listed_on)
        found.lifted_on, found.lift_note = on, require_text(note, "note", "摘牌说明")
        found.save(update_fields=["lifted_on", "lift_note"])
        audit("listing_lift", actor=actor, on=on, target=f"listing:{found.pk}")
        return found


__all__ = [
    "allowed_recipients",
    "can_answer",
    "letter_docx",
    "listing_create",
    "listing_lift",
    "render_letter",
    "supervision_feedback",
    "supervision_issue",
    "today",
]
