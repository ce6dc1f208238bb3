"""`Petition.next_due_on`: the earliest due date of the open, running stages, kept by every transition.

The overdue filter of the lists reads it instead of scanning stages, so it must agree with the stages
at every step: registration, transfer, acceptance, a pause (no running clock), the resume, an
extension, and the end of the procedure.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from xinfang.petitions.models import Petition, Stage
from xinfang.petitions.tests.helpers import act, register

pytestmark = pytest.mark.django_db
TODAY = "2026-11-23 10:00 +0800"


def stored(pid: int) -> str | None:
    value = Petition.objects.values_list("next_due_on", flat=True).get(pk=pid)
    return value.isoformat() if value else None


def from_stages(pid: int) -> str | None:
    running = Stage.objects.filter(petition_id=pid, closed_on__isnull=True, paused_since__isnull=True)
    due = sorted(running.values_list("due_on", flat=True))
    return due[0].isoformat() if due else None


@time_machine.travel(TODAY, tick=False)
def test_next_due_follows_every_step_of_the_procedure(api):
    clerk, unit = api("dq_clerk"), api("dq_zjj")
    pid = register(clerk, received_on="2026-07-01")["id"]
    seen = [stored(pid)]
    assert seen[-1] == from_stages(pid) == "2026-07-16"  # 第二十二条: 15日

    act(clerk, pid, "transfer", "2026-07-03", to_org="330521-ZJJ")
    seen.append(stored(pid))
    assert seen[-1] == from_stages(pid) == "2026-07-20"  # 第二十三条: 15日 → Sat 07-18 → Mon 07-20

    act(unit, pid, "accept", "2026-07-10")
    seen.append(stored(pid))
    assert seen[-1] == from_stages(pid) == "2026-09-08"  # 第三十四条: 60日

    act(unit, pid, "pause", "2026-07-20", reason="hearing")
    seen.append(stored(pid))
    assert seen[-1] is None and from_stages(pid) is None  # a paused clock is never overdue

    act(unit, pid, "resume", "2026-07-30")
    seen.append(stored(pid))
    assert seen[-1] == from_stages(pid) == "2026-09-18"  # 10 days of hearing added

    act(unit, pid, "extend", "2026-09-01", days=30, approver="张局长", reason="需现场核查")
    seen.append(stored(pid))
    assert seen[-1] == from_stages(pid)
    assert dt.date.fromisoformat(seen[-1]) > dt.date(2026, 10, 17)

    act(
        unit,
        pid,
        "decide",
        "2026-09-20",
        outcome="reject",
        opinion="经核查不予支持。",
        legal_basis="第三十二条",
    )
    assert stored(pid) == from_stages(pid)  # awaiting 送达: the handling clock still runs
    act(unit, pid, "deliver", "2026-09-22", method="mail")
    assert stored(pid) is None and from_stages(pid) is None


@time_machine.travel(TODAY, tick=False)
def test_the_overdue_filter_leaves_out_paused_and_closed_matters(api):
    clerk, unit = api("dq_clerk"), api("dq_zjj")
    late = register(clerk, received_on="2026-10-01")["id"]  # triage due 10-16: overdue
    paused = register(clerk, received_on="2026-07-01")["id"]
    act(clerk, paused, "transfer", "2026-07-03", to_org="330521-ZJJ")
    act(unit, paused, "accept", "2026-07-10")  # handling due 09-08 …
    act(unit, paused, "pause", "2026-09-01", reason="hearing")  # … but paused before it
    fresh = register(clerk, received_on="2026-11-20")["id"]
    listed = clerk.get("/api/v1/petitions/?overdue=true").json()
    assert {r["id"] for r in listed["results"]} == {late}
    listed = clerk.get("/api/v1/petitions/?overdue=false").json()
    assert {r["id"] for r in listed["results"]} == {paused, fresh}


@time_machine.travel(TODAY, tick=False)
def test_the_overdue_list_pages_the_most_overdue_first_with_full_lines(api):
    clerk = api("dq_clerk")
    # Triage due 15 days after receipt: the earliest received is the most overdue.
    ids = [register(clerk, received_on=day)["id"] for day in ("2026-10-20", "2026-09-01", "2026-10-05")]
    register(clerk, received_on="2026-11-20")  # not yet due
    expected = [ids[1], ids[2], ids[0]]
    first = clerk.get("/api/v1/petitions/?overdue=true&limit=2").json()
    second = clerk.get("/api/v1/petitions/?overdue=true&limit=2&offset=2").json()
    assert first["count"] == second["count"] == 3 and not first["count_capped"]
    assert [r["id"] for r in first["results"] + second["results"]] == expected
    line = first["results"][0]
    assert line["registered_org"]["code"] == "330521-XFJ" and line["number"] and line["state"] == "registered"
    assert second["next"] is None and "offset=2" in first["next"]
