"""Each petition's contribution to the statistics' roll-ups, kept exact in the transaction that changes it.

Every petition service records its act through `xinfang.petitions.services._base.record` once its writes
are done, and that function calls `petition_facts_refresh(petition_id)`, which

1. reads, in one statement, what the petition contributed so far (`PetitionFact`, row-locked), the
   petition, its stages with their ratings, and the ancestors of every unit involved (`OrgPath`);
2. computes what it contributes now (`Facts`, through the same rules as the live queries of
   `selectors`), and
3. if that changed, stores it and adds the difference to the roll-ups, one upsert per roll-up table that
   changed (on PostgreSQL all of it in one statement).

The service holds the petition's row lock, so two refreshes of one petition never interleave; roll-up
rows are written table by table in key order, so two transactions never wait for each other in a cycle;
the first statement locks the petition's stored facts, which is where a service waits while `xinfang
stats rebuild` runs (rebuild.py). A petition deleted through the ORM (only the benchmarks' clean-up does
that) takes its contribution with it (`petition_facts_forget`, connected in apps.py).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Model

from xinfang.orgs.models import Org
from xinfang.petitions.models import Outcome, Petition, Rating, Stage, StageKind

from .definitions import DECIDING_KINDS, TIMED_KINDS, TRANSFER_OUTCOMES, is_in_evaluation_scope
from .models import (
    BreakdownDay,
    DeliveryDay,
    NoticeDay,
    OrgPath,
    PetitionFact,
    RatingDay,
    StageDay,
    StageStatus,
    VolumeDay,
)

# "No earlier delivery" in DeliveryDay.previous: before any period's start.
NO_PREVIOUS = dt.date(1, 1, 1)
TRANSFER_OUTCOME_VALUES = frozenset(TRANSFER_OUTCOMES.values())

# Roll-up table → (key columns, counter columns).
ROLLUPS: dict[type[Model], tuple[tuple[str, ...], tuple[str, ...]]] = {
    VolumeDay: (("root_id", "day", "channel"), ("petitions", "persons", "repeats")),
    BreakdownDay: (("root_id", "day", "dimension", "key"), ("petitions",)),
    DeliveryDay: (("root_id", "day", "previous"), ("petitions",)),
    StageDay: (("org_id", "due_on", "kind", "status", "outcome"), ("stages",)),
    NoticeDay: (("org_id", "opened_on", "due_on"), ("stages",)),
    RatingDay: (("org_id", "day", "satisfaction", "in_scope"), ("ratings",)),
}
Key = tuple[Any, ...]
Counts = tuple[int, ...]
Contribution = dict[type[Model], dict[Key, Counts]]


class PetitionRow(NamedTuple):
    id: int
    received_on: dt.date
    channel: str
    kind: str
    route: str
    category_id: int | None
    region_code: str
    headcount: int
    is_repeat: bool
    registered_org_id: int


class StageRow(NamedTuple):
    id: int
    petition_id: int
    kind: str
    org_id: int
    opened_on: dt.date
    due_on: dt.date
    closed_on: dt.date | None
    outcome: str
    decided_on: dt.date | None
    paused_since: dt.date | None
    rated_on: dt.date | None
    satisfaction: str | None


PETITION_FIELDS = tuple(PetitionRow._fields)
STAGE_FIELDS = (*StageRow._fields[:-2], "rating__on", "rating__satisfaction")

Ancestors = Callable[[int], tuple[int, ...]]


@dataclass(frozen=True)
class Facts:
    """What one petition contributes to the roll-ups (DESIGN.md §7 rules, docs/reports.md).

    - `roots`: every org whose subtree the petition touched (registered there or held a stage there):
      the units themselves and all their ancestors. Volume and break-downs count it once under each.
    - `stages`: one StageDay key per stage that a timeliness figure may count: (org, due_on, kind, status,
      outcome). Withdrawn stages and open paused ones are left out, as the live queries leave them out.
    - `notices`: (org, opened_on, due_on) of every 受理告知 stage (被投诉较多的单位 counts all of them).
    - `ratings`: (org of the rated answer, day, satisfaction, petition in evaluation scope).
    - `deliveries`: (root, day, previous day) of each written answer delivered, for petitions in
      evaluation scope (参评率's denominator counts distinct petitions).
    """

    day: dt.date
    channel: str
    kind: str
    category: str
    region: str
    persons: int
    repeat: bool
    roots: tuple[int, ...]
    stages: tuple[tuple[int, dt.date, str, str, str], ...]
    notices: tuple[tuple[int, dt.date, dt.date], ...]
    ratings: tuple[tuple[int, dt.date, str, bool], ...]
    deliveries: tuple[tuple[int, dt.date, dt.date], ...]

    def dumps(self) -> str:
        """Compact JSON; days as ordinals (date.toordinal), which is what makes a million of them quick."""
        return json.dumps(
            [
                self.day.toordinal(),
                self.channel,
                self.kind,
                self.category,
                self.region,
                self.persons,
                int(self.repeat),
                self.roots,
                [(o, d.toordinal(), k, s, oc) for o, d, k, s, oc in self.stages],
                [(o, a.toordinal(), b.toordinal()) for o, a, b in self.notices],
                [(o, d.toordinal(), s, int(i)) for o, d, s, i in self.ratings],
                [(r, d.toordinal(), p.toordinal()) for r, d, p in self.deliveries],
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def loads(cls, text: str) -> Facts:
        day, channel, kind, category, region, persons, repeat, roots, stages, notices, ratings, deliveries = (
            json.loads(text)
        )
        date = dt.date.fromordinal
        return cls(
            day=date(day),
            channel=channel,
            kind=kind,
            category=category,
            region=region,
            persons=persons,
            repeat=bool(repeat),
            roots=tuple(roots),
            stages=tuple((o, date(d), k, s, oc) for o, d, k, s, oc in stages),
            notices=tuple((o, date(a), date(b)) for o, a, b in notices),
            ratings=tuple((o, date(d), s, bool(i)) for o, d, s, i in ratings),
            deliveries=tuple((r, date(d), date(p)) for r, d, p in deliveries),
        )


# Plain strings for the loop below, which runs a million times in a rebuild.
WITHDRAWN = str(Outcome.WITHDRAWN.value)
TRIAGE, NOTICE = str(StageKind.TRIAGE.value), str(StageKind.NOTICE.value)
TIMED = frozenset(str(k) for k in TIMED_KINDS)
DECIDING = frozenset(str(k) for k in DECIDING_KINDS)
OPEN, ON_TIME, LATE = (str(s.value) for s in (StageStatus.OPEN, StageStatus.ON_TIME, StageStatus.LATE))
TRANSFERS = frozenset(str(o) for o in TRANSFER_OUTCOME_VALUES)


def stage_status(stage: StageRow) -> str | None:
    """The StageDay status of a stage, or None when no timeliness figure may ever count it.

    Mirrors `selectors.due_in`: withdrawn stages are left out; an open paused stage is left out (its
    due date moves on resume); an open running stage counts (as late) once its due date has passed,
    which the reader decides with the day it reports on.
    """
    if stage.outcome == WITHDRAWN or stage.kind not in TIMED:
        return None
    if stage.closed_on is None:
        return None if stage.paused_since is not None else OPEN
    return ON_TIME if stage.closed_on <= stage.due_on else LATE


def facts_of(petition: PetitionRow, stages: Iterable[StageRow], ancestors: Ancestors) -> Facts:
    """The petition's contribution, from its current rows (the same rules as the live queries)."""
    ordered = sorted(stages)  # by stage id, the first field
    in_scope = is_in_evaluation_scope(petition.is_repeat, petition.route)
    touched = {petition.registered_org_id, *(s.org_id for s in ordered)}
    roots = sorted({a for org in touched for a in ancestors(org)})
    timed: list[tuple[int, dt.date, str, str, str]] = []
    notices: list[tuple[int, dt.date, dt.date]] = []
    ratings: list[tuple[int, dt.date, str, bool]] = []
    delivered: list[tuple[dt.date, int, int]] = []
    for s in ordered:
        status = stage_status(s)
        if status is not None:
            outcome = s.outcome if s.kind == TRIAGE and s.outcome in TRANSFERS else ""
            timed.append((s.org_id, s.due_on, s.kind, status, outcome))
        if s.kind == NOTICE:
            notices.append((s.org_id, s.opened_on, s.due_on))
        if s.rated_on is not None and s.satisfaction is not None:
            ratings.append((s.org_id, s.rated_on, s.satisfaction, in_scope))
        if (
            in_scope
            and s.closed_on is not None
            and s.decided_on is not None
            and s.kind in DECIDING
            and s.outcome != WITHDRAWN
        ):
            delivered.append((s.closed_on, s.id, s.org_id))
    deliveries: list[tuple[int, dt.date, dt.date]] = []
    if delivered:
        delivered.sort()  # by delivery day, then stage id
        for root in roots:
            previous = NO_PREVIOUS
            for closed_on, _, org_id in delivered:
                if root in ancestors(org_id):
                    deliveries.append((root, closed_on, previous))
                    previous = closed_on
    return Facts(
        day=petition.received_on,
        channel=petition.channel,
        kind=petition.kind,
        category="" if petition.category_id is None else str(petition.category_id),
        region=petition.region_code,
        persons=petition.headcount,
        repeat=petition.is_repeat,
        roots=tuple(roots),
        stages=tuple(timed),
        notices=tuple(notices),
        ratings=tuple(ratings),
        deliveries=tuple(deliveries),
    )


def _add(into: dict[Key, Counts], key: Key, counts: Counts) -> None:
    had = into.get(key)
    into[key] = counts if had is None else tuple(a + b for a, b in zip(had, counts, strict=True))


def contribute(facts: Facts, into: Contribution, sign: int = 1, *, volume: bool = True) -> None:
    """Add (sign=1) or take away (sign=-1) the petition's counts to `into`, per roll-up table and key
    (`volume=False`: all but the by-subtree volume and break-downs, which the rebuild adds up in bulk)."""
    volumes, breakdown = into.setdefault(VolumeDay, {}), into.setdefault(BreakdownDay, {})
    for root in facts.roots if volume else ():
        _add(
            volumes, (root, facts.day, facts.channel), (sign, sign * facts.persons, sign * int(facts.repeat))
        )
        _add(breakdown, (root, facts.day, "kind", facts.kind), (sign,))
        _add(breakdown, (root, facts.day, "category", facts.category), (sign,))
        _add(breakdown, (root, facts.day, "region", facts.region), (sign,))
    for table, keys in (
        (StageDay, facts.stages),
        (NoticeDay, facts.notices),
        (RatingDay, facts.ratings),
        (DeliveryDay, facts.deliveries),
    ):
        counts = into.setdefault(table, {})
        for key in keys:
            _add(counts, key, (sign,))


def difference(old: Facts | None, new: Facts | None) -> Contribution:
    """new − old, per table, without the keys whose counts did not change."""
    delta: Contribution = {}
    if new is not None:
        contribute(new, delta)
    if old is not None:
        contribute(old, delta, sign=-1)
    return {
        table: {k: c for k, c in rows.items() if any(c)}
        for table, rows in delta.items()
        if any(any(c) for c in rows.values())
    }


def _sql_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    return value


Statement = tuple[str, list[Any]]


def upserts(delta: Mapping[type[Model], Mapping[Key, Counts]]) -> list[Statement]:
    """The statements that add the counts to the roll-ups: one `INSERT … ON CONFLICT … DO UPDATE SET
    n = n + excluded.n` per table that changes (PostgreSQL and SQLite alike), tables in a fixed order
    and rows in key order, so that concurrent writers lock shared counters in the same order."""
    qn = connection.ops.quote_name
    statements: list[Statement] = []
    for table, (keys, counters) in ROLLUPS.items():
        rows = delta.get(table)
        if not rows:
            continue
        name = qn(table._meta.db_table)
        columns = (*keys, *counters)
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        ordered = sorted(rows.items(), key=lambda kv: tuple(str(v) for v in kv[0]))
        sql = (
            f"INSERT INTO {name} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608 - our own identifiers
            f"VALUES {', '.join([one] * len(ordered))} "
            f"ON CONFLICT ({', '.join(qn(c) for c in keys)}) DO UPDATE SET "
            + ", ".join(f"{qn(c)} = {name}.{qn(c)} + EXCLUDED.{qn(c)}" for c in counters)
        )
        statements.append((sql, [_sql_value(v) for key, counts in ordered for v in (*key, *counts)]))
    return statements


def execute(statements: list[Statement]) -> None:
    """Run the writes of one refresh: on PostgreSQL as one statement (each write a data-modifying WITH
    query, run in one fixed order), elsewhere one after the other."""
    if not statements:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(statements) > 1:
            queries = ", ".join(f"w{i} AS ({sql})" for i, (sql, _) in enumerate(statements))
            cursor.execute(f"WITH {queries} SELECT 1", [p for _, params in statements for p in params])
            return
        for sql, params in statements:
            cursor.execute(sql, params)


# --- one petition ------------------------------------------------------------------------------------


def _prefixes(path: str) -> list[str]:
    """ "/a/b/c/" → ["/a/", "/a/b/", "/a/b/c/"]: the paths of an org and its ancestors."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _ancestors_of(orgs: Iterable[int]) -> tuple[dict[int, tuple[int, ...]], list[OrgPath]]:
    """Ancestors (and self) of orgs the tree snapshot (OrgPath) does not know yet, read from the tree,
    and their OrgPath rows to record (so that a later move in the tree is noticed)."""
    paths = dict(Org.objects.filter(pk__in=list(orgs)).values_list("id", "path"))
    wanted = {p for path in paths.values() for p in _prefixes(path)}
    by_path = dict(Org.objects.filter(path__in=wanted).values_list("path", "id"))
    chains = {org: chain(path, by_path) for org, path in paths.items()}
    return chains, [OrgPath(org_id=org, path=paths[org], ancestors=list(chains[org])) for org in paths]


def chain(path: str, by_path: Mapping[str, int]) -> tuple[int, ...]:
    """The ids of an org (by its path) and of its ancestors, root first."""
    return tuple(by_path[p] for p in _prefixes(path) if p in by_path)


# --- the refresh's statements ------------------------------------------------------------------------
# Written out rather than built by the ORM: they run on every act, and building and compiling the
# equivalent querysets took longer than PostgreSQL takes to answer them (measured on the benchmark
# database). Identifiers come from the models; values are always parameters.


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@functools.cache
def _statements(vendor: str) -> dict[str, str]:
    """The statements for this database backend (`vendor` is the cache key)."""
    q = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    stage, petition, rating = (_table(m) for m in (Stage, Petition, Rating))
    stage_cols = ", ".join(
        f"s.{q(c)}" for c in ("id", "petition_id", "kind", "org_id", "opened_on", "due_on", "closed_on")
    )
    stage_cols += ", " + ", ".join(f"s.{q(c)}" for c in ("outcome", "decided_on", "paused_since"))
    petition_cols = ", ".join(f"p.{q(c)}" for c in PETITION_FIELDS[1:])
    fact_row = f"SELECT {q('facts')} FROM {_table(PetitionFact)} WHERE {q('petition_id')} = %s"  # noqa: S608
    if lock:  # PostgreSQL: the lock in a WITH query, read by the subquery
        facts, stored = f"WITH f AS ({fact_row}{lock})", f"(SELECT f.{q('facts')} FROM f)"  # noqa: S608
    else:
        facts, stored = "", f"({fact_row})"
    return {
        "stored": f"SELECT {q('facts')} FROM {_table(PetitionFact)} WHERE {q('petition_id')} = %s{lock}",  # noqa: S608
        # One statement: the stored facts, row-locked (while `xinfang stats rebuild` holds the roll-up
        # tables, the service waits here, before it has written anything the rebuild reads, and then
        # reads what the rebuild wrote); the stages with their ratings and the petition's fields; the
        # ancestors of each unit as the tree snapshot has them. Four relations and two scalar
        # subqueries: a wider join costs more to plan than to run.
        "read": (
            f"{facts} SELECT {stage_cols}, r.{q('on')}, r.{q('satisfaction')}, {petition_cols}, "  # noqa: S608
            f"sp.{q('ancestors')}, (SELECT rp.{q('ancestors')} FROM {_table(OrgPath)} rp "
            f"WHERE rp.{q('org_id')} = p.{q('registered_org_id')}), {stored} "
            f"FROM {stage} s "
            f"JOIN {petition} p ON p.{q('id')} = s.{q('petition_id')} "
            f"LEFT JOIN {rating} r ON r.{q('stage_id')} = s.{q('id')} "
            f"LEFT JOIN {_table(OrgPath)} sp ON sp.{q('org_id')} = s.{q('org_id')} "
            f"WHERE s.{q('petition_id')} = %s ORDER BY s.{q('id')}"
        ),
        "insert": f"INSERT INTO {_table(PetitionFact)} ({q('petition_id')}, {q('facts')}) VALUES (%s, %s)",  # noqa: S608
        "update": f"UPDATE {_table(PetitionFact)} SET {q('facts')} = %s WHERE {q('petition_id')} = %s",  # noqa: S608
        "delete": f"DELETE FROM {_table(PetitionFact)} WHERE {q('petition_id')} = %s",  # noqa: S608
    }


def _sql(name: str) -> str:
    return _statements(connection.vendor)[name]


def _day(value: Any) -> dt.date | None:
    """A nullable date column as read by a raw cursor (SQLite gives text)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _date(value: Any) -> dt.date:
    day = _day(value)
    assert day is not None
    return day


def _ids(value: Any) -> tuple[int, ...]:
    """OrgPath.ancestors as read by a raw cursor (PostgreSQL gives a list, SQLite text)."""
    if value is None:
        return ()
    return tuple(json.loads(value) if isinstance(value, str) else value)


def _stored(petition_id: int) -> str | None:
    """The petition's stored facts, row-locked (see the "read" statement)."""
    with connection.cursor() as cursor:
        cursor.execute(_sql("stored"), [petition_id])
        row = cursor.fetchone()
    return None if row is None else str(row[0])


class Read(NamedTuple):
    petition: PetitionRow
    stages: list[StageRow]
    chains: dict[int, tuple[int, ...]]  # the ancestors the tree snapshot has for each unit involved
    unknown: set[int]  # the units it does not have yet
    stored: str | None  # the facts stored for the petition


def _read(petition_id: int) -> Read:
    with connection.cursor() as cursor:
        cursor.execute(_sql("read"), [petition_id, petition_id])
        rows = cursor.fetchall()
    if not rows:
        raise LookupError(petition_id)
    stages = [
        StageRow(
            id=r[0],
            petition_id=r[1],
            kind=r[2],
            org_id=r[3],
            opened_on=_date(r[4]),
            due_on=_date(r[5]),
            closed_on=_day(r[6]),
            outcome=r[7],
            decided_on=_day(r[8]),
            paused_since=_day(r[9]),
            rated_on=_day(r[10]),
            satisfaction=r[11],
        )
        for r in rows
    ]
    p = rows[0]
    petition = PetitionRow(
        id=petition_id,
        received_on=_date(p[12]),
        channel=p[13],
        kind=p[14],
        route=p[15],
        category_id=p[16],
        region_code=p[17],
        headcount=p[18],
        is_repeat=bool(p[19]),
        registered_org_id=p[20],
    )
    chains: dict[int, tuple[int, ...]] = {}
    unknown: set[int] = set()
    for unit, known in (*((r[3], r[21]) for r in rows), (petition.registered_org_id, p[22])):
        ancestors = _ids(known)
        if ancestors:
            chains[unit] = ancestors
        else:
            unknown.add(unit)
    return Read(petition, stages, chains, unknown, None if p[23] is None else str(p[23]))


def petition_facts_refresh(petition_id: int) -> None:
    """Bring the roll-ups up to date with one petition, inside the caller's transaction.

    Called by `petitions.services._base.record` after every act, so that the statistics equal the live
    queries at every moment (《信访工作条例》第四十一条: the annual report's figures; DESIGN.md §7).
    Two statements on PostgreSQL: one read (the stored facts, locked, and the petition), one write (its
    facts and the counters of every roll-up that changed; nothing when nothing changed).
    """
    try:
        read = _read(petition_id)
    except LookupError:  # every registration opens a stage: a petition without one has nothing to count
        return
    chains = read.chains
    new_paths: list[OrgPath] = []
    if read.unknown:
        found, new_paths = _ancestors_of(read.unknown)
        chains.update(found)
    facts = facts_of(read.petition, read.stages, chains.__getitem__)
    text = facts.dumps()
    if text == read.stored:
        return
    if new_paths:
        OrgPath.objects.bulk_create(new_paths, ignore_conflicts=True)
    write: Statement = (
        (_sql("insert"), [petition_id, text])
        if read.stored is None
        else (_sql("update"), [text, petition_id])
    )
    execute([write, *upserts(difference(Facts.loads(read.stored) if read.stored else None, facts))])


def petition_facts_forget(petition_id: int) -> None:
    """Take a deleted petition's contribution out of the roll-ups (its stages are gone already)."""
    old_text = _stored(petition_id)
    if old_text is None:
        return
    execute([(_sql("delete"), [petition_id]), *upserts(difference(Facts.loads(old_text), None))])


def rollups_mark_incomplete() -> None:
    """Say that petitions were written without their facts (a bulk import): the statistics are then
    computed from the petitions directly until `xinfang stats rebuild` fills the roll-ups again.

    Runs inside the caller's transaction, so the mark and the rows it is about commit together.
    """
    from .models import FactState

    FactState.objects.update_or_create(pk=1, defaults={"complete_since": None})
