"""What a bureau user sees on the statistics page and the bulletin (Playwright, Debian's chromium)."""

from __future__ import annotations

import re

import pytest
import time_machine
from playwright.sync_api import expect

from xinfang.reports.tests.world import TODAY, build

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_shows_kpis_with_parts_charts_and_drills_down_to_a_petition(api, users, login, settings):
    settings.XINFANG_MIN_SAMPLE = 5
    with time_machine.travel(TODAY, tick=False):
        ids = build(api, users)
    with time_machine.travel(TODAY, tick=True):
        page = login("dq_clerk")
        page.get_by_role("link", name="统计报表").click()
        page.get_by_label("开始日期").fill("2025-11-01")
        page.get_by_label("结束日期").fill("2025-11-30")
        page.get_by_role("button", name="查询").click()
        row = page.locator("tr[data-kpi=timely_acceptance_rate]")
        expect(row).to_contain_text("50.00%（3/6）")
        expect(page.locator("tr[data-kpi=repeat_rate]")).not_to_contain_text("样本不足（1/2）")
        expect(page.locator("tr[data-kpi=repeat_rate]")).to_contain_text("14.29%（1/7）")
        # An ECharts chart was drawn (an SVG inside the chart box), beside the table.
        page.locator("#chart-month svg").wait_for()
        # Drill down: the 3 late notices, then one petition in the workbench.
        row.get_by_role("link", name="3", exact=True).last.click()
        expect(page.locator("h1")).to_have_text(re.compile(r"^及时受理率：未按期"))
        expect(page.locator("[data-count]")).to_have_text("3")
        page.locator(f"a[href='/petitions/{ids['open']}/']").click()
        page.wait_for_url(f"**/petitions/{ids['open']}/")


def test_it_prints_the_monthly_bulletin(api, users, login, settings):
    settings.XINFANG_MIN_SAMPLE = 1
    with time_machine.travel(TODAY, tick=False):
        build(api, users)
    with time_machine.travel(TODAY, tick=True):
        page = login("dq_clerk")
        page.goto("/reports/bulletin/?org=330521-XFJ&month=2025-12")
        expect(page.locator("h1")).to_contain_text("2025年12月信访工作通报")
        table = page.get_by_role("table").first
        expect(table).to_contain_text("德清县住房和城乡建设局")
        with page.expect_download() as info:
            page.get_by_role("link", name="下载通报（.xlsx）").click()
        assert info.value.suggested_filename.endswith("信访工作通报.xlsx")
