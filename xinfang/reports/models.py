"""Roll-up tables for the statistics, kept exact in the same transaction as every petition service.

The figures of DESIGN.md §7 read these small tables instead of scanning the petitions and their
stages (docs/reports.md, "Speed"). Each petition's contribution is stored in `PetitionFact`, so that a
service that changes the petition applies only the difference to the roll-ups (`facts.py`); `xinfang
stats rebuild` recomputes everything from the petitions (`rebuild.py`).

Two kinds of roll-up:

- **By unit** (`org`): figures that add up over units, because each stage or rating belongs to one
  unit — `StageDay` (timeliness, 转送/交办/移送/报请), `NoticeDay` (被投诉较多的单位), `RatingDay` (满意率).
- **By subtree** (`root`): figures that count *distinct petitions* of a subtree — the volume and its
  break-downs (a petition registered at one unit and handled at another is one petition of the region)
  and the petitions whose answer was delivered (参评率's denominator). These do not add up over units,
  so a petition is counted once under every org whose subtree it touches: the org itself and each of
  its ancestors, for every unit the petition touched.

Org ids are kept as plain columns (no database constraint): the roll-ups name units, they do not own
them. Counters may reach zero after a change; readers ignore zero rows and the rebuild removes them.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class FactState(models.Model):
    """One row, written by the migration and by `xinfang stats rebuild`.

    `complete_since` is empty when the migration found petitions that the roll-ups do not hold yet: the
    statistics are then computed from the petitions directly until a rebuild fills them. (No row at all,
    as in a test database emptied between tests, marks nothing.)"""

    complete_since = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    petitions = models.BigIntegerField(default=0)  # petitions counted by the last rebuild
    seconds = models.FloatField(default=0)  # how long the last rebuild took

    class Meta:
        verbose_name = "统计汇总状态"
        verbose_name_plural = "统计汇总状态"


class OrgPath(models.Model):
    """The org tree as the by-subtree roll-ups use it: each org's path and the ids of its ancestors.

    A petition touching a unit is counted under the unit's ancestors, read from here (no need to walk
    the tree on every act). If a unit is moved in the tree, its stored path no longer matches and the
    statistics fall back to the live queries until the next rebuild, which rewrites this table.
    """

    org = models.OneToOneField("orgs.Org", primary_key=True, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=500)
    ancestors = models.JSONField(default=list)  # ids from the root down to the org itself

    class Meta:
        verbose_name = "统计汇总机构路径"
        verbose_name_plural = "统计汇总机构路径"


class PetitionFact(models.Model):
    """What one petition contributes to the roll-ups, as last applied (compact JSON, `facts.Facts`).

    A database foreign key on purpose: a bulk load that truncates the petitions (benchmarks/generate.py)
    truncates this table too, and the statistics then know the roll-ups are incomplete.
    """

    petition = models.OneToOneField(
        "petitions.Petition", primary_key=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    facts = models.TextField()

    class Meta:
        verbose_name = "信访件统计贡献"
        verbose_name_plural = "信访件统计贡献"


def _org(related: str = "+") -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        "orgs.Org", on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name=related
    )


class VolumeDay(models.Model):
    """Petitions received on `day` that touched the subtree of `root`, by channel (信访总量, 批次/人次)."""

    root = _org()
    day = models.DateField()
    channel = models.CharField(max_length=10)
    petitions = models.IntegerField(default=0)
    persons = models.IntegerField(default=0)  # sum of headcount (人次)
    repeats = models.IntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["root", "day", "channel"], name="reports_volumeday_key")
        ]


class BreakdownDay(models.Model):
    """The same petitions by kind (三类), category (分类 id, "" when none) and region (问题属地)."""

    root = _org()
    day = models.DateField()
    dimension = models.CharField(max_length=10)  # kind | category | region
    key = models.CharField(max_length=20)
    petitions = models.IntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["root", "day", "dimension", "key"], name="reports_breakdownday_key"
            )
        ]


class DeliveryDay(models.Model):
    """Written answers delivered on `day` by units of the subtree of `root`, petitions in evaluation scope.

    `previous` is the delivery day of the same petition's previous answer in that subtree (1 January of
    year 1 when there is none). A period [from, to] counts each petition once: the deliveries in the
    period whose previous one falls before `from`.
    """

    root = _org()
    day = models.DateField()
    previous = models.DateField()
    petitions = models.IntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["root", "day", "previous"], name="reports_deliveryday_key")
        ]


class StageStatus(models.TextChoices):
    ON_TIME = "on_time", "按期"  # closed on or before its due date
    LATE = "late", "逾期"  # closed after its due date
    OPEN = "open", "未办结"  # open and running: counts once its due date has passed


class StageDay(models.Model):
    """Stages held by `org`, due on `due_on`, by kind and status; withdrawn and open paused ones left out.

    `outcome` is kept for 登记交转 stages only (转送/交办/移送/报请), "" otherwise.
    """

    org = _org()
    due_on = models.DateField()
    kind = models.CharField(max_length=16)
    status = models.CharField(max_length=8, choices=StageStatus.choices)
    outcome = models.CharField(max_length=24)
    stages = models.IntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["org", "due_on", "kind", "status", "outcome"], name="reports_stageday_key"
            )
        ]


class NoticeDay(models.Model):
    """受理告知 stages opened at `org` on `opened_on` and due on `due_on` (被投诉较多的单位)."""

    org = _org()
    opened_on = models.DateField()
    due_on = models.DateField()
    stages = models.IntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["org", "opened_on", "due_on"], name="reports_noticeday_key")
        ]


class RatingDay(models.Model):
    """满意度评价 given on `day` of answers by `org`; `in_scope`: the petition is in evaluation scope."""

    org = _org()
    day = models.DateField()
    satisfaction = models.CharField(max_length=12)
    in_scope = models.BooleanField()
    ratings = models.IntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["org", "day", "satisfaction", "in_scope"], name="reports_ratingday_key"
            )
        ]
