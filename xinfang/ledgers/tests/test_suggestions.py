"""人民建议征集: study, adoption (the petition's decide), acting units, reward, consent, the public page."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from openpyxl import load_workbook  # type: ignore[import-untyped]

from xinfang.core.errors import IllegalTransition, Invalid, NotFound
from xinfang.ledgers.models import LedgerEvent
from xinfang.ledgers.services import (
    suggestion_consent,
    suggestion_reward,
    suggestion_set_units,
    suggestion_study,
)
from xinfang.ledgers.tests.world import TODAY, closed_petition, suggestion
from xinfang.petitions.tests.helpers import act

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 5, 1)


@time_machine.travel(TODAY, tick=False)
def test_it_records_a_suggestion_from_study_to_reward(api, users, region):
    pid = suggestion(api)
    zjj = users["dq_zjj"]
    record = suggestion_study(pid, actor=zjj, on=dt.date(2026, 4, 10), study="组织专家论证，认为具备可行性")
    assert record.studied_on == dt.date(2026, 4, 10)
    with pytest.raises(IllegalTransition) as early:
        suggestion_reward(pid, actor=zjj, on=ON, form="荣誉证书", basis="市人民建议征集办法")
    assert early.value.code == "not_adopted"
    act(api("dq_zjj"), pid, "decide", "2026-04-20", outcome="partly_adopted", opinion="纳入明年民生实事项目")
    suggestion_set_units(
        pid,
        actor=zjj,
        unit_ids=[region["330521-ZJJ"].pk, region["330521001-GOV"].pk],
        action_taken="已列入计划",
    )
    reward = suggestion_reward(
        pid, actor=zjj, on=ON, form="奖金", basis="县人民建议奖励办法", amount=Decimal("500")
    )
    assert reward.org.code == "330521-ZJJ"
    with pytest.raises(Invalid) as no_summary:
        suggestion_consent(pid, actor=users["dq_clerk"], on=ON, consent=True)
    assert no_summary.value.field == "public_summary"
    suggestion_consent(
        pid, actor=users["dq_clerk"], on=ON, consent=True, public_summary="建议老旧小区加装电梯"
    )
    actions = list(LedgerEvent.objects.filter(ledger="suggestion").values_list("action", flat=True))
    assert actions == ["study", "units", "reward", "consent"]
    # Not a suggestion; not visible.
    other = closed_petition(api)
    with pytest.raises(IllegalTransition):
        suggestion_study(other, actor=users["dq_clerk"], on=ON, study="x")
    with pytest.raises(NotFound):
        suggestion_study(pid, actor=users["cx_clerk"], on=ON, study="x")


@time_machine.travel(TODAY, tick=False)
def test_it_adopts_through_the_suggestion_page_with_the_lifecycle_decide(api, users, client):
    pid = suggestion(api)
    client.force_login(users["dq_zjj"])
    page = client.get(f"/ledgers/suggestions/{pid}/").content.decode()
    assert "采纳答复" in page and "待答复" in page
    bad = client.post(
        f"/ledgers/suggestions/{pid}/adopt/",
        {"adopt-outcome": "adopted", "adopt-opinion": "采纳", "adopt-on": "2027-01-01"},
    )
    assert bad.status_code == 400 and "不能晚于今天" in bad.content.decode()
    client.post(
        f"/ledgers/suggestions/{pid}/adopt/",
        {"adopt-outcome": "adopted", "adopt-opinion": "采纳，年内实施。", "adopt-on": "2026-04-20"},
    )
    detail = client.get(f"/ledgers/suggestions/{pid}/").content.decode()
    assert "采纳，年内实施。" in detail and "奖励（第二十九条第二款）" in detail
    assert api("dq_zjj").get(f"/api/v1/petitions/{pid}/").json()["state"] == "awaiting_delivery"
    client.post(
        f"/ledgers/suggestions/{pid}/deliver/", {"deliver-method": "mail", "deliver-on": "2026-04-22"}
    )
    assert api("dq_zjj").get(f"/api/v1/petitions/{pid}/").json()["state"] == "answered"
    # The list shows the outcome; filters and the Excel export agree.
    client.force_login(users["dq_clerk"])
    pending = suggestion(api, subject="建议增设公交线路")
    listing = client.get("/ledgers/suggestions/?outcome=adopted").content.decode()
    assert "建议在老旧小区加装电梯" in listing and "建议增设公交线路" not in listing
    export = client.get("/ledgers/suggestions/?outcome=pending&export=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet["A1"].value == "信访件编号" and sheet.max_row == 2 and sheet["F2"].value == "待答复"
    assert pending


@time_machine.travel(TODAY, tick=False)
def test_it_publishes_only_adopted_suggestions_the_petitioner_agreed_to_publish(api, users, client):
    clerk = users["dq_clerk"]
    published = suggestion(api, subject="建议公开的采纳建议")
    act(api("dq_zjj"), published, "decide", "2026-04-20", outcome="adopted", opinion="已采纳并实施")
    suggestion_consent(published, actor=clerk, on=ON, consent=True, public_summary="在小区增设充电桩")
    no_consent = suggestion(api, subject="未同意公开的建议")
    act(api("dq_zjj"), no_consent, "decide", "2026-04-20", outcome="adopted", opinion="已采纳")
    not_adopted = suggestion(api, subject="未采纳的建议")
    act(api("dq_zjj"), not_adopted, "decide", "2026-04-20", outcome="not_adopted", opinion="暂不具备条件")
    suggestion_consent(not_adopted, actor=clerk, on=ON, consent=True, public_summary="摘要")
    client.logout()
    response = client.get("/ledgers/suggestions/public/")  # no login
    body = response.content.decode()
    assert response.status_code == 200
    assert "建议公开的采纳建议" in body and "在小区增设充电桩" in body and "已采纳并实施" in body
    assert "未同意公开的建议" not in body and "未采纳的建议" not in body
    assert "信访人1" not in body and "138" not in body  # no personal data
    # Withdrawing consent takes it off the page.
    suggestion_consent(published, actor=clerk, on=ON, consent=False)
    assert "建议公开的采纳建议" not in client.get("/ledgers/suggestions/public/").content.decode()
