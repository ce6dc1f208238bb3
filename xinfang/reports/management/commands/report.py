"""`xinfang report annual --org CODE --year YYYY --out FILE.docx [--xlsx FILE.xlsx]`.

Writes the annual report draft (《信访工作条例》第四十一条) as a .docx in 公文 layout and the tables
behind it as an .xlsx (next to the .docx unless --xlsx is given); prints JSON with the paths and the
main figures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from xinfang.documents.render import render_docx
from xinfang.orgs.models import Org
from xinfang.reports.access import subtree_of
from xinfang.reports.annual import annual_data, annual_text, annual_xlsx


class Command(BaseCommand):
    help = "统计报表：annual 生成年度信访工作报告（.docx）及数据表（.xlsx）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        annual = sub.add_parser("annual", help="年度工作报告（第四十一条）")
        annual.add_argument("--org", required=True, help="机构代码，如 330500-XFJ")
        annual.add_argument("--year", required=True, type=int)
        annual.add_argument("--out", required=True, help=".docx 输出路径")
        annual.add_argument("--xlsx", default="", help=".xlsx 输出路径（默认与 .docx 同名）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] != "annual":  # pragma: no cover - argparse restricts the choices
            raise CommandError("unknown subcommand")
        org = Org.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(f"机构代码不存在：{options['org']}")
        year = options["year"]
        if not 1990 <= year <= 2100:
            raise CommandError("年份应为四位数字，如 2025。")
        out = Path(options["out"])
        if out.suffix.lower() != ".docx":
            raise CommandError("--out 应为 .docx 文件。")
        xlsx = Path(options["xlsx"]) if options["xlsx"] else out.with_suffix(".xlsx")
        today = timezone.localdate()
        subtree = subtree_of(org)
        data = annual_data(subtree, year, today=today)
        rendered = annual_text(org, subtree, year, data, today=today)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(render_docx(rendered, issuing_org=org.name))
        xlsx.parent.mkdir(parents=True, exist_ok=True)
        xlsx.write_bytes(annual_xlsx(data))
        k = data["kpis"]
        summary = {
            "org": org.code,
            "year": year,
            "docx": str(out),
            "xlsx": str(xlsx),
            "total": data["volume"]["total"],
            "yoy": data["volume"]["yoy"]["text"],
            "on_time_completion_rate": k["on_time_completion_rate"]["display"],
            "timely_acceptance_rate": k["timely_acceptance_rate"]["display"],
            "satisfaction_rate": k["satisfaction_rate"]["display"],
            "ledgers": data["ledgers"] is not None,
        }
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
