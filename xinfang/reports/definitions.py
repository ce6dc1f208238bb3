"""The KPI definitions of DESIGN.md §7 that both the live queries and the roll-ups follow."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q

from xinfang.petitions.models import Outcome, Route, Satisfaction, StageKind

# Stage kinds behind each timeliness KPI (DESIGN.md §7).
TIMELINESS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "timely_transfer_rate": (
        "及时转交率",
        (StageKind.TRIAGE,),
        "《信访工作条例》第二十二条：15日内转送、交办",
    ),
    "timely_acceptance_rate": (
        "及时受理率",
        (StageKind.NOTICE,),
        "《信访工作条例》第二十三条：15日内书面告知受理或者不予受理",
    ),
    "on_time_completion_rate": (
        "按期办结率",
        (StageKind.HANDLING,),
        "《信访工作条例》第三十四条：60日内办结，延期不超过30日",
    ),
    "on_time_reply_rate": (
        "按期答复率",
        (StageKind.HANDLING, StageKind.REVIEW, StageKind.REEXAMINATION),
        "《信访工作条例》第三十四、三十五、三十六条：意见书、复查意见、复核意见按期送达",
    ),
}
# Every stage kind some timeliness figure reads (the 异议核实 and 办结报告 clocks are in none).
TIMED_KINDS: frozenset[str] = frozenset(k for _, kinds, _ in TIMELINESS.values() for k in kinds)
DECIDING_KINDS = (StageKind.HANDLING, StageKind.REVIEW, StageKind.REEXAMINATION)
# 第三十一条（一）至（五）: matters in statutory procedures are out of the satisfaction evaluation.
STATUTORY_ROUTES = (
    Route.LITIGATION,
    Route.ARBITRATION,
    Route.PARTY_APPEAL,
    Route.ADMINISTRATIVE,
    Route.DUTY,
)
ON_TIME = Q(closed_on__isnull=False, closed_on__lte=F("due_on"))
SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASIC)
TOP_N = 10
# 转送、交办、移送、报请 (第二十二条): how a 登记交转 stage ended.
TRANSFER_OUTCOMES = {
    "transferred": Outcome.TRANSFERRED,
    "assigned": Outcome.ASSIGNED,
    "referred": Outcome.REFERRED,
    "escalated": Outcome.ESCALATED,
}
# A 受理告知 stage is due at most 15 days (plus a holiday roll) after it opens: bounding its due date lets
# the query that reads it share the due-date range of the timeliness figures.
NOTICE_DUE_SLACK = dt.timedelta(days=60)


def in_evaluation_scope(prefix: str = "") -> Q:
    """First-time matters outside the statutory procedures (DESIGN.md §7, 参评率)."""
    return Q(**{f"{prefix}is_repeat": False}) & ~Q(**{f"{prefix}route__in": STATUTORY_ROUTES})


def is_in_evaluation_scope(is_repeat: bool, route: str) -> bool:
    """`in_evaluation_scope` for one petition's values."""
    return not is_repeat and route not in STATUTORY_ROUTES
