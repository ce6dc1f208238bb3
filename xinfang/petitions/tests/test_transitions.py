"""`available_actions` and the services agree: what is offered succeeds, what is withheld is refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import transaction

from xinfang.core.errors import XinfangError
from xinfang.orgs.models import User
from xinfang.petitions.actions import ACTIONS
from xinfang.petitions.models import Petition, StageKind
from xinfang.petitions.tests.helpers import act, register
from xinfang.petitions.transitions import available_actions

pytestmark = pytest.mark.django_db
TODAY = "2026-11-23 10:00 +0800"
ON = dt.date(2026, 11, 20)


class Rollback(Exception):
    pass


def tries(petition_id: int, user: User, action: str, params: dict[str, Any]) -> bool:
    """Run one action and undo it: True if the service accepted it."""
    block = transaction.atomic()
    # The services open durable transactions; inside a test case those may nest in blocks the test
    # case opened, and this savepoint is one of those (it is rolled back like the test's own).
    block._from_testcase = True  # type: ignore[attr-defined]
    try:
        with block:
            spec = ACTIONS[action]
            ACTIONS[action].service(petition_id, actor=user, on=ON, **dict(spec.fixed), **params)
            raise Rollback
    except Rollback:
        return True
    except XinfangError:
        return False


def params_for(petition: Petition, action: str) -> dict[str, Any]:
    stages = list(petition.stages.order_by("id"))
    decided = [s for s in stages if s.decided_on and s.closed_on]
    superior = decided[-1].org.superiors()[0].code if decided else "330521-GOV"
    kind = next((s.kind for s in stages if s.closed_on is None and s.kind != StageKind.REPORT), "handling")
    if kind in ("review", "reexamination"):
        outcome = "uphold"
    else:
        outcome = {"suggestion": "adopted", "accusation": "substantiated"}.get(petition.kind, "support")
    target = (
        "330521-ZFW"
        if petition.route == "litigation"
        else "330521-JW"
        if petition.kind == "accusation"
        else None
    )
    table: dict[str, dict[str, Any]] = {
        "transfer": {"to_org": "330521-RSJ"},
        "assign": {"to_org": "330521-RSJ", "report_due_on": ON + dt.timedelta(days=20)},
        "refer": {"to_org": target or "330521-ZFW"},
        "escalate": {"reason": "重大紧急"},
        "accept": {},
        "decline": {"reason": "not_competent", "competent_body": "某有权机关"},
        "divert": {"procedure": "行政复议"},
        "object": {"reason": "不属于本单位"},
        "object_approve": {},
        "object_reject": {"reason": "属于你单位"},
        "extend": {"days": 10, "approver": "张局长", "reason": "情况复杂"},
        "pause": {"reason": "hearing"},
        "resume": {},
        "decide": {
            "outcome": outcome,
            "opinion": "意见",
            "request": "请求",
            "facts": "事实",
            "legal_basis": "依据",
        },
        "mediate": {"method": "mediation", "agreement": "协议", "consent": True},
        "deliver": {"method": "mail"},
        "request_review": {"to_org": superior},
        "request_reexamination": {"to_org": superior},
        "report": {"text": "已办结"},
        "report_accept": {},
        "report_return": {"text": "请补充", "report_due_on": ON + dt.timedelta(days=10)},
        "rate": {"satisfaction": "satisfied"},
        "withdraw": {"reason": "撤回"},
        "urge": {"text": "请尽快办理"},
    }
    return table[action]


def build(api) -> dict[str, int]:
    clerk, zjj, rsj = api("dq_clerk"), api("dq_zjj"), api("dq_rsj")
    ids: dict[str, int] = {}
    day = "2026-11-16"
    ids["registered"] = register(clerk, received_on=day)["id"]
    ids["direct_notice"] = register(api("dq_wukang"), received_on=day, org="330521001-GOV")["id"]
    ids["transferred"] = pid = register(clerk, received_on=day)["id"]
    act(clerk, pid, "transfer", day, to_org="330521-ZJJ")
    ids["divertible"] = pid = register(clerk, received_on=day, route="administrative")["id"]
    act(clerk, pid, "transfer", day, to_org="330521-ZJJ")
    ids["objected"] = pid = register(clerk, received_on=day)["id"]
    act(clerk, pid, "transfer", day, to_org="330521-RSJ")
    act(rsj, pid, "object", day, reason="非本单位")
    ids["handling"] = pid = register(clerk, received_on=day)["id"]
    act(clerk, pid, "transfer", day, to_org="330521-ZJJ")
    act(zjj, pid, "accept", day)
    ids["paused"] = pid = register(clerk, received_on=day)["id"]
    act(clerk, pid, "transfer", day, to_org="330521-ZJJ")
    act(zjj, pid, "accept", day)
    act(zjj, pid, "pause", day, reason="supplement")
    ids["decided"] = pid = register(clerk, received_on=day)["id"]
    act(clerk, pid, "transfer", day, to_org="330521-ZJJ")
    act(zjj, pid, "accept", day)
    act(zjj, pid, "decide", day, outcome="support", opinion="支持", legal_basis="依据")
    ids["answered_assigned"] = pid = register(clerk, received_on=day)["id"]
    act(clerk, pid, "assign", day, to_org="330521-ZJJ", report_due_on="2026-12-31")
    act(zjj, pid, "accept", day)
    act(zjj, pid, "decide", day, outcome="support", opinion="支持", legal_basis="依据")
    act(zjj, pid, "deliver", day, method="mail")
    ids["report_submitted"] = pid = register(clerk, received_on=day)["id"]
    act(clerk, pid, "assign", day, to_org="330521-ZJJ", report_due_on="2026-12-31")
    act(zjj, pid, "accept", day)
    act(zjj, pid, "decide", day, outcome="support", opinion="支持", legal_basis="依据")
    act(zjj, pid, "deliver", day, method="mail")
    act(zjj, pid, "report", day, text="已办结")
    ids["in_review"] = pid = register(clerk, received_on=day)["id"]
    act(clerk, pid, "transfer", day, to_org="330521-ZJJ")
    act(zjj, pid, "accept", day)
    act(zjj, pid, "decide", day, outcome="reject", opinion="不支持", legal_basis="依据")
    act(zjj, pid, "deliver", day, method="mail")
    act(clerk, pid, "request_review", day, to_org="330521-GOV")
    ids["suggestion_answered"] = pid = register(clerk, received_on=day, kind="suggestion", route="")["id"]
    act(clerk, pid, "transfer", day, to_org="330521-ZJJ")
    act(zjj, pid, "accept", day)
    act(zjj, pid, "decide", day, outcome="adopted", opinion="采纳")
    act(zjj, pid, "deliver", day, method="mail")
    ids["withdrawn"] = pid = register(clerk, received_on=day)["id"]
    act(clerk, pid, "withdraw", day, reason="撤回")
    return ids


USERS = ["dq_clerk", "dq_zjj", "dq_rsj", "dq_wukang", "dq_supervisor", "city_clerk"]
# Offered but needing context the test cannot invent: decline on a transferred matter needs the
# earlier petition it repeats (第十九条第三款 / 第三十六条第三款).
NEEDS_CONTEXT = {("transferred", "decline"), ("divertible", "decline")}


@time_machine.travel(TODAY, tick=False)
def test_offered_actions_succeed_and_withheld_ones_are_refused(api, users):
    ids = build(api)
    mismatches = []
    for name, pid in ids.items():
        petition = Petition.objects.get(pk=pid)
        for username in USERS:
            user = users[username]
            offered = set(available_actions(petition, user, ON))
            for action in ACTIONS:
                if (name, action) in NEEDS_CONTEXT:
                    continue
                ok = tries(pid, user, action, params_for(petition, action))
                if ok != (action in offered):
                    mismatches.append(
                        (name, username, action, "offered" if action in offered else "withheld", ok)
                    )
    assert mismatches == [], "\n".join(map(str, mismatches))
