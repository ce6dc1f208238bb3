"""Scenario tests: every lawful path of DESIGN.md §3 walked through the REST API.

Expected due dates are worked out by hand from the 条例 and the 2025–2026 holiday schedule
(国务院办公厅 放假安排): counting starts the day after, day N is included, and a last day that is
not a working day moves to the next working day.
"""

from __future__ import annotations

import pytest
import time_machine

from xinfang.petitions.tests.helpers import act, id_number, letter, person, register, stage

pytestmark = pytest.mark.django_db
TODAY = "2026-11-23 10:00 +0800"


@time_machine.travel(TODAY, tick=False)
def test_it_walks_a_route_six_petition_through_review_and_reexamination_to_final(api):
    clerk, unit, city = api("dq_clerk"), api("dq_zjj"), api("city_clerk")
    p = register(clerk)  # received Mon 2025-11-10 at 德清县信访局
    pid = p["id"]
    assert p["state"] == "registered"
    # 第二十二条: 15日 from the day after receipt → Tue 2025-11-25.
    assert stage(p, "triage")["due_on"] == "2025-11-25"
    assert stage(p, "triage")["due_basis"]["article"] == "《信访工作条例》第二十二条"

    p = act(clerk, pid, "transfer", "2025-11-12", to_org="330521-ZJJ")
    assert p["state"] == "awaiting_acceptance"
    notice = stage(p, "notice")
    assert notice["org"]["code"] == "330521-ZJJ"
    assert notice["due_on"] == "2025-11-27"  # 第二十三条第三款: 15日
    assert notice["objection_due_on"] == "2025-11-19"  # 5个工作日: 13, 14, 17, 18, 19 Nov
    assert {d["title"] for d in p["documents"]} >= {"转送单", "转送告知书"}

    p = act(unit, pid, "accept", "2025-11-20")
    assert p["state"] == "in_handling"
    assert stage(p, "handling")["due_on"] == "2026-01-19"  # 第三十四条: 60日

    # One extension of 30 days lands on Wed 2026-02-18, 春节; it moves to Tue 2026-02-24.
    p = act(unit, pid, "extend", "2026-01-10", days=30, approver="张局长", reason="需会同规划部门现场核查")
    handling = stage(p, "handling")
    assert handling["due_on"] == "2026-02-24"
    assert handling["due_basis"]["nominal_due_on"] == "2026-02-18"
    assert handling["extended_days"] == 30
    extension_notice = [d for d in p["documents"] if d["kind"] == "extension_notice"][0]
    assert "需会同规划部门现场核查" in extension_notice["text"]
    assert "张局长" not in extension_notice["text"]  # the approver is recorded, not shown

    p = act(
        unit,
        pid,
        "decide",
        "2026-02-10",
        outcome="reject",
        opinion="经核查，该建筑已取得规划许可。",
        legal_basis="《中华人民共和国城乡规划法》第四十条",
    )
    assert p["state"] == "awaiting_delivery"
    decision = [d for d in p["documents"] if d["kind"] == "decision"][0]
    assert decision["title"] == "信访处理意见书"
    for part in ("请求依法拆除违章建筑", "城乡规划法", "不予支持", "复查", "30日"):
        assert part in decision["text"], part

    p = act(unit, pid, "deliver", "2026-02-12", method="mail")
    assert p["state"] == "answered"
    assert p["appeal_until"] == "2026-03-16"  # 第三十五条: 30日 → Sat 03-14 → Mon 03-16

    # 复查 goes to the 上一级: 德清县委县政府 (or 湖州市住建局); the county bureau records it.
    act(clerk, pid, "request_review", "2026-03-02", to_org="330500-RSJ", expect=422)
    p = act(clerk, pid, "request_review", "2026-03-02", to_org="330521-GOV", reason="认为核查不全面")
    assert p["state"] == "in_review"
    assert stage(p, "review")["due_on"] == "2026-04-01"  # 第三十五条: 30日
    p = act(
        clerk,
        pid,
        "decide",
        "2026-03-25",
        outcome="uphold",
        opinion="维持原处理意见。",
        legal_basis="《信访工作条例》第三十五条",
    )
    p = act(clerk, pid, "deliver", "2026-03-27", method="in_person")
    assert p["appeal_until"] == "2026-04-27"  # 第三十六条: 30日 → Sun 04-26 → Mon 04-27
    assert [d["title"] for d in p["documents"] if d["kind"] == "review_decision"] == ["复查意见书"]

    # 复核 at 湖州市委市政府, recorded by the city bureau; a hearing pauses the clock (第三十六条第二款).
    p = act(city, pid, "request_reexamination", "2026-04-10", to_org="330500-GOV")
    assert stage(p, "reexamination")["due_on"] == "2026-05-11"  # Sun 05-10 → Mon 05-11
    p = act(city, pid, "pause", "2026-04-20", reason="hearing")
    assert stage(p, "reexamination")["paused"] is True
    act(city, pid, "decide", "2026-04-25", expect=409, outcome="uphold", opinion="x", legal_basis="y")
    p = act(city, pid, "resume", "2026-04-30")
    reexam = stage(p, "reexamination")
    assert reexam["paused_days"] == 10
    assert reexam["due_on"] == "2026-05-20"  # 2026-04-10 + 30 + 10 days of hearing
    act(
        city,
        pid,
        "decide",
        "2026-05-15",
        outcome="uphold",
        opinion="维持复查意见。",
        legal_basis="第三十六条",
    )
    p = act(city, pid, "deliver", "2026-05-18", method="in_person")
    assert p["state"] == "concluded"
    assert p["is_final"] is True
    final_doc = [d for d in p["documents"] if d["kind"] == "reexamination_decision"][0]
    assert "不再受理" in final_doc["text"]

    # A later petition with the same facts: the system points at 第三十六条第三款; staff decide.
    again = register(city, received_on="2026-06-01", org="330500-XFJ")
    assert [s["id"] for s in again["similar"]] == [pid]
    assert again["similar"][0]["matched_on"] == ["id_number", "phone"]
    suggestion = again["suggestions"][0]
    assert (suggestion["action"], suggestion["reason"], suggestion["related"]) == ("decline", "final", pid)
    declined = act(city, again["id"], "decline", "2026-06-02", reason="final", related=pid)
    assert declined["state"] == "declined"
    assert declined["documents"][-1]["title"] == "不再受理告知书"


