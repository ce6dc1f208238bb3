"""`xinfang hotspots --messages FILE.csv --window-days N --min-size K`: groups as JSON lines.

Without --messages it runs the hotspot job on the database (petitions received in the window ending
today) and raises HotspotAlert rows.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, ClassVar

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from xinfang.routing.clusters import Item, find_groups
from xinfang.routing.management.commands._csv import read_rows


def _parse_time(value: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(f"无法识别的时间：{value}") from None


DB_MIN_PEOPLE = 3  # on the database, a group of 3 distinct petitioners is worth a look whatever its size


class Command(BaseCommand):
    help = "矛盾隐患预警：按内容和地点聚类近期信访件。"
    requires_system_checks: ClassVar[list[str]] = []  # type: ignore[misc]
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--messages", help="CSV: id,user,time,title,text；不给则扫描数据库并生成预警")
        parser.add_argument("--window-days", type=int, default=30)
        parser.add_argument("--min-size", type=int, default=5)
        parser.add_argument(
            "--min-people", type=int, default=None, help="信访人数阈值（扫描数据库时默认3；文件默认不用）"
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="交给任务队列扫描数据库（定时任务用），而不是在本进程执行"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        window, size, people = options["window_days"], options["min_size"], options["min_people"]
        if window < 1 or size < 2:
            raise CommandError("--window-days 至少为1，--min-size 至少为2。")
        if options["messages"] and options["enqueue"]:
            raise CommandError("--enqueue 只用于扫描数据库，不能与 --messages 同用。")
        if people is not None and people < 2:
            raise CommandError("--min-people 至少为2。")
        if not options["messages"]:
            self._scan(window, size, DB_MIN_PEOPLE if people is None else people, enqueue=options["enqueue"])
            return
        rows = read_rows(options["messages"], ("id", "user", "time", "title", "text"))
        items = [Item(r["id"], r["user"], _parse_time(r["time"]), r["title"], r["text"]) for r in rows]
        for group in find_groups(items, window_days=window, min_size=size, min_people=people):
            self.stdout.write(json.dumps(group.as_dict(), ensure_ascii=False))

    def _scan(self, window: int, size: int, people: int, *, enqueue: bool) -> None:
        from xinfang.routing.services import hotspot_scan
        from xinfang.routing.tasks import scan_hotspots

        if enqueue:
            result = scan_hotspots.enqueue(window_days=window, min_size=size, min_people=people)
            self.stdout.write(json.dumps({"enqueued": str(result.id), "task": "scan_hotspots"}))
            return
        for alert in hotspot_scan(
            on=timezone.localdate(), window_days=window, min_size=size, min_people=people
        ):
            self.stdout.write(
                json.dumps(
                    {
                        "alert": alert.pk,
                        "size": alert.size,
                        "petitioners": alert.petitioners,
                        "title": alert.title,
                    },
                    ensure_ascii=False,
                )
            )
