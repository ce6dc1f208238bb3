"""Reads for the workbench: work queues, search, petitioner look-up, the petition page, the dashboard.

Access is decided in `xinfang.orgs.scope` only. Queues read the open stages held by the user's acting
orgs, which the partial indexes on open stages (`closed_on IS NULL`, by org and due date) serve; a
queue's size is bounded by the open work of one org, never by the size of the petition table.
Paging is keyset (the last row's sort value and id), so page 1,000 costs what page 1 costs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils.text import Truncator

from xinfang.core import refcache
from xinfang.core.crypto import blind_index
from xinfang.core.identity import IdentityError, normalize_phone, validate_id_number
from xinfang.orgs import scope
from xinfang.orgs.models import Org, OrgType, User
from xinfang.petitions import selectors as petition_selectors
from xinfang.petitions.models import (
    Category,
    Channel,
    Kind,
    Petition,
    Petitioner,
    Stage,
    StageKind,
    State,
    Urge,
)

PAGE_SIZE = 50
# What a queue line shows, read from the stage and its petition and org (the order `queue_page` unpacks).
QUEUE_COLUMNS = (
    "id",
    "petition_id",
    "petition__number",
    "petition__subject",
    "petition__channel",
    "petition__kind",
    "petition__received_on",
    "kind",
    "org__name",
    "due_on",
    "paused_since",
)
_CHOICES: dict[str, dict[str, str]] = {
    "channel": dict(Channel.choices),
    "kind": dict(Kind.choices),
    "step": dict(StageKind.choices),
}
COUNT_CAP = 1000  # queue tiles say "1000+" rather than count further


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    help: str
    # Which open stages the queue lists (a stage is held by the user's orgs and not an accusation
    # against them, `open_stages_for`) ...
    filter: Q
    # ... and the same rule over (stage kind, decided, petition registered by staff), which is what the
    # tile counts are grouped by (`_queue_tiles`; a test holds the two equal) ...
    holds: Callable[[str, bool, bool], bool]
    # ... and the stage kinds it can hold at all (a page is read kind by kind, `_first_due`).
    kinds: tuple[str, ...]


DECIDING = (StageKind.HANDLING, StageKind.REVIEW, StageKind.REEXAMINATION)
QUEUES: dict[str, Queue] = {
    q.key: q
    for q in (
        Queue(
            "intake",
            "待登记",
            "信访人网上提交、尚待工作人员核对登记的事项",
            Q(kind__in=(StageKind.TRIAGE, StageKind.NOTICE), petition__registered_by__isnull=True),
            lambda kind, decided, registered: kind in (StageKind.TRIAGE, StageKind.NOTICE) and not registered,
            (StageKind.TRIAGE, StageKind.NOTICE),
        ),
        Queue(
            "triage",
            "待转交",
            "信访部门登记后15日内转送、交办（第二十二条）",
            Q(kind=StageKind.TRIAGE, petition__registered_by__isnull=False),
            lambda kind, decided, registered: kind == StageKind.TRIAGE and registered,
            (StageKind.TRIAGE,),
        ),
        Queue(
            "notice",
            "待受理",
            "15日内书面告知是否受理，5个工作日内可提出异议（第二十三条）",
            Q(kind__in=(StageKind.NOTICE, StageKind.OBJECTION), petition__registered_by__isnull=False),
            lambda kind, decided, registered: kind in (StageKind.NOTICE, StageKind.OBJECTION) and registered,
            (StageKind.NOTICE, StageKind.OBJECTION),
        ),
        Queue(
            "handling",
            "办理中",
            "受理之日起60日内办结，可延期一次不超过30日（第三十四条）",
            Q(kind=StageKind.HANDLING, decided_on__isnull=True) | Q(kind=StageKind.REPORT),
            lambda kind, decided, registered: (
                (kind == StageKind.HANDLING and not decided) or kind == StageKind.REPORT
            ),
            (StageKind.HANDLING, StageKind.REPORT),
        ),
        Queue(
            "delivery",
            "待送达",
            "已出具意见书，尚待送达信访人",
            Q(kind__in=DECIDING, decided_on__isnull=False),
            lambda kind, decided, registered: kind in DECIDING and decided,
            DECIDING,
        ),
        Queue(
            "review",
            "复查复核",
            "收到请求之日起30日内提出复查、复核意见（第三十五条、第三十六条）",
            Q(kind__in=(StageKind.REVIEW, StageKind.REEXAMINATION), decided_on__isnull=True),
            lambda kind, decided, registered: (
                kind in (StageKind.REVIEW, StageKind.REEXAMINATION) and not decided
            ),
            (StageKind.REVIEW, StageKind.REEXAMINATION),
        ),
    )
}

SORTS: dict[str, tuple[str, bool]] = {
    # key: (stage field, descending)
    "due": ("due_on", False),
    "-due": ("due_on", True),
    "received": ("petition__received_on", False),
    "-received": ("petition__received_on", True),
}
SORT_LABELS = {"due": "期限最近", "-due": "期限最远", "received": "收到最早", "-received": "收到最新"}


@dataclass
class Filters:
    channel: str = ""
    kind: str = ""
    category: str = ""
    region: str = ""
    unit: int | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    q: str = ""
    state: str = ""
    overdue: bool = False


@dataclass
class QueueRow:
    """One line of a work queue, with the texts it shows already worked out (the page renders 50 of
    them: plain attributes cost the template a fraction of method calls and filters)."""

    stage_id: int
    petition_id: int
    number: str
    days_left: int | None
    overdue: bool
    near_due: bool
    paused: bool
    url: str = ""
    subject: str = ""
    channel: str = ""
    kind: str = ""
    received: str = ""
    step: str = ""
    org_name: str = ""
    due: str = ""


@dataclass
class Page:
    rows: list[Any]
    next_cursor: str | None
    first: bool


@dataclass
class QueueTile:
    key: str
    label: str
    help: str
    count: int
    capped: bool
    overdue: int
    near_due: int


def text_match(q: str) -> Q:
    """Subject/content contains q. On PostgreSQL this is served by the trigram index of this app's
    migration 0002 (UPPER(col) LIKE UPPER('%q%')); on SQLite it is a scan."""
    q = q.strip()
    match = Q(subject__icontains=q) | Q(content__icontains=q)
    if q.isascii() and len(q) <= 30:
        match |= Q(number=q)
    return match


def _petition_filters(filters: Filters, prefix: str = "") -> Q:
    cond = Q()
    p = prefix
    if filters.channel:
        cond &= Q(**{f"{p}channel": filters.channel})
    if filters.kind:
        cond &= Q(**{f"{p}kind": filters.kind})
    if filters.category:
        cond &= Q(**{f"{p}category__code": filters.category})
    if filters.region:
        cond &= Q(**{f"{p}region_code__startswith": filters.region})
    if filters.received_from:
        cond &= Q(**{f"{p}received_on__gte": filters.received_from})
    if filters.received_to:
        cond &= Q(**{f"{p}received_on__lte": filters.received_to})
    if filters.state:
        cond &= Q(**{f"{p}state": filters.state})
    return cond


def _prefixed(q: Q, prefix: str) -> Q:
    """Rewrite a Q over Petition fields to one over `prefix` + field."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    for child in q.children:
        if isinstance(child, Q):
            out.children.append(_prefixed(child, prefix))
        else:
            key, value = child  # type: ignore[misc]
            out.children.append((prefix + key, value))
    return out


