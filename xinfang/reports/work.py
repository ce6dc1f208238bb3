"""Figures from the other ledgers that the annual report quotes (《信访工作条例》第四十一条).

第四十一条: 各级党委和政府信访部门应当……向本级党委和政府、上一级信访部门提交年度工作报告。年度工作报告
应当包括下列内容：（一）信访事项的数据统计、信访事项涉及领域以及被投诉较多的机关、单位；（二）转送、
交办、督办情况；（三）提出改进工作、完善政策、追究责任建议以及建议被采纳情况；（四）其他应当报告的事项。

- Supervision letters (第四十条): by kind, issued by the subtree in the period, with the recipients'
  adoption of the three recommendations.
- 领导接访 (第十八条): receptions held in the period (次数), persons received (人数), petitions accepted.
- 领导包案: cases assigned in the period; 化解率 = resolved / cases.
- 矛盾纠纷: disputes found in the period (排查); resolved by the period's end; 化解率 = resolved / found.
- Ledgers (risk assessments, case reviews, outreach, training, 人民建议): through
  `xinfang.ledgers.figures.annual_figures` when that app is installed.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType
from typing import Any

from django.db.models import Count, Q, Sum

from xinfang.disputes.models import Dispute
from xinfang.supervision.models import (
    RECOMMENDATION_KINDS,
    Adoption,
    LeaderCase,
    Listing,
    Reception,
    Supervision,
    SupervisionKind,
)
from xinfang.supervision.selectors import case_figures

from .periods import Period
from .selectors import rate


def supervision_figures(org_ids: list[int], period: Period) -> dict[str, Any]:
    rows = (
        Supervision.objects.filter(
            issuing_org_id__in=org_ids, issued_on__gte=period.start, issued_on__lte=period.end
        )
        .order_by()
        .values("kind", "adoption")
        .annotate(n=Count("id"))
    )
    by_kind: dict[str, dict[str, Any]] = {
        k: {"label": str(label), "total": 0, "adopted": 0, "partly": 0, "not_adopted": 0, "awaiting": 0}
        for k, label in SupervisionKind.choices
    }
    for r in rows:
        entry = by_kind[r["kind"]]
        entry["total"] += r["n"]
        entry[r["adoption"] or "awaiting"] += r["n"]
    recs = [by_kind[k] for k in SupervisionKind.values if k in RECOMMENDATION_KINDS]
    total = sum(r["total"] for r in recs)
    answered = sum(r["total"] - r["awaiting"] for r in recs)
    adopted = sum(r["adopted"] + r["partly"] for r in recs)
    listings = Listing.objects.filter(
        org_id__in=org_ids, listed_on__gte=period.start, listed_on__lte=period.end
    ).count()
    return {
        "by_kind": by_kind,
        "recommendations": {
            "total": total,
            "answered": answered,
            "adopted": adopted,
            "adoption_rate": rate(adopted, answered, label="建议采纳率"),
        },
        "listings": listings,
        "adoption_labels": dict(Adoption.choices),
    }


def reception_figures(org_ids: list[int], period: Period) -> dict[str, int]:
    row = Reception.objects.filter(org_id__in=org_ids, on__gte=period.start, on__lte=period.end).aggregate(
        times=Count("id"), batches=Sum("batches"), persons=Sum("persons"), accepted=Sum("accepted")
    )
    return {k: int(row[k] or 0) for k in ("times", "batches", "persons", "accepted")}


def leader_case_figures(org_ids: list[int], period: Period) -> dict[str, Any]:
    cases = LeaderCase.objects.filter(
        org_id__in=org_ids, assigned_on__gte=period.start, assigned_on__lte=period.end
    )
    f = case_figures(cases)
    return {
        "cases": f.sponsored,
        "resolved": f.resolved,
        "open": f.open,
        "resolution_rate": rate(f.resolved, f.sponsored, label="包案化解率"),
    }


def dispute_figures(org_ids: list[int], period: Period) -> dict[str, Any]:
    row = Dispute.objects.filter(
        responsible_org_id__in=org_ids, found_on__gte=period.start, found_on__lte=period.end
    ).aggregate(
        screened=Count("id"),
        resolved=Count("id", filter=Q(resolved_on__isnull=False, resolved_on__lte=period.end)),
        parties=Sum("parties"),
    )
    screened, resolved = int(row["screened"] or 0), int(row["resolved"] or 0)
    return {
        "screened": screened,
        "resolved": resolved,
        "parties": int(row["parties"] or 0),
        "resolution_rate": rate(resolved, screened, label="矛盾纠纷化解率"),
    }


LEDGER_MODULE = "xinfang.ledgers.figures"


def ledger_module() -> ModuleType | None:
    """xinfang.ledgers.figures when that app is installed (it is optional for the reports)."""
    try:
        if importlib.util.find_spec(LEDGER_MODULE) is None:
            return None
    except ModuleNotFoundError:  # the xinfang.ledgers package itself is absent
        return None
    return importlib.import_module(LEDGER_MODULE)


def ledger_figures(org_ids: list[int], period: Period) -> dict[str, Any] | None:
    """The ledgers' annual figures with their labels, or None when that app is not installed."""
    module = ledger_module()
    if module is None:
        return None
    values: dict[str, int | float] = module.annual_figures(org_ids, period.start, period.end)
    labels: dict[str, str] = getattr(module, "LABELS", {})
    return {"values": values, "labels": {k: labels.get(k, k) for k in values}}


def work_figures(org_ids: list[int], period: Period) -> dict[str, Any]:
    return {
        "supervision": supervision_figures(org_ids, period),
        "receptions": reception_figures(org_ids, period),
        "leader_cases": leader_case_figures(org_ids, period),
        "disputes": dispute_figures(org_ids, period),
    }
