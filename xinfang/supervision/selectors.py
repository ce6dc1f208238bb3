"""Reads for the supervision pages, the API and the reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from xinfang.orgs import scope
from xinfang.orgs.models import User
from xinfang.petitions.models import Urge

from .models import (
    Alert,
    CaseStatus,
    LeaderCase,
    Listing,
    Notification,
    Reception,
    ReceptionSlot,
    Supervision,
)


def _region_or_own(user: User) -> list[int]:
    if user.org is None:
        return []
    region = scope.region_org_ids(user.org)
    return region if region is not None else sorted(scope.acting_org_ids(user))


def alerts_for(user: User, *, include_cleared: bool = False) -> QuerySet[Alert]:
    """A unit's own alerts; a 信访部门's or 党委政府's, its whole region's."""
    qs = Alert.objects.filter(org_id__in=_region_or_own(user))
    own = scope.acting_org_ids(user)
    # 第三十条第三款: the accused unit never sees the accusation, not even as an alert.
    qs = qs.exclude(petition__accused_org_id__in=own)
    if not include_cleared:
        qs = qs.filter(cleared_on__isnull=True)
    return qs.select_related("org", "petition", "stage", "supervision").order_by("-raised_on", "-id")


def alert_counts(user: User) -> dict[str, int]:
    rows = alerts_for(user).order_by().values("level").annotate(n=Count("id"))
    return {r["level"]: r["n"] for r in rows}


def urges_for(user: User) -> QuerySet[Urge]:
    """催办 not yet handled, in the user's region (supervisors) or at the user's unit."""
    own = scope.acting_org_ids(user)
    return (
        Urge.objects.filter(org_id__in=_region_or_own(user), handled_at__isnull=True)
        .exclude(petition__accused_org_id__in=own)
        .select_related("petition", "org", "stage")
        .order_by("-on", "-id")
    )


def supervisions_visible_to(user: User) -> QuerySet[Supervision]:
    """The issuing bureau's region sees its letters; a recipient or the unit concerned sees its own."""
    ids = _region_or_own(user)
    own = scope.acting_org_ids(user)
    return (
        Supervision.objects.filter(Q(issuing_org_id__in=ids) | Q(recipient_id__in=own) | Q(unit_id__in=own))
        .select_related("petition", "unit", "recipient", "issuing_org", "issued_by")
        .order_by("-issued_on", "-id")
    )


def supervision_for(user: User, pk: int) -> Supervision:
    from xinfang.core.errors import NotFound

    found = supervisions_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise NotFound("督办文书不存在或无权查看。")
    return found


def listings_for(user: User, *, open_only: bool = True) -> QuerySet[Listing]:
    qs = Listing.objects.filter(org_id__in=_region_or_own(user))
    if open_only:
        qs = qs.filter(lifted_on__isnull=True)
    return qs.select_related("petition", "org").order_by("deadline")


def notifications_for(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-id")


def published_schedule(*, from_on: dt.date, days: int = 60) -> QuerySet[ReceptionSlot]:
    """What the portal shows: published receptions from today on (第十八条第一款)."""
    return (
        ReceptionSlot.objects.filter(
            is_published=True, on__gte=from_on, on__lte=from_on + dt.timedelta(days=days)
        )
        .select_related("leader", "org")
        .order_by("on", "starts_at", "id")
    )


def receptions_for(user: User) -> QuerySet[Reception]:
    return (
        Reception.objects.filter(org_id__in=_region_or_own(user))
        .select_related("leader", "org")
        .prefetch_related("petitions")
        .order_by("-on", "-id")
    )


def cases_for(user: User) -> QuerySet[LeaderCase]:
    ids = _region_or_own(user)
    return (
        LeaderCase.objects.filter(Q(org_id__in=ids) | Q(leader_id=user.pk))
        .select_related("leader", "org")
        .prefetch_related("petitions")
        .order_by("status", "target_on", "id")
    )


@dataclass(frozen=True)
class CaseFigures:
    sponsored: int
    resolved: int
    open: int
    rate: float | None  # 化解率 = resolved / sponsored (DESIGN.md §7)


def case_figures(cases: QuerySet[LeaderCase]) -> CaseFigures:
    row = cases.order_by().aggregate(
        total=Count("id"),
        resolved=Count("id", filter=Q(status=CaseStatus.RESOLVED)),
        open=Count("id", filter=Q(status=CaseStatus.OPEN)),
    )
    total, resolved = row["total"] or 0, row["resolved"] or 0
    return CaseFigures(total, resolved, row["open"] or 0, round(resolved / total, 4) if total else None)


def recommendation_figures(user: User, *, from_on: dt.date, to_on: dt.date) -> dict[str, dict[str, int]]:
    """Supervisions by kind and their adoption, for 第四十一条 (三) of the annual report."""
    rows = (
        supervisions_visible_to(user)
        .filter(issued_on__gte=from_on, issued_on__lte=to_on)
        .order_by()
        .values("kind", "adoption")
        .annotate(n=Count("id"))
    )
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        by = out.setdefault(r["kind"], {"total": 0})
        by["total"] += r["n"]
        by[r["adoption"] or "awaiting"] = by.get(r["adoption"] or "awaiting", 0) + r["n"]
    return out
