"""`xinfang repeats evaluate --messages M.csv --pairs P.csv`: repeat detection scored on labelled pairs."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.core.management.base import BaseCommand, CommandParser

from xinfang.routing.management.commands._csv import read_rows
from xinfang.routing.pairs import Message, evaluate_pairs


class Command(BaseCommand):
    help = "重复信访识别：按时间顺序登记MESSAGES，判断PAIRS中后一件是否为前一件的重复信访，输出一行JSON。"
    requires_system_checks: ClassVar[list[str]] = []  # type: ignore[misc]
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        ev = sub.add_parser("evaluate")
        ev.add_argument("--messages", required=True)
        ev.add_argument("--pairs", required=True)
        ev.add_argument("--no-encoder", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        messages = [
            Message(r["id"], r["user"], r["time"], r["title"], r["text"])
            for r in read_rows(options["messages"], ("id", "user", "time", "title", "text"))
        ]
        pairs = [
            (r["id_a"], r["id_b"], int(r["same_matter"]))
            for r in read_rows(options["pairs"], ("id_a", "id_b", "same_matter"))
        ]
        result = evaluate_pairs(messages, pairs, use_encoder=not options["no_encoder"])
        self.stdout.write(json.dumps(result))
