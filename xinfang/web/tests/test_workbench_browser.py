"""What a person sees in the browser: a group visit from registration to the delivered answer, and an
overdue petition marked as overdue. Screenshots of the main pages go to docs/screenshots/.

The live server runs on the real clock, so the overdue petition is made with past dates rather than
with time_machine (which does not move the server thread's clock reliably).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from xinfang.petitions.models import Category, Petition, Stage
from xinfang.petitions.tests.helpers import register

pytestmark = pytest.mark.django_db(transaction=True)

# `XINFANG_SCREENSHOTS=1 pytest xinfang/web` refreshes the README's screenshots; otherwise they go to a
# temporary folder, so a test run leaves the work tree as it was.
SHOTS = (
    Path(__file__).resolve().parents[3] / "docs" / "screenshots"
    if os.environ.get("XINFANG_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / "xinfang-screenshots"
)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert (SHOTS / f"{name}.png").stat().st_size > 10_000  # a real page, not a blank one


def left(kind: str) -> str:
    """What the page should show as days left for the open stage of this kind (due dates may roll
    over a weekend, so the figure is read from the stored due date)."""
    stage = Stage.objects.filter(kind=kind, closed_on__isnull=True).latest("id")
    return f"剩{(stage.due_on - timezone.localdate()).days}日"


def open_action(page, name: str):
    page.locator(f"#act-{name} summary").click()
    return page.locator(f"#act-{name} form")


def test_it_takes_a_group_visit_from_registration_to_delivery(page, login, users):
    Category.objects.create(code="CJ", name="城乡建设")
    login("dq_clerk")
    page.goto("/register/?channel=visit")
    expect(page.get_by_role("heading", name="登记信访事项")).to_be_visible()
    expect(page.get_by_text("来访（仅来访填写）")).to_be_visible()
    expect(page.get_by_text("来信（仅来信填写）")).to_be_hidden()  # the form adapts to the channel
    page.get_by_label("人数").fill("8")
    page.get_by_label("批次").fill("当日第3批")
    page.get_by_label("接待窗口").fill("2号窗口")
    page.get_by_label("标题").fill("征地补偿款未足额发放")
    page.get_by_label("事实和理由").fill("村里征地后补偿款只发放了一半，多次询问无果。")
    page.get_by_label("三类").select_option("request")
    page.get_by_label("处理途径（第三十一条）").select_option("petition")
    page.get_by_label("内容分类").select_option("CJ")
    page.get_by_label("问题属地").select_option("330521")
    for _ in range(4):  # two rows to start with; each added row keeps what was typed
        page.get_by_role("button", name="增加一名信访人").click()
    assert page.get_by_label("标题").input_value() == "征地补偿款未足额发放"
    for i in range(6):
        page.locator(f'[name="p-{i}-name"]').fill(f"代表{i + 1}")
        page.locator(f'[name="p-{i}-is_representative"]').check()
    shot(page, "register-form")
    page.get_by_role("button", name="登记", exact=True).click()

    # Six representatives: a Chinese error next to the petitioners, nothing lost.
    error = page.locator("#petitioners-error")
    expect(error).to_contain_text("代表人数不得超过5人")
    assert page.get_by_label("标题").input_value() == "征地补偿款未足额发放"
    assert page.locator('[name="p-5-name"]').input_value() == "代表6"
    assert page.get_by_label("批次").input_value() == "当日第3批"
    assert not Petition.objects.exists()

    page.locator('[name="p-5-is_representative"]').uncheck()
    page.get_by_role("button", name="登记", exact=True).click()
    page.wait_for_url("**/petitions/*/")
    expect(page.get_by_role("heading", name="征地补偿款未足额发放")).to_be_visible()
    expect(page.locator(".summary")).to_contain_text("待转交")
    expect(page.locator(".summary")).to_contain_text("集体访")
    expect(page.locator("dl.facts")).to_contain_text("当日第3批")
    for text in ("登记交转", left("triage"), "第二十二条"):
        expect(page.locator("table.stages")).to_contain_text(text)

    # Transfer to the county 住建局.
    form = open_action(page, "transfer")
    form.get_by_label("移交单位").select_option("330521-ZJJ")
    form.get_by_role("button", name="转送").click()
    expect(page.get_by_role("status")).to_contain_text("已转送")
    expect(page.locator(".summary")).to_contain_text("待受理")
    expect(page.locator("table.stages")).to_contain_text("德清县住房和城乡建设局")
    shot(page, "petition")

    # The unit accepts: 受理告知书 shown for preview, print and download.
    login("dq_zjj")
    pid = Petition.objects.get().pk
    page.goto(f"/petitions/{pid}/")
    assert not page.locator("#act-transfer").count()  # only what this user may do now
    open_action(page, "accept").get_by_role("button", name="受理").click()
    expect(page.locator(".summary")).to_contain_text("办理中")
    issued = page.locator("details.doc.issued")
    expect(issued).to_contain_text("受理告知书")
    expect(issued.get_by_role("link", name="下载 .docx")).to_be_visible()
    expect(page.locator("table.stages")).to_contain_text(left("handling"))
    expect(page.locator("table.stages")).to_contain_text("第三十四条")

    # Extension: more than 30 days is refused next to the field, the reason is kept.
    form = open_action(page, "extend")
    form.get_by_label("延长天数（不超过30日）").fill("31")
    form.get_by_label("批准延期的本单位负责人").fill("王局长")
    form.get_by_label("延期理由（将告知信访人）").fill("需组织现场核查")
    form.get_by_role("button", name="延期").click()
    form = page.locator("#act-extend form")
    expect(form).to_contain_text("不得超过30日")
    assert form.get_by_label("延期理由（将告知信访人）").input_value() == "需组织现场核查"
    form.get_by_label("延长天数（不超过30日）").fill("30")
    form.get_by_role("button", name="延期").click()
    expect(page.locator("table.stages")).to_contain_text("已延期30日")
    expect(page.locator("table.stages")).to_contain_text(left("handling"))

    # Decide, then deliver.
    form = open_action(page, "decide")
    form.get_by_label("处理结果").select_option("support")
    form.get_by_label("投诉请求").fill("请求足额发放征地补偿款。")
    form.get_by_label("处理意见").fill("责成乡镇于30日内足额发放补偿款。")
    form.get_by_label("法律法规依据").fill("《土地管理法》第四十八条")
    form.get_by_role("button", name="出具处理意见").click()
    expect(page.locator(".summary")).to_contain_text("待送达")
    assert not page.locator("#act-decide [role=alert]").count()
    expect(page.locator("details.doc.issued")).to_contain_text("处理意见书")
    form = open_action(page, "deliver")
    form.get_by_label("送达方式").select_option("in_person")
    form.get_by_role("button", name="送达").click()
    expect(page.locator(".summary")).to_contain_text("已答复")
    expect(page.locator("dl.facts")).to_contain_text("复查/复核请求期限")

    # The A4 print view of the 意见书.
    with page.expect_popup() as popup:
        page.locator("details.doc").last.locator("summary").click()
        page.locator("details.doc").last.get_by_role("link", name="打印").click()
    printed = popup.value
    printed.wait_for_load_state()
    expect(printed.locator("article.paper h1")).to_contain_text("处理意见书")
    shot(printed, "document-print")


def test_it_shows_an_overdue_petition_as_overdue_and_the_dashboard(page, login, api):
    today = timezone.localdate()
    late = register(
        api("dq_clerk"), received_on=(today - dt.timedelta(days=20)).isoformat(), subject="逾期未转送的来信"
    )
    register(
        api("dq_clerk"), received_on=(today - dt.timedelta(days=13)).isoformat(), subject="即将到期的来信"
    )
    register(api("dq_clerk"), received_on=today.isoformat(), channel="visit", subject="今日来访")
    login("dq_clerk")
    page.goto("/?queue=triage")
    row = page.locator("tr", has_text="逾期未转送的来信")
    expect(row).to_contain_text("超期5日")
    assert "overdue" in (row.get_attribute("class") or "")
    expect(page.locator("tr", has_text="即将到期的来信")).to_contain_text("临期")
    shot(page, "queue")
    page.get_by_role("link", name=late["number"]).click()
    expect(page.locator(".summary")).to_contain_text("超期")

    login("dq_leader")
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", name="近12个月信访量（按形式）")).to_be_visible()
    page.wait_for_function("document.querySelector('#chart-volume svg') !== null")
    expect(page.locator("table.numbers").nth(1)).to_contain_text("德清县信访局")
    shot(page, "dashboard")
