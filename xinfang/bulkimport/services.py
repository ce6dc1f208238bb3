"""Importing a year of petitions from a bureau's Excel/CSV ledger (docs/import.md).

``petitions_import`` is the one service: it reads the whole file and validates every row first
(validate.py: the rules of registration), and writes nothing unless every row is valid, or, with
``skip_invalid``, writes the valid rows and puts the others in a rejects file with their errors. Then,
in one transaction, each row becomes what ``petition_register`` would have made of it:

- a 信访件编号 from the same counters (region, year) and a random 查询码;
- its petitioners with ID numbers and phones encrypted and blind-indexed (core.crypto's format);
- an open row: the first clock, as registration opens it — the 15-day triage of 第二十二条 at a
  信访部门/党委政府, the 15-day written notice of 第二十三条第二款 at any other unit (rule keys
  "triage" and "notice_direct", due dates from xinfang.deadlines with the admin's calendar) — so it
  lands as 待转交 or 待受理, and the register event;
- a closed historic row (办结日期 given): the register event and an ``import_close`` event with how and
  when it ended, the petition in that closed state, and no clock: the old ledger does not say when each
  legal step was taken, and invented stages would distort the timeliness rates of 第四十一条 reports.
  An imported 已终结 matter is final (第三十六条第三款), so a new petition of the same person is offered
  the 不再受理 refusal.

On PostgreSQL the rows are streamed with COPY (ids drawn from the tables' sequences first); on SQLite
they go through ``bulk_create``. The 信访件编号 range is reserved before the write in a short
transaction of its own, so that registrations of the same region and year are not held up for the
length of the import (an import that then fails leaves a gap in the numbering, nothing else).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import secrets
import time
from collections import Counter as Tally
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Model
from django.utils import timezone

from xinfang.core.errors import XinfangError
from xinfang.core.identity import phone_tail
from xinfang.orgs.models import Org, User
from xinfang.petitions.models import (
    Counter,
    Event,
    Petition,
    Petitioner,
    Stage,
    StageKind,
    State,
)
from xinfang.petitions.services import _base
from xinfang.petitions.services.intake import QUERY_CODE_ALPHABET, QUERY_CODE_LENGTH
from xinfang.reports.facts import rollups_mark_incomplete

from . import columns, readers
from .models import ImportBatch
from .sealing import Sealer
from .validate import Lookups, RowError, Validator, ValidRow

MAX_REPORTED_ERRORS = 200


class ImportRejected(XinfangError):
    """The file has invalid rows and nothing was written; `errors` lists them (up to 200)."""

    status = 422
    code = "invalid_rows"

    def __init__(self, errors: list[RowError], bad_rows: int) -> None:
        super().__init__(f"共有{bad_rows}行有错误，未导入任何数据。", code="invalid_rows")
        self.errors = errors
        self.bad_rows = bad_rows


@dataclass
class ImportResult:
    file: str
    rows: int
    imported: int
    rejected: int
    by_state: dict[str, int]
    seconds: dict[str, float]
    batch_id: int | None = None
    rejects_file: str = ""
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    def rows_per_second(self) -> float:
        total = self.seconds.get("total", 0.0)
        return round(self.rows / total, 1) if total else 0.0


def petitions_import(
    path: Path,
    *,
    actor: User,
    org: Org | None = None,
    skip_invalid: bool = False,
    rejects_path: Path | None = None,
    fmt: str = "",
    encoding: str = "",
    dry_run: bool = False,
    allow_duplicate: bool = False,
) -> ImportResult:
    """Validate every row of `path`, then register the valid ones as described in the module docstring.

    Raises ImportRejected (nothing written) when a row is invalid and `skip_invalid` is off, and
    XinfangError for a file that cannot be read, a header that is not understood, or a file that was
    imported before (unless `allow_duplicate`).
    """
    started = time.perf_counter()
    today = _base.today()
    sheet = readers.read(path, fmt=fmt, encoding=encoding)
    validator = Validator(sheet.headers, Lookups.load(actor, org, today))
    valid: list[ValidRow] = []
    errors: list[RowError] = []
    bad: list[tuple[int, list[Any], list[RowError]]] = []
    rows = 0
    for number, cells in sheet.rows:
        if not any(c is not None and str(c).strip() for c in cells):
            continue  # blank lines between blocks of a ledger
        rows += 1
        outcome = validator(number, cells)
        if isinstance(outcome, ValidRow):
            valid.append(outcome)
        else:
            bad.append((number, cells, outcome))
            if len(errors) < MAX_REPORTED_ERRORS:
                errors.extend(outcome[: MAX_REPORTED_ERRORS - len(errors)])
    validated = time.perf_counter()
    if not rows:
        raise XinfangError("文件中没有数据行。", code="empty_file")
    if bad and not skip_invalid:
        raise ImportRejected(errors, len(bad))
    result = ImportResult(
        file=path.name,
        rows=rows,
        imported=0,
        rejected=len(bad),
        by_state=dict(Tally(_state_of(r) for r in valid)),
        seconds={"read_and_validate": round(validated - started, 3)},
        errors=errors,
        dry_run=dry_run,
    )
    if bad:
        target = rejects_path or path.with_name(path.stem + ".rejects.csv")
        _write_rejects(target, sheet.headers, bad)
        result.rejects_file = str(target)
    if dry_run or not valid:
        result.seconds["total"] = round(time.perf_counter() - started, 3)
        return result

    digest = _sha256(path)
    if not allow_duplicate and ImportBatch.objects.filter(sha256=digest).exists():
        raise XinfangError(
            "该文件已经导入过（内容完全相同）：再次导入会重复登记每一件。确需重复导入请加 --allow-duplicate。",
            code="already_imported",
        )
    numbers = _reserve_numbers(valid)
    reserved = time.perf_counter()
    with transaction.atomic(durable=True):
        batch = ImportBatch.objects.create(
            file_name=path.name[:255],
            sha256=digest,
            user=actor,
            org=org,
            rows=rows,
            imported=len(valid),
            rejected=len(bad),
            closed=sum(1 for r in valid if r.closed_on is not None),
        )
        due = _DueDates()
        if connection.vendor == "postgresql":
            _write_postgres(valid, numbers, actor, batch.pk, due, result.seconds)
        else:
            _write_orm(valid, numbers, actor, batch.pk, due)
        # The imported petitions bypass the services, which keep the statistics' roll-ups: until
        # `xinfang stats rebuild` the statistics are computed from the petitions (xinfang/reports/rollups.py).
        rollups_mark_incomplete()
        written = time.perf_counter()
        batch.seconds = round(written - started, 3)
        batch.save(update_fields=["seconds"])
    committed = time.perf_counter()
    result.imported = len(valid)
    result.batch_id = batch.pk
    result.seconds.update(
        reserve_numbers=round(reserved - validated, 3),
        write=round(written - reserved, 3),
        commit=round(committed - written, 3),
        total=round(committed - started, 3),
    )
    return result


def _state_of(row: ValidRow) -> str:
    if row.closed_as:
        return row.closed_as
    return State.REGISTERED if row.triage else State.AWAITING_ACCEPTANCE


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_rejects(
    target: Path, headers: list[str], bad: list[tuple[int, list[Any], list[RowError]]]
) -> None:
    """The rejected rows as they were, with their row number and every error, for fixing and re-importing."""
    from .validate import text

    with target.open("w", newline="", encoding="utf-8-sig") as fh:
        out = csv.writer(fh)
        out.writerow([columns.REJECTS_ROW, columns.REJECTS_ERRORS, *headers])
        for number, cells, errs in bad:
            values = [text(c) for c in cells] + [""] * (len(headers) - len(cells))
            out.writerow([number, "；".join(str(e) for e in errs), *values[: len(headers)]])


def _reserve_numbers(rows: list[ValidRow]) -> dict[str, int]:
    """Take a block of 信访件编号 per (region, year) from the registration counters; returns the first of each.

    A short transaction of its own (the counter rows are locked only for this), so live registrations
    of the same region go on while the import writes.
    """
    need = Tally(f"{r.org_region6}-{r.received_on.year}" for r in rows)
    first: dict[str, int] = {}
    with transaction.atomic(durable=True):
        for key in sorted(need):  # a fixed order: two imports cannot deadlock on the counters
            Counter.objects.get_or_create(key=key)
            Counter.objects.filter(key=key).update(value=F("value") + need[key])
            last = Counter.objects.values_list("value", flat=True).get(key=key)
            first[key] = last - need[key] + 1
    return first


class _Numbers:
    def __init__(self, first: dict[str, int]) -> None:
        self.next = dict(first)

    def __call__(self, row: ValidRow) -> str:
        year = row.received_on.year
        key = f"{row.org_region6}-{year}"
        seq = self.next[key]
        self.next[key] = seq + 1
        return f"{row.org_region6}{year}{seq:07d}"


def _query_codes(n: int) -> list[str]:
    """n random 查询码 like intake.new_query_code (32 symbols: each random byte's low 5 bits, unbiased)."""
    raw = secrets.token_bytes(n * QUERY_CODE_LENGTH)
    alphabet = QUERY_CODE_ALPHABET
    return [
        "".join(alphabet[b & 31] for b in raw[i : i + QUERY_CODE_LENGTH])
        for i in range(0, len(raw), QUERY_CODE_LENGTH)
    ]


class _DueDates:
    """The first clock's due date and its stored explanation, by the services' own rule (cached per day)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, dt.date], tuple[dt.date, dict[str, Any], str]] = {}

    def __call__(self, rule_key: str, start: dt.date) -> tuple[dt.date, dict[str, Any], str]:
        hit = self._cache.get((rule_key, start))
        if hit is None:
            computed = _base.due(rule_key, start)
            basis = {**computed.as_dict(), "explain": computed.explain()}
            hit = (computed.due_on, basis, json.dumps(basis, ensure_ascii=False))
            self._cache[(rule_key, start)] = hit
        return hit


def _first_stage(row: ValidRow) -> tuple[str, str]:
    """(stage kind, rule key) of the clock registration opens (intake.petition_register)."""
    if row.triage:
        return StageKind.TRIAGE, "triage"
    return StageKind.NOTICE, "notice_direct"


def _register_data(row: ValidRow, batch_id: int) -> dict[str, Any]:
    source: dict[str, Any] = {"batch": batch_id, "row": row.row}
    if row.source_number:
        source["source_number"] = row.source_number
    return {"channel": row.channel, "headcount": row.headcount, "import": source}


def _close_data(row: ValidRow, orgs: dict[int, Org], batch_id: int) -> dict[str, Any]:
    handler = orgs[row.handled_by_id or row.org_id]
    return {
        "state": row.closed_as,
        "outcome": row.outcome,
        "handled_by": handler.code,
        "handled_by_name": handler.name,
        "opinion": row.opinion,
        "import": {"batch": batch_id, "row": row.row},
    }


def _orgs_of(rows: Iterable[ValidRow]) -> dict[int, Org]:
    ids = {r.handled_by_id or r.org_id for r in rows if r.closed_on is not None}
    return Org.objects.in_bulk(list(ids))


# --------------------------------------------------------------------------------------------- PostgreSQL

PETITION_COLUMNS = (
    "id",
    "number",
    "query_code",
    "channel",
    "received_on",
    "registered_at",
    "registered_org_id",
    "registered_by_id",
    "headcount",
    "subject",
    "request",
    "content",
    "kind",
    "route",
    "category_id",
    "region_code",
    "place",
    "accused_org_id",
    "state",
    "last_action_on",
    "closed_on",
    "is_final",
    "appeal_until",
    "appeal_basis",
    "is_repeat",
    "repeat_of_id",
)
PETITIONER_COLUMNS = (
    "id",
    "petition_id",
    "kind",
    "name",
    "id_number",
    "id_number_hash",
    "phone",
    "phone_hash",
    "phone_tail",
    "address",
    "is_representative",
)
STAGE_COLUMNS = (
    "id",
    "petition_id",
    "kind",
    "org_id",
    "from_org_id",
    "rule",
    "opened_on",
    "due_on",
    "due_basis",
    "closed_on",
    "outcome",
    "decided_on",
    "paused_since",
    "pause_reason",
    "paused_days",
    "extended_days",
    "data",
)
EVENT_COLUMNS = ("id", "petition_id", "stage_id", "action", "on", "at", "actor_id", "org_id", "data")


def _ids(cursor: Any, table: str, n: int) -> list[int]:
    """n ids from the table's own sequence, so that concurrent registrations never collide with them."""
    if n == 0:
        return []
    cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
    return [r[0] for r in cursor.fetchall()]


def _defaults(model: type[Model], cols: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """The model's other columns (added after this module was written) and the value each row gets.

    A nullable column gets NULL and a column with a default its default, as an INSERT through the ORM
    would; a required column this import does not know fails loudly before anything is written.
    """
    names: list[str] = []
    values: list[Any] = []
    for f in model._meta.concrete_fields:
        if f.column in cols:
            continue
        if f.has_default():
            values.append(f.get_db_prep_save(f.get_default(), connection))
        elif f.null:
            values.append(None)
        else:
            raise XinfangError(
                f"导入程序不认识 {model._meta.db_table}.{f.column} 列（必填）：请更新导入程序。",
                code="unknown_column",
            )
        names.append(f.column)
    return tuple(names), tuple(values)


def _copy(cursor: Any, model: type[Model], cols: tuple[str, ...], rows: Iterable[tuple[Any, ...]]) -> None:
    from psycopg.copy import QueuedLibpqWriter

    extra_cols, extra_values = _defaults(model, cols)
    names = ", ".join(f'"{c}"' for c in (*cols, *extra_cols))
    table = model._meta.db_table
    # The queued writer sends from a thread of its own, so PostgreSQL parses one block while Python
    # builds the next.
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN", writer=QueuedLibpqWriter(cursor)) as copy:
        write = copy.write_row
        if extra_cols:
            for row in rows:
                write(row + extra_values)
        else:
            for row in rows:
                write(row)


def _write_postgres(
    rows: list[ValidRow],
    first_numbers: dict[str, int],
    actor: User,
    batch_id: int,
    due: _DueDates,
    timings: dict[str, float],
) -> None:
    sealer = Sealer()
    numbers = _Numbers(first_numbers)
    now = timezone.now()
    orgs = _orgs_of(rows)
    n_people = sum(len(r.people) for r in rows)
    n_open = sum(1 for r in rows if r.closed_on is None)
    # Everything that reads the database (the working calendar behind the due dates, the orgs) is read
    # before the first COPY starts: the connection cannot run a query in the middle of one.
    for r in rows:
        if r.closed_on is None:
            due(_first_stage(r)[1], r.received_on)
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        petition_ids = _ids(cursor, "petitions_petition", len(rows))
        person_ids = iter(_ids(cursor, "petitions_petitioner", n_people))
        stage_ids = _ids(cursor, "petitions_stage", n_open)
        event_ids = iter(_ids(cursor, "petitions_event", n_open + 2 * (len(rows) - n_open)))
        codes = _query_codes(len(rows))
        stage_of: list[int | None] = []
        stages_iter = iter(stage_ids)
        for r in rows:
            stage_of.append(next(stages_iter) if r.closed_on is None else None)

        # The earliest running due date, kept on the petition where the model has it (next_due_on).
        keeps_next_due = any(f.column == "next_due_on" for f in Petition._meta.concrete_fields)
        petition_columns = (*PETITION_COLUMNS, "next_due_on") if keeps_next_due else PETITION_COLUMNS

        def petitions() -> Iterable[tuple[Any, ...]]:
            for r, pid, code in zip(rows, petition_ids, codes, strict=True):
                closed = r.closed_on is not None
                row: tuple[Any, ...] = (
                    pid,
                    numbers(r),
                    code,
                    r.channel,
                    r.received_on,
                    now,
                    r.org_id,
                    actor.pk,
                    r.headcount,
                    r.subject,
                    r.request,
                    r.content,
                    r.kind,
                    r.route,
                    r.category_id,
                    r.region,
                    r.place,
                    r.accused_org_id,
                    _state_of(r),
                    r.closed_on if closed else r.received_on,
                    r.closed_on,
                    r.closed_as == State.CONCLUDED,
                    None,
                    "{}",
                    False,
                    None,
                )
                if keeps_next_due:
                    row += (None if closed else due(_first_stage(r)[1], r.received_on)[0],)
                yield row

        def petitioners() -> Iterable[tuple[Any, ...]]:
            seal, index = sealer.encrypt, sealer.blind_index
            for r, pid in zip(rows, petition_ids, strict=True):
                for p in r.people:
                    yield (
                        next(person_ids),
                        pid,
                        p.kind,
                        p.name,
                        seal(p.id_number),
                        index("id_number", p.id_number),
                        seal(p.phone),
                        index("phone", p.phone),
                        p.phone[-4:],  # validated phones are plain digits: phone_tail's answer
                        p.address,
                        p.is_representative,
                    )

        def stages() -> Iterable[tuple[Any, ...]]:
            for r, pid, sid in zip(rows, petition_ids, stage_of, strict=True):
                if sid is None:
                    continue
                kind, rule_key = _first_stage(r)
                due_on, _, basis_json = due(rule_key, r.received_on)
                yield (
                    sid,
                    pid,
                    kind,
                    r.org_id,
                    None,
                    rule_key,
                    r.received_on,
                    due_on,
                    basis_json,
                    None,
                    "",
                    None,
                    None,
                    "",
                    0,
                    0,
                    "{}",
                )

        def events() -> Iterable[tuple[Any, ...]]:
            dumps = json.dumps
            for r, pid, sid in zip(rows, petition_ids, stage_of, strict=True):
                yield (
                    next(event_ids),
                    pid,
                    sid,
                    "register",
                    r.received_on,
                    now,
                    actor.pk,
                    r.org_id,
                    dumps(_register_data(r, batch_id), ensure_ascii=False),
                )
                if r.closed_on is not None:
                    yield (
                        next(event_ids),
                        pid,
                        None,
                        "import_close",
                        r.closed_on,
                        now,
                        actor.pk,
                        r.handled_by_id or r.org_id,
                        dumps(_close_data(r, orgs, batch_id), ensure_ascii=False),
                    )

        for model, cols, source in (
            (Petition, petition_columns, petitions()),
            (Petitioner, PETITIONER_COLUMNS, petitioners()),
            (Stage, STAGE_COLUMNS, stages()),
            (Event, EVENT_COLUMNS, events()),
        ):
            t0 = time.perf_counter()
            _copy(cursor, model, cols, source)
            timings[model._meta.db_table] = round(time.perf_counter() - t0, 3)


# ------------------------------------------------------------------------------------------------- SQLite


def _next_due(row: ValidRow, due: _DueDates) -> dict[str, Any]:
    """next_due_on (the first clock's due date) where the model keeps it."""
    if not any(f.name == "next_due_on" for f in Petition._meta.concrete_fields):
        return {}
    return {
        "next_due_on": None if row.closed_on is not None else due(_first_stage(row)[1], row.received_on)[0]
    }


BATCH = 500  # SQLite's limit on variables per statement


def _write_orm(
    rows: list[ValidRow], first_numbers: dict[str, int], actor: User, batch_id: int, due: _DueDates
) -> None:
    """The same rows through bulk_create (SQLite, and any database without COPY)."""
    numbers = _Numbers(first_numbers)
    orgs = _orgs_of(rows)
    codes = _query_codes(len(rows))
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        petitions = Petition.objects.bulk_create(
            [
                Petition(
                    number=numbers(r),
                    query_code=code,
                    channel=r.channel,
                    received_on=r.received_on,
                    registered_org_id=r.org_id,
                    registered_by=actor,
                    headcount=r.headcount,
                    subject=r.subject,
                    request=r.request,
                    content=r.content,
                    kind=r.kind,
                    route=r.route,
                    category_id=r.category_id,
                    region_code=r.region,
                    place=r.place,
                    accused_org_id=r.accused_org_id,
                    state=_state_of(r),
                    last_action_on=r.closed_on or r.received_on,
                    closed_on=r.closed_on,
                    is_final=r.closed_as == State.CONCLUDED,
                    **_next_due(r, due),
                )
                for r, code in zip(chunk, codes[start : start + BATCH], strict=True)
            ]
        )
        from xinfang.core.crypto import blind_index

        Petitioner.objects.bulk_create(
            [
                Petitioner(
                    petition=petition,
                    kind=p.kind,
                    name=p.name,
                    id_number=p.id_number,
                    id_number_hash=blind_index("id_number", p.id_number),
                    phone=p.phone,
                    phone_hash=blind_index("phone", p.phone),
                    phone_tail=phone_tail(p.phone) if p.phone else "",
                    address=p.address,
                    is_representative=p.is_representative,
                )
                for r, petition in zip(chunk, petitions, strict=True)
                for p in r.people
            ],
            batch_size=BATCH // 12,
        )
        open_rows = [(r, p) for r, p in zip(chunk, petitions, strict=True) if r.closed_on is None]
        stages = []
        for r, petition in open_rows:
            kind, rule_key = _first_stage(r)
            due_on, basis, _ = due(rule_key, r.received_on)
            stages.append(
                Stage(
                    petition=petition,
                    kind=kind,
                    org_id=r.org_id,
                    rule=rule_key,
                    opened_on=r.received_on,
                    due_on=due_on,
                    due_basis=basis,
                )
            )
        stages = Stage.objects.bulk_create(stages, batch_size=BATCH // 17)
        stage_by_petition = {s.petition_id: s for s in stages}
        events = []
        for r, petition in zip(chunk, petitions, strict=True):
            events.append(
                Event(
                    petition=petition,
                    stage=stage_by_petition.get(petition.pk),
                    action="register",
                    on=r.received_on,
                    actor=actor,
                    org_id=r.org_id,
                    data=_register_data(r, batch_id),
                )
            )
            if r.closed_on is not None:
                events.append(
                    Event(
                        petition=petition,
                        action="import_close",
                        on=r.closed_on,
                        actor=actor,
                        org_id=r.handled_by_id or r.org_id,
                        data=_close_data(r, orgs, batch_id),
                    )
                )
        Event.objects.bulk_create(events, batch_size=BATCH // 9)
