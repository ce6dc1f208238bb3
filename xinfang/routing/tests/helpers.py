"""Helpers for the routing tests: categories, closed history built through the API, shared data."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from xinfang.petitions.models import Category
from xinfang.petitions.tests.helpers import act, person, register

TODAY = "2026-11-23 10:00 +0800"

BUILDING = [
    ("小区违章建筑占用消防通道", "小区东侧有人搭建违章建筑，占用消防通道，物业不管。"),
    ("物业乱收费", "小区物业公司擅自提高物业费，业主多次反映无果。"),
    ("开发商延期交房", "楼盘开发商延期交房一年多，房产证也办不下来。"),
    ("楼道电梯故障", "小区电梯经常故障停运，维修基金使用不透明。"),
    ("拆迁安置补偿", "村里征收拆迁，安置房迟迟没有建好，补偿款不到位。"),
    ("工地夜间施工", "附近工地夜间施工，噪音很大，影响小区居民休息。"),
]
LABOUR = [
    ("公司拖欠工资", "我在某公司工作半年，公司拖欠工资三个月，请求帮助追讨欠薪。"),
    ("社保断缴", "单位没有给员工缴纳社保，养老保险断缴，影响退休待遇。"),
    ("农民工欠薪", "工地包工头拖欠农民工工资，春节前还没有结清。"),
    ("工伤认定", "在单位上班受伤，单位不申报工伤，不给医疗费用。"),
    ("辞退无补偿", "公司无故辞退员工，不签劳动合同，不给经济补偿。"),
    ("公积金提取", "离职后公积金提取手续复杂，单位不配合办理。"),
]


def categories() -> dict[str, Category]:
    return {
        "build": Category.objects.create(code="CX", name="城乡建设"),
        "labour": Category.objects.create(code="LD", name="劳动和社会保障"),
    }


def closed_history(clerk: Any, unit_clients: dict[str, Any]) -> list[int]:
    """Twelve petitions registered, transferred, accepted, decided and answered (closed)."""
    ids = []
    seq = 100
    for code, unit, rows in (("CX", "330521-ZJJ", BUILDING), ("LD", "330521-RSJ", LABOUR)):
        for subject, content in rows:
            seq += 1
            pid = register(
                clerk,
                subject=subject,
                content=content,
                category=code,
                received_on="2026-09-01",
                petitioners=[person(seq)],
            )["id"]
            act(clerk, pid, "transfer", "2026-09-02", to_org=unit)
            act(unit_clients[unit], pid, "accept", "2026-09-03")
            act(
                unit_clients[unit],
                pid,
                "decide",
                "2026-09-20",
                outcome="explain",
                opinion="已作解释说明。",
                legal_basis="《信访工作条例》第三十二条",
            )
            p = act(unit_clients[unit], pid, "deliver", "2026-09-22", method="mail")
            assert p["state"] == "answered"
            ids.append(pid)
    return ids


def shared_data() -> Path:
    env = os.environ.get("XINFANG_SHARED_DATA")
    # xinfang/routing/tests/helpers.py → repo root is parents[3]; the data sits beside the repo.
    return Path(env) if env else Path(__file__).resolve().parents[3] / ".." / "shared" / "data"


def need_shared(*parts: str) -> Path:
    path = shared_data().joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not available: {path}")
    return path


PLANT = "丽景花园小区旁边新建搅拌站，粉尘和噪音严重影响居民生活，请求停止建设。"
PLANT_WORDS = ["严重", "非常", "极其", "十分", "很"]


def plant_hotspot(clerk: Any, days: list[str], *, seq: int = 10) -> list[int]:
    """Five petitioners about one batching plant next to 丽景花园 (one per date in `days`)."""
    return [
        register(
            clerk,
            received_on=on,
            petitioners=[person(seq + i)],
            subject=f"丽景花园小区旁搅拌站扰民{'！' * i}",
            content=PLANT.replace("严重", PLANT_WORDS[i % len(PLANT_WORDS)]),
        )["id"]
        for i, on in enumerate(days)
    ]


SCHOOL = "城东小学划片不合理，锦绣苑小区的孩子上学要走很远，请求调整学区划分。"


def school_hotspot(clerk: Any, days: list[str], *, seq: int = 40) -> list[int]:
    """A second group: parents of 锦绣苑 about the school catchment."""
    return [
        register(
            clerk,
            received_on=on,
            petitioners=[person(seq + i)],
            subject=f"锦绣苑小区学区划分不合理{'。' * i}",
            content=SCHOOL.replace("不合理", ["不合理", "不公平", "有问题", "不科学", "不妥"][i % 5]),
        )["id"]
        for i, on in enumerate(days)
    ]
