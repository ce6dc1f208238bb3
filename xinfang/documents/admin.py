from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from .kinds import ADDRESSEE, DocumentKind
from .models import DocumentTemplate, DocumentTemplateRevision
from .render import CONTEXT_KEYS, SAMPLE_CONTEXT, default_template_source, render_source

_PRE = "white-space: pre-wrap; font-family: monospace; max-height: 32em; overflow: auto;"


class DocumentTemplateRevisionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DocumentTemplateRevision
    extra = 0
    can_delete = False
    fields = ("saved_at", "saved_by", "body_text")
    readonly_fields = ("saved_at", "saved_by", "body_text")
    ordering = ("-saved_at", "-id")
    verbose_name = "历史版本"
    verbose_name_plural = "历史版本（每次保存均留存）"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="模板正文")
    def body_text(self, obj: DocumentTemplateRevision) -> str:
        return format_html('<pre style="{}">{}</pre>', _PRE, obj.body)


class DocumentTemplateForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = DocumentTemplate
        fields = ("kind", "body", "note")
        widgets: ClassVar[dict[str, forms.Widget]] = {
            "body": forms.Textarea(attrs={"rows": 28, "cols": 100, "style": "font-family: monospace"})
        }


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = DocumentTemplateForm
    list_display = ("kind", "addressee", "note", "updated_at", "updated_by")
    list_filter = ("kind",)
    search_fields = ("body", "note")
    readonly_fields = ("updated_at", "updated_by", "context_keys", "default_source", "sample_preview")
    fieldsets = (
        (None, {"fields": ("kind", "body", "note", "updated_at", "updated_by")}),
        ("参考", {"fields": ("context_keys", "default_source", "sample_preview")}),
    )
    inlines = (DocumentTemplateRevisionInline,)

    @admin.display(description="送达对象")
    def addressee(self, obj: DocumentTemplate) -> str:
        return {"petitioner": "信访人", "unit": "机关、单位"}.get(ADDRESSEE.get(obj.kind, ""), "")

    @admin.display(description="可用变量")
    def context_keys(self, obj: DocumentTemplate | None) -> str:
        return format_html_join("、", "<code>{}</code>", ((key,) for key in CONTEXT_KEYS))

    @admin.display(description="默认模板（文件）")
    def default_source(self, obj: DocumentTemplate | None) -> str:
        if obj is None or obj.kind not in DocumentKind.values:
            return "保存后显示该文书种类的默认模板。"
        return format_html('<pre style="{}">{}</pre>', _PRE, default_template_source(obj.kind))

    @admin.display(description="当前模板示例效果")
    def sample_preview(self, obj: DocumentTemplate | None) -> str:
        if obj is None or not obj.body:
            return "—"
        try:
            text = render_source(obj.kind, obj.body, SAMPLE_CONTEXT).text
        except Exception as exc:
            return f"无法渲染：{exc}"
        return format_html('<pre style="{}">{}</pre>', _PRE, text)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        """Adding an override for ?kind=X starts from the file template of X."""
        initial: dict[str, Any] = dict(super().get_changeform_initial_data(request))
        kind = request.GET.get("kind")
        if kind in DocumentKind.values and "body" not in initial:
            initial["body"] = default_template_source(kind)
        return initial

    def save_model(self, request: HttpRequest, obj: DocumentTemplate, form: Any, change: bool) -> None:
        obj.save_with_revision(by=request.user)
