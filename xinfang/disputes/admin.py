from __future__ import annotations

from django.contrib import admin

from .models import Dispute


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin[Dispute]):
    """Read-only: entries change through the ledger pages (services), which keep the history."""

    list_display = ("number", "title", "screening", "risk", "responsible_org", "status", "found_on")
    list_filter = ("status", "screening", "risk")
    search_fields = ("number", "title")

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
