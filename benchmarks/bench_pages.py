"""Workbench page speed at the 1,000,000-petition bench database: the queue page and the petition page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench python benchmarks/bench_pages.py [-n 200]

Signs in as the county 信访局 clerk (dq_clerk) with Django's test Client (the whole stack: middleware,
session, view, selectors, template) and times GET / (queue 待转交, first page and a keyset page further
on, a filtered and a text-searched page) and GET /petitions/<id>/ for petitions the clerk holds.
Needs this app's migrations applied to the bench database (`python manage.py migrate web`), which add
the pg_trgm index used by the text search. Prints JSON; target p95 ≤ 200 ms.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import machine, percentiles, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=200, help="requests per page kind (≥100)")
    parser.add_argument("--user", default="dq_clerk")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from xinfang.orgs import scope
    from xinfang.orgs.models import User
    from xinfang.petitions.models import Petition, Stage
    from xinfang.web import selectors

    settings.ALLOWED_HOSTS = ["*"]
    user = User.objects.get(username=args.user)
    client = Client()
    client.force_login(user)
    total = Petition.objects.count() if connection.vendor == "postgresql" else -1
    acting = scope.acting_org_ids(user)
    held = list(
        Stage.objects.filter(closed_on__isnull=True, org_id__in=acting)
        .order_by("-id")
        .values_list("petition_id", flat=True)[: args.n]
    )
    deep = selectors.queue_page(user, "triage", selectors.Filters(), size=1000)
    cursor = deep.next_cursor or ""

    def timed(urls: list[str]) -> dict[str, float]:
        samples = []
        client.get(urls[0])  # warm
        for i in range(args.n):
            url = urls[i % len(urls)]
            start = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        return percentiles(samples)

    results = {
        "petitions_in_db": total,
        "user": args.user,
        "queue_first_page": timed(["/?queue=triage"]),
        "queue_keyset_page_21": timed([f"/?queue=triage&cursor={cursor}"]),
        "queue_filtered": timed(["/?queue=notice&channel=letter&sort=-received"]),
        "queue_text_search": timed(["/?queue=triage&q=工资", "/?queue=triage&q=违章建筑"]),
        "search_text": timed(["/search/?q=拖欠工资", "/search/?q=违章建筑"]),
        "petition_page": timed([f"/petitions/{pid}/" for pid in held] or ["/"]),
        "machine": machine(),
    }
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
