"""The KPIs of DESIGN.md §7 for an org subtree and a period, as aggregate queries.

Every rate comes with its numerator and denominator; below `settings.XINFANG_MIN_SAMPLE` (default 10)
it is shown as "样本不足" instead of a percentage. Every figure here can be listed petition by petition
through `xinfang.reports.drilldown` with the same filters.

Membership rules (docs/reports.md):
- Volume (收到件数, 批次/人次, 重复信访率, break-downs by channel, kind, category, region, month): petitions
  *received* in the period that were registered in the subtree or held there at any stage (the same rule
  as xinfang.orgs.scope uses for a region).
- Per-unit figures (及时转交率, 及时受理率, 按期办结率, 按期答复率, 满意率, 参评率, by-unit tables,
  被投诉较多的单位): by the org that *held the stage*, so a matter moved between units counts at each
  unit for the stage it held.
- Timeliness (第二十二条, 第二十三条, 第三十四条): stages whose due date falls in the period; on time when
  closed on or before the due date (which already includes the extension and the paused days).
  A stage still open after its due date is not on time; a stage whose due date is still running (due
  today or later, open) is left out; a stage paused and still open is left out (its due date moves on
  resume); stages closed by the petitioner's withdrawal are left out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from xinfang.orgs.models import Org, OrgType
from xinfang.petitions.models import (
    Category,
    Channel,
    Kind,
    Outcome,
    Petition,
    Rating,
    Satisfaction,
    Stage,
    StageKind,
)

from .definitions import (
    DECIDING_KINDS,
    NOTICE_DUE_SLACK,
    ON_TIME,
    SATISFIED,
    STATUTORY_ROUTES,
    TIMELINESS,
    TOP_N,
    TRANSFER_OUTCOMES,
    in_evaluation_scope,
)
from .periods import Period


def min_sample() -> int:
    return int(getattr(settings, "XINFANG_MIN_SAMPLE", 10))


def rate(numerator: int, denominator: int, *, label: str = "") -> dict[str, Any]:
    """A rate with its parts; `value` is None below the minimum sample ("样本不足")."""
    sufficient = denominator > 0 and denominator >= min_sample()
    value = round(numerator / denominator, 4) if sufficient else None
    parts = f"{numerator}/{denominator}"
    display = f"{value * 100:.2f}%（{parts}）" if value is not None else f"样本不足（{parts}）"
    return {
        "label": label,
        "numerator": numerator,
        "denominator": denominator,
        "value": value,
        "insufficient_sample": not sufficient,
        "display": display,
    }


def change(current: int, previous: int, word: str) -> dict[str, Any]:
    """同比/环比 of a count: "同比下降35.15%", "同比持平", "同比增加12件" (no base last time)."""
    delta = current - previous
    pct = round(delta / previous * 100, 2) if previous else None
    if delta == 0:
        text = f"{word}持平"
    elif pct is None:
        text = f"{word}增加{delta}件"
    else:
        text = f"{word}{'上升' if delta > 0 else '下降'}{abs(pct):.2f}%"
    return {"previous": previous, "delta": delta, "pct": pct, "text": text}


def rate_change(current: dict[str, Any], previous: dict[str, Any], word: str) -> dict[str, Any]:
    """同比 of a rate in percentage points, only when both rates have enough sample."""
    if current["value"] is None or previous["value"] is None:
        return {"previous": previous["display"], "points": None, "text": f"{word}不可比（样本不足）"}
    points = round((current["value"] - previous["value"]) * 100, 2)
    if points == 0:
        text = f"{word}持平"
    else:
        text = f"{word}{'提高' if points > 0 else '降低'}{abs(points):.2f}个百分点"
    return {"previous": previous["display"], "points": points, "text": text}


# --- query sets (shared with the drill-down) ---------------------------------------------------------


def received(org_ids: list[int], period: Period) -> QuerySet[Petition]:
    """Petitions received in the period, registered in the subtree or held there at any stage."""
    held = Stage.objects.filter(petition=OuterRef("pk"), org_id__in=org_ids)
    return Petition.objects.filter(received_on__gte=period.start, received_on__lte=period.end).filter(
        Q(registered_org_id__in=org_ids) | Exists(held)
    )


def due_in(period: Period, *, today: dt.date) -> Q:
    """Stages due in the period that count for timeliness (see the module docstring)."""
    return (
        Q(due_on__gte=period.start, due_on__lte=period.end)
        & ~Q(outcome=Outcome.WITHDRAWN)
        & ~Q(closed_on__isnull=True, paused_since__isnull=False)
        & ~Q(closed_on__isnull=True, due_on__gte=today)
    )


def notice_opened_in(period: Period) -> Q:
    """受理告知 stages opened in the period: the unit was asked to answer a matter (被投诉单位)."""
    return Q(
        kind=StageKind.NOTICE,
        opened_on__gte=period.start,
        opened_on__lte=period.end,
        due_on__gte=period.start,
        due_on__lte=period.end + NOTICE_DUE_SLACK,
    )


def stages_due(org_ids: list[int], period: Period, *, today: dt.date) -> QuerySet[Stage]:
    return Stage.objects.filter(due_in(period, today=today), org_id__in=org_ids)


def ratings_given(org_ids: list[int], period: Period) -> QuerySet[Rating]:
    return Rating.objects.filter(on__gte=period.start, on__lte=period.end, stage__org_id__in=org_ids)


def replies_delivered(org_ids: list[int], period: Period) -> QuerySet[Stage]:
    """Written answers (意见书, 复查/复核意见) delivered in the period by units of the subtree, in scope."""
    return (
        Stage.objects.filter(
            kind__in=DECIDING_KINDS,
            org_id__in=org_ids,
            decided_on__isnull=False,
            closed_on__gte=period.start,
            closed_on__lte=period.end,
        )
        .exclude(outcome=Outcome.WITHDRAWN)
        .filter(in_evaluation_scope("petition__"))
    )


def overdue_as_of(period: Period, today: dt.date) -> dt.date:
    """The day at whose end overdue work is counted: the period's last day, or yesterday if later."""
    return min(period.end, today - dt.timedelta(days=1))


