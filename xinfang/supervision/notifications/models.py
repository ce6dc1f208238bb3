"""In-app notifications and the outbound SMS/e-mail queue.

Every alert lands in the responsible users' in-app queue (`Notification`). Messages leaving the
system (SMS, e-mail) are rows of `OutboundMessage`, written in the same transaction as the act that
caused them and handed to a gateway only after it commits (`transaction.on_commit`), by a task, so a
slow or failing gateway never blocks a request; failures are retried with a back-off.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    text = models.CharField("内容", max_length=500)
    link = models.CharField("链接", max_length=300, blank=True)
    alert = models.ForeignKey(
        "supervision.Alert", null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        app_label = "supervision"
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering: ClassVar = ["-id"]
        indexes: ClassVar = [
            # The unread badge and the inbox read only one user's unread rows.
            models.Index(
                fields=["user", "id"], name="notification_unread", condition=Q(read_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.text


class OutboundChannel(models.TextChoices):
    SMS = "sms", "短信"
    MAIL = "mail", "电子邮件"


class OutboundStatus(models.TextChoices):
    PENDING = "pending", "待发送"  # written; the delivery task is queued after commit
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"  # will be retried at next_attempt_at until MAX_ATTEMPTS
    GAVE_UP = "gave_up", "放弃发送"


class OutboundMessage(models.Model):
    channel = models.CharField("渠道", max_length=8, choices=OutboundChannel.choices)
    to = models.CharField("收件人", max_length=200)
    subject = models.CharField("主题", max_length=200, blank=True)
    text = models.TextField("内容")
    status = models.CharField(
        "状态", max_length=10, choices=OutboundStatus.choices, default=OutboundStatus.PENDING
    )
    attempts = models.PositiveIntegerField("尝试次数", default=0)
    last_error = models.TextField("最近错误", blank=True)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "supervision"
        verbose_name = "外发消息"
        verbose_name_plural = "外发消息"
        indexes: ClassVar = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbound_retry",
                condition=Q(status__in=["pending", "failed"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.to}"
