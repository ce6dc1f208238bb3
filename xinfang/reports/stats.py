"""The statistics of one org subtree and period: what the page, the API and the reports share."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

from .access import Subtree
from .periods import Period
from .rollups import rollup_figures
from .selectors import Figures, LiveFigures, min_sample, petition_stats
from .work import work_figures


@contextmanager
def statistics_transaction() -> Iterator[None]:
    """A read-only transaction for statistics queries, with PostgreSQL's JIT compiler off.

    The JIT spends most of a second compiling each of these short aggregate queries (measured on the
    benchmark database): switched off for this transaction only (SET LOCAL).
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def compute_stats(subtree: Subtree, period: Period, *, today: dt.date, live: bool = False) -> dict[str, Any]:
    """The figures in one read-only transaction.

    They come from the roll-up tables when those are complete for this subtree (xinfang/reports/rollups.py),
    else from the petitions themselves; `live=True` always reads the petitions (the definition, which
    the roll-ups equal at every moment: tests and benchmarks/bench_stats.py compare the two).
    """
    with statistics_transaction():
        figures: Figures | None = None if live else rollup_figures(subtree)
        return _compute(subtree, period, today=today, figures=figures or LiveFigures(subtree.org_ids))


def _compute(subtree: Subtree, period: Period, *, today: dt.date, figures: Figures) -> dict[str, Any]:
    return {
        "org": {"id": subtree.org.pk, "code": subtree.org.code, "name": subtree.org.name},
        "scope": {"id": subtree.root.pk, "code": subtree.root.code, "name": subtree.root.name},
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "period_label": period.label(),
        "min_sample": min_sample(),
        **petition_stats(subtree.org_ids, period, today=today, figures=figures),
        **work_figures(subtree.org_ids, period),
    }
