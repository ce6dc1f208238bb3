"""In the workbench: publish a reception slot, record a reception with a petition, assign a 包案 and
take it to 化解 (《信访工作条例》第十八条)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from rest_framework.test import APIClient

from xinfang.petitions.tests.helpers import act, register

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_publishes_a_slot_records_a_reception_and_resolves_a_leader_case(login, users):
    clerk = APIClient()
    clerk.force_authenticate(users["dq_clerk"])
    today = timezone.localdate()
    p = register(clerk, channel="visit", received_on=today.isoformat(), headcount=2)
    act(clerk, p["id"], "transfer", today.isoformat(), to_org="330521-ZJJ")

    page = login("dq_supervisor")
    page.get_by_role("link", name="督查督办").first.click()
    page.get_by_role("link", name="公布接访安排").first.click()
    slot_day = today + dt.timedelta(days=4)
    page.get_by_label("领导").select_option(label="吴领导")
    page.get_by_label("职务").fill("副县长")
    page.get_by_label("日期").fill(slot_day.isoformat())
    page.get_by_label("开始时间").fill("09:00")
    page.get_by_label("结束时间").fill("11:30")
    page.get_by_label("地点").fill("县人民来访接待中心")
    page.get_by_label("接访事项").fill("城乡建设、劳动保障")
    page.get_by_role("button", name="公布").click()
    page.wait_for_url("**/supervision/schedule/")
    row = page.locator("#slots tbody tr").first
    expect(row.locator("td").nth(0)).to_have_text(slot_day.isoformat())
    expect(row).to_contain_text("吴领导 副县长")
    expect(row).to_contain_text("城乡建设、劳动保障")

    page.get_by_role("link", name="记录接访").first.click()
    page.get_by_label("方式").select_option(label="接访")
    page.get_by_label("领导").select_option(label="吴领导")
    page.get_by_label("地点").fill("县人民来访接待中心")
    page.get_by_label("接待的信访件").fill("330521-NOPE-1")
    page.get_by_role("button", name="保存记录").click()
    page.get_by_text("未找到信访件：330521-NOPE-1。").wait_for()  # next to the field, nothing recorded
    assert page.get_by_label("地点").input_value() == "县人民来访接待中心"  # kept
    page.get_by_label("接待的信访件").fill(p["number"])
    page.get_by_role("button", name="保存记录").click()
    page.wait_for_url("**/supervision/receptions/")
    cells = page.locator("#receptions tbody tr").first.locator("td").all_inner_texts()
    assert cells[1:] == ["接访", "吴领导", "县人民来访接待中心", p["number"], "1", "2", "1"]

    page.get_by_role("link", name="领导包案").first.click()
    page.get_by_role("link", name="新建包案").click()
    page.get_by_label("领导").select_option(label="吴领导")
    page.get_by_label("案件名称").fill("某小区违建问题")
    page.get_by_label("包案信访件").fill(p["number"])
    page.get_by_label("化解时限").fill((today + dt.timedelta(days=60)).isoformat())
    page.get_by_role("button", name="包案").click()
    page.wait_for_url("**/supervision/cases/*/")
    expect(page.locator("#status")).to_have_text("化解中")
    page.get_by_label("进展情况").fill("召开协调会，住建局承诺限期拆除")
    page.get_by_role("button", name="记录进展").click()
    page.locator("#notes", has_text="召开协调会，住建局承诺限期拆除").wait_for()
    page.get_by_role("combobox", name="结果").select_option(label="已化解")
    page.get_by_label("化解结果").fill("违建已拆除，信访人息诉")
    page.get_by_role("button", name="结案").click()
    page.locator("#status", has_text="已化解").wait_for()
    expect(page.get_by_text("违建已拆除，信访人息诉")).to_be_visible()

    page.get_by_role("link", name="领导包案").first.click()
    expect(page.locator("#figures")).to_have_text("包案 1 件，已化解 1 件，化解中 0 件，化解率 100%。")
