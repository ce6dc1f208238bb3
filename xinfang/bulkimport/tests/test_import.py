"""Importing petitions from a ledger (xinfang.bulkimport): what registration would have made, or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from xinfang.bulkimport.models import ImportBatch
from xinfang.bulkimport.sealing import Sealer
from xinfang.bulkimport.services import ImportRejected, petitions_import
from xinfang.core.crypto import blind_index, decrypt
from xinfang.core.errors import XinfangError
from xinfang.orgs.models import Org
from xinfang.petitions.models import Counter, Event, Petition, Stage
from xinfang.petitions.services import _base
from xinfang.petitions.services.intake import (
    QUERY_CODE_ALPHABET,
    PetitionerInput,
    PetitionInput,
    petition_register,
)
from xinfang.petitions.tests.helpers import id_number

HEADERS = [
    "收到日期",
    "信访形式",
    "登记单位",
    "标题",
    "事实和理由",
    "三类",
    "途径",
    "问题属地",
    "人数",
    "原编号",
    "信访人姓名",
    "证件号码",
    "联系电话",
    "是否代表",
    "信访人2姓名",
    "信访人2联系电话",
    "信访人2是否代表",
    "办结日期",
    "办结方式",
    "办理结果",
    "办理单位",
]
TODAY = timezone.localdate()
DAY = (TODAY - dt.timedelta(days=40)).isoformat()


def row(**values: str) -> list[str]:
    base = {
        "收到日期": DAY,
        "信访形式": "来信",
        "登记单位": "330521-XFJ",
        "标题": "小区消防通道被占用",
        "事实和理由": "小区东侧有人搭建彩钢棚，占用消防通道。",
        "三类": "申诉求决类",
        "途径": "信访程序办理",
        "问题属地": "330521",
        "信访人姓名": "张秀英",
        "证件号码": id_number(12),
        "联系电话": "13857212345",
    }
    base.update(values)
    return [base.get(h, "") for h in HEADERS]


def write_csv(
    path: Path, rows: list[list[str]], headers: list[str] = HEADERS, encoding: str = "utf-8-sig"
) -> Path:
    with path.open("w", newline="", encoding=encoding) as fh:
        out = csv.writer(fh)
        out.writerow(headers)
        out.writerows(rows)
    return path


@pytest.fixture
def clerk(users):
    return users["dq_clerk"]


def test_it_lands_open_rows_as_registration_does_and_closed_rows_as_closed(clerk, tmp_path, db):
    path = write_csv(
        tmp_path / "ledger.csv",
        [
            row(原编号="DQ-1"),
            row(
                登记单位="330521-ZJJ", 信访形式="来访", 标题="拖欠工资", 证件号码="", 联系电话="0572-8012345"
            ),
            row(
                三类="建议意见类",
                途径="",
                标题="建议增设公交线路",
                办结日期=(TODAY - dt.timedelta(days=10)).isoformat(),
                办结方式="已答复",
                办理结果="采纳",
                办理单位="330521-ZJJ",
            ),
            row(
                标题="反复信访",
                办结日期=(TODAY - dt.timedelta(days=5)).isoformat(),
                办结方式="已终结",
                办理结果="不予支持",
            ),
        ],
    )
    clerk_zjj_may = Org.objects.get(code="330521-ZJJ")
    # dq_clerk acts for 德清县信访局 only: the row registered at the 住建局 is refused, like registration.
    with pytest.raises(ImportRejected) as refused:
        petitions_import(path, actor=clerk)
    assert [(e.row, e.column, e.code) for e in refused.value.errors] == [(3, "登记单位", "not_holder")]
    assert Petition.objects.count() == 0

    path = write_csv(tmp_path / "ledger2.csv", [r for i, r in enumerate(_rows(path)) if i != 1])
    counter_before = (
        Counter.objects.filter(key=f"330521-{DAY[:4]}").values_list("value", flat=True).first() or 0
    )
    result = petitions_import(path, actor=clerk)
    assert result.imported == 3 and result.rejected == 0
    assert result.by_state == {"registered": 1, "answered": 1, "concluded": 1}

    open_one = Petition.objects.get(subject="小区消防通道被占用")
    assert open_one.state == "registered" and open_one.registered_by == clerk and open_one.closed_on is None
    numbers = sorted(Petition.objects.values_list("number", flat=True))
    assert numbers == [f"330521{DAY[:4]}{counter_before + i:07d}" for i in (1, 2, 3)]
    assert len(open_one.query_code) == 12 and set(open_one.query_code) <= set(QUERY_CODE_ALPHABET)
    # The first clock, by the services' own rule (第二十二条: 15 日 triage at a 信访部门).
    stage = Stage.objects.get(petition=open_one)
    expected = _base.due("triage", dt.date.fromisoformat(DAY))
    assert (stage.kind, stage.rule, stage.due_on, stage.closed_on) == (
        "triage",
        "triage",
        expected.due_on,
        None,
    )
    assert stage.due_basis["explain"] == expected.explain()
    person = open_one.petitioners.get()
    assert person.id_number == id_number(12) and person.phone == "13857212345" and person.phone_tail == "2345"
    assert person.id_number_hash == blind_index("id_number", id_number(12))
    assert person.phone_hash == blind_index("phone", "13857212345")
    register = Event.objects.get(petition=open_one)
    assert (register.action, register.stage_id, register.actor_id) == ("register", stage.pk, clerk.pk)
    assert register.data["import"] == {"batch": result.batch_id, "row": 2, "source_number": "DQ-1"}

    answered = Petition.objects.get(subject="建议增设公交线路")
    assert answered.state == "answered" and answered.closed_on == TODAY - dt.timedelta(days=10)
    assert not answered.stages.exists()  # no invented clocks for a historic record
    close = answered.events.get(action="import_close")
    assert (
        close.org == clerk_zjj_may and close.data["outcome"] == "adopted" and close.on == answered.closed_on
    )
    concluded = Petition.objects.get(subject="反复信访")
    assert concluded.state == "concluded" and concluded.is_final  # 第三十六条第三款

    assert result.batch_id is not None
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert (batch.rows, batch.imported, batch.closed, batch.user) == (3, 3, 2, clerk)
    # Registration goes on numbering after the imported block.
    later = petition_register(
        PetitionInput(
            channel="letter",
            received_on=dt.date.fromisoformat(DAY),
            subject="新登记",
            content="新登记的信访件。",
            kind="suggestion",
            petitioners=[PetitionerInput(name="李四")],
        ),
        actor=clerk,
    )
    assert later.number == f"330521{DAY[:4]}{counter_before + 4:07d}"


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))[1:]


def test_it_writes_nothing_and_names_every_bad_cell_when_a_row_is_invalid(clerk, tmp_path):
    path = write_csv(
        tmp_path / "bad.csv",
        [
            row(),
            row(证件号码="330521196805120021", 联系电话="138"),
            row(收到日期="2025-02-30", 三类="投诉"),
            row(信访形式="来访", 人数="8"),
            row(三类="建议意见类"),
            row(原编号="X1"),
            row(原编号="X1", 办结方式="已答复"),
            row(收到日期=(TODAY + dt.timedelta(days=1)).isoformat(), 问题属地="999999"),
        ],
    )
    with pytest.raises(ImportRejected) as rejected:
        petitions_import(path, actor=clerk)
    found = {(e.row, e.column, e.code) for e in rejected.value.errors}
    assert found == {
        (3, "证件号码", "id_number_checksum"),
        (3, "联系电话", "phone_format"),
        (4, "收到日期", "invalid_date"),
        (4, "三类", "invalid_choice"),
        (5, "是否代表", "representatives_required"),
        (6, "途径", "route_not_applicable"),
        (8, "原编号", "duplicate"),
        (8, "办结方式", "closed_on_required"),
        (9, "收到日期", "date_in_future"),
        (9, "问题属地", "unknown_region"),
    }
    assert rejected.value.bad_rows == 6
    message = str(next(e for e in rejected.value.errors if e.code == "id_number_checksum"))
    assert message == "第3行“证件号码”：公民身份号码校验位不正确，请核对后重新填写。"
    assert Petition.objects.count() == 0 and ImportBatch.objects.count() == 0
    assert not Counter.objects.exists()


def test_it_skips_invalid_rows_into_a_rejects_file_that_imports_once_fixed(clerk, tmp_path):
    path = write_csv(tmp_path / "mixed.csv", [row(标题="好的一件"), row(标题="坏的一件", 联系电话="12345")])
    result = petitions_import(path, actor=clerk, skip_invalid=True)
    assert (result.imported, result.rejected) == (1, 1)
    rejects = Path(result.rejects_file)
    assert rejects.name == "mixed.rejects.csv"
    with rejects.open(encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0][:2] == ["原行号", "错误"] and lines[1][0] == "3"
    assert "联系电话" in lines[1][1]
    lines[1][2 + HEADERS.index("联系电话")] = "13900001111"
    with rejects.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(lines)
    again = petitions_import(rejects, actor=clerk)
    assert again.imported == 1
    assert sorted(Petition.objects.values_list("subject", flat=True)) == ["坏的一件", "好的一件"]


def test_it_refuses_to_import_the_same_file_twice(clerk, tmp_path):
    path = write_csv(tmp_path / "once.csv", [row()])
    petitions_import(path, actor=clerk)
    with pytest.raises(XinfangError) as again:
        petitions_import(path, actor=clerk)
    assert again.value.code == "already_imported"
    assert Petition.objects.count() == 1
    petitions_import(path, actor=clerk, allow_duplicate=True)
    assert Petition.objects.count() == 2


def test_it_reads_gb18030_csv_and_refuses_unknown_or_missing_columns(clerk, tmp_path):
    path = write_csv(tmp_path / "gbk.csv", [row()], encoding="gb18030")
    assert petitions_import(path, actor=clerk, dry_run=True).rows == 1
    assert Petition.objects.count() == 0  # a dry run writes nothing
    bad = write_csv(tmp_path / "cols.csv", [["2025-03-01", "x"]], headers=["收到日期", "备注栏"])
    with pytest.raises(XinfangError) as unknown:
        petitions_import(bad, actor=clerk)
    assert unknown.value.code == "unknown_columns" and "备注栏" in unknown.value.message
    missing = write_csv(tmp_path / "missing.csv", [["2025-03-01"]], headers=["收到日期"])
    with pytest.raises(XinfangError) as lacking:
        petitions_import(missing, actor=clerk)
    assert lacking.value.code == "missing_columns" and "标题" in lacking.value.message


def _xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([])  # a blank first row: row numbers must still be the ones Excel shows
    sheet.append(HEADERS)
    good: list[Any] = row(人数="2", 信访人2姓名="王五", 信访人2联系电话="13900002222")
    good[0] = dt.date.fromisoformat(DAY)  # a real date cell
    good[HEADERS.index("人数")] = 2  # a number cell
    sheet.append(good)
    broken: list[Any] = row()
    broken[HEADERS.index("证件号码")] = 330521196805120020  # Excel turned the ID number into a number
    sheet.append(broken)
    book.save(path)
    return path


@pytest.mark.parametrize("reader", ["calamine", "openpyxl"])
def test_it_reads_xlsx_dates_numbers_and_row_numbers(clerk, tmp_path, monkeypatch, reader):
    if reader == "openpyxl":
        monkeypatch.setitem(sys.modules, "python_calamine", None)  # as if it were not installed
    else:
        pytest.importorskip("python_calamine")
    path = _xlsx(tmp_path / "ledger.xlsx")
    with pytest.raises(ImportRejected) as rejected:
        petitions_import(path, actor=clerk)
    assert [(e.row, e.column, e.code) for e in rejected.value.errors] == [
        (4, "证件号码", "id_number_as_number")
    ]
    result = petitions_import(path, actor=clerk, skip_invalid=True)
    petition = Petition.objects.get()
    assert (
        result.imported == 1
        and petition.received_on == dt.date.fromisoformat(DAY)
        and petition.headcount == 2
    )
    assert sorted(p.name for p in petition.petitioners.all()) == ["张秀英", "王五"]


def test_the_command_imports_and_reports_errors_in_chinese(clerk, tmp_path):
    good = write_csv(tmp_path / "good.csv", [row(登记单位="")])
    out = io.StringIO()
    call_command("import", "petitions", str(good), "--org", "330521-XFJ", stdout=out)
    assert "已导入 1 件（待转交 1）" in out.getvalue()
    bad = write_csv(tmp_path / "bad.csv", [row(三类="")])
    err = io.StringIO()
    with pytest.raises(CommandError, match="共有1行有错误，未导入任何数据"):
        call_command("import", "petitions", str(bad), "--user", "dq_clerk", stderr=err)
    assert "第2行“三类”：请选择建议意见类、检举控告类或申诉求决类。" in err.getvalue()
    with pytest.raises(CommandError, match="请用 --user 指定导入人"):
        call_command("import", "petitions", str(good))


def test_the_sealer_makes_what_core_crypto_reads(settings):
    settings.FIELD_ENCRYPTION_KEY = "first-key,older-key"
    sealer = Sealer()
    for value in ("33052119680512002X", "13857212345", "0572-8012345", "a" * 16, "张" * 40, ""):
        token = sealer.encrypt(value)
        assert decrypt(token) == value
        assert sealer.blind_index("phone", value) == blind_index("phone", value)
    assert sealer.encrypt("13857212345") != sealer.encrypt("13857212345")  # a fresh IV every time


def test_the_admin_lists_batches_read_only(users, clerk, tmp_path):
    from django.test import Client

    petitions_import(write_csv(tmp_path / "a.csv", [row()]), actor=clerk)
    client = Client()
    client.force_login(users["admin"])
    listing = client.get("/admin/bulkimport/importbatch/")
    assert listing.status_code == 200 and "a.csv" in listing.content.decode()
    assert client.get("/admin/bulkimport/importbatch/add/").status_code == 403


def test_an_import_marks_the_statistics_rollups_incomplete_until_a_rebuild(clerk, tmp_path, db):
    """Imported rows bypass the services, which keep the roll-ups: the statistics must not use them."""
    from xinfang.reports.models import FactState
    from xinfang.reports.rebuild import facts_rebuild
    from xinfang.reports.rollups import rollups_complete

    facts_rebuild()
    assert rollups_complete()
    petitions_import(write_csv(tmp_path / "ledger.csv", [row()]), actor=clerk)
    assert FactState.objects.get(pk=1).complete_since is None
    assert not rollups_complete()
    # A registration afterwards makes the newest petition one with facts: still incomplete.
    petition_register(
        PetitionInput(
            channel="letter",
            received_on=TODAY,
            subject="路灯不亮",
            content="村口路灯损坏多日。",
            request="请求维修。",
            kind="request",
            route="petition",
            petitioners=[PetitionerInput(name="王芳", phone="13857212346")],
        ),
        actor=clerk,
    )
    assert not rollups_complete()
    facts_rebuild()
    assert rollups_complete()
