"""Files a petitioner sends with an online submission (附件).

The bytes live outside the web root, under ``settings.DATA_DIR / "uploads"``, with random names; only
this row knows the original name. They are served by the portal views to the petitioner (through the
tracking session) and to staff who may see the petition (xinfang.orgs.scope), never by the web server.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class Attachment(models.Model):
    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.CASCADE, related_name="portal_attachments"
    )
    original_name = models.CharField("原文件名", max_length=200)
    stored_name = models.CharField(max_length=80, unique=True)  # random; the file under uploads/
    content_type = models.CharField("类型", max_length=60)  # sniffed from the content, never trusted
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "网上信访附件"
        verbose_name_plural = "网上信访附件"
        ordering: ClassVar = ["id"]

    def __str__(self) -> str:
        return self.original_name
