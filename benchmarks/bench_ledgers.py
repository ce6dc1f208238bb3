"""The 评查 population and sample draw at the 1,000,000-petition bench database (read-only).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench python benchmarks/bench_ledgers.py [--year 2025] [--runs 5]

For the busiest handling unit of the bench data: the population query of `review_population` (closed
petitions the unit held or registered, closed in the year, ordered by id), the seeded draw of 5 % from it,
and the 人民建议 adopted count of annual_figures for the whole region. The ledger tables themselves are not
needed (nothing is written). Prints JSON and saves it under benchmarks/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import machine, percentiles, setup_django, write_result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_django()
    from django.db.models import Count

    from xinfang.ledgers import sampling
    from xinfang.ledgers.services.review import review_population
    from xinfang.orgs.models import Org
    from xinfang.petitions.models import Kind, Outcome, Stage

    start, end = dt.date(args.year, 1, 1), dt.date(args.year, 12, 31)
    busiest = (
        Stage.objects.filter(kind="handling", closed_on__gte=start, closed_on__lte=end)
        .values("org_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None, "the bench database has no closed handling stages in that year"
    unit = Org.objects.get(pk=busiest["org_id"])
    population_ms, draw_ms, adopted_ms = [], [], []
    size = 0
    sample: list[int] = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        ids = list(review_population(unit, start, end).values_list("id", flat=True))
        t1 = time.perf_counter()
        sample = sampling.draw(ids, 2026, sampling.sample_size(len(ids), percent=5))
        t2 = time.perf_counter()
        region = list(
            Org.objects.filter(path__startswith=f"/{unit.path.split('/')[1]}/").values_list("id", flat=True)
        )
        Stage.objects.filter(
            org_id__in=region,
            petition__kind=Kind.SUGGESTION,
            outcome__in=(Outcome.ADOPTED, Outcome.PARTLY_ADOPTED),
            decided_on__gte=start,
            decided_on__lte=end,
        ).values("petition_id").distinct().count()
        t3 = time.perf_counter()
        population_ms.append((t1 - t0) * 1000)
        draw_ms.append((t2 - t1) * 1000)
        adopted_ms.append((t3 - t2) * 1000)
        size = len(ids)
    result = {
        "unit": unit.code,
        "year": args.year,
        "population": size,
        "sample": len(sample),
        "population_query_ms": percentiles(population_ms),
        "draw_ms": percentiles(draw_ms),
        "suggestions_adopted_ms": percentiles(adopted_ms),
        "machine": machine(),
    }
    write_result("ledgers", result)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
