"""`xinfang routing train` (from the bureau's history) and `xinfang routing evaluate --train --test`."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.routing import text as tx
from xinfang.routing.classifier import train_and_score
from xinfang.routing.management.commands._csv import read_rows

COLUMNS = ("title", "text", "label")


class Command(BaseCommand):
    help = "智能分办模型：train 用本单位已办结信访件训练；evaluate 在两个CSV文件上训练并评分。"
    # `evaluate` reads only its two files: no database, no migrations needed.
    requires_system_checks: ClassVar[list[str]] = []  # type: ignore[misc]
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="sub", required=True)
        train = sub.add_parser("train", help="从已办结信访件和登记员反馈训练新版本")
        train.add_argument(
            "--enqueue", action="store_true", help="交给任务队列执行（定时任务用），而不是在本进程执行"
        )
        ev = sub.add_parser("evaluate", help="在TRAIN上训练、在TEST上评分，输出一行JSON")
        ev.add_argument("--train", required=True)
        ev.add_argument("--test", required=True)
        ev.add_argument("--no-encoder", action="store_true", help="只用字符TF-IDF和词表（不用句向量）")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["sub"] == "train":
            self._train(enqueue=options["enqueue"])
            return
        train = read_rows(options["train"], COLUMNS)
        test = read_rows(options["test"], COLUMNS)
        scores = train_and_score(
            [tx.document(r["title"], r["text"]) for r in train],
            [r["label"] for r in train],
            [tx.document(r["title"], r["text"]) for r in test],
            [r["label"] for r in test],
            use_encoder=not options["no_encoder"],
        )
        self.stdout.write(json.dumps(scores.__dict__))

    def _train(self, *, enqueue: bool) -> None:
        from xinfang.core.errors import Invalid
        from xinfang.routing.services import routing_train
        from xinfang.routing.tasks import model_summary, train_routing_model

        if enqueue:
            result = train_routing_model.enqueue()
            self.stdout.write(json.dumps({"enqueued": str(result.id), "task": "train_routing_model"}))
            return
        try:
            model = routing_train()
        except Invalid as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(json.dumps(model_summary(model), ensure_ascii=False))
