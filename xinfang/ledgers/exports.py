"""Excel export of any ledger list: a Chinese header row, one row per record."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook  # type: ignore[import-untyped]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Cell = Any  # str, int, float, Decimal, date or None


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> HttpResponse:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = filename[:31]
    ws.append(list(headers))
    for row in rows:
        ws.append([float(c) if isinstance(c, Decimal) else c for c in row])
    for i, header in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(10, len(header) * 2 + 2)
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}.xlsx"
    return response
