"""督查督办 pages: thin views over the services and selectors."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xinfang.core.errors import Invalid, NotFound, XinfangError
from xinfang.orgs import scope
from xinfang.orgs.models import Org, Role, User

from . import selectors
from .forms import (
    CaseForm,
    CloseCaseForm,
    FeedbackForm,
    IssueForm,
    LiftForm,
    ListingForm,
    NoteForm,
    ReceptionForm,
    SlotForm,
)
from .models import Listing
from .services import leaders
from .services._common import SUPERVISING_ROLES, today
from .services.supervisions import (
    can_answer,
    letter_docx,
    listing_create,
    listing_lift,
    supervision_feedback,
    supervision_issue,
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _fail(form: Form, exc: XinfangError) -> None:
    field = exc.field if isinstance(exc, Invalid) and exc.field in form.fields else None
    form.add_error(field, exc.message)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context: dict[str, Any] = {
        "counts": selectors.alert_counts(user),
        "alerts": list(selectors.alerts_for(user)[:30]),
        "urges": list(selectors.urges_for(user)[:20]),
        "awaiting": list(selectors.supervisions_visible_to(user).filter(feedback_on__isnull=True)[:30]),
        "listings": list(selectors.listings_for(user)[:20]),
        "figures": selectors.case_figures(selectors.cases_for(user)),
        "unread": selectors.notifications_for(user, unread_only=True).count(),
        "today": today(),
    }
    return render(request, "supervision/home.html", context)


@login_required
def alerts(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(request, "supervision/alerts.html", {"alerts": selectors.alerts_for(user)[:200]})


@login_required
def letters(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request, "supervision/letters.html", {"letters": selectors.supervisions_visible_to(user)[:200]}
    )


@login_required
def letter_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    region = (scope.region_org_ids(user.org) if user.org is not None else None) or []
    orgs = Org.objects.filter(pk__in=region).order_by("path")
    petition = None
    pid = request.GET.get("petition") or request.POST.get("petition")
    if pid and pid.isdigit():
        try:
            petition = scope.get_petition_for(user, int(pid))
        except NotFound as exc:
            raise Http404(exc.message) from exc
    form = IssueForm(request.POST or None, orgs=orgs, initial={"petition": petition.pk if petition else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            s = supervision_issue(
                actor=user,
                kind=data["kind"],
                on=today(),
                petition=petition,
                unit=data["unit"],
                to_org=data["to_org"],
                grounds=data["grounds"],
                facts=data["facts"],
                requirement=data["requirement"],
                respond_by=data["respond_by"],
            )
        except XinfangError as exc:
            _fail(form, exc)
        else:
            messages.success(request, f"已发出{s.get_kind_display()}{s.number}。")
            return redirect("supervision:letter", pk=s.pk)
    return render(request, "supervision/letter_new.html", {"form": form, "petition": petition})


@login_required
def letter(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    try:
        s = selectors.supervision_for(user, pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            supervision_feedback(
                s,
                actor=user,
                on=today(),
                feedback=form.cleaned_data["feedback"],
                adoption=form.cleaned_data["adoption"],
            )
        except XinfangError as exc:
            _fail(form, exc)
        else:
            messages.success(request, "书面反馈已记录。")
            return redirect("supervision:letter", pk=s.pk)
    answerable = s.feedback_on is None and can_answer(user, s)
    return render(request, "supervision/letter.html", {"s": s, "form": form, "answerable": answerable})


@login_required
def letter_file(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        s = selectors.supervision_for(_user(request), pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    response = HttpResponse(
        letter_docx(s), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f"attachment; filename=supervision-{s.pk}.docx"
    return response


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request, "supervision/notifications.html", {"items": selectors.notifications_for(user)[:200]}
    )


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponseRedirect:
    from .notifications.services import notification_mark_all_read, notification_mark_read

    user = _user(request)
    pk = request.POST.get("id", "")
    if pk.isdigit():
        notification_mark_read(user, int(pk))
    else:
        notification_mark_all_read(user)
    return redirect("supervision:notifications")


# ---- 领导接访、下访、约访 and 领导包案 (第十八条), 挂牌督办 (第三十九条第三款) ----------------------------


def _region(user: User) -> list[int]:
    if user.org is None:
        return []
    return scope.region_org_ids(user.org) or [user.org.pk]


def _can_arrange(user: User) -> bool:
    """Who sees the forms; the services decide (their guard is the one that counts)."""
    return user.org_id is not None and (user.role in SUPERVISING_ROLES or user.role == Role.CLERK)


def _leaders(user: User) -> Any:
    return (
        User.objects.filter(role=Role.LEADER, is_active=True, org_id__in=_region(user))
        .select_related("org")
        .order_by("org__path", "pk")
    )


_SEPARATORS = re.compile(r"[\s,，、;；]+")


def _petition_ids(user: User, form: Form, field: str) -> list[int] | None:
    """The petitions named by number in `field`, among those the user may see; None after an error.

    A number the user may not see gets the same message as one that does not exist.
    """
    numbers = list(dict.fromkeys(n for n in _SEPARATORS.split(form.cleaned_data.get(field) or "") if n))
    found = dict(scope.petitions_visible_to(user).filter(number__in=numbers).values_list("number", "pk"))
    missing = [n for n in numbers if n not in found]
    if missing:
        form.add_error(field, f"未找到信访件：{'、'.join(missing)}。")
        return None
    return [found[n] for n in numbers]


@login_required
def schedule(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "supervision/schedule.html",
        {
            "slots": selectors.published_schedule(from_on=today()),
            "can_arrange": _can_arrange(user),
        },
    )


@login_required
def slot_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = SlotForm(request.POST or None, leaders=_leaders(user), initial={"on": today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            slot = leaders.slot_publish(
                actor=user,
                leader=data["leader"],
                on=data["on"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                place=data["place"],
                topics=data["topics"],
                leader_title=data["leader_title"],
                kind=data["kind"],
            )
        except XinfangError as exc:
            _fail(form, exc)
        else:
            messages.success(request, f"已公布{slot.on:%Y-%m-%d}{slot.leader}的接访安排。")
            return redirect("supervision:schedule")
    return render(request, "supervision/slot_new.html", {"form": form})


@login_required
def receptions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    qs = selectors.receptions_for(user)
    totals = qs.order_by().aggregate(batches=Sum("batches"), persons=Sum("persons"), accepted=Sum("accepted"))
    return render(
        request,
        "supervision/receptions.html",
        {"receptions": qs[:200], "totals": totals, "can_arrange": _can_arrange(user)},
    )


@login_required
def reception_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = ReceptionForm(request.POST or None, leaders=_leaders(user), initial={"on": today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ids = _petition_ids(user, form, "petitions")
        if ids is not None:
            try:
                record = leaders.reception_record(
                    actor=user,
                    kind=data["kind"],
                    leader=data["leader"],
                    on=data["on"],
                    place=data["place"],
                    petition_ids=ids,
                    batches=data["batches"],
                    persons=data["persons"],
                    accepted=data["accepted"],
                    notes=data["notes"],
                )
            except XinfangError as exc:
                _fail(form, exc)
            else:
                messages.success(
                    request,
                    f"已记录{record.get_kind_display()}：批次{record.batches}，人次{record.persons}，"
                    f"受理{record.accepted}件。",
                )
                return redirect("supervision:receptions")
    return render(request, "supervision/reception_new.html", {"form": form})


@login_required
def cases(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    qs = selectors.cases_for(user)
    return render(
        request,
        "supervision/cases.html",
        {"cases": qs[:200], "figures": selectors.case_figures(qs), "can_arrange": _can_arrange(user)},
    )


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = CaseForm(request.POST or None, leaders=_leaders(user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ids = _petition_ids(user, form, "petitions")
        if ids is not None:
            try:
                found = leaders.case_assign(
                    actor=user,
                    leader=data["leader"],
                    petition_ids=ids,
                    title=data["title"],
                    on=today(),
                    target_on=data["target_on"],
                )
            except XinfangError as exc:
                _fail(form, exc)
            else:
                messages.success(request, f"已由{found.leader}包案。")
                return redirect("supervision:case", pk=found.pk)
    return render(request, "supervision/case_new.html", {"form": form})


@login_required
def case(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = selectors.cases_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404("包案不存在或无权查看。")
    act = request.POST.get("act") if request.method == "POST" else None
    note_form = NoteForm(request.POST if act == "note" else None)
    close_form = CloseCaseForm(request.POST if act == "close" else None)
    bound = note_form if act == "note" else close_form
    try:
        if act == "note" and note_form.is_valid():
            leaders.case_add_note(found, actor=user, on=today(), text=note_form.cleaned_data["text"])
            messages.success(request, "进展已记录。")
            return redirect("supervision:case", pk=pk)
        if act == "close" and close_form.is_valid():
            data = close_form.cleaned_data
            closed = leaders.case_close(
                found, actor=user, on=today(), resolved=data["resolved"], outcome=data["outcome"]
            )
            messages.success(request, f"包案已结案：{closed.get_status_display()}。")
            return redirect("supervision:case", pk=pk)
    except XinfangError as exc:
        _fail(bound, exc)
    return render(
        request, "supervision/case.html", {"case": found, "note_form": note_form, "close_form": close_form}
    )


@login_required
def listings(request: HttpRequest) -> HttpResponse:
    """挂牌督办: the open listings of the region, a form to list a petition and one to lift each."""
    user = _user(request)
    act = request.POST.get("act") if request.method == "POST" else None
    form = ListingForm(
        request.POST if act == "set" else None, initial={"petition": request.GET.get("petition")}
    )
    lift_forms: dict[int, LiftForm] = {}
    if act == "set" and form.is_valid():
        data = form.cleaned_data
        ids = _petition_ids(user, form, "petition")
        if ids is not None and len(ids) != 1:
            form.add_error("petition", "请填写一个信访件编号。")
        elif ids is not None:
            try:
                listing = listing_create(
                    ids[0], actor=user, on=today(), deadline=data["deadline"], reason=data["reason"]
                )
            except XinfangError as exc:
                _fail(form, exc)
            else:
                messages.success(request, f"已挂牌督办{listing.petition.number}。")
                return redirect("supervision:listings")
    if act == "lift":
        pk = request.POST.get("id", "")
        target = selectors.listings_for(user).filter(pk=int(pk)).first() if pk.isdigit() else None
        if target is None:
            raise Http404("挂牌记录不存在或无权查看。")
        lift = LiftForm(request.POST, prefix=f"l{target.pk}")
        lift_forms[target.pk] = lift
        if lift.is_valid():
            try:
                listing_lift(target, actor=user, on=today(), note=lift.cleaned_data["note"])
            except XinfangError as exc:
                _fail(lift, exc)
            else:
                messages.success(request, f"已摘牌：{target.petition.number}。")
                return redirect("supervision:listings")
    rows: list[tuple[Listing, LiftForm]] = [
        (item, lift_forms.get(item.pk) or LiftForm(prefix=f"l{item.pk}"))
        for item in selectors.listings_for(user)[:200]
    ]
    lifted = selectors.listings_for(user, open_only=False).filter(lifted_on__isnull=False)[:50]
    return render(
        request,
        "supervision/listings.html",
        {"form": form, "rows": rows, "lifted": lifted, "today": today()},
    )
