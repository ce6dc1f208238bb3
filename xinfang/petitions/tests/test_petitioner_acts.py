"""Acts the petitioner does without a staff account (actor=None: the portal has checked the 查询码)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from xinfang.core.errors import Forbidden, IllegalTransition, Invalid
from xinfang.petitions import services
from xinfang.petitions.models import Event, Petition, Urge
from xinfang.petitions.tests.helpers import act, register

pytestmark = pytest.mark.django_db
TODAY = "2026-11-23 10:00 +0800"


def online(**extra: Any) -> services.PetitionInput:
    base: dict[str, Any] = dict(
        channel="online",
        received_on=dt.date(2026, 11, 23),
        subject="噪音扰民",
        content="夜间施工噪音。",
        kind="request",
        route="petition",
        petitioners=[services.PetitionerInput(name="赵六", phone="13900001111")],
        org="330521-XFJ",
    )
    base.update(extra)
    return services.PetitionInput(**base)


@time_machine.travel(TODAY, tick=False)
def test_a_petitioner_submits_online_without_a_staff_account(region):
    petition = services.petition_register(online(), actor=None)
    assert petition.state == "registered"
    assert petition.registered_by is None
    event = Event.objects.get(petition=petition, action="register")
    assert event.actor is None and event.data["via"] == "portal"
    with pytest.raises(Invalid) as err:
        services.petition_register(online(org=""), actor=None)
    assert err.value.code == "required"
    with pytest.raises(Invalid) as err:
        services.petition_register(online(channel="visit"), actor=None)
    assert err.value.field == "channel"


@time_machine.travel(TODAY, tick=False)
def test_a_petitioner_requests_review_rates_and_cannot_transfer(api):
    clerk, zjj = api("dq_clerk"), api("dq_zjj")
    pid = register(clerk, received_on="2026-10-08")["id"]
    act(clerk, pid, "transfer", "2026-10-09", to_org="330521-ZJJ")
    act(zjj, pid, "accept", "2026-10-12")
    act(zjj, pid, "decide", "2026-11-02", outcome="reject", opinion="不予支持", legal_basis="依据")
    act(zjj, pid, "deliver", "2026-11-03", method="mail")
    services.petition_rate(pid, actor=None, on=dt.date(2026, 11, 20), satisfaction="unsatisfied")
    services.petition_request_review(
        pid, actor=None, on=dt.date(2026, 11, 21), to_org="330521-GOV", reason="不服"
    )
    assert Petition.objects.get(pk=pid).state == "in_review"
    with pytest.raises(Forbidden) as err:
        services.petition_accept(pid, actor=None, on=dt.date(2026, 11, 21))  # type: ignore[arg-type]
    assert err.value.code == "staff_only"


@time_machine.travel(TODAY, tick=False)
def test_urging_is_for_overdue_steps_once_a_day(api):
    clerk = api("dq_clerk")
    late = register(clerk, received_on="2026-10-01")["id"]  # triage due 10-16 (国庆 roll): overdue
    fresh = register(clerk, received_on="2026-11-20")["id"]
    with pytest.raises(IllegalTransition) as err:
        services.petition_urge(fresh, actor=None, on=dt.date(2026, 11, 23), text="请尽快")
    assert err.value.code == "not_overdue"
    services.petition_urge(late, actor=None, on=dt.date(2026, 11, 23), text="两个月了还没有转办")
    urge = Urge.objects.get(petition_id=late)
    assert urge.org.code == "330521-XFJ" and urge.by_petitioner
    with pytest.raises(IllegalTransition) as err:
        services.petition_urge(late, actor=None, on=dt.date(2026, 11, 23), text="再催")
    assert err.value.code == "already_urged_today"
    body = act(clerk, late, "urge", "2026-11-22", text="信访人来电催办")
    assert [e["action"] for e in body["events"]].count("urge") == 2
