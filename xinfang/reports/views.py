"""统计报表 pages: the statistics page, drill-down lists, the monthly bulletin and the annual report.

Thin views over stats, drilldown, bulletin and annual; access is decided in `access` (403 for users
who may not read statistics, 404 for an org outside their region).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from xinfang.core.errors import Forbidden, Invalid, NotFound
from xinfang.orgs.models import User

from .access import Subtree, orgs_in_reach, subtree_for
from .annual import annual_files
from .bulletin import bulletin_xlsx, monthly_bulletin
from .clock import today
from .drilldown import drill, visible_drill
from .periods import Period, parse_period
from .stats import compute_stats

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _subtree(request: HttpRequest) -> Subtree:
    try:
        return subtree_for(_user(request), request.GET.get("org"))
    except Forbidden as exc:
        raise PermissionDenied(exc.message) from exc
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name)


def _month(request: HttpRequest) -> tuple[int, int, dict[str, str]]:
    """`month=YYYY-MM` (default: last month) and any error to show next to the field."""
    value = request.GET.get("month", "")
    now = today()
    default = (now.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    try:
        first = dt.date.fromisoformat(f"{value or default}-01")
    except ValueError:
        first = dt.date.fromisoformat(f"{default}-01")
        return first.year, first.month, {"month": "月份格式应为 YYYY-MM，已显示上月。"}
    return first.year, first.month, {}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    subtree = _subtree(request)
    errors: dict[str, str] = {}
    try:
        period = parse_period(request.GET.get("from"), request.GET.get("to"), today=today())
    except Invalid as exc:
        errors[exc.field or "from"] = exc.message
        period = parse_period(None, None, today=today())
    stats = compute_stats(subtree, period, today=today())
    base = urlencode(
        {"org": subtree.org.code, "from": period.start.isoformat(), "to": period.end.isoformat()}
    )
    charts = {
        "months": [m["label"] for m in stats["breakdowns"]["month"]],
        "monthly": [m["n"] for m in stats["breakdowns"]["month"]],
        "channels": [{"name": c["label"], "value": c["n"]} for c in stats["breakdowns"]["channel"] if c["n"]],
        "categories": [[c["label"], c["n"]] for c in stats["top_categories"]],
        "units": [[u["name"], u["n"]] for u in stats["top_units"]],
    }
    kpi_keys = [
        "timely_transfer_rate",
        "timely_acceptance_rate",
        "on_time_completion_rate",
        "on_time_reply_rate",
    ]
    context: dict[str, Any] = {
        "s": stats,
        "orgs": orgs_in_reach(_user(request)),
        "selected": subtree.org,
        "period": period,
        "form": {
            "from": request.GET.get("from", period.start.isoformat()),
            "to": request.GET.get("to", period.end.isoformat()),
        },
        "errors": errors,
        "base": base,
        "charts": charts,
        "timeliness": [(key, stats["kpis"][key]) for key in kpi_keys],
    }
    return render(request, "reports/home.html", context, status=422 if errors else 200)


@login_required
def petitions(request: HttpRequest) -> HttpResponse:
    subtree = _subtree(request)
    try:
        period = parse_period(request.GET.get("from"), request.GET.get("to"), today=today())
        found = drill(
            request.GET.get("metric", ""), subtree, period, today=today(), params=request.GET.dict()
        )
    except Invalid as exc:
        return render(request, "reports/petitions.html", {"error": exc.message}, status=422)
    qs = visible_drill(_user(request), found)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "title": found.title,
        "page": page,
        "count": page.paginator.count,
        "period": period,
        "selected": subtree.org,
        "query": params.urlencode(),
    }
    return render(request, "reports/petitions.html", context)


@login_required
def bulletin(request: HttpRequest) -> HttpResponse:
    subtree = _subtree(request)
    year, month, errors = _month(request)
    data = monthly_bulletin(subtree, year, month, today=today())
    context = {
        "b": data,
        "orgs": orgs_in_reach(_user(request)),
        "selected": subtree.org,
        "month": f"{year:04d}-{month:02d}",
        "errors": errors,
        "base": urlencode(
            {
                "org": subtree.org.code,
                "from": data.period.start.isoformat(),
                "to": data.period.end.isoformat(),
            }
        ),
        "as_of": data.as_of.isoformat(),
    }
    return render(request, "reports/bulletin.html", context)


@login_required
def bulletin_download(request: HttpRequest) -> HttpResponse:
    subtree = _subtree(request)
    year, month, _ = _month(request)
    data = monthly_bulletin(subtree, year, month, today=today())
    name = f"{subtree.org.name}{year}年{month}月信访工作通报.xlsx"
    return _attachment(bulletin_xlsx(data), name, XLSX)


@login_required
def annual(request: HttpRequest) -> HttpResponse:
    subtree = _subtree(request)
    errors: dict[str, str] = {}
    year_text = request.GET.get("year", "")
    fmt = request.GET.get("format", "")
    if year_text or fmt:
        if not (year_text.isdigit() and len(year_text) == 4):
            errors["year"] = "年份应为四位数字，如 2025。"
        elif fmt not in ("docx", "xlsx"):
            errors["format"] = "请选择 .docx 报告或 .xlsx 数据表。"
        else:
            year = int(year_text)
            rendered, docx, workbook = annual_files(subtree.org, year, today=today())
            if fmt == "docx":
                return _attachment(docx, f"{rendered.title}.docx", DOCX)
            return _attachment(workbook, f"{rendered.title}（数据表）.xlsx", XLSX)
    context = {
        "orgs": orgs_in_reach(_user(request)),
        "selected": subtree.org,
        "year": year_text or str(today().year - 1),
        "errors": errors,
        "period": Period(today().replace(month=1, day=1), today()),
    }
    return render(request, "reports/annual.html", context, status=422 if errors else 200)
