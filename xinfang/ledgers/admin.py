"""The admin edits the 评查 checklist; ledger records change only through the services."""

from django.contrib import admin

from xinfang.ledgers.models import ChecklistItem


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin[ChecklistItem]):
    list_display = ("order", "code", "label", "weight", "auto_rule", "is_active")
    list_display_links = ("code",)
    list_editable = ("order", "label", "weight", "is_active")
    list_filter = ("is_active", "auto_rule")
    search_fields = ("code", "label")