@time_machine.travel(TODAY, tick=False)
def test_it_assigns_with_a_report_that_the_bureau_returns_then_accepts(api):
    clerk, town = api("dq_clerk"), api("dq_wukang")
    pid = register(clerk, received_on="2026-03-02", region="330521001")["id"]
    act(clerk, pid, "assign", "2026-03-03", to_org="330521001-GOV", expect=422)  # report_due_on missing
    p = act(clerk, pid, "assign", "2026-03-03", to_org="330521001-GOV", report_due_on="2026-05-29")
    assert stage(p, "report")["due_on"] == "2026-05-29"
    assert [d["title"] for d in p["documents"]][:1] == ["交办函"]
    act(town, pid, "accept", "2026-03-05")
    act(town, pid, "report", "2026-03-20", expect=409, text="已处理")  # not done yet
    act(
        town,
        pid,
        "decide",
        "2026-04-20",
        outcome="support",
        opinion="责令限期拆除。",
        legal_basis="城乡规划法第六十五条",
    )
    act(town, pid, "deliver", "2026-04-22", method="in_person")
    p = act(town, pid, "report", "2026-04-25", text="已责令当事人限期拆除，信访人表示认可。")
    assert stage(p, "report")["outcome"] == "report_submitted"
    act(town, pid, "report_accept", "2026-04-26", expect=403)  # only the assigning bureau
    p = act(clerk, pid, "report_return", "2026-04-27", text="请补充拆除结果照片", report_due_on="2026-05-15")
    assert stage(p, "report")["due_on"] == "2026-05-15"
    assert stage(p, "report")["closed_on"] is None
    act(town, pid, "report", "2026-05-10", text="已拆除，附现场照片。")
    p = act(clerk, pid, "report_accept", "2026-05-11")
    assert stage(p, "report")["outcome"] == "report_accepted"
    assert p["state"] == "answered"


@time_machine.travel(TODAY, tick=False)
def test_it_handles_an_objection_approved_and_one_rejected(api):
    clerk, rsj, zjj = api("dq_clerk"), api("dq_rsj"), api("dq_zjj")
    pid = register(clerk, received_on="2025-11-10")["id"]
    act(clerk, pid, "transfer", "2025-11-12", to_org="330521-RSJ")
    p = act(rsj, pid, "object", "2025-11-14", reason="违章建筑查处属住建部门职责")
    assert p["state"] == "objected"
    objection = stage(p, "objection")
    assert objection["org"]["code"] == "330521-XFJ"
    p = act(clerk, pid, "object_approve", "2025-11-17")
    assert p["state"] == "registered"
    assert stage(p, "triage")["org"]["code"] == "330521-XFJ"
    p = act(clerk, pid, "transfer", "2025-11-18", to_org="330521-ZJJ")
    assert stage(p, "notice")["objection_due_on"] == "2025-11-25"
    act(zjj, pid, "object", "2025-11-20", reason="不属于本局")
    p = act(clerk, pid, "object_reject", "2025-11-21", reason="属住建部门职责，请依法办理")
    assert p["state"] == "awaiting_acceptance"
    assert stage(p, "notice")["org"]["code"] == "330521-ZJJ"
    again = act(zjj, pid, "object", "2025-11-24", expect=409, reason="仍有异议")
    assert again["code"] == "objection_already_rejected"
    act(zjj, pid, "accept", "2025-11-24")


