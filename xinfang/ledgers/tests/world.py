"""Petitions for the ledger tests, built through the petition API (never raw ORM for petition state)."""

from __future__ import annotations

from typing import Any

from xinfang.petitions.tests.helpers import act, register

TODAY = "2026-11-23 10:00 +0800"


def closed_petition(
    api: Any,
    *,
    received: str = "2026-03-02",
    accept: str = "2026-03-05",
    decide: str = "2026-03-20",
    deliver: str | None = "2026-03-23",
    legal_basis: str = "《中华人民共和国城乡规划法》第四十条",
    unit: str = "330521-ZJJ",
    handler: str = "dq_zjj",
    **extra: Any,
) -> int:
    """Registered at 德清县信访局, transferred to the unit, accepted, decided, (delivered)."""
    clerk, holder = api("dq_clerk"), api(handler)
    p = register(clerk, received_on=received, **extra)
    pid: int = p["id"]
    act(clerk, pid, "transfer", received, to_org=unit)
    act(holder, pid, "accept", accept)
    act(
        holder,
        pid,
        "decide",
        decide,
        outcome="explain",
        opinion="经核查，已督促整改。",
        legal_basis=legal_basis,
    )
    if deliver:
        act(holder, pid, "deliver", deliver, method="mail")
    return pid


def withdrawn_petition(api: Any, *, received: str = "2026-03-02", withdraw: str = "2026-03-04") -> int:
    clerk = api("dq_clerk")
    pid: int = register(clerk, received_on=received)["id"]
    act(clerk, pid, "transfer", received, to_org="330521-ZJJ")
    act(clerk, pid, "withdraw", withdraw, reason="信访人主动撤回")
    return pid


def suggestion(api: Any, *, received: str = "2026-04-01", accept: str = "2026-04-03", **extra: Any) -> int:
    """A 建议意见类 petition accepted by 德清县住建局, awaiting its answer."""
    clerk, unit = api("dq_clerk"), api("dq_zjj")
    body = {
        "kind": "suggestion",
        "route": "",
        "subject": "建议在老旧小区加装电梯",
        "content": "建议对五层以上老旧住宅统一规划加装电梯，方便老年人出行。",
        "request": "",
        **extra,
    }
    pid: int = register(clerk, received_on=received, **body)["id"]
    act(clerk, pid, "transfer", received, to_org="330521-ZJJ")
    act(unit, pid, "accept", accept)
    return pid
