"""业务规范化评查 pages: draw, the scoring page, problems and 整改."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinfang.core.errors import NotFound
from xinfang.ledgers import access, selectors, services
from xinfang.ledgers.forms import (
    DATE,
    PeriodFilter,
    ProblemFilter,
    ProblemForm,
    RectifyForm,
    ReviewDrawForm,
    org_field,
)
from xinfang.ledgers.models import QualityReview, ReviewCase, ReviewProblem
from xinfang.ledgers.services.review import CheckInput, review_redraw
from xinfang.ledgers.views._common import cleaned, list_page, run, user_of

VERDICTS = [("pass", "符合"), ("fail", "不符合"), ("na", "不适用")]
VERDICT_VALUE: dict[str, bool | None] = {"pass": True, "fail": False, "na": None}


def _verdict(value: bool | None) -> str:
    return "na" if value is None else ("pass" if value else "fail")


class ReviewFilter(PeriodFilter):
    def __init__(self, *args: Any, org_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = org_field(org_ids, "被评查单位")
        unit.empty_label = "全部"
        self.fields["unit"] = unit
        del self.fields["q"]


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = ReviewFilter(request.GET or None, org_ids=access.visible_org_ids(user))
    params = cleaned(form)
    if "unit" in params:
        params["unit"] = params["unit"].pk
    qs = selectors.review_list(user, **params)
    rows = (
        (
            reverse("ledgers:review_detail", args=[r.pk]),
            [
                r.title,
                r.unit.name,
                f"{r.period_start}至{r.period_end}",
                r.created_on,
                r.population_count,
                getattr(r, "case_count", 0),
                getattr(r, "scored_count", 0),
                getattr(r, "problem_count", 0),
                r.seed,
            ],
        )
        for r in qs
    )
    return list_page(
        request,
        title="业务规范化评查",
        filter_form=form,
        headers=[
            "评查名称",
            "被评查单位",
            "办结期间",
            "抽取日期",
            "总体件数",
            "抽取件数",
            "已评查",
            "发现问题",
            "随机种子",
        ],
        rows=rows,
        filename="业务规范化评查台账",
        new_url=reverse("ledgers:review_new"),
        new_label="抽取评查案卷",
        extra_links=[(reverse("ledgers:problem_list"), "评查问题与整改")],
    )


class DrawForm(ReviewDrawForm):
    def __init__(self, *args: Any, org_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = org_field(org_ids, "被评查单位", required=True)
        self.order_fields(["title", "unit"])


@login_required
def review_new(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    form = DrawForm(
        request.POST or None, org_ids=access.visible_org_ids(user), initial={"on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        created: list[QualityReview] = []
        if run(form, lambda: created.append(services.review_draw(actor=user, **form.cleaned_data))):
            r = created[0]
            messages.success(
                request, f"已从{r.population_count}件中抽取{r.cases.count()}件（随机种子{r.seed}）。"
            )
            return redirect("ledgers:review_detail", r.pk)
    return render(
        request,
        "ledgers/form.html",
        {
            "title": "抽取评查案卷",
            "form": form,
            "help": "从该单位在办结期间内已办结的信访事项中随机抽取；填写相同的随机种子可复现同一抽样结果。",
        },
    )


def _review(request: HttpRequest, pk: int) -> QualityReview:
    try:
        return access.get_scoped(
            QualityReview.objects.select_related("org", "unit"),
            user_of(request),
            pk,
            "org",
            "unit",
            label="评查",
        )
    except NotFound as error:
        raise Http404(error.message) from error


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    cases = review.cases.select_related("petition").prefetch_related("problems")
    unchanged, ids = review_redraw(review)
    reproducible = unchanged and ids == [c.petition_id for c in cases]
    return render(
        request, "ledgers/review_detail.html", {"r": review, "cases": cases, "reproducible": reproducible}
    )


def _case(request: HttpRequest, pk: int) -> ReviewCase:
    try:
        return access.get_scoped(
            ReviewCase.objects.select_related("review__org", "review__unit", "petition"),
            user_of(request),
            pk,
            "review__org",
            "review__unit",
            label="评查案卷",
        )
    except NotFound as error:
        raise Http404(error.message) from error


class ScoreForm(forms.Form):
    """One radio group and one note per checklist item, pre-filled with the system's judgement."""

    def __init__(self, *args: Any, case: ReviewCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.checks = list(case.checks.select_related("item"))
        for check in self.checks:
            self.fields[f"check_{check.item_id}"] = forms.ChoiceField(
                label=f"{check.item.label}（{check.weight}分）",
                choices=VERDICTS,
                widget=forms.RadioSelect,
                initial=_verdict(check.passed),
            )
            self.fields[f"note_{check.item_id}"] = forms.CharField(
                label=f"{check.item.label}说明", required=False, max_length=300, initial=check.note
            )
        self.fields["comment"] = forms.CharField(
            label="评查意见", required=False, widget=forms.Textarea, initial=case.comment
        )
        self.fields["on"] = forms.DateField(
            label="评查日期",
            widget=DATE,
            initial=case.scored_on or timezone.localdate(),
        )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"check": c, "verdict": self[f"check_{c.item_id}"], "note": self[f"note_{c.item_id}"]}
            for c in self.checks
        ]


