"""GET /api/v1/public/track/: what the petitioner sees, and every refusal (DESIGN.md §6)."""

from __future__ import annotations

import json

import pytest
import time_machine
from rest_framework.test import APIClient

from xinfang.petitions.models import Document
from xinfang.petitions.tests.helpers import act, register
from xinfang.portal import limits
from xinfang.portal.tests.helpers import answered

pytestmark = pytest.mark.django_db
TODAY = "2026-11-23 10:00 +0800"
TRACK = "/api/v1/public/track/"


def track(code: str, tail: str, ip: str = "10.0.0.1", **extra: str):
    return APIClient(REMOTE_ADDR=ip).get(TRACK, {"code": code, "phone_tail": tail, **extra})


@time_machine.travel(TODAY, tick=False)
def test_it_shows_each_step_with_units_dates_and_the_petitioners_notices_only(api):
    p = answered(api)
    response = track(p["query_code"].lower(), "5678")  # case and spacing do not matter
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["number"] == p["number"]
    assert body["state"] == "answered"
    titles = [(s["on"], s["title"]) for s in body["steps"]]
    assert titles == [
        ("2026-10-12", "登记"),
        ("2026-10-12", "转送"),
        ("2026-10-12", "受理"),
        ("2026-10-12", "延期"),
        ("2026-11-18", "出具意见"),
        ("2026-11-18", "送达"),
    ]
    steps = {s["title"]: s["text"] for s in body["steps"]}
    assert "转送德清县住房和城乡建设局" in steps["转送"]
    assert "需会同规划部门现场核查" in steps["延期"]
    assert "如不服，可于2026年12月18日前请求复查" in steps["送达"]
    assert [d["title"] for d in body["documents"]] == [
        "转送告知书",
        "受理告知书",
        "延期告知书",
        "信访处理意见书",
    ]
    assert body["documents"][-1]["docx_url"].endswith("/docx/")
    assert body["appeal"]["open"] is True
    assert body["appeal"]["until"] == "2026-12-18"
    assert {b["code"] for b in body["appeal"]["bodies"]} == {"330521-GOV", "330500-ZJJ"}
    assert body["can_rate"] is True
    text = json.dumps(body, ensure_ascii=False)
    # Never staff names, the approver of the extension, unit-addressed letters or personal data.
    # (The notices are addressed to the petitioner by name: their own name is expected.)
    for secret in ("李登记", "郑承办", "张局长", "转送单", "13812345678", "138****5678"):
        assert secret not in text, secret


@time_machine.travel(TODAY, tick=False)
def test_it_gives_the_same_answer_for_a_wrong_code_and_for_wrong_phone_digits(api):
    p = answered(api)
    wrong_code = track("ABCDEFGHJKLM", "5678", ip="10.0.0.2")
    wrong_phone = track(p["query_code"], "0000", ip="10.0.0.3")
    assert wrong_code.status_code == wrong_phone.status_code == 404
    assert (
        wrong_code.json()
        == wrong_phone.json()
        == {
            "code": "not_found",
            "detail": "查询码或手机号后四位不正确，请核对后重新输入。",
        }
    )


@time_machine.travel(TODAY, tick=False)
def test_it_limits_lookups_per_ip_with_a_clear_message(api, settings):
    settings.XINFANG_PORTAL_IP_LOOKUPS = 5
    p = answered(api)
    for _ in range(5):
        assert track(p["query_code"], "5678").status_code == 200
    refused = track(p["query_code"], "5678")
    assert refused.status_code == 429
    assert refused.json() == {"code": "rate_limited", "detail": "查询过于频繁，请10分钟后再试。"}
    assert track(p["query_code"], "5678", ip="10.9.9.9").status_code == 200  # another caller is not affected


@time_machine.travel(TODAY, tick=False)
def test_it_locks_a_code_after_repeated_failures_from_many_addresses(api, settings):
    settings.XINFANG_PORTAL_CAPTCHA_AFTER = 100  # this test is about the per-code limit alone
    settings.XINFANG_PORTAL_CODE_FAILURES = 4
    p = answered(api)
    for i in range(4):
        assert track(p["query_code"], f"{i:04d}", ip=f"10.1.0.{i}").status_code == 404
    locked = track(p["query_code"], "5678", ip="10.2.0.1")  # even the right digits, from a new address
    assert locked.status_code == 429
    assert locked.json()["detail"] == "该查询码的错误尝试次数过多，已暂停查询，请1小时后再试。"
    with time_machine.travel("2026-11-23 11:01 +0800", tick=False):
        # LocMem expiry follows time.time(): the window has passed.
        assert track(p["query_code"], "5678", ip="10.2.0.2").status_code == 200


