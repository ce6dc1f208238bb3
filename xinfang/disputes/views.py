"""矛盾纠纷台账 pages: list, entry with its acts, Excel import/export, monthly bulletin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from xinfang.core.errors import Invalid, XinfangError
from xinfang.orgs.models import User

from . import services
from .excel import bulletin_xlsx, export_ledger, import_ledger, template_xlsx
from .forms import ActForm, ImportForm, MonthForm
from .models import DisputeStatus
from .selectors import dispute_list, disputes_visible_to, monthly_bulletin

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _file(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename={name}"
    return response


@login_required
def home(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    rows = dispute_list(_user(request), status=status if status in DisputeStatus.values else "", q=q)
    return render(
        request,
        "disputes/home.html",
        {
            "rows": rows[:300],
            "statuses": DisputeStatus.choices,
            "status": status,
            "q": q,
            "count": rows.count(),
        },
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    rows = dispute_list(_user(request)).prefetch_related("petitions")
    return _file(export_ledger(list(rows[:20000])), "disputes.xlsx")


@login_required
def blank(request: HttpRequest) -> HttpResponse:
    return _file(template_xlsx(), "disputes-template.xlsx")


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_ledger(
                form.cleaned_data["file"],
                actor=_user(request),
                valid_rows_only=form.cleaned_data["valid_rows_only"],
            )
        except XinfangError as exc:
            form.add_error("file" if isinstance(exc, Invalid) else None, exc.message)
        else:
            if report.imported:
                messages.success(request, f"已导入{report.imported}条。")
                if report.ok:
                    return redirect("disputes:home")
    return render(request, "disputes/import.html", {"form": form, "report": report})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    d = (
        disputes_visible_to(user)
        .select_related("responsible_org", "created_by", "reviewer")
        .filter(pk=pk)
        .first()
    )
    if d is None:
        raise Http404("台账记录不存在或无权查看。")
    form = ActForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        act, text = form.cleaned_data["act"], form.cleaned_data["text"]
        on = services.today()
        try:
            if act == "start":
                services.dispute_start(d, actor=user, on=on, measures=text)
            elif act == "resolve":
                services.dispute_resolve(d, actor=user, on=on, note=text)
            elif act == "close_out":
                services.dispute_close_out(d, actor=user, on=on, reason=text)
            else:
                pid = form.cleaned_data["petition"]
                if pid is None:
                    raise Invalid("petition", "请填写信访件ID。")
                services.dispute_link_petition(d, actor=user, petition_id=pid)
        except XinfangError as exc:
            field = (
                exc.field
                if isinstance(exc, Invalid) and exc.field in ("petition",)
                else "text"
                if isinstance(exc, Invalid)
                else None
            )
            form.add_error(field, exc.message)
        else:
            messages.success(request, "已保存。")
            return redirect("disputes:detail", pk=pk)
    return render(request, "disputes/detail.html", {"d": d, "form": form})


@login_required
def bulletin(request: HttpRequest) -> HttpResponse:
    today = services.today()
    form = MonthForm(request.GET or {"year": today.year, "month": today.month})
    year, month = (
        (form.cleaned_data["year"], form.cleaned_data["month"])
        if form.is_valid()
        else (today.year, today.month)
    )
    b = monthly_bulletin(_user(request), year, month)
    if request.GET.get("format") == "xlsx":
        return _file(bulletin_xlsx(b), f"bulletin-{year}-{month:02d}.xlsx")
    return render(request, "disputes/bulletin.html", {"b": b, "form": form})
