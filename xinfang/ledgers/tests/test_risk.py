"""社会稳定风险评估: register → assess → conclude → follow up; links, attachments, scope, list and export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook  # type: ignore[import-untyped]

from xinfang.core.errors import IllegalTransition, Invalid, NotFound
from xinfang.ledgers.models import LedgerEvent, RiskAssessment, RiskAttachment, RiskState
from xinfang.ledgers.services import (
    risk_assess,
    risk_attach,
    risk_conclude,
    risk_follow_up,
    risk_link_petition,
    risk_register,
)
from xinfang.ledgers.services.risk import upload_dir
from xinfang.ledgers.tests.world import TODAY
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.helpers import register

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def _project(users, **kw):
    return risk_register(
        actor=users["dq_clerk"],
        title=kw.pop("title", "城东片区旧城改造项目"),
        subject_kind="project",
        scope_text="征收范围内住户约320户",
        registered_on=dt.date(2026, 3, 1),
        **kw,
    )


@time_machine.travel(TODAY, tick=False)
def test_it_walks_an_assessment_to_its_conclusion_and_follow_up(users, api):
    clerk = users["dq_clerk"]
    record = _project(users, org=users["dq_zjj"].org)  # the bureau files it for a unit of its region
    assert record.state == RiskState.REGISTERED and record.org.code == "330521-ZJJ"
    with pytest.raises(IllegalTransition):
        risk_conclude(record, actor=clerk, on=dt.date(2026, 3, 10), conclusion="implement")
    risk_assess(
        record,
        actor=clerk,
        on=dt.date(2026, 3, 10),
        risk_points="补偿标准争议；过渡安置",
        level="high",
        measures="公开补偿方案；设立接待点",
    )
    with pytest.raises(Invalid) as no_reason:
        risk_conclude(record, actor=clerk, on=dt.date(2026, 3, 12), conclusion="implement")
    assert no_reason.value.code == "reason_required"  # high risk, implemented: say why
    done = risk_conclude(
        record, actor=clerk, on=dt.date(2026, 3, 12), conclusion="postpone", note="待补偿方案完善后再议"
    )
    assert done.state == RiskState.CONCLUDED and done.get_conclusion_display() == "暂缓实施"
    with pytest.raises(IllegalTransition):
        risk_assess(record, actor=clerk, on=dt.date(2026, 3, 13), risk_points="x", level="low", measures="y")
    follow = risk_follow_up(
        record, actor=clerk, on=dt.date(2026, 6, 1), findings="暂缓后未发生集体访", risk_materialised=False
    )
    assert follow.assessment_id == record.pk
    # A petition that later arose from it.
    pid = register(api("dq_clerk"), received_on="2026-07-01", subject="旧改补偿标准偏低")["id"]
    number = Petition.objects.get(pk=pid).number
    risk_link_petition(record, actor=clerk, petition_number=number, on=dt.date(2026, 7, 2), note="补偿争议")
    with pytest.raises(Invalid) as twice:
        risk_link_petition(record, actor=clerk, petition_number=number, on=dt.date(2026, 7, 2))
    assert twice.value.code == "already_linked"
    assert list(record.petitions.values_list("pk", flat=True)) == [pid]
    assert list(
        LedgerEvent.objects.filter(ledger="risk", record_id=record.pk).values_list("action", flat=True)
    ) == ["register", "assess", "conclude", "follow_up", "link_petition"]


@time_machine.travel(TODAY, tick=False)
def test_it_scopes_assessments_by_org(users, api):
    record = _project(users)
    with pytest.raises(NotFound):
        risk_assess(
            record,
            actor=users["cx_clerk"],
            on=dt.date(2026, 3, 10),
            risk_points="x",
            level="low",
            measures="y",
        )
    with pytest.raises(Invalid) as other_county:
        _project(users, org=users["cx_zjj"].org)
    assert other_county.value.code == "org_out_of_scope"
    # 德清县住建局 (not a bureau) sees only its own records; the county bureau sees all of its region.
    own = (
        _project(users, title="住建局自评项目", org=None)
        if False
        else risk_register(
            actor=users["dq_zjj"],
            title="住建局自评项目",
            subject_kind="decision",
            scope_text="全县",
            registered_on=dt.date(2026, 3, 2),
        )
    )
    from django.test import Client

    c = Client()
    c.force_login(users["dq_zjj"])
    listing = c.get("/ledgers/risk/").content.decode()
    assert "住建局自评项目" in listing and "城东片区旧城改造项目" not in listing
    assert c.get(f"/ledgers/risk/{record.pk}/").status_code == 404
    c.force_login(users["dq_clerk"])
    listing = c.get("/ledgers/risk/").content.decode()
    assert "住建局自评项目" in listing and "城东片区旧城改造项目" in listing
    # 德清县住建局 cannot link a petition it cannot see (registered at the bureau, never sent to it).
    pid = register(api("dq_clerk"), received_on="2026-07-01")["id"]
    with pytest.raises(Invalid) as unseen:
        risk_link_petition(
            own,
            actor=users["dq_zjj"],
            petition_number=Petition.objects.get(pk=pid).number,
            on=dt.date(2026, 7, 2),
        )
    assert unseen.value.code == "petition_not_found"


@time_machine.travel(TODAY, tick=False)
def test_it_stores_attachments_safely_and_serves_them_only_in_scope(users, client):
    record = _project(users)
    with pytest.raises(Invalid) as bad:
        risk_attach(record, actor=users["dq_clerk"], name="评估报告.pdf", content=b"<html>not a pdf</html>")
    assert bad.value.code == "file_type"
    with pytest.raises(Invalid) as big:
        risk_attach(record, actor=users["dq_clerk"], name="a.pdf", content=PDF + b"0" * (21 * 1024 * 1024))
    assert big.value.code == "file_too_large"
    assert not any(upload_dir().glob("*")) if upload_dir().exists() else True
    attachment = risk_attach(record, actor=users["dq_clerk"], name="../../评估报告.pdf", content=PDF)
    assert attachment.original_name == "评估报告.pdf" and attachment.content_type == "application/pdf"
    assert attachment.stored_name.endswith(".pdf") and "评估" not in attachment.stored_name
    assert (upload_dir() / attachment.stored_name).read_bytes() == PDF
    client.force_login(users["dq_leader"])  # 德清县委县政府: its region
    response = client.get(f"/ledgers/risk/attachments/{attachment.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.force_login(users["cx_clerk"])
    assert client.get(f"/ledgers/risk/attachments/{attachment.pk}/").status_code == 404
    # Through the page: a text file is refused with the error next to the field.
    client.force_login(users["dq_clerk"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(
        f"/ledgers/risk/{record.pk}/attach/",
        {"attach-file": SimpleUploadedFile("a.txt", b"plain text", "text/plain")},
    )
    assert page.status_code == 400 and "只能上传PDF" in page.content.decode()
    assert RiskAttachment.objects.count() == 1


@time_machine.travel(TODAY, tick=False)
def test_it_registers_through_the_pages_and_filters_and_exports(users, client):
    client.force_login(users["dq_clerk"])
    response = client.post(
        "/ledgers/risk/new/",
        {"title": "", "subject_kind": "project", "scope_text": "全县", "registered_on": "2026-03-01"},
    )
    assert response.status_code == 200 and "该字段是必填项" in response.content.decode()
    response = client.post(
        "/ledgers/risk/new/",
        {
            "title": "垃圾焚烧发电项目",
            "subject_kind": "project",
            "scope_text": "选址周边3公里",
            "registered_on": "2026-03-01",
        },
    )
    record = RiskAssessment.objects.get(title="垃圾焚烧发电项目")
    assert response.status_code == 302
    bad = client.post(
        f"/ledgers/risk/{record.pk}/assess/",
        {
            "assess-on": "2026-02-01",
            "assess-risk_points": "邻避",
            "assess-level": "high",
            "assess-measures": "听证",
        },
    )
    assert bad.status_code == 400 and "评估日期不能早于登记日期" in bad.content.decode()
    client.post(
        f"/ledgers/risk/{record.pk}/assess/",
        {
            "assess-on": "2026-03-05",
            "assess-risk_points": "邻避",
            "assess-level": "high",
            "assess-measures": "听证",
        },
    )
    client.post(
        f"/ledgers/risk/{record.pk}/conclude/",
        {"conclude-on": "2026-03-06", "conclude-conclusion": "reject", "conclude-note": ""},
    )
    _project(users)
    record.refresh_from_db()
    assert record.conclusion == "reject"
    listing = client.get("/ledgers/risk/?level=high").content.decode()
    assert "垃圾焚烧发电项目" in listing and "城东片区旧城改造项目" not in listing
    export = client.get("/ledgers/risk/?conclusion=reject&export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[1]][:4] == ["名称", "类型", "责任主体", "登记日期"]
    assert sheet.max_row == 2 and sheet["A2"].value == "垃圾焚烧发电项目" and sheet["G2"].value == "不实施"
