"""Bulk import of a year of petitions (xinfang.bulkimport) from a realistic 100,000-row file: rows/s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xinfang_import_bench \\
        python -m benchmarks.bench_import [--rows 100000] [--format csv|xlsx|both] [--reset]

The database is a scratch one of its own (default xinfang_import_bench; never the 1M bench database):
created if missing (``--reset`` drops it first), migrated, given the demo region, users and the
content categories of benchmarks/generate.py. The file is one 信访局's ledger for the last 12 months
(德清县信访局, imported as its clerk dq_clerk): every channel, kind and route, 1-3 petitioners with
valid ID numbers (GB 11643) and phones (some without either), group visits with representatives,
85 % closed historic records (办结日期, 办结方式, 办理结果) and 15 % still open. The whole import is
timed as ``xinfang import petitions`` runs it: reading, validating every row, reserving the
信访件编号, encrypting, COPY (or bulk_create) and commit. Target: >= 20,000 rows/s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks import common

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/xinfang_import_bench"
TARGET_ROWS_PER_SECOND = 20_000
CLERK = "dq_clerk"
ORG = "330521-XFJ"
CHANNELS = ("网上信访",) * 9 + ("来访",) * 4 + ("来信",) * 3 + ("来电",) * 3 + ("传真", "其他")
SUBJECTS = (
    ("01", "关于{estate}小区物业管理问题的反映"),
    ("01", "反映{estate}小区加装电梯问题"),
    ("02", "关于{company}拖欠工资的反映"),
    ("02", "要求{company}补缴社会保险"),
    ("03", "关于{village}村土地征收补偿的诉求"),
    ("04", "反映{company}销售不合格商品"),
    ("05", "关于{village}村土地流转费用的反映"),
    ("06", "对某民事判决不服的申诉"),
    ("07", "检举{village}村干部违规问题"),
    ("09", "关于子女入学问题的诉求"),
    ("10", "反映{road}路段交通安全隐患"),
    ("11", "反映{company}排放污水问题"),
    ("12", "关于最低生活保障申请的诉求"),
)
DETAILS = (
    "多次向有关部门反映未果。",
    "问题已持续一年多，严重影响正常生活。",
    "涉及住户二十余户。",
    "本人生活困难，急需解决。",
    "附相关照片和合同复印件。",
    "施工方和物业互相推诿。",
)
HEADERS = [
    "收到日期",
    "信访形式",
    "标题",
    "诉求",
    "事实和理由",
    "三类",
    "途径",
    "内容分类",
    "问题属地",
    "发生地点",
    "人数",
    "原编号",
    "信访人姓名",
    "证件号码",
    "联系电话",
    "住址",
    "是否代表",
    "信访人2姓名",
    "信访人2证件号码",
    "信访人2联系电话",
    "信访人2住址",
    "信访人2是否代表",
    "办结日期",
    "办结方式",
    "办理结果",
    "办理单位",
    "处理意见",
]
ROUTES = ("信访程序办理",) * 8 + (
    "行政复议、裁决、确认、许可、处罚等行政程序",
    "诉讼、复议、检察、公安法律程序",
)
RESULTS = {
    "申诉求决类": ("支持", "解释说明", "不予支持"),
    "建议意见类": ("采纳", "部分采纳", "未采纳"),
    "检举控告类": ("属实", "部分属实", "不属实"),
}


def make_rows(n: int, seed: int, towns: list[str], units: list[str]) -> list[list[Any]]:
    """n rows of 德清县信访局's ledger, received over the last 365 days."""
    rng = random.Random(seed)
    today = dt.date.today()
    rows = []
    for i in range(n):
        received = today - dt.timedelta(days=rng.randint(0, 364))
        channel = rng.choice(CHANNELS)
        code, subject = rng.choice(SUBJECTS)
        subject = subject.format(
            estate=rng.choice(common.ESTATES),
            company=rng.choice(common.COMPANIES),
            village=rng.choice(common.VILLAGES),
            road=rng.choice(common.ROADS),
        )
        kind = "检举控告类" if code == "07" else ("建议意见类" if rng.random() < 0.08 else "申诉求决类")
        route = rng.choice(ROUTES) if kind == "申诉求决类" else ""
        content = f"信访人反映：{subject}。" + "".join(rng.sample(DETAILS, rng.randint(1, 3)))
        group = channel == "来访" and rng.random() < 0.08
        n_people = rng.choice((1, 2)) if not group else 2
        people = []
        for _ in range(n_people):
            birth = rng.randint(dt.date(1945, 1, 1).toordinal(), dt.date(2004, 12, 31).toordinal())
            people.append(
                [
                    common.person_name(rng),
                    common.id_number(rng, "330521", birth) if rng.random() < 0.8 else "",
                    common.mobile(rng) if rng.random() < 0.95 else "",
                    f"德清县{rng.choice(common.ROADS)}{rng.randint(1, 300)}号",
                    "是" if group else "",
                ]
            )
        if len(people) == 1:
            people.append(["", "", "", "", ""])
        closed = rng.random() < 0.85 and received < today - dt.timedelta(days=20)
        closing = ["", "", "", "", ""]
        if closed:
            closed_on = min(today, received + dt.timedelta(days=rng.randint(10, 90)))
            if kind == "申诉求决类" and not route.startswith("信访"):
                state, result = "已导入法定程序", ""
            else:
                state = rng.choice(("已答复",) * 12 + ("调解和解结案", "已撤回", "不予受理"))
                result = rng.choice(RESULTS[kind]) if state == "已答复" else ""
            closing = [
                closed_on.isoformat(),
                state,
                result,
                rng.choice(units),
                "经调查核实，已依法处理并答复信访人。",
            ]
        rows.append(
            [
                received.isoformat(),
                channel,
                subject,
                "请求依法处理并给予书面答复。",
                content,
                kind,
                route,
                code,
                rng.choice(towns),
                f"德清县{rng.choice(common.ROADS)}",
                str(rng.randint(5, 30)) if group else "",
                f"DQ{received.year}-{i + 1:06d}",
                *people[0],
                *people[1],
                *closing,
            ]
        )
    return rows


