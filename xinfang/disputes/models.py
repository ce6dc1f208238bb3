"""矛盾纠纷排查台账: disputes found by screening, tracked to 化解 and 销号.

《信访工作条例》第十条: 组织各方力量加强矛盾纠纷排查化解; 第三十七条: 坚持社会矛盾纠纷多元预防调处化解.
Status: 排查 (screened) → 化解中 (resolving) → 已化解 (resolved) → 销号 (closed, approved by a reviewer
other than the one who entered it).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models


class Screening(models.TextChoices):
    FULL = "full", "全面排查"
    SPECIAL = "special", "专项排查"
    ROLLING = "rolling", "滚动排查"


class Risk(models.TextChoices):
    HIGH = "high", "高"
    MEDIUM = "medium", "中"
    LOW = "low", "低"


class DisputeStatus(models.TextChoices):
    SCREENED = "screened", "排查"  # entered in the ledger
    RESOLVING = "resolving", "化解中"  # measures under way
    RESOLVED = "resolved", "已化解"  # resolved, awaiting 销号
    CLOSED = "closed", "销号"  # close-out approved by a reviewer (never the creator)


# The only moves allowed (the guard in services reads this).
TRANSITIONS: dict[str, frozenset[str]] = {
    DisputeStatus.SCREENED: frozenset({DisputeStatus.RESOLVING, DisputeStatus.RESOLVED}),
    DisputeStatus.RESOLVING: frozenset({DisputeStatus.RESOLVED}),
    DisputeStatus.RESOLVED: frozenset({DisputeStatus.CLOSED, DisputeStatus.RESOLVING}),
    DisputeStatus.CLOSED: frozenset(),
}


class Dispute(models.Model):
    number = models.CharField("台账编号", max_length=40, unique=True)
    screening = models.CharField("排查类型", max_length=10, choices=Screening.choices)
    source = models.CharField("线索来源", max_length=100)
    title = models.CharField("纠纷名称", max_length=200)
    description = models.TextField("基本情况", blank=True)
    region_code = models.CharField("发生地（行政区划代码）", max_length=12)
    place = models.CharField("具体地点", max_length=200, blank=True)
    parties = models.PositiveIntegerField("涉及人数", default=1)
    risk = models.CharField("风险等级", max_length=8, choices=Risk.choices)
    responsible_org = models.ForeignKey(
        "orgs.Org", verbose_name="责任单位", on_delete=models.PROTECT, related_name="disputes"
    )
    responsible_person = models.CharField("责任人", max_length=50)
    measures = models.TextField("化解措施", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.SCREENED
    )
    found_on = models.DateField("排查日期")
    resolved_on = models.DateField("化解日期", null=True, blank=True)
    closed_on = models.DateField("销号日期", null=True, blank=True)
    close_reason = models.TextField("销号理由", blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_org = models.ForeignKey(
        "orgs.Org", verbose_name="录入单位", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    petitions = models.ManyToManyField("petitions.Petition", blank=True, related_name="disputes")

    class Meta:
        verbose_name = "矛盾纠纷"
        verbose_name_plural = "矛盾纠纷排查台账"
        ordering: ClassVar = ["-found_on", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["responsible_org", "status"]),
            models.Index(fields=["found_on"]),
            models.Index(fields=["resolved_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class DisputeEvent(models.Model):
    """Append-only history of a ledger entry."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20)
    on = models.DateField()
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    data: models.JSONField[dict[str, Any], dict[str, Any]] = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar = ["on", "id"]