def open_stages_for(user: User) -> QuerySet[Stage]:
    """Open stages held by the orgs the user acts for, minus accusations against those orgs (第三十条)."""
    acting = scope.acting_org_ids(user)
    return Stage.objects.filter(closed_on__isnull=True, org_id__in=acting).exclude(
        petition__accused_org_id__in=acting
    )


def _keyset(field_name: str, desc: bool, cursor: str | None, value_type: Callable[[str], Any]) -> Q:
    if not cursor:
        return Q()
    try:
        raw_value, raw_id = cursor.rsplit("|", 1)
        value, last_id = value_type(raw_value), int(raw_id)
    except ValueError:
        return Q()
    op = "lt" if desc else "gt"
    return Q(**{f"{field_name}__{op}": value}) | Q(**{field_name: value, f"id__{op}": last_id})


def _first_due(
    stages: QuerySet[Stage], orgs: list[int], kinds: tuple[str, ...], desc: bool, n: int
) -> list[int] | QuerySet[Stage, int]:
    """The ids of the first n stages by due date, read (org, kind) by (org, kind) and merged.

    Each (org, kind) is one range of the open-stage index on (org, kind, due_on), read in due order and
    stopped after n: a handful of short index scans. One statement over all of them would either sort
    every open stage of the org or, as PostgreSQL chose at 10M, walk the open stages of the whole city
    by due date looking for the org's (1.6 s for a tab the bureau holds nothing in).

    Where the database takes ORDER BY and LIMIT inside a UNION (PostgreSQL), the ranges are a UNION ALL
    that the page's own statement reads as a subquery (one round trip for the whole page); elsewhere
    they are read one by one and merged here. Either way the page re-sorts what they give.
    """
    order = ("-due_on", "-id") if desc else ("due_on", "id")
    ranges = [
        stages.filter(org_id=org, kind=kind).order_by(*order).values_list("id", flat=True)[:n]
        for org in orgs
        for kind in kinds
    ]
    if not ranges:
        return []
    if connection.features.supports_slicing_ordering_in_compound:
        return ranges[0].union(*ranges[1:], all=True) if len(ranges) > 1 else ranges[0]
    found: list[tuple[dt.date, int]] = []
    for part in ranges:
        found += part.values_list("due_on", "id")
    found.sort(reverse=desc)
    return [pk for _, pk in found[:n]]


