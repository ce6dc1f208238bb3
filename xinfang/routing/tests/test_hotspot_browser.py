"""What a supervisor does with the 矛盾隐患预警 in the browser (Playwright, Debian's chromium): read a
group, open one of its petitions, escalate one group into a 领导包案 and dismiss another with a reason.

The live server runs on the real clock, so the petitions are received on the days before today.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from xinfang.petitions.models import Petition
from xinfang.routing import services
from xinfang.routing.models import HotspotAlert
from xinfang.routing.tests.helpers import plant_hotspot, school_hotspot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_supervisor_reads_escalates_and_dismisses_hotspots(api, login):
    today = timezone.localdate()
    days = [(today - dt.timedelta(days=9 - i)).isoformat() for i in range(5)]
    clerk = api("dq_clerk")
    plant = plant_hotspot(clerk, days)
    school_hotspot(clerk, days)
    alerts = services.hotspot_scan(on=today, window_days=30, min_size=5)
    assert len(alerts) == 2
    plant_alert = next(a for a in alerts if "丽景花园" in a.title)
    school_alert = next(a for a in alerts if a.pk != plant_alert.pk)

    page = login("dq_supervisor")
    page.goto("/routing/hotspots/")
    expect(page.get_by_role("heading", name="矛盾隐患预警", exact=True)).to_be_visible()
    expect(page.locator("[data-open-count]")).to_have_text("2")
    card = page.locator(f"#hotspot-{plant_alert.pk}")
    expect(card.locator("[data-size]")).to_have_text("5件")
    expect(card.locator("[data-petitioners]")).to_have_text("5人")
    expect(card.locator("[data-places]")).to_contain_text("丽景花园")
    expect(card.locator("[data-window]")).to_contain_text(f"{days[0]} 至 {days[-1]}")

    # A member petition opens its own page.
    number = Petition.objects.get(pk=plant[2]).number
    card.get_by_role("link", name=number).click()
    page.wait_for_url(f"**/petitions/{plant[2]}/")
    expect(page.locator("main")).to_contain_text(number)
    page.go_back()

    # Escalate the batching-plant group into a 领导包案.
    card = page.locator(f"#hotspot-{plant_alert.pk}")
    card.locator("summary", has_text="升级处置").click()
    card.get_by_label("升级处置方式").select_option(label="领导包案")
    card.get_by_label("说明").fill("涉及五户以上居民，请县领导包案")
    card.get_by_role("button", name="升级处置").click()
    page.wait_for_url("**/routing/hotspots/?status=escalated*")
    expect(page.locator(".messages")).to_contain_text("已升级处置（领导包案）")
    done = page.locator(f"#hotspot-{plant_alert.pk}")
    expect(done.locator("[data-decision]")).to_contain_text(
        "已升级处置：领导包案。涉及五户以上居民，请县领导包案"
    )
    link = done.get_by_role("link", name="新建领导包案")
    assert "/supervision/cases/new/?" in (link.get_attribute("href") or "")

    # Dismiss the school group: without a reason it is refused, with the form still open.
    page.get_by_role("link", name="待研判").click()
    page.wait_for_url("**/routing/hotspots/?status=open")
    card = page.locator(f"#hotspot-{school_alert.pk}")
    card.locator("summary", has_text="排除").click()
    card.get_by_role("button", name="排除预警").click()
    page.wait_for_load_state()
    card = page.locator(f"#hotspot-{school_alert.pk}")
    expect(card.get_by_role("alert")).to_have_text("请填写排除理由。")
    assert HotspotAlert.objects.get(pk=school_alert.pk).status == "open"
    card.get_by_label("排除理由").fill("已由教育局统一答复学区划分政策")
    card.get_by_role("button", name="排除预警").click()
    page.wait_for_url("**/routing/hotspots/?status=dismissed*")
    expect(page.locator(f"#hotspot-{school_alert.pk} [data-decision]")).to_contain_text(
        "已排除。已由教育局统一答复学区划分政策"
    )
    page.get_by_role("link", name="待研判").click()
    expect(page.locator("[data-open-count]")).to_have_text("0")
    expect(page.get_by_text("暂无待研判的预警。")).to_be_visible()
    assert HotspotAlert.objects.get(pk=plant_alert.pk).escalated_to == "leader_case"
