"""社会稳定风险评估 pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinfang.core.errors import NotFound
from xinfang.ledgers import access, selectors, services
from xinfang.ledgers.forms import (
    AttachmentForm,
    RiskAssessForm,
    RiskConcludeForm,
    RiskFilter,
    RiskFollowUpForm,
    RiskLinkForm,
    RiskRegisterForm,
)
from xinfang.ledgers.models import RiskAssessment
from xinfang.ledgers.services.risk import MAX_ATTACHMENT_BYTES, attachment_for
from xinfang.ledgers.views._common import cleaned, list_page, run, user_of

HEADERS = ["名称", "类型", "责任主体", "登记日期", "状态", "风险等级", "评估结论", "结论日期", "关联信访件"]


@login_required
def risk_list(request: HttpRequest) -> HttpResponse:
    form = RiskFilter(request.GET or None)
    qs = selectors.risk_list(user_of(request), **cleaned(form))
    rows = (
        (
            reverse("ledgers:risk_detail", args=[r.pk]),
            [
                r.title,
                r.get_subject_kind_display(),
                r.org.name,
                r.registered_on,
                r.get_state_display(),
                r.get_level_display(),
                r.get_conclusion_display(),
                r.concluded_on,
                getattr(r, "petition_count", 0),
            ],
        )
        for r in qs
    )
    return list_page(
        request,
        title="社会稳定风险评估",
        filter_form=form,
        headers=HEADERS,
        rows=rows,
        filename="社会稳定风险评估台账",
        new_url=reverse("ledgers:risk_new"),
        new_label="登记评估事项",
    )


@login_required
def risk_new(request: HttpRequest) -> HttpResponse:
    form = RiskRegisterForm(request.POST or None, initial={"registered_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        created: list[RiskAssessment] = []
        if run(
            form,
            lambda: created.append(services.risk_register(actor=user_of(request), **form.cleaned_data)),
            field_map={"scope": "scope_text"},
        ):
            messages.success(request, "已登记评估事项。")
            return redirect("ledgers:risk_detail", created[0].pk)
    return render(request, "ledgers/form.html", {"title": "登记社会稳定风险评估事项", "form": form})


def _detail(request: HttpRequest, pk: int, bound: dict[str, forms.Form] | None = None) -> HttpResponse:
    user = user_of(request)
    try:
        record = access.get_scoped(RiskAssessment.objects.select_related("org"), user, pk, label="风险评估")
    except NotFound as error:
        raise Http404(error.message) from error
    today = timezone.localdate()
    forms_: dict[str, Any] = {
        "assess": RiskAssessForm(initial={"on": today}, prefix="assess"),
        "conclude": RiskConcludeForm(initial={"on": today}, prefix="conclude"),
        "follow": RiskFollowUpForm(initial={"on": today}, prefix="follow"),
        "link": RiskLinkForm(initial={"on": today}, prefix="link"),
        "attach": AttachmentForm(prefix="attach"),
        **(bound or {}),
    }
    status = 400 if bound else 200
    return render(
        request,
        "ledgers/risk_detail.html",
        {
            "r": record,
            "forms": forms_,
            "links": record.links.select_related("petition"),
            "follow_ups": record.follow_ups.all(),
            "attachments": record.attachments.all(),
        },
        status=status,
    )


@login_required
def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, pk)


def _post(
    request: HttpRequest, pk: int, name: str, form: forms.Form, call: Any, done: str, **kw: Any
) -> HttpResponse:
    _detail_guard(request, pk)
    if form.is_valid() and run(form, lambda: call(pk, actor=user_of(request), **form.cleaned_data), **kw):
        messages.success(request, done)
        return redirect("ledgers:risk_detail", pk)
    return _detail(request, pk, {name: form})


def _detail_guard(request: HttpRequest, pk: int) -> None:
    if not access.scoped(RiskAssessment.objects.filter(pk=pk), user_of(request)).exists():
        raise Http404("风险评估不存在或无权查看。")


@login_required
@require_POST
def risk_assess(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        "assess",
        RiskAssessForm(request.POST, prefix="assess"),
        services.risk_assess,
        "已录入评估内容。",
    )


@login_required
@require_POST
def risk_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        "conclude",
        RiskConcludeForm(request.POST, prefix="conclude"),
        services.risk_conclude,
        "已作出评估结论。",
    )


@login_required
@require_POST
def risk_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        "follow",
        RiskFollowUpForm(request.POST, prefix="follow"),
        services.risk_follow_up,
        "已登记跟踪情况。",
    )


@login_required
@require_POST
def risk_link(request: HttpRequest, pk: int) -> HttpResponse:
    form = RiskLinkForm(request.POST, prefix="link")
    _detail_guard(request, pk)
    if form.is_valid():
        data = form.cleaned_data
        if run(
            form,
            lambda: services.risk_link_petition(
                pk, actor=user_of(request), petition_number=data["petition"], on=data["on"], note=data["note"]
            ),
        ):
            messages.success(request, "已关联信访件。")
            return redirect("ledgers:risk_detail", pk)
    return _detail(request, pk, {"link": form})


@login_required
@require_POST
def risk_attach(request: HttpRequest, pk: int) -> HttpResponse:
    form = AttachmentForm(request.POST, request.FILES, prefix="attach")
    _detail_guard(request, pk)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_ATTACHMENT_BYTES:
            form.add_error("file", "文件不能超过20MB。")
        elif run(
            form,
            lambda: services.risk_attach(pk, actor=user_of(request), name=upload.name, content=upload.read()),
        ):
            messages.success(request, "已上传附件。")
            return redirect("ledgers:risk_detail", pk)
    return _detail(request, pk, {"attach": form})


@login_required
def risk_attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    try:
        attachment, path = attachment_for(user_of(request), attachment_id)
    except NotFound as error:
        raise Http404(error.message) from error
    if not path.exists():
        raise Http404("附件文件缺失。")
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
