"""`xinfang partition status|apply|roll`: yearly partitions of the event and stage tables (PostgreSQL).

    xinfang partition status [--exact]             # which tables are partitioned, each partition's rows
    xinfang partition apply [--table petitions_event] [--table petitions_stage]   # maintenance window
    xinfang partition roll --year 2027             # cron, 1 January: close last year, open this one

See xinfang/core/partitioning.py and docs/scaling.md.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from xinfang.core import partitioning
from xinfang.core.errors import XinfangError


def _describe(table: str, *, exact: bool) -> dict[str, Any]:
    if not partitioning.is_partitioned(table):
        return {"table": table, "partitioned": False}
    return {
        "table": table,
        "partitioned": True,
        "partitions": [
            {"name": p.name, "from": p.lower, "to": p.upper, "rows": p.rows}
            for p in partitioning.partitions(table, exact=exact)
        ],
    }


class Command(BaseCommand):
    help = "按年分区（PostgreSQL）：status 查看，apply 将事件表、环节表改为按年分区，roll 新年开新分区。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=("status", "apply", "roll"))
        parser.add_argument(
            "--table",
            action="append",
            choices=sorted(partitioning.PARTITIONED_BY_YEAR),
            help="表（可重复；默认两张表都处理）",
        )
        parser.add_argument("--year", type=int, help="roll：新分区的年份")
        parser.add_argument(
            "--exact", action="store_true", help="逐个分区精确计数（读全表）；默认用 PostgreSQL 的估计值"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tables = options["table"] or sorted(partitioning.PARTITIONED_BY_YEAR)
        try:
            partitioning.require_postgres()
            if options["what"] == "roll" and options["year"] is None:
                raise CommandError("roll 需要 --year。")
            with transaction.atomic():  # every table or none
                for table in tables:
                    if options["what"] == "apply" and not partitioning.is_partitioned(table):
                        partitioning.partition_table(table)
                    elif options["what"] == "roll":
                        partitioning.roll_year(table, options["year"])
        except XinfangError as exc:
            raise CommandError(str(exc)) from exc
        for table in tables:
            self.stdout.write(json.dumps(_describe(table, exact=options["exact"]), ensure_ascii=False))
