"""Bad input gets a specific error code and changes nothing (DESIGN.md §6, §8)."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.db import connection

from xinfang.petitions.models import Document, Event, Petition, Petitioner, Stage
from xinfang.petitions.tests.helpers import act, letter, person, register

pytestmark = pytest.mark.django_db
TODAY = "2026-11-23 10:00 +0800"


def snapshot() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Petition, Petitioner, Stage, Event, Document))


def state_of(pid: int) -> tuple[Any, ...]:
    p = Petition.objects.get(pk=pid)
    stages = tuple(
        Stage.objects.filter(petition=p).order_by("id").values_list("due_on", "closed_on", "extended_days")
    )
    return (p.state, p.last_action_on, stages, Event.objects.filter(petition=p).count())


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        (
            {"petitioners": [person(1, id_number="11010519491231002Y")]},
            "petitioners[0].id_number",
            "id_number_format",
        ),
        (
            {"petitioners": [person(1, id_number="110105194912310021")]},
            "petitioners[0].id_number",
            "id_number_checksum",
        ),
        (
            {"petitioners": [person(1, id_number="110105194902300021")]},
            "petitioners[0].id_number",
            "id_number_birthdate",
        ),
        ({"petitioners": [person(1, phone="12345")]}, "petitioners[0].phone", "phone_format"),
        ({"received_on": "2026-11-24"}, "received_on", "date_in_future"),
        ({"route": ""}, "route", "route_required"),
        ({"kind": "suggestion"}, "route", "route_not_applicable"),
        ({"category": "nope"}, "category", "unknown_category"),
        ({"region": "999999"}, "region", "unknown_region"),
        ({"org": "330500-XFJ"}, None, "not_holder"),
        ({"petitioners": []}, "petitioners", "empty"),
        ({"channel": "pigeon"}, "channel", "invalid_choice"),
        ({"received_on": "2026-13-01"}, "received_on", "invalid"),
        (
            {
                "channel": "visit",
                "headcount": 40,
                "petitioners": [person(i, is_representative=True) for i in range(6)],
            },
            "petitioners",
            "too_many_representatives",
        ),
        (
            {"channel": "visit", "headcount": 12, "petitioners": [person(1)]},
            "petitioners",
            "representatives_required",
        ),
    ],
)
def test_it_rejects_a_bad_registration_and_writes_nothing(api, change, field, code):
    before = snapshot()
    response = api("dq_clerk").post("/api/v1/petitions/", letter(**change), format="json")
    body = response.json()
    assert response.status_code == (403 if code == "not_holder" else 422), body
    assert body["code"] == code
    if field:
        assert field in body["errors"], body
        assert all(isinstance(m, str) and m for m in body["errors"][field])
    assert snapshot() == before


@time_machine.travel(TODAY, tick=False)
def test_it_accepts_five_representatives_of_a_group_visit(api):
    body = register(
        api("dq_clerk"),
        channel="visit",
        headcount=40,
        petitioners=[person(i, is_representative=True) for i in range(5)],
    )
    body = api("dq_clerk").get(f"/api/v1/petitions/{body['id']}/").json()
    assert body["is_group"] is True
    assert len(body["petitioners"]) == 5


@time_machine.travel(TODAY, tick=False)
def test_it_rejects_bad_action_input_and_changes_nothing(api):
    clerk, unit = api("dq_clerk"), api("dq_zjj")
    pid = register(clerk)["id"]
    act(clerk, pid, "transfer", "2025-11-12", to_org="330521-ZJJ")
    act(unit, pid, "accept", "2025-11-20")
    cases: list[tuple[Any, str, str, int, str, dict[str, Any]]] = [
        # (client, action, on, expected status, code, params)
        (
            unit,
            "extend",
            "2025-11-25",
            422,
            "extension_too_long",
            {"days": 31, "approver": "张", "reason": "复杂"},
        ),
        (unit, "extend", "2025-11-25", 422, "min_value", {"days": 0, "approver": "张", "reason": "复杂"}),
        (unit, "extend", "2025-11-25", 422, "required", {"days": 10, "approver": " ", "reason": "复杂"}),
        (unit, "extend", "2025-11-25", 422, "required", {"days": 10, "reason": "复杂"}),
        (
            unit,
            "extend",
            "2026-11-24",
            422,
            "date_in_future",
            {"days": 10, "approver": "张", "reason": "复杂"},
        ),
        (
            unit,
            "extend",
            "2025-11-19",
            422,
            "date_before_previous_act",
            {"days": 10, "approver": "张", "reason": "r"},
        ),
        (
            unit,
            "extend",
            "2026-01-20",
            422,
            "extension_after_due",
            {"days": 10, "approver": "张", "reason": "复杂"},
        ),
        (unit, "accept", "2025-11-25", 409, "illegal_transition", {}),
        (unit, "transfer", "2025-11-25", 409, "illegal_transition", {"to_org": "330521-RSJ"}),
        (unit, "deliver", "2025-11-25", 409, "not_decided", {"method": "mail"}),
        (unit, "deliver", "2025-11-25", 422, "invalid_choice", {"method": "pigeon"}),
        (unit, "decide", "2025-11-25", 422, "required", {"outcome": "reject", "opinion": "x"}),
        (
            unit,
            "decide",
            "2025-11-25",
            422,
            "invalid_choice",
            {"outcome": "uphold", "opinion": "x", "legal_basis": "y"},
        ),
        (unit, "pause", "2025-11-25", 422, "invalid_choice", {"reason": "holiday"}),
        (unit, "resume", "2025-11-25", 409, "not_paused", {}),
        (unit, "fly", "2025-11-25", 422, "invalid_choice", {}),
        (
            api("dq_rsj"),
            "extend",
            "2025-11-25",
            404,
            "not_found",
            {"days": 10, "approver": "张", "reason": "复杂"},
        ),
        (
            api("dq_supervisor"),
            "extend",
            "2025-11-25",
            403,
            "role_forbidden",
            {"days": 10, "approver": "张", "reason": "r"},
        ),
        (clerk, "extend", "2025-11-25", 403, "not_holder", {"days": 10, "approver": "张", "reason": "复杂"}),
        (api("cx_clerk"), "withdraw", "2025-11-25", 404, "not_found", {"reason": "x"}),
    ]
    for client, action, on, status, code, params in cases:
        before = state_of(pid)
        body = act(client, pid, action, on, expect=status, **params)
        assert body["code"] == code, (action, params, body)
        assert state_of(pid) == before, (action, params)

    act(unit, pid, "extend", "2025-11-25", days=10, approver="张局长", reason="需现场核查")
    before = state_of(pid)
    again = act(unit, pid, "extend", "2025-11-26", expect=409, days=5, approver="张局长", reason="仍需核查")
    assert again["code"] == "already_extended"
    assert state_of(pid) == before


@time_machine.travel(TODAY, tick=False)
def test_it_refuses_a_review_request_after_its_window(api):
    clerk, unit = api("dq_clerk"), api("dq_zjj")
    pid = register(clerk)["id"]
    act(clerk, pid, "transfer", "2025-11-12", to_org="330521-ZJJ")
    act(unit, pid, "accept", "2025-11-20")
    act(unit, pid, "decide", "2025-12-01", outcome="explain", opinion="说明", legal_basis="依据")
    body = act(unit, pid, "deliver", "2025-12-02", method="mail")
    assert (
        body["appeal_until"] == "2026-01-04"
    )  # 30日 → Thu 2026-01-01 (元旦) → Sun 01-04, a 调休 working day
    before = state_of(pid)
    late = act(clerk, pid, "request_review", "2026-01-05", expect=409, to_org="330521-GOV")
    assert late["code"] == "review_window_closed"
    assert state_of(pid) == before
    act(clerk, pid, "request_review", "2026-01-04", to_org="330521-GOV")


@time_machine.travel(TODAY, tick=False)
def test_it_answers_malformed_and_unauthenticated_requests(api, client):
    clerk = api("dq_clerk")
    response = clerk.post("/api/v1/petitions/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed"
    assert client.get("/api/v1/petitions/").status_code == 401
    assert client.get("/api/v1/petitions/", HTTP_AUTHORIZATION="Token nope").status_code == 401
    assert clerk.get("/api/v1/petitions/999999/").json()["code"] == "not_found"


@time_machine.travel(TODAY, tick=False)
def test_it_keeps_personal_data_encrypted_masked_and_audited(api, users):
    from xinfang.core.models import PersonalDataAccess

    clerk = api("dq_clerk")
    body = register(clerk, petitioners=[person(3, phone="13912345678")])
    assert "petitioners" not in body  # the registration answer carries no personal data
    body = clerk.get(f"/api/v1/petitions/{body['id']}/").json()
    shown = body["petitioners"][0]
    assert shown["phone"] == "139****5678"
    assert "*" in shown["id_number"] and shown["id_number"].endswith(person(3)["id_number"][-4:])
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM petitions_petitioner")
        raw_id, raw_phone = cursor.fetchone()
    assert person(3)["id_number"] not in raw_id and "13912345678" not in raw_phone
    assert PersonalDataAccess.objects.count() == 0
    revealed = clerk.get(f"/api/v1/petitions/{body['id']}/?reveal=1").json()
    assert revealed["petitioners"][0]["phone"] == "13912345678"
    assert PersonalDataAccess.objects.filter(user=users["dq_clerk"]).count() == 1
    # A supervisor may see the petition but not unmask it, and nothing is logged for them.
    masked = api("dq_supervisor").get(f"/api/v1/petitions/{body['id']}/?reveal=1").json()
    assert masked["petitioners"][0]["phone"] == "139****5678"
    assert PersonalDataAccess.objects.count() == 1


@time_machine.travel(TODAY, tick=False)
def test_a_second_transfer_by_the_sender_is_a_conflict_not_a_scope_error(api):
    clerk = api("dq_clerk")
    pid = register(clerk)["id"]
    act(clerk, pid, "transfer", "2025-11-12", to_org="330521-ZJJ")
    again = act(clerk, pid, "transfer", "2025-11-12", expect=409, to_org="330521-RSJ")
    assert again["code"] == "illegal_transition"
    # The city bureau never held it: that is a question of scope.
    assert act(api("city_clerk"), pid, "accept", "2025-11-13", expect=403)["code"] == "not_holder"
