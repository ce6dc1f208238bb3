"""One row per import run: what file, by whom, how many rows went in (docs/import.md)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class ImportBatch(models.Model):
    """An import of petitions from a file; its id is recorded in every imported petition's register event.

    The file's SHA-256 is kept so that importing the same file twice is refused (it would register
    every petition a second time) unless the importer says it is meant.
    """

    file_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    rows = models.PositiveIntegerField("数据行数")
    imported = models.PositiveIntegerField("导入件数")
    rejected = models.PositiveIntegerField("跳过的错误行数", default=0)
    closed = models.PositiveIntegerField("历史办结件数", default=0)
    seconds = models.FloatField("用时（秒）", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "批量导入记录"
        verbose_name_plural = "批量导入记录"
        ordering: ClassVar = ["-id"]

    def __str__(self) -> str:
        return f"{self.file_name}（{self.imported}件）"
