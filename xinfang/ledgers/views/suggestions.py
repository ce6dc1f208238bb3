"""人民建议征集 pages: the staff view of suggestions and the public list of adopted ones."""

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
    AdoptionForm,
    ConsentForm,
    RewardForm,
    StudyForm,
    SuggestionFilter,
    org_field,
)
from xinfang.ledgers.models import SuggestionRecord
from xinfang.ledgers.services.suggestions import adoption_outcome
from xinfang.ledgers.views._common import cleaned, list_page, run, user_of
from xinfang.orgs import scope
from xinfang.petitions import services as petition_services
from xinfang.petitions.models import DeliveryMethod, Kind, Outcome, Petition
from xinfang.petitions.transitions import available_actions


@login_required
def suggestion_list(request: HttpRequest) -> HttpResponse:
    form = SuggestionFilter(request.GET or None)
    qs = selectors.suggestion_list(user_of(request), **cleaned(form))
    rows = (
        (
            reverse("ledgers:suggestion_detail", args=[p.pk]),
            [
                p.number,
                p.subject,
                p.received_on,
                p.registered_org.name,
                p.get_state_display(),
                Outcome(adoption).label if (adoption := getattr(p, "adoption", None)) else "待答复",
                "是" if getattr(p, "rewarded", False) else "否",
            ],
        )
        for p in qs
    )
    return list_page(
        request,
        title="人民建议征集",
        filter_form=form,
        headers=["信访件编号", "建议", "收到日期", "登记单位", "办理状态", "采纳情况", "已奖励"],
        rows=rows,
        filename="人民建议征集台账",
        extra_links=[(reverse("ledgers:public_suggestions"), "公开的采纳建议")],
    )


class UnitsForm(forms.Form):
    action_taken = forms.CharField(label="落实情况", widget=forms.Textarea)

    def __init__(self, *args: Any, org_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = org_field(org_ids, "采纳落实单位", required=True)
        self.fields["units"] = forms.ModelMultipleChoiceField(
            label="采纳落实单位", queryset=field.queryset, widget=forms.CheckboxSelectMultiple
        )
        self.order_fields(["units", "action_taken"])


class DeliverForm(forms.Form):
    method = forms.ChoiceField(label="送达方式", choices=DeliveryMethod.choices)
    on = forms.DateField(label="送达日期", widget=DATE)


def _petition(request: HttpRequest, pk: int) -> Petition:
    try:
        petition = scope.get_petition_for(user_of(request), pk)
    except NotFound as error:
        raise Http404(error.message) from error
    if petition.kind != Kind.SUGGESTION:
        raise Http404("该信访件不是建议意见类事项。")
    return petition


def _detail(
    request: HttpRequest, petition: Petition, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    user = user_of(request)
    today = timezone.localdate()
    record = SuggestionRecord.objects.filter(petition=petition).first()
    org_ids = access.visible_org_ids(user)
    forms_: dict[str, forms.Form] = {
        "adopt": AdoptionForm(initial={"on": today}, prefix="adopt"),
        "deliver": DeliverForm(initial={"on": today}, prefix="deliver"),
        "study": StudyForm(initial={"on": today, "study": record.study if record else ""}, prefix="study"),
        "units": UnitsForm(
            org_ids=org_ids, initial={"action_taken": record.action_taken if record else ""}, prefix="units"
        ),
        "consent": ConsentForm(
            initial={
                "on": today,
                "consent": record.publish_consent if record else False,
                "public_summary": record.public_summary if record else "",
            },
            prefix="consent",
        ),
        "reward": RewardForm(initial={"on": today}, prefix="reward"),
        **(bound or {}),
    }
    decided = (
        petition.stages.filter(decided_on__isnull=False, outcome__in=selectors.ADOPTION_OUTCOMES)
        .order_by("-decided_on", "-id")
        .first()
    )
    actions = available_actions(petition, user, today)
    return render(
        request,
        "ledgers/suggestion_detail.html",
        {
            "p": petition,
            "record": record,
            "forms": forms_,
            "decided": decided,
            "outcome": adoption_outcome(petition),
            "adopted": adoption_outcome(petition) in (Outcome.ADOPTED, Outcome.PARTLY_ADOPTED),
            "can_decide": "decide" in actions,
            "can_deliver": "deliver" in actions,
            "units": record.acting_units.all() if record else [],
            "rewards": record.rewards.select_related("org") if record else [],
        },
        status=400 if bound else 200,
    )


@login_required
def suggestion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _petition(request, pk))


@login_required
@require_POST
def suggestion_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    """采纳 / 部分采纳 / 未采纳 with the reply: the petition's own `decide` (第二十九条)."""
    petition = _petition(request, pk)
    form = AdoptionForm(request.POST, prefix="adopt")
    if form.is_valid() and run(
        form,
        lambda: petition_services.petition_decide(petition.pk, actor=user_of(request), **form.cleaned_data),
    ):
        messages.success(request, f"已作出答复：{Outcome(form.cleaned_data['outcome']).label}。")
        return redirect("ledgers:suggestion_detail", pk)
    return _detail(request, petition, {"adopt": form})


@login_required
@require_POST
def suggestion_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    petition = _petition(request, pk)
    form = DeliverForm(request.POST, prefix="deliver")
    if form.is_valid() and run(
        form,
        lambda: petition_services.petition_deliver(petition.pk, actor=user_of(request), **form.cleaned_data),
    ):
        messages.success(request, "已登记送达。")
        return redirect("ledgers:suggestion_detail", pk)
    return _detail(request, petition, {"deliver": form})


def _post(request: HttpRequest, pk: int, name: str, form: forms.Form, call: Any, done: str) -> HttpResponse:
    petition = _petition(request, pk)
    if form.is_valid() and run(form, lambda: call(petition.pk, actor=user_of(request), **form.cleaned_data)):
        messages.success(request, done)
        return redirect("ledgers:suggestion_detail", pk)
    return _detail(request, petition, {name: form})


@login_required
@require_POST
def suggestion_study(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        "study",
        StudyForm(request.POST, prefix="study"),
        services.suggestion_study,
        "已登记研究论证情况。",
    )


@login_required
@require_POST
def suggestion_units(request: HttpRequest, pk: int) -> HttpResponse:
    form = UnitsForm(request.POST, org_ids=access.visible_org_ids(user_of(request)), prefix="units")

    def call(petition_id: int, *, actor: Any, units: Any, action_taken: str) -> Any:
        return services.suggestion_set_units(
            petition_id, actor=actor, unit_ids=[u.pk for u in units], action_taken=action_taken
        )

    return _post(request, pk, "units", form, call, "已登记落实单位。")


@login_required
@require_POST
def suggestion_consent(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        "consent",
        ConsentForm(request.POST, prefix="consent"),
        services.suggestion_consent,
        "已登记公开意愿。",
    )


@login_required
@require_POST
def suggestion_reward(request: HttpRequest, pk: int) -> HttpResponse:
    return _post(
        request,
        pk,
        "reward",
        RewardForm(request.POST, prefix="reward"),
        services.suggestion_reward,
        "已登记奖励。",
    )


def public_suggestions(request: HttpRequest) -> HttpResponse:
    """Public, no login: adopted suggestions whose petitioner agreed to publish them."""
    return render(request, "ledgers/public_suggestions.html", {"items": selectors.public_suggestions()})
