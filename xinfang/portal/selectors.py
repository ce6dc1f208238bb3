"""What the petitioner may see of their petition, and nothing more.

《信访工作条例》第二十一条第二款: 方便信访人查询、评价信访事项办理情况; 第十八条第一款: 公布……查询信访事项
处理进展以及结果的方式. The public view is built from a whitelist: each kind of step says what its notice
says (unit names, dates, reasons told to the petitioner), never who in a unit acted, internal letters
between units (转送单, 交办函, 异议函, 办结报告), the approver of an extension, or other petitioners' data.
第三十条第三款: for a 检举控告 the petitioner sees only that it was received and its outcome.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from xinfang.core.errors import NotFound
from xinfang.documents.render import format_date_zh
from xinfang.orgs import scope
from xinfang.orgs.models import Org, OrgType, User
from xinfang.petitions.models import (
    TERMINAL_STATES,
    DeliveryMethod,
    Document,
    Event,
    Kind,
    Outcome,
    PauseReason,
    Petition,
    Rating,
    Route,
    Satisfaction,
    Stage,
    StageKind,
    State,
    Urge,
)
from xinfang.portal.limits import normalize_code
from xinfang.portal.models import Attachment

DECLINE_LABELS = {
    "in_progress_elsewhere": "不予受理（同一事项已在受理或办理中，《信访工作条例》第十九条第三款）",
    "final": "不再受理（同一事实和理由已经复核终结，《信访工作条例》第三十六条第三款）",
    "not_competent": "告知向有权处理的机关、单位提出（《信访工作条例》第二十三条第一款）",
}
# The acts of an accusation that the petitioner sees: receipt and outcome (第三十条第三款).
ACCUSATION_ACTIONS = frozenset({"register", "decide", "deliver", "decline", "withdraw", "rate", "urge"})
DECIDING_KINDS = (StageKind.HANDLING, StageKind.REVIEW, StageKind.REEXAMINATION)


def today() -> dt.date:
    return timezone.localdate()


def petition_for_tracking(code: str, phone_tail: str) -> Petition | None:
    """The petition with this 查询码 whose petitioner's phone ends in these digits; else None.

    Both "no such code" and "wrong digits" give None, so the caller cannot tell them apart.
    """
    code = normalize_code(code)
    tail = "".join(ch for ch in (phone_tail or "") if ch.isdigit())
    if len(code) < 8 or len(tail) != 4:
        return None
    petition = Petition.objects.filter(query_code=code).select_related("registered_org").first()
    if petition is None:
        return None
    tails = [t for t in petition.petitioners.values_list("phone_tail", flat=True) if t]
    # compare_digest for every tail: the time taken does not tell which one matched.
    matched = [secrets.compare_digest(t, tail) for t in tails]
    return petition if any(matched) else None


@dataclass(frozen=True)
class PublicDocument:
    id: int
    title: str
    number: str
    issued_on: dt.date
    issuing_org: str
    text: str


@dataclass
class PublicStep:
    on: dt.date
    title: str
    text: str
    documents: list[PublicDocument] = field(default_factory=list)


@dataclass(frozen=True)
class PublicStatus:
    label: str
    holder: str  # unit name, "" when not shown
    due_on: dt.date | None
    overdue: bool
    paused: bool
    closed: bool


@dataclass(frozen=True)
class Appeal:
    """The 复查/复核 window of 第三十五、三十六条 as the petitioner sees it."""

    kind: str  # "review" / "reexamination"
    label: str  # 复查 / 复核
    is_open: bool
    until: dt.date | None
    bodies: list[Org]
    explain: str  # why closed, and what else is possible


@dataclass
class PublicView:
    petition: Petition
    limited: bool  # accusation: receipt and outcome only
    status: PublicStatus
    steps: list[PublicStep]
    documents: list[PublicDocument]
    appeal: Appeal | None
    appeal_note: str
    rate_target: Stage | None
    ratings: list[Rating]
    urgeable: bool
    urged_today: bool
    attachments: list[Attachment]


def _d(value: object) -> str:
    if isinstance(value, str):
        try:
            return format_date_zh(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return format_date_zh(value) if isinstance(value, dt.date) else ""


def _stage_org(event: Event) -> str:
    return event.stage.org.name if event.stage is not None else (event.org.name if event.org else "")


def _step(event: Event, petition: Petition) -> PublicStep | None:
    """One event as the petitioner may see it; None for internal acts (between units)."""
    data = event.data or {}
    org = event.org.name if event.org else ""
    you = "您" if data.get("via") == "portal" else "信访人"
    action = event.action
    if action == "register":
        return PublicStep(
            event.on, "登记", f"{org}收到并登记了您的信访事项（{petition.get_channel_display()}）。"
        )
    if action in ("transfer", "assign", "refer"):
        verb = {"transfer": "转送", "assign": "交办", "refer": "移送"}[action]
        target = data.get("to_org_name") or _stage_org(event)
        return PublicStep(event.on, verb, f"{org}将您的信访事项{verb}{target}办理。")
    if action == "escalate":
        return PublicStep(event.on, "报请", f"{org}将您的信访事项报请{_stage_org(event)}研究决定。")
    if action == "accept":
        return PublicStep(event.on, "受理", f"{org}受理了您的信访事项。")
    if action == "decline":
        label = DECLINE_LABELS.get(str(data.get("reason")), "不予受理")
        text = f"{org}：{label}。"
        if data.get("competent_body"):
            text += f"有权处理的机关、单位：{data['competent_body']}。"
        return PublicStep(event.on, "不予受理", text)
    if action == "divert":
        return PublicStep(
            event.on, "导入法定程序", f"{org}告知：该事项应通过{data.get('procedure', '')}解决。"
        )
    if action == "extend":
        return PublicStep(
            event.on,
            "延期",
            f"{org}延长办理期限{data.get('days')}日，延期理由：{data.get('reason', '')}；"
            f"延长后的办理期限至{_d(data.get('due_on'))}（《信访工作条例》第三十四条）。",
        )
    if action == "pause":
        reason = str(data.get("reason", ""))
        label = PauseReason(reason).label if reason in PauseReason.values else "中止"
        return PublicStep(event.on, "期限暂停", f"因{label}，办理期限暂停计算。")
    if action == "resume":
        return PublicStep(event.on, "恢复计时", f"办理期限恢复计算，办理期限至{_d(data.get('due_on'))}。")
    if action == "decide":
        outcome = str(data.get("outcome", ""))
        label = Outcome(outcome).label if outcome in Outcome.values else ""
        return PublicStep(event.on, "出具意见", f"{org}出具了书面处理意见（{label}）。")
    if action == "deliver":
        method = str(data.get("method", ""))
        label = DeliveryMethod(method).label if method in DeliveryMethod.values else "送达"
        text = f"书面答复已送达（{label}）。"
        if data.get("appeal_until"):
            which = "复查" if event.stage is not None and event.stage.kind == StageKind.HANDLING else "复核"
            text += f"如不服，可于{_d(data['appeal_until'])}前请求{which}。"
        return PublicStep(event.on, "送达", text)
    if action == "mediate":
        method = "和解" if data.get("method") == "settlement" else "调解"
        return PublicStep(event.on, method, f"经{method}达成一致，制作了{method}协议书。")
    if action in ("request_review", "request_reexamination"):
        label = "复查" if action == "request_review" else "复核"
        due = f"，应于{format_date_zh(event.stage.due_on)}前答复" if event.stage is not None else ""
        return PublicStep(event.on, f"请求{label}", f"{you}请求{label}，由{org}{label}{due}。")
    if action == "rate":
        value = str(data.get("satisfaction", ""))
        label = Satisfaction(value).label if value in Satisfaction.values else ""
        return PublicStep(event.on, "评价", f"{you}对答复的评价：{label}。")
    if action == "urge":
        return PublicStep(event.on, "催办", f"{you}催办了超期未办的环节，已转{org}办理并由督查部门跟踪。")
    if action == "withdraw":
        return PublicStep(event.on, "撤回", "信访事项已撤回。")
    return None  # 异议、办结报告 and any other act between units


def _public_document(doc: Document) -> PublicDocument:
    return PublicDocument(doc.pk, doc.title, doc.number, doc.issued_on, doc.issuing_org.name, doc.text)


def public_documents(petition: Petition) -> QuerySet[Document]:
    """Notices addressed to the petitioner; for an accusation only those of its outcome."""
    qs = petition.documents.filter(addressee="petitioner").select_related("issuing_org", "event")
    if petition.kind == Kind.ACCUSATION:
        qs = qs.filter(event__action__in=ACCUSATION_ACTIONS)
    return qs.order_by("id")


def public_document(petition: Petition, document_id: int) -> Document:
    doc = public_documents(petition).filter(pk=document_id).first()
    if doc is None:
        raise NotFound("文书不存在。")
    return doc


def _status(petition: Petition, on: dt.date, limited: bool) -> PublicStatus:
    main = [
        s
        for s in petition.stages.filter(closed_on__isnull=True).select_related("org").order_by("id")
        if s.kind != StageKind.REPORT
    ]
    closed = petition.state in TERMINAL_STATES
    if limited:
        return PublicStatus("已办结" if closed else "办理中", "", None, False, False, closed)
    if not main:
        return PublicStatus(petition.get_state_display(), "", None, False, False, closed)
    stage = main[0]
    paused = stage.paused_since is not None
    return PublicStatus(
        petition.get_state_display(),
        stage.org.name,
        stage.due_on,
        not paused and stage.due_on < on,
        paused,
        closed,
    )


CLOSED_ALTERNATIVES = (
    "您仍可以：如有新的事实和理由，可以重新提出信访事项；涉及民事、行政、刑事等诉讼权利救济的，"
    "可以依法向人民法院、人民检察院、公安机关等提出（《信访工作条例》第二十八条第二款、第三十一条）；"
    "也可以向当地信访部门咨询。"
)


def appeal_for(petition: Petition, on: dt.date) -> tuple[Appeal | None, str]:
    """The open or closed 复查/复核 window, or a note why none applies."""
    if petition.is_final:
        return None, (
            "该事项已经复核，复核意见为最终意见。依照《信访工作条例》第三十六条第三款，以同一事实和理由再次提出的，"
            "各级机关、单位不再受理。涉及诉讼权利救济的，可以依法通过诉讼等法定途径解决。"
        )
    after = petition.appeal_basis.get("after") if petition.appeal_basis else None
    if petition.state != State.ANSWERED or after not in (StageKind.HANDLING, StageKind.REVIEW):
        if petition.state == State.ANSWERED:
            return (
                None,
                "该事项的答复不适用复查、复核程序（只有按信访程序出具的信访处理意见书可以请求复查）。",
            )
        if petition.state == State.DIVERTED:
            return None, "该事项已导入法定程序，请按照告知书所列程序办理。"
        return None, ""
    kind = StageKind.REVIEW if after == StageKind.HANDLING else StageKind.REEXAMINATION
    label = "复查" if kind == StageKind.REVIEW else "复核"
    article = "第三十五条" if kind == StageKind.REVIEW else "第三十六条"
    until = petition.appeal_until
    decided = petition.stages.select_related("org", "org__parent", "org__supervisor").get(
        pk=petition.appeal_basis["stage"]
    )
    bodies = [o for o in decided.org.superiors() if o.is_active]
    if until is not None and on <= until:
        return Appeal(kind, label, True, until, bodies, ""), ""
    explain = (
        f"请求{label}的期限（自收到书面答复之日起30日内，《信访工作条例》{article}）"
        f"{'已于' + format_date_zh(until) + '届满' if until else '已过'}，不能再在网上请求{label}。"
        + CLOSED_ALTERNATIVES
    )
    return Appeal(kind, label, False, until, bodies, explain), ""


def rate_target(petition: Petition) -> Stage | None:
    """The latest delivered written answer, if it has not been rated yet (one rating per answer)."""
    answered = (
        petition.stages.filter(kind__in=DECIDING_KINDS, closed_on__isnull=False, decided_on__isnull=False)
        .select_related("org")
        .order_by("-closed_on", "-id")
        .first()
    )
    if answered is None or Rating.objects.filter(stage=answered).exists():
        return None
    return answered


def public_view(petition: Petition, *, on: dt.date | None = None) -> PublicView:
    on = on or today()
    limited = petition.kind == Kind.ACCUSATION
    docs_by_event: dict[int, list[PublicDocument]] = {}
    documents = [(d.event_id, _public_document(d)) for d in public_documents(petition)]
    for event_id, doc in documents:
        docs_by_event.setdefault(event_id, []).append(doc)
    steps = []
    events = petition.events.select_related("org", "stage", "stage__org").order_by("on", "id")
    for event in events:
        if limited and event.action not in ACCUSATION_ACTIONS:
            continue
        step = _step(event, petition)
        if step is None:
            continue
        if limited and event.action == "register":
            step.text = (
                f"{event.org.name if event.org else ''}已收到您的检举控告，将依规依纪依法办理并反馈结果。"
            )
        step.documents = docs_by_event.get(event.pk, [])
        steps.append(step)
    appeal, note = appeal_for(petition, on)
    late = petition.stages.filter(closed_on__isnull=True, paused_since__isnull=True, due_on__lt=on).exists()
    return PublicView(
        petition=petition,
        limited=limited,
        status=_status(petition, on, limited),
        steps=steps,
        documents=[doc for _, doc in documents],
        appeal=appeal,
        appeal_note=note,
        rate_target=rate_target(petition),
        ratings=list(petition.ratings.order_by("id")),
        urgeable=late,
        urged_today=Urge.objects.filter(petition=petition, on=on).exists(),
        attachments=list(attachments_of(petition)),
    )


def attachments_of(petition: Petition) -> QuerySet[Attachment]:
    return Attachment.objects.filter(petition=petition).order_by("id")


def attachment_for_petitioner(petition: Petition, attachment_id: int) -> Attachment:
    found = attachments_of(petition).filter(pk=attachment_id).first()
    if found is None:
        raise NotFound("附件不存在。")
    return found


def attachment_for_staff(user: User, attachment_id: int) -> Attachment:
    """Staff who may see the petition may open its files (404 otherwise, as for the petition)."""
    found = Attachment.objects.filter(pk=attachment_id).select_related("petition").first()
    if found is None:
        raise NotFound("附件不存在或无权查看。")
    scope.get_petition_for(user, found.petition_id)
    return found


# --- choices for the submission form ---------------------------------------------------------------
RECEIVING_TYPES = (
    OrgType.BUREAU,
    OrgType.DEPARTMENT,
    OrgType.TOWNSHIP,
    OrgType.LEGAL,
    OrgType.DISCIPLINE,
    OrgType.OTHER,
)


def region_label(org: Org) -> str:
    """ "中共德清县委 德清县人民政府" → "德清县"; "德清县武康街道办事处" → "德清县武康街道"."""
    name = org.name.split()[-1]
    for suffix in ("人民政府", "办事处"):
        name = name.removesuffix(suffix)
    return name


def receiving_org_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Bureaus and units that take petitions, grouped under their 党委政府's region."""
    orgs = list(Org.objects.filter(is_active=True).order_by("path"))
    groups: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    for org in orgs:
        if org.type == OrgType.PARTY_GOV:
            groups[org.pk] = (region_label(org), [])
    for org in orgs:
        if org.type in RECEIVING_TYPES and org.parent_id in groups:
            groups[org.parent_id][1].append((org.code, org.name))
    return [group for group in groups.values() if group[1]]


def region_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for org in Org.objects.filter(is_active=True, type__in=(OrgType.PARTY_GOV, OrgType.TOWNSHIP)).order_by(
        "path"
    ):
        seen.setdefault(org.region_code, region_label(org))
    return list(seen.items())


def is_formal(petition: Petition) -> bool:
    return petition.kind == Kind.REQUEST and petition.route == Route.PETITION
