"""The admin edits reference data only; petitions are shown read-only (state changes go through services)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xinfang.petitions.models import Category, Event, Petition, Stage


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ("code", "name", "parent", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StageInline(ReadOnlyInline):
    model = Stage
    fields = ("kind", "org", "opened_on", "due_on", "closed_on", "outcome", "paused_days", "extended_days")


class EventInline(ReadOnlyInline):
    model = Event
    fields = ("on", "action", "actor", "org", "data")


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin[Petition]):
    list_display = ("number", "subject", "state", "channel", "kind", "received_on", "registered_org")
    list_filter = ("state", "channel", "kind")
    search_fields = ("number", "subject")
    date_hierarchy = "received_on"
    inlines = (StageInline, EventInline)
    exclude = ("query_code",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
