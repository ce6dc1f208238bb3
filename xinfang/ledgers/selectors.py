"""Reads that feed the ledger lists, totals and the public page. Access always goes through `access`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum

from xinfang.ledgers import access
from xinfang.ledgers.models import (
    OutreachEvent,
    ProblemState,
    QualityReview,
    ReviewProblem,
    RiskAssessment,
    SuggestionRecord,
    TrainingSession,
)
from xinfang.orgs import scope
from xinfang.orgs.models import User
from xinfang.petitions.models import Kind, Outcome, Petition, Stage

ADOPTION_OUTCOMES = (Outcome.ADOPTED, Outcome.PARTLY_ADOPTED, Outcome.NOT_ADOPTED)
ADOPTED = (Outcome.ADOPTED, Outcome.PARTLY_ADOPTED)


def risk_list(
    user: User,
    *,
    q: str = "",
    level: str = "",
    conclusion: str = "",
    state: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[RiskAssessment]:
    qs = access.scoped(RiskAssessment.objects.all(), user)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(scope__icontains=q))
    if level:
        qs = qs.filter(level=level)
    if conclusion:
        qs = qs.filter(conclusion=conclusion)
    if state:
        qs = qs.filter(state=state)
    if date_from:
        qs = qs.filter(registered_on__gte=date_from)
    if date_to:
        qs = qs.filter(registered_on__lte=date_to)
    return qs.select_related("org").annotate(petition_count=Count("links")).order_by("-registered_on", "-id")


def review_list(
    user: User, *, unit: int | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> QuerySet[QualityReview]:
    qs = access.scoped(QualityReview.objects.all(), user, "org", "unit")
    if unit:
        qs = qs.filter(unit_id=unit)
    if date_from:
        qs = qs.filter(created_on__gte=date_from)
    if date_to:
        qs = qs.filter(created_on__lte=date_to)
    return (
        qs.select_related("org", "unit")
        .annotate(
            case_count=Count("cases", distinct=True),
            scored_count=Count("cases", filter=Q(cases__scored_on__isnull=False), distinct=True),
            problem_count=Count("cases__problems", distinct=True),
        )
        .order_by("-created_on", "-id")
    )


def problem_list(
    user: User,
    *,
    state: str = "",
    unit: int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[ReviewProblem]:
    qs = access.scoped(ReviewProblem.objects.all(), user, "case__review__org", "case__review__unit")
    if state:
        qs = qs.filter(state=state)
    if unit:
        qs = qs.filter(case__review__unit_id=unit)
    if date_from:
        qs = qs.filter(found_on__gte=date_from)
    if date_to:
        qs = qs.filter(found_on__lte=date_to)
    return qs.select_related("case__petition", "case__review__unit", "item").order_by("-found_on", "-id")


def _latest_adoption() -> Subquery:
    return Subquery(
        Stage.objects.filter(petition=OuterRef("pk"), outcome__in=ADOPTION_OUTCOMES, decided_on__isnull=False)
        .order_by("-decided_on", "-id")
        .values("outcome")[:1]
    )


def suggestion_list(
    user: User,
    *,
    q: str = "",
    outcome: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[Petition]:
    """建议意见类 petitions the user may see, each with its adoption outcome ("" while undecided)."""
    qs = scope.petitions_visible_to(user).filter(kind=Kind.SUGGESTION).annotate(adoption=_latest_adoption())
    if q:
        qs = qs.filter(Q(subject__icontains=q) | Q(content__icontains=q) | Q(number=q))
    if outcome == "pending":
        qs = qs.filter(adoption__isnull=True)
    elif outcome:
        qs = qs.filter(adoption=outcome)
    if date_from:
        qs = qs.filter(received_on__gte=date_from)
    if date_to:
        qs = qs.filter(received_on__lte=date_to)
    rewarded = SuggestionRecord.objects.filter(petition=OuterRef("pk"), rewards__isnull=False)
    return (
        qs.annotate(rewarded=Exists(rewarded))
        .select_related("registered_org")
        .order_by("-received_on", "-id")
    )


@dataclass(frozen=True)
class PublicSuggestion:
    number: str
    subject: str
    summary: str
    outcome: str
    decided_on: dt.date
    reply: str
    units: list[str]


def public_suggestions(limit: int = 200) -> list[PublicSuggestion]:
    """Adopted suggestions whose petitioner agreed to publish: subject, summary, outcome, reply, units.

    Nothing that identifies the petitioner: the summary is written by staff for publication.
    """
    stages = Stage.objects.filter(
        outcome__in=ADOPTED, decided_on__isnull=False, petition__kind=Kind.SUGGESTION
    ).order_by("-decided_on", "-id")
    consent = SuggestionRecord.objects.filter(petition=OuterRef("petition"), publish_consent=True)
    rows = list(stages.filter(Exists(consent)).select_related("petition")[: limit * 2])
    records = {
        r.petition_id: r
        for r in SuggestionRecord.objects.filter(
            petition_id__in=[s.petition_id for s in rows]
        ).prefetch_related(Prefetch("acting_units"))
    }
    seen: set[int] = set()
    result: list[PublicSuggestion] = []
    for stage in rows:
        if stage.petition_id in seen:
            continue
        seen.add(stage.petition_id)
        record = records[stage.petition_id]
        assert stage.decided_on is not None
        result.append(
            PublicSuggestion(
                number=stage.petition.number,
                subject=stage.petition.subject,
                summary=record.public_summary,
                outcome=Outcome(stage.outcome).label,
                decided_on=stage.decided_on,
                reply=str(stage.data.get("opinion", "")),
                units=[u.name for u in record.acting_units.all()],
            )
        )
    return result[:limit]


def outreach_list(
    user: User,
    *,
    form: str = "",
    q: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[OutreachEvent]:
    qs = access.scoped(OutreachEvent.objects.all(), user)
    if form:
        qs = qs.filter(form=form)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(place__icontains=q) | Q(organiser__icontains=q))
    if date_from:
        qs = qs.filter(held_on__gte=date_from)
    if date_to:
        qs = qs.filter(held_on__lte=date_to)
    return qs.select_related("org").order_by("-held_on", "-id")


def outreach_totals(qs: QuerySet[OutreachEvent]) -> dict[str, int]:
    agg = qs.aggregate(
        events=Count("id"),
        materials=Sum("materials"),
        consultations=Sum("consultations"),
        reached=Sum("reached"),
    )
    return {k: int(v or 0) for k, v in agg.items()}


def training_list(
    user: User, *, q: str = "", date_from: dt.date | None = None, date_to: dt.date | None = None
) -> QuerySet[TrainingSession]:
    qs = access.scoped(TrainingSession.objects.all(), user)
    if q:
        qs = qs.filter(Q(topic__icontains=q) | Q(note__icontains=q))
    if date_from:
        qs = qs.filter(start_on__gte=date_from)
    if date_to:
        qs = qs.filter(start_on__lte=date_to)
    return qs.select_related("org").order_by("-start_on", "-id")


def training_totals(qs: QuerySet[TrainingSession]) -> dict[str, int | float]:
    agg = qs.aggregate(sessions=Count("id"), participants=Sum("participants"), hours=Sum("hours"))
    hours = agg["hours"] or Decimal(0)
    return {
        "sessions": int(agg["sessions"] or 0),
        "participants": int(agg["participants"] or 0),
        "hours": float(hours),
    }


__all__ = [
    "ProblemState",
    "outreach_list",
    "outreach_totals",
    "problem_list",
    "public_suggestions",
    "review_list",
    "risk_list",
    "suggestion_list",
    "training_list",
    "training_totals",
]
