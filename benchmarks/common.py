"""Shared by the benchmark scripts: environment defaults, fake identities, percentiles."""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/xinfang_bench"
# The generator and the benchmarks must encrypt and decrypt with the same key; a fixed default keeps a
# bench database readable by every later run (it holds only fake people).
BENCH_FIELD_KEY = "xinfang-benchmark-only-field-key-do-not-use-in-production"
BENCH_SECRET_KEY = "xinfang-benchmark-only-secret-key-do-not-use-in-production"  # noqa: S105 (fake data only)

RESULTS_DIR = Path(__file__).resolve().parent / "results"

COUNTY_CODES = ("330521", "330522")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜"
    "崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华文斌玉兰志国红梅海燕建国金凤春梅晓东小红德明永强"
)
ROADS = (
    "永安街",
    "中兴路",
    "千秋街",
    "英溪路",
    "对河口",
    "北湖街",
    "群安路",
    "志远路",
    "武源街",
    "云岫路",
    "龙山路",
)
ESTATES = (
    "阳光花园",
    "金色家园",
    "锦绣苑",
    "城南新村",
    "兴康小区",
    "碧水湾",
    "书香名邸",
    "湖畔人家",
    "春晖苑",
)
COMPANIES = ("宏达建材", "华丰纺织", "绿源食品", "永盛建设", "天成物流", "金桥机械", "新宇电子", "德丰木业")
VILLAGES = ("高桥", "沈家", "五四", "东衡", "上杨", "龙胜", "新联", "仙潭", "水口", "槐坎")


def setup_django() -> None:
    """Point Django at the bench database (DATABASE_URL) with the bench keys, then set it up."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", BENCH_FIELD_KEY)
    os.environ.setdefault("SECRET_KEY", BENCH_SECRET_KEY)
    import django

    django.setup()


def id_number(rng: random.Random, region6: str, birth_ordinal: int) -> str:
    """A 居民身份证号码 with a valid GB 11643 check character."""
    from datetime import date

    from xinfang.core.identity import id_number_check_char

    body = f"{region6}{date.fromordinal(birth_ordinal):%Y%m%d}{rng.randint(1, 999):03d}"
    return body + id_number_check_char(body)


def mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    """p50/p95/p99/max/mean (nearest-rank) of latencies in milliseconds."""
    if not samples_ms:
        return {}
    ordered = sorted(samples_ms)

    def rank(p: float) -> float:
        index = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return round(ordered[index], 2)

    return {
        "n": len(ordered),
        "p50": rank(50),
        "p95": rank(95),
        "p99": rank(99),
        "max": round(ordered[-1], 2),
        "mean": round(sum(ordered) / len(ordered), 2),
    }


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {"python": platform.python_version(), "cpus": os.cpu_count()}
    try:
        with open("/proc/meminfo") as fh:
            info["mem_gb"] = round(int(fh.readline().split()[1]) / 1024 / 1024, 1)
        with open("/proc/cpuinfo") as fh:
            info["cpu"] = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), "")
    except OSError:
        pass
    return info


def git_revision() -> str:
    git = shutil.which("git")
    if git is None:
        return ""
    try:
        out = subprocess.run(  # noqa: S603 (fixed arguments)
            [git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False, timeout=5
        )
    except OSError:
        return ""
    return out.stdout.strip()


def write_result(name: str, payload: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / name
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
    return path
