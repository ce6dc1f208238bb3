"""The sweep: one idempotent pass that raises and clears alerts, safe to run in several workers.

Alerts are inserted with INSERT ... ON CONFLICT DO NOTHING against the unique (stage, level),
(supervision, level) and (urge) constraints, so a rerun or a second worker adds nothing; clearing is a
compare-and-set update (`cleared_on IS NULL`); notifications are written by the one worker that claims
an alert (row lock with SKIP LOCKED, then `notified_at` set in the same transaction).

《信访工作条例》第四十条: 党委和政府信访部门发现有关机关、单位……办理信访事项推诿、敷衍、拖延……
应当及时督办; 第四十四条 holds units to their time limits. 第四十条第四款: 有关机关、单位应当书面反馈
采纳情况 — an unanswered supervision past its response date is an alert too.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xinfang.orgs.models import User
from xinfang.petitions.models import Stage, StageKind, Urge

from ..models import (
    DEFAULT_SEVERE_DAYS,
    LEVEL_RANK,
    Alert,
    AlertLevel,
    AlertThreshold,
    Notification,
    Supervision,
)
from ..notifications import services as notifications
from ._common import responsible_users, today

NOTIFY_BATCH = 500
INSERT_BATCH = 1000


@dataclass(frozen=True)
class Threshold:
    near_days: int
    severe_days: int


def thresholds() -> dict[str, Threshold]:
    """Per stage kind, from the admin-edited `AlertThreshold` rows, else the defaults."""
    default = Threshold(int(settings.XINFANG_NEAR_DUE_DAYS), DEFAULT_SEVERE_DAYS)
    found = {t.stage_kind: Threshold(t.near_days, t.severe_days) for t in AlertThreshold.objects.all()}
    return {kind: found.get(kind, default) for kind in StageKind.values}


def level_for(due_on: dt.date, on: dt.date, limit: Threshold) -> str | None:
    """预警 within `near_days` before due (day 0 included), 超期 after, 严重超期 past `severe_days` late."""
    left = (due_on - on).days
    if left < -limit.severe_days:
        return AlertLevel.SEVERE
    if left < 0:
        return AlertLevel.OVERDUE
    if left <= limit.near_days:
        return AlertLevel.NEAR
    return None


@dataclass
class SweepResult:
    raised: Counter[str] = field(default_factory=Counter)
    cleared: int = 0
    notified: int = 0
    retried: int = 0

    def as_dict(self) -> dict[str, object]:
        return {
            "raised": dict(self.raised),
            "cleared": self.cleared,
            "notified": self.notified,
            "retried": self.retried,
        }


def sweep(*, on: dt.date | None = None, notify: bool = True) -> SweepResult:
    on = on or today()
    result = SweepResult()
    limits = thresholds()
    before = _raised_on(on)
    _sweep_stages(on, limits, result)
    _sweep_supervisions(on, result)
    _sweep_urges(on, result)
    result.raised = _raised_on(on) - before
    if notify:
        result.notified = notify_pending()
        result.retried = notifications.retry_due()
    return result


def _raised_on(on: dt.date) -> Counter[str]:
    """Alerts raised on `on` by level (supervision ones as "supervision"): what this run added."""
    rows = Alert.objects.filter(raised_on=on).values_list("level", "supervision_id")
    return Counter("supervision" if sup else level for level, sup in rows)


def _insert(rows: list[Alert]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: rows another run (or worker) already wrote are skipped."""
    if rows:
        Alert.objects.bulk_create(rows, batch_size=INSERT_BATCH, ignore_conflicts=True)


def _sweep_stages(on: dt.date, limits: dict[str, Threshold], result: SweepResult) -> None:
    horizon = on + dt.timedelta(days=max(t.near_days for t in limits.values()))
    candidates = (
        Stage.objects.filter(closed_on__isnull=True, paused_since__isnull=True, due_on__lte=horizon)
        .values_list("pk", "kind", "org_id", "petition_id", "due_on")
        .order_by("pk")
    )
    rows: list[Alert] = []
    reopen: dict[str, list[int]] = {}
    for pk, kind, org_id, petition_id, due_on in candidates.iterator(chunk_size=2000):
        level = level_for(due_on, on, limits[kind])
        if level is None:
            continue
        rows.append(
            Alert(
                stage_id=pk, level=level, org_id=org_id, petition_id=petition_id, due_on=due_on, raised_on=on
            )
        )
        reopen.setdefault(level, []).append(pk)
        if len(rows) >= INSERT_BATCH:
            _insert(rows)
            rows = []
    _insert(rows)
    # A stage that left a level and came back (paused, then resumed) gets its alert back.
    for level, stage_ids in reopen.items():
        for i in range(0, len(stage_ids), INSERT_BATCH):
            Alert.objects.filter(
                stage_id__in=stage_ids[i : i + INSERT_BATCH], level=level, cleared_on__isnull=False
            ).update(cleared_on=None)
    # Clear what no longer applies: the stage closed, paused, was extended, or escalated.
    open_alerts = Alert.objects.filter(cleared_on__isnull=True, stage__isnull=False).values_list(
        "pk", "level", "stage__kind", "stage__due_on", "stage__closed_on", "stage__paused_since"
    )
    stale: list[int] = []
    for pk, level, kind, due_on, closed_on, paused_since in open_alerts.iterator(chunk_size=2000):
        if closed_on is not None or paused_since is not None or level_for(due_on, on, limits[kind]) != level:
            stale.append(pk)
    result.cleared += _clear(stale, on)


