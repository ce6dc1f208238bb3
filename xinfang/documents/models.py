"""Admin overrides of the document templates, with every saved version kept."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.template import TemplateSyntaxError
from django.utils import timezone

from .kinds import DocumentKind


class DocumentTemplate(models.Model):
    kind = models.CharField("文书种类", max_length=40, choices=DocumentKind.choices, unique=True)
    body = models.TextField(
        "模板正文",
        help_text="Django 模板语法；第一行为文书标题，空一行后为称谓行，最后两行为署名和日期。",
    )
    note = models.CharField("修改说明", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "文书模板"
        verbose_name_plural = "文书模板"
        ordering = ("kind",)

    def __str__(self) -> str:
        return str(DocumentKind(self.kind).label) if self.kind in DocumentKind.values else self.kind

    def clean(self) -> None:
        super().clean()
        check_template_body(self.kind, self.body)

    @transaction.atomic
    def save_with_revision(self, *, by: Any = None) -> DocumentTemplateRevision:
        """Save and record the saved text as a revision (what the admin does on every save)."""
        self.updated_by = by
        self.save()
        return DocumentTemplateRevision.objects.create(template=self, body=self.body, saved_by=by)


class DocumentTemplateRevision(models.Model):
    template = models.ForeignKey(
        DocumentTemplate, verbose_name="文书模板", on_delete=models.CASCADE, related_name="revisions"
    )
    body = models.TextField("模板正文")
    saved_at = models.DateTimeField("保存时间", default=timezone.now, db_index=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="保存人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "文书模板历史版本"
        verbose_name_plural = "文书模板历史版本"
        ordering = ("-saved_at", "-id")

    def __str__(self) -> str:
        return f"{self.template} @ {self.saved_at:%Y-%m-%d %H:%M}"


def check_template_body(kind: str, body: str) -> None:
    """Compile ``body`` and render it once with a sample context; ``ValidationError`` if either fails."""
    from .render import SAMPLE_CONTEXT, render_source

    if not body.strip():
        raise ValidationError({"body": "模板正文不能为空。"})
    try:
        rendered = render_source(kind, body, SAMPLE_CONTEXT)
    except TemplateSyntaxError as exc:
        raise ValidationError({"body": f"模板语法错误：{exc}"}) from exc
    except Exception as exc:  # a template that compiles may still fail to render (e.g. a bad include)
        raise ValidationError({"body": f"模板无法渲染：{exc}"}) from exc
    if not rendered.title:
        raise ValidationError({"body": "模板渲染结果为空：第一行应为文书标题。"})