@time_machine.travel(TODAY, tick=False)
def test_it_asks_for_an_offline_captcha_after_three_failures(api):
    p = answered(api)
    for _ in range(3):
        assert track("ABCDEFGHJKLM", "1111").status_code == 404
    required = track(p["query_code"], "5678")
    assert required.status_code == 403
    assert required.json() == {
        "code": "captcha_required",
        "detail": "输入错误次数较多，请填写验证码后再查询。",
    }

    challenge = APIClient().get("/api/v1/public/captcha/").json()
    assert challenge["image"].startswith("data:image/png;base64,iVBORw0KGgo")  # a PNG made here, no service
    question = limits.captcha_question(challenge["captcha_id"])
    assert question is not None
    a, b = question
    wrong = track(p["query_code"], "5678", captcha_id=challenge["captcha_id"], captcha=str(a + b + 1))
    assert (wrong.status_code, wrong.json()["code"]) == (403, "captcha_wrong")

    challenge = APIClient().get("/api/v1/public/captcha/").json()
    question = limits.captcha_question(challenge["captcha_id"])
    assert question is not None
    a, b = question
    ok = track(p["query_code"], "5678", captcha_id=challenge["captcha_id"], captcha=str(a + b))
    assert ok.status_code == 200
    # One use only: the same answer again is refused.
    again = track(p["query_code"], "5678", captcha_id=challenge["captcha_id"], captcha=str(a + b))
    assert again.json()["code"] == "captcha_wrong"


@time_machine.travel(TODAY, tick=False)
def test_it_serves_petitioner_notices_as_docx_and_never_unit_documents(api):
    p = answered(api)
    unit_docs = Document.objects.filter(petition_id=p["id"], addressee="unit")
    assert unit_docs.exists()  # the 转送单 is there for staff
    client = APIClient()
    params = {"code": p["query_code"], "phone_tail": "5678"}
    decision = Document.objects.get(petition_id=p["id"], kind="decision")
    ok = client.get(f"/api/v1/public/track/documents/{decision.pk}/docx/", params)
    assert ok.status_code == 200
    assert ok["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ok.content[:2] == b"PK"
    for doc in unit_docs:
        refused = client.get(f"/api/v1/public/track/documents/{doc.pk}/docx/", params)
        assert refused.status_code == 404
    other = register(api("cx_clerk"), received_on="2026-11-01")
    other_doc = act(api("cx_clerk"), other["id"], "transfer", "2026-11-02", to_org="330522-ZJJ")["documents"]
    for d in other_doc:  # another petitioner's notices, with this petitioner's code
        assert client.get(f"/api/v1/public/track/documents/{d['id']}/docx/", params).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_it_shows_an_accusation_only_as_received_and_its_outcome(api):
    clerk, jw = api("dq_clerk"), api("dq_jw")
    p = register(
        clerk,
        received_on="2026-10-12",
        kind="accusation",
        route="",
        accused_org="330521-ZJJ",
        subject="检举某局工作人员索要好处费",
    )
    pid = p["id"]
    act(clerk, pid, "refer", "2026-10-13", to_org="330521-JW")
    body = track(p["query_code"], "0001").json()
    assert [s["title"] for s in body["steps"]] == ["登记"]
    assert body["limited"] is True
    assert (body["state"], body["state_label"], body["holder"], body["documents"]) == (
        "open",
        "办理中",
        "",
        [],
    )

    act(jw, pid, "accept", "2026-10-14")
    act(jw, pid, "extend", "2026-10-20", days=10, approver="某书记", reason="需调取银行流水")
    act(jw, pid, "decide", "2026-11-20", outcome="partly_substantiated", opinion="已依规依纪处理")
    act(jw, pid, "deliver", "2026-11-20", method="in_person")
    body = track(p["query_code"], "0001").json()
    assert [s["title"] for s in body["steps"]] == ["登记", "出具意见", "送达"]
    assert body["state"] == "closed"
    text = json.dumps(body, ensure_ascii=False)
    for hidden in ("移送", "受理告知书", "延期", "需调取银行流水", "住房和城乡建设局"):
        assert hidden not in text, hidden
    assert "部分属实" in text
