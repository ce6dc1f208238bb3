"""督查督办 (第四十条), 挂牌督办 (第三十九条第三款), 领导接访/下访/约访 and 领导包案 (第十八条第二款).

- `Alert`: one row per (stage, level) raised by the sweep (预警/超期/严重超期), per unanswered
  supervision, per petitioner's 催办; unique, so the sweep can run again and in several workers.
- `Supervision`: a 提醒函, 督办函 or one of the three recommendations, with its letter and the
  recipient's written feedback (第四十条第四款).
- `Listing`: 挂牌督办 of a petition with its own deadline.
- `ReceptionSlot` / `Reception`: the published schedule and what happened at each reception.
- `LeaderCase`: a leader sponsoring one or a group of petitions to 化解.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from xinfang.petitions.models import StageKind

from .notifications.models import Notification, OutboundMessage

__all__ = [
    "Adoption",
    "Alert",
    "AlertLevel",
    "AlertThreshold",
    "AuditEntry",
    "CaseStatus",
    "Ground",
    "LeaderCase",
    "LeaderCaseNote",
    "Listing",
    "Notification",
    "OutboundMessage",
    "Reception",
    "ReceptionKind",
    "ReceptionSlot",
    "Supervision",
    "SupervisionKind",
]


class AlertLevel(models.TextChoices):
    NEAR = "near", "预警"  # open, running, due within the kind's warning window
    OVERDUE = "overdue", "超期"  # past its due date
    SEVERE = "severe", "严重超期"  # past its due date by more than the kind's threshold
    URGED = "urged", "催办"  # the petitioner urged the stage (portal)


LEVEL_RANK = {AlertLevel.NEAR: 1, AlertLevel.OVERDUE: 2, AlertLevel.SEVERE: 3}


class AlertThreshold(models.Model):
    """Per stage kind: how many days before due a stage is 预警, and after how many days late 严重超期.

    Kinds without a row use `DEFAULT_NEAR_DAYS` (settings.XINFANG_NEAR_DUE_DAYS) and `DEFAULT_SEVERE_DAYS`.
    """

    stage_kind = models.CharField("环节", max_length=16, choices=StageKind.choices, unique=True)
    near_days = models.PositiveIntegerField("到期前几日预警", default=3)
    severe_days = models.PositiveIntegerField("超期几日以上为严重超期", default=15)

    class Meta:
        verbose_name = "预警阈值"
        verbose_name_plural = "预警阈值"
        ordering: ClassVar = ["stage_kind"]

    def __str__(self) -> str:
        return f"{self.get_stage_kind_display()}: 前{self.near_days}日预警, 超{self.severe_days}日严重超期"


DEFAULT_SEVERE_DAYS = 15


class Alert(models.Model):
    level = models.CharField("级别", max_length=10, choices=AlertLevel.choices)
    # What the alert is about: a stage (clock), a supervision awaiting feedback, or a 催办.
    stage = models.ForeignKey(
        "petitions.Stage", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    supervision = models.ForeignKey(
        "supervision.Supervision", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    urge = models.ForeignKey(
        "petitions.Urge", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    petition = models.ForeignKey(
        "petitions.Petition", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    org = models.ForeignKey("orgs.Org", verbose_name="责任单位", on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField("期限", null=True, blank=True)
    raised_on = models.DateField("发出日期")
    cleared_on = models.DateField("解除日期", null=True, blank=True)
    # Set by the one worker that wins the compare-and-set; it writes the notifications.
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering: ClassVar = ["-raised_on", "-id"]
        constraints: ClassVar = [
            # Reruns and concurrent workers insert with ON CONFLICT DO NOTHING against these.
            models.UniqueConstraint(
                fields=["stage", "level"], name="alert_once_per_stage_level", condition=Q(stage__isnull=False)
            ),
            models.UniqueConstraint(
                fields=["supervision", "level"],
                name="alert_once_per_supervision",
                condition=Q(supervision__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["urge"], name="alert_once_per_urge", condition=Q(urge__isnull=False)
            ),
        ]
        indexes: ClassVar = [
            models.Index(
                fields=["org", "raised_on"], name="alert_open_org", condition=Q(cleared_on__isnull=True)
            ),
            models.Index(fields=["id"], name="alert_unnotified", condition=Q(notified_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.org_id}"


class SupervisionKind(models.TextChoices):
    """第四十条: 督办 and the three recommendations (三项建议权)."""

    REMINDER = "reminder", "提醒函"
    SUPERVISE = "supervise", "督办函"  # 第四十条第一款: 应当及时督办
    IMPROVE = "improve", "改进工作建议"  # 第四十条第一款: to the unit
    POLICY = "policy", "完善政策建议"  # 第四十条第二款: to the 本级党委和政府
    ACCOUNTABILITY = "accountability", "追究责任建议"  # 第四十条第三款: to the body with authority


RECOMMENDATION_KINDS = frozenset(
    {SupervisionKind.IMPROVE, SupervisionKind.POLICY, SupervisionKind.ACCOUNTABILITY}
)


class Ground(models.TextChoices):
    """The situations listed in 第四十条."""

    IMPROPER = "improper", "违反信访工作规定受理、办理信访事项"
    SHIRKING = "shirking", "推诿"
    PERFUNCTORY = "perfunctory", "敷衍"
    DELAY = "delay", "拖延"
    FALSIFYING = "falsifying", "弄虚作假"
    NOT_EXECUTING = "not_executing", "拒不执行信访处理意见"
    POLICY_ISSUE = "policy_issue", "发现政策性问题"  # 第四十条第二款


class Adoption(models.TextChoices):
    ADOPTED = "adopted", "采纳"
    PARTLY = "partly", "部分采纳"
    NOT_ADOPTED = "not_adopted", "不采纳"


class Supervision(models.Model):
    number = models.CharField("文号", max_length=40, unique=True)
    kind = models.CharField("类别", max_length=16, choices=SupervisionKind.choices)
    petition = models.ForeignKey(
        "petitions.Petition",
        verbose_name="信访件",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisions",
    )
    unit = models.ForeignKey(
        "orgs.Org", verbose_name="被督办单位", on_delete=models.PROTECT, related_name="supervisions_about"
    )
    recipient = models.ForeignKey(
        "orgs.Org", verbose_name="主送单位", on_delete=models.PROTECT, related_name="supervisions_received"
    )
    issuing_org = models.ForeignKey(
        "orgs.Org", verbose_name="发文单位", on_delete=models.PROTECT, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="签发人", on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField("发出日期")
    grounds: models.JSONField[list[str], list[str]] = models.JSONField("事由", default=list)
    facts = models.TextField("发现的问题")
    requirement = models.TextField("工作要求或建议", blank=True)
    respond_by = models.DateField("反馈期限")
    letter_title = models.CharField(max_length=50)
    letter_text = models.TextField()
    adoption = models.CharField("采纳情况", max_length=12, choices=Adoption.choices, blank=True)
    feedback = models.TextField("书面反馈", blank=True)
    feedback_on = models.DateField("反馈日期", null=True, blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "督办与建议"
        verbose_name_plural = "督办与建议"
        ordering: ClassVar = ["-issued_on", "-id"]
        indexes: ClassVar = [
            models.Index(
                fields=["respond_by"], name="supervision_awaiting", condition=Q(feedback_on__isnull=True)
            ),
            models.Index(fields=["recipient", "issued_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    @property
    def is_answered(self) -> bool:
        return self.feedback_on is not None

    def grounds_display(self) -> list[str]:
        labels = dict(Ground.choices)
        return [str(labels.get(g, g)) for g in self.grounds]


class Listing(models.Model):
    """挂牌督办: a petition marked for top-level follow-up, with its own deadline."""

    petition = models.ForeignKey("petitions.Petition", on_delete=models.PROTECT, related_name="listings")
    org = models.ForeignKey("orgs.Org", verbose_name="挂牌单位", on_delete=models.PROTECT, related_name="+")
    listed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    listed_on = models.DateField("挂牌日期")
    deadline = models.DateField("办结时限")
    reason = models.TextField("挂牌理由")
    lifted_on = models.DateField("摘牌日期", null=True, blank=True)
    lift_note = models.TextField("摘牌说明", blank=True)

    class Meta:
        verbose_name = "挂牌督办"
        verbose_name_plural = "挂牌督办"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["petition"], name="one_open_listing", condition=Q(lifted_on__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"挂牌督办 {self.petition_id}"


class ReceptionKind(models.TextChoices):
    RECEIVE = "receive", "接访"  # 定期接待群众来访
    VISIT = "visit", "下访"  # 定期下访
    APPOINTMENT = "appointment", "约访"  # 约见信访人


class ReceptionSlot(models.Model):
    """The published schedule (第十八条第一款: 公布信访接待的时间和地点)."""

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接访领导", on_delete=models.PROTECT, related_name="+"
    )
    leader_title = models.CharField("职务", max_length=60, blank=True)
    org = models.ForeignKey("orgs.Org", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(
        "方式", max_length=12, choices=ReceptionKind.choices, default=ReceptionKind.RECEIVE
    )
    on = models.DateField("日期")
    starts_at = models.TimeField("开始时间")
    ends_at = models.TimeField("结束时间")
    place = models.CharField("地点", max_length=200)
    topics = models.CharField("接访事项", max_length=300, blank=True)
    is_published = models.BooleanField("已公布", default=True)

    class Meta:
        verbose_name = "接访安排"
        verbose_name_plural = "接访安排"
        ordering: ClassVar = ["on", "starts_at"]
        indexes: ClassVar = [models.Index(fields=["is_published", "on"])]

    def __str__(self) -> str:
        return f"{self.on} {self.leader}"


class Reception(models.Model):
    """A reception held: 接访/下访/约访, with the petitions received there."""

    kind = models.CharField("方式", max_length=12, choices=ReceptionKind.choices)
    slot = models.ForeignKey(
        ReceptionSlot, null=True, blank=True, on_delete=models.SET_NULL, related_name="records"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="领导", on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey("orgs.Org", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    on = models.DateField("日期")
    place = models.CharField("地点", max_length=200)
    batches = models.PositiveIntegerField("批次", default=0)
    persons = models.PositiveIntegerField("人次", default=0)
    accepted = models.PositiveIntegerField("受理件数", default=0)
    petitions = models.ManyToManyField("petitions.Petition", blank=True, related_name="receptions")
    notes = models.TextField("情况记录", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "接访记录"
        verbose_name_plural = "接访记录"
        ordering: ClassVar = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class CaseStatus(models.TextChoices):
    OPEN = "open", "化解中"
    RESOLVED = "resolved", "已化解"
    UNRESOLVED = "unresolved", "未化解"  # closed by the leader without resolution (recorded, counts in rate)


class LeaderCase(models.Model):
    """领导包案: one leader, one or a group of related petitions, a target date, notes, 化解."""

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="包案领导", on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey("orgs.Org", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("案件名称", max_length=200)
    petitions = models.ManyToManyField("petitions.Petition", related_name="leader_cases")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_on = models.DateField("包案日期")
    target_on = models.DateField("化解时限")
    status = models.CharField("状态", max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    outcome = models.TextField("化解结果", blank=True)

    class Meta:
        verbose_name = "领导包案"
        verbose_name_plural = "领导包案"
        ordering: ClassVar = ["-assigned_on", "-id"]

    def __str__(self) -> str:
        return self.title


class LeaderCaseNote(models.Model):
    case = models.ForeignKey(LeaderCase, on_delete=models.CASCADE, related_name="notes")
    on = models.DateField("日期")
    text = models.TextField("进展")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["on", "id"]


class AuditEntry(models.Model):
    """Append-only record of every act in this app (who, when, what)."""

    action = models.CharField(max_length=40)
    on = models.DateField()
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    target = models.CharField(max_length=60)  # "supervision:12", "case:3", ...
    data: models.JSONField[dict[str, Any], dict[str, Any]] = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "督办记录"
        verbose_name_plural = "督办记录"
        indexes: ClassVar = [models.Index(fields=["target", "id"])]
