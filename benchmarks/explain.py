"""EXPLAIN (ANALYZE, BUFFERS) of the app's main queries on the DATABASE_URL database → docs/plans/<size>/.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench python -m benchmarks.explain [--size 1m]

The SQL is not copied by hand: each case calls the app's real selectors (the ones the screens and the
API call) under CaptureQueriesContext, and every SELECT they ran is explained with the values they ran
with. Cases: a county clerk's work queue (first page of 待转交, 待受理 and 办理中, the tiles), the overdue work
of the county (the dashboard's count and the API's overdue list), the petition page, the look-ups of
registration (validation, same-person candidates), the statistics of a city-year, full-text search
(a four-character and a two-character term) and public tracking.

Read-only: everything runs in one READ ONLY transaction that is rolled back (EXPLAIN ANALYZE executes
the SELECTs; the database refuses any write), with the cache in process memory. Each case's file holds
the database size, the code revision, every statement, its plan, and its execution time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import common

PLANS = Path(__file__).resolve().parents[1] / "docs" / "plans"
CLERK, LEADER, ORG, CITY = "dq_clerk", "dq_leader", "330521-XFJ", "330500-GOV"


def size_label(n: int) -> str:
    """100k, 1m, 10m: the nearest round size of the petition table."""
    if n >= 1_000_000:
        return f"{round(n / 1_000_000)}m"
    return f"{round(n / 1_000)}k"


class Cases:
    """The inputs every case uses, chosen the same way at every database size."""

    def __init__(self) -> None:
        from xinfang.orgs.models import Org, User
        from xinfang.petitions.models import Petition, Petitioner

        self.clerk = User.objects.select_related("org").get(username=CLERK)
        self.leader = User.objects.select_related("org").get(username=LEADER)
        self.org = Org.objects.get(code=ORG)
        self.city = Org.objects.get(code=CITY)
        self.today = dt.date.today()
        # The county's most recent petition in handling: a petition page with several stages and events.
        self.petition = (
            Petition.objects.filter(registered_org=self.org, state="in_handling")
            .order_by("-received_on", "-id")
            .first()
        )
        if self.petition is None:
            raise SystemExit("no petition in handling registered by 330521-XFJ: is this a bench database?")
        # Public tracking: a recent petition of the county whose petitioner left a phone.
        recent = list(
            Petition.objects.filter(registered_org=self.org)
            .order_by("-received_on", "-id")
            .values_list("pk", flat=True)[:50]
        )
        person = (
            Petitioner.objects.filter(petition_id__in=recent)
            .exclude(phone_tail="")
            .select_related("petition")
            .first()
        )
        if person is None:
            raise SystemExit("no recent petition of 330521-XFJ with a phone")
        self.track = (person.petition.query_code, person.phone_tail)

    def all(self) -> dict[str, Callable[[], Any]]:
        return {
            "queue": self.queue,
            "overdue": self.overdue,
            "petition_page": self.petition_page,
            "register_lookups": self.register_lookups,
            "stats_city_year": self.stats,
            "search": self.search,
            "public_tracking": self.public_tracking,
        }

    def queue(self) -> Any:
        from xinfang.web import selectors as web

        tiles = web._queue_tiles(self.clerk, self.today)
        first = web.queue_page(self.clerk, "triage", web.Filters())
        notice = web.queue_page(self.clerk, "notice", web.Filters())
        handling = web.queue_page(self.clerk, "handling", web.Filters())  # a tab the bureau holds nothing in
        return tiles, first, notice, handling

    def overdue(self) -> Any:
        from xinfang.orgs.scope import region_org_ids
        from xinfang.petitions import selectors

        count = selectors.overdue_stages(region_org_ids(self.org) or []).count()
        listing = selectors.petition_list(self.clerk, overdue=True)
        # As the API reads it: the ids of the first cap + 1 in due order (the capped total and the page)
        # in one statement, then the page's rows by id.
        from xinfang.petitions.api import CappedCountPagination, FirstIds

        first = FirstIds(listing.values_list("pk", flat=True), CappedCountPagination.COUNT_CAP)
        return count, len(first.head), selectors.petition_list_rows(first[0:50])

    def petition_page(self) -> Any:
        from xinfang.orgs import scope
        from xinfang.web import selectors as web

        petition = scope.get_petition_for(self.clerk, self.petition.pk)
        return web.petition_page(petition, self.clerk)

    def register_lookups(self) -> Any:
        from xinfang.petitions import selectors
        from xinfang.petitions.services import intake

        data = intake.PetitionInput(
            channel="visit",
            received_on=self.today,
            subject="关于阳光花园小区物业管理问题的反映",
            content="信访人反映：阳光花园小区物业管理问题。多次向有关部门反映未果。",
            kind="request",
            route="petition",
            category="01",
            region="330521",
            petitioners=[
                intake.PetitionerInput(name="张秀英", id_number="33052119680512002X", phone="13857212345")
            ],
        )
        checked = intake._validate(data, self.clerk)
        similar = selectors.similar_petitions(self.petition, self.clerk)
        return checked, similar

    def stats(self) -> Any:
        from xinfang.reports.access import subtree_of
        from xinfang.reports.periods import year_period
        from xinfang.reports.stats import compute_stats

        return compute_stats(subtree_of(self.city), year_period(self.today.year - 1), today=self.today)

    def search(self) -> Any:
        from xinfang.web import selectors as web

        four = web.search_page(self.clerk, web.Filters(q="拖欠工资"))
        two = web.search_page(self.clerk, web.Filters(q="物业"))
        return four, two

    def public_tracking(self) -> Any:
        from xinfang.portal import selectors as portal

        found = portal.petition_for_tracking(*self.track)
        return portal.public_view(found) if found is not None else None


SELECT = re.compile(r"^\s*(SELECT|WITH)\b", re.IGNORECASE)


def explain_case(name: str, run: Callable[[], Any]) -> tuple[str, int, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        run()
    wall = (time.perf_counter() - t0) * 1000
    parts: list[str] = []
    n = 0
    with connection.cursor() as cursor:
        for q in captured.captured_queries:
            sql = q["sql"]
            if not SELECT.match(sql):
                continue
            n += 1
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(r[0] for r in cursor.fetchall())
            parts.append(f"-- [{n}] ran in {float(q['time']) * 1000:.1f} ms in the app\n{sql}\n\n{plan}\n")
    header = f"-- case {name}: {n} SELECT statements, {wall:.0f} ms for the selectors (first run)\n\n"
    return header + "\n".join(parts), n, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size", default="", help="directory name under docs/plans (default: from the row count)"
    )
    parser.add_argument("--only", action="append", help="run only these cases (repeatable)")
    args = parser.parse_args(argv)
    common.setup_django()
    from django.conf import settings

    # Nothing in here may write to the database: the queue tiles would otherwise be cached in it.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        raise SystemExit("explain.py needs PostgreSQL (DATABASE_URL)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM petitions_petition")
        petitions = cursor.fetchone()[0]
        cursor.execute("SELECT current_setting('server_version'), pg_database_size(current_database())")
        version, db_bytes = cursor.fetchone()
    label = args.size or size_label(petitions)
    out = PLANS / label
    out.mkdir(parents=True, exist_ok=True)
    stamp = (
        f"-- database {connection.settings_dict['NAME']}: {petitions:,} petitions, "
        f"{db_bytes / 2**30:.2f} GiB, PostgreSQL {version}\n"
        f"-- code {common.git_revision()} (plus uncommitted changes, if any), {dt.date.today().isoformat()}; "
        f"load average {os.getloadavg()[0]:.2f}\n"
    )
    summary = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION READ ONLY")
        cases = Cases()
        for name, run in cases.all().items():
            if args.only and name not in args.only:
                continue
            text, n, wall = explain_case(name, run)
            (out / f"{name}.txt").write_text(stamp + text)
            summary.append(f"{name}: {n} statements, {wall:.0f} ms")
            print(
                f"{name}: {n} statements explained, selectors {wall:.0f} ms → {out / (name + '.txt')}",
                flush=True,
            )
        transaction.set_rollback(True)
    if not args.only:
        (out / "README.txt").write_text(stamp + "\n".join(summary) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
