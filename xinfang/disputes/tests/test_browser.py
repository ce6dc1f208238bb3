"""In the workbench: importing a ledger with a bad row, then only its valid rows."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from playwright.sync_api import expect

from xinfang.disputes.excel import IMPORT_COLUMNS
from xinfang.disputes.models import Dispute

pytestmark = pytest.mark.django_db(transaction=True)


def workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["矛盾纠纷排查台账"])
    sheet.append([h for h, _ in IMPORT_COLUMNS])
    sheet.append(
        [
            "全面排查",
            "网格员",
            "邻里宅基地纠纷",
            "",
            "330521001",
            "",
            2,
            "低",
            "德清县武康街道办事处",
            "李某",
            "",
            "2026-01-05",
        ]
    )
    sheet.append(
        [
            "全面排查",
            "网格员",
            "欠薪纠纷",
            "",
            "330521001",
            "",
            "很多",
            "低",
            "德清县武康街道办事处",
            "李某",
            "",
            "2026-01-06",
        ]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_it_shows_the_bad_cells_and_imports_only_when_asked(login):
    page = login("dq_clerk")
    page.get_by_role("link", name="矛盾纠纷台账").click()
    page.get_by_role("link", name="导入Excel").click()
    upload = {"name": "台账.xlsx", "mimeType": "application/octet-stream", "buffer": workbook()}
    page.get_by_label("台账文件（.xlsx）").set_input_files(upload)
    page.get_by_role("button", name="导入").click()
    errors = page.get_by_role("alert").first
    expect(errors).to_contain_text("未导入任何数据")
    expect(page.get_by_role("cell", name="应为正整数。")).to_be_visible()
    assert Dispute.objects.count() == 0

    page.get_by_label("台账文件（.xlsx）").set_input_files(upload)
    page.get_by_label("仅导入无误的行").check()
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_text("已导入1条。")).to_be_visible()
    assert list(Dispute.objects.values_list("title", flat=True)) == ["邻里宅基地纠纷"]