@time_machine.travel(TODAY, tick=False)
def test_it_refuses_an_objection_after_five_working_days(api):
    clerk, zjj = api("dq_clerk"), api("dq_zjj")
    pid = register(clerk, received_on="2026-02-10")["id"]
    p = act(clerk, pid, "transfer", "2026-02-12", to_org="330521-ZJJ")
    # 5 working days after Thu 02-12 across 春节 (02-15..02-23 off, Sat 02-14 a working day):
    # 13, 14, 24, 25, 26 → Thu 2026-02-26.
    assert stage(p, "notice")["objection_due_on"] == "2026-02-26"
    late = act(zjj, pid, "object", "2026-02-27", expect=409, reason="不属于本局")
    assert late["code"] == "objection_window_closed"
    assert act(zjj, pid, "object", "2026-02-26", reason="不属于本局")["state"] == "objected"


@time_machine.travel(TODAY, tick=False)
def test_it_diverts_routes_one_to_five_and_refers_litigation_and_accusations(api):
    clerk, zjj, zfw, jw = api("dq_clerk"), api("dq_zjj"), api("dq_zfw"), api("dq_jw")
    admin_route = register(clerk, route="administrative", subject="对拆违决定不服")["id"]
    act(clerk, admin_route, "transfer", "2025-11-12", to_org="330521-ZJJ")
    refused = act(zjj, admin_route, "accept", "2025-11-13", expect=409)
    assert refused["code"] == "route_requires_divert"
    p = act(zjj, admin_route, "divert", "2025-11-13", procedure="行政复议")
    assert p["state"] == "diverted"
    assert "行政复议" in p["documents"][-1]["text"]

    lawsuit = register(clerk, route="litigation", subject="对法院判决不服")["id"]
    wrong = act(clerk, lawsuit, "transfer", "2025-11-12", expect=422, to_org="330521-ZJJ")
    assert wrong["code"] == "litigation_to_legal"
    city_level = act(api("city_clerk"), lawsuit, "refer", "2025-11-12", expect=403, to_org="330500-ZFW")
    assert city_level["code"] == "not_holder"
    assert (
        act(clerk, lawsuit, "refer", "2025-11-12", expect=422, to_org="330500-ZFW")["code"] == "out_of_scope"
    )
    at_city = register(api("city_clerk"), org="330500-XFJ", route="litigation")["id"]
    lower = act(api("city_clerk"), at_city, "refer", "2025-11-12", expect=422, to_org="330521-ZFW")
    assert lower["code"] == "refer_to_legal"  # 同级政法部门 only (第二十二条第二款)
    act(api("city_clerk"), at_city, "refer", "2025-11-12", to_org="330500-ZFW")
    p = act(clerk, lawsuit, "refer", "2025-11-12", to_org="330521-ZFW")
    assert stage(p, "notice")["org"]["code"] == "330521-ZFW"
    act(zfw, lawsuit, "divert", "2025-11-14", procedure="申请再审")

    accusation = register(
        clerk, kind="accusation", route="", accused_org="330521-ZJJ", subject="检举某局工作人员索要好处费"
    )["id"]
    wrong = act(clerk, accusation, "transfer", "2025-11-12", expect=422, to_org="330521-ZJJ")
    assert wrong["code"] == "accused_unit"
    act(clerk, accusation, "refer", "2025-11-12", expect=422, to_org="330521-ZFW")
    p = act(clerk, accusation, "refer", "2025-11-12", to_org="330521-JW")
    # 第三十条第三款: the accused unit cannot see it at all, not even in its list.
    assert zjj.get(f"/api/v1/petitions/{accusation}/").status_code == 404
    assert accusation not in {r["id"] for r in zjj.get("/api/v1/petitions/").json()["results"]}
    assert [d["to_org"]["code"] for d in p["documents"] if d["addressee"] == "unit"] == ["330521-JW"]
    p = act(jw, accusation, "accept", "2025-11-15")
    assert stage(p, "handling")["due_basis"]["rule_key"] == "handling_reference"
    act(jw, accusation, "decide", "2025-12-20", outcome="support", opinion="x", expect=422)
    act(jw, accusation, "decide", "2025-12-20", outcome="substantiated", opinion="经查属实，已立案。")
    p = act(jw, accusation, "deliver", "2025-12-22", method="mail")
    assert p["state"] == "answered"
    assert p["appeal_until"] is None  # no 复查 chain outside route (六) (第三十一、三十四条)


