"""业务规范化评查: a seeded random sample of closed petitions scored against an admin-edited checklist."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class AutoRule(models.TextChoices):
    """Checks the system can decide from the record itself (pre-filled; staff may override with a note)."""

    NONE = "", "人工评查"
    NOTICE_ON_TIME = "notice_on_time", "告知及时（受理告知环节按期完成）"  # 第二十三条
    DECISION_COMPLETE = "decision_complete", "意见书要素齐全（第三十二条）"
    DELIVERED = "delivered", "送达有据（有送达记录）"
    HANDLED_ON_TIME = "handled_on_time", "按期办结（办理环节按期完成）"  # 第三十四条


class ChecklistItem(models.Model):
    code = models.CharField("代码", max_length=30, unique=True)
    label = models.CharField("评查项目", max_length=100)
    weight = models.PositiveIntegerField("分值", default=10)
    auto_rule = models.CharField("自动判定", max_length=24, choices=AutoRule.choices, blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "评查项目"
        verbose_name_plural = verbose_name
        ordering: ClassVar = ["order", "id"]

    def __str__(self) -> str:
        return self.label


class QualityReview(models.Model):
    """One 评查 batch: the reviewing org samples a unit's petitions closed in a period."""

    org = models.ForeignKey("orgs.Org", verbose_name="评查单位", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "orgs.Org", verbose_name="被评查单位", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("名称", max_length=100)
    period_start = models.DateField("办结起")
    period_end = models.DateField("办结止")
    sample_size = models.PositiveIntegerField("抽取件数", null=True, blank=True)
    sample_percent = models.PositiveIntegerField("抽取比例（%）", null=True, blank=True)
    seed = models.BigIntegerField("随机种子")
    population_count = models.PositiveIntegerField("总体件数")
    population_digest = models.CharField(max_length=64)  # sha256 of the ordered population ids, for audit
    created_on = models.DateField("抽取日期")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "评查批次"
        verbose_name_plural = verbose_name
        indexes: ClassVar = [models.Index(fields=["org", "created_on"])]

    def __str__(self) -> str:
        return self.title


class ReviewCase(models.Model):
    review = models.ForeignKey(QualityReview, on_delete=models.CASCADE, related_name="cases")
    petition = models.ForeignKey("petitions.Petition", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()
    score = models.DecimalField("得分", max_digits=5, decimal_places=1, null=True, blank=True)
    scored_on = models.DateField("评查日期", null=True, blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.TextField("评查意见", blank=True)

    class Meta:
        verbose_name = "评查案卷"
        verbose_name_plural = verbose_name
        ordering: ClassVar = ["review", "position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["review", "petition"], name="ledgers_review_case_once")
        ]


class CaseCheck(models.Model):
    """One checklist item for one case: the system's value (if it can decide) and the reviewer's."""

    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="checks")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    weight = models.PositiveIntegerField()  # snapshot: editing the checklist does not rescore old cases
    auto_value = models.BooleanField(null=True)
    auto_reason = models.CharField(max_length=200, blank=True)
    passed = models.BooleanField(null=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        ordering: ClassVar = ["item__order", "item_id"]
        constraints: ClassVar = [models.UniqueConstraint(fields=["case", "item"], name="ledgers_check_once")]

    @property
    def overridden(self) -> bool:
        return self.auto_value is not None and self.passed is not None and self.passed != self.auto_value


class ProblemState(models.TextChoices):
    OPEN = "open", "待整改"
    RECTIFIED = "rectified", "已整改"


class ReviewProblem(models.Model):
    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="problems")
    item = models.ForeignKey(ChecklistItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    description = models.TextField("问题描述")
    found_on = models.DateField("发现日期")
    due_on = models.DateField("整改期限", null=True, blank=True)
    state = models.CharField(max_length=10, choices=ProblemState.choices, default=ProblemState.OPEN)
    rectification = models.TextField("整改情况", blank=True)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "评查问题"
        verbose_name_plural = verbose_name
        ordering: ClassVar = ["id"]
