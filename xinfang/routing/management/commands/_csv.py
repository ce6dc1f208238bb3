"""CSV reading shared by the routing commands (files of id,user,time,title,text[,label])."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from django.core.management.base import CommandError

csv.field_size_limit(sys.maxsize)


def read_rows(path: str, required: tuple[str, ...]) -> list[dict[str, str]]:
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"找不到文件：{path}")
    with file.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise CommandError(f"{path} 缺少列：{', '.join(missing)}")
        return [dict(row) for row in reader]
