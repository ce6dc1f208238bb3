"""Workbench pages for 领导接访 (第十八条), 领导包案 and 挂牌督办 (第三十九条): each form's success, and a bad
input kept with its error next to the field."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.test import Client

from xinfang.petitions.tests.helpers import act, register
from xinfang.supervision.models import CaseStatus, LeaderCase, Listing, Reception, ReceptionSlot

pytestmark = pytest.mark.django_db
TODAY = "2026-11-23 10:00 +0800"


def signed_in(users, username: str) -> Client:
    client = Client()
    client.force_login(users[username])
    return client


def field_block(html: str, name: str) -> str:
    """The `<div class="field ...">` holding the input `name` (label, input, help and errors)."""
    blocks = re.findall(r'<div class="field[^"]*">.*?</div>', html, re.S)
    found: list[str] = [b for b in blocks if f'name="{name}"' in b]
    assert found, f"no field {name}"
    return found[0]


def transferred(api, received_on: str = "2026-11-20") -> dict[str, Any]:
    clerk = api("dq_clerk")
    p = register(clerk, received_on=received_on)
    act(clerk, p["id"], "transfer", received_on, to_org="330521-ZJJ")
    return p


@time_machine.travel(TODAY, tick=False)
def test_it_publishes_a_slot_and_keeps_the_input_when_the_times_are_wrong(users):
    client = signed_in(users, "dq_clerk")
    leader = users["dq_leader"]
    page = client.get("/supervision/schedule/new/").content.decode()
    assert (
        'for="id_leader"' in page and "吴领导" in page and "钱领导" not in page
    )  # the region's leaders only

    bad = {
        "kind": "receive",
        "leader": leader.pk,
        "leader_title": "副县长",
        "on": "2026-11-27",
        "starts_at": "11:00",
        "ends_at": "09:00",
        "place": "县人民来访接待中心",
        "topics": "城乡建设",
    }
    response = client.post("/supervision/schedule/new/", bad)
    assert response.status_code == 200
    html = response.content.decode()
    assert "结束时间应晚于开始时间。" in field_block(html, "ends_at")
    assert 'value="县人民来访接待中心"' in field_block(html, "place")
    assert not ReceptionSlot.objects.exists()

    response = client.post("/supervision/schedule/new/", {**bad, "ends_at": "11:30", "starts_at": "09:00"})
    assert response.status_code == 302 and response["Location"] == "/supervision/schedule/"
    html = client.get("/supervision/schedule/").content.decode()
    assert "2026-11-27" in html and "09:00–11:30" in html and "吴领导 副县长" in html and "城乡建设" in html


@time_machine.travel(TODAY, tick=False)
def test_it_offers_a_unit_handler_no_leader_to_publish_for(users):
    client = signed_in(users, "dq_zjj")
    response = client.post(
        "/supervision/schedule/new/",
        {
            "kind": "receive",
            "leader": users["dq_leader"].pk,
            "on": "2026-11-27",
            "starts_at": "09:00",
            "ends_at": "11:00",
            "place": "住建局",
        },
    )
    assert "所选领导不在本辖区。" in field_block(response.content.decode(), "leader")
    assert not ReceptionSlot.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_it_records_a_reception_with_the_petitions_received_by_number(api, users):
    clerk = api("dq_clerk")
    visit = register(clerk, channel="visit", received_on="2026-11-23", headcount=3)
    accepted = transferred(api)
    client = signed_in(users, "dq_clerk")
    form = {
        "kind": "visit",
        "leader": users["dq_leader"].pk,
        "on": "2026-11-23",
        "place": "乾元镇",
        "petitions": f"{visit['number']}， 330521-NOPE-1",
    }
    response = client.post("/supervision/receptions/new/", form)
    html = response.content.decode()
    assert "未找到信访件：330521-NOPE-1。" in field_block(html, "petitions")
    assert visit["number"] in field_block(html, "petitions") and 'value="乾元镇"' in html
    # 人次 below 批次: the service's message goes next to 人次
    response = client.post(
        "/supervision/receptions/new/", {**form, "petitions": "", "batches": "3", "persons": "2"}
    )
    assert "人次不能少于批次。" in field_block(response.content.decode(), "persons")
    assert not Reception.objects.exists()

    response = client.post(
        "/supervision/receptions/new/", {**form, "petitions": f"{visit['number']}\n{accepted['number']}"}
    )
    assert response.status_code == 302
    record = Reception.objects.get()
    assert (record.batches, record.persons, record.accepted) == (2, 4, 1)
    html = client.get("/supervision/receptions/").content.decode()
    assert "下访" in html and visit["number"] in html and accepted["number"] in html
    assert "合计：批次 2，人次 4，受理件数 1。" in html


@time_machine.travel(TODAY, tick=False)
def test_it_does_not_find_a_petition_outside_the_users_region(api, users):
    other = register(api("cx_clerk"), received_on="2026-11-23", region="330522")
    client = signed_in(users, "dq_clerk")
    response = client.post(
        "/supervision/cases/new/",
        {
            "leader": users["dq_leader"].pk,
            "title": "x",
            "petitions": other["number"],
            "target_on": "2027-01-01",
        },
    )
    assert f"未找到信访件：{other['number']}。" in field_block(response.content.decode(), "petitions")
    assert not LeaderCase.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_it_assigns_a_case_notes_it_and_marks_it_resolved(api, users):
    a, b = transferred(api), transferred(api, "2026-11-21")
    client = signed_in(users, "dq_supervisor")
    form = {
        "leader": users["dq_leader"].pk,
        "title": "某小区违建问题",
        "petitions": f"{a['number']} {b['number']}",
        "target_on": "2026-11-23",
    }
    response = client.post("/supervision/cases/new/", form)
    html = response.content.decode()
    assert "化解时限应晚于包案日期。" in field_block(html, "target_on")
    assert 'value="某小区违建问题"' in field_block(html, "title")
    assert not LeaderCase.objects.exists()

    response = client.post("/supervision/cases/new/", {**form, "target_on": "2027-01-22"})
    case = LeaderCase.objects.get()
    assert response["Location"] == f"/supervision/cases/{case.pk}/"
    assert set(case.petitions.values_list("pk", flat=True)) == {a["id"], b["id"]}

    leader = signed_in(users, "dq_leader")
    url = f"/supervision/cases/{case.pk}/"
    response = leader.post(url, {"act": "note", "text": ""})
    assert "请填写进展情况。" in field_block(response.content.decode(), "text")
    assert leader.post(url, {"act": "note", "text": "召开协调会"}).status_code == 302
    response = leader.post(url, {"act": "close", "resolved": "1", "outcome": ""})
    assert "请填写化解结果。" in field_block(response.content.decode(), "outcome")
    assert leader.post(url, {"act": "close", "resolved": "1", "outcome": "违建已拆除"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    html = leader.get(url).content.decode()
    assert '<dd id="status">已化解</dd>' in html and "召开协调会" in html and "违建已拆除" in html

    html = client.get("/supervision/cases/").content.decode()
    assert "包案 1 件，已化解 1 件，化解中 0 件，化解率 100%。" in html
    # 404 for a case outside the user's region
    assert signed_in(users, "cx_clerk").get(url).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_it_lists_a_petition_for_supervision_and_lifts_it(api, users):
    p = transferred(api)
    client = signed_in(users, "dq_supervisor")
    form = {"act": "set", "petition": p["number"], "deadline": "2026-11-20", "reason": "群众反映强烈"}
    response = client.post("/supervision/listings/", form)
    html = response.content.decode()
    assert "办结时限应晚于挂牌日期。" in field_block(html, "deadline")
    assert "群众反映强烈" in field_block(html, "reason")
    assert not Listing.objects.exists()

    assert client.post("/supervision/listings/", {**form, "deadline": "2026-12-23"}).status_code == 302
    listing = Listing.objects.get()
    html = client.get("/supervision/").content.decode()
    assert p["number"] in html and "时限2026-12-23" in html  # on the supervision home

    prefix = f"l{listing.pk}"
    # another county's staff cannot lift it: 404
    outsider = signed_in(users, "cx_clerk")
    response = outsider.post(
        "/supervision/listings/", {"act": "lift", "id": listing.pk, f"{prefix}-note": "x"}
    )
    assert response.status_code == 404
    response = client.post("/supervision/listings/", {"act": "lift", "id": listing.pk, f"{prefix}-note": ""})
    assert "请填写摘牌说明。" in field_block(response.content.decode(), f"{prefix}-note")
    response = client.post(
        "/supervision/listings/", {"act": "lift", "id": listing.pk, f"{prefix}-note": "已办结"}
    )
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.lifted_on == dt.date(2026, 11, 23)
    assert "已摘牌" in client.get("/supervision/listings/").content.decode()


@time_machine.travel(TODAY, tick=False)
def test_it_links_the_leader_pages_from_the_supervision_home(users):
    html = signed_in(users, "dq_supervisor").get("/supervision/").content.decode()
    for url in (
        "/supervision/schedule/",
        "/supervision/receptions/",
        "/supervision/cases/new/",
        "/supervision/listings/",
    ):
        assert f'href="{url}"' in html
