"""督查督办 pages: thin views over the services and selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xinfang.core.errors import Invalid, NotFound, XinfangError
from xinfang.orgs import scope
from xinfang.orgs.models import Org, User

from . import selectors
from .forms import CloseCaseForm, FeedbackForm, IssueForm, NoteForm
from .services import leaders
from .services._common import today
from .services.supervisions import can_answer, letter_docx, supervision_feedback, supervision_issue


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


@login_required
def cases(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    qs = selectors.cases_for(user)
    return render(
        request, "supervision/cases.html", {"cases": qs[:200], "figures": selectors.case_figures(qs)}
    )


@login_required
def case(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = selectors.cases_for(user).filter(pk=pk).first()
    if found is None:
        raise Http404("包案不存在或无权查看。")
    note_form = NoteForm(request.POST if request.POST.get("act") == "note" else None)
    close_form = CloseCaseForm(request.POST if request.POST.get("act") == "close" else None)
    try:
        if request.method == "POST" and note_form.is_bound and note_form.is_valid():
            leaders.case_add_note(found, actor=user, on=today(), text=note_form.cleaned_data["text"])
            return redirect("supervision:case", pk=pk)
        if request.method == "POST" and close_form.is_bound and close_form.is_valid():
            data = close_form.cleaned_data
            leaders.case_close(
                found, actor=user, on=today(), resolved=data["resolved"], outcome=data["outcome"]
            )
            return redirect("supervision:case", pk=pk)
    except XinfangError as exc:
        _fail(note_form if note_form.is_bound else close_form, exc)
    return render(
        request, "supervision/case.html", {"case": found, "note_form": note_form, "close_form": close_form}
    )


@login_required
def schedule(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "supervision/schedule.html",
        {
            "slots": selectors.published_schedule(from_on=today()),
            "receptions": selectors.receptions_for(user)[:50],
        },
    )
