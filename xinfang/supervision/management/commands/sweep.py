"""`xinfang sweep`: raise and clear alerts (idempotent, safe in several workers at once)."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinfang.supervision.services.sweep import sweep


class Command(BaseCommand):
    help = "预警扫描：临期、超期、严重超期环节，逾期未反馈的督办，催办；生成站内通知。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", type=dt.date.fromisoformat, help="扫描日期（默认今天）")
        parser.add_argument("--enqueue", action="store_true", help="交给任务队列执行，而不是在本进程执行")
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS", help="每隔若干秒重复执行")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            if options["enqueue"]:
                from xinfang.supervision.tasks import run_sweep

                result = run_sweep.enqueue()
                self.stdout.write(json.dumps({"enqueued": result.id}))
            else:
                self.stdout.write(json.dumps(sweep(on=options["on"]).as_dict(), ensure_ascii=False))
            if not options["loop"]:
                return
            time.sleep(options["loop"])
