"""Concurrent services and the rebuild on PostgreSQL: the roll-ups lose no update and never deadlock.

- Several clerks register and transfer matters at the same units on the same day at the same time: they
  all add to the same roll-up rows (one upsert each, rows in key order), and every count is there.
- A service that acts while `xinfang stats rebuild` runs waits for it (at the row lock on its stored
  facts) and then applies its change on top of what the rebuild wrote.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, connections

from xinfang.orgs.demo import Region
from xinfang.orgs.models import Org, User
from xinfang.petitions import services
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.helpers import id_number
from xinfang.reports import rebuild
from xinfang.reports.access import subtree_of
from xinfang.reports.periods import Period
from xinfang.reports.rollups import rollup_figures
from xinfang.reports.selectors import petition_stats

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TIMEOUT = 30.0  # seconds; only reached when something is broken
RECEIVED_ON = dt.date(2026, 10, 8)
SENT_ON = dt.date(2026, 10, 9)
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True, scope="module")
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections are tested on PostgreSQL only")


def register_and_send(clerk: User, seq: int, to_org: str) -> None:
    petition = services.petition_register(
        services.PetitionInput(
            channel="visit" if seq % 2 else "letter",
            received_on=RECEIVED_ON,
            subject=f"小区旁违章建筑影响通行（{seq}）",
            content="小区东侧有人搭建违章建筑，占用消防通道，多次向物业反映无果。",
            request="请求依法拆除违章建筑，恢复消防通道。",
            kind="request",
            route="petition",
            region="330521",
            headcount=1 + seq % 3,
            petitioners=[services.PetitionerInput(name=f"信访人{seq}", id_number=id_number(seq))],
        ),
        actor=clerk,
    )
    services.petition_transfer(petition, actor=clerk, on=SENT_ON, to_org=to_org)


def run_threads(*targets: Callable[[], None]) -> list[BaseException]:
    errors: list[BaseException] = []

    def wrapped(target: Callable[[], None]) -> None:
        try:
            target()
        except BaseException as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrapped, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    return errors


def assert_rollups_exact() -> None:
    county = subtree_of(Org.objects.get(code="330521-GOV"))
    figures = rollup_figures(county)
    assert figures is not None
    period = Period(dt.date(2026, 1, 1), TODAY)
    assert petition_stats(county.org_ids, period, today=TODAY, figures=figures) == petition_stats(
        county.org_ids, period, today=TODAY
    )
    summary = rebuild.facts_rebuild()
    assert all(not v for v in summary["facts"].values())
    assert all(not r["deleted"] and not r["inserted"] for r in summary["rollups"].values())


def test_it_counts_every_concurrent_act_on_the_same_rows(region: Region, users: dict[str, User]) -> None:
    clerk = users["dq_clerk"]
    start = threading.Barrier(4)

    def clerk_work(first: int) -> Callable[[], None]:
        def work() -> None:
            start.wait(TIMEOUT)
            for seq in range(first, first + 6):
                register_and_send(clerk, seq, "330521-ZJJ" if seq % 2 else "330521-RSJ")

        return work

    errors = run_threads(*(clerk_work(i * 10 + 1) for i in range(4)))
    assert errors == []
    assert Petition.objects.count() == 24
    assert_rollups_exact()


def test_it_makes_a_service_wait_for_a_rebuild(
    region: Region, users: dict[str, User], monkeypatch: pytest.MonkeyPatch
) -> None:
    clerk = users["dq_clerk"]
    register_and_send(clerk, 1, "330521-ZJJ")
    locked, release = threading.Event(), threading.Event()
    original = rebuild._lock_tables

    def lock_and_hold(*, outermost: bool) -> None:
        original(outermost=outermost)
        locked.set()
        assert release.wait(TIMEOUT)

    monkeypatch.setattr(rebuild, "_lock_tables", lock_and_hold)
    results: dict[str, float] = {}

    def rebuilder() -> None:
        rebuild.facts_rebuild()
        results["rebuilt"] = time.monotonic()

    def service() -> None:
        assert locked.wait(TIMEOUT)
        register_and_send(clerk, 2, "330521-ZJJ")
        results["served"] = time.monotonic()

    def watcher() -> None:
        # Let the rebuild go only once the service is waiting for its lock.
        deadline = time.monotonic() + TIMEOUT
        with connections["default"].cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE %s",
                    ["%reports_petitionfact%"],
                )
                row = cursor.fetchone()
                if row is not None and row[0] > 0:
                    results["seen"] = time.monotonic()
                    break
                time.sleep(0.05)
        release.set()

    errors = run_threads(rebuilder, service, watcher)
    assert errors == []
    assert "seen" in results, "the service never waited for the rebuild"
    assert results["rebuilt"] <= results["served"]
    monkeypatch.setattr(rebuild, "_lock_tables", original)
    assert Petition.objects.count() == 2
    assert_rollups_exact()
