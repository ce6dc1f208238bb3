"""Repeat petitions at registration: who matched and why, and the law applied to the top match."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from xinfang.petitions.models import Event, Petition
from xinfang.petitions.tests.helpers import act, person, register
from xinfang.routing import services
from xinfang.routing.tests.helpers import TODAY


@pytest.fixture(autouse=True)
def _no_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XINFANG_ENCODER", "none")


def _vector(pid: int) -> None:
    """What the task worker does after the registration commits."""
    services.petition_vector_store(pid)


def _kinds(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(s["action"], s["reason"]) for s in body["suggestions"] if s["action"] != "route"]


@time_machine.travel(TODAY, tick=False)
def test_it_suggests_not_accepting_again_after_a_final_reexamination(api):
    """第三十六条第三款: 仍以同一事实和理由提出信访事项的, 不再受理."""
    clerk, unit, city = api("dq_clerk"), api("dq_zjj"), api("city_clerk")
    pid = register(clerk)["id"]
    act(clerk, pid, "transfer", "2025-11-12", to_org="330521-ZJJ")
    act(unit, pid, "accept", "2025-11-20")
    act(unit, pid, "decide", "2026-01-10", outcome="reject", opinion="不予支持。", legal_basis="第三十二条")
    act(unit, pid, "deliver", "2026-01-12", method="mail")
    act(clerk, pid, "request_review", "2026-01-20", to_org="330521-GOV", reason="不服")
    act(clerk, pid, "decide", "2026-02-10", outcome="uphold", opinion="维持。", legal_basis="第三十五条")
    act(clerk, pid, "deliver", "2026-02-12", method="in_person")
    act(city, pid, "request_reexamination", "2026-03-02", to_org="330500-GOV")
    act(city, pid, "decide", "2026-03-20", outcome="uphold", opinion="维持。", legal_basis="第三十六条")
    assert act(city, pid, "deliver", "2026-03-23", method="in_person")["is_final"] is True

    again = register(city, received_on="2026-06-01", org="330500-XFJ")
    assert _kinds(again) == [("decline", "final")]
    assert again["suggestions"][0]["article"] == "《信访工作条例》第三十六条第三款"
    assert again["similar"][0]["same_matter"] is True and again["similar"][0]["score"] > 0.9
    assert Petition.objects.get(pk=again["id"]).state == "registered"  # nothing refused automatically


@time_machine.travel(TODAY, tick=False)
def test_it_suggests_declining_a_matter_in_handling_below_raised_with_a_superior(api):
    """第十九条第三款: 又就同一信访事项向其他上级机关提出的, 其他上级机关不予受理."""
    clerk, zjj, city = api("dq_clerk"), api("dq_zjj"), api("city_clerk")
    first = register(clerk, received_on="2026-10-08")["id"]
    act(clerk, first, "transfer", "2026-10-09", to_org="330521-ZJJ")
    act(zjj, first, "accept", "2026-10-12")
    again = register(city, received_on="2026-10-20", org="330500-XFJ")
    assert _kinds(again) == [("decline", "in_progress_elsewhere")]
    assert again["suggestions"][0]["article"] == "《信访工作条例》第十九条第三款"


@time_machine.travel(TODAY, tick=False)
def test_it_offers_to_link_a_repeat_and_links_it_when_staff_confirm(api):
    clerk = api("dq_clerk")
    first = register(clerk, received_on="2026-10-08")["id"]
    again = register(
        clerk, received_on="2026-10-20", content="小区东侧有人搭建违章建筑，占用消防通道，至今未解决。"
    )
    assert _kinds(again) == [("link_repeat", "same_matter")]
    link = again["suggestions"][0]
    assert link["related"] == first and link["options"] == ["repeat", "joint"]
    assert again["similar"][0]["matched_on"] == ["id_number", "phone"]

    url = f"/api/v1/routing/petitions/{again['id']}/link-repeat/"
    assert clerk.post(url, {"main": again["id"], "on": "2026-10-20"}, format="json").status_code == 422
    linked = clerk.post(url, {"main": first, "on": "2026-10-20"}, format="json").json()
    petition = Petition.objects.get(pk=again["id"])
    assert (petition.is_repeat, petition.repeat_of_id) == (True, first)
    assert Event.objects.filter(petition=petition, action="link_repeat").get().data["main"] == first
    assert _kinds(linked) == []  # linked already: nothing more to offer
    twice = clerk.post(url, {"main": first, "on": "2026-10-20"}, format="json")
    assert twice.status_code == 409
    # A later link to the repeat goes to its main petition; joint handling does not count as a repeat.
    third = register(clerk, received_on="2026-10-21")["id"]
    body = clerk.post(
        f"/api/v1/routing/petitions/{third}/link-repeat/",
        {"main": again["id"], "on": "2026-10-21", "mode": "joint"},
        format="json",
    )
    assert body.status_code == 200
    third_p = Petition.objects.get(pk=third)
    assert (third_p.is_repeat, third_p.repeat_of_id) == (False, first)


@time_machine.travel(TODAY, tick=False)
def test_it_does_not_offer_a_link_for_a_different_matter_of_the_same_petitioner(api):
    clerk = api("dq_clerk")
    register(clerk, received_on="2026-10-08")
    other = register(
        clerk,
        received_on="2026-10-20",
        subject="孩子入学学区划分问题",
        content="我家孩子今年上小学，学区划分不合理，希望教育局重新核定。",
    )
    assert other["similar"][0]["same_matter"] is False
    assert _kinds(other) == []


@time_machine.travel(TODAY, tick=False)
def test_it_finds_copied_letters_from_anyone_and_the_same_name_and_address(api):
    clerk = api("dq_clerk")
    first = register(clerk, received_on="2026-10-08", petitioners=[person(1)])["id"]
    _vector(first)
    # 一信多投: another person, the same letter.
    copy = register(clerk, received_on="2026-10-09", petitioners=[person(2, address="德清县乾元镇1号")])
    _vector(copy["id"])
    copy = clerk.get(f"/api/v1/petitions/{copy['id']}/").json()
    assert [(s["id"], s["matched_on"]) for s in copy["similar"]] == [(first, ["content"])]
    assert _kinds(copy) == [("link_repeat", "same_matter")]
    # Same name and address, no ID number or phone given, different words.
    same_person = register(
        clerk,
        received_on="2026-10-10",
        petitioners=[{"name": "信访人1", "address": "德清县武康街道英溪南路 1 号"}],
        subject="消防通道被占",
        content="我家小区的消防通道被违建占了。",
    )
    _vector(same_person["id"])
    body = clerk.get(f"/api/v1/petitions/{same_person['id']}/").json()
    assert (first, ["name_address"]) in [(s["id"], s["matched_on"]) for s in body["similar"]]
