"""Statistics of one city-year and one county-year, and the annual report, at the 1,000,000-petition database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench python benchmarks/bench_stats.py \
        [--year 2025] [--runs 9] [--report-runs 5] [--refreshes 300] [--no-live]

Read-only. The statistics read the roll-up tables (xinfang/reports/rollups.py), which must be complete:
after loading the database run `xinfang stats rebuild` once (the script stops with that advice
otherwise). For 湖州市 (the whole region) and for 德清县 over a calendar year it

1. computes the figures once from the petitions themselves (`compute_stats(..., live=True)`, the
   definition) and once from the roll-ups, and checks that the two are equal, field for field;
2. times `--runs` computations from the roll-ups (the first one cold), with the queries per run and the
   CPU time per run of this process and of its PostgreSQL backend (which hardly depends on what else
   runs on the machine);

then builds the annual report of 湖州市信访局 (.docx and .xlsx, as `xinfang report annual` does)
`--report-runs` times, timing its parts; and measures what keeping the roll-ups costs a petition service:
`petition_facts_refresh` (the call at the end of every act) on `--refreshes` random petitions whose
stored facts are first removed, so that each refresh recomputes and writes everything (the petition's
facts and all its roll-up rows, as a registration does); each in its own transaction, rolled back, so
the database is left as it was. PostgreSQL's JIT is off inside the statistics transaction, as
in production (xinfang/reports/stats.py). While each part runs, the CPU used by other processes is
sampled (`interference`, in cores) next to the load average. Prints JSON and saves it as
benchmarks/results/stats.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_register import Interference, loadavg, process_cpu
from benchmarks.common import git_revision, machine, percentiles, setup_django, write_result


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--report-runs", type=int, default=5)
    parser.add_argument("--refreshes", type=int, default=300)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--no-live", action="store_true", help="skip the comparison with the live queries")
    args = parser.parse_args()
    setup_django()
    import random

    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from xinfang.documents.render import render_docx
    from xinfang.orgs.models import Org
    from xinfang.petitions.models import Petition
    from xinfang.reports.access import subtree_of
    from xinfang.reports.annual import annual_data, annual_text, annual_xlsx
    from xinfang.reports.facts import petition_facts_refresh
    from xinfang.reports.models import FactState, PetitionFact
    from xinfang.reports.periods import year_period
    from xinfang.reports.rollups import rollups_complete
    from xinfang.reports.stats import compute_stats

    if not rollups_complete():
        raise SystemExit("the roll-ups are not complete: run `xinfang stats rebuild` on this database first")
    dbname = str(settings.DATABASES["default"]["NAME"])
    period = year_period(args.year)
    today = dt.date(args.year + 1, 1, 15)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        row = cursor.fetchone()
    backend = int(row[0]) if row else 0
    state = FactState.objects.get(pk=1)
    figures: dict[str, Any] = {
        "machine": machine(),
        "revision": git_revision(),
        "load_before": loadavg(),
        "year": args.year,
        "today": today.isoformat(),
        "petitions": Petition.objects.count(),
        "last_rebuild_seconds": state.seconds,
    }

    def cpu_now() -> float:
        return own_cpu() + (process_cpu(backend) or 0.0)

    for code in ("330500-GOV", "330521-GOV"):
        subtree = subtree_of(Org.objects.get(code=code))
        part: dict[str, Any] = {"petitions_received": None}
        if not args.no_live:
            started = time.perf_counter()
            live = compute_stats(subtree, period, today=today, live=True)
            part["live_ms"] = round((time.perf_counter() - started) * 1000, 1)
            rolled = compute_stats(subtree, period, today=today)
            if rolled != live:
                raise SystemExit(f"{code}: the roll-ups differ from the live queries")
            part["equal_to_live"] = True
        samples: list[float] = []
        cpu: list[float] = []
        queries = 0
        result: dict[str, Any] = {}
        with Interference(dbname) as watch:
            for _ in range(args.runs):
                with CaptureQueriesContext(connection) as captured:
                    c0, started = cpu_now(), time.perf_counter()
                    result = compute_stats(subtree, period, today=today)
                    samples.append((time.perf_counter() - started) * 1000)
                    cpu.append((cpu_now() - c0) * 1000)
                queries = len(captured)
        part.update(
            {
                "petitions_received": result["volume"]["total"],
                "ms": percentiles(samples),
                "cold_ms": round(samples[0], 1),
                "cpu_ms": percentiles(cpu),
                "queries": queries,
                "interference": watch.summary(),
            }
        )
        figures[f"stats_{code}"] = part
        print(f"{code}: {json.dumps(part, ensure_ascii=False)}", flush=True)

    city = Org.objects.get(code="330500-XFJ")
    city_subtree = subtree_of(city)
    parts: dict[str, list[float]] = {"data": [], "docx": [], "xlsx": [], "total": []}
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp, Interference(dbname) as watch:
        for _ in range(args.report_runs):
            t0 = time.perf_counter()
            data = annual_data(city_subtree, args.year, today=today)
            t1 = time.perf_counter()
            rendered = annual_text(city, city_subtree, args.year, data, today=today)
            docx = render_docx(rendered, issuing_org=city.name)
            (Path(tmp) / "report.docx").write_bytes(docx)
            t2 = time.perf_counter()
            xlsx = annual_xlsx(data)
            (Path(tmp) / "report.xlsx").write_bytes(xlsx)
            t3 = time.perf_counter()
            for name, value in (("data", t1 - t0), ("docx", t2 - t1), ("xlsx", t3 - t2), ("total", t3 - t0)):
                parts[name].append(value * 1000)
            sizes = {"report.docx": len(docx), "report.xlsx": len(xlsx)}
    figures["annual_report"] = {
        "ms": {name: percentiles(values) for name, values in parts.items()},
        "cold_ms": round(parts["total"][0], 1),
        "bytes": sizes,
        "interference": watch.summary(),
    }
    rng = random.Random(args.seed)
    top = Petition.objects.order_by("-id").values_list("id", flat=True).first() or 0
    refresh_ms: list[float] = []
    refresh_queries: list[int] = []
    with Interference(dbname) as watch:
        for _ in range(args.refreshes):
            pid = rng.randint(1, top)
            with transaction.atomic():
                PetitionFact.objects.filter(petition_id=pid).delete()
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    petition_facts_refresh(pid)
                    refresh_ms.append((time.perf_counter() - started) * 1000)
                refresh_queries.append(len(captured))
                transaction.set_rollback(True)
    figures["refresh"] = {
        "ms": percentiles(refresh_ms),
        "queries": percentiles([float(q) for q in refresh_queries]),
        "interference": watch.summary(),
    }
    figures["load_after"] = loadavg()
    write_result("stats.json", figures)
    print(json.dumps(figures, ensure_ascii=False, indent=2, default=str))


if __name__ == "__main__":
    main()
