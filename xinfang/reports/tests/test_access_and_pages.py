"""The API, the pages, drill-down, the monthly bulletin and the annual report, as people use them."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from docx import Document as DocxReader
from openpyxl import load_workbook  # type: ignore[import-untyped]

from xinfang.orgs.models import User
from xinfang.reports.tests.world import TODAY, build

pytestmark = pytest.mark.django_db


def web(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@time_machine.travel(TODAY, tick=False)
def test_it_lets_only_region_readers_and_leaders_see_stats(api, users):
    assert api("dq_clerk").get("/api/v1/stats/").status_code == 200  # 信访部门: its region
    assert api("dq_leader").get("/api/v1/stats/?org=330521-ZJJ").status_code == 200  # 党委政府
    assert api("city_supervisor").get("/api/v1/stats/?org=330522-GOV").status_code == 200
    forbidden = api("dq_zjj").get("/api/v1/stats/")  # a department's 承办员
    assert forbidden.status_code == 403
    assert forbidden.json()["code"] == "stats_forbidden"
    assert api("dq_clerk").get("/api/v1/stats/?org=330522-GOV").status_code == 404  # another county
    assert api("dq_clerk").get("/api/v1/stats/?org=NOPE").status_code == 404
    bad = api("dq_clerk").get("/api/v1/stats/?from=2025-12-01&to=2025-11-01")
    assert bad.status_code == 422
    assert bad.json()["errors"] == {"from": ["开始日期不能晚于结束日期。"]}
    assert web(users["dq_zjj"]).get("/reports/").status_code == 403
    assert web(users["dq_clerk"]).get("/reports/?org=330522-GOV").status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_it_serves_the_kpis_with_parts_and_drills_down_to_the_petitions(api, users, settings):
    settings.XINFANG_MIN_SAMPLE = 1
    ids = build(api, users)
    body = api("dq_clerk").get("/api/v1/stats/?org=330521-XFJ&from=2025-11-01&to=2025-11-30").json()
    r = body["kpis"]["timely_acceptance_rate"]
    assert (r["numerator"], r["denominator"], r["value"]) == (3, 6, 0.5)
    assert body["scope"]["code"] == "330521-GOV"
    assert body["volume"]["total"] == 7

    page = web(users["dq_clerk"]).get("/reports/?org=330521-XFJ&from=2025-11-01&to=2025-11-30")
    html = page.content.decode()
    assert page.status_code == 200
    assert "50.00%（3/6）" in html
    assert "vendor/echarts/echarts.min.js" in html
    assert "http://" not in html and "https://" not in html
    # Every number links to its petitions: follow the "未按期" link of 及时受理率.
    late = re.search(
        r'href="(/reports/petitions/\?[^"]*metric=late&(?:amp;)?kpi=timely_acceptance_rate)"', html
    )
    assert late is not None
    listing = web(users["dq_clerk"]).get(late.group(1).replace("&amp;", "&"))
    text = listing.content.decode()
    assert listing.status_code == 200
    assert re.search(r"共 <strong data-count>3</strong> 件", text)
    for name in ("late", "open", "repeat"):
        assert f"/petitions/{ids[name]}/" in text
    assert f"/petitions/{ids['on_time']}/" not in text
    bad = web(users["dq_clerk"]).get("/reports/petitions/?metric=nope")
    assert bad.status_code == 422
    assert "未知的统计项" in bad.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_it_ranks_units_in_the_monthly_bulletin_and_lists_overdue_petitions(api, users, settings):
    settings.XINFANG_MIN_SAMPLE = 1
    ids = build(api, users)
    client = web(users["dq_clerk"])
    page = client.get("/reports/bulletin/?org=330521-XFJ&month=2025-12")
    html = page.content.decode()
    assert page.status_code == 200
    # At the end of 2025-12-31: open (notice due 11-27), repeat (11-27), moved (ZJJ notice due 12-03) overdue
    for name in ("open", "repeat", "moved"):
        assert f"/petitions/{ids[name]}/" in html
    assert f"/petitions/{ids['paused']}/" not in html  # its clock is stopped
    download = client.get("/reports/bulletin.xlsx?org=330521-XFJ&month=2025-12")
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(download.content))
    ranking = [row for row in wb["单位排名"].iter_rows(min_row=3, values_only=True)]
    zjj = next(row for row in ranking if row[1] == "德清县住房和城乡建设局")
    assert zjj[5] == 3  # overdue stages
    assert zjj[6] == 1  # most overdue
    overdue = [row[0] for row in wb["超期信访件"].iter_rows(min_row=3, values_only=True)]
    assert len(overdue) == 3
    feb = load_workbook(io.BytesIO(client.get("/reports/bulletin.xlsx?org=330521-XFJ&month=2026-02").content))
    feb_zjj = next(
        row
        for row in feb["单位排名"].iter_rows(min_row=3, values_only=True)
        if row[1] == "德清县住房和城乡建设局"
    )
    assert (feb_zjj[0], feb_zjj[2], feb_zjj[3], feb_zjj[4]) == (1, 2, 2, 1.0)


@time_machine.travel(TODAY, tick=False)
def test_it_writes_the_annual_report_with_every_figure_and_the_tables(api, users, settings, tmp_path: Path):
    settings.XINFANG_MIN_SAMPLE = 1
    build(api, users)
    ledger = {"risk_assessments": 4, "training_sessions": 2}
    fake = mock.Mock(
        annual_figures=mock.Mock(return_value=ledger),
        LABELS={"risk_assessments": "开展重大社会风险评估（次）"},
    )
    out = tmp_path / "report.docx"
    stdout = io.StringIO()
    with (
        mock.patch("xinfang.reports.work.ledger_module", return_value=fake),
    ):
        call_command(
            "report", "annual", "--org", "330521-XFJ", "--year", "2025", "--out", str(out), stdout=stdout
        )
    summary = json.loads(stdout.getvalue())
    assert summary["total"] == 7
    assert summary["ledgers"] is True
    text = "\n".join(p.text for p in DocxReader(str(out)).paragraphs)
    assert "德清县信访局关于2025年度信访工作情况的报告" in text
    assert "中共德清县委 德清县人民政府：" in text
    for heading in (
        "（一）信访事项的数据统计、涉及领域以及被投诉较多的机关、单位",
        "（二）转送、交办、督办情况",
        "（三）提出改进工作、完善政策、追究责任建议以及建议被采纳情况",
        "（四）其他应当报告的事项",
    ):
        assert heading in text
    assert "德清县共受理群众信访事项7件，同比增加7件" in text
    assert "来信7件，同比增加7件" in text
    # 2025: November's six notices (3 on time) and the moved petition's second one, due 12-03, unanswered.
    assert "及时受理率42.86%（3/7），同比不可比（样本不足）" in text
    assert "满意率为样本不足（0/0）" in text  # both ratings were given in 2026
    assert "全年转送信访事项8件" in text
    assert "开展重大社会风险评估4次" in text
    assert "training_sessions2" in text  # unlabelled figures keep their key
    wb = load_workbook(out.with_suffix(".xlsx"))
    assert {"信访总量", "主要指标", "涉及领域", "承办单位", "转送交办督办", "接访包案排查", "其他"} <= set(
        wb.sheetnames
    )
    totals = {row[0]: row[1:] for row in wb["信访总量"].iter_rows(min_row=2, values_only=True)}
    assert totals["合计"][:2] == (7, 0)


@time_machine.travel(TODAY, tick=False)
def test_it_writes_the_annual_report_without_the_ledgers_app(users, tmp_path: Path):
    with mock.patch("xinfang.reports.work.ledger_module", return_value=None):
        web_client = web(users["dq_clerk"])
        response = web_client.get("/reports/annual/?org=330521-XFJ&year=2025&format=docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    text = "\n".join(p.text for p in DocxReader(io.BytesIO(response.content)).paragraphs)
    assert "共受理群众信访事项0件，同比持平" in text
    assert "（其他应当报告的事项由本单位补充。）" in text
    bad = web(users["dq_clerk"]).get("/reports/annual/?org=330521-XFJ&year=20x5&format=docx")
    assert bad.status_code == 422
    assert "年份应为四位数字" in bad.content.decode()
