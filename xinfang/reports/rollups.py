"""The statistics from the roll-up tables: the same rows as `selectors.LiveFigures`, from small tables.

Used when `rollup_figures(subtree)` finds the roll-ups complete and the subtree a whole one:

- the roll-ups hold every petition: not marked incomplete (`FactState`: the migration marks them so on
  a database that already had petitions, `xinfang stats rebuild` clears the mark), and the newest
  petition has its facts (a bulk load that skipped the services is noticed);
- no org has moved in the tree since the by-subtree roll-ups were computed (`OrgPath`);
- the org ids asked for are exactly the subtree of the root (the by-subtree roll-ups are per root).

Otherwise the live queries answer, with the same figures, more slowly. Counts are summed over days,
so any period works; the only figure that depends on the day it is computed on (an open stage counts
as late once its due date has passed) is decided here with `today`, as the live queries do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Max, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from xinfang.orgs.models import Org
from xinfang.petitions.models import Petition, Satisfaction, StageKind

from .access import Subtree
from .definitions import NOTICE_DUE_SLACK, TRANSFER_OUTCOMES
from .models import (
    BreakdownDay,
    DeliveryDay,
    FactState,
    NoticeDay,
    OrgPath,
    PetitionFact,
    RatingDay,
    StageDay,
    StageStatus,
    VolumeDay,
)
from .periods import Period
from .selectors import Figures


def _total(field: str, condition: Q | None = None) -> Coalesce:
    return Coalesce(Sum(field, filter=condition), Value(0))


def rollups_complete() -> bool:
    """The roll-ups hold every petition and the org tree has not moved since they were computed."""
    if FactState.objects.filter(complete_since__isnull=True).exists():
        return False
    newest = Petition.objects.aggregate(m=Max("id"))["m"]
    if newest != PetitionFact.objects.aggregate(m=Max("petition_id"))["m"]:
        return False
    return not OrgPath.objects.exclude(org__path=F("path")).exists()


def rollup_figures(subtree: Subtree) -> RollupFigures | None:
    """The roll-up source for this subtree, or None when the live queries must answer."""
    whole = set(Org.objects.filter(path__startswith=subtree.root.path).values_list("id", flat=True))
    if whole != set(subtree.org_ids) or not rollups_complete():
        return None
    return RollupFigures(subtree.root.pk, subtree.org_ids)


class RollupFigures:
    """`selectors.Figures` from the roll-ups of one whole subtree."""

    def __init__(self, root_id: int, org_ids: list[int]) -> None:
        self.root_id = root_id
        self.org_ids = org_ids

    def volume_rows(self, periods: dict[str, Period]) -> list[dict[str, Any]]:
        aggregates: dict[str, Any] = {}
        when = Q()
        for name, p in periods.items():
            inside = Q(day__gte=p.start, day__lte=p.end)
            when |= inside
            aggregates[f"{name}_n"] = _total("petitions", inside)
            aggregates[f"{name}_heads"] = _total("persons", inside)
            aggregates[f"{name}_repeats"] = _total("repeats", inside)
        return list(
            VolumeDay.objects.filter(when, root_id=self.root_id)
            .order_by()
            .values("channel")
            .annotate(**aggregates)
        )

    def stage_rows(self, period: Period, *, today: dt.date) -> list[dict[str, Any]]:
        last_year = period.year_before()

        def counted(p: Period) -> Q:
            # selectors.due_in: closed stages count; an open one once its due date has passed.
            return Q(due_on__gte=p.start, due_on__lte=p.end) & (
                Q(status__in=(StageStatus.ON_TIME, StageStatus.LATE))
                | Q(status=StageStatus.OPEN, due_on__lt=today)
            )

        current, previous = counted(period), counted(last_year)
        on_time = Q(status=StageStatus.ON_TIME)
        aggregates: dict[str, Any] = {
            "due": _total("stages", current),
            "on_time": _total("stages", current & on_time),
            "due_yoy": _total("stages", previous),
            "on_time_yoy": _total("stages", previous & on_time),
        }
        for key, outcome in TRANSFER_OUTCOMES.items():
            aggregates[key] = _total("stages", current & Q(kind=StageKind.TRIAGE, outcome=outcome))
        rows = list(
            StageDay.objects.filter(
                org_id__in=self.org_ids, due_on__gte=last_year.start, due_on__lte=period.end
            )
            .order_by()
            .values("org_id", "kind")
            .annotate(**aggregates)
        )
        for r in rows:
            r["held"] = 0
        held = (
            NoticeDay.objects.filter(
                org_id__in=self.org_ids,
                opened_on__gte=period.start,
                opened_on__lte=period.end,
                due_on__gte=period.start,
                due_on__lte=period.end + NOTICE_DUE_SLACK,
            )
            .order_by()
            .values("org_id")
            .annotate(n=_total("stages"))
        )
        by_org = {(r["org_id"], r["kind"]): r for r in rows}
        for h in held:
            row = by_org.get((h["org_id"], StageKind.NOTICE))
            if row is None:
                row = {"org_id": h["org_id"], "kind": StageKind.NOTICE, "held": 0}
                row.update({k: 0 for k in aggregates})
                rows.append(row)
            row["held"] = int(h["n"])
        return rows

    def rating_counts(self, period: Period) -> dict[str, int]:
        row = RatingDay.objects.filter(
            org_id__in=self.org_ids, day__gte=period.start, day__lte=period.end
        ).aggregate(
            total=_total("ratings"),
            satisfied=_total("ratings", Q(satisfaction=Satisfaction.SATISFIED)),
            basic=_total("ratings", Q(satisfaction=Satisfaction.BASIC)),
            unsatisfied=_total("ratings", Q(satisfaction=Satisfaction.UNSATISFIED)),
            in_scope=_total("ratings", Q(in_scope=True)),
        )
        return {k: int(v) for k, v in row.items()}

    def delivered(self, period: Period) -> int:
        # Each petition once: its first delivery in the period is the one whose previous lies before it.
        row = DeliveryDay.objects.filter(
            root_id=self.root_id, day__gte=period.start, day__lte=period.end, previous__lt=period.start
        ).aggregate(n=_total("petitions"))
        return int(row["n"])

    def breakdown_counts(self, period: Period) -> dict[str, dict[Any, int]]:
        counts: dict[str, dict[Any, int]] = {"kind": {}, "category": {}, "region": {}, "month": {}}
        rows = (
            BreakdownDay.objects.filter(root_id=self.root_id, day__gte=period.start, day__lte=period.end)
            .order_by()
            .values("dimension", "key")
            .annotate(n=_total("petitions"))
            .filter(n__gt=0)
        )
        for r in rows:
            key: Any = r["key"]
            if r["dimension"] == "category":
                key = int(key) if key else None
            counts[r["dimension"]][key] = int(r["n"])
        months = (
            VolumeDay.objects.filter(root_id=self.root_id, day__gte=period.start, day__lte=period.end)
            .order_by()
            .annotate(m=TruncMonth("day"))
            .values("m")
            .annotate(n=_total("petitions"))
            .filter(n__gt=0)
        )
        for r in months:
            counts["month"][dt.date(r["m"].year, r["m"].month, 1)] = int(r["n"])
        return counts


__all__ = ["Figures", "RollupFigures", "rollup_figures", "rollups_complete"]
