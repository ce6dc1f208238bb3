"""普法宣传 and 培训 records: validation, totals by period, scope, export."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from openpyxl import load_workbook  # type: ignore[import-untyped]

from xinfang.core.errors import Invalid
from xinfang.ledgers.models import LedgerEvent, OutreachEvent
from xinfang.ledgers.selectors import outreach_list, outreach_totals, training_list, training_totals
from xinfang.ledgers.services import outreach_record, training_record
from xinfang.ledgers.tests.world import TODAY

pytestmark = pytest.mark.django_db


def _event(users, username="dq_clerk", on=dt.date(2026, 3, 15), **kw):
    defaults = dict(
        title="“信访条例宣传月”集中宣传",
        place="武康街道文化广场",
        form="street",
        organiser="县信访局",
        materials=1200,
        consultations=85,
        reached=600,
    )
    return outreach_record(actor=users[username], held_on=on, **{**defaults, **kw})


@time_machine.travel(TODAY, tick=False)
def test_it_totals_outreach_and_training_by_period(users):
    _event(users)
    _event(users, on=dt.date(2026, 5, 4), form="lecture", materials=300, consultations=40, reached=120)
    _event(users, on=dt.date(2025, 12, 30), materials=999)  # the year before
    _event(users, username="cx_clerk", materials=5000)  # another county
    training_record(
        actor=users["dq_clerk"],
        start_on=dt.date(2026, 4, 1),
        topic="信访工作条例",
        participants=80,
        hours=Decimal("16"),
    )
    training_record(
        actor=users["dq_clerk"],
        start_on=dt.date(2026, 9, 1),
        topic="网上信访",
        participants=45,
        hours=Decimal("8.5"),
    )
    year: dict[str, Any] = dict(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31))
    assert outreach_totals(outreach_list(users["dq_clerk"], **year)) == {
        "events": 2,
        "materials": 1500,
        "consultations": 125,
        "reached": 720,
    }
    assert outreach_totals(outreach_list(users["dq_clerk"], form="lecture", **year))["materials"] == 300
    assert training_totals(training_list(users["dq_clerk"], **year)) == {
        "sessions": 2,
        "participants": 125,
        "hours": 24.5,
    }
    assert LedgerEvent.objects.filter(ledger="outreach").count() == 4
    assert LedgerEvent.objects.filter(ledger="training").count() == 2


@time_machine.travel(TODAY, tick=False)
def test_it_refuses_bad_records_and_writes_nothing(users):
    checks: list[tuple[dict[str, Any], str]] = [
        (dict(materials=-1), "materials"),
        (dict(form="rally"), "form"),
        (dict(place=" "), "place"),
        (dict(on=dt.date(2027, 1, 1)), "held_on"),
    ]
    for kw, field in checks:
        with pytest.raises(Invalid) as error:
            _event(users, **kw)
        assert error.value.field == field
    with pytest.raises(Invalid) as error:
        training_record(
            actor=users["dq_clerk"], start_on=dt.date(2026, 4, 1), topic="x", participants=0, hours=Decimal(1)
        )
    assert error.value.field == "participants"
    assert OutreachEvent.objects.count() == 0


@time_machine.travel(TODAY, tick=False)
def test_it_records_through_the_pages_and_exports_with_totals(users, client):
    client.force_login(users["dq_clerk"])
    form = {
        "held_on": "2026-03-15",
        "title": "普法进社区",
        "place": "舞阳街道",
        "form": "visit",
        "organiser": "县信访局",
        "materials": "-5",
        "consultations": "30",
        "reached": "200",
    }
    bad = client.post("/ledgers/outreach/new/", form)
    assert "普法进社区" in bad.content.decode() and OutreachEvent.objects.count() == 0
    assert client.post("/ledgers/outreach/new/", {**form, "materials": "800"}).status_code == 302
    page = client.get("/ledgers/outreach/?date_from=2026-01-01&date_to=2026-12-31").content.decode()
    assert "普法进社区" in page and "800" in page
    sheet = load_workbook(io.BytesIO(client.get("/ledgers/outreach/?export=xlsx").content)).active
    assert [c.value for c in sheet[1]][:2] == ["日期", "活动名称"] and sheet["G2"].value == 800
    client.post(
        "/ledgers/training/new/",
        {"start_on": "2026-04-01", "topic": "信访业务培训", "participants": "60", "hours": "12"},
    )
    sheet = load_workbook(io.BytesIO(client.get("/ledgers/training/?export=xlsx").content)).active
    assert sheet["B2"].value == "信访业务培训" and sheet["E2"].value == 60 and sheet["F2"].value == 12
    client.force_login(users["cx_clerk"])
    assert "普法进社区" not in client.get("/ledgers/outreach/").content.decode()
