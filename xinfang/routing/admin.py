"""Admin: routing rules are data edited here; every save and delete goes through the services (history)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import URLPattern, path

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


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


@admin.register(RoutingModel)
class RoutingModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Each trained version with its date, data size and cross-validated figures; read-only.

    "排队重新训练" enqueues the same task the schedule runs (`xinfang routing train --enqueue`).
    """

    change_list_template = "admin/routing/routingmodel/change_list.html"
    list_display = (
        "version",
        "trained_at",
        "n_train",
        "n_feedback",
        "accuracy",
        "macro_f1",
        "unit_accuracy",
        "encoder",
        "trained_by_label",
        "active",
    )
    fields = (
        "version",
        "trained_at",
        "n_train",
        "n_feedback",
        "accuracy",
        "macro_f1",
        "unit_accuracy",
        "encoder",
        "trained_by_label",
        "active",
    )
    readonly_fields = fields

    @admin.display(description="交叉验证准确率（分类）")
    def accuracy(self, obj: RoutingModel) -> str:
        return _percent(obj.cv_accuracy)

    @admin.display(description="交叉验证宏F1（分类）")
    def macro_f1(self, obj: RoutingModel) -> str:
        return "—" if obj.cv_macro_f1 is None else f"{obj.cv_macro_f1:.3f}"

    @admin.display(description="交叉验证准确率（承办单位）")
    def unit_accuracy(self, obj: RoutingModel) -> str:
        return _percent(obj.unit_cv_accuracy)

    @admin.display(description="训练方式")
    def trained_by_label(self, obj: RoutingModel) -> str:
        return str(obj.trained_by) if obj.trained_by_id else "定时任务或命令"

    @admin.display(description="状态")
    def active(self, obj: RoutingModel) -> str:
        return "使用中" if obj.version == getattr(obj, "latest_version", None) else "历史版本"

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoutingModel]:
        latest = RoutingModel.objects.order_by("-version").values("version")[:1]
        rows: QuerySet[RoutingModel] = super().get_queryset(request)
        return rows.select_related("trained_by").annotate(latest_version=Subquery(latest))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        return super().changelist_view(request, {**(extra_context or {}), "keep": services.KEEP_MODEL_BLOBS})

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "train/",
                self.admin_site.admin_view(self.train_view),
                name="routing_routingmodel_train",
            )
        ]
        return own + super().get_urls()

    def train_view(self, request: HttpRequest) -> HttpResponse:
        """POST: enqueue a retraining (the worker runs it); GET is not an action."""
        if request.method != "POST" or not self.has_view_permission(request):
            return HttpResponseNotAllowed(["POST"])
        from xinfang.routing.tasks import train_routing_model

        result = train_routing_model.enqueue()
        self.message_user(request, f"已排队重新训练（任务 {result.id}），由后台任务执行后出现在本列表。")
        return redirect("admin:routing_routingmodel_changelist")


@admin.register(HotspotAlert)
class HotspotAlertAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("raised_on", "title", "size", "petitioners", "status")
    list_filter = ("status",)