def stages_overdue(org_ids: list[int], as_of: dt.date) -> QuerySet[Stage]:
    """Stages held in the subtree that were past due and not closed at the end of `as_of`."""
    return (
        Stage.objects.filter(org_id__in=org_ids, due_on__lte=as_of, opened_on__lte=as_of)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=as_of))
        .exclude(closed_on__isnull=True, paused_since__isnull=False)
        .exclude(outcome=Outcome.WITHDRAWN)
    )


# --- figures -------------------------------------------------------------------------------------------
#
# The raw counts come from a `Figures` source: `LiveFigures` reads the petitions and their stages (the
# definition), `xinfang.reports.rollups.RollupFigures` the roll-up tables that the services keep equal to
# it. Both return the same rows; everything below turns them into the figures.


class Figures(Protocol):
    def volume_rows(self, periods: dict[str, Period]) -> list[dict[str, Any]]:
        """Per channel: `{name}_n`, `{name}_heads`, `{name}_repeats` for each named period."""
        ...

    def stage_rows(self, period: Period, *, today: dt.date) -> list[dict[str, Any]]:
        """Per (org_id, kind): due, on_time, due_yoy, on_time_yoy, held and the TRANSFER_OUTCOMES keys."""
        ...

    def rating_counts(self, period: Period) -> dict[str, int]:
        """total, satisfied, basic, unsatisfied and in_scope ratings given in the period."""
        ...

    def delivered(self, period: Period) -> int:
        """Distinct petitions in evaluation scope whose written answer was delivered in the period."""
        ...

    def breakdown_counts(self, period: Period) -> dict[str, dict[Any, int]]:
        """Petitions received, by kind, category_id, region_code and month (first day), counts > 0."""
        ...


def received_in(org_ids: list[int], periods: list[Period]) -> QuerySet[Petition]:
    held = Stage.objects.filter(petition=OuterRef("pk"), org_id__in=org_ids)
    when = Q()
    for p in periods:
        when |= Q(received_on__gte=p.start, received_on__lte=p.end)
    return Petition.objects.filter(when).filter(Q(registered_org_id__in=org_ids) | Exists(held))


