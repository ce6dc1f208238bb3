"""`xinfang stats rebuild`: recompute every petition's facts and every roll-up from the petitions.

Needed after anything that writes petitions, stages or ratings without the services (a bulk load such
as benchmarks/generate.py, a restore, a hand-made correction) and after an org is moved in the tree.
Idempotent: it writes only what differs, so a second run (or a run after the services kept everything
up to date) changes nothing and reports zero differences — which also makes it the check that the
roll-ups are exact.

One transaction. On PostgreSQL it first takes the roll-up tables in EXCLUSIVE mode: readers go on
reading the previous figures, and petition services wait (they do not fail) at the first statement of
their refresh (the row lock on the petition's stored facts) until the rebuild has committed,
then carry on from what it wrote; so no change slips in between what the rebuild read and what it
writes. The reads run in one REPEATABLE READ snapshot taken after the lock.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone

from xinfang.orgs.models import Org
from xinfang.petitions.models import Petition, Stage

from .facts import (
    PETITION_FIELDS,
    ROLLUPS,
    STAGE_FIELDS,
    Contribution,
    Counts,
    Facts,
    Key,
    PetitionRow,
    StageRow,
    chain,
    facts_of,
)
from .models import (
    BreakdownDay,
    DeliveryDay,
    FactState,
    NoticeDay,
    OrgPath,
    PetitionFact,
    RatingDay,
    StageDay,
    VolumeDay,
)

CHUNK = 20_000  # petitions per read: bounded memory, each range read through the (petition, kind) index
WRITE_BATCH = 2_000
# The roll-ups whose keys each count one (stage, notice, rating, delivery), added up with Counter.
SINGLE_COUNTS = (StageDay, NoticeDay, RatingDay, DeliveryDay)


def _insert(table: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert many rows: COPY on PostgreSQL (a million rows in seconds), bulk_create elsewhere."""
    if connection.vendor == "postgresql":
        qn = connection.ops.quote_name
        sql = f"COPY {qn(table._meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    table._default_manager.bulk_create(
        [table(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=WRITE_BATCH
    )


def _lock_tables(*, outermost: bool) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite: the transaction's write lock already excludes every other writer
    qn = connection.ops.quote_name
    # PetitionFact first: it is what a service's refresh takes first.
    tables: list[type[Model]] = [PetitionFact, OrgPath, FactState, *ROLLUPS]
    with connection.cursor() as cursor:
        if outermost:  # inside a caller's transaction (tests) the isolation level is already set
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute(f"LOCK TABLE {', '.join(qn(t._meta.db_table) for t in tables)} IN EXCLUSIVE MODE")


def _petition_groups(groups: dict[Key, list[int]], facts: Facts) -> None:
    """Petition-level counts grouped by everything but the petition, expanded to roots at the end (far
    fewer dictionary updates than adding each petition under each of its roots)."""
    key = (facts.roots, facts.day, facts.channel, facts.kind, facts.category, facts.region)
    counts = groups.get(key)
    if counts is None:
        groups[key] = [1, facts.persons, int(facts.repeat)]
    else:
        counts[0] += 1
        counts[1] += facts.persons
        counts[2] += int(facts.repeat)


def _expand(groups: dict[Key, list[int]], into: Contribution) -> None:
    volume: dict[Key, Counts] = into.setdefault(VolumeDay, {})
    breakdown: dict[Key, Counts] = into.setdefault(BreakdownDay, {})

    def add(rows: dict[Key, Counts], key: Key, counts: Counts) -> None:
        had = rows.get(key)
        rows[key] = counts if had is None else tuple(a + b for a, b in zip(had, counts, strict=True))

    for (roots, day, channel, kind, category, region), (n, persons, repeats) in groups.items():
        for root in roots:
            add(volume, (root, day, channel), (n, persons, repeats))
            add(breakdown, (root, day, "kind", kind), (n,))
            add(breakdown, (root, day, "category", category), (n,))
            add(breakdown, (root, day, "region", region), (n,))


def _sync(table: type[Model], wanted: dict[Key, Counts]) -> dict[str, int]:
    """Make the table hold exactly `wanted`: delete what differs, insert what is missing.

    Returns the rows kept, the counters that had fallen to zero (dropped: not a difference) and the
    rows that differed (deleted, inserted: zero when the services kept the table exact).
    """
    keys, counters = ROLLUPS[table]
    width = len(keys)
    existing: dict[Key, tuple[int, Counts]] = {}
    for row in table._default_manager.values_list("pk", *keys, *counters).iterator(chunk_size=10_000):
        existing[tuple(row[1 : 1 + width])] = (row[0], tuple(row[1 + width :]))
    zero: list[int] = []
    stale: list[int] = []
    for key, (pk, counts) in existing.items():
        if wanted.get(key) != counts:
            (stale if any(counts) or key in wanted else zero).append(pk)
    missing = [(key, counts) for key, counts in wanted.items() if existing.get(key, (0, ()))[1] != counts]
    doomed = zero + stale
    for i in range(0, len(doomed), 500):
        table._default_manager.filter(pk__in=doomed[i : i + 500]).delete()
    _insert(table, (*keys, *counters), ((*key, *counts) for key, counts in missing))
    return {"rows": len(wanted), "zero": len(zero), "deleted": len(stale), "inserted": len(missing)}


def facts_rebuild(*, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Recompute the facts and roll-ups of every petition; returns what was counted and what changed."""
    started = time.monotonic()
    summary: dict[str, Any] = {}
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        _lock_tables(outermost=outermost)
        paths = dict(Org.objects.values_list("id", "path"))
        by_path = {path: pk for pk, path in paths.items()}
        chains = {pk: chain(path, by_path) for pk, path in paths.items()}
        top = max(
            Petition.objects.aggregate(m=Max("id"))["m"] or 0,
            PetitionFact.objects.aggregate(m=Max("petition_id"))["m"] or 0,
        )
        totals: Contribution = {}
        singles: dict[type[Model], Counter[Key]] = {table: Counter() for table in SINGLE_COUNTS}
        groups: dict[Key, list[int]] = {}
        petitions = inserted = updated = deleted = 0
        for low in range(0, top + 1, CHUNK):
            high = low + CHUNK
            rows = [
                PetitionRow(*r)
                for r in Petition.objects.filter(id__gte=low, id__lt=high).values_list(*PETITION_FIELDS)
            ]
            stages: dict[int, list[StageRow]] = defaultdict(list)
            for s in Stage.objects.filter(petition_id__gte=low, petition_id__lt=high).values_list(
                *STAGE_FIELDS
            ):
                stages[s[1]].append(StageRow(*s))
            stored = dict(
                PetitionFact.objects.filter(petition_id__gte=low, petition_id__lt=high).values_list(
                    "petition_id", "facts"
                )
            )
            new: list[tuple[int, str]] = []
            changed: list[int] = []
            for p in rows:
                facts = facts_of(p, stages.get(p.id, ()), chains.__getitem__)
                _petition_groups(groups, facts)
                singles[StageDay].update(facts.stages)
                singles[NoticeDay].update(facts.notices)
                singles[RatingDay].update(facts.ratings)
                singles[DeliveryDay].update(facts.deliveries)
                text = facts.dumps()
                before = stored.pop(p.id, None)
                if before != text:
                    new.append((p.id, text))
                    if before is not None:
                        changed.append(p.id)
            petitions += len(rows)
            # Facts that changed are replaced, with those of petitions that no longer exist removed.
            if changed or stored:
                PetitionFact.objects.filter(petition_id__in=[*changed, *stored]).delete()
            _insert(PetitionFact, ("petition_id", "facts"), new)
            inserted += len(new) - len(changed)
            updated += len(changed)
            deleted += len(stored)
            if progress is not None and rows:
                progress(f"{petitions:,} petitions, {time.monotonic() - started:.1f}s")
        for table, counted in singles.items():
            totals[table] = {key: (n,) for key, n in counted.items()}
        _expand(groups, totals)
        summary["petitions"] = petitions
        summary["facts"] = {"inserted": inserted, "updated": updated, "deleted": deleted}
        summary["rollups"] = {table._meta.db_table: _sync(table, totals.get(table, {})) for table in ROLLUPS}
        if connection.vendor == "postgresql":  # fresh statistics for the planner (allowed in a transaction)
            qn = connection.ops.quote_name
            with connection.cursor() as cursor:
                for table in ROLLUPS:
                    cursor.execute(f"ANALYZE {qn(table._meta.db_table)}")
        OrgPath.objects.all().delete()
        OrgPath.objects.bulk_create(
            [OrgPath(org_id=pk, path=path, ancestors=list(chains[pk])) for pk, path in paths.items()]
        )
        seconds = round(time.monotonic() - started, 1)
        now = timezone.now()
        state = FactState.objects.filter(pk=1).first() or FactState(pk=1)
        state.complete_since = state.complete_since or now
        state.rebuilt_at = now
        state.petitions = petitions
        state.seconds = seconds
        state.save()
    summary["seconds"] = round(time.monotonic() - started, 1)
    return summary
