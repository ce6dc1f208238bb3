"""Sustained mixed load as a bureau's staff make it: 80 % reads, 20 % writes (locust, headless).

    # a production-like server on a bench database: one process per core (docs/scaling.md), each with
    # threads for the requests that wait on PostgreSQL (gunicorn is in the `bench` extra)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench_100k CONN_MAX_AGE=60 \\
        DJANGO_SETTINGS_MODULE=benchmarks.load_settings \\
        gunicorn -w 2 -k gthread --threads 4 -b 127.0.0.1:8765 xinfang.wsgi:application &
    # (or one waitress process, which runs Python on one core at a time:
    #  waitress-serve --threads=8 --port=8765 xinfang.wsgi:application)
    XINFANG_TOKEN=$(DATABASE_URL=... xinfang token dq_clerk) \\
    XINFANG_CITY_TOKEN=$(DATABASE_URL=... xinfang token city_clerk) \\
        locust -f benchmarks/locustfile.py --headless -u 8 -r 2 -t 120s --host http://127.0.0.1:8765 \\
        --csv benchmarks/results/locust-100k --only-summary

Each simulated clerk of 德清县信访局 (dq_clerk's API token; the pages with a session signed in with
XINFANG_PASSWORD, default the demo password) does, by weight:

- reads (40 of 50): the work queue page (待转交), the API list of the county's petitions, its overdue
  list, a petition's detail, a full-text search, the public tracking look-up a petitioner makes, and now
  and then the statistics of the county for this year (city_clerk's token for the city);
- writes (10 of 50): registering a petition (POST /api/v1/petitions/, valid ID numbers and phones) and
  transferring one it registered to a department (POST .../actions/ transfer), as the 15-day triage of
  第二十二条 asks.

Every simulated user comes from 127.0.0.1, and the public portal allows 30 look-ups per IP in 10
minutes (xinfang/portal/limits.py): for a longer run, start the server with
``DJANGO_SETTINGS_MODULE=benchmarks.load_settings``, which raises it, or the tracking requests turn into
429 answers (the limit working as meant). Only loopback hosts are allowed. The petitions registered are ordinary rows: on a bench database made
by benchmarks/generate.py, the next bench_register/bench_scale run removes them (ids above the
generated ones).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
from typing import Any
from urllib.parse import urlparse

from locust import HttpUser, between, events, task

from benchmarks import common

TERMS = ("拖欠工资", "物业管理", "土地征收", "加装电梯", "社会保险", "交通安全")
UNITS = ("330521-ZJJ", "330521-RSJ", "330521-ZRZY", "330521-SCJG")
CHANNELS = ("online", "online", "visit", "letter", "phone")


@events.init.add_listener
def _loopback_only(environment: Any, **kwargs: Any) -> None:
    host = urlparse(environment.host or "").hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("locustfile: --host must be a loopback address (http://127.0.0.1:PORT)")
    if not os.environ.get("XINFANG_TOKEN"):
        raise SystemExit("locustfile: set XINFANG_TOKEN (xinfang token dq_clerk)")


class Clerk(HttpUser):
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.rng = random.Random()
        self.token = {"Authorization": f"Token {os.environ['XINFANG_TOKEN']}"}
        city = os.environ.get("XINFANG_CITY_TOKEN", "")
        self.city_token = {"Authorization": f"Token {city}"} if city else None
        self.mine: list[int] = []
        listing = self.client.get(
            "/api/v1/petitions/", params={"limit": 200}, headers=self.token, name="setup"
        ).json()
        self.ids = [p["id"] for p in listing["results"]]
        self.tracks: list[tuple[str, str]] = []
        self.signed_in = self._sign_in()

    def _sign_in(self) -> bool:
        page = self.client.get("/login/", name="setup")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if match is None:
            return False
        response = self.client.post(
            "/login/",
            data={
                "username": os.environ.get("XINFANG_USER", "dq_clerk"),
                "password": os.environ.get("XINFANG_PASSWORD", "xinfang-demo"),
                "csrfmiddlewaretoken": match.group(1),
            },
            headers={"Referer": f"{self.host}/login/"},
            allow_redirects=False,
            name="setup",
        )
        return response.status_code == 302

    # ------------------------------------------------------------------ reads (weights sum to 40)
    @task(10)
    def queue(self) -> None:
        if self.signed_in:
            self.client.get("/", params={"queue": "triage"}, name="GET / (queue)")
        else:
            self.client.get(
                "/api/v1/petitions/",
                params={"state": "registered", "limit": 50},
                headers=self.token,
                name="GET /petitions/?state",
            )

    @task(5)
    def overdue(self) -> None:
        self.client.get(
            "/api/v1/petitions/",
            params={"overdue": "true", "limit": 50},
            headers=self.token,
            name="GET /petitions/?overdue",
        )

    @task(14)
    def detail(self) -> None:
        pid = self.rng.choice(self.mine[-20:] + self.ids) if self.mine else self.rng.choice(self.ids)
        with self.client.get(
            f"/api/v1/petitions/{pid}/", headers=self.token, name="GET /petitions/{id}/", catch_response=True
        ) as r:
            if r.status_code != 200:
                r.failure(f"{r.status_code}")
                return
            body = r.json()
            tails = [p["phone"][-4:] for p in body.get("petitioners", []) if p.get("phone")]
            if tails and len(self.tracks) < 50:
                self.tracks.append((body["query_code"], tails[0]))

    @task(5)
    def search(self) -> None:
        self.client.get(
            "/api/v1/petitions/",
            params={"q": self.rng.choice(TERMS), "limit": 50},
            headers=self.token,
            name="GET /petitions/?q",
        )

    @task(5)
    def track(self) -> None:
        if not self.tracks:
            return self.detail()
        code, tail = self.rng.choice(self.tracks)
        self.client.get(
            "/api/v1/public/track/", params={"code": code, "phone_tail": tail}, name="GET /public/track/"
        )
        return None

    # ------------------------------------------------------------------ writes (weights sum to 10)
    @task(5)
    def register(self) -> None:
        rng = self.rng
        birth = rng.randint(dt.date(1950, 1, 1).toordinal(), dt.date(2004, 12, 31).toordinal())
        body = {
            "channel": rng.choice(CHANNELS),
            "received_on": dt.date.today().isoformat(),
            "petitioners": [
                {
                    "name": common.person_name(rng),
                    "id_number": common.id_number(rng, "330521", birth),
                    "phone": common.mobile(rng),
                    "address": f"德清县{rng.choice(common.ROADS)}{rng.randint(1, 300)}号",
                }
            ],
            "subject": f"关于{rng.choice(common.ESTATES)}小区物业管理问题的反映",
            "content": "小区物业长期不履行维修义务，多次反映未果。",
            "request": "请求依法处理。",
            "kind": "request",
            "route": "petition",
            "category": "01",
            "region": "330521",
        }
        with self.client.post(
            "/api/v1/petitions/", json=body, headers=self.token, name="POST /petitions/", catch_response=True
        ) as r:
            if r.status_code != 201:
                r.failure(f"{r.status_code}: {r.text[:200]}")
                return
            self.mine.append(r.json()["id"])

    @task(5)
    def transfer(self) -> None:
        if not self.mine:
            return self.register()
        pid = self.mine.pop(0)
        body = {"action": "transfer", "to_org": self.rng.choice(UNITS), "on": dt.date.today().isoformat()}
        self.client.post(
            f"/api/v1/petitions/{pid}/actions/",
            json=body,
            headers=self.token,
            name="POST /petitions/{id}/actions/ transfer",
        )
        return None

    @task(1)
    def stats(self) -> None:
        """The county's statistics for this year (one read in forty: leaders and supervisors look, clerks rarely)."""
        headers = self.city_token or self.token
        self.client.get(
            "/api/v1/stats/",
            params={"from": f"{dt.date.today().year}-01-01"},
            headers=headers,
            name="GET /stats/",
        )
