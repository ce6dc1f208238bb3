"""`xinfang demo`: migrate, load the demo region and petitions once, print the logins, serve on 127.0.0.1."""

from __future__ import annotations

import random
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from xinfang.orgs.demo import DEMO_PASSWORD
from xinfang.petitions import demo_data


class Command(BaseCommand):
    help = (
        "Migrate, load a demo region (湖州市 → 德清县, 长兴县) with users of every role and petitions in every "
        "state (once per database), print the logins, then serve on 127.0.0.1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="port to serve on (default 8000)")
        parser.add_argument("--no-serve", action="store_true", help="load the demo data and exit")
        parser.add_argument(
            "--petitions",
            type=int,
            default=demo_data.DEFAULT_PETITIONS,
            help=f"how many petitions to generate (default {demo_data.DEFAULT_PETITIONS}; 50 or more cover every state)",
        )
        parser.add_argument(
            "--seed", type=int, default=demo_data.DEFAULT_SEED, help="random seed (same seed, same data)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        port: int = options["port"]
        failed = 0
        self.stdout.write(f"数据库：{_describe_database()}")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)

        if demo_data.demo_loaded():
            self.stdout.write("演示数据已存在，未重复生成。")
        else:
            self.stdout.write(f"正在生成演示数据（{options['petitions']} 件信访件，seed={options['seed']}）…")
            result = demo_data.load_demo(
                petitions=options["petitions"], seed=options["seed"], progress=self.stdout.write
            )
            self.stdout.write(f"已生成 {result.created} 件信访件，用时 {result.seconds:.1f} 秒。")
            failed = len(result.failures)
            if result.failures:
                self.stderr.write(f"{len(result.failures)} 件生成失败：")
                for failure in result.failures:
                    self.stderr.write(f"  {failure}")
            for line in result.mismatched:
                self.stderr.write(f"  状态与预期不符：{line}")
            self._load_other_ledgers(options["seed"])

        self._print_summary()
        self._print_logins(port)
        if options["no_serve"]:
            if failed:
                raise CommandError(f"{failed} 件信访件生成失败（见上）。")
            return
        self._serve(port)

    def _load_other_ledgers(self, seed: int) -> None:
        """The other apps' demo content, created through their own services."""
        from xinfang.ledgers import demo_data as ledgers_demo
        from xinfang.orgs.models import User

        users = {u.username: u for u in User.objects.select_related("org")}
        rng = random.Random(seed)  # noqa: S311 - reproducible invented data, nothing secret
        counts = ledgers_demo.load(rng=rng, today=timezone.localdate(), users=users)
        self.stdout.write("专项台账：" + "；".join(f"{k} {v}" for k, v in counts.items()))

    def _print_summary(self) -> None:
        summary = demo_data.summarize()
        self.stdout.write("")
        self.stdout.write("信访件按状态：")
        width = max(len(value) for value, _, _ in summary.by_state)
        for value, label, count in summary.by_state:
            self.stdout.write(f"  {value:<{width}}  {_pad(label, 16)}{count:>5}")
        self.stdout.write(f"  {'total':<{width}}  {_pad('合计', 16)}{summary.total:>5}")
        self.stdout.write(
            f"未结环节：逾期 {summary.overdue_stages} 个，临期（{settings.XINFANG_NEAR_DUE_DAYS}日内到期）"
            f"{summary.near_due_stages} 个。"
        )
        self.stdout.write("；".join(f"{label} {count}" for label, count in summary.facts))

    def _print_logins(self, port: int) -> None:
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        rows = list(demo_data.logins())
        width = max(len(username) for username, *_ in rows)
        for username, org, role, name in rows:
            self.stdout.write(f"  {username:<{width}}  {_pad(role, 8)}{_pad(name, 12)}{org}")
        base = f"http://127.0.0.1:{port}"
        self.stdout.write("")
        self.stdout.write(f"管理后台  {base}/admin/        （admin 登录）")
        self.stdout.write(f"API       {base}/api/v1/       （petitions/、orgs/，凭令牌访问）")
        self.stdout.write(f"OpenAPI   {base}/api/schema/")
        self.stdout.write("API 令牌：xinfang token USERNAME（与本命令同一目录、同一 XINFANG_DATA_DIR），例如")
        self.stdout.write("  TOKEN=$(xinfang token dq_clerk)")
        self.stdout.write(f'  curl -H "Authorization: Token $TOKEN" {base}/api/v1/petitions/')

    def _serve(self, port: int) -> None:
        import waitress

        from xinfang.wsgi import application

        self.stdout.write("")
        self.stdout.write(f"正在 http://127.0.0.1:{port}/ 提供服务（Ctrl+C 停止）…")
        self.stdout.flush()
        waitress.serve(application, host="127.0.0.1", port=port, threads=8)  # returns on Ctrl+C
        self.stdout.write("已停止。")


def _describe_database() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite {db['NAME']}"
    return f"{db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or 'localhost'}/{db['NAME']}"


def _pad(text: str, width: int) -> str:
    """Left-justify to a display width, counting a CJK character as two columns."""
    shown = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return text + " " * max(1, width - shown)
