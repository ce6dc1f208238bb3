"""Native PostgreSQL partitioning of the largest petition tables by year (docs/scaling.md).

A province that keeps many years online partitions the append-mostly tables so that each year can be
vacuumed, re-indexed, backed up or detached to an archive on its own. The tables are partitioned by
**id range**, one partition per year (from the first id of that year; the current year's partition
holds a block of `YEAR_BLOCK` ids, and each new year takes the next block):

- `petitions_event` (the timeline: the largest table, about five rows per petition), by the act's date
  `on`;
- `petitions_stage` (the legal clocks), by `opened_on`.

Ids are handed out in registration order, so a year's rows are one id range, and `PRIMARY KEY (id)`
already contains the partition key: the models, the ORM, `COPY`, the bulk import and every foreign key
(to and from these tables) stay exactly as they are. `petitions_petition` is not partitioned: its
信访件编号 and 查询码 are unique across all years, and a partitioned table can only enforce a unique
constraint that contains the partition key.

`partition_table` converts a table in one transaction (the rows are copied; the table is locked for
the copy: run it in a maintenance window). `roll_year` opens the next year's partition and moves the id
sequence to it, instantly (a cron line on 1 January). Both are PostgreSQL only; on any
other database they refuse with a clear error and change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from xinfang.core.errors import Invalid

# Ids one year's partition can take: the current year's partition ends this far above its first id, and
# `roll_year` opens the next block there (ten billion rows a year; ids stay far below 2**53).
YEAR_BLOCK = 10_000_000_000

# table → the date column whose year names the partition of a row
PARTITIONED_BY_YEAR: dict[str, str] = {"petitions_event": "on", "petitions_stage": "opened_on"}


@dataclass(frozen=True)
class Partition:
    name: str
    lower: int | None  # None: MINVALUE
    upper: int | None  # None: MAXVALUE
    rows: int


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        raise Invalid("database", "分区只适用于 PostgreSQL 数据库。", code="postgresql_only")


def _require_table(table: str) -> str:
    if table not in PARTITIONED_BY_YEAR:
        names = "、".join(PARTITIONED_BY_YEAR)
        raise Invalid("table", f"只能对以下表按年分区：{names}。", code="not_partitionable")
    return PARTITIONED_BY_YEAR[table]


def is_partitioned(table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [table])
        return cursor.fetchone() is not None


def partitions(table: str, *, exact: bool = False) -> list[Partition]:
    """The partitions of a partitioned table, in id order, with their bounds and rows.

    `rows` is PostgreSQL's estimate (`reltuples`, 0 before the first ANALYZE), read from the catalogue;
    with `exact` every partition is counted, which reads the whole table (seconds at 10M petitions).
    """
    require_postgres()
    _require_table(table)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), greatest(c.reltuples, 0)::bigint
              FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = to_regclass(%s)
            """,
            [table],
        )
        found = []
        for name, bound, estimate in cursor.fetchall():
            lower, upper = _bounds(bound)
            rows = int(estimate)
            if exact:
                cursor.execute(f'SELECT count(*) FROM "{name}"')  # noqa: S608 - a catalogue name
                rows = int(cursor.fetchone()[0])
            found.append(Partition(name, lower, upper, rows))
    return sorted(found, key=lambda p: -(2**63) if p.lower is None else p.lower)


def _bounds(expression: str) -> tuple[int | None, int | None]:
    """`FOR VALUES FROM ('5') TO (MAXVALUE)` → (5, None)."""
    inner = expression.split("FROM (", 1)[1]
    low, high = inner.split(") TO (", 1)
    high = high.rstrip(")")

    def value(text: str) -> int | None:
        text = text.strip().strip("'")
        return None if text in ("MINVALUE", "MAXVALUE") else int(text)

    return value(low), value(high)


def _year_starts(cursor: Any, table: str, column: str) -> list[tuple[int, int]]:
    """(year, first id of that year or later) for each year present, ids kept increasing."""
    cursor.execute(
        f'SELECT extract(year FROM "{column}")::int AS y, min(id) FROM "{table}" GROUP BY 1 ORDER BY 1'  # noqa: S608
    )
    rows = [(int(y), int(first)) for y, first in cursor.fetchall()]
    starts: list[tuple[int, int]] = []
    lowest: int | None = None
    for year, first in reversed(rows):  # a later year's rows may carry an earlier id (a late entry)
        lowest = first if lowest is None else min(lowest, first)
        starts.append((year, lowest))
    starts.reverse()
    # Keep a year only where its first id is above the previous year's (otherwise it adds nothing).
    kept: list[tuple[int, int]] = []
    for year, first in starts:
        if not kept or first > kept[-1][1]:
            kept.append((year, first))
    return kept


def _sequence(cursor: Any, table: str) -> str:
    cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    name = cursor.fetchone()[0]
    if not name:
        raise Invalid("table", f"{table} 的 id 没有序列。", code="no_sequence")
    return str(name)


