from __future__ import annotations

from django.contrib import admin

from .models import (
    Alert,
    AlertThreshold,
    LeaderCase,
    Listing,
    Notification,
    OutboundMessage,
    Reception,
    ReceptionSlot,
    Supervision,
)


@admin.register(AlertThreshold)
class AlertThresholdAdmin(admin.ModelAdmin[AlertThreshold]):
    list_display = ("stage_kind", "near_days", "severe_days")


@admin.register(ReceptionSlot)
class ReceptionSlotAdmin(admin.ModelAdmin[ReceptionSlot]):
    list_display = ("on", "starts_at", "ends_at", "leader", "kind", "place", "is_published")
    list_filter = ("kind", "is_published")


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Written by the services only; the admin shows them."""

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("level", "org", "petition", "due_on", "raised_on", "cleared_on")
    list_filter = ("level",)


@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "recipient", "issued_on", "respond_by", "feedback_on", "adoption")
    list_filter = ("kind", "adoption")


@admin.register(Listing)
class ListingAdmin(ReadOnlyAdmin):
    list_display = ("petition", "org", "listed_on", "deadline", "lifted_on")


@admin.register(LeaderCase)
class LeaderCaseAdmin(ReadOnlyAdmin):
    list_display = ("title", "leader", "assigned_on", "target_on", "status")


@admin.register(Reception)
class ReceptionAdmin(ReadOnlyAdmin):
    list_display = ("on", "kind", "leader", "place", "batches", "persons", "accepted")


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("user", "text", "created_at", "read_at")


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    list_display = ("channel", "to", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("channel", "status")
