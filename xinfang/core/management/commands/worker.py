"""`xinfang worker`: run the background tasks with whatever queue the settings name.

One command for the systemd unit, whichever queue a deployment chose (docs/scaling.md):

- the database queue (`django_tasks_db.DatabaseBackend`, the default): `xinfang db_worker`;
- the Redis queue (`TASKS_BROKER_URL` set, `django_tasks_rq.RQBackend`): an RQ worker on the queues of
  the backend, with the job class that runs django-tasks tasks (`xinfang rqworker --job-class
  django_tasks_rq.Job default`), and RQ's scheduler for tasks deferred with `run_after`.

`--burst` works off what is queued and stops (for a cron line, or a test).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
RQ_BACKEND = "django_tasks_rq.RQBackend"


def queue_kind() -> str:
    """`database` or `redis`: which worker the configured default backend needs."""
    backend = settings.TASKS["default"]["BACKEND"]
    if backend == DATABASE_BACKEND:
        return "database"
    if backend == RQ_BACKEND:
        return "redis"
    raise CommandError(
        f"任务后端 {backend} 没有对应的 worker：请使用数据库队列（默认）或设置 TASKS_BROKER_URL 使用 Redis 队列。"
    )


class Command(BaseCommand):
    help = "运行后台任务（预警扫描、通知、智能分办等）：按配置使用数据库队列或 Redis 队列。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--burst", action="store_true", help="处理完队列中现有任务后退出")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = queue_kind()
        if kind == "database":
            extra = ["--batch", "--no-startup-delay"] if options["burst"] else []
            call_command("db_worker", *extra, stdout=self.stdout, stderr=self.stderr)
            return
        queues = sorted(settings.TASKS["default"].get("QUEUES") or settings.RQ_QUEUES)
        if not queues:
            raise CommandError("TASKS_BROKER_URL 未设置：Redis 队列没有可用的连接。")
        extra = ["--burst"] if options["burst"] else ["--with-scheduler"]
        call_command("rqworker", *queues, "--job-class", "django_tasks_rq.Job", *extra)
