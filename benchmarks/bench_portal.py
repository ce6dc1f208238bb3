"""Public tracking speed at the 1,000,000-petition bench database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench python benchmarks/bench_portal.py [-n 300]

Times GET /api/v1/public/track/?code=&phone_tail= through the whole stack (Django's test Client:
middleware, the rate limiter in the LocMem cache, the lookup by 查询码, the public view with its steps
and notices) for random petitions that have a phone, and the same request with wrong digits (the
refusal path). Read-only; needs the portal migration applied (`python manage.py migrate portal`).
Prints JSON; target p95 ≤ 100 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import machine, percentiles, setup_django, write_result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=300, help="requests per kind (≥100)")
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from xinfang.petitions.models import Petition, Petitioner

    settings.ALLOWED_HOSTS = ["*"]
    settings.XINFANG_PORTAL_IP_LOOKUPS = 10**9  # measure the lookup, not the limiter's refusals
    settings.XINFANG_PORTAL_IP_FAILURES = settings.XINFANG_PORTAL_CAPTCHA_AFTER = 10**9
    rng = random.Random(args.seed)
    top = Petition.objects.order_by("-id").values_list("id", flat=True).first() or 0
    picks: list[tuple[str, str]] = []
    while len(picks) < args.n:
        ids = [rng.randint(1, top) for _ in range(args.n)]
        rows = (
            Petitioner.objects.filter(petition_id__in=ids)
            .exclude(phone_tail="")
            .values_list("petition__query_code", "phone_tail")
        )
        picks.extend(rows)
    picks = picks[: args.n]
    client = Client()

    def timed(tail_of: str) -> dict[str, float]:
        samples = []
        for code, tail in picks:
            digits = tail if tail_of == "right" else f"{(int(tail) + 1) % 10000:04d}"
            start = time.perf_counter()
            response = client.get("/api/v1/public/track/", {"code": code, "phone_tail": digits})
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == (200 if tail_of == "right" else 404), response.content[:200]
        return percentiles(samples)

    timed("right")  # warm
    result = {
        "benchmark": "portal_track",
        "petitions": Petition.objects.count() if connection.vendor == "postgresql" else -1,
        "track_ok_ms": timed("right"),
        "track_wrong_digits_ms": timed("wrong"),
        "machine": machine(),
    }
    write_result("portal_track.json", result)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