def _score_page(
    request: HttpRequest, case: ReviewCase, form: ScoreForm, problem_form: forms.Form, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "ledgers/review_case.html",
        {"case": case, "form": form, "problem_form": problem_form, "problems": case.problems.all()},
        status=status,
    )


@login_required
def review_case(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    if request.method == "POST":
        form = ScoreForm(request.POST, case=case)
        if form.is_valid():
            data = form.cleaned_data
            results = {
                c.item_id: CheckInput(VERDICT_VALUE[data[f"check_{c.item_id}"]], data[f"note_{c.item_id}"])
                for c in form.checks
            }
            if run(
                form,
                lambda: services.review_case_score(
                    case, actor=user_of(request), on=data["on"], results=results, comment=data["comment"]
                ),
            ):
                case.refresh_from_db()
                messages.success(request, f"已保存评查结果，得分{case.score}。")
                return redirect("ledgers:review_case", case.pk)
        return _score_page(
            request, case, form, ProblemForm(initial={"on": timezone.localdate()}, prefix="problem"), 400
        )
    return _score_page(
        request,
        case,
        ScoreForm(case=case),
        ProblemForm(initial={"on": timezone.localdate()}, prefix="problem"),
    )


@login_required
@require_POST
def review_problem(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = ProblemForm(request.POST, prefix="problem")
    if form.is_valid() and run(
        form, lambda: services.review_problem_record(case, actor=user_of(request), **form.cleaned_data)
    ):
        messages.success(request, "已登记问题，待整改。")
        return redirect("ledgers:review_case", case.pk)
    return _score_page(request, case, ScoreForm(case=case), form, 400)


@login_required
def problem_list(request: HttpRequest) -> HttpResponse:
    form = ProblemFilter(request.GET or None)
    params = cleaned(form)
    params.pop("q", None)
    qs = selectors.problem_list(user_of(request), **params)
    rows = (
        (
            reverse("ledgers:problem_rectify", args=[p.pk]),
            [
                p.case.review.unit.name,
                p.case.petition.number,
                p.item.label if p.item else "",
                p.description,
                p.found_on,
                p.due_on,
                p.get_state_display(),
                p.rectification,
                p.rectified_on,
            ],
        )
        for p in qs
    )
    return list_page(
        request,
        title="评查问题与整改",
        filter_form=form,
        headers=[
            "被评查单位",
            "信访件编号",
            "评查项目",
            "问题",
            "发现日期",
            "整改期限",
            "状态",
            "整改情况",
            "整改完成日期",
        ],
        rows=rows,
        filename="评查问题整改台账",
    )


@login_required
def problem_rectify(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        problem = access.get_scoped(
            ReviewProblem.objects.select_related("case__petition", "case__review__unit"),
            user_of(request),
            pk,
            "case__review__org",
            "case__review__unit",
            label="评查问题",
        )
    except NotFound as error:
        raise Http404(error.message) from error
    form = RectifyForm(request.POST or None, initial={"on": timezone.localdate()})
    if (
        request.method == "POST"
        and form.is_valid()
        and run(
            form,
            lambda: services.review_problem_rectify(problem, actor=user_of(request), **form.cleaned_data),
        )
    ):
        messages.success(request, "已登记整改情况。")
        return redirect("ledgers:problem_list")
    return render(
        request,
        "ledgers/form.html",
        {"title": "登记整改情况", "form": form, "problem": problem, "help": f"问题：{problem.description}"},
    )
