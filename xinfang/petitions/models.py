"""A petition (信访事项) is a chain of stages, each one legal clock held by one org (DESIGN.md §4).

`Petition.state` is derived from the open stages by `services._state.derive_state` and stored so that
queues can filter on it; nothing but the services writes it. `Event` rows are the append-only timeline.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import connections, models, router
from django.db.models import Q

from xinfang.core.fields import EncryptedTextField


class Channel(models.TextChoices):
    ONLINE = "online", "网上信访"
    LETTER = "letter", "来信"
    VISIT = "visit", "来访"
    PHONE = "phone", "来电"
    FAX = "fax", "传真"
    OTHER = "other", "其他"


class Kind(models.TextChoices):
    SUGGESTION = "suggestion", "建议意见类"  # 第二十九条: 研究论证, 采纳或者部分采纳, 予以回复
    ACCUSATION = "accusation", "检举控告类"  # 第三十条: 纪检监察机关或者有权处理的机关依规依纪依法办理
    REQUEST = "request", "申诉求决类"  # 第三十一条: one of the six routes below


class Route(models.TextChoices):
    """The six routes of 第三十一条 for 申诉求决类 matters."""

    LITIGATION = "litigation", "（一）诉讼、复议、检察、公安法律程序"
    ARBITRATION = "arbitration", "（二）仲裁程序"
    PARTY_APPEAL = "party_appeal", "（三）党员申诉、申请复审"
    ADMINISTRATIVE = "administrative", "（四）行政复议、裁决、确认、许可、处罚等行政程序"
    DUTY = "duty", "（五）申请查处违法行为、履行保护职责"
    PETITION = "petition", "（六）信访程序办理"


class State(models.TextChoices):
    REGISTERED = "registered", "待转交"  # a 信访部门 (or 党委政府) holds the 15-day triage (第二十二条)
    AWAITING_ACCEPTANCE = "awaiting_acceptance", "待受理"  # a unit holds the 15-day notice (第二十三条)
    OBJECTED = "objected", "异议待核"  # the sender verifies the unit's 异议 (第二十三条第三款)
    IN_HANDLING = "in_handling", "办理中"  # 60-day handling (第三十四条) or reference handling
    IN_REVIEW = "in_review", "复查中"  # 第三十五条
    IN_REEXAMINATION = "in_reexamination", "复核中"  # 第三十六条
    AWAITING_DELIVERY = "awaiting_delivery", "待送达"  # decided, written reply not yet received
    ANSWERED = "answered", "已答复"  # reply delivered; the 复查/复核 window may still be open
    CONCLUDED = "concluded", "已终结"  # 复核意见 delivered (第三十六条第三款)
    DIVERTED = "diverted", "已导入法定程序"  # 第三十一条（一）至（五）
    DECLINED = "declined", "不予受理"  # 第十九条第三款, 第二十三条第一款, 第三十六条第三款
    MEDIATED = "mediated", "调解和解结案"  # 第三十三条
    WITHDRAWN = "withdrawn", "已撤回"


TERMINAL_STATES = frozenset(
    {State.ANSWERED, State.CONCLUDED, State.DIVERTED, State.DECLINED, State.MEDIATED, State.WITHDRAWN}
)
# 第十九条第三款: "已经受理或者正在办理的" matters.
ACCEPTED_STATES = frozenset(
    {State.IN_HANDLING, State.IN_REVIEW, State.IN_REEXAMINATION, State.AWAITING_DELIVERY}
)


class StageKind(models.TextChoices):
    TRIAGE = "triage", "登记交转"  # 信访部门 15日 (第二十二条)
    NOTICE = "notice", "受理告知"  # 15日 written notice (第二十三条第二、三款)
    OBJECTION = "objection", "异议核实"  # the sender verifies an objection (第二十三条第三款)
    HANDLING = "handling", "办理"  # 60日 + ≤30日 (第三十四条)
    REPORT = "report", "办结报告"  # 交办 result report by the set date (第二十二条第三项)
    REVIEW = "review", "复查"  # 30日 (第三十五条)
    REEXAMINATION = "reexamination", "复核"  # 30日, hearing not counted (第三十六条)


class PauseReason(models.TextChoices):
    HEARING = "hearing", "听证"
    SUSPENSION = "suspension", "中止"
    SUPPLEMENT = "supplement", "补充材料"


class Outcome(models.TextChoices):
    """Outcomes recorded on a stage when it closes or is decided."""

    TRANSFERRED = "transferred", "已转送"
    ASSIGNED = "assigned", "已交办"
    REFERRED = "referred", "已移送"
    ESCALATED = "escalated", "已报请"
    ACCEPTED = "accepted", "已受理"
    DECLINED = "declined", "不予受理"
    DIVERTED = "diverted", "导入法定程序"
    OBJECTED = "objected", "提出异议"
    OBJECTION_APPROVED = "objection_approved", "异议成立"
    OBJECTION_REJECTED = "objection_rejected", "异议不成立"
    # 第三十二条
    SUPPORT = "support", "支持"
    EXPLAIN = "explain", "解释说明"
    REJECT = "reject", "不予支持"
    # 复查/复核
    UPHOLD = "uphold", "维持"
    REVOKE = "revoke", "撤销"
    CHANGE = "change", "变更"
    REMAND = "remand", "发回重办"
    # 第二十九条
    ADOPTED = "adopted", "采纳"
    PARTLY_ADOPTED = "partly_adopted", "部分采纳"
    NOT_ADOPTED = "not_adopted", "未采纳"
    # 检举控告
    SUBSTANTIATED = "substantiated", "属实"
    PARTLY_SUBSTANTIATED = "partly_substantiated", "部分属实"
    UNSUBSTANTIATED = "unsubstantiated", "不属实"
    MEDIATED = "mediated", "调解和解"
    WITHDRAWN = "withdrawn", "撤回"
    REPORT_SUBMITTED = "report_submitted", "已报送"
    REPORT_ACCEPTED = "report_accepted", "报告已认可"
    REPORT_RETURNED = "report_returned", "报告退回"
    CANCELLED = "cancelled", "已撤销"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class DeliveryMethod(models.TextChoices):
    IN_PERSON = "in_person", "直接送达"
    MAIL = "mail", "邮寄送达"
    ELECTRONIC = "electronic", "电子送达"
    OTHER = "other", "其他方式"


class Category(models.Model):
    """内容分类: an admin-edited taxonomy (城乡建设, 劳动和社会保障, ...)."""

    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=50)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "内容分类"
        verbose_name_plural = "内容分类"
        ordering: ClassVar = ["code"]

    def __str__(self) -> str:
        return self.name


class Counter(models.Model):
    """Sequence numbers (信访件编号, 督办/台账编号), one row per key, e.g. region and year."""

    key = models.CharField(max_length=40, unique=True)
    value = models.PositiveBigIntegerField(default=0)

    @classmethod
    def take(cls, key: str) -> int:
        """The next number for `key`, in one statement that creates the row or bumps it.

        The upsert holds the row lock until the surrounding transaction ends, so two registrations can
        never draw the same number, and a rolled-back one gives its number back.
        """
        conn = connections[router.db_for_write(cls)]
        table = conn.ops.quote_name(cls._meta.db_table)  # our own table name, not input
        sql = (
            f"INSERT INTO {table} (key, value) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (key) DO UPDATE SET value = {table}.value + 1 RETURNING value"
        )
        with conn.cursor() as cursor:
            cursor.execute(sql, [key])
            row = cursor.fetchone()
        assert row is not None
        return int(row[0])


class Petition(models.Model):
    number = models.CharField("信访件编号", max_length=30, unique=True)
    query_code = models.CharField("查询码", max_length=16, unique=True)
    channel = models.CharField("信访形式", max_length=10, choices=Channel.choices)
    received_on = models.DateField("收到日期")
    registered_at = models.DateTimeField("登记时间", auto_now_add=True)
    registered_org = models.ForeignKey(
        "orgs.Org", verbose_name="登记单位", on_delete=models.PROTECT, related_name="registered_petitions"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    headcount = models.PositiveIntegerField("人数", default=1)
    subject = models.CharField("标题", max_length=200)
    request = models.TextField("诉求", blank=True)
    content = models.TextField("事实和理由")
    kind = models.CharField("三类", max_length=12, choices=Kind.choices)
    route = models.CharField("途径", max_length=16, choices=Route.choices, blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField("问题属地", max_length=12, blank=True)
    place = models.CharField("发生地点", max_length=200, blank=True)
    accused_org = models.ForeignKey(
        "orgs.Org",
        verbose_name="被检举控告单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField("状态", max_length=20, choices=State.choices)
    last_action_on = models.DateField("最近办理日期")
    closed_on = models.DateField("办结日期", null=True, blank=True)
    # The earliest due date among the open, running stages (none when all are closed or paused); kept
    # by the services with the state, so "overdue" is one indexed comparison instead of a stage scan.
    next_due_on = models.DateField("最近期限", null=True, blank=True, editable=False)
    is_final = models.BooleanField("已终结", default=False)  # 第三十六条第三款
    appeal_until = models.DateField("复查/复核请求截止", null=True, blank=True)
    appeal_basis = models.JSONField(default=dict, blank=True)
    is_repeat = models.BooleanField("重复信访", default=False)
    repeat_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeats"
    )

    class Meta:
        verbose_name = "信访件"
        verbose_name_plural = "信访件"
        indexes: ClassVar = [
            models.Index(fields=["registered_org", "received_on"]),
            models.Index(fields=["state", "received_on"]),
            models.Index(fields=["received_on"]),
            # The overdue filter of the lists: walked in due order, and the visibility test of each
            # entry (registering org, accused org) read from the index itself (PostgreSQL's INCLUDE).
            models.Index(
                fields=["next_due_on", "id"],
                name="petition_next_due",
                include=["registered_org", "accused_org"],
                condition=Q(next_due_on__isnull=False),
            ),
            # Submitted online and not yet registered by staff (the 待登记 queue): few at any time.
            models.Index(
                fields=["id"], name="petition_unregistered", condition=Q(registered_by__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    @property
    def is_group(self) -> bool:
        """集体访: 5 or more people visiting together (第二十条第三款 asks them to name representatives)."""
        return self.channel == Channel.VISIT and self.headcount >= 5


class PetitionerKind(models.TextChoices):
    PERSON = "person", "公民"
    ORGANISATION = "organisation", "法人或其他组织"


class Petitioner(models.Model):
    """信访人 (第十七条): a person or an organisation; several per petition when jointly signed."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="petitioners")
    kind = models.CharField(max_length=14, choices=PetitionerKind.choices, default=PetitionerKind.PERSON)
    name = models.CharField("姓名（名称）", max_length=100)
    id_number = EncryptedTextField("证件号码", blank=True)
    # Blind indexes (core.crypto.blind_index) for exact look-ups of the same person.
    id_number_hash = models.CharField(max_length=64, blank=True)
    phone = EncryptedTextField("联系电话", blank=True)
    phone_hash = models.CharField(max_length=64, blank=True)
    phone_tail = models.CharField(max_length=4, blank=True)
    address = models.CharField("住址", max_length=200, blank=True)
    is_representative = models.BooleanField("代表", default=False)

    class Meta:
        verbose_name = "信访人"
        verbose_name_plural = "信访人"
        indexes: ClassVar = [
            # The same person's most recent petitions first (the registration look-up reads a bounded
            # number of them); the index alone answers it (petition_id is in the key).
            models.Index(
                fields=["id_number_hash", "-petition"],
                name="petitioner_id_recent",
                condition=~Q(id_number_hash=""),
            ),
            models.Index(
                fields=["phone_hash", "-petition"],
                name="petitioner_phone_recent",
                condition=~Q(phone_hash=""),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Stage(models.Model):
    # Looked up through the (petition, kind) index below, whose leading column it is.
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="stages", db_index=False)
    kind = models.CharField(max_length=16, choices=StageKind.choices)
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="stages")
    # Who sent it here (transfer, assignment, referral, objection), when it did not start here.
    from_org = models.ForeignKey(
        "orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rule = models.CharField(max_length=30, blank=True)
    opened_on = models.DateField()
    due_on = models.DateField()
    # How due_on was computed (start, rule, article, days, holidays skipped, pauses, extension).
    due_basis = models.JSONField(default=dict)
    closed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=24, choices=Outcome.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    paused_since = models.DateField(null=True, blank=True)
    pause_reason = models.CharField(max_length=12, choices=PauseReason.choices, blank=True)
    paused_days = models.PositiveIntegerField(default=0)
    extended_days = models.PositiveIntegerField(default=0)
    data: models.JSONField[dict[str, Any], dict[str, Any]] = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "办理环节"
        verbose_name_plural = "办理环节"
        indexes: ClassVar = [
            # Work queues and the overdue sweep read only open stages: keep that index small.
            models.Index(
                fields=["org", "due_on"], name="stage_open_org_due", condition=Q(closed_on__isnull=True)
            ),
            models.Index(fields=["due_on"], name="stage_open_due", condition=Q(closed_on__isnull=True)),
            # A queue page reads each (org, kind) in due order from it; the queue tiles count open stages
            # by org, kind and clock from this index alone.
            models.Index(
                fields=["org", "kind", "due_on"],
                include=["decided_on", "paused_since"],
                name="stage_open_tiles",
                condition=Q(closed_on__isnull=True),
            ),
            # Exactly the predicate of selectors.overdue_stages (open and running): its count is an
            # index-only scan.
            models.Index(
                fields=["org", "due_on"],
                name="stage_running_org_due",
                condition=Q(closed_on__isnull=True, paused_since__isnull=True),
            ),
            # A petition's stages; with the org included, "has this petition been held in this region?"
            # (the visibility test of every list) is answered from the index alone.
            models.Index(fields=["petition", "kind"], include=["org"], name="stage_petition_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {self.org_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class Event(models.Model):
    """The append-only timeline: who did what, on which legal date, with which document."""

    # Looked up through the (petition, id) index below, whose leading column it is.
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events", db_index=False)
    stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    action = models.CharField(max_length=30)
    on = models.DateField()
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    org = models.ForeignKey("orgs.Org", null=True, on_delete=models.PROTECT, related_name="+")
    data: models.JSONField[dict[str, Any], dict[str, Any]] = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering: ClassVar = ["on", "id"]
        indexes: ClassVar = [models.Index(fields=["petition", "id"])]


class Document(models.Model):
    """A written notice as issued: its text is frozen; the .docx is rendered from it on request."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="documents")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30)
    number = models.CharField("文号", max_length=40)
    title = models.CharField(max_length=50)
    text = models.TextField()
    addressee = models.CharField(max_length=12)  # "petitioner" or "unit"
    to_org = models.ForeignKey("orgs.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    issuing_org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField()

    class Meta:
        verbose_name = "文书"
        verbose_name_plural = "文书"
        ordering: ClassVar = ["id"]


class Rating(models.Model):
    """满意度评价 of one delivered reply (DESIGN.md §7)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="ratings")
    stage = models.OneToOneField(Stage, on_delete=models.CASCADE, related_name="rating")
    satisfaction = models.CharField(max_length=12, choices=Satisfaction.choices)
    comment = models.TextField(blank=True)
    on = models.DateField()

    class Meta:
        verbose_name = "满意度评价"
        verbose_name_plural = "满意度评价"


class Urge(models.Model):
    """催办: a petitioner (or staff on their behalf) urging an overdue step; shown to the holder and supervisors."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="urges")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="urges")
    org = models.ForeignKey("orgs.Org", on_delete=models.PROTECT, related_name="+")
    on = models.DateField()
    text = models.TextField()
    by_petitioner = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "催办"
        verbose_name_plural = "催办"
        indexes: ClassVar = [
            models.Index(fields=["org", "handled_at"]),
            models.Index(fields=["petition", "on"]),
        ]
