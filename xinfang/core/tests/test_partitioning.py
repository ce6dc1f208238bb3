"""Yearly partitions of the event and stage tables (PostgreSQL): converted with every row, index and
foreign key kept, the lifecycle goes on writing into the open partition, a new year is opened by
`xinfang partition roll`, and bad requests change nothing."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from xinfang.core import partitioning
from xinfang.core.errors import Invalid
from xinfang.petitions.models import Event, Stage
from xinfang.petitions.tests.helpers import act, register

pytestmark = pytest.mark.django_db
TODAY = "2026-11-23 10:00 +0800"


def _postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("partitioning is PostgreSQL's")


def run(*args: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command("partition", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def _partition_of(table: str, row_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT tableoid::regclass::text FROM "{table}" WHERE id = %s', [row_id])  # noqa: S608
        return str(cursor.fetchone()[0])


def _foreign_keys_to(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text FROM pg_constraint"
            " WHERE contype = 'f' AND conparentid = 0 AND confrelid = to_regclass(%s)",
            [table],
        )
        return {r[0] for r in cursor.fetchall()}


def _index_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        return {r[0] for r in cursor.fetchall()}


def _petition_over_new_year(api: Any) -> int:
    """Registered and transferred in December 2025, accepted and extended in 2026."""
    clerk, unit = api("dq_clerk"), api("dq_zjj")
    pid = int(register(clerk, received_on="2025-12-22")["id"])
    act(clerk, pid, "transfer", "2025-12-24", to_org="330521-ZJJ")
    act(unit, pid, "accept", "2026-01-05")
    return pid


@pytest.mark.postgres
@time_machine.travel(TODAY, tick=False)
def test_apply_splits_by_year_and_keeps_rows_indexes_and_keys(api):
    _postgres()
    pid = _petition_over_new_year(api)
    timeline = list(Event.objects.filter(petition_id=pid).order_by("id").values_list("id", "action", "on"))
    stages = list(Stage.objects.filter(petition_id=pid).order_by("id").values_list("id", "kind", "due_on"))
    event_indexes, stage_indexes = _index_names("petitions_event"), _index_names("petitions_stage")
    keys_to_event, keys_to_stage = _foreign_keys_to("petitions_event"), _foreign_keys_to("petitions_stage")

    status = {t["table"]: t for t in run("apply")}

    for table in ("petitions_event", "petitions_stage"):
        assert status[table]["partitioned"] is True
        names = [p["name"] for p in status[table]["partitions"]]
        assert names == [f"{table}_y2025", f"{table}_y2026"]
        first, current = status[table]["partitions"]
        assert first["from"] is None and first["to"] == current["from"]
        assert current["to"] >= current["from"] + partitioning.YEAR_BLOCK
    # Every row is where it was, in the partition of its year.
    assert (
        list(Event.objects.filter(petition_id=pid).order_by("id").values_list("id", "action", "on"))
        == timeline
    )
    assert (
        list(Stage.objects.filter(petition_id=pid).order_by("id").values_list("id", "kind", "due_on"))
        == stages
    )
    for event_id, _, on in timeline:
        assert _partition_of("petitions_event", event_id) == f"petitions_event_y{on.year}"
    # The same index names (later migrations find them) and the same foreign keys, both ways.
    assert event_indexes <= _index_names("petitions_event")
    assert stage_indexes <= _index_names("petitions_stage")
    assert _foreign_keys_to("petitions_event") == keys_to_event
    assert _foreign_keys_to("petitions_stage") == keys_to_stage

    # The lifecycle goes on: new rows take new ids from the same sequence, into the open partition.
    p = act(api("dq_zjj"), pid, "extend", "2026-02-02", days=20, approver="张局长", reason="需要现场核查")
    newest = Event.objects.filter(petition_id=pid).latest("id")
    assert newest.action == "extend" and newest.pk > timeline[-1][0]
    assert _partition_of("petitions_event", newest.pk) == "petitions_event_y2026"
    assert [e["action"] for e in p["events"]][-1] == "extend"

    # A foreign key is still enforced on the partitioned table.
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            'INSERT INTO petitions_event (action, "on", at, data, petition_id) '
            "VALUES ('note', '2026-02-02', now(), '{}', -1)"
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.postgres
@time_machine.travel(TODAY, tick=False)
def test_roll_closes_the_year_and_opens_the_next(api):
    _postgres()
    pid = _petition_over_new_year(api)
    run("apply", "--table", "petitions_event")
    before = Event.objects.filter(petition_id=pid).count()

    status = run("roll", "--table", "petitions_event", "--year", "2027", "--exact")[0]
    names = [p["name"] for p in status["partitions"]]
    assert names == ["petitions_event_y2025", "petitions_event_y2026", "petitions_event_y2027"]
    closed, opened = status["partitions"][1], status["partitions"][2]
    assert closed["to"] == opened["from"] and opened["to"] == opened["from"] + partitioning.YEAR_BLOCK
    assert sum(p["rows"] for p in status["partitions"]) == Event.objects.count()
    assert Event.objects.filter(petition_id=pid).count() == before

    act(api("dq_zjj"), pid, "extend", "2026-02-02", days=20, approver="张局长", reason="需要现场核查")
    newest = Event.objects.filter(petition_id=pid).latest("id")
    assert newest.pk == opened["from"]  # the first id of the new block
    assert _partition_of("petitions_event", newest.pk) == "petitions_event_y2027"


@pytest.mark.postgres
@time_machine.travel(TODAY, tick=False)
def test_bad_requests_are_refused_and_change_nothing(api):
    _postgres()
    _petition_over_new_year(api)
    with pytest.raises(CommandError, match="尚未分区"):
        run("roll", "--year", "2027")
    assert not partitioning.is_partitioned("petitions_event")
    assert not partitioning.is_partitioned("petitions_stage")

    run("apply")
    snapshot = run("status")
    with pytest.raises(Invalid) as second:
        partitioning.partition_table("petitions_event")
    assert second.value.code == "already_partitioned"
    with pytest.raises(CommandError, match="晚于2026年"):
        run("roll", "--year", "2026")
    with pytest.raises(CommandError, match="需要 --year"):
        run("roll")
    with pytest.raises(Invalid) as other:
        partitioning.partition_table("petitions_petition")
    assert other.value.code == "not_partitionable"
    assert run("status") == snapshot


def test_only_postgresql_is_partitioned(db):
    if connection.vendor == "postgresql":
        pytest.skip("the refusal is for the other databases")
    with pytest.raises(CommandError, match="只适用于 PostgreSQL"):
        run("apply")
    with pytest.raises(Invalid) as refused:
        partitioning.partition_table("petitions_event")
    assert refused.value.code == "postgresql_only"
