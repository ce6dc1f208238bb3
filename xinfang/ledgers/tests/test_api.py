"""The ledgers' REST endpoints: figures for the caller's scope; public suggestions without a login."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from xinfang.ledgers.services import outreach_record, suggestion_consent
from xinfang.ledgers.tests.world import TODAY, suggestion
from xinfang.petitions.tests.helpers import act

pytestmark = pytest.mark.django_db


@time_machine.travel(TODAY, tick=False)
def test_it_serves_the_figures_of_the_callers_scope_and_checks_the_dates(api, users):
    outreach_record(
        actor=users["dq_clerk"],
        held_on=dt.date(2026, 3, 1),
        title="宣传",
        place="广场",
        form="street",
        organiser="县信访局",
        materials=100,
        consultations=7,
        reached=50,
    )
    body = api("dq_leader").get("/api/v1/ledgers/figures/?from=2026-01-01&to=2026-12-31").json()
    assert body["outreach_materials"] == 100 and body["outreach_consultations"] == 7
    assert (
        api("cx_clerk")
        .get("/api/v1/ledgers/figures/?from=2026-01-01&to=2026-12-31")
        .json()["outreach_materials"]
        == 0
    )
    bad = api("dq_leader").get("/api/v1/ledgers/figures/?from=2026-13-01&to=2026-12-31")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_date"
    assert APIClient().get("/api/v1/ledgers/figures/?from=2026-01-01&to=2026-12-31").status_code == 401


@time_machine.travel(TODAY, tick=False)
def test_it_lists_public_suggestions_without_login(api, users):
    pid = suggestion(api)
    act(api("dq_zjj"), pid, "decide", "2026-04-20", outcome="adopted", opinion="已采纳")
    suggestion_consent(
        pid, actor=users["dq_clerk"], on=dt.date(2026, 5, 1), consent=True, public_summary="加装电梯"
    )
    body = APIClient().get("/api/v1/ledgers/public-suggestions/").json()
    assert [(r["summary"], r["outcome"], r["decided_on"]) for r in body["results"]] == [
        ("加装电梯", "采纳", "2026-04-20")
    ]
