"""Statistics of one city-year and the annual report at the 1,000,000-petition bench database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench python benchmarks/bench_stats.py [--year 2025] [--runs 5]

Read-only: computes the KPIs (xinfang.reports.stats.compute_stats) for 湖州市 (the whole region) and for
one county over a calendar year, `--runs` times each (the first run is cold), then builds the annual
report (.docx + .xlsx) once in a temporary directory. Prints JSON with timings, query counts, the
machine and the load average, and saves it under benchmarks/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
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
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xinfang.orgs.models import Org
    from xinfang.petitions.models import Petition
    from xinfang.reports.access import Subtree
    from xinfang.reports.annual import write_annual_report
    from xinfang.reports.periods import year_period
    from xinfang.reports.stats import compute_stats

    period = year_period(args.year)
    today = dt.date(args.year + 1, 1, 15)
    figures: dict[str, object] = {
        "machine": machine(),
        "load_before": os.getloadavg(),
        "year": args.year,
        "petitions": Petition.objects.count(),
    }
    for code in ("330500-GOV", "330521-GOV"):
        root = Org.objects.get(code=code)
        ids = list(Org.objects.filter(path__startswith=root.path).values_list("id", flat=True))
        subtree = Subtree(org=root, root=root, org_ids=ids)
        samples: list[float] = []
        queries = 0
        result: dict[str, object] = {}
        for _ in range(args.runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                result = compute_stats(subtree, period, today=today)
                samples.append((time.perf_counter() - started) * 1000)
            queries = len(captured)
        figures[f"stats_{code}_ms"] = percentiles(samples)
        figures[f"stats_{code}_queries"] = queries
        figures[f"stats_{code}_total"] = result["volume"]["total"]  # type: ignore[index]
    city = Org.objects.get(code="330500-XFJ")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        out = write_annual_report(city, args.year, Path(tmp) / "report.docx", today=today)
        figures["annual_report_ms"] = round((time.perf_counter() - started) * 1000, 1)
        figures["annual_report_bytes"] = {p.name: p.stat().st_size for p in out}
    figures["load_after"] = os.getloadavg()
    write_result("stats.json", figures)
    print(json.dumps(figures, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