def _petition_url() -> Callable[[int], str]:
    """The petition page's URL for an id: reversed once per page rather than once per line."""
    head, _, tail = reverse("web:petition", args=[0]).rpartition("0")
    return lambda pk: f"{head}{pk}{tail}"


def queue_page(
    user: User,
    queue: str,
    filters: Filters,
    *,
    sort: str = "due",
    cursor: str | None = None,
    on: dt.date | None = None,
    size: int = PAGE_SIZE,
) -> Page:
    on = on or petition_selectors.today()
    spec = QUEUES[queue]
    field_name, desc = SORTS.get(sort, SORTS["due"])
    qs = open_stages_for(user).filter(spec.filter)
    if petition_filters := _petition_filters(filters):
        qs = qs.filter(_prefixed(petition_filters, "petition__"))
    if filters.unit:
        qs = qs.filter(org_id=filters.unit)
    if filters.q:
        qs = qs.filter(_prefixed(text_match(filters.q), "petition__"))
    if filters.overdue:
        qs = qs.filter(due_on__lt=on, paused_since__isnull=True)
    if cursor:
        qs = qs.filter(_keyset(field_name, desc, cursor, dt.date.fromisoformat))
    order = [f"-{field_name}", "-id"] if desc else [field_name, "id"]
    if field_name == "due_on":
        acting = scope.acting_org_ids(user)
        orgs = sorted(acting & {filters.unit}) if filters.unit else sorted(acting)
        qs = Stage.objects.filter(pk__in=_first_due(qs, orgs, spec.kinds, desc, size + 1))
    # A line is a handful of columns: read as values, not as stage, petition and org instances.
    lines = list(qs.order_by(*order).values_list(*QUEUE_COLUMNS)[: size + 1])
    more = len(lines) > size
    lines = lines[:size]
    url_of = _petition_url()
    channels, kinds, steps = _CHOICES["channel"], _CHOICES["kind"], _CHOICES["step"]
    rows = []
    for (
        stage_id,
        petition_id,
        number,
        subject,
        channel,
        kind,
        received_on,
        step,
        org_name,
        due_on,
        paused,
    ) in lines:
        clock = petition_selectors.open_clock_status(due_on, paused is not None, on)
        rows.append(
            QueueRow(
                stage_id,
                petition_id,
                number,
                clock.days_left,
                clock.overdue,
                clock.near_due,
                clock.paused,
                url=url_of(petition_id),
                subject=Truncator(subject).chars(40),
                channel=channels.get(channel, channel),
                kind=kinds.get(kind, kind),
                received=received_on.isoformat(),
                step=steps.get(step, step),
                org_name=org_name,
                due=due_on.isoformat(),
            )
        )
    next_cursor = None
    if more and lines:
        last = lines[-1]
        # The sort's own column (a SORTS field is one of QUEUE_COLUMNS) and the stage id.
        next_cursor = f"{last[QUEUE_COLUMNS.index(field_name)].isoformat()}|{last[0]}"
    return Page(rows, next_cursor, first=not cursor)


