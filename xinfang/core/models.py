"""Cross-cutting records: the audit trail of every look at personal data (PIPL 第五十一条)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class PersonalDataAccess(models.Model):
    """One row per time a user saw an unmasked ID number or phone.

    《个人信息保护法》第五十一条: 个人信息处理者应当……制定内部管理制度和操作规程；
    ……合理确定个人信息处理的操作权限.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    petitioner = models.ForeignKey("petitions.Petitioner", on_delete=models.CASCADE, related_name="+")
    fields = models.CharField(max_length=100)
    purpose = models.CharField(max_length=100)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "个人信息查看记录"
        verbose_name_plural = verbose_name
        indexes: ClassVar = [models.Index(fields=["petitioner", "at"])]