def _clear(ids: list[int], on: dt.date) -> int:
    cleared = 0
    for i in range(0, len(ids), INSERT_BATCH):
        cleared += Alert.objects.filter(pk__in=ids[i : i + INSERT_BATCH], cleared_on__isnull=True).update(
            cleared_on=on
        )
    return cleared


def _sweep_supervisions(on: dt.date, result: SweepResult) -> None:
    """第四十条第四款: feedback is owed in writing; past the response date it becomes an alert."""
    late = Supervision.objects.filter(feedback_on__isnull=True, respond_by__lt=on).values_list(
        "pk", "recipient_id", "petition_id", "respond_by"
    )
    rows = [
        Alert(
            supervision_id=pk,
            level=AlertLevel.OVERDUE,
            org_id=org_id,
            petition_id=petition_id,
            due_on=respond_by,
            raised_on=on,
        )
        for pk, org_id, petition_id, respond_by in late.iterator(chunk_size=2000)
    ]
    _insert(rows)
    answered = Alert.objects.filter(
        supervision__isnull=False, cleared_on__isnull=True, supervision__feedback_on__isnull=False
    ).values_list("pk", flat=True)
    result.cleared += _clear(list(answered), on)


def _sweep_urges(on: dt.date, result: SweepResult) -> None:
    """A petitioner's 催办 lands in the holding unit's alerts and the supervisors' view."""
    pending = Urge.objects.filter(handled_at__isnull=True, stage__closed_on__isnull=True).values_list(
        "pk", "org_id", "petition_id", "stage__due_on"
    )
    rows = [
        Alert(
            urge_id=pk,
            level=AlertLevel.URGED,
            org_id=org_id,
            petition_id=petition_id,
            due_on=due,
            raised_on=on,
        )
        for pk, org_id, petition_id, due in pending.iterator(chunk_size=2000)
    ]
    _insert(rows)
    done = Alert.objects.filter(urge__isnull=False, cleared_on__isnull=True).filter(
        Q(urge__handled_at__isnull=False) | Q(urge__stage__closed_on__isnull=False)
    )
    result.cleared += _clear(list(done.values_list("pk", flat=True)), on)


def alert_text(alert: Alert) -> str:
    level = alert.get_level_display()
    number = alert.petition.number if alert.petition_id and alert.petition else ""
    if alert.supervision_id and alert.supervision is not None:
        s = alert.supervision
        return f"【{level}】{s.get_kind_display()}{s.number}应于{s.respond_by:%Y-%m-%d}前书面反馈，尚未反馈。"
    if alert.urge_id:
        return f"【催办】信访人催办信访件{number}（{alert.org.name}），请尽快办理。"
    kind = alert.stage.get_kind_display() if alert.stage is not None else ""
    due = f"{alert.due_on:%Y-%m-%d}" if alert.due_on else ""
    return f"【{level}】信访件{number}“{kind}”环节（{alert.org.name}）期限{due}。"


def alert_link(alert: Alert) -> str:
    if alert.supervision_id:
        return f"/supervision/letters/{alert.supervision_id}/"
    return f"/supervision/alerts/?org={alert.org_id}"


def notify_pending() -> int:
    """Write the notifications of alerts nobody has claimed yet; returns the number written.

    Each batch is claimed under row locks with SKIP LOCKED (PostgreSQL), so concurrent workers take
    different alerts, and `notified_at` is set in the same transaction: each alert is told once.
    """
    written = 0
    recipients: dict[int, list[User]] = {}
    while True:
        with transaction.atomic():
            ids = list(
                Alert.objects.select_for_update(skip_locked=True)
                .filter(notified_at__isnull=True)
                .order_by("pk")
                .values_list("pk", flat=True)[:NOTIFY_BATCH]
            )
            if not ids:
                return written
            alerts = Alert.objects.filter(pk__in=ids, notified_at__isnull=True).select_related(
                "org", "petition", "stage", "supervision", "supervision__issued_by"
            )
            rows = []
            for alert in alerts:
                if alert.org_id not in recipients:
                    recipients[alert.org_id] = responsible_users(alert.org)
                users = list(recipients[alert.org_id])
                if alert.supervision is not None:
                    users.append(alert.supervision.issued_by)
                text = alert_text(alert)
                rows += notifications.build_notifications(
                    users, text, link=alert_link(alert), alert_id=alert.pk
                )
                for user in {u.pk: u for u in users}.values():
                    if user.email and alert.level in (
                        AlertLevel.SEVERE,
                        AlertLevel.OVERDUE,
                        AlertLevel.URGED,
                    ):
                        notifications.send_mail(user.email, "信访事项督办提醒", text)
            Notification.objects.bulk_create(rows, batch_size=INSERT_BATCH)
            written += len(rows)
            Alert.objects.filter(pk__in=ids).update(notified_at=timezone.now())


__all__ = ["LEVEL_RANK", "SweepResult", "Threshold", "level_for", "notify_pending", "sweep", "thresholds"]
