"""The dispute ledger: statuses to 销号, Excel import (bad and good files), export, monthly bulletin."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from xinfang.core.errors import Forbidden, IllegalTransition, Invalid
from xinfang.disputes.excel import IMPORT_COLUMNS, bulletin_xlsx, export_ledger, import_ledger
from xinfang.disputes.models import Dispute, DisputeStatus
from xinfang.disputes.selectors import dispute_list, monthly_bulletin
from xinfang.disputes.services import (
    DisputeInput,
    dispute_close_out,
    dispute_create,
    dispute_link_petition,
    dispute_resolve,
    dispute_start,
)
from xinfang.petitions.tests.helpers import register

pytestmark = pytest.mark.django_db
TODAY = "2026-11-23 10:00 +0800"
HEADER = [h for h, _ in IMPORT_COLUMNS]
GOOD: list[object] = [
    "专项排查",
    "网格员走访",
    "某小区物业费纠纷",
    "业主与物业就收费标准发生争议",
    "330521001",
    "英溪小区",
    35,
    "中",
    "德清县住房和城乡建设局",
    "郑某",
    "组织调解",
    "2026-11-02",
]


def xlsx(rows: list[list[object]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["矛盾纠纷排查台账"])
    sheet.append(HEADER)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def entry(region, **extra: object) -> DisputeInput:
    values: dict[str, object] = {
        "screening": "full",
        "source": "村社排查",
        "title": "土地承包纠纷",
        "region_code": "330521001",
        "parties": 4,
        "risk": "low",
        "responsible_org": region["330521001-GOV"],
        "responsible_person": "钱某",
        "found_on": dt.date(2026, 10, 5),
    }
    values.update(extra)
    return DisputeInput(**values)  # type: ignore[arg-type]


@time_machine.travel(TODAY, tick=False)
def test_it_imports_nothing_from_a_bad_file_and_names_each_bad_cell(users):
    bad: list[list[object]] = [
        GOOD,
        ["普通排查", "", "x", "", "33052", "", "三十", "极高", "不存在的单位", "王某", "", "2026-13-01"],
        [*GOOD[:8], "长兴县住房和城乡建设局", *GOOD[9:]],  # a unit outside 德清县
        [*GOOD[:11], "2026-12-30"],  # in the future
    ]
    report = import_ledger(xlsx(bad), actor=users["dq_clerk"])
    assert report.imported == 0 and Dispute.objects.count() == 0
    messages = [str(e) for e in report.errors]
    assert "第4行 A列 排查类型：应为全面排查、专项排查、滚动排查之一。" in messages
    assert "第4行 B列 线索来源：不能为空。" in messages
    assert "第4行 G列 涉及人数：应为正整数。" in messages
    assert "第4行 H列 风险等级：应为高、中、低之一。" in messages
    assert any(m.startswith("第4行 I列 责任单位：“不存在的单位”") for m in messages)
    assert any(m.startswith("第4行 L列 排查日期") for m in messages)
    assert any(m.startswith("第5行 I列 责任单位") for m in messages)
    assert "第6行 L列 排查日期：排查日期不能晚于今天。" in messages
    assert not any(m.startswith("第3行") for m in messages)
    assert report.bad_rows == {4, 5, 6}

    # The user chooses "import valid rows": only row 3 goes in.
    partial = import_ledger(xlsx(bad), actor=users["dq_clerk"], valid_rows_only=True)
    assert partial.imported == 1
    assert list(Dispute.objects.values_list("title", "parties", "risk", "screening")) == [
        ("某小区物业费纠纷", 35, "medium", "special")
    ]


@time_machine.travel(TODAY, tick=False)
def test_it_imports_a_good_file_and_exports_it_back_in_the_same_layout(users):
    second: list[object] = [
        "滚动排查",
        "来访",
        "征地补偿纠纷",
        "",
        "330521101",
        "",
        12,
        "高",
        "330521-ZRZY",
        "孙某",
        "",
        dt.datetime(2026, 11, 20),  # noqa: DTZ001 - Excel cells carry naive datetimes
    ]
    report = import_ledger(xlsx([GOOD, second]), actor=users["dq_clerk"])
    assert report.ok and report.imported == 2
    rows = dispute_list(users["dq_supervisor"])
    assert {d.responsible_org.code for d in rows} == {"330521-ZJJ", "330521-ZRZY"}
    assert all(d.status == DisputeStatus.SCREENED and d.number.startswith("MT330521-2026-") for d in rows)
    book = load_workbook(io.BytesIO(export_ledger(list(rows))))
    sheet = book.active
    assert sheet["A1"].value == "矛盾纠纷排查台账"
    header = [c.value for c in sheet[2]]
    assert set(HEADER) <= set(header) and "状态" in header
    assert sheet.max_row == 4
    with pytest.raises(Invalid):
        import_ledger(io.BytesIO(b"not a spreadsheet"), actor=users["dq_clerk"])
    # The exported file imports again (same layout).
    again = import_ledger(io.BytesIO(export_ledger(list(rows))), actor=users["dq_clerk"])
    assert again.ok and again.imported == 2


@time_machine.travel(TODAY, tick=False)
def test_it_closes_out_only_with_a_reason_and_another_reviewer(api, users, region):
    d = dispute_create(entry(region), actor=users["dq_supervisor"])
    with pytest.raises(IllegalTransition):
        dispute_close_out(d, actor=users["dq_leader"], on=dt.date(2026, 11, 1), reason="已化解")
    with pytest.raises(Invalid):
        dispute_start(d, actor=users["dq_wukang"], on=dt.date(2026, 10, 6), measures=" ")
    dispute_start(d, actor=users["dq_wukang"], on=dt.date(2026, 10, 6), measures="村调委会调解")
    dispute_resolve(d, actor=users["dq_wukang"], on=dt.date(2026, 11, 2))
    with pytest.raises(Forbidden):
        dispute_close_out(d, actor=users["dq_supervisor"], on=dt.date(2026, 11, 3), reason="已签订调解协议")
    with pytest.raises(Forbidden):
        dispute_close_out(d, actor=users["dq_wukang"], on=dt.date(2026, 11, 3), reason="已签订调解协议")
    with pytest.raises(Invalid):
        dispute_close_out(d, actor=users["dq_leader"], on=dt.date(2026, 11, 3), reason="")
    done = dispute_close_out(
        d, actor=users["dq_leader"], on=dt.date(2026, 11, 3), reason="已签订调解协议并履行"
    )
    assert (done.status, done.reviewer, done.closed_on) == (
        "closed",
        users["dq_leader"],
        dt.date(2026, 11, 3),
    )
    p = register(api("dq_clerk"), received_on="2026-11-20")
    dispute_link_petition(d, actor=users["dq_supervisor"], petition_id=p["id"])
    assert list(d.petitions.values_list("number", flat=True)) == [p["number"]]
    assert [e.action for e in d.events.all()] == ["create", "start", "resolve", "close_out", "link"]


@time_machine.travel(TODAY, tick=False)
def test_it_computes_the_monthly_bulletin_against_a_hand_count(users, region):
    zjj, wk = region["330521-ZJJ"], region["330521101-GOV"]
    clerk = users["dq_clerk"]

    def make(org, found: str, resolved: str | None = None) -> None:
        d = dispute_create(
            entry(region, responsible_org=org, found_on=dt.date.fromisoformat(found)), actor=clerk
        )
        if resolved:
            dispute_resolve(d, actor=clerk, on=dt.date.fromisoformat(resolved))

    # 住建局: two from September (one resolved in Sept, one in Oct), three in October (one resolved in Oct).
    make(zjj, "2026-09-10", "2026-09-20")
    make(zjj, "2026-09-15", "2026-10-03")
    make(zjj, "2026-10-01", "2026-10-31")
    make(zjj, "2026-10-12")
    make(zjj, "2026-10-20", "2026-11-02")  # resolved after October: still in progress in October
    # 乾元镇: one in October, resolved the same month; one in November (not in October's figures).
    make(wk, "2026-10-08", "2026-10-09")
    make(wk, "2026-11-01")
    b = monthly_bulletin(users["dq_supervisor"], 2026, 10)
    got = {r.org: (r.new, r.resolved, r.in_progress, r.total, r.resolved_total, r.rate) for r in b.rows}
    assert got == {
        "德清县住房和城乡建设局": (3, 2, 2, 5, 3, 0.6),
        "德清县乾元镇人民政府": (1, 1, 0, 1, 1, 1.0),
    }
    assert b.total is not None
    assert (b.total.new, b.total.resolved, b.total.in_progress, b.total.total, b.total.rate) == (
        4,
        3,
        2,
        6,
        round(4 / 6, 4),
    )
    sheet = load_workbook(io.BytesIO(bulletin_xlsx(b))).active
    assert sheet["A1"].value == "2026年10月矛盾纠纷排查化解情况通报"
    assert [c.value for c in sheet[5]] == ["合计", 4, 3, 2, 6, 4, 0.6667]
    # A unit sees only its own lines.
    assert [r.org for r in monthly_bulletin(users["dq_zjj"], 2026, 10).rows] == ["德清县住房和城乡建设局"]
