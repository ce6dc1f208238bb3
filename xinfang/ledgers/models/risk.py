"""社会稳定风险评估: major decisions and projects assessed before they go ahead.

中共中央办公厅、国务院办公厅《关于建立健全重大决策社会稳定风险评估机制的指导意见（试行）》; the 条例
第十三条 asks 各级党委和政府 to 从源头上预防和减少信访问题. "该缓则缓，当否必否".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from xinfang.petitions.models import Petition


class SubjectKind(models.TextChoices):
    DECISION = "decision", "重大决策"
    PROJECT = "project", "重大项目"
    POLICY = "policy", "重大政策"
    REFORM = "reform", "重大改革"


class RiskState(models.TextChoices):
    REGISTERED = "registered", "待评估"  # registered, assessment not yet recorded
    ASSESSED = "assessed", "已评估"  # risk points, level and measures recorded
    CONCLUDED = "concluded", "已出结论"  # 实施 / 暂缓 / 不实施


class RiskLevel(models.TextChoices):
    HIGH = "high", "高风险"
    MEDIUM = "medium", "中风险"
    LOW = "low", "低风险"


class Conclusion(models.TextChoices):
    IMPLEMENT = "implement", "实施"
    POSTPONE = "postpone", "暂缓实施"  # 该缓则缓
    REJECT = "reject", "不实施"  # 当否必否


class RiskAssessment(models.Model):
    org = models.ForeignKey("orgs.Org", verbose_name="责任主体", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("决策事项或项目名称", max_length=200)
    subject_kind = models.CharField("类型", max_length=12, choices=SubjectKind.choices)
    scope = models.TextField("评估范围")
    registered_on = models.DateField("登记日期")
    state = models.CharField("状态", max_length=12, choices=RiskState.choices, default=RiskState.REGISTERED)
    assessed_on = models.DateField("评估日期", null=True, blank=True)
    risk_points = models.TextField("风险点", blank=True)
    level = models.CharField("风险等级", max_length=8, choices=RiskLevel.choices, blank=True)
    measures = models.TextField("防范化解措施", blank=True)
    conclusion = models.CharField("评估结论", max_length=12, choices=Conclusion.choices, blank=True)
    concluded_on = models.DateField("结论日期", null=True, blank=True)
    conclusion_note = models.TextField("结论说明", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    petitions: models.ManyToManyField[Petition, RiskPetitionLink] = models.ManyToManyField(
        "petitions.Petition", through="RiskPetitionLink", related_name="risk_assessments", blank=True
    )

    class Meta:
        verbose_name = "社会稳定风险评估"
        verbose_name_plural = verbose_name
        indexes: ClassVar = [models.Index(fields=["org", "registered_on"])]

    def __str__(self) -> str:
        return self.title


class RiskFollowUp(models.Model):
    """跟踪回访: how the decision went after implementation (risks that materialised, measures taken)."""

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="follow_ups")
    on = models.DateField("回访日期")
    findings = models.TextField("跟踪情况")
    risk_materialised = models.BooleanField("风险是否显现", default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "跟踪评估"
        verbose_name_plural = verbose_name
        ordering: ClassVar = ["on", "id"]


class RiskPetitionLink(models.Model):
    """A petition that later arose from the assessed decision or project."""

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="links")
    petition = models.ForeignKey("petitions.Petition", on_delete=models.CASCADE, related_name="+")
    note = models.CharField("说明", max_length=200, blank=True)
    linked_on = models.DateField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "关联信访件"
        verbose_name_plural = verbose_name
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["assessment", "petition"], name="ledgers_risk_link_once")
        ]


class RiskAttachment(models.Model):
    """An uploaded file, stored under DATA_DIR/uploads/ledgers with a random name (never the user's)."""

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.CASCADE, related_name="attachments")
    original_name = models.CharField("文件名", max_length=200)
    stored_name = models.CharField(max_length=80, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = verbose_name
        ordering: ClassVar = ["id"]