class LiveFigures:
    """The figures straight from the petitions, stages and ratings: the definition of every count."""

    def __init__(self, org_ids: list[int]) -> None:
        self.org_ids = org_ids

    def volume_rows(self, periods: dict[str, Period]) -> list[dict[str, Any]]:
        aggregates: dict[str, Any] = {}
        for name, p in periods.items():
            inside = Q(received_on__gte=p.start, received_on__lte=p.end)
            aggregates[f"{name}_n"] = Count("id", filter=inside)
            aggregates[f"{name}_heads"] = Sum("headcount", filter=inside)
            aggregates[f"{name}_repeats"] = Count("id", filter=inside & Q(is_repeat=True))
        return list(
            received_in(self.org_ids, list(periods.values()))
            .order_by()
            .values("channel")
            .annotate(**aggregates)
        )

    def stage_rows(self, period: Period, *, today: dt.date) -> list[dict[str, Any]]:
        last_year = period.year_before()
        current, previous = due_in(period, today=today), due_in(last_year, today=today)
        is_triage = Q(kind=StageKind.TRIAGE)
        aggregates: dict[str, Any] = {
            "due": Count("id", filter=current),
            "on_time": Count("id", filter=current & ON_TIME),
            "due_yoy": Count("id", filter=previous),
            "on_time_yoy": Count("id", filter=previous & ON_TIME),
            # Stages, not distinct petitions: a unit opens one 受理告知 stage per matter sent to it (a second
            # one only when the same matter comes back), and a plain count keeps the query parallel.
            "held": Count("id", filter=notice_opened_in(period)),
        }
        for key, outcome in TRANSFER_OUTCOMES.items():
            aggregates[key] = Count("id", filter=current & is_triage & Q(outcome=outcome))
        return list(
            Stage.objects.filter(
                org_id__in=self.org_ids,
                due_on__gte=last_year.start,
                due_on__lte=period.end + NOTICE_DUE_SLACK,
            )
            .order_by()
            .values("org_id", "kind")
            .annotate(**aggregates)
        )

    def rating_counts(self, period: Period) -> dict[str, int]:
        row = ratings_given(self.org_ids, period).aggregate(
            total=Count("id"),
            satisfied=Count("id", filter=Q(satisfaction=Satisfaction.SATISFIED)),
            basic=Count("id", filter=Q(satisfaction=Satisfaction.BASIC)),
            unsatisfied=Count("id", filter=Q(satisfaction=Satisfaction.UNSATISFIED)),
            in_scope=Count("id", filter=in_evaluation_scope("petition__")),
        )
        return {k: int(v or 0) for k, v in row.items()}

    def delivered(self, period: Period) -> int:
        return replies_delivered(self.org_ids, period).values("petition_id").distinct().count()

    def breakdown_counts(self, period: Period) -> dict[str, dict[Any, int]]:
        rows = list(
            received(self.org_ids, period)
            .order_by()
            .annotate(m=TruncMonth("received_on"))
            .values("kind", "category_id", "region_code", "m")
            .annotate(n=Count("id"))
        )
        counts: dict[str, dict[Any, int]] = {"kind": {}, "category": {}, "region": {}, "month": {}}
        for r in rows:
            for name, field in (("kind", "kind"), ("category", "category_id"), ("region", "region_code")):
                counts[name][r[field]] = counts[name].get(r[field], 0) + int(r["n"])
            month = dt.date(r["m"].year, r["m"].month, 1)
            counts["month"][month] = counts["month"].get(month, 0) + int(r["n"])
        return counts


def volumes(figures: Figures, periods: dict[str, Period]) -> dict[str, dict[str, Any]]:
    """Volume by channel, 批次/人次 of visits and repeats, for several periods in one pass."""
    rows = figures.volume_rows(periods)
    out: dict[str, dict[str, Any]] = {}
    for name in periods:
        by_channel = {c: 0 for c in Channel.values}
        repeats = visit_heads = 0
        for r in rows:
            by_channel[r["channel"]] = int(r[f"{name}_n"])
            repeats += int(r[f"{name}_repeats"])
            if r["channel"] == Channel.VISIT:
                visit_heads = int(r[f"{name}_heads"] or 0)
        out[name] = {
            "total": sum(by_channel.values()),
            "by_channel": by_channel,
            "visit_batches": by_channel[Channel.VISIT],
            "visit_persons": visit_heads,
            "repeats": repeats,
        }
    return out


