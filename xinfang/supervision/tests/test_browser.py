"""In the workbench: a supervisor issues a 督办函; the unit records its written feedback."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from rest_framework.test import APIClient

from xinfang.petitions.tests.helpers import act, register

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_issues_a_supervision_letter_and_records_the_feedback(login, users):
    clerk = APIClient()
    clerk.force_authenticate(users["dq_clerk"])
    today = timezone.localdate().isoformat()
    p = register(clerk, received_on=today)
    act(clerk, p["id"], "transfer", today, to_org="330521-ZJJ")

    page = login("dq_supervisor")
    page.get_by_role("link", name="督查督办").first.click()
    page.goto(f"/supervision/letters/new/?petition={p['id']}")
    page.get_by_label("文书类别").select_option(label="督办函")
    page.get_by_role("button", name="发出").click()
    expect(
        page.get_by_text("请至少选择一项督办事由")
    ).to_be_visible()  # error next to the field, nothing issued
    page.get_by_label("拖延").check()
    page.get_by_label("发现的问题").fill("受理告知逾期未办")
    page.get_by_role("button", name="发出").click()
    page.wait_for_url("**/supervision/letters/*/")
    expect(page.locator("#status")).to_have_text("待反馈")
    expect(page.locator("pre")).to_contain_text("信访事项督办函")
    letter_url = page.url
    with page.expect_download() as download:
        page.get_by_role("link", name="下载文书（.docx）").click()
    assert download.value.suggested_filename.endswith(".docx")

    page.get_by_role("button", name="退出").click()
    login("dq_zjj")
    page.goto(letter_url)
    page.get_by_label("书面反馈").fill("已于当日受理并书面告知信访人。")
    page.get_by_role("button", name="提交反馈").click()
    expect(page.locator("#status")).to_have_text(re.compile(r"^已反馈"))
    expect(page.get_by_text("已于当日受理并书面告知信访人。")).to_be_visible()
