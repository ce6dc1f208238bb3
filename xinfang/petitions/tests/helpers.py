"""Helpers for the petition tests: valid identities and short API calls."""

from __future__ import annotations

from typing import Any

from xinfang.core.identity import id_number_check_char


def id_number(seq: int, birth: str = "19700101", region: str = "330521") -> str:
    first17 = f"{region}{birth}{seq % 1000:03d}"
    return first17 + id_number_check_char(first17)


def person(seq: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "name": extra.pop("name", f"信访人{seq}"),
        "id_number": id_number(seq),
        "phone": f"138{seq:08d}",
        "address": "德清县武康街道英溪南路1号",
        **extra,
    }


def letter(**extra: Any) -> dict[str, Any]:
    body = {
        "channel": "letter",
        "received_on": "2025-11-10",
        "petitioners": [person(1)],
        "subject": "小区旁违章建筑影响通行",
        "content": "小区东侧有人搭建违章建筑，占用消防通道，多次向物业反映无果。",
        "request": "请求依法拆除违章建筑，恢复消防通道。",
        "kind": "request",
        "route": "petition",
        "region": "330521",
    }
    body.update(extra)
    return body


def register(client: Any, **extra: Any) -> dict[str, Any]:
    response = client.post("/api/v1/petitions/", letter(**extra), format="json")
    assert response.status_code == 201, response.json()
    body: dict[str, Any] = response.json()
    return body


def act(client: Any, pid: int, action: str, on: str, expect: int = 200, **params: Any) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/petitions/{pid}/actions/", {"action": action, "on": on, **params}, format="json"
    )
    assert response.status_code == expect, (action, response.status_code, response.json())
    body: dict[str, Any] = response.json()
    return body


def stage(body: dict[str, Any], kind: str, index: int = -1) -> dict[str, Any]:
    found: dict[str, Any] = [s for s in body["stages"] if s["kind"] == kind][index]
    return found
