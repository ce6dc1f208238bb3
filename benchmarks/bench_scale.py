"""Each main operation through the app, and the same work as one hand-written SQL statement, same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench python -m benchmarks.bench_scale [-n 200]

For the database given by DATABASE_URL (a bench database made by benchmarks/generate.py: 100k, 1M,
10M), one client, in-process through the whole Django stack (middleware, authentication, view,
serializer or template), as the 德清县 clerk dq_clerk (the city clerk for the city statistics):

| operation | through the app | one SQL statement doing the same work |
|---|---|---|
| queue | GET /?queue=triage (the first page of 待转交) | the page's 51 stage rows with their petitions |
| queue_empty | GET /?queue=handling (a tab the county bureau holds nothing in) | the same page as one statement over the bureau's open stages |
| tiles | the queue tiles' counts (`_queue_tiles`, which the page keeps 30 s) for the county bureau | the same counts in one statement |
| overdue | GET /api/v1/petitions/?overdue=true (first page, the most overdue first, and count) | the page and its total in one statement |
| overdue_count | selectors.overdue_stages(the county).count() (the dashboard's figure) | SELECT count(*) |
| petition | GET /petitions/{id}/ for random petitions of the county | the petition with its stages, events and petitioners as JSON |
| search | GET /search/?q=<a 4-character term> | the first 51 visible petitions matching the term |
| search_api | GET /api/v1/petitions/?q=<a 4-character term> (first page and total to the cap) | the page and its total in one statement |
| stats | GET /api/v1/stats/ for the city and last year | volume by channel, timeliness and satisfaction in one statement |
| register | POST /api/v1/petitions/ | one data-modifying statement inserting the same rows |

Each reports p50/p95 in ms and the ratio app/SQL (our overhead over the database's own limit), the
database's size, the load average and the CPU other processes used meanwhile. Results are saved to
benchmarks/results/bench_scale-<size>.json. The registrations (app and SQL) are deleted at the end,
and so are their queued tasks; sessions are signed cookies and the cache lives in process memory, so
nothing else is written to the database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections.abc import Callable
from typing import Any

from benchmarks import common

CLERK, CITY_CLERK, ORG, CITY = "dq_clerk", "city_clerk", "330521-XFJ", "330500-GOV"
TERMS = ("拖欠工资", "物业管理", "土地征收", "加装电梯", "社会保险", "交通安全", "排放污水", "子女入学")
TARGETS_MS = {
    "register": 50,
    "queue": 20,
    "queue_empty": 20,
    "tiles": 20,
    "overdue": 20,
    "overdue_count": 20,
    "petition": 100,
    "stats": 1000,
    "search": 200,
    "search_api": 200,
}


def _stats_source() -> str:
    """Where the app's statistics come from on this database right now (roll-up tables, or live queries)."""
    try:
        from xinfang.reports.rollups import rollups_complete
    except ImportError:
        return "the app computes the statistics from the petitions (no roll-up tables in this code)"
    if rollups_complete():
        return "the app reads the roll-up tables; the SQL statement computes from the petitions, stages and ratings"
    return "the roll-ups are incomplete here: the app computes from the petitions, like the SQL statement"


NOTES: dict[str, Callable[[], str]] = {"stats": _stats_source}


