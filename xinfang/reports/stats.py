"""The statistics of one org subtree and period: what the page, the API and the reports share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction

from .access import Subtree
from .periods import Period
from .selectors import min_sample, petition_stats
from .work import work_figures


def compute_stats(subtree: Subtree, period: Period, *, today: dt.date) -> dict[str, Any]:
    """The figures in one read-only transaction (one consistent snapshot on PostgreSQL).

    PostgreSQL's JIT compiler spends most of a second compiling each of these short aggregate queries
    (measured on the benchmark database), so it is switched off for this transaction only.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        return _compute(subtree, period, today=today)


def _compute(subtree: Subtree, period: Period, *, today: dt.date) -> dict[str, Any]:
    return {
        "org": {"id": subtree.org.pk, "code": subtree.org.code, "name": subtree.org.name},
        "scope": {"id": subtree.root.pk, "code": subtree.root.code, "name": subtree.root.name},
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
        "period_label": period.label(),
        "min_sample": min_sample(),
        **petition_stats(subtree.org_ids, period, today=today),
        **work_figures(subtree.org_ids, period),
    }