@time_machine.travel(TODAY, tick=False)
def test_it_answers_a_suggestion_with_adoption_and_no_review_chain(api):
    clerk, zjj = api("dq_clerk"), api("dq_zjj")
    pid = register(clerk, kind="suggestion", route="", subject="建议增设公交站点")["id"]
    act(clerk, pid, "transfer", "2025-11-12", to_org="330521-ZJJ")
    act(zjj, pid, "accept", "2025-11-13")
    p = act(zjj, pid, "decide", "2025-12-01", outcome="partly_adopted", opinion="已纳入明年线网优化方案。")
    assert p["documents"][-1]["title"] == "建议意见答复书"
    p = act(zjj, pid, "deliver", "2025-12-02", method="electronic")
    assert p["state"] == "answered"
    refused = act(clerk, pid, "request_review", "2025-12-05", expect=409, to_org="330521-GOV")
    assert refused["code"] == "illegal_transition"


@time_machine.travel(TODAY, tick=False)
def test_it_escalates_a_major_matter_to_the_party_government(api):
    clerk, leader = api("dq_clerk"), api("dq_leader")
    pid = register(
        clerk,
        channel="visit",
        headcount=30,
        petitioners=[person(i, is_representative=i <= 5) for i in range(1, 8)],
        subject="企业欠薪引发群体走访",
    )["id"]
    p = act(clerk, pid, "escalate", "2025-11-10", reason="涉及30余名职工欠薪，情况紧急")
    triage = stage(p, "triage")
    assert triage["org"]["code"] == "330521-GOV"
    assert triage["due_on"] == "2025-11-25"  # still 15 days from receipt
    p = act(leader, pid, "assign", "2025-11-11", to_org="330521-RSJ", report_due_on="2025-12-10")
    assert p["state"] == "awaiting_acceptance"


@time_machine.travel(TODAY, tick=False)
def test_it_declines_a_matter_in_progress_below_when_raised_with_a_superior(api):
    clerk, zjj, city = api("dq_clerk"), api("dq_zjj"), api("city_clerk")
    first = register(clerk, received_on="2026-10-08")["id"]
    act(clerk, first, "transfer", "2026-10-09", to_org="330521-ZJJ")
    act(zjj, first, "accept", "2026-10-12")
    # 越级: the same petitioner writes to the city bureau while the county unit handles it.
    again = register(city, received_on="2026-10-20", org="330500-XFJ")
    assert again["suggestions"][0]["reason"] == "in_progress_elsewhere"
    assert again["suggestions"][0]["article"] == "《信访工作条例》第十九条第三款"
    p = act(city, again["id"], "decline", "2026-10-21", reason="in_progress_elsewhere", related=first)
    assert p["state"] == "declined"
    assert p["documents"][-1]["title"] == "不予受理告知书"
    # The county bureau acts for 德清县委县政府, the unit's 本级党委政府 and so its superior: the same applies.
    third = register(clerk, received_on="2026-10-22")
    assert third["suggestions"][0]["reason"] == "in_progress_elsewhere"


@time_machine.travel(TODAY, tick=False)
def test_it_declines_a_direct_petition_outside_the_units_remit(api):
    zjj = api("dq_zjj")
    p = register(zjj, org="330521-ZJJ", subject="咨询社保缴费年限")
    assert p["state"] == "awaiting_acceptance"
    assert stage(p, "notice")["due_basis"]["article"] == "《信访工作条例》第二十三条第二款"
    act(zjj, p["id"], "decline", "2025-11-11", expect=422, reason="not_competent")
    p = act(
        zjj,
        p["id"],
        "decline",
        "2025-11-11",
        reason="not_competent",
        competent_body="德清县人力资源和社会保障局",
    )
    assert "人力资源和社会保障局" in p["documents"][-1]["text"]


