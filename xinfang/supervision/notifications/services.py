"""Write side of notifications: in-app rows, and outbound messages sent after commit, retried on failure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from xinfang.core.errors import Invalid
from xinfang.core.identity import IdentityError, validate_phone
from xinfang.orgs.models import User

from .backends import get_backend
from .models import Notification, OutboundChannel, OutboundMessage, OutboundStatus

MAX_ATTEMPTS = 5
# Back-off after the n-th failure: 1, 5, 30, 120 minutes.
BACKOFF_MINUTES = (1, 5, 30, 120)


def build_notifications(
    users: Iterable[User], text: str, *, link: str = "", alert_id: int | None = None
) -> list[Notification]:
    """Unsaved notification rows, one per user (deduplicated), for a caller that writes many at once."""
    seen: set[int] = set()
    rows = []
    for user in users:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, text=text[:500], link=link, alert_id=alert_id))
    return rows


def notify(users: Iterable[User], text: str, *, link: str = "", alert_id: int | None = None) -> int:
    """One in-app notification per user (deduplicated); returns how many were written."""
    rows = build_notifications(users, text, link=link, alert_id=alert_id)
    Notification.objects.bulk_create(rows)
    return len(rows)


def notification_mark_read(user: User, notification_id: int) -> None:
    Notification.objects.filter(pk=notification_id, user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notification_mark_all_read(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def _queue(channel: str, to: str, subject: str, text: str) -> OutboundMessage:
    message = OutboundMessage.objects.create(channel=channel, to=to, subject=subject, text=text)
    # The gateway is called only once the act that caused the message is committed: a rolled-back
    # act sends nothing, and the request never waits on the gateway (the task runs it).
    transaction.on_commit(lambda: _enqueue_delivery(message.pk))
    return message


def _enqueue_delivery(message_id: int) -> None:
    from xinfang.supervision.tasks import deliver_outbound

    deliver_outbound.enqueue(message_id)


def send_sms(phone: str, text: str) -> OutboundMessage:
    """Queue an SMS to `phone`; it leaves after the current transaction commits."""
    try:
        number = validate_phone(phone)
    except IdentityError as exc:
        raise Invalid("phone", "手机号码格式不正确。", code="invalid_phone") from exc
    return _queue(OutboundChannel.SMS, number, "", text)


def send_mail(to: str, subject: str, text: str) -> OutboundMessage:
    """Queue an e-mail to `to`; it leaves after the current transaction commits."""
    if "@" not in to:
        raise Invalid("to", "电子邮件地址格式不正确。", code="invalid_email")
    return _queue(OutboundChannel.MAIL, to, subject, text)


def deliver(message_id: int, *, now: dt.datetime | None = None) -> str:
    """Hand one message to its gateway; on failure record the error and schedule a retry.

    The row is claimed with a compare-and-set on `attempts` so two workers never send it twice.
    """
    now = now or timezone.now()
    message = OutboundMessage.objects.filter(pk=message_id).first()
    if message is None or message.status in (OutboundStatus.SENT, OutboundStatus.GAVE_UP):
        return "skipped"
    claimed = OutboundMessage.objects.filter(
        pk=message.pk, attempts=message.attempts, status__in=[OutboundStatus.PENDING, OutboundStatus.FAILED]
    ).update(attempts=message.attempts + 1, next_attempt_at=None)
    if not claimed:
        return "skipped"
    attempt = message.attempts + 1
    try:
        get_backend(message.channel).send(message.to, message.subject, message.text)
    except Exception as exc:  # a gateway may fail in any way; the message must not be lost
        gave_up = attempt >= MAX_ATTEMPTS
        wait = BACKOFF_MINUTES[min(attempt, len(BACKOFF_MINUTES)) - 1]
        OutboundMessage.objects.filter(pk=message.pk).update(
            status=OutboundStatus.GAVE_UP if gave_up else OutboundStatus.FAILED,
            last_error=f"{type(exc).__name__}: {exc}"[:1000],
            next_attempt_at=None if gave_up else now + dt.timedelta(minutes=wait),
        )
        return "gave_up" if gave_up else "failed"
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=OutboundStatus.SENT, sent_at=now, last_error=""
    )
    return "sent"


def retry_due(*, now: dt.datetime | None = None) -> int:
    """Re-send failed messages whose back-off has passed (called by the scheduled sweep)."""
    now = now or timezone.now()
    ids = list(
        OutboundMessage.objects.filter(status=OutboundStatus.FAILED, next_attempt_at__lte=now).values_list(
            "pk", flat=True
        )[:1000]
    )
    for pk in ids:
        deliver(pk, now=now)
    return len(ids)
