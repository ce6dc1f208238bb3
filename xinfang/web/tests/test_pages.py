"""The workbench pages through Django's test client: queues, search, registration, the petition page,
actions, documents, batch work and the dashboard. What a person does in a browser is in the
*_browser.py tests; these cover the rest quickly, with query counts on the list pages."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone

from xinfang.core.models import PersonalDataAccess
from xinfang.orgs.models import Org
from xinfang.petitions.models import Category, Petition
from xinfang.petitions.tests.helpers import act, id_number, person, register
from xinfang.web import selectors
from xinfang.web.models import Attachment, IntakeRecord

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> str:
    return (today() - dt.timedelta(days=n)).isoformat()


def form_data(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "channel": "letter",
        "received_on": today().isoformat(),
        "headcount": "1",
        "subject": "小区旁违章建筑影响通行",
        "content": "小区东侧有人搭建违章建筑，占用消防通道。",
        "request": "请求依法拆除。",
        "kind": "request",
        "route": "petition",
        "region": "330521",
        "p-TOTAL_FORMS": "1",
        "p-INITIAL_FORMS": "0",
        "p-MIN_NUM_FORMS": "1",
        "p-MAX_NUM_FORMS": "200",
        "p-0-name": "张三",
        "p-0-kind": "person",
        "p-0-id_number": id_number(7),
        "p-0-phone": "13800000007",
        "p-0-address": "德清县武康街道",
    }
    data.update(extra)
    return data


# --- queues and search ----------------------------------------------------------------------------


def test_it_shows_the_queues_with_days_left_and_marks_overdue_and_near_due(
    api, client_for, django_assert_max_num_queries
):
    clerk = api("dq_clerk")
    late = register(clerk, received_on=days_ago(20), subject="超期未转的信访件")
    near = register(clerk, received_on=days_ago(13), subject="临期的信访件")
    fresh = register(clerk, received_on=today().isoformat(), subject="今天收到的信访件")
    client = client_for("dq_clerk")
    # Constant, whatever the queue's length: the page's stages are read per acting org and kind (here the
    # bureau and its 党委政府, one kind), then fetched in one statement.
    with django_assert_max_num_queries(14):
        response = client.get("/?queue=triage")
    html = response.content.decode()
    assert response.status_code == 200
    assert "待转交" in html and "待受理" in html and "复查复核" in html
    assert "超期5日" in html  # 15 日 from 20 days ago
    assert "临期 剩2日" in html
    assert "剩15日" in html
    # Sorted by due date: the overdue one first.
    assert html.index(late["number"]) < html.index(near["number"]) < html.index(fresh["number"])
    tiles = {t.key: t for t in selectors.queue_tiles(client_for and _user("dq_clerk"))}
    assert (tiles["triage"].count, tiles["triage"].overdue, tiles["triage"].near_due) == (3, 1, 1)


def _user(username: str):
    from xinfang.orgs.models import User

    return User.objects.get(username=username)


def test_it_filters_sorts_and_pages_by_keyset(api, client_for):
    clerk = api("dq_clerk")
    numbers = [register(clerk, received_on=days_ago(i), subject=f"事项{i}")["number"] for i in range(5)]
    register(clerk, channel="phone", subject="来电事项")
    user = _user("dq_clerk")
    first = selectors.queue_page(
        user, "triage", selectors.Filters(channel="letter"), sort="-received", size=2
    )
    assert [r.number for r in first.rows] == numbers[:2]
    assert first.next_cursor
    second = selectors.queue_page(
        user,
        "triage",
        selectors.Filters(channel="letter"),
        sort="-received",
        cursor=first.next_cursor,
        size=2,
    )
    assert [r.number for r in second.rows] == numbers[2:4]
    html = client_for("dq_clerk").get("/?queue=triage&channel=phone").content.decode()
    assert "来电事项" in html and "事项0" not in html


@pytest.mark.parametrize("sort", ["due", "-due"])
def test_due_ordered_pages_merge_the_bureau_and_its_government(api, sort):
    """A bureau's 待转交 holds triage stages at the bureau and at its 党委政府 (报请, 第二十二条): the pages
    read each org's stages in due order and merge them, and page by page give the definition's order."""
    clerk = api("dq_clerk")
    ids = [register(clerk, received_on=days_ago(i), subject=f"事项{i}")["id"] for i in range(7)]
    for pid in ids[1::3]:
        act(clerk, pid, "escalate", today().isoformat(), reason="情况重大、紧急")
    user = _user("dq_clerk")
    spec = selectors.QUEUES["triage"]
    order = ("-due_on", "-id") if sort == "-due" else ("due_on", "id")
    expected = list(
        selectors.open_stages_for(user).filter(spec.filter).order_by(*order).values_list("id", flat=True)
    )
    assert {s.org.code for s in selectors.open_stages_for(user).filter(spec.filter)} == {
        "330521-XFJ",
        "330521-GOV",
    }
    seen, cursor = [], None
    while True:
        page = selectors.queue_page(user, "triage", selectors.Filters(), sort=sort, cursor=cursor, size=2)
        seen += [r.stage_id for r in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == expected and len(seen) == 7
    # A unit filter keeps to that org's stages.
    gov = Org.objects.get(code="330521-GOV").pk
    only = selectors.queue_page(user, "triage", selectors.Filters(unit=gov), sort=sort)
    assert {r.org_name for r in only.rows} == {"中共德清县委 德清县人民政府"} and len(only.rows) == 2


def test_it_searches_chinese_text_within_scope(api, client_for, django_assert_max_num_queries):
    register(api("dq_clerk"), subject="拖欠农民工工资", content="某工地拖欠三十名农民工工资半年。")
    register(api("dq_clerk"), subject="噪音扰民")
    register(api("cx_clerk"), subject="长兴县拖欠工资", region="330522")
    client = client_for("dq_clerk")
    with django_assert_max_num_queries(10):
        html = client.get("/search/?q=农民工").content.decode()
    assert "拖欠农民工工资" in html and "噪音扰民" not in html
    assert "长兴县拖欠工资" not in client.get("/search/?q=拖欠").content.decode()  # other county


def test_it_lists_urges_received(api, client_for):
    body = register(api("dq_clerk"), received_on=days_ago(20))
    act(api("dq_clerk"), body["id"], "urge", today().isoformat(), text="请尽快办理")
    html = client_for("dq_clerk").get("/").content.decode()
    assert "催办" in html and "请尽快办理" in html


# --- registration ---------------------------------------------------------------------------------


def test_it_registers_a_letter_with_its_postmark_and_scanned_pages(client_for):
    scan = io.BytesIO(PNG)
    scan.name = "第1页.png"
    response = client_for("dq_clerk").post(
        "/register/", form_data(postmark_on=days_ago(3), postmark_place="杭州", attachments=[scan])
    )
    assert response.status_code == 302
    petition = Petition.objects.get()
    assert response["Location"] == f"/petitions/{petition.pk}/"
    assert petition.channel == "letter" and petition.state == "registered"
    assert IntakeRecord.objects.get(petition=petition).details == {
        "postmark_on": days_ago(3),
        "postmark_place": "杭州",
    }
    item = Attachment.objects.get(petition=petition)
    assert (item.name, item.content_type) == ("第1页.png", "image/png")
    page = client_for("dq_clerk").get(response["Location"]).content.decode()
    assert "邮戳日期" in page and "第1页.png" in page


def test_it_refuses_a_file_that_is_not_a_scan_and_keeps_the_data(client_for):
    bad = io.BytesIO(b"MZ\x90\x00 not a scan")
    bad.name = "virus.exe"
    response = client_for("dq_clerk").post("/register/", form_data(attachments=[bad]))
    assert response.status_code == 422
    html = response.content.decode()
    assert "不是PDF、JPEG、PNG或TIFF扫描件" in html
    assert 'value="小区旁违章建筑影响通行"' in html
    assert not Petition.objects.exists()


def test_it_puts_the_services_error_next_to_the_petitioners_field(client_for):
    response = client_for("dq_clerk").post("/register/", form_data(**{"p-0-id_number": "330521197001010000"}))
    assert response.status_code == 422
    html = response.content.decode()
    cell = html.split('name="p-0-id_number"')[1].split("</td>")[0]
    assert "校验" in cell or "身份证" in cell  # the identity module's message, in that cell
    assert 'value="张三"' in html and "请求依法拆除。" in html
    assert not Petition.objects.exists()


def test_it_picks_an_earlier_petitioner_by_id_number_and_audits_it(api, client_for, users):
    register(api("dq_clerk"), petitioners=[person(9, name="李四")])
    client = client_for("dq_clerk")
    data = form_data(**{"p-0-name": "", "p-0-id_number": "", "p-0-phone": "", "p-0-address": ""})
    found = client.post("/register/", {**data, "lookup": "1", "lookup_term": id_number(9)}).content.decode()
    candidates = found.split('class="candidates"')[1].split("</table>")[0]
    assert "李四" in candidates and id_number(9) not in candidates  # candidates are masked
    pid = found.split('name="use" value="')[1].split('"')[0]
    filled = client.post("/register/", {**data, "use": pid}).content.decode()
    assert 'value="李四"' in filled and id_number(9) in filled
    assert PersonalDataAccess.objects.filter(user=users["dq_clerk"], purpose="register_pick").count() == 1


def test_it_suggests_earlier_petitions_of_the_same_petitioner_while_typing(api, client_for):
    earlier = register(api("dq_clerk"), petitioners=[person(11)])
    html = client_for("dq_clerk").get(
        "/register/suggest/", {"p-TOTAL_FORMS": "1", "p-0-id_number": id_number(11), "subject": "x"}
    )
    assert earlier["number"] in html.content.decode()
    assert (
        "未发现"
        in client_for("cx_clerk")
        .get("/register/suggest/", {"p-TOTAL_FORMS": "1", "p-0-id_number": id_number(11)})
        .content.decode()
    )  # not visible to the other county


# --- the petition page ----------------------------------------------------------------------------


def test_it_masks_petitioners_and_audits_revealing_them(api, client_for, users):
    body = register(api("dq_clerk"))
    url = f"/petitions/{body['id']}/"
    html = client_for("dq_clerk").get(url).content.decode()
    assert id_number(1) not in html and "显示完整信息" in html
    revealed = client_for("dq_clerk").post(url + "reveal/").content.decode()
    assert id_number(1) in revealed and "13800000001" in revealed
    assert PersonalDataAccess.objects.filter(user=users["dq_clerk"], purpose="web_detail").count() == 1
    # 督查员 sees masks only and cannot reveal.
    assert "显示完整信息" not in client_for("dq_supervisor").get(url).content.decode()
    assert client_for("dq_supervisor").post(url + "reveal/").status_code == 403
    assert PersonalDataAccess.objects.count() == 1


def test_it_answers_404_for_a_petition_of_another_county(api, client_for):
    body = register(api("dq_clerk"))
    assert client_for("cx_clerk").get(f"/petitions/{body['id']}/").status_code == 404
    assert (
        client_for("cx_clerk").post(f"/petitions/{body['id']}/act/", {"action": "transfer"}).status_code
        == 404
    )


def test_it_offers_exactly_the_available_actions(api, client_for, users):
    from xinfang.petitions.transitions import available_actions

    body = register(api("dq_clerk"))
    html = client_for("dq_clerk").get(f"/petitions/{body['id']}/").content.decode()
    petition = Petition.objects.get(pk=body["id"])
    offered = {chunk.split('"')[0] for chunk in html.split('name="action" value="')[1:]}
    assert offered == set(available_actions(petition, users["dq_clerk"], today()))
    assert "转送" in html and 'name="transfer-to_org"' in html and "德清县住房和城乡建设局" in html
    assert "长兴县" not in html.split('name="transfer-to_org"')[1].split("</select>")[0]


def test_it_runs_an_action_and_shows_the_notice_it_produced(api, client_for):
    body = register(api("dq_clerk"))
    client = client_for("dq_clerk")
    response = client.post(
        f"/petitions/{body['id']}/act/",
        {"action": "transfer", "transfer-on": today().isoformat(), "transfer-to_org": "330521-ZJJ"},
    )
    assert response.status_code == 302 and "issued=" in response["Location"]
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "已转送" in html and "待受理" in html
    assert 'class="doc issued" open' in html
    doc = Petition.objects.get(pk=body["id"]).documents.last()
    assert doc is not None
    printed = client.get(f"/petitions/{body['id']}/documents/{doc.pk}/print/").content.decode()
    assert "仿宋" in printed and doc.title in printed and "@page { size: A4" in printed
    docx = client.get(f"/petitions/{body['id']}/documents/{doc.pk}/docx/")
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats") and docx.content[:2] == b"PK"


def test_it_puts_the_extension_limit_error_next_to_the_days_field_and_keeps_the_input(api, client_for):
    body = register(api("dq_clerk"))
    on = today().isoformat()
    act(api("dq_clerk"), body["id"], "transfer", on, to_org="330521-ZJJ")
    act(api("dq_zjj"), body["id"], "accept", on)
    response = client_for("dq_zjj").post(
        f"/petitions/{body['id']}/act/",
        {
            "action": "extend",
            "extend-on": on,
            "extend-days": "31",
            "extend-approver": "王局长",
            "extend-reason": "需现场勘验",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    field = (
        html.split('id="id_extend-days"')[0].rsplit("<div", 1)[1] + html.split('id="id_extend-days"')[1][:300]
    )
    assert "不得超过30日" in field
    assert 'value="王局长"' in html and "需现场勘验" in html and '<details id="act-extend" open>' in html
    assert Petition.objects.get(pk=body["id"]).stages.get(kind="handling").extended_days == 0


def test_it_shows_an_illegal_transition_as_a_message_on_the_form(api, client_for):
    body = register(api("dq_clerk"))
    on = today().isoformat()
    act(api("dq_clerk"), body["id"], "transfer", on, to_org="330521-ZJJ")
    # The page was loaded before the transfer; the stale form is posted again.
    response = client_for("dq_clerk").post(
        f"/petitions/{body['id']}/act/",
        {"action": "transfer", "transfer-on": on, "transfer-to_org": "330521-RSJ"},
    )
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert Petition.objects.get(pk=body["id"]).stages.filter(org__code="330521-RSJ").count() == 0


# --- batch ----------------------------------------------------------------------------------------


def test_it_transfers_several_petitions_and_reports_each_result(api, client_for):
    clerk = api("dq_clerk")
    one, two, done = (register(clerk, subject=f"批量{i}") for i in range(3))
    act(clerk, done["id"], "transfer", today().isoformat(), to_org="330521-RSJ")
    response = client_for("dq_clerk").post(
        "/batch/transfer/",
        {"ids": [one["id"], two["id"], done["id"]], "to_org": "330521-ZJJ", "on": today().isoformat()},
    )
    html = response.content.decode()
    assert html.count("成功") == 2 and html.count("失败") == 1
    states = dict(Petition.objects.values_list("pk", "state"))
    assert states[one["id"]] == states[two["id"]] == "awaiting_acceptance"
    printed = client_for("dq_clerk").post("/batch/print/", {"ids": [one["id"], two["id"]]}).content.decode()
    assert printed.count('class="paper"') == 2


# --- dashboard ------------------------------------------------------------------------------------


def test_it_shows_the_dashboard_to_leaders_with_its_numbers_in_a_table(
    api, client_for, django_assert_max_num_queries
):
    Category.objects.create(code="CJ", name="城乡建设")
    register(api("dq_clerk"), received_on=days_ago(20), category="CJ")
    register(api("dq_clerk"), channel="phone", received_on=days_ago(1))
    client = client_for("dq_leader")
    with django_assert_max_num_queries(15):
        response = client.get("/dashboard/")
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "vendor/echarts/echarts.min.js" in html
        and "http" not in html.split("<main")[1].split("chart-data")[0]
    )
    assert "城乡建设" in html and "德清县信访局" in html  # overdue by unit
    assert "来信" in html and "来电" in html
    assert client_for("dq_clerk").get("/dashboard/").status_code == 403
