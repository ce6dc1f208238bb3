"""Reading an import file: .xlsx (first sheet) or .csv (UTF-8, or GB18030 as Excel saves it in China).

Both give the header row and then every row as a list of cell values with its row number as the
spreadsheet shows it, so that an error message points at the row a clerk sees in Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xinfang.core.errors import Invalid

Cell = Any  # str, float, int, bool, date, datetime or None, as the reader gives it


@dataclass
class Sheet:
    headers: list[str]
    header_row: int  # 1-based
    rows: Iterator[tuple[int, list[Cell]]]  # (1-based row number, cells)


def read(path: Path, *, fmt: str = "", encoding: str = "") -> Sheet:
    """Open `path` as .xlsx or .csv (by `fmt` or the file name's suffix)."""
    kind = (fmt or path.suffix.lstrip(".")).lower()
    if not path.is_file():
        raise Invalid("file", f"找不到文件“{path}”。", code="file_not_found")
    if kind == "csv":
        return _csv(path, encoding)
    if kind in ("xlsx", "xlsm"):
        return _xlsx(path)
    raise Invalid(
        "file", "只能导入 .xlsx 或 .csv 文件（旧版 .xls 请先另存为 .xlsx）。", code="unsupported_format"
    )


def _first_row(rows: Iterator[tuple[int, list[Cell]]]) -> tuple[int, list[str]]:
    for number, cells in rows:
        if any(str(c).strip() for c in cells if c is not None):
            return number, [str(c).strip() if c is not None else "" for c in cells]
    raise Invalid("file", "文件是空的：没有表头行。", code="empty_file")


def _csv(path: Path, encoding: str) -> Sheet:
    raw = path.read_bytes()
    if encoding:
        try:
            text = raw.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise Invalid("file", f"无法按 {encoding} 编码读取该文件。", code="bad_encoding") from exc
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("gb18030")
            except UnicodeDecodeError as exc:
                raise Invalid(
                    "file", "文件编码无法识别：请另存为 UTF-8 或 GB18030 编码的 CSV。", code="bad_encoding"
                ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        # csv's line_num counts physical lines; a quoted cell may span several, so number the records.
        for number, cells in enumerate(reader, start=1):
            yield number, list(cells)

    it = rows()
    header_row, headers = _first_row(it)
    return Sheet(headers, header_row, it)


def _xlsx(path: Path) -> Sheet:
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # python-calamine is optional: the slow reader below does the same
        return _xlsx_openpyxl(path)
    try:
        grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise Invalid(
            "file", "无法读取该 Excel 文件：文件已损坏或不是 .xlsx 格式。", code="bad_file"
        ) from exc
    it = iter(enumerate(grid, start=1))
    header_row, headers = _first_row(it)
    return Sheet(headers, header_row, it)


def _xlsx_openpyxl(path: Path) -> Sheet:
    """The slow path (about 2,000 rows/s) when python-calamine is not installed."""
    from zipfile import BadZipFile

    import openpyxl  # type: ignore[import-untyped]

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError) as exc:
        raise Invalid(
            "file", "无法读取该 Excel 文件：文件已损坏或不是 .xlsx 格式。", code="bad_file"
        ) from exc
    sheet = book.worksheets[0]
    it = ((n, list(cells)) for n, cells in enumerate(sheet.iter_rows(values_only=True), start=1))
    header_row, headers = _first_row(it)
    return Sheet(headers, header_row, it)
