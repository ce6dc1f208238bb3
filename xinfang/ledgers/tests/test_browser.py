"""What a person sees: scoring a sampled case on the 评查 page, and adopting a suggestion.

The live server runs on the real clock, so these scenarios use dates in the recent past.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from xinfang.ledgers.models import CaseCheck, ChecklistItem, ReviewCase
from xinfang.ledgers.services import review_draw
from xinfang.ledgers.tests.world import closed_petition, suggestion
from xinfang.petitions.models import Petition

pytestmark = pytest.mark.django_db(transaction=True)


def ago(days: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=days)).isoformat()


def test_it_scores_a_sampled_case_on_the_review_page(page, login, api, users, region):
    for shift in (0, 2):
        closed_petition(
            api,
            received=ago(50 + shift),
            accept=ago(48 + shift),
            decide=ago(40 + shift),
            deliver=ago(38 + shift),
        )
    review = review_draw(
        actor=users["dq_supervisor"],
        unit=region["330521-ZJJ"],
        title="住建局季度评查",
        period_start=timezone.localdate() - dt.timedelta(days=60),
        period_end=timezone.localdate(),
        on=timezone.localdate(),
        size=2,
        seed=2026,
    )
    case = review.cases.order_by("position")[0]
    items = {i.code: i.pk for i in ChecklistItem.objects.all()}
    login("dq_supervisor")
    page.goto(f"/ledgers/reviews/{review.pk}/")
    expect(page.get_by_text("按种子重新抽取结果一致")).to_be_visible()
    expect(page.locator("code")).to_contain_text("2026")
    page.get_by_role("link", name="评查", exact=True).first.click()
    page.wait_for_url(f"**/ledgers/reviews/cases/{case.pk}/")
    # The system pre-filled what it can decide from the record.
    row = page.locator("tr", has_text="告知及时（20分）")
    expect(row.locator("td").nth(1)).to_contain_text("符合")
    expect(row).to_contain_text("按期完成")
    assert page.locator(f"input[name=check_{items['notice_on_time']}][value=pass]").is_checked()
    # Manual items, and an override of the system's value without a note: refused, next to the field.
    page.locator(f"input[name=check_{items['registration']}][value=pass]").check()
    page.locator(f"input[name=check_{items['reply_quality']}][value=fail]").check()
    page.locator(f"input[name=check_{items['notice_on_time']}][value=fail]").check()
    page.get_by_role("button", name="保存评查结果").click()
    expect(page.locator("tr.field-error", has_text="告知及时")).to_contain_text("请说明理由")
    assert page.locator(f"input[name=check_{items['reply_quality']}][value=fail]").is_checked()  # kept
    page.get_by_label("告知及时说明").fill("告知书实际晚于系统登记日期送达")
    page.get_by_label("评查意见").fill("答复说理不充分")
    page.get_by_role("button", name="保存评查结果").click()
    expect(page.get_by_role("status")).to_have_text("已保存评查结果，得分70.0。")
    expect(page.get_by_test_id("score")).to_have_text("70.0")
    case.refresh_from_db()
    assert str(case.score) == "70.0"
    assert (
        CaseCheck.objects.get(case=case, item_id=items["notice_on_time"]).note
        == "告知书实际晚于系统登记日期送达"
    )
    # A problem found, to be rectified.
    page.get_by_label("问题描述").fill("受理告知书送达时间与登记不符")
    page.get_by_role("button", name="登记问题").click()
    expect(page.get_by_role("status")).to_have_text("已登记问题，待整改。")
    expect(page.locator("li", has_text="受理告知书送达时间与登记不符")).to_contain_text("待整改")
    assert ReviewCase.objects.get(pk=case.pk).problems.count() == 1


def test_it_adopts_a_suggestion_and_shows_the_reply(page, login, api, users):
    pid = suggestion(api, received=ago(20), accept=ago(18))
    login("dq_zjj")
    page.goto("/ledgers/suggestions/")
    page.get_by_role("link", name=Petition.objects.get(pk=pid).number).click()
    expect(page.get_by_test_id("adoption")).to_have_text("待答复")
    page.get_by_label("采纳情况").select_option("partly_adopted")
    page.get_by_label("答复意见").fill("部分采纳：先行在三个小区试点加装电梯。")
    page.get_by_role("button", name="作出答复").click()
    expect(page.get_by_role("status")).to_have_text("已作出答复：部分采纳。")
    expect(page.get_by_test_id("adoption")).to_contain_text("部分采纳")
    expect(page.get_by_test_id("reply")).to_have_text("部分采纳：先行在三个小区试点加装电梯。")
    # Now the acting units and a reward can be recorded, and the answer delivered.
    expect(page.get_by_role("heading", name="奖励（第二十九条第二款）")).to_be_visible()
    page.get_by_role("button", name="登记送达").click()
    expect(page.get_by_role("status")).to_have_text("已登记送达。")
    page.goto("/ledgers/suggestions/?outcome=partly_adopted")
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody tr")).to_contain_text("部分采纳")
