"""Petitions in the states the portal tests need, built through the staff API (the services)."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from xinfang.petitions.tests.helpers import act, person, register


def answered(
    api: Any, *, received_on: str = "2026-10-12", delivered_on: str = "2026-11-18"
) -> dict[str, Any]:
    """A route-six petition: transferred to 县住建局, accepted, extended, decided and delivered.

    Returns the staff view of it (with `query_code`, `id`).
    """
    clerk, unit = api("dq_clerk"), api("dq_zjj")
    p = register(clerk, received_on=received_on, petitioners=[person(7, phone="13812345678")])
    pid = p["id"]
    act(clerk, pid, "transfer", received_on, to_org="330521-ZJJ")
    act(unit, pid, "accept", received_on)
    act(unit, pid, "extend", received_on, days=20, approver="张局长", reason="需会同规划部门现场核查")
    act(
        unit,
        pid,
        "decide",
        delivered_on,
        outcome="reject",
        opinion="经核查，该建筑已取得规划许可",
        legal_basis="《中华人民共和国城乡规划法》第四十条",
    )
    return act(unit, pid, "deliver", delivered_on, method="mail")


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"PE\x00\x00"
    + b"\x00" * 200
)


def submission(**extra: Any) -> dict[str, Any]:
    """The fields of the online form, as a browser posts them."""
    body = {
        "petitioner_kind": "person",
        "name": "张秀英",
        "id_number": person(3)["id_number"],
        "phone": "13857212345",
        "address": "德清县武康街道英溪南路18号",
        "kind": "request",
        "route": "petition",
        "subject": "小区消防通道被违章建筑占用",
        "request": "请求依法拆除违章建筑，恢复消防通道。",
        "content": "小区东侧有人搭建违章建筑，占用消防通道，多次向物业反映无果。",
        "region": "330521",
        "place": "武康街道某小区",
        "org": "330521-XFJ",
        "truthful": "on",
    }
    body.update(extra)
    return body
