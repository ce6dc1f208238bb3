"""智能分办: the trained routing model, admin-edited rules with history, clerks' feedback, stored
petition vectors and hotspot alerts.

The clerk always decides; nothing here changes a petition except `petition_link_repeat`, which staff
call themselves.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class RoutingModel(models.Model):
    """One trained version of the category and unit classifiers (serialised in the row)."""

    version = models.PositiveIntegerField("版本", unique=True)
    trained_at = models.DateTimeField("训练时间")
    n_train = models.PositiveIntegerField("训练样本数")
    n_feedback = models.PositiveIntegerField("其中来自登记员确认", default=0)
    cv_accuracy = models.FloatField("交叉验证准确率", null=True, blank=True)
    cv_macro_f1 = models.FloatField("交叉验证宏F1", null=True, blank=True)
    unit_cv_accuracy = models.FloatField("承办单位交叉验证准确率", null=True, blank=True)
    encoder = models.CharField("句向量模型", max_length=20, default="none")
    category_model = models.BinaryField(null=True, blank=True)
    unit_model = models.BinaryField(null=True, blank=True)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "分办模型"
        verbose_name_plural = "分办模型"
        ordering: ClassVar = ["-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class KeywordRule(models.Model):
    """关键词 → 内容分类: answers when no model has been trained yet."""

    keywords = models.CharField("关键词（空格分隔）", max_length=500)
    category = models.ForeignKey("petitions.Category", verbose_name="内容分类", on_delete=models.PROTECT)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "分类规则（关键词）"
        verbose_name_plural = "分类规则（关键词）"

    def __str__(self) -> str:
        return f"{self.keywords} → {self.category}"

    def words(self) -> list[str]:
        return [w for w in self.keywords.split() if w]


class UnitRule(models.Model):
    """内容分类 × 问题属地 → 承办单位 (a blank region applies everywhere; the longest prefix wins)."""

    category = models.ForeignKey("petitions.Category", verbose_name="内容分类", on_delete=models.PROTECT)
    region_code = models.CharField("问题属地（行政区划代码前缀）", max_length=12, blank=True)
    unit = models.ForeignKey("orgs.Org", verbose_name="承办单位", on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "分办规则（分类×属地）"
        verbose_name_plural = "分办规则（分类×属地）"

    def __str__(self) -> str:
        return f"{self.category} × {self.region_code or '全部'} → {self.unit}"


class RuleChange(models.Model):
    """History of every rule edit: who changed what, when, before and after."""

    rule_type = models.CharField(max_length=20)  # "keyword" or "unit"
    rule_id = models.PositiveIntegerField()
    action = models.CharField(max_length=10)  # "create", "update", "delete"
    before: models.JSONField[dict[str, object], dict[str, object]] = models.JSONField(default=dict)
    after: models.JSONField[dict[str, object], dict[str, object]] = models.JSONField(default=dict)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "规则修改记录"
        verbose_name_plural = "规则修改记录"
        ordering: ClassVar = ["-at", "-id"]


class SuggestionFeedback(models.Model):
    """A clerk accepted or overrode a suggestion; the chosen value is a training label next time."""

    class Field(models.TextChoices):
        CATEGORY = "category", "内容分类"
        UNIT = "unit", "承办单位"

    petition = models.ForeignKey("petitions.Petition", on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=10, choices=Field.choices)
    suggested = models.CharField(max_length=40, blank=True)
    chosen = models.CharField(max_length=40)
    accepted = models.BooleanField()
    confidence = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=10, blank=True)  # "model", "rules"
    model_version = models.PositiveIntegerField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "分办建议反馈"
        verbose_name_plural = "分办建议反馈"
        indexes: ClassVar = [models.Index(fields=["petition", "field", "-id"])]


class PetitionVector(models.Model):
    """Computed once per petition after registration commits (never on the request path).

    `band0..3` are the four 16-bit bands of a 64-bit SimHash of the text: two texts within Hamming
    distance 3 share a band, so near-identical letters from anyone are found by four indexed look-ups
    whatever the number of earlier petitions.
    """

    petition = models.OneToOneField("petitions.Petition", on_delete=models.CASCADE, related_name="vector")
    simhash = models.BigIntegerField()
    band0 = models.IntegerField()
    band1 = models.IntegerField()
    band2 = models.IntegerField()
    band3 = models.IntegerField()
    embedding = models.BinaryField(null=True, blank=True)  # float16 × 512, when the encoder is present
    encoder = models.CharField(max_length=20, default="none")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["band0"]),
            models.Index(fields=["band1"]),
            models.Index(fields=["band2"]),
            models.Index(fields=["band3"]),
        ]


class PersonKey(models.Model):
    """Blind index of a petitioner's normalised name + address (the third way to recognise a person)."""

    petition = models.ForeignKey("petitions.Petition", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64, db_index=True)


class HotspotStatus(models.TextChoices):
    OPEN = "open", "待研判"
    DISMISSED = "dismissed", "已排除"
    ESCALATED = "escalated", "已升级处置"


class EscalateTo(models.TextChoices):
    LEADER_CASE = "leader_case", "领导包案"
    DISPUTE_LEDGER = "dispute_ledger", "矛盾纠纷台账"
    JOINT_HANDLING = "joint_handling", "联合处置"


class HotspotAlert(models.Model):
    """矛盾隐患预警: a group of recent petitions alike in content and place."""

    key = models.CharField(max_length=64, db_index=True)  # the earliest member: one alert per group
    status = models.CharField(
        "状态", max_length=10, choices=HotspotStatus.choices, default=HotspotStatus.OPEN
    )
    title = models.CharField("代表标题", max_length=200)
    region_code = models.CharField("属地", max_length=12, blank=True)
    places: models.JSONField[list[str], list[str]] = models.JSONField(default=list)
    terms: models.JSONField[list[str], list[str]] = models.JSONField(default=list)
    size = models.PositiveIntegerField("件数")
    petitioners = models.PositiveIntegerField("信访人数")
    first_on = models.DateField("最早")
    last_on = models.DateField("最近")
    window_days = models.PositiveIntegerField()
    petitions = models.ManyToManyField("petitions.Petition", related_name="+")
    raised_on = models.DateField("预警日期")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.CharField("升级方式", max_length=20, choices=EscalateTo.choices, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "矛盾隐患预警"
        verbose_name_plural = "矛盾隐患预警"
        ordering: ClassVar = ["-raised_on", "-size", "-id"]

    def __str__(self) -> str:
        return self.title