@time_machine.travel(TODAY, tick=False)
def test_it_mediates_withdraws_and_rates(api):
    clerk, zjj = api("dq_clerk"), api("dq_zjj")
    mediated = register(clerk)["id"]
    act(clerk, mediated, "transfer", "2025-11-12", to_org="330521-ZJJ")
    act(zjj, mediated, "accept", "2025-11-13")
    act(
        zjj,
        mediated,
        "mediate",
        "2025-11-30",
        expect=422,
        method="mediation",
        agreement="双方同意",
        consent=False,
    )
    p = act(
        zjj,
        mediated,
        "mediate",
        "2025-11-30",
        method="mediation",
        agreement="当事人自行拆除，邻里和解。",
        consent=True,
    )
    assert p["state"] == "mediated"
    assert p["documents"][-1]["title"].startswith("调解")

    withdrawn = register(clerk)["id"]
    p = act(clerk, withdrawn, "withdraw", "2025-11-11", reason="已自行协商解决")
    assert p["state"] == "withdrawn"
    assert all(s["closed_on"] for s in p["stages"])
    act(clerk, withdrawn, "withdraw", "2025-11-12", expect=409, reason="again")

    rated = register(clerk)["id"]
    act(clerk, rated, "rate", "2025-11-11", expect=409, satisfaction="satisfied")
    act(clerk, rated, "transfer", "2025-11-12", to_org="330521-ZJJ")
    act(zjj, rated, "accept", "2025-11-13")
    act(zjj, rated, "decide", "2025-12-01", outcome="support", opinion="限期拆除", legal_basis="城乡规划法")
    act(zjj, rated, "deliver", "2025-12-02", method="mail")
    act(clerk, rated, "rate", "2025-12-05", satisfaction="basic")
    again = act(clerk, rated, "rate", "2025-12-06", expect=409, satisfaction="satisfied")
    assert again["code"] == "already_rated"


@time_machine.travel(TODAY, tick=False)
def test_it_remands_a_review_to_the_original_unit(api):
    clerk, zjj = api("dq_clerk"), api("dq_zjj")
    pid = register(clerk)["id"]
    act(clerk, pid, "transfer", "2025-11-12", to_org="330521-ZJJ")
    act(zjj, pid, "accept", "2025-11-13")
    act(zjj, pid, "decide", "2025-12-01", outcome="reject", opinion="不予支持", legal_basis="城乡规划法")
    act(zjj, pid, "deliver", "2025-12-02", method="mail")
    act(clerk, pid, "request_review", "2025-12-10", to_org="330521-GOV")
    act(
        clerk,
        pid,
        "decide",
        "2025-12-20",
        outcome="remand",
        opinion="事实不清，发回重办",
        legal_basis="第三十五条",
    )
    p = act(clerk, pid, "deliver", "2025-12-22", method="mail")
    assert p["state"] == "in_handling"
    handling = stage(p, "handling")
    assert (handling["org"]["code"], handling["opened_on"], handling["due_on"]) == (
        "330521-ZJJ",
        "2025-12-22",
        "2026-02-24",
    )


@time_machine.travel(TODAY, tick=False)
def test_it_marks_overdue_and_near_due_stages(api, settings):
    clerk = api("dq_clerk")
    old = register(clerk, received_on="2026-10-01")
    assert old["overdue"] is True
    assert stage(old, "triage")["days_left"] < 0
    fresh = register(clerk, received_on="2026-11-05")  # due 11-20 (Fri) → overdue by 3 days
    assert fresh["overdue"] is True
    near = register(clerk, received_on="2026-11-09")  # due Tue 11-24: 1 day left
    assert near["near_due"] is True and near["overdue"] is False
    listed = clerk.get("/api/v1/petitions/?overdue=true").json()
    assert {r["id"] for r in listed["results"]} == {old["id"], fresh["id"]}
    listed = clerk.get("/api/v1/petitions/?overdue=false").json()
    assert {r["id"] for r in listed["results"]} == {near["id"]}


def test_id_number_helper_is_valid():
    from xinfang.core.identity import validate_id_number

    assert validate_id_number(id_number(7)) == id_number(7)
    assert letter()["kind"] == "request"


@time_machine.travel(TODAY, tick=False)
def test_it_sends_accusation_content_to_the_competent_body_only(api):
    clerk = api("dq_clerk")
    pid = register(
        clerk,
        kind="accusation",
        route="",
        accused_org="330521-ZJJ",
        subject="检举某局工作人员",
        content="某局工作人员王某收受开发商红包。",
    )["id"]
    p = act(clerk, pid, "refer", "2025-11-12", to_org="330521-JW")
    slip = next(d for d in p["documents"] if d["kind"] == "referral_slip")
    assert "收受开发商红包" in slip["text"]
    p = act(api("dq_jw"), pid, "accept", "2025-11-13")
    act(api("dq_jw"), pid, "decide", "2025-12-01", outcome="unsubstantiated", opinion="经查不属实。")
    act(api("dq_jw"), pid, "deliver", "2025-12-02", method="mail")
    assert api("dq_zjj").get(f"/api/v1/petitions/{pid}/").status_code == 404