def stage_figures(figures: Figures, period: Period, *, today: dt.date) -> dict[str, Any]:
    """Per (unit, stage kind), for this period and a year before.

    - due / on_time: the timeliness KPIs (this period and 同比);
    - held: 受理告知 stages the unit opened in the period (被投诉较多的单位);
    - transferred / assigned / referred / escalated: triage stages due in the period, by how they ended
      (转送、交办、移送、报请; 第二十二条).
    """
    rows = figures.stage_rows(period, today=today)

    def summed(field: str, kinds: tuple[str, ...], org_id: int | None = None) -> int:
        return sum(
            int(r[field]) for r in rows if r["kind"] in kinds and (org_id is None or r["org_id"] == org_id)
        )

    totals: dict[str, dict[str, Any]] = {}
    units: dict[int, dict[str, dict[str, Any]]] = {}
    for key, (label, kinds, basis) in TIMELINESS.items():
        due, ok = summed("due", kinds), summed("on_time", kinds)
        current_rate = rate(ok, due, label=label)
        previous_rate = rate(summed("on_time_yoy", kinds), summed("due_yoy", kinds), label=label)
        totals[key] = {
            **current_rate,
            "basis": basis,
            "late": due - ok,
            "yoy": rate_change(current_rate, previous_rate, "同比"),
        }
        for org_id in {r["org_id"] for r in rows if r["kind"] in kinds and r["due"]}:
            u_due, u_ok = summed("due", kinds, org_id), summed("on_time", kinds, org_id)
            units.setdefault(org_id, {})[key] = {**rate(u_ok, u_due, label=label), "late": u_due - u_ok}
    held: dict[int, int] = {}
    for r in rows:
        if r["held"]:
            held[r["org_id"]] = held.get(r["org_id"], 0) + int(r["held"])
    transfers = {key: summed(key, (StageKind.TRIAGE,)) for key in TRANSFER_OUTCOMES}
    return {"totals": totals, "units": units, "held": held, "transfers": transfers}


def satisfaction(figures: Figures, period: Period) -> dict[str, Any]:
    row = figures.rating_counts(period)
    delivered = figures.delivered(period)
    total = row["total"]
    good = row["satisfied"] + row["basic"]
    return {
        "ratings": {
            "satisfied": row["satisfied"],
            "basic": row["basic"],
            "unsatisfied": row["unsatisfied"],
            "total": total,
        },
        "satisfaction_rate": rate(good, total, label="满意率"),
        "participation_rate": rate(row["in_scope"], delivered, label="参评率"),
    }


def breakdowns(figures: Figures, period: Period) -> dict[str, list[dict[str, Any]]]:
    """By kind, category, region (问题属地) and month."""
    counts = figures.breakdown_counts(period)
    kinds = dict(Kind.choices)
    names = dict(Category.objects.values_list("id", "name"))
    region_names = _region_names()

    def ordered(found: dict[Any, int]) -> list[tuple[Any, int]]:
        return sorted(found.items(), key=lambda kv: (-kv[1], str(kv[0] or "")))

    return {
        "kind": [{"key": k, "label": kinds.get(k, k), "n": n} for k, n in ordered(counts["kind"])],
        "category": [
            {"key": k or "", "label": names.get(k, "未分类"), "n": n} for k, n in ordered(counts["category"])
        ],
        "region": [
            {"key": k, "label": region_names.get(k, k or "未填"), "n": n}
            for k, n in ordered(counts["region"])
        ],
        "month": [
            {"key": _month_key(m), "label": f"{m.year}年{m.month}月", "n": n}
            for m, n in sorted(counts["month"].items())
        ],
    }


def _month_key(value: dt.date | dt.datetime) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def _region_names() -> dict[str, str]:
    """GB/T 2260 code → the name of the 党委政府 or 乡镇街道 that governs it."""
    rows = Org.objects.filter(type__in=(OrgType.PARTY_GOV, OrgType.TOWNSHIP)).values_list(
        "region_code", "name"
    )
    return {code: name for code, name in rows}


