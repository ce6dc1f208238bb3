"""What the intake form records beyond the petition itself: channel details and scanned pages.

The petition services own the petition; these rows only describe how it arrived (来信的邮戳、来访的批次和
接待窗口、来电和网上信访的编号) and keep the scanned pages of a letter (第十九条: 书面形式提出).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class IntakeRecord(models.Model):
    """Channel details typed at registration (邮戳日期, 批次, 接待窗口, 来电号码, 网上编号)."""

    petition = models.OneToOneField("petitions.Petition", on_delete=models.CASCADE, related_name="intake")
    details: models.JSONField[dict[str, Any], dict[str, Any]] = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "登记信息"
        verbose_name_plural = verbose_name


class Attachment(models.Model):
    """A scanned page or file received with a petition; stored in the database (one small server)."""

    petition = models.ForeignKey("petitions.Petition", on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField("文件名", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering: ClassVar = ["id"]

    def __str__(self) -> str:
        return self.name
