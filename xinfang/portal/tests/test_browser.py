"""What a petitioner sees in a real browser: submit → track → request 复查 → rate; on a phone, labelled."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from xinfang.petitions.models import Petition
from xinfang.petitions.tests.helpers import act
from xinfang.portal.tests.helpers import png_bytes

pytestmark = pytest.mark.django_db(transaction=True)

# Every form control has a name a screen reader can read (a <label>, or aria-label/labelledby).
UNLABELLED = """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map(el => el.name)"""


def test_it_submits_tracks_requests_review_and_rates(page, api, tmp_path):
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(png_bytes())
    page.goto("/portal/submit/")
    expect(page.get_by_role("heading", name="提交前请先阅读：什么事项该向哪里提出")).to_be_visible()
    assert page.evaluate(UNLABELLED) == []
    page.get_by_label("姓名（单位名称）").fill("张秀英")
    page.get_by_label("身份证号码（单位填统一社会信用代码）").fill("33052119680512002X")
    page.get_by_label("手机号码").fill("13857212345")
    page.get_by_label("住址（通信地址）").fill("德清县武康街道英溪南路18号")
    page.get_by_label("标题").fill("小区消防通道被违章建筑占用")
    page.get_by_label("请求", exact=True).fill("请求依法拆除违章建筑，恢复消防通道。")
    page.get_by_label("事实和理由").fill("小区东侧有人搭建违章建筑，占用消防通道。")
    page.get_by_label("问题发生地（行政区划）").select_option("330521")
    page.get_by_label("向哪个机关、单位提出").select_option(label="德清县信访局")
    page.get_by_label("附件（可选）").set_input_files(str(photo))
    page.get_by_role("button", name="提交信访事项").click()
    # Forgot the declaration: the error is announced and nothing typed is lost.
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.get_by_label("标题").input_value() == "小区消防通道被违章建筑占用"
    page.get_by_label("我已阅读上面的说明", exact=False).check()
    page.get_by_label("附件（可选）").set_input_files(str(photo))
    page.get_by_role("button", name="提交信访事项").click()
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    code = page.get_by_test_id("query-code").inner_text()
    petition = Petition.objects.get(query_code=code)
    expect(page.get_by_test_id("number")).to_have_text(petition.number)

    # Staff handle it through the same services; the reply is delivered today.
    today = petition.received_on.isoformat()
    clerk, unit = api("dq_clerk"), api("dq_zjj")
    act(clerk, petition.pk, "transfer", today, to_org="330521-ZJJ")
    act(unit, petition.pk, "accept", today)
    act(
        unit,
        petition.pk,
        "decide",
        today,
        outcome="explain",
        opinion="已责成物业清理",
        legal_basis="《消防法》第二十八条",
    )
    act(unit, petition.pk, "deliver", today, method="electronic")

    # Track from a fresh browser session with the code and the phone digits.
    page.context.clear_cookies()
    page.goto("/portal/track/")
    page.get_by_label("查询码").fill(code)
    page.get_by_label("手机号后四位").fill("2345")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name=f"信访件 {petition.number}")).to_be_visible()
    steps = page.get_by_role("region", name="办理过程")
    expect(steps).to_contain_text("将您的信访事项转送德清县住房和城乡建设局办理")
    expect(steps.get_by_role("link", name=re.compile(r"^查看\s*《信访处理意见书》$"))).to_be_visible()
    with page.expect_download() as download:
        steps.get_by_role("link", name=re.compile(r"^下载Word\s*：《信访处理意见书》$")).click()
    assert download.value.suggested_filename.endswith(".docx")
    expect(page.get_by_role("link", name="现场照片.png")).to_be_visible()

    page.get_by_label("向哪个机关请求").select_option(label="中共德清县委 德清县人民政府")
    page.get_by_label("请求的理由").fill("物业清理不彻底，问题仍然存在")
    page.get_by_role("button", name="提交复查请求").click()
    expect(page.get_by_role("status")).to_contain_text("复查请求已提交")
    expect(page.get_by_test_id("state")).to_have_text("复查中")

    page.get_by_label("基本满意").check()
    page.get_by_label("意见（可选）").fill("答复及时")
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_role("status")).to_contain_text("感谢您的评价")
    expect(page.get_by_text("您的评价为“基本满意”")).to_be_visible()
    assert page.get_by_role("button", name="提交评价").count() == 0


def test_it_fits_a_phone_screen_with_landmarks_and_labels(browser, live_server, region):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 360, "height": 740}, base_url=live_server.url
    )
    page = context.new_page()
    try:
        for url in ("/portal/", "/portal/submit/", "/portal/track/"):
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
            assert page.get_by_role("banner").count() == 1
            assert page.get_by_role("main").count() == 1
            assert page.get_by_role("contentinfo").count() == 1
            expect(page.get_by_role("navigation", name="网上信访")).to_be_visible()
            assert page.get_by_role("heading", level=1).count() == 1
            assert page.evaluate(UNLABELLED) == [], url
        snapshot = page.locator("main").aria_snapshot()
        assert 'textbox "查询码"' in snapshot and 'textbox "手机号后四位"' in snapshot
    finally:
        context.close()
