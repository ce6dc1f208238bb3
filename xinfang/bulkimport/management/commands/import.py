"""`xinfang import petitions FILE [--org CODE] [--user USERNAME] [--skip-invalid] ...` (docs/import.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.core.errors import XinfangError
from xinfang.orgs.models import Org, Role, User


class Command(BaseCommand):
    help = "批量导入：petitions 从 Excel (.xlsx) 或 CSV 导入信访件（逐行校验，全部无误才写入）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        p = sub.add_parser("petitions", help="导入信访件台账（列见 docs/import.md）")
        p.add_argument("file", help=".xlsx 或 .csv 文件")
        p.add_argument("--org", default="", help="登记单位代码（文件中没有“登记单位”列或该列为空时使用）")
        p.add_argument(
            "--user", default="", help="以该用户名义登记（默认：--org 的第一名登记员），须能代表登记单位办理"
        )
        p.add_argument(
            "--skip-invalid",
            action="store_true",
            help="只导入无误的行，把有错误的行连同错误写入 FILE.rejects.csv（或 --rejects 指定的文件）",
        )
        p.add_argument("--rejects", default="", help="错误行文件的路径")
        p.add_argument("--format", choices=("xlsx", "csv"), default="", help="文件格式（默认按扩展名）")
        p.add_argument("--encoding", default="", help="CSV 编码（默认 UTF-8，不是则按 GB18030）")
        p.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        p.add_argument("--allow-duplicate", action="store_true", help="允许再次导入内容完全相同的文件")
        p.add_argument("--json", action="store_true", help="结果输出为一行 JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        from xinfang.bulkimport.services import ImportRejected, petitions_import

        org = None
        if options["org"]:
            org = Org.objects.filter(code=options["org"].strip(), is_active=True).first()
            if org is None:
                raise CommandError(f"找不到机构“{options['org']}”。")
        actor = self._actor(options["user"], org)
        try:
            result = petitions_import(
                Path(options["file"]),
                actor=actor,
                org=org,
                skip_invalid=options["skip_invalid"],
                rejects_path=Path(options["rejects"]) if options["rejects"] else None,
                fmt=options["format"],
                encoding=options["encoding"],
                dry_run=options["dry_run"],
                allow_duplicate=options["allow_duplicate"],
            )
        except ImportRejected as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            if exc.bad_rows and len(exc.errors) >= 200:
                self.stderr.write("（只列出前200处错误）")
            raise CommandError(exc.message) from exc
        except XinfangError as exc:
            raise CommandError(exc.message) from exc
        summary = {
            "file": result.file,
            "rows": result.rows,
            "imported": result.imported,
            "rejected": result.rejected,
            "by_state": result.by_state,
            "batch": result.batch_id,
            "rejects_file": result.rejects_file,
            "dry_run": result.dry_run,
            "seconds": result.seconds,
            "rows_per_second": result.rows_per_second(),
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        verb = "校验通过" if result.dry_run else "已导入"
        states = "，".join(f"{_state_label(k)} {v}" for k, v in sorted(result.by_state.items()))
        self.stdout.write(
            f"{verb} {result.imported if not result.dry_run else result.rows - result.rejected} 件（{states}），"
            f"共 {result.rows} 行，用时 {result.seconds.get('total', 0):.1f} 秒（每秒 {result.rows_per_second():,.0f} 行）。"
        )
        if result.rejected:
            self.stdout.write(f"跳过 {result.rejected} 行有错误的数据，已写入 {result.rejects_file}。")
        if result.imported and not result.dry_run:
            self.stdout.write(
                "统计汇总表尚未包含导入的信访件：在此之前统计直接按信访件计算（较慢）。"
                "请运行 xinfang stats rebuild 重建。"
            )

    def _actor(self, username: str, org: Org | None) -> User:
        if username:
            user = User.objects.filter(username=username, is_active=True).select_related("org").first()
            if user is None:
                raise CommandError(f"找不到用户“{username}”。")
            return user
        if org is None:
            raise CommandError("请用 --user 指定导入人，或用 --org 指定登记单位。")
        user = (
            User.objects.filter(org=org, role=Role.CLERK, is_active=True)
            .select_related("org")
            .order_by("id")
            .first()
        )
        if user is None:
            raise CommandError(f"{org.name}没有登记员账号：请用 --user 指定导入人。")
        return user


def _state_label(state: str) -> str:
    from xinfang.petitions.models import State

    return str(State(state).label) if state in State.values else state
