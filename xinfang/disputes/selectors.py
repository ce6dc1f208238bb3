"""Reads of the dispute ledger and the monthly bulletin figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from xinfang.orgs import scope
from xinfang.orgs.models import User

from .models import Dispute, DisputeStatus


def disputes_visible_to(user: User) -> QuerySet[Dispute]:
    """A 信访部门 or 党委政府 sees its region's ledger; a unit the entries it is responsible for or entered."""
    if not user.is_authenticated or user.org is None:
        return Dispute.objects.none()
    region = scope.region_org_ids(user.org)
    own = scope.acting_org_ids(user)
    if region is not None:
        return Dispute.objects.filter(Q(responsible_org_id__in=region) | Q(created_org_id__in=region))
    return Dispute.objects.filter(Q(responsible_org_id__in=own) | Q(created_org_id__in=own))


def dispute_list(user: User, *, status: str = "", q: str = "") -> QuerySet[Dispute]:
    qs = disputes_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(number=q) | Q(responsible_person=q))
    return qs.select_related("responsible_org", "created_by", "reviewer").order_by("-found_on", "-id")


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - dt.timedelta(days=1)


@dataclass
class BulletinRow:
    org: str
    new: int
    resolved: int
    in_progress: int
    total: int  # every entry of the unit found by the end of the month
    resolved_total: int  # of those, resolved (or closed) by the end of the month
    rate: float | None  # 化解率 = resolved_total / total


@dataclass
class Bulletin:
    year: int
    month: int
    rows: list[BulletinRow] = field(default_factory=list)
    total: BulletinRow | None = None


def monthly_bulletin(user: User, year: int, month: int) -> Bulletin:
    """The monthly 通报 of the ledger, per responsible unit.

    - 新增 new: found in the month; 化解 resolved: resolved in the month;
    - 在办 in_progress: found by month end and not resolved by month end;
    - 化解率: resolved by month end / found by month end (DESIGN.md §7: resolved / total).
    """
    first, last = month_bounds(year, month)
    done_by_end = Q(resolved_on__isnull=False, resolved_on__lte=last)
    rows = (
        disputes_visible_to(user)
        .filter(found_on__lte=last)
        .order_by()
        .values("responsible_org__name", "responsible_org__path")
        .annotate(
            new=Count("id", filter=Q(found_on__gte=first)),
            resolved=Count("id", filter=Q(resolved_on__gte=first, resolved_on__lte=last)),
            total=Count("id"),
            resolved_total=Count("id", filter=done_by_end),
        )
        .order_by("responsible_org__path")
    )
    bulletin = Bulletin(year, month)
    for r in rows:
        bulletin.rows.append(
            BulletinRow(
                org=r["responsible_org__name"],
                new=r["new"],
                resolved=r["resolved"],
                in_progress=r["total"] - r["resolved_total"],
                total=r["total"],
                resolved_total=r["resolved_total"],
                rate=round(r["resolved_total"] / r["total"], 4) if r["total"] else None,
            )
        )
    sums = {
        k: sum(getattr(r, k) for r in bulletin.rows)
        for k in ("new", "resolved", "in_progress", "total", "resolved_total")
    }
    bulletin.total = BulletinRow(
        org="合计",
        rate=round(sums["resolved_total"] / sums["total"], 4) if sums["total"] else None,
        **sums,
    )
    return bulletin


__all__ = ["DisputeStatus", "dispute_list", "disputes_visible_to", "monthly_bulletin"]
