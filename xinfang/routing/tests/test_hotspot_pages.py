"""The 矛盾隐患预警 page through Django's test client: what each user sees, dismissing with a reason,
escalating, the scope of the listed petitions, and the panel other sections include."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from xinfang.petitions.models import Petition
from xinfang.petitions.tests.helpers import act
from xinfang.routing import services
from xinfang.routing.models import HotspotAlert
from xinfang.routing.tests.helpers import TODAY, plant_hotspot, school_hotspot

pytestmark = pytest.mark.django_db

URL = "/routing/hotspots/"
DAYS = [f"2026-11-{10 + i:02d}" for i in range(5)]


@pytest.fixture
def plant(api) -> tuple[HotspotAlert, list[int]]:
    with time_machine.travel(TODAY, tick=False):
        ids = plant_hotspot(api("dq_clerk"), DAYS)
        (alert,) = services.hotspot_scan(on=dt.date(2026, 11, 20), window_days=30, min_size=5)
    return alert, ids


def card(html: str, pk: int) -> str:
    match = re.search(rf'<article class="card hotspot" id="hotspot-{pk}".*?</article>', html, re.S)
    assert match, f"no card for alert {pk}"
    return match.group(0)


def test_a_supervisor_sees_the_open_group_with_its_figures_and_petitions(plant, client_for):
    alert, ids = plant
    html = client_for("dq_supervisor").get(URL).content.decode()
    body = card(html, alert.pk)
    assert "丽景花园小区旁搅拌站扰民" in body
    assert "data-size>5件<" in body and "data-petitioners>5人<" in body
    places = re.search(r"data-places>([^<]*)<", body)
    assert places and "丽景花园" in places.group(1)
    assert "2026-11-10 至 2026-11-14（按30日窗口归组，2026-11-20预警）" in body
    assert "中共德清县委" in body  # the place's 党委政府, from the region code
    for pid in ids:
        assert f'href="/petitions/{pid}/"' in body
    assert Petition.objects.get(pk=ids[0]).number in body
    assert "升级处置" in body and "排除预警" in body  # a supervisor may decide
    assert "不在您的查看范围" not in body


def test_another_region_sees_nothing_and_cannot_decide(plant, client_for):
    alert, _ = plant
    other = client_for("cx_clerk")
    assert f'id="hotspot-{alert.pk}"' not in other.get(URL).content.decode()
    response = other.post(URL, {"act": "dismiss", "id": alert.pk, f"dismiss-{alert.pk}-note": "无关"})
    assert response.status_code == 404
    assert HotspotAlert.objects.get().status == "open"


def test_a_unit_holding_one_member_sees_only_that_one_and_no_buttons(plant, api, client_for):
    alert, ids = plant
    with time_machine.travel(TODAY, tick=False):
        act(api("dq_clerk"), ids[0], "transfer", "2026-11-20", to_org="330521-ZJJ")
    body = card(client_for("dq_zjj").get(URL).content.decode(), alert.pk)
    assert f'href="/petitions/{ids[0]}/"' in body
    assert all(f'href="/petitions/{pid}/"' not in body for pid in ids[1:])
    assert "另有4件不在您的查看范围内。" in body
    assert "排除预警" not in body  # a handler does not decide on alerts
    response = client_for("dq_zjj").post(
        URL, {"act": "dismiss", "id": alert.pk, f"dismiss-{alert.pk}-note": "x"}
    )
    assert response.status_code == 403
    assert HotspotAlert.objects.get().status == "open"


def test_dismissing_needs_a_reason_and_then_moves_the_group_to_dismissed(plant, client_for):
    alert, _ = plant
    client = client_for("dq_supervisor")
    response = client.post(URL, {"act": "dismiss", "id": alert.pk, f"dismiss-{alert.pk}-note": "  "})
    assert response.status_code == 200
    body = card(response.content.decode(), alert.pk)
    assert "请填写排除理由。" in body
    assert f'id="hotspot-{alert.pk}-dismiss" open' in body  # the failed form stays open
    assert HotspotAlert.objects.get().status == "open"

    response = client.post(
        URL,
        {"act": "dismiss", "id": alert.pk, f"dismiss-{alert.pk}-note": "同一施工投诉，已由住建局统一答复"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?status=dismissed#hotspot-{alert.pk}"
    alert.refresh_from_db()
    assert (alert.status, alert.note, alert.decided_by.username) == (
        "dismissed",
        "同一施工投诉，已由住建局统一答复",
        "dq_supervisor",
    )
    assert f'id="hotspot-{alert.pk}"' not in client.get(URL).content.decode()  # no longer open
    done = card(client.get(f"{URL}?status=dismissed").content.decode(), alert.pk)
    assert "已排除。同一施工投诉，已由住建局统一答复" in done
    assert "排除预警" not in done
    # Deciding again is refused with the reason, and changes nothing.
    again = client.post(
        URL, {"act": "escalate", "id": alert.pk, f"escalate-{alert.pk}-to": "leader_case"}, follow=True
    )
    assert "该预警已排除，不能再处置。" in again.content.decode()
    assert again.redirect_chain[-1][0] == f"{URL}?status=dismissed#hotspot-{alert.pk}"
    assert HotspotAlert.objects.get().status == "dismissed"


def test_escalating_records_the_way_and_offers_the_leader_case_form_filled_in(plant, client_for):
    alert, ids = plant
    client = client_for("dq_supervisor")
    bad = client.post(URL, {"act": "escalate", "id": alert.pk, f"escalate-{alert.pk}-to": "police"})
    assert "请选择升级处置方式。" in bad.content.decode()
    assert HotspotAlert.objects.get().status == "open"

    response = client.post(
        URL,
        {
            "act": "escalate",
            "id": alert.pk,
            f"escalate-{alert.pk}-to": "leader_case",
            f"escalate-{alert.pk}-note": "请县领导包案",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "已升级处置（领导包案）" in html  # the message
    body = card(html, alert.pk)
    assert "已升级处置：领导包案。请县领导包案" in body
    found = re.search(r'<a href="([^"]+)">新建领导包案</a>', body)
    assert found
    link = found.group(1).replace("&amp;", "&")
    parts = urlsplit(link)
    assert parts.path == "/supervision/cases/new/"
    query = parse_qs(parts.query)
    assert query["title"] == [alert.title]
    assert query["petitions"][0].split("、") == [Petition.objects.get(pk=pid).number for pid in ids]


def test_unknown_decisions_and_alerts_are_not_found(plant, client_for):
    alert, _ = plant
    client = client_for("dq_supervisor")
    assert client.post(URL, {"act": "delete", "id": alert.pk}).status_code == 404
    assert client.post(URL, {"act": "dismiss", "id": "x"}).status_code == 404
    assert client.post(URL, {"act": "dismiss", "id": alert.pk + 1000}).status_code == 404
    assert client.get(f"{URL}?status=bogus").status_code == 200  # falls back to the open ones


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_number_of_groups(api, client_for):
    client = client_for("dq_supervisor")
    with time_machine.travel(TODAY, tick=False):
        plant_hotspot(api("dq_clerk"), DAYS)
        services.hotspot_scan(on=dt.date(2026, 11, 20), window_days=30, min_size=5)
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    with time_machine.travel(TODAY, tick=False):
        school_hotspot(api("dq_clerk"), DAYS)
        assert len(services.hotspot_scan(on=dt.date(2026, 11, 20), window_days=30, min_size=5)) == 2
    with CaptureQueriesContext(connection) as two:
        html = client.get(URL).content.decode()
    assert html.count('class="card hotspot"') == 2
    assert len(two.captured_queries) == len(one.captured_queries)


def test_the_panel_lists_the_open_groups_for_other_sections(plant, users):
    alert, _ = plant
    template = Template("{% load routing_panels %}{% hotspot_panel %}")
    html = template.render(Context({"user": users["dq_supervisor"]}))
    assert "矛盾隐患预警" in html and "data-open-count>1<" in html
    assert f'href="/routing/hotspots/#hotspot-{alert.pk}"' in html
    assert "data-open-count>0<" in template.render(Context({"user": users["cx_clerk"]}))
    assert "暂无待研判的预警。" in template.render(Context({"user": None}))
