"""普法宣传 and 培训 pages, with totals by period."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from xinfang.ledgers import selectors, services
from xinfang.ledgers.forms import OutreachFilter, OutreachRecordForm, PeriodFilter, TrainingRecordForm
from xinfang.ledgers.views._common import cleaned, list_page, run, user_of


@login_required
def outreach_list(request: HttpRequest) -> HttpResponse:
    form = OutreachFilter(request.GET or None)
    qs = selectors.outreach_list(user_of(request), **cleaned(form))
    totals = selectors.outreach_totals(qs)
    rows = (
        (
            None,
            [
                e.held_on,
                e.title,
                e.place,
                e.get_form_display(),
                e.organiser,
                e.org.name,
                e.materials,
                e.consultations,
                e.reached,
            ],
        )
        for e in qs
    )
    return list_page(
        request,
        title="普法宣传",
        filter_form=form,
        headers=[
            "日期",
            "活动名称",
            "地点",
            "形式",
            "组织者",
            "主办单位",
            "发放宣传资料（份）",
            "接受咨询（人次）",
            "受众人数",
        ],
        rows=rows,
        filename="普法宣传台账",
        new_url=reverse("ledgers:outreach_new"),
        new_label="登记宣传活动",
        totals=[
            ("活动（场）", totals["events"]),
            ("发放宣传资料（份）", totals["materials"]),
            ("接受群众咨询（人次）", totals["consultations"]),
            ("受众（人）", totals["reached"]),
        ],
    )


@login_required
def outreach_new(request: HttpRequest) -> HttpResponse:
    form = OutreachRecordForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if (
        request.method == "POST"
        and form.is_valid()
        and run(form, lambda: services.outreach_record(actor=user_of(request), **form.cleaned_data))
    ):
        messages.success(request, "已登记宣传活动。")
        return redirect("ledgers:outreach_list")
    return render(request, "ledgers/form.html", {"title": "登记普法宣传活动", "form": form})


@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    form = PeriodFilter(request.GET or None)
    qs = selectors.training_list(user_of(request), **cleaned(form))
    totals = selectors.training_totals(qs)
    rows = ((None, [t.start_on, t.topic, t.place, t.org.name, t.participants, t.hours, t.note]) for t in qs)
    return list_page(
        request,
        title="信访干部培训",
        filter_form=form,
        headers=["开班日期", "培训主题", "地点", "主办单位", "参训人次", "学时", "参训对象及备注"],
        rows=rows,
        filename="培训台账",
        new_url=reverse("ledgers:training_new"),
        new_label="登记培训班",
        totals=[
            ("培训班（期）", totals["sessions"]),
            ("培训（人次）", totals["participants"]),
            ("学时", totals["hours"]),
        ],
    )


@login_required
def training_new(request: HttpRequest) -> HttpResponse:
    form = TrainingRecordForm(request.POST or None, initial={"start_on": timezone.localdate()})
    if (
        request.method == "POST"
        and form.is_valid()
        and run(form, lambda: services.training_record(actor=user_of(request), **form.cleaned_data))
    ):
        messages.success(request, "已登记培训班。")
        return redirect("ledgers:training_list")
    return render(request, "ledgers/form.html", {"title": "登记培训班", "form": form})
