"""普法宣传 and 培训 records.

《信访工作条例》第七条: 各级党委和政府应当……加强信访法治宣传教育; 第十条: 加强信访干部教育培训.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from xinfang.core.errors import Invalid
from xinfang.ledgers import access
from xinfang.ledgers.models import OutreachEvent, OutreachForm, TrainingSession
from xinfang.ledgers.services import _base
from xinfang.orgs.models import Org, User


def outreach_record(
    *,
    actor: User,
    held_on: dt.date,
    title: str,
    place: str,
    form: str,
    organiser: str,
    materials: int = 0,
    consultations: int = 0,
    reached: int = 0,
    note: str = "",
    org: Org | int | None = None,
) -> OutreachEvent:
    """One 普法宣传 event with what it handed out and whom it reached."""
    _base.require_user(actor)
    with transaction.atomic(durable=True):
        owner = access.require_org(actor, org)
        event = OutreachEvent.objects.create(
            org=owner,
            held_on=_base.check_date(held_on, "held_on", "活动日期"),
            title=_base.require_text(title, "title", "活动名称")[:200],
            place=_base.require_text(place, "place", "地点")[:200],
            form=_base.require_choice(form, OutreachForm.choices, "form", "形式"),
            organiser=_base.require_text(organiser, "organiser", "组织者")[:100],
            materials=_base.require_count(materials, "materials", "发放宣传资料份数"),
            consultations=_base.require_count(consultations, "consultations", "咨询人次"),
            reached=_base.require_count(reached, "reached", "受众人数"),
            note=(note or "").strip(),
            created_by=actor,
        )
        _base.audit("outreach", event, "record", actor=actor, org=owner, title=event.title)
        return event


def training_record(
    *,
    actor: User,
    start_on: dt.date,
    topic: str,
    participants: int,
    hours: Decimal,
    place: str = "",
    note: str = "",
    org: Org | int | None = None,
) -> TrainingSession:
    """One 培训班: topic, participants (人次) and hours (学时)."""
    _base.require_user(actor)
    if participants is None or participants < 1:
        raise Invalid("participants", "参训人次至少为1。", code="min_value")
    if hours is None or hours <= 0:
        raise Invalid("hours", "学时应大于0。", code="min_value")
    with transaction.atomic(durable=True):
        owner = access.require_org(actor, org)
        session = TrainingSession.objects.create(
            org=owner,
            start_on=_base.check_date(start_on, "start_on", "开班日期"),
            topic=_base.require_text(topic, "topic", "培训主题")[:200],
            place=(place or "").strip()[:200],
            participants=participants,
            hours=hours,
            note=(note or "").strip(),
            created_by=actor,
        )
        _base.audit("training", session, "record", actor=actor, org=owner, topic=session.topic)
        return session
