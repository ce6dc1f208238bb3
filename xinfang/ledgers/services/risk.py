"""社会稳定风险评估: register, assess, conclude, follow up, attach files, link later petitions.

《信访工作条例》第十三条: 各级党委和政府应当……从源头上预防和减少信访问题; the 重大决策社会稳定风险评估
mechanism (中办发〔2012〕) asks for a conclusion of 实施 / 暂缓实施 / 不实施 — "该缓则缓，当否必否".
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

import filetype  # type: ignore[import-untyped]
from django.conf import settings
from django.db import transaction

from xinfang.core.errors import IllegalTransition, Invalid, NotFound
from xinfang.ledgers import access
from xinfang.ledgers.models import (
    Conclusion,
    RiskAssessment,
    RiskAttachment,
    RiskFollowUp,
    RiskLevel,
    RiskPetitionLink,
    RiskState,
    SubjectKind,
)
from xinfang.ledgers.services import _base
from xinfang.orgs import scope
from xinfang.orgs.models import Org, User

LEDGER = "risk"
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
# Sniffed from the content, never trusted from the name or the browser.
ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/msword": "Word",
    "application/vnd.ms-excel": "Excel",
    "application/zip": "ZIP",
}


def upload_dir() -> Path:
    return Path(settings.DATA_DIR) / "uploads" / "ledgers"


def _lock(assessment: RiskAssessment | int, actor: User) -> RiskAssessment:
    pk = assessment if isinstance(assessment, int) else assessment.pk
    access.get_scoped(RiskAssessment.objects.all(), actor, pk, label="风险评估")
    return RiskAssessment.objects.select_for_update().get(pk=pk)


def risk_register(
    *,
    actor: User,
    title: str,
    subject_kind: str,
    scope_text: str,
    registered_on: dt.date,
    org: Org | int | None = None,
) -> RiskAssessment:
    """Register a major decision or project for assessment (owner unit, scope, date)."""
    _base.require_user(actor)
    with transaction.atomic(durable=True):
        owner = access.require_org(actor, org)
        record = RiskAssessment.objects.create(
            org=owner,
            title=_base.require_text(title, "title", "决策事项或项目名称"),
            subject_kind=_base.require_choice(subject_kind, SubjectKind.choices, "subject_kind", "类型"),
            scope=_base.require_text(scope_text, "scope", "评估范围"),
            registered_on=_base.check_date(registered_on, "registered_on", "登记日期"),
            created_by=actor,
        )
        _base.audit(LEDGER, record, "register", actor=actor, org=owner, title=record.title)
        return record


def risk_assess(
    assessment: RiskAssessment | int,
    *,
    actor: User,
    on: dt.date,
    risk_points: str,
    level: str,
    measures: str,
) -> RiskAssessment:
    """Record the assessment: risk points found, level 高/中/低, and the measures to prevent them."""
    with transaction.atomic(durable=True):
        record = _lock(assessment, actor)
        if record.state == RiskState.CONCLUDED:
            raise IllegalTransition("已作出评估结论，不能再修改评估内容。", code="already_concluded")
        on = _base.check_date(on, "on", "评估日期")
        if on < record.registered_on:
            raise Invalid("on", "评估日期不能早于登记日期。", code="date_before_registration")
        record.risk_points = _base.require_text(risk_points, "risk_points", "风险点")
        record.level = _base.require_choice(level, RiskLevel.choices, "level", "风险等级")
        record.measures = _base.require_text(measures, "measures", "防范化解措施")
        record.assessed_on = on
        record.state = RiskState.ASSESSED
        record.save()
        _base.audit(LEDGER, record, "assess", actor=actor, org=record.org_id, level=level, on=on)
        return record


def risk_conclude(
    assessment: RiskAssessment | int, *, actor: User, on: dt.date, conclusion: str, note: str = ""
) -> RiskAssessment:
    """The conclusion 实施 / 暂缓实施 / 不实施; a high risk cannot simply be implemented without a note."""
    with transaction.atomic(durable=True):
        record = _lock(assessment, actor)
        if record.state != RiskState.ASSESSED:
            message = (
                "已作出评估结论。"
                if record.state == RiskState.CONCLUDED
                else "尚未录入评估内容，不能作出结论。"
            )
            raise IllegalTransition(message, code="illegal_transition")
        on = _base.check_date(on, "on", "结论日期")
        assert record.assessed_on is not None
        if on < record.assessed_on:
            raise Invalid("on", "结论日期不能早于评估日期。", code="date_before_assessment")
        conclusion = _base.require_choice(conclusion, Conclusion.choices, "conclusion", "评估结论")
        note = (note or "").strip()
        if record.level == RiskLevel.HIGH and conclusion == Conclusion.IMPLEMENT and not note:
            raise Invalid(
                "note", "评估为高风险而决定实施的，须说明理由及风险化解措施落实情况。", code="reason_required"
            )
        record.conclusion = conclusion
        record.conclusion_note = note
        record.concluded_on = on
        record.state = RiskState.CONCLUDED
        record.save()
        _base.audit(LEDGER, record, "conclude", actor=actor, org=record.org_id, conclusion=conclusion, on=on)
        return record


def risk_follow_up(
    assessment: RiskAssessment | int, *, actor: User, on: dt.date, findings: str, risk_materialised: bool
) -> RiskFollowUp:
    """跟踪评估 after the conclusion: what happened, whether the risks materialised."""
    with transaction.atomic(durable=True):
        record = _lock(assessment, actor)
        if record.state != RiskState.CONCLUDED:
            raise IllegalTransition("作出评估结论后才能跟踪回访。", code="not_concluded")
        on = _base.check_date(on, "on", "回访日期")
        assert record.concluded_on is not None
        if on < record.concluded_on:
            raise Invalid("on", "回访日期不能早于结论日期。", code="date_before_conclusion")
        follow = RiskFollowUp.objects.create(
            assessment=record,
            on=on,
            findings=_base.require_text(findings, "findings", "跟踪情况"),
            risk_materialised=bool(risk_materialised),
            by=actor,
        )
        _base.audit(LEDGER, record, "follow_up", actor=actor, org=record.org_id, on=on)
        return follow


def risk_link_petition(
    assessment: RiskAssessment | int, *, actor: User, petition_number: str, on: dt.date, note: str = ""
) -> RiskPetitionLink:
    """Link a petition that later arose from the assessed decision (the actor must be able to see it)."""
    from xinfang.petitions.models import Petition

    with transaction.atomic(durable=True):
        record = _lock(assessment, actor)
        number = _base.require_text(petition_number, "petition", "信访件编号")
        found = scope.petitions_visible_to(actor).filter(number=number).values_list("pk", flat=True).first()
        if found is None:
            raise Invalid("petition", "信访件不存在或无权查看。", code="petition_not_found")
        petition = Petition.objects.get(pk=found)
        if RiskPetitionLink.objects.filter(assessment=record, petition=petition).exists():
            raise Invalid("petition", "该信访件已关联。", code="already_linked")
        link = RiskPetitionLink.objects.create(
            assessment=record, petition=petition, note=(note or "").strip()[:200], linked_on=on, by=actor
        )
        _base.audit(LEDGER, record, "link_petition", actor=actor, org=record.org_id, petition=petition.pk)
        return link


def risk_attach(
    assessment: RiskAssessment | int, *, actor: User, name: str, content: bytes
) -> RiskAttachment:
    """Store an attachment under a random name; its type is sniffed from the bytes, its size limited."""
    if not content:
        raise Invalid("file", "请选择要上传的文件。", code="required")
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise Invalid(
            "file", f"文件不能超过{MAX_ATTACHMENT_BYTES // (1024 * 1024)}MB。", code="file_too_large"
        )
    kind = filetype.guess(content)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        raise Invalid("file", "只能上传PDF、图片（JPEG/PNG）、Word、Excel或ZIP文件。", code="file_type")
    stored = f"{secrets.token_hex(16)}.{kind.extension}"
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / stored
    try:
        with transaction.atomic(durable=True):
            record = _lock(assessment, actor)
            path.write_bytes(content)
            attachment = RiskAttachment.objects.create(
                assessment=record,
                original_name=Path(name or "附件").name[:200],
                stored_name=stored,
                content_type=kind.mime,
                size=len(content),
                by=actor,
            )
            _base.audit(LEDGER, record, "attach", actor=actor, org=record.org_id, attachment=attachment.pk)
            return attachment
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def attachment_for(actor: User, attachment_id: int) -> tuple[RiskAttachment, Path]:
    """An attachment and its file, only for users who may see the assessment (404 otherwise)."""
    attachment = (
        access.scoped(RiskAttachment.objects.select_related("assessment"), actor, "assessment__org")
        .filter(pk=attachment_id)
        .first()
    )
    if attachment is None:
        raise NotFound("附件不存在或无权查看。")
    return attachment, upload_dir() / attachment.stored_name
