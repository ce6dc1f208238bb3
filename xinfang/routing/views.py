"""矛盾隐患预警 pages: thin views over the routing selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from xinfang.core.errors import Forbidden, Invalid, NotFound, XinfangError
from xinfang.orgs.models import User
from xinfang.routing import selectors, services
from xinfang.routing.forms import DismissForm, EscalateForm
from xinfang.routing.models import HotspotAlert, HotspotStatus

STATUS_TABS = [
    (HotspotStatus.OPEN.value, "待研判"),
    (HotspotStatus.ESCALATED.value, "已升级处置"),
    (HotspotStatus.DISMISSED.value, "已排除"),
    ("all", "全部"),
]


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _fail(form: Form, exc: XinfangError) -> None:
    field = exc.field if isinstance(exc, Invalid) and exc.field in form.fields else None
    form.add_error(field, exc.message)


def _decide(request: HttpRequest, user: User) -> tuple[int, str, Form] | HttpResponse:
    """Dismiss or escalate one alert; a redirect on success, else the bound form with its errors."""
    act, pk = request.POST.get("act", ""), request.POST.get("id", "")
    if act not in ("dismiss", "escalate") or not pk.isdigit():
        raise Http404("没有这个处置方式。")
    try:
        alert = selectors.get_hotspot_for(user, int(pk))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form: Form = (DismissForm if act == "dismiss" else EscalateForm)(
        request.POST, prefix=_prefix(act, alert.pk)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            if act == "dismiss":
                services.hotspot_dismiss(alert, actor=user, note=data["note"])
            else:
                services.hotspot_escalate(alert, actor=user, to=data["to"], note=data["note"])
        except Forbidden as exc:  # the role may not decide: nothing on the page to correct
            raise PermissionDenied(exc.message) from exc
        except Invalid as exc:
            _fail(form, exc)
        except XinfangError as exc:  # e.g. decided meanwhile by someone else: show it where it now is
            messages.error(request, exc.message)
            alert.refresh_from_db()
            return redirect(_anchor(alert))
        else:
            alert.refresh_from_db()
            done = "已排除" if act == "dismiss" else f"已升级处置（{alert.get_escalated_to_display()}）"
            messages.success(request, f"预警“{alert.title}”{done}。")
            return redirect(_anchor(alert))
    return alert.pk, act, form


def _prefix(act: str, pk: int) -> str:
    """Each form of each card has its own field names (and so its own element ids)."""
    return f"{act}-{pk}"


def _anchor(alert: HotspotAlert) -> str:
    return f"{reverse('routing:hotspots')}?status={alert.status}#hotspot-{alert.pk}"


@login_required
def hotspots(request: HttpRequest) -> HttpResponse:
    """The groups of recent petitions alike in content and place, with what was decided on each."""
    user = _user(request)
    status = request.GET.get("status", HotspotStatus.OPEN)
    if status not in dict(STATUS_TABS):
        status = HotspotStatus.OPEN
    failed: tuple[int, str, Form] | None = None
    if request.method == "POST":
        outcome = _decide(request, user)
        if isinstance(outcome, HttpResponse):
            return outcome
        failed = outcome
        status = HotspotStatus.OPEN
    cards: list[dict[str, Any]] = []
    for row in selectors.hotspot_rows(user, status=None if status == "all" else status):
        pk = row.alert.pk
        forms: dict[str, Form] = {
            "dismiss": DismissForm(prefix=_prefix("dismiss", pk)),
            "escalate": EscalateForm(prefix=_prefix("escalate", pk)),
        }
        if failed is not None and failed[0] == pk:
            forms[failed[1]] = failed[2]
        # The follow-up forms of the other sections, filled in with this group (领导包案 takes numbers).
        case_query = urlencode(
            {"title": row.alert.title, "petitions": "、".join(p.number for p in row.petitions)}
        )
        cards.append(
            {
                "row": row,
                "forms": forms,
                "open_form": failed[1] if failed is not None and failed[0] == pk else "",
                "case_link": f"{reverse('supervision:case_new')}?{case_query}",
            }
        )
    return render(
        request,
        "routing/hotspots.html",
        {
            "cards": cards,
            "status": status,
            "tabs": STATUS_TABS,
            "can_decide": user.role in services.DECIDING_ROLES,
            "open_count": selectors.open_hotspot_count(user),
        },
    )