def partition_table(table: str) -> list[Partition]:
    """Convert `table` into yearly id-range partitions, rows, indexes and foreign keys kept.

    One transaction: on any error nothing has changed. Index and constraint names stay the same, so
    later Django migrations find them.
    """
    require_postgres()
    column = _require_table(table)
    with transaction.atomic(), connection.cursor() as cursor:
        if is_partitioned(table):
            raise Invalid("table", f"{table} 已经分区。", code="already_partitioned")
        # Checks still pending in this transaction (Django's keys are deferred) must run before the
        # table they watch is dropped; Django's default, deferred, is restored at the end.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
        indexes = cursor.fetchall()
        cursor.execute(
            """
            SELECT conname, contype, pg_get_constraintdef(oid), conrelid::regclass::text
              FROM pg_constraint
             WHERE conparentid = 0  -- not the copies a partitioned table gives each partition
               AND ((conrelid = to_regclass(%s) AND contype IN ('p', 'f', 'c', 'u'))
                    OR (confrelid = to_regclass(%s) AND contype = 'f' AND conrelid <> confrelid))
            """,
            [table, table],
        )
        constraints = cursor.fetchall()
        if any(kind == "u" and "(id)" not in definition for _, kind, definition, _ in constraints):
            raise Invalid(
                "table", f"{table} 有不含 id 的唯一约束，不能按 id 分区。", code="unique_constraint"
            )
        constraint_indexes = {name for name, kind, _, owner in constraints if owner == table and kind in "pu"}
        sequence = _sequence(cursor, table)
        cursor.execute(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608 - a catalogue name
        last_value, is_called = cursor.fetchone()
        restart = int(last_value) + 1 if is_called else int(last_value)
        starts = _year_starts(cursor, table, column)

        old = f"{table}__unpartitioned"
        cursor.execute(f'ALTER TABLE "{table}" RENAME TO "{old}"')
        cursor.execute(
            f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING DEFAULTS INCLUDING IDENTITY '
            "INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE (id)"
        )
        if not starts:
            starts = [(timezone.localdate().year, 1)]
        for i, (year, first) in enumerate(starts):
            lower = "MINVALUE" if i == 0 else str(first)
            upper = str(starts[i + 1][1]) if i + 1 < len(starts) else str(max(first, restart) + YEAR_BLOCK)
            cursor.execute(
                f'CREATE TABLE "{table}_y{year}" PARTITION OF "{table}" FOR VALUES FROM ({lower}) TO ({upper})'
            )
        cursor.execute(f'INSERT INTO "{table}" SELECT * FROM "{old}"')  # noqa: S608
        cursor.execute(f'DROP TABLE "{old}" CASCADE')  # takes the foreign keys pointing at it along
        for name, kind, definition, owner in constraints:
            if owner == table and kind in "pu":
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        for name, definition in indexes:
            if name not in constraint_indexes:
                cursor.execute(definition)
        for name, kind, definition, owner in constraints:
            if kind == "c" and owner == table:
                cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            elif kind == "f":
                cursor.execute(f'ALTER TABLE {_quote(owner)} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute(f'ALTER TABLE "{table}" ALTER COLUMN id RESTART WITH {restart}')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(f'ANALYZE "{table}"')
    return partitions(table)


def _quote(qualified: str) -> str:
    return ".".join(f'"{part.strip(chr(34))}"' for part in qualified.split("."))


def roll_year(table: str, year: int) -> list[Partition]:
    """Open `{table}_y{year}`: the next block of ids, and the sequence moved to its start.

    Run once at the start of each year (cron: `xinfang partition roll --year $(date +%Y)`). Nothing is
    detached, scanned or copied: the new partition takes the id block right after the last one, and
    every id handed out from now on comes from it; ids drawn before (a bulk import in progress) still
    fit the partition they were drawn for. Ids therefore jump at each new year, which nothing relies on.
    """
    require_postgres()
    _require_table(table)
    with transaction.atomic(), connection.cursor() as cursor:
        if not is_partitioned(table):
            raise Invalid(
                "table", f"{table} 尚未分区：先运行 xinfang partition apply。", code="not_partitioned"
            )
        last = partitions(table)[-1]
        last_year = int(last.name.rsplit("_y", 1)[1])
        if year <= last_year:
            raise Invalid("year", f"新分区的年份应晚于{last_year}年。", code="year_not_after")
        if last.upper is None:
            raise Invalid("table", f"{table} 的最后一个分区没有上界。", code="open_partition")
        cursor.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
        start = last.upper
        cursor.execute(
            f'CREATE TABLE "{table}_y{year}" PARTITION OF "{table}" '
            f"FOR VALUES FROM ({start}) TO ({start + YEAR_BLOCK})"
        )
        cursor.execute(f'ALTER TABLE "{table}" ALTER COLUMN id RESTART WITH {start}')
    return partitions(table)
