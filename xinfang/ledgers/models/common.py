"""What every ledger shares: the audit row written by each service."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models


class LedgerEvent(models.Model):
    """The append-only audit trail of the ledgers: one row per write, by whom, on which record.

    Every service of this app writes one, in the same transaction as the change it records.
    """

    ledger = models.CharField(max_length=20)  # "risk", "review", "suggestion", "outreach", "training"
    record_id = models.PositiveBigIntegerField()
    action = models.CharField(max_length=40)
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    data: models.JSONField[dict[str, Any], dict[str, Any]] = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "台账操作记录"
        verbose_name_plural = verbose_name
        ordering: ClassVar = ["id"]
        indexes: ClassVar = [models.Index(fields=["ledger", "record_id", "id"])]
