"""Admin: routing rules are data edited here; every save and delete goes through the services (history)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from xinfang.orgs.models import User
from xinfang.routing import services
from xinfang.routing.models import HotspotAlert, KeywordRule, RoutingModel, RuleChange, UnitRule


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


class _RuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        services.rule_save(obj, actor=_actor(request))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.rule_delete(obj, actor=_actor(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            services.rule_delete(obj, actor=_actor(request))


@admin.register(KeywordRule)
class KeywordRuleAdmin(_RuleAdmin):
    list_display = ("keywords", "category", "is_active")
    list_filter = ("is_active", "category")


@admin.register(UnitRule)
class UnitRuleAdmin(_RuleAdmin):
    list_display = ("category", "region_code", "unit", "is_active")
    list_filter = ("is_active", "category")


@admin.register(RuleChange)
class RuleChangeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("at", "rule_type", "rule_id", "action", "actor")
    readonly_fields = ("rule_type", "rule_id", "action", "before", "after", "actor", "at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(RoutingModel)
class RoutingModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("version", "trained_at", "n_train", "n_feedback", "cv_accuracy", "cv_macro_f1", "encoder")
    exclude = ("category_model", "unit_model")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(HotspotAlert)
class HotspotAlertAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("raised_on", "title", "size", "petitioners", "status")
    list_filter = ("status",)
