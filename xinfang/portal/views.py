"""Public pages of the portal (阳光信访): thin views over the portal and petition services.

Every page works without JavaScript. Access to one petition's pages comes only from the tracking
session (查询码 + phone digits, xinfang.portal.tracking); staff pages (receipt, attachments) need a login
and go through xinfang.orgs.scope.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from xinfang.core.errors import Invalid, NotFound, XinfangError
from xinfang.documents.render import Rendered, render_docx
from xinfang.orgs import scope
from xinfang.orgs.models import User
from xinfang.petitions import services as petition_services
from xinfang.petitions.models import Document, Petition, PetitionerKind
from xinfang.portal import limits, selectors, tracking
from xinfang.portal.forms import AppealForm, RatingForm, SubmissionForm, TrackForm, UrgeForm
from xinfang.portal.models import Attachment
from xinfang.portal.services import attachment_path, portal_submit

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _form_error(form: forms.Form, exc: XinfangError) -> None:
    """Put a service error next to its field (petitioners[0].phone → phone) or above the form."""
    name = (exc.field or "").split(".")[-1] if isinstance(exc, Invalid) else ""
    form.add_error(name if name in form.fields else None, exc.message)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@never_cache
def submit(request: HttpRequest) -> HttpResponse:
    form = SubmissionForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            person = petition_services.PetitionerInput(
                name=data["name"],
                kind=data["petitioner_kind"],
                id_number=data["id_number"],
                phone=data["phone"],
                address=data["address"],
            )
            submission = petition_services.PetitionInput(
                channel="online",
                received_on=timezone.localdate(),
                subject=data["subject"],
                content=data["content"],
                request=data["request"],
                kind=data["kind"],
                route=data["route"],
                region=data["region"],
                place=data["place"],
                org=data["org"],
                petitioners=[person],
            )
            try:
                limits.check_submission(limits.client_ip(request))
                petition = portal_submit(submission, data["attachments"])
            except XinfangError as exc:
                _form_error(form, exc)
                status = exc.status if isinstance(exc, limits.RateLimited) else 422
            else:
                tracking.grant(request, petition)
                request.session["portal_submitted"] = petition.pk
                return redirect("portal:submitted")
    return render(
        request,
        "portal/submit.html",
        {"form": form, "organisation": PetitionerKind.ORGANISATION},
        status=status,
    )


@never_cache
def submitted(request: HttpRequest) -> HttpResponse:
    petition = Petition.objects.filter(pk=request.session.get("portal_submitted") or 0).first()
    if petition is None:
        return redirect("portal:track")
    return render(request, "portal/submitted.html", {"petition": petition})


@never_cache
def track(request: HttpRequest) -> HttpResponse:
    ip = limits.client_ip(request)
    form = TrackForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            petition = tracking.track_lookup(
                ip, data["code"], data["phone_tail"], captcha_key=data["captcha_key"], captcha=data["captcha"]
            )
        except XinfangError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            tracking.grant(request, petition)
            return redirect("portal:petition", number=petition.number)
    elif request.method == "POST":
        status = 422
    code = str(form.data.get("code", "")) if form.is_bound else ""
    captcha_key = limits.captcha_new() if limits.needs_captcha(ip, code) else ""
    return render(request, "portal/track.html", {"form": form, "captcha_key": captcha_key}, status=status)


def captcha_image(request: HttpRequest, key: str) -> HttpResponse:
    png = limits.captcha_png(key)
    if png is None:
        raise Http404("验证码已过期，请刷新页面。")
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "no-store"
    return response


def _tracked(request: HttpRequest, number: str) -> Petition:
    try:
        return tracking.granted(request, number)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _petition_page(
    request: HttpRequest, petition: Petition, status: int = 200, **forms_: Any
) -> HttpResponse:
    view = selectors.public_view(petition)
    context: dict[str, Any] = {"view": view, "petition": petition}
    # A form that was just posted is shown again with its errors, even if the act is no longer possible.
    if view.appeal is not None and view.appeal.is_open:
        context["appeal_form"] = AppealForm(bodies=[(o.code, o.name) for o in view.appeal.bodies])
    if view.rate_target is not None:
        context["rating_form"] = RatingForm()
    if view.urgeable and not view.urged_today:
        context["urge_form"] = UrgeForm()
    context.update(forms_)
    return render(request, "portal/petition.html", context, status=status)


@never_cache
def petition_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _petition_page(request, _tracked(request, number))


@never_cache
@require_POST
def appeal(request: HttpRequest, number: str) -> HttpResponse:
    """请求复查/复核 online within 30 days of receiving the written answer (第三十五、三十六条)."""
    petition = _tracked(request, number)
    window, _ = selectors.appeal_for(petition, timezone.localdate())
    if window is None or not window.is_open:
        messages.error(request, window.explain if window else "该事项目前不能请求复查或复核。")
        return redirect("portal:petition", number=number)
    form = AppealForm(request.POST, bodies=[(o.code, o.name) for o in window.bodies])
    if form.is_valid():
        act = (
            petition_services.petition_request_review
            if window.kind == "review"
            else petition_services.petition_request_reexamination
        )
        try:
            act(
                petition.pk,
                actor=None,
                on=timezone.localdate(),
                to_org=form.cleaned_data["to_org"],
                reason=form.cleaned_data["reason"],
            )
        except XinfangError as exc:
            _form_error(form, exc)
        else:
            body = dict(form.fields["to_org"].choices).get(form.cleaned_data["to_org"], "")  # type: ignore[attr-defined]
            messages.success(request, f"{window.label}请求已提交，{body}应当自收到请求之日起30日内书面答复。")
            return redirect("portal:petition", number=number)
    return _petition_page(request, petition, status=422, appeal_form=form)


@never_cache
@require_POST
def rate(request: HttpRequest, number: str) -> HttpResponse:
    """满意度评价, once per written answer (第二十一条第二款: 方便信访人……评价信访事项办理情况)."""
    petition = _tracked(request, number)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            petition_services.petition_rate(
                petition.pk,
                actor=None,
                on=timezone.localdate(),
                satisfaction=form.cleaned_data["satisfaction"],
                comment=form.cleaned_data["comment"],
            )
        except XinfangError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "感谢您的评价。")
            return redirect("portal:petition", number=number)
    return _petition_page(request, petition, status=422, rating_form=form)


@never_cache
@require_POST
def urge(request: HttpRequest, number: str) -> HttpResponse:
    """催办 an overdue step: it reaches the holding unit's queue and the supervisors' view."""
    petition = _tracked(request, number)
    form = UrgeForm(request.POST)
    if form.is_valid():
        try:
            petition_services.petition_urge(
                petition.pk, actor=None, on=timezone.localdate(), text=form.cleaned_data["text"]
            )
        except XinfangError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "已催办，办理单位和督查部门会看到您的催办。")
            return redirect("portal:petition", number=number)
    return _petition_page(request, petition, status=422, urge_form=form)


@require_POST
def leave(request: HttpRequest, number: str) -> HttpResponse:
    petition = _tracked(request, number)
    tracking.revoke(request, petition)
    messages.success(request, "已退出查询。")
    return redirect("portal:track")


def _notice(request: HttpRequest, number: str, document_id: int) -> Document:
    petition = _tracked(request, number)
    try:
        return selectors.public_document(petition, document_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@never_cache
def notice_txt(request: HttpRequest, number: str, document_id: int) -> HttpResponse:
    doc = _notice(request, number, document_id)
    response = HttpResponse(doc.text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{doc.number}.txt"'
    return response


def docx_response(doc: Document) -> HttpResponse:
    payload = render_docx(
        Rendered(kind=doc.kind, title=doc.title, text=doc.text),
        issuing_org=doc.issuing_org.name,
        doc_number=doc.number,
    )
    response = HttpResponse(payload, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{doc.number}.docx"'
    return response


@never_cache
def notice_docx(request: HttpRequest, number: str, document_id: int) -> HttpResponse:
    return docx_response(_notice(request, number, document_id))


def _file(attachment: Attachment) -> HttpResponseBase:
    path = attachment_path(attachment)
    if not path.exists():
        raise Http404("附件文件已不存在。")
    response = FileResponse(
        path.open("rb"),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
def attachment_public(request: HttpRequest, number: str, attachment_id: int) -> HttpResponseBase:
    petition = _tracked(request, number)
    try:
        return _file(selectors.attachment_for_petitioner(petition, attachment_id))
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
def attachment_staff(request: HttpRequest, attachment_id: int) -> HttpResponseBase:
    try:
        return _file(selectors.attachment_for_staff(_staff(request), attachment_id))
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def receipt(request: HttpRequest, petition_id: int) -> HttpResponse:
    """登记回执 for a letter, visit or call registered by staff: number, 查询码 and how to track."""
    try:
        petition = scope.get_petition_for(_staff(request), petition_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    has_phone = any(petition.petitioners.values_list("phone_tail", flat=True))
    return render(
        request,
        "portal/receipt.html",
        {
            "petition": petition,
            "has_phone": has_phone,
            "track_url": request.build_absolute_uri(reverse("portal:track")),
            "attachments": selectors.attachments_of(petition),
        },
    )