def write_csv(path: Path, rows: list[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        out = csv.writer(fh)
        out.writerow(HEADERS)
        out.writerows(rows)


def write_xlsx(path: Path, rows: list[list[Any]]) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("信访件")
    sheet.append(HEADERS)
    for r in rows:
        sheet.append(r)
    book.save(path)


def prepare(reset: bool) -> None:
    from benchmarks.generate import ensure_database, setup_app

    ensure_database(os.environ["DATABASE_URL"], reset=reset)
    common.setup_django()
    setup_app()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("csv", "xlsx", "both"), default="both")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--reset", action="store_true", help="drop and recreate the scratch database first")
    args = parser.parse_args(argv)
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if os.environ["DATABASE_URL"].rstrip("/").endswith("/xinfang_bench"):
        raise SystemExit("bench_import writes: point DATABASE_URL at a scratch database, not xinfang_bench")
    if os.environ["DATABASE_URL"].startswith("postgres"):
        prepare(args.reset)
    else:
        common.setup_django()
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        from benchmarks.generate import setup_app

        setup_app()
    from django.db import connection

    from xinfang.bulkimport.services import petitions_import
    from xinfang.orgs.models import Org, OrgType, User
    from xinfang.petitions.models import Petition

    user = User.objects.select_related("org").get(username=CLERK)
    org = Org.objects.get(code=ORG)
    towns = sorted({o.region_code for o in Org.objects.filter(region_code__startswith="330521")})
    units = list(
        Org.objects.filter(region_code__startswith="330521")
        .exclude(type=OrgType.BUREAU)
        .values_list("code", flat=True)
    )
    t0 = time.perf_counter()
    rows = make_rows(args.rows, args.seed, towns, units)
    print(f"generated {len(rows):,} rows in {time.perf_counter() - t0:.1f}s", flush=True)
    before = Petition.objects.count()
    results: dict[str, Any] = {}
    formats = ("csv", "xlsx") if args.format == "both" else (args.format,)
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in formats:
            path = Path(tmp) / f"ledger-{args.rows}.{fmt}"
            t0 = time.perf_counter()
            (write_csv if fmt == "csv" else write_xlsx)(path, rows)
            size = path.stat().st_size
            print(f"{fmt}: {size / 2**20:.1f} MiB written in {time.perf_counter() - t0:.1f}s", flush=True)
            load0 = common_load()
            result = petitions_import(path, actor=user, org=org, allow_duplicate=True)
            rate = result.rows_per_second()
            floor = (
                server_floor(result.batch_id)
                if fmt == formats[0] and connection.vendor == "postgresql"
                else {}
            )
            results[fmt] = {
                "rows": result.rows,
                "imported": result.imported,
                "by_state": result.by_state,
                "seconds": result.seconds,
                "rows_per_second": rate,
                "file_bytes": size,
                "loadavg_before": load0,
                "loadavg_after": common_load(),
                "server_floor": floor,
            }
            if floor:
                print(
                    f"  PostgreSQL alone, COPY of the {floor['rows']:,} petition rows (no Python): "
                    f"{floor['petition_rows_all_indexes_s']:.1f}s with every index, "
                    f"{floor['petition_rows_without_trigram_s']:.1f}s without the trigram index",
                    flush=True,
                )
            print(
                f"{fmt}: {result.imported:,} of {result.rows:,} rows imported in {result.seconds['total']:.2f}s "
                f"= {rate:,.0f} rows/s (read+validate {result.seconds['read_and_validate']:.2f}s, "
                f"write {result.seconds['write']:.2f}s, commit {result.seconds['commit']:.2f}s); "
                f"target {TARGET_ROWS_PER_SECOND:,}: {'met' if rate >= TARGET_ROWS_PER_SECOND else 'NOT met'}",
                flush=True,
            )
    after = Petition.objects.count()
    payload = {
        "database": f"{connection.vendor}:{connection.settings_dict['NAME']}",
        "petitions_before": before,
        "petitions_after": after,
        "target_rows_per_second": TARGET_ROWS_PER_SECOND,
        "results": results,
        "machine": common.machine(),
        "git": common.git_revision(),
        "args": vars(args),
    }
    path = common.write_result(f"bench_import-{connection.vendor}.json", payload)
    print(f"written {path}")
    return 0


def server_floor(batch_id: int) -> dict[str, float]:
    """What PostgreSQL alone needs for the petition rows of one import: COPY of ready rows, no Python.

    The rows just imported are read back as COPY text, then copied in again (ids, numbers and query
    codes shifted so that nothing collides) inside transactions that are rolled back: once with every
    index in place, once without the trigram index of Chinese full-text search. Nothing is kept.
    """
    from django.db import connection

    from xinfang.petitions.models import Event

    ids = Event.objects.filter(action="register", data__import__batch=batch_id).values_list(
        "petition_id", flat=True
    )
    low, high = min(ids), max(ids)
    cols = (
        "id, number, query_code, channel, received_on, registered_at, registered_org_id, registered_by_id, "
        "headcount, subject, request, content, kind, route, category_id, region_code, place, accused_org_id, "
        "state, last_action_on, closed_on, is_final, appeal_until, appeal_basis, is_repeat, repeat_of_id"
    )
    shifted = cols.replace(
        "id, number, query_code,", "id + 1000000000000, 'F' || number, 'f' || substr(query_code, 2),", 1
    )
    out: dict[str, float] = {}
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        buffer = bytearray()
        with cursor.copy(
            f"COPY (SELECT {shifted} FROM petitions_petition WHERE id BETWEEN {low} AND {high}) TO STDOUT"
        ) as copy:
            for block in copy:
                buffer += block
        for label, drop in (
            ("petition_rows_all_indexes_s", False),
            ("petition_rows_without_trigram_s", True),
        ):
            cursor.execute("BEGIN")
            try:
                if drop:
                    cursor.execute("DROP INDEX IF EXISTS petition_text_trgm")
                t0 = time.perf_counter()
                with cursor.copy(f"COPY petitions_petition ({cols}) FROM STDIN") as copy:
                    copy.write(bytes(buffer))
                out[label] = round(time.perf_counter() - t0, 2)
            finally:
                cursor.execute("ROLLBACK")
    out["rows"] = high - low + 1
    return out


def common_load() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


if __name__ == "__main__":
    sys.exit(main())