TILE_CACHE_SECONDS = 30


def queue_tiles(user: User, on: dt.date | None = None) -> list[QueueTile]:
    """One aggregate over the open stages of the user's orgs (bounded by open work, not table size).

    The counts are shared by everyone acting for the same orgs and kept for 30 seconds: the aggregate
    is the costliest part of the queue page, and a count that is half a minute old misleads nobody
    (the rows below it are always live).
    """
    on = on or petition_selectors.today()
    key = "queue-tiles:{}:{}".format(",".join(map(str, sorted(scope.acting_org_ids(user)))), on.isoformat())
    cached: list[QueueTile] | None = cache.get(key)
    if cached is None:
        cached = _queue_tiles(user, on)
        cache.set(key, cached, TILE_CACHE_SECONDS)
    return cached


# Tile counts of open stages by (kind, decided): [stages, overdue, near due].
_Groups = dict[tuple[str, bool], list[int]]


def _tile_groups(stages: QuerySet[Stage], on: dt.date, near: dt.date) -> _Groups:
    running = Q(paused_since__isnull=True)
    rows = (
        stages.annotate(decided=ExpressionWrapper(Q(decided_on__isnull=False), output_field=BooleanField()))
        .values("kind", "decided")
        # Count kind (never null), not id: the id is not in the index, and reading it would visit the
        # table for every open stage.
        .annotate(
            n=Count("kind"),
            late=Count("kind", filter=running & Q(due_on__lt=on)),
            near=Count("kind", filter=running & Q(due_on__gte=on, due_on__lte=near)),
        )
        .order_by()
    )
    return {(r["kind"], r["decided"]): [r["n"], r["late"], r["near"]] for r in rows}


def _queue_tiles(user: User, on: dt.date) -> list[QueueTile]:
    """The tiles in three reads that leave the petitions of ordinary open work alone.

    Counting a bureau's open stages each with its petition (for the 第三十条 exclusion and the 待登记
    split) reads tens of thousands of petition rows spread over the whole table. Instead: (1) every
    open stage of the user's orgs by kind and decided, from the covering index on open stages
    (`stage_open_tiles`); (2) the few among them whose petition accuses one of those orgs (through the
    accused-org index), taken off; (3) the few whose petition was submitted online and still awaits
    registration (`petition_unregistered`), moved from 待转交/待受理 to 待登记.
    """
    acting = scope.acting_org_ids(user)
    near = on + dt.timedelta(days=settings.XINFANG_NEAR_DUE_DAYS)
    held = Stage.objects.filter(closed_on__isnull=True, org_id__in=acting)
    registered = _tile_groups(held, on, near)
    for key, counts in _tile_groups(held.filter(petition__accused_org_id__in=acting), on, near).items():
        registered[key] = [a - b for a, b in zip(registered[key], counts, strict=True)]
    waiting = _tile_groups(
        held.filter(petition__registered_by__isnull=True).exclude(petition__accused_org_id__in=acting),
        on,
        near,
    )
    for key, counts in waiting.items():
        registered[key] = [a - b for a, b in zip(registered[key], counts, strict=True)]
    groups = [(k, d, True, c) for (k, d), c in registered.items()]
    groups += [(k, d, False, c) for (k, d), c in waiting.items()]
    tiles = []
    for spec in QUEUES.values():
        n = late = near_due = 0
        for kind, decided, is_registered, (gn, glate, gnear) in groups:
            if spec.holds(kind, decided, is_registered):
                n, late, near_due = n + gn, late + glate, near_due + gnear
        tiles.append(
            QueueTile(spec.key, spec.label, spec.help, min(n, COUNT_CAP), n > COUNT_CAP, late, near_due)
        )
    return tiles


