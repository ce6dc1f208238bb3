"""`xinfang stats rebuild` and `xinfang stats status`: the statistics' roll-up tables.

- `rebuild`: recompute every petition's facts and every roll-up from the petitions (after a bulk load,
  a restore or a move in the org tree; idempotent: a second run changes nothing). Prints JSON with what
  it counted and what it had to change.
- `status`: whether the statistics read the roll-ups (complete) or the petitions, and the last rebuild.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.reports.models import FactState, PetitionFact
from xinfang.reports.rebuild import facts_rebuild
from xinfang.reports.rollups import rollups_complete


class Command(BaseCommand):
    help = "统计汇总表：rebuild 由信访件重新计算全部汇总数据；status 查看汇总表状态。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        rebuild = sub.add_parser("rebuild", help="重新计算统计汇总表（批量导入数据或调整机构树之后运行）")
        rebuild.add_argument("--quiet", action="store_true", help="不输出进度")
        sub.add_parser("status", help="统计汇总表状态")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "rebuild":
            progress = None if options["quiet"] else (lambda line: print(line, file=sys.stderr, flush=True))
            self.stdout.write(json.dumps(facts_rebuild(progress=progress), ensure_ascii=False))
        elif options["subcommand"] == "status":
            state = FactState.objects.filter(pk=1).first()
            self.stdout.write(
                json.dumps(
                    {
                        "complete": rollups_complete(),
                        "petitions_with_facts": PetitionFact.objects.count(),
                        "complete_since": state.complete_since.isoformat()
                        if state and state.complete_since
                        else None,
                        "rebuilt_at": state.rebuilt_at.isoformat() if state and state.rebuilt_at else None,
                        "last_rebuild_seconds": state.seconds if state else None,
                    },
                    ensure_ascii=False,
                )
            )
        else:  # pragma: no cover - argparse restricts the choices
            raise CommandError("unknown subcommand")
