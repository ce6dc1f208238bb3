"""The figures the annual report quotes from the ledgers (条例 第四十一条; 法治政府建设年度报告).

    开展重大社会风险评估N次                → risk_assessments
    评查信访事项N件，发现并整改问题M个        → reviewed_cases, review_problems_found, review_problems_rectified
    发放宣传资料N份，接受群众咨询N人次        → outreach_materials, outreach_consultations
    培训班N期，培训信访干部N人次             → training_sessions, training_participants
    人民建议征集 (第二十九条)                → suggestions_received / _adopted / _rewarded

Each count is over records of the given orgs whose date falls in [start, end] (both included):
an assessment counts on its assessment date, a reviewed case on its scoring date, a problem on the date it
was found (found) or rectified (rectified), an event on the day it was held, a training on its first day,
a suggestion on its receipt (received), on the decision to adopt it fully or partly (adopted), on the
date of its first reward (rewarded).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Min, Sum

from xinfang.ledgers.models import (
    OutreachEvent,
    ReviewCase,
    ReviewProblem,
    Reward,
    RiskAssessment,
    TrainingSession,
)
from xinfang.ledgers.models.risk import Conclusion
from xinfang.petitions.models import Kind, Outcome, Petition, Stage


def annual_figures(org_ids: list[int], start: dt.date, end: dt.date) -> dict[str, int | float]:
    period = {"gte": start, "lte": end}

    def between(field: str) -> dict[str, dt.date]:
        return {f"{field}__{op}": value for op, value in period.items()}

    risk = RiskAssessment.objects.filter(org_id__in=org_ids)
    outreach = OutreachEvent.objects.filter(org_id__in=org_ids, **between("held_on")).aggregate(
        n=Count("id"), materials=Sum("materials"), consultations=Sum("consultations"), reached=Sum("reached")
    )
    training = TrainingSession.objects.filter(org_id__in=org_ids, **between("start_on")).aggregate(
        n=Count("id"), participants=Sum("participants"), hours=Sum("hours")
    )
    problems = ReviewProblem.objects.filter(case__review__org_id__in=org_ids)
    adopted = (
        Stage.objects.filter(
            org_id__in=org_ids,
            petition__kind=Kind.SUGGESTION,
            outcome__in=(Outcome.ADOPTED, Outcome.PARTLY_ADOPTED),
            **between("decided_on"),
        )
        .values("petition_id")
        .distinct()
        .count()
    )
    rewarded = (
        Reward.objects.filter(org_id__in=org_ids)
        .values("record_id")
        .annotate(first=Min("on"))
        .filter(**between("first"))
        .count()
    )
    return {
        "risk_assessments": risk.filter(**between("assessed_on")).count(),
        "risk_postponed_or_rejected": risk.filter(
            conclusion__in=(Conclusion.POSTPONE, Conclusion.REJECT), **between("concluded_on")
        ).count(),
        "reviewed_cases": ReviewCase.objects.filter(
            review__org_id__in=org_ids, **between("scored_on")
        ).count(),
        "review_problems_found": problems.filter(**between("found_on")).count(),
        "review_problems_rectified": problems.filter(**between("rectified_on")).count(),
        "outreach_events": int(outreach["n"] or 0),
        "outreach_materials": int(outreach["materials"] or 0),
        "outreach_consultations": int(outreach["consultations"] or 0),
        "outreach_reached": int(outreach["reached"] or 0),
        "training_sessions": int(training["n"] or 0),
        "training_participants": int(training["participants"] or 0),
        "training_hours": float(training["hours"] or Decimal(0)),
        "suggestions_received": Petition.objects.filter(
            kind=Kind.SUGGESTION, registered_org_id__in=org_ids, **between("received_on")
        ).count(),
        "suggestions_adopted": adopted,
        "suggestions_rewarded": rewarded,
    }


# Chinese labels for the figures, in the order the report quotes them (for pages and exports).
LABELS: dict[str, str] = {
    "risk_assessments": "开展重大社会风险评估（次）",
    "risk_postponed_or_rejected": "评估后暂缓或不实施（项）",
    "reviewed_cases": "评查信访事项（件）",
    "review_problems_found": "评查发现问题（个）",
    "review_problems_rectified": "问题整改到位（个）",
    "outreach_events": "开展普法宣传活动（场）",
    "outreach_materials": "发放宣传资料（份）",
    "outreach_consultations": "接受群众咨询（人次）",
    "outreach_reached": "宣传受众（人）",
    "training_sessions": "举办培训班（期）",
    "training_participants": "培训信访干部（人次）",
    "training_hours": "培训学时",
    "suggestions_received": "收到人民建议（件）",
    "suggestions_adopted": "采纳或部分采纳人民建议（件）",
    "suggestions_rewarded": "奖励人民建议（件）",
}