def urges_received(user: User, *, limit: int = 20) -> list[Urge]:
    """催办 addressed to the user's orgs and not yet handled."""
    acting = scope.acting_org_ids(user)
    return list(
        Urge.objects.filter(org_id__in=acting, handled_at__isnull=True)
        .exclude(petition__accused_org_id__in=acting)
        .select_related("petition")
        .only("on", "text", "petition", "petition__number")
        .order_by("-on", "-id")[:limit]
    )


def search_page(
    user: User, filters: Filters, *, sort: str = "-received", cursor: str | None = None, size: int = PAGE_SIZE
) -> Page:
    """Every petition the user may see, filtered; keyset paging on (received_on, id)."""
    desc = sort != "received"
    qs = scope.petitions_visible_to(user).filter(_petition_filters(filters))
    if filters.q:
        qs = qs.filter(text_match(filters.q))
    if filters.unit:
        qs = qs.filter(Exists(Stage.objects.filter(petition=OuterRef("pk"), org_id=filters.unit)))
    if filters.overdue:
        qs = qs.filter(petition_selectors.overdue_q())
    qs = qs.filter(_keyset("received_on", desc, cursor, dt.date.fromisoformat))
    order = ["-received_on", "-id"] if desc else ["received_on", "id"]
    rows = list(qs.select_related("category", "registered_org").order_by(*order)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    next_cursor = f"{rows[-1].received_on.isoformat()}|{rows[-1].pk}" if more and rows else None
    return Page(rows, next_cursor, first=not cursor)


# --- pickers ---------------------------------------------------------------------------------------


def categories() -> list[Category]:
    """The active categories (reference data, memoised per process like registration's, core/refcache.py)."""
    return refcache.memo(
        Category, "active-by-code", lambda: list(Category.objects.filter(is_active=True).order_by("code"))
    )


def region_orgs(user: User) -> list[Org]:
    """The orgs of the user's region (for a 信访部门/党委政府) or the user's own org's 党委政府 subtree.

    Every queue and form of the workbench lists them; the org tree changes a few times a year, so the
    list is kept per process (core/refcache.py: dropped at once when this process saves an org).
    """
    root = _region_root(user)
    if root is None:
        return []
    return refcache.memo(
        Org,
        f"subtree:{root.path}",
        lambda: list(Org.objects.filter(path__startswith=root.path, is_active=True).order_by("path")),
    )


def _region_root(user: User) -> Org | None:
    org = user.org
    if org is None:
        return None
    return org.region_root() if org.type in (OrgType.BUREAU, OrgType.PARTY_GOV) else (org.party_gov() or org)


def region_key(user: User) -> str:
    """What the region pickers depend on: the root of `region_orgs` (its path in the org tree)."""
    root = _region_root(user)
    return root.path if root is not None else ""


def regions(user: User) -> list[tuple[str, str]]:
    """Region codes (问题属地) the user's region covers, with a name, for the filter and the form."""
    seen: dict[str, str] = {}
    for org in region_orgs(user):
        if org.type in (OrgType.PARTY_GOV, OrgType.TOWNSHIP) and org.region_code not in seen:
            seen[org.region_code] = org.name.split(" ")[-1]
    return sorted(seen.items())


def transfer_targets(user: User) -> list[Org]:
    """Where a bureau may transfer/assign: the units of its region other than itself and its 党委政府."""
    acting = scope.acting_org_ids(user)
    return [o for o in region_orgs(user) if o.pk not in acting and o.type != OrgType.PARTY_GOV]


def refer_targets(user: User) -> list[Org]:
    return [o for o in region_orgs(user) if o.type in (OrgType.LEGAL, OrgType.DISCIPLINE)]


def review_targets(petition: Petition) -> list[Org]:
    """The 上一级机关 that may review the last decision (第三十五条, 第三十六条)."""
    decided = (
        petition.stages.filter(kind__in=DECIDING, decided_on__isnull=False)
        .select_related("org", "org__parent", "org__supervisor")
        .order_by("-id")
        .first()
    )
    if decided is None:
        return []
    return decided.org.superiors()


# --- earlier petitioners and intake suggestions ------------------------------------------------------


def _hashes(id_numbers: Sequence[str], phones: Sequence[str]) -> tuple[set[str], set[str]]:
    ids, tels = set(), set()
    for raw in id_numbers:
        try:
            ids.add(blind_index("id_number", validate_id_number(raw)))
        except IdentityError:
            continue
    for raw in phones:
        try:
            tels.add(blind_index("phone", normalize_phone(raw)))
        except IdentityError:
            continue
    return ids, tels


def earlier_petitioners(user: User, term: str, *, limit: int = 10) -> list[Petitioner]:
    """Petitioners on petitions this user may see whose ID number or phone equals `term`.

    The look-up goes through the blind indexes (the stored values are encrypted).
    """
    ids, tels = _hashes([term], [term])
    if not ids and not tels:
        return []
    match = Q()
    if ids:
        match |= Q(id_number_hash__in=ids)
    if tels:
        match |= Q(phone_hash__in=tels)
    visible = scope.petitions_visible_to(user).values("pk")
    return list(
        Petitioner.objects.filter(match, petition_id__in=visible)
        .select_related("petition")
        .order_by("-petition__received_on", "-id")[:limit]
    )


@dataclass
class IntakeSuggestions:
    similar: list[Petition] = field(default_factory=list)
    routing: list[dict[str, Any]] = field(default_factory=list)
    routing_available: bool = False


def routing_suggester() -> Callable[..., list[dict[str, Any]]] | None:
    """The seam for the smart-intake work: `xinfang.routing.selectors.suggest_for_text(user=, subject=,
    content=)` returning [{"kind", "category", "unit", "label", "score"}], used once it exists."""
    try:
        module = import_module("xinfang.routing.selectors")
    except ImportError:
        return None
    fn = getattr(module, "suggest_for_text", None)
    return fn if callable(fn) else None


def intake_suggestions(
    user: User, *, subject: str, content: str, id_numbers: Sequence[str], phones: Sequence[str]
) -> IntakeSuggestions:
    """While typing: the same petitioner's earlier petitions (repeat candidates) and routing hints."""
    result = IntakeSuggestions()
    ids, tels = _hashes(id_numbers, phones)
    if ids or tels:
        match = Q()
        if ids:
            match |= Q(id_number_hash__in=ids)
        if tels:
            match |= Q(phone_hash__in=tels)
        pids = Petitioner.objects.filter(match).values("petition_id")
        result.similar = list(
            scope.petitions_visible_to(user)
            .filter(pk__in=pids)
            .select_related("registered_org")
            .order_by("-received_on", "-id")[:10]
        )
    suggest = routing_suggester()
    if suggest is not None and (subject.strip() or content.strip()):
        result.routing_available = True
        result.routing = list(suggest(user=user, subject=subject, content=content))
    return result


# --- dashboard ---------------------------------------------------------------------------------------


@dataclass
class Dashboard:
    year: int
    received: int
    open: int
    overdue: int
    near_due: int
    on_time_rate: float | None
    by_channel_month: list[dict[str, Any]]
    months: list[str]
    channels: list[tuple[str, str]]
    overdue_by_unit: list[tuple[str, int]]
    top_categories: list[tuple[str, int]]


def dashboard(user: User, on: dt.date | None = None) -> Dashboard:
    """Counts for a supervisor's or leader's region over the last 12 months (DESIGN.md §7)."""
    on = on or petition_selectors.today()
    start = (on.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    visible = scope.petitions_visible_to(user)
    recent = visible.filter(received_on__gte=start, received_on__lte=on)
    org = user.org
    region = (scope.region_org_ids(org) if org else None) or sorted(scope.acting_org_ids(user))
    year_start = on.replace(month=1, day=1)
    received = visible.filter(received_on__gte=year_start, received_on__lte=on).count()
    open_stages = Stage.objects.filter(closed_on__isnull=True, org_id__in=region).exclude(
        kind=StageKind.REPORT
    )
    open_n = open_stages.values("petition_id").distinct().count()
    overdue = petition_selectors.overdue_stages(region, on)
    overdue_n = overdue.count()
    near_n = open_stages.filter(
        paused_since__isnull=True,
        due_on__gte=on,
        due_on__lte=on + dt.timedelta(days=settings.XINFANG_NEAR_DUE_DAYS),
    ).count()
    handling = Stage.objects.filter(
        kind=StageKind.HANDLING, org_id__in=region, due_on__gte=year_start, due_on__lte=on
    )
    due_n = handling.count()
    on_time = handling.filter(closed_on__isnull=False, closed_on__lte=F("due_on")).count()
    months: list[str] = []
    cursor = start
    while cursor <= on:
        months.append(cursor.strftime("%Y-%m"))
        cursor = (cursor + dt.timedelta(days=32)).replace(day=1)
    counts = {
        (row["month"].strftime("%Y-%m"), row["channel"]): row["n"]
        for row in recent.annotate(month=TruncMonth("received_on"))
        .values("month", "channel")
        .annotate(n=Count("id"))
        .order_by()
    }
    channels = [(c.value, c.label) for c in Channel]
    by_channel_month = [
        {"channel": value, "label": label, "data": [counts.get((m, value), 0) for m in months]}
        for value, label in channels
        if any(counts.get((m, value), 0) for m in months)
    ]
    units = overdue.values("org__name").annotate(n=Count("id")).order_by("-n", "org__name")[:15]
    cats = (
        recent.exclude(category=None)
        .values("category__name")
        .annotate(n=Count("id"))
        .order_by("-n", "category__name")[:10]
    )
    return Dashboard(
        year=on.year,
        received=received,
        open=open_n,
        overdue=overdue_n,
        near_due=near_n,
        on_time_rate=(on_time / due_n) if due_n else None,
        by_channel_month=by_channel_month,
        months=months,
        channels=channels,
        overdue_by_unit=[(u["org__name"], u["n"]) for u in units],
        top_categories=[(c["category__name"], c["n"]) for c in cats],
    )


# --- the petition page -------------------------------------------------------------------------------


@dataclass
class StageRow:
    stage: Stage
    days_left: int | None
    overdue: bool
    near_due: bool
    paused: bool
    explain: str


@dataclass
class PetitionPage:
    petition: Petition
    petitioners: list[Petitioner]
    stages: list[StageRow]
    events: list[Any]
    documents: list[Any]
    attachments: list[Any]
    intake: dict[str, Any]
    similar: list[petition_selectors.SimilarPetition]
    suggestions: list[dict[str, Any]]
    urges: list[Urge]
    overdue: bool
    near_due: bool
    may_reveal: bool


def petition_page(petition: Petition, user: User, on: dt.date | None = None) -> PetitionPage:
    from xinfang.web.models import Attachment, IntakeRecord

    on = on or petition_selectors.today()
    stages = list(petition.stages.select_related("org", "from_org").order_by("id"))
    rows = []
    for s in stages:
        clock = petition_selectors.clock_status(s, on)
        rows.append(StageRow(s, clock.days_left, clock.overdue, clock.near_due, clock.paused, _explain(s)))
    # Read once: the page lists them and the repeat look-ups take their keys from them.
    prefetch_related_objects([petition], Prefetch("petitioners", queryset=Petitioner.objects.order_by("id")))
    similar = petition_selectors.similar_petitions(petition, user)
    intake = IntakeRecord.objects.filter(petition=petition).values_list("details", flat=True).first()
    return PetitionPage(
        petition=petition,
        petitioners=list(petition.petitioners.all()),
        stages=rows,
        events=list(petition.events.select_related("actor", "org").order_by("id")),
        documents=list(petition.documents.select_related("to_org", "issuing_org").order_by("id")),
        attachments=list(Attachment.objects.filter(petition=petition).defer("data").order_by("id")),
        intake=intake or {},
        similar=similar,
        suggestions=petition_selectors.legal_suggestions(petition, similar),
        urges=list(petition.urges.order_by("-on", "-id")[:10]),
        overdue=any(r.overdue for r in rows),
        near_due=any(r.near_due for r in rows),
        may_reveal=scope.can_see_personal_data(user, petition),
    )


def _explain(stage: Stage) -> str:
    basis = stage.due_basis or {}
    text = basis.get("explain")
    if isinstance(text, str) and text:
        return text
    article = basis.get("article", "")
    days = basis.get("days", "")
    return f"{article} {days}日".strip() if article or days else ""


def states() -> list[tuple[str, str]]:
    return [(s.value, s.label) for s in State]