def units_table(held: dict[int, int], timely: dict[int, dict[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    ids = set(held) | set(timely)
    orgs = {o.pk: o for o in Org.objects.filter(pk__in=ids)}
    rows: list[dict[str, Any]] = []
    for org_id in ids:
        org = orgs[org_id]
        figures = timely.get(org_id, {})
        rows.append(
            {
                "org_id": org_id,
                "code": org.code,
                "name": org.name,
                "type": org.type,
                "petitions": held.get(org_id, 0),
                **{
                    key: figures.get(key, rate(0, 0, label=label))
                    for key, (label, _, _) in TIMELINESS.items()
                },
            }
        )
    rows.sort(key=lambda r: (-r["petitions"], r["code"]))
    return rows


def petition_stats(
    org_ids: list[int], period: Period, *, today: dt.date, figures: Figures | None = None
) -> dict[str, Any]:
    """Everything the statistics page and GET /api/v1/stats/ show about petitions.

    `figures` is where the counts come from (default: the live queries over `org_ids`).
    """
    source: Figures = figures if figures is not None else LiveFigures(org_ids)
    last_year, before = period.year_before(), period.before()
    vols = volumes(source, {"current": period, "yoy": last_year, "mom": before})
    vol, vol_yoy, vol_mom = vols["current"], vols["yoy"], vols["mom"]
    stages = stage_figures(source, period, today=today)
    sat = satisfaction(source, period)
    units = units_table(stages["held"], stages["units"])
    complained = [u for u in units if u["type"] not in (OrgType.BUREAU, OrgType.PARTY_GOV) and u["petitions"]]
    parts = breakdowns(source, period)
    channel_labels = dict(Channel.choices)
    kpis: dict[str, Any] = dict(stages["totals"])
    kpis["satisfaction_rate"] = sat["satisfaction_rate"]
    kpis["participation_rate"] = sat["participation_rate"]
    kpis["repeat_rate"] = rate(vol["repeats"], vol["total"], label="重复信访率")
    return {
        "volume": {
            "total": vol["total"],
            "yoy": change(vol["total"], vol_yoy["total"], "同比"),
            "mom": change(vol["total"], vol_mom["total"], "环比"),
            "by_channel": [
                {
                    "key": c,
                    "label": channel_labels[c],
                    "n": vol["by_channel"][c],
                    "yoy": change(vol["by_channel"][c], vol_yoy["by_channel"][c], "同比"),
                    "mom": change(vol["by_channel"][c], vol_mom["by_channel"][c], "环比"),
                }
                for c in Channel.values
            ],
            "visit_batches": vol["visit_batches"],
            "visit_batches_yoy": change(vol["visit_batches"], vol_yoy["visit_batches"], "同比"),
            "visit_persons": vol["visit_persons"],
            "visit_persons_yoy": change(vol["visit_persons"], vol_yoy["visit_persons"], "同比"),
            "repeats": vol["repeats"],
        },
        "kpis": kpis,
        "ratings": sat["ratings"],
        "transfers": stages["transfers"],
        "breakdowns": {
            "channel": [
                {"key": c, "label": channel_labels[c], "n": vol["by_channel"][c]} for c in Channel.values
            ],
            **parts,
            "unit": units,
        },
        "top_units": [
            {"org_id": u["org_id"], "code": u["code"], "name": u["name"], "n": u["petitions"]}
            for u in complained[:TOP_N]
        ],
        "top_categories": [c for c in parts["category"] if c["key"] != ""][:TOP_N],
        "compared_with": {
            "yoy": {"from": last_year.start.isoformat(), "to": last_year.end.isoformat()},
            "mom": {"from": before.start.isoformat(), "to": before.end.isoformat()},
        },
    }


__all__ = [
    "DECIDING_KINDS",
    "ON_TIME",
    "SATISFIED",
    "STATUTORY_ROUTES",
    "TIMELINESS",
    "TRANSFER_OUTCOMES",
    "Figures",
    "LiveFigures",
    "in_evaluation_scope",
    "petition_stats",
    "rate",
    "received",
    "stages_due",
    "stages_overdue",
]
