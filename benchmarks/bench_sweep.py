"""The overdue sweep at the 1,000,000-petition bench database, leaving it as it was.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_bench python benchmarks/bench_sweep.py

Inside one transaction that is rolled back at the end (PostgreSQL DDL is transactional): creates the
supervision tables if the bench database lacks them, times a first sweep (raises every alert and
writes the notifications), a second sweep (idempotent: nothing new), and a sweep one week later
(escalations and clearing). Prints JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import machine, setup_django, write_result


class Rollback(Exception):
    pass


def main() -> None:
    setup_django()
    from django.apps import apps
    from django.db import connection, transaction

    from xinfang.petitions.models import Stage
    from xinfang.supervision.models import Alert, Notification
    from xinfang.supervision.services.sweep import sweep

    figures: dict[str, object] = {"machine": machine()}
    try:
        with transaction.atomic():
            existing = set(connection.introspection.table_names())
            with connection.schema_editor() as editor:
                for model in apps.get_app_config("supervision").get_models():
                    if model._meta.db_table not in existing:
                        editor.create_model(model)
            latest = (
                Stage.objects.filter(closed_on__isnull=True)
                .order_by("-due_on")
                .values_list("due_on", flat=True)
            )
            on = dt.date.today()
            figures["open_stages"] = Stage.objects.filter(closed_on__isnull=True).count()
            figures["latest_due_on"] = str(latest.first())
            for label, day in (("first", on), ("rerun", on), ("week_later", on + dt.timedelta(days=7))):
                started = time.perf_counter()
                result = sweep(on=day)
                figures[f"{label}_seconds"] = round(time.perf_counter() - started, 2)
                figures[f"{label}_result"] = result.as_dict()
            figures["alerts"] = Alert.objects.count()
            figures["open_alerts"] = Alert.objects.filter(cleared_on__isnull=True).count()
            figures["notifications"] = Notification.objects.count()
            raise Rollback
    except Rollback:
        pass
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    write_result("sweep", figures)


if __name__ == "__main__":
    main()