def timed(fn: Callable[[], Any], n: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


class World:
    def __init__(self, rng: random.Random) -> None:
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in
        from django.test import Client

        from xinfang.orgs.models import Org, User
        from xinfang.orgs.scope import acting_org_ids, region_org_ids
        from xinfang.petitions.models import Petition

        # Signing in writes nothing: no last_login update, sessions in signed cookies.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        self.rng = rng
        self.today = dt.date.today()
        self.clerk = User.objects.select_related("org").get(username=CLERK)
        self.city_clerk = User.objects.select_related("org").get(username=CITY_CLERK)
        self.org = Org.objects.get(code=ORG)
        self.city = Org.objects.get(code=CITY)
        self.region = region_org_ids(self.org) or []
        self.own = sorted(acting_org_ids(self.clerk))
        self.web = Client()
        self.web.force_login(self.clerk)
        # API clients authenticate with the user's token, as staff clients do; a user without one is
        # authenticated in-process instead (no token is created: nothing is written).
        self.api = self._api(self.clerk)
        self.city_api = self._api(self.city_clerk)
        recent = list(
            Petition.objects.filter(registered_org_id__in=self.region)
            .order_by("-received_on", "-id")
            .values_list("pk", flat=True)[:5000]
        )
        self.petitions = rng.sample(recent, min(len(recent), 400))

    @staticmethod
    def _api(user: Any) -> Any:
        from rest_framework.authtoken.models import Token
        from rest_framework.test import APIClient

        client = APIClient()
        token = Token.objects.filter(user=user).first()
        if token is None:
            client.force_authenticate(user)
        else:
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client


def check(response: Any, status: int = 200) -> Any:
    if response.status_code != status:
        raise SystemExit(f"{response.status_code}: {response.content[:400]!r}")
    return response


# --------------------------------------------------------------------------------------------- cases


def _queue_case(w: World, n: int, queue: str, condition: str) -> tuple[list[float], list[float]]:
    """GET /?queue=… against the page's 51 stage rows with their petitions in one statement."""
    from django.db import connection

    app = timed(lambda: check(w.web.get("/", {"queue": queue})), n)
    sql = f"""
        SELECT s.*, p.* FROM petitions_stage s JOIN petitions_petition p ON p.id = s.petition_id
         WHERE s.closed_on IS NULL AND s.org_id = ANY(%s) AND {condition}
           AND NOT (p.accused_org_id = ANY(%s) AND p.accused_org_id IS NOT NULL)
         ORDER BY s.due_on, s.id LIMIT 51"""

    def run() -> None:
        with connection.cursor() as c:
            c.execute(sql, [w.own, w.own])
            c.fetchall()

    return app, timed(run, n)


def case_queue(w: World, n: int) -> tuple[list[float], list[float]]:
    return _queue_case(w, n, "triage", "s.kind = 'triage' AND p.registered_by_id IS NOT NULL")


def case_queue_empty(w: World, n: int) -> tuple[list[float], list[float]]:
    # One statement for the page (what the app ran before it read each org and kind on its own):
    # PostgreSQL cannot tell that the bureau holds no handling stage and walks the open stages by date.
    return _queue_case(
        w, n, "handling", "((s.kind = 'handling' AND s.decided_on IS NULL) OR s.kind = 'report')"
    )


def case_tiles(w: World, n: int) -> tuple[list[float], list[float]]:
    from django.conf import settings
    from django.db import connection

    from xinfang.web.selectors import _queue_tiles

    app = timed(lambda: _queue_tiles(w.clerk, w.today), n)
    # Open stages of the bureau and its 党委政府 by kind and decided with their clocks; then the same for
    # those whose petition accuses one of them (taken off) or awaits registration (待登记).
    counts = (
        "count(*), count(*) FILTER (WHERE s.paused_since IS NULL AND s.due_on < %(today)s), "
        "count(*) FILTER (WHERE s.paused_since IS NULL AND s.due_on BETWEEN %(today)s AND %(near)s)"
    )
    held = "s.closed_on IS NULL AND s.org_id = ANY(%(own)s)"
    sql = f"""
        SELECT 'all', s.kind, s.decided_on IS NOT NULL, {counts} FROM petitions_stage s
         WHERE {held} GROUP BY 2, 3
        UNION ALL
        SELECT 'accused', s.kind, s.decided_on IS NOT NULL, {counts}
          FROM petitions_petition p JOIN petitions_stage s ON s.petition_id = p.id
         WHERE p.accused_org_id = ANY(%(own)s) AND {held} GROUP BY 2, 3
        UNION ALL
        SELECT 'waiting', s.kind, s.decided_on IS NOT NULL, {counts}
          FROM petitions_petition p JOIN petitions_stage s ON s.petition_id = p.id
         WHERE p.registered_by_id IS NULL AND NOT (p.accused_org_id = ANY(%(own)s) AND p.accused_org_id IS NOT NULL)
           AND {held} GROUP BY 2, 3"""
    params = {
        "own": w.own,
        "today": w.today,
        "near": w.today + dt.timedelta(days=settings.XINFANG_NEAR_DUE_DAYS),
    }

    def run() -> None:
        with connection.cursor() as c:
            c.execute(sql, params)
            c.fetchall()

    return app, timed(run, n)


def _visible(alias: str = "p") -> str:
    return (
        f"({alias}.registered_org_id = ANY(%(region)s) OR EXISTS (SELECT 1 FROM petitions_stage v "
        f"WHERE v.petition_id = {alias}.id AND v.org_id = ANY(%(region)s))) "
        f"AND NOT ({alias}.accused_org_id = ANY(%(own)s) AND {alias}.accused_org_id IS NOT NULL)"
    )


def _has_next_due() -> bool:
    from xinfang.petitions.models import Petition

    return any(f.name == "next_due_on" for f in Petition._meta.concrete_fields)


def _count_cap() -> int | None:
    from xinfang.petitions import api

    pagination = getattr(api, "CappedCountPagination", None)
    return getattr(pagination, "COUNT_CAP", None)


def _total(where: str, cap: int | None) -> str:
    """The count of the petitions matching `where`, stopped at cap + 1 like the API's when there is a cap."""
    if cap:
        return (
            f"SELECT count(*) FROM (SELECT 1 FROM petitions_petition p WHERE {where} LIMIT {cap + 1}) capped"
        )
    return f"SELECT count(*) FROM petitions_petition p WHERE {where}"


def case_overdue(w: World, n: int) -> tuple[list[float], list[float]]:
    from django.db import connection

    app = timed(lambda: check(w.api.get("/api/v1/petitions/", {"overdue": "true", "limit": 50})), n)
    late = (
        "p.next_due_on < %(today)s"
        if _has_next_due()
        else "EXISTS (SELECT 1 FROM petitions_stage s WHERE s.petition_id = p.id AND s.closed_on IS NULL "
        "AND s.paused_since IS NULL AND s.due_on < %(today)s)"
    )
    # The page in the app's order (the most overdue first) and the total, in one statement; like the
    # API's, the total stops at 1,000 ("1000+", `count_capped`) when the code has the cap.
    where = f"{late} AND {_visible()}"
    total = _total(where, _count_cap())
    sql = (
        f"SELECT ({total}) AS total, page.* FROM ("
        "SELECT p.id, p.number, p.subject, p.state, p.received_on, p.registered_org_id, p.category_id "
        f"FROM petitions_petition p WHERE {where} ORDER BY p.next_due_on, p.id LIMIT 50) page"
        if _has_next_due()
        else "WITH late AS MATERIALIZED (SELECT p.id, p.number, p.subject, p.state, p.received_on, "
        f"p.registered_org_id, p.category_id FROM petitions_petition p WHERE {where}) "
        "SELECT *, (SELECT count(*) FROM late) AS total FROM late ORDER BY received_on DESC, id DESC LIMIT 50"
    )
    params = {"today": w.today, "region": w.region, "own": w.own}

    def run() -> None:
        with connection.cursor() as c:
            c.execute(sql, params)
            c.fetchall()

    return app, timed(run, n)


def case_overdue_count(w: World, n: int) -> tuple[list[float], list[float]]:
    from django.db import connection

    from xinfang.petitions.selectors import overdue_stages

    app = timed(lambda: overdue_stages(w.region, w.today).count(), n)
    sql = (
        "SELECT count(*) FROM petitions_stage WHERE org_id = ANY(%s) AND closed_on IS NULL "
        "AND paused_since IS NULL AND due_on < %s"
    )

    def run() -> None:
        with connection.cursor() as c:
            c.execute(sql, [w.region, w.today])
            c.fetchone()

    return app, timed(run, n)


def case_petition(w: World, n: int) -> tuple[list[float], list[float]]:
    from django.db import connection

    ids = iter(w.petitions * (n // max(1, len(w.petitions)) + 2))
    app = timed(lambda: check(w.web.get(f"/petitions/{next(ids)}/")), n)
    sql = """
        SELECT row_to_json(p),
               (SELECT json_agg(s ORDER BY s.id) FROM petitions_stage s WHERE s.petition_id = p.id),
               (SELECT json_agg(e ORDER BY e.id) FROM petitions_event e WHERE e.petition_id = p.id),
               (SELECT json_agg(x ORDER BY x.id) FROM petitions_petitioner x WHERE x.petition_id = p.id)
          FROM petitions_petition p WHERE p.id = %s"""
    ids2 = iter(w.petitions * (n // max(1, len(w.petitions)) + 2))

    def run() -> None:
        with connection.cursor() as c:
            c.execute(sql, [next(ids2)])
            c.fetchall()

    return app, timed(run, n)


# A petition whose subject or text contains the term, as the trigram index serves it.
TEXT_MATCH = "(UPPER(p.subject::text) LIKE UPPER(%(like)s) OR UPPER(p.content::text) LIKE UPPER(%(like)s))"


def _timed_per_term(w: World, sql: str, n: int) -> list[float]:
    """`sql` run n times, the terms taken in turn as the app's requests take them."""
    from django.db import connection

    terms = iter(TERMS * (n // len(TERMS) + 2))

    def run() -> None:
        with connection.cursor() as c:
            c.execute(sql, {"like": f"%{next(terms)}%", "region": w.region, "own": w.own})
            c.fetchall()

    return timed(run, n)


def case_search(w: World, n: int) -> tuple[list[float], list[float]]:
    terms = iter(TERMS * (n // len(TERMS) + 2))
    app = timed(lambda: check(w.web.get("/search/", {"q": next(terms)})), n)
    sql = (
        f"SELECT p.* FROM petitions_petition p WHERE {TEXT_MATCH} AND {_visible()} "
        "ORDER BY p.received_on DESC, p.id DESC LIMIT 51"
    )
    return app, _timed_per_term(w, sql, n)


def _text_count_cap() -> int | None:
    from xinfang.petitions import api

    pagination = getattr(api, "CappedCountPagination", None)
    return getattr(pagination, "TEXT_COUNT_CAP", None) or _count_cap()


def case_search_api(w: World, n: int) -> tuple[list[float], list[float]]:
    """The API list with a text filter: its first page and its total (to the cap, where the code has one)."""
    terms = iter(TERMS * (n // len(TERMS) + 2))
    app = timed(lambda: check(w.api.get("/api/v1/petitions/", {"q": next(terms), "limit": 50})), n)
    where = f"{TEXT_MATCH} AND {_visible()}"
    sql = (
        f"SELECT ({_total(where, _text_count_cap())}) AS total, page.* FROM (SELECT p.id, p.number, "
        f"p.subject, p.state, p.received_on, p.registered_org_id FROM petitions_petition p WHERE {where} "
        "ORDER BY p.received_on DESC, p.id DESC LIMIT 50) page"
    )
    return app, _timed_per_term(w, sql, n)


def case_stats(w: World, n: int) -> tuple[list[float], list[float]]:
    from django.db import connection

    from xinfang.orgs.models import Org

    year = w.today.year - 1
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    app = timed(
        lambda: check(w.city_api.get("/api/v1/stats/", {"org": CITY, "from": start, "to": end})), n, warmup=1
    )
    city = list(Org.objects.filter(path__startswith=w.city.path).values_list("pk", flat=True))
    sql = """
        WITH received AS (
            SELECT p.channel, count(*) AS n, sum(p.headcount) AS heads
              FROM petitions_petition p
             WHERE p.received_on BETWEEN %(start)s AND %(end)s
               AND (p.registered_org_id = ANY(%(orgs)s)
                    OR EXISTS (SELECT 1 FROM petitions_stage v WHERE v.petition_id = p.id AND v.org_id = ANY(%(orgs)s)))
             GROUP BY p.channel),
        timely AS (
            SELECT s.kind, count(*) AS due, count(*) FILTER (WHERE s.closed_on <= s.due_on) AS on_time
              FROM petitions_stage s
             WHERE s.org_id = ANY(%(orgs)s) AND s.due_on BETWEEN %(start)s AND %(end)s AND s.outcome <> 'withdrawn'
             GROUP BY s.kind),
        rated AS (
            SELECT r.satisfaction, count(*) AS n FROM petitions_rating r JOIN petitions_stage s ON s.id = r.stage_id
             WHERE r.on BETWEEN %(start)s AND %(end)s AND s.org_id = ANY(%(orgs)s) GROUP BY r.satisfaction)
        SELECT (SELECT json_agg(received) FROM received), (SELECT json_agg(timely) FROM timely),
               (SELECT json_agg(rated) FROM rated)"""

    def run() -> None:
        with connection.cursor() as c:
            c.execute("SET jit = off")
            c.execute(sql, {"start": start, "end": end, "orgs": city})
            c.fetchall()

    return app, timed(run, n, warmup=1)


def case_register(w: World, n: int, created: list[int]) -> tuple[list[float], list[float]]:
    from benchmarks.bench_register import Payloads
    from xinfang.orgs.models import Org
    from xinfang.petitions.models import Category

    regions = sorted({o.region_code for o in Org.objects.filter(pk__in=w.region)})
    payloads = Payloads(w.rng, [], list(Category.objects.values_list("code", flat=True)), regions, 0.0)

    def post() -> None:
        response = check(w.api.post("/api/v1/petitions/", payloads(), format="json"), 201)
        created.append(response.json()["id"])

    app = timed(post, n, warmup=10)
    return app, timed(lambda: created.append(register_sql(w, payloads())), n, warmup=3)


def _insert(model: Any, values: dict[str, Any], exprs: dict[str, str], source: str) -> tuple[str, list[Any]]:
    """INSERT INTO table (every column but id) SELECT ... FROM source: an SQL expression for the columns
    in `exprs` (taken from an earlier CTE), else a parameter: the given value or the field's default."""
    from django.db import connection

    cols, items, params = [], [], []
    for f in model._meta.concrete_fields:
        if f.primary_key:
            continue
        cols.append(f'"{f.column}"')
        if f.column in exprs:
            items.append(exprs[f.column])
            continue
        # What the ORM would store when not given: the default, "" for text, NULL for the rest.
        value = values[f.column] if f.column in values else f.get_db_prep_save(f.get_default(), connection)
        items.append("%s")
        params.append(value)
    table = model._meta.db_table
    return f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(items)} FROM {source}", params


def register_sql(w: World, body: dict[str, Any]) -> int:
    """The rows a registration writes (counter, petition, petitioners, stage, event) in one statement.

    The values the app computes in Python (encryption, blind indexes, the due date) are computed
    before the statement: this measures what the database needs, the floor under the app's time.
    """
    from django.db import connection

    from xinfang.core.crypto import blind_index, encrypt
    from xinfang.petitions.models import Event, Petition, Petitioner, Stage
    from xinfang.petitions.services import _base
    from xinfang.petitions.services.intake import new_query_code

    received = dt.date.fromisoformat(body["received_on"])
    due = _base.due("triage", received)
    basis = json.dumps({**due.as_dict(), "explain": due.explain()}, ensure_ascii=False)
    now = dt.datetime.now(dt.UTC)
    year = str(received.year)
    ctes = [
        "n AS (INSERT INTO petitions_counter (key, value) VALUES (%s, 1) ON CONFLICT (key) "
        "DO UPDATE SET value = petitions_counter.value + 1 RETURNING value)"
    ]
    params: list[Any] = [f"330521-{year}"]
    sql, p = _insert(
        Petition,
        {
            "query_code": new_query_code(),
            "channel": body["channel"],
            "received_on": received,
            "registered_at": now,
            "registered_org_id": w.org.pk,
            "registered_by_id": w.clerk.pk,
            "headcount": body["headcount"],
            "subject": body["subject"],
            "request": body["request"],
            "content": body["content"],
            "kind": body["kind"],
            "route": body.get("route", ""),
            "region_code": body["region"],
            "place": body["place"],
            "state": "registered",
            "last_action_on": received,
            "next_due_on": due.due_on,
            "appeal_basis": "{}",
        },
        {"number": f"'330521{year}' || lpad(n.value::text, 7, '0')"},
        "n",
    )
    ctes.append(f"p AS ({sql} RETURNING id)")
    params += p
    for i, person in enumerate(body["petitioners"]):
        sql, p = _insert(
            Petitioner,
            {
                "kind": "person",
                "name": person["name"],
                "id_number": encrypt(person["id_number"]),
                "id_number_hash": blind_index("id_number", person["id_number"]),
                "phone": encrypt(person["phone"]),
                "phone_hash": blind_index("phone", person["phone"]),
                "phone_tail": person["phone"][-4:],
                "address": person["address"],
                "is_representative": bool(person.get("is_representative")),
            },
            {"petition_id": "p.id"},
            "p",
        )
        ctes.append(f"x{i} AS ({sql})")
        params += p
    sql, p = _insert(
        Stage,
        {
            "kind": "triage",
            "org_id": w.org.pk,
            "rule": "triage",
            "opened_on": received,
            "due_on": due.due_on,
            "due_basis": basis,
            "data": "{}",
        },
        {"petition_id": "p.id"},
        "p",
    )
    ctes.append(f"s AS ({sql} RETURNING id, petition_id)")
    params += p
    sql, p = _insert(
        Event,
        {
            "action": "register",
            "on": received,
            "at": now,
            "actor_id": w.clerk.pk,
            "org_id": w.org.pk,
            "data": json.dumps({"channel": body["channel"], "headcount": body["headcount"]}),
        },
        {"petition_id": "s.petition_id", "stage_id": "s.id"},
        "s",
    )
    ctes.append(f"e AS ({sql})")
    params += p
    with connection.cursor() as c:
        c.execute("WITH " + ", ".join(ctes) + " SELECT id FROM p", params)
        return int(c.fetchone()[0])


# ------------------------------------------------------------------------------------------------ main


def cleanup(ids: list[int], started: dt.datetime) -> int:
    from django_tasks_db.models import DBTaskResult

    from xinfang.petitions.models import Petition

    for start in range(0, len(ids), 500):
        Petition.objects.filter(pk__in=ids[start : start + 500]).delete()
    gone, _ = DBTaskResult.objects.filter(
        enqueued_at__gte=started, task_path__contains="store_petition_vector"
    ).delete()
    return gone


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=200, help="requests per operation (200)")
    parser.add_argument("--stats-n", type=int, default=5, help="statistics requests (5)")
    parser.add_argument("--register-n", type=int, default=300)
    parser.add_argument("--only", action="append", help="run only these operations (repeatable)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--size", default="", help="label of the result file (default: from the row count)")
    args = parser.parse_args(argv)
    common.setup_django()
    from django.conf import settings

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
    from django.db import connection

    from benchmarks.bench_register import Interference, loadavg, pg_settings, remove_leftovers
    from benchmarks.explain import size_label

    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM petitions_petition")
        petitions = c.fetchone()[0]
        c.execute("SELECT pg_database_size(current_database())")
        db_bytes = c.fetchone()[0]
    gone = remove_leftovers()
    if gone:
        print(f"removed {gone} petitions left over by an interrupted benchmark run", flush=True)
    label = args.size or size_label(petitions)
    world = World(random.Random(args.seed))
    print(
        f"{connection.settings_dict['NAME']}: {petitions:,} petitions, {db_bytes / 2**30:.2f} GiB; load {loadavg()}",
        flush=True,
    )
    cases: dict[str, Callable[[], tuple[list[float], list[float]]]] = {
        "queue": lambda: case_queue(world, args.n),
        "queue_empty": lambda: case_queue_empty(world, args.n),
        "tiles": lambda: case_tiles(world, args.n),
        "overdue": lambda: case_overdue(world, args.n),
        "overdue_count": lambda: case_overdue_count(world, args.n),
        "petition": lambda: case_petition(world, args.n),
        "search": lambda: case_search(world, args.n),
        "search_api": lambda: case_search_api(world, args.n),
        "stats": lambda: case_stats(world, args.stats_n),
    }
    created: list[int] = []
    started = dt.datetime.now(dt.UTC)
    cases["register"] = lambda: case_register(world, args.register_n, created)
    result: dict[str, Any] = {
        "when": dt.datetime.now().isoformat(timespec="seconds"),
        "database": connection.settings_dict["NAME"],
        "size_label": label,
        "petitions": petitions,
        "database_bytes": db_bytes,
        "postgres": pg_settings(),
        "machine": common.machine(),
        "git": common.git_revision(),
        "loadavg_start": loadavg(),
        "targets_ms_p95": TARGETS_MS,
        "operations": {},
    }
    try:
        for name, run in cases.items():
            if args.only and name not in args.only:
                continue
            with Interference(connection.settings_dict["NAME"]) as watch:
                app, sql = run()
            a, s = common.percentiles(app), common.percentiles(sql)
            ratio = round(a["p50"] / s["p50"], 1) if s["p50"] else None
            note = NOTES.get(name, lambda: "")()
            result["operations"][name] = {
                "note": note,
                "app_ms": a,
                "sql_ms": s,
                "ratio_p50": ratio,
                "ratio_p95": round(a["p95"] / s["p95"], 1) if s["p95"] else None,
                "target_p95_ms": TARGETS_MS[name],
                "met": a["p95"] <= TARGETS_MS[name],
                "interference": watch.summary(),
            }
            print(
                f"{name:<14} app p50 {a['p50']:>8.1f} p95 {a['p95']:>8.1f} ms | SQL p50 {s['p50']:>8.1f} "
                f"p95 {s['p95']:>8.1f} ms | app/SQL {ratio}x | target p95 ≤ {TARGETS_MS[name]} ms: "
                f"{'met' if a['p95'] <= TARGETS_MS[name] else 'NOT met'} | others {watch.summary()['others_cores_mean']} cores",
                flush=True,
            )
    finally:
        if created:
            tasks = cleanup(created, started)
            print(f"deleted the {len(created)} petitions registered by this run (and {tasks} queued tasks)")
    result["loadavg_end"] = loadavg()
    path = common.write_result(f"bench_scale-{label}.json", result)
    print(f"written {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
