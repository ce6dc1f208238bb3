"""From any figure to the petitions behind it: the same filters as the figure, then the reader's scope.

A metric name and its parameters select the rows the figure counted (petitions, stages or ratings) and
list their petitions; a petition counted twice (two stages of one kind due in the period) is listed once.
Whatever the metric, the list is cut to what `xinfang.orgs.scope.petitions_visible_to` lets the reader
see (第三十条第三款: an accused unit never sees the accusation, even in a statistics list).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import TruncMonth

from xinfang.core.errors import Invalid
from xinfang.orgs import scope
from xinfang.orgs.models import Org, User
from xinfang.petitions.models import Channel, Kind, Petition, Rating, Stage, StageKind

from .access import Subtree
from .periods import Period
from .selectors import (
    ON_TIME,
    SATISFIED,
    TIMELINESS,
    TRANSFER_OUTCOMES,
    in_evaluation_scope,
    notice_opened_in,
    ratings_given,
    received,
    replies_delivered,
    stages_due,
    stages_overdue,
)

RECEIVED_FILTERS = ("channel", "kind", "category", "region", "month", "repeat", "visit")


@dataclass(frozen=True)
class Drill:
    title: str
    petitions: QuerySet[Petition]


def _unit(params: Mapping[str, str], subtree: Subtree) -> Org | None:
    code = params.get("unit", "")
    if not code:
        return None
    org = Org.objects.filter(code=code).first()
    if org is None or org.pk not in subtree.org_ids:
        raise Invalid("unit", "单位不在统计范围内。", code="unit_out_of_scope")
    return org


def _stage_ids(stages: QuerySet[Stage]) -> QuerySet[Petition]:
    return Petition.objects.filter(pk__in=stages.values("petition_id"))


def drill(
    metric: str, subtree: Subtree, period: Period, *, today: dt.date, params: Mapping[str, str]
) -> Drill:
    ids = subtree.org_ids
    unit = _unit(params, subtree)
    unit_ids = [unit.pk] if unit is not None else ids
    suffix = f"（{unit.name}）" if unit is not None else ""
    if metric == "received":
        qs = received(ids, period)
        labels: list[str] = []
        if channel := params.get("channel"):
            qs = qs.filter(channel=channel)
            labels.append(str(dict(Channel.choices).get(channel, channel)))
        if kind := params.get("kind"):
            qs = qs.filter(kind=kind)
            labels.append(str(dict(Kind.choices).get(kind, kind)))
        if "category" in params:
            category = params["category"]
            qs = (
                qs.filter(category_id=int(category))
                if category.isdigit()
                else qs.filter(category__isnull=True)
            )
            labels.append("分类")
        if "region" in params:
            qs = qs.filter(region_code=params["region"])
            labels.append(f"属地{params['region'] or '未填'}")
        if month := params.get("month"):
            try:
                first = dt.date.fromisoformat(f"{month}-01")
            except ValueError:
                raise Invalid("month", "月份格式应为 YYYY-MM。", code="invalid_month") from None
            qs = qs.annotate(m=TruncMonth("received_on")).filter(m=first)
            labels.append(month)
        if params.get("repeat"):
            qs = qs.filter(is_repeat=True)
            labels.append("重复信访")
        if unit is not None:
            qs = qs.filter(Q(registered_org=unit) | Q(stages__org=unit)).distinct()
        return Drill("收到信访件" + ("：" + "、".join(labels) if labels else "") + suffix, qs)
    if metric in ("due", "late", "on_time"):
        kpi = params.get("kpi", "")
        if kpi not in TIMELINESS:
            raise Invalid("kpi", "未知的指标。", code="unknown_kpi")
        label, kinds, _ = TIMELINESS[kpi]
        stages = stages_due(unit_ids, period, today=today).filter(kind__in=kinds)
        if metric == "late":
            stages = stages.exclude(ON_TIME)
            title = f"{label}：未按期"
        elif metric == "on_time":
            stages = stages.filter(ON_TIME)
            title = f"{label}：按期"
        else:
            title = f"{label}：期内到期"
        return Drill(title + suffix, _stage_ids(stages))
    if metric == "held":
        stages = Stage.objects.filter(notice_opened_in(period), org_id__in=unit_ids)
        return Drill("交由单位办理的信访件" + suffix, _stage_ids(stages))
    if metric == "transfers":
        outcome = TRANSFER_OUTCOMES.get(params.get("outcome", ""))
        if outcome is None:
            raise Invalid("outcome", "未知的转交方式。", code="unknown_outcome")
        stages = stages_due(unit_ids, period, today=today).filter(kind=StageKind.TRIAGE, outcome=outcome)
        return Drill(f"登记交转：{outcome.label}" + suffix, _stage_ids(stages))
    if metric in ("ratings", "satisfied", "rated_in_scope"):
        ratings: QuerySet[Rating] = ratings_given(unit_ids, period)
        title = "满意度评价"
        if metric == "satisfied":
            ratings = ratings.filter(satisfaction__in=SATISFIED)
            title = "满意、基本满意的评价"
        elif metric == "rated_in_scope":
            ratings = ratings.filter(in_evaluation_scope("petition__"))
            title = "参评的信访件"
        return Drill(title + suffix, Petition.objects.filter(pk__in=ratings.values("petition_id")))
    if metric == "delivered":
        return Drill(
            "期内送达书面答复的信访件（参评范围）" + suffix, _stage_ids(replies_delivered(unit_ids, period))
        )
    if metric == "overdue":
        as_of_text = params.get("as_of", "")
        try:
            as_of = dt.date.fromisoformat(as_of_text) if as_of_text else min(period.end, today)
        except ValueError:
            raise Invalid("as_of", "日期格式应为 YYYY-MM-DD。", code="invalid_date") from None
        return Drill(
            f"截至{as_of:%Y-%m-%d}超期的信访件" + suffix, _stage_ids(stages_overdue(unit_ids, as_of))
        )
    raise Invalid("metric", "未知的统计项。", code="unknown_metric")


def visible_drill(user: User, found: Drill) -> QuerySet[Petition]:
    visible = scope.petitions_visible_to(user)
    return (
        visible.filter(pk__in=found.petitions.values("pk"))
        .select_related("registered_org", "category")
        .order_by("-received_on", "-id")
    )
