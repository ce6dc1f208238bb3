"""Staff workbench pages: thin views over the petition services and the selectors.

Access: every petition is fetched through `scope.get_petition_for` (404 for "not visible"); every
state change goes through a petition service (via `actions.run_action` for the one action form);
what may be done now comes from `transitions.available_actions`.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.exceptions import ValidationError as ApiValidationError

from xinfang.core.errors import Forbidden, IllegalTransition, Invalid, NotFound, XinfangError
from xinfang.core.identity import mask_id_number, mask_phone
from xinfang.core.models import PersonalDataAccess
from xinfang.documents.render import Rendered, render_docx
from xinfang.orgs import scope
from xinfang.orgs.models import Org, Role, User
from xinfang.petitions import services
from xinfang.petitions.actions import ACTIONS, run_action
from xinfang.petitions.models import Document, Petition, Petitioner, StageKind
from xinfang.petitions.selectors import today
from xinfang.petitions.transitions import available_actions
from xinfang.web import fragments, selectors
from xinfang.web.forms import (
    ActionForm,
    BatchTransferForm,
    FilterForm,
    PetitionerFormSet,
    RegisterForm,
    filled,
)
from xinfang.web.models import Attachment, IntakeRecord

EVENT_LABELS = {name: spec.label for name, spec in ACTIONS.items()} | {
    "register": "登记",
    "submit": "网上提交",
    "object_decide": "异议核实",
}
DASHBOARD_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN})


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _petition(user: User, petition_id: int) -> Petition:
    try:
        return scope.get_petition_for(user, petition_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


# --- queues and search ---------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The user's own work: one tab per queue, days left marked 临期/超期, filters, keyset paging."""
    user = _user(request)
    tiles = selectors.queue_tiles(user)
    queue = request.GET.get("queue") or next((t.key for t in tiles if t.count), "triage")
    if queue not in selectors.QUEUES:
        queue = "triage"
    filters, filters_html = fragments.filters_html(user, request.GET, selectors.QUEUES[queue])
    sort = request.GET.get("sort") or "due"
    page = selectors.queue_page(user, queue, filters, sort=sort, cursor=request.GET.get("cursor") or None)
    params = request.GET.copy()
    params.pop("cursor", None)
    return render(
        request,
        "web/home.html",
        {
            "tiles": tiles,
            "queue": selectors.QUEUES[queue],
            "filters_html": filters_html,
            "page": page,
            "params": params.urlencode(),
            "urges": selectors.urges_received(user),
            "batch_html": fragments.batch_html(user, today()) if queue == "triage" and page.rows else None,
            "near_days": settings.XINFANG_NEAR_DUE_DAYS,
        },
    )


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = FilterForm(request.GET or None, user=user)
    page = None
    if request.GET:
        page = selectors.search_page(
            user,
            form.filters(),
            sort=request.GET.get("sort") or "-received",
            cursor=request.GET.get("cursor") or None,
        )
    params = request.GET.copy()
    params.pop("cursor", None)
    return render(request, "web/search.html", {"form": form, "page": page, "params": params.urlencode()})


# --- registration --------------------------------------------------------------------------------


def _rows_data(post: QueryDict, add: int = 0) -> QueryDict:
    data = post.copy()
    total = int(data.get("p-TOTAL_FORMS") or 1)
    data["p-TOTAL_FORMS"] = str(total + add)
    return data


def _rows_initial(data: QueryDict) -> list[dict[str, Any]]:
    total = min(int(data.get("p-TOTAL_FORMS") or 1), 200)
    fields = ("name", "kind", "id_number", "phone", "address")
    rows = [{f: data.get(f"p-{i}-{f}", "") for f in fields} for i in range(total)]
    for i, row in enumerate(rows):
        row["is_representative"] = "on" if data.get(f"p-{i}-is_representative") else ""
    return rows


def _fill_row(data: QueryDict, person: Petitioner) -> QueryDict:
    total = int(data.get("p-TOTAL_FORMS") or 1)
    index = next(
        (
            i
            for i in range(total)
            if not (data.get(f"p-{i}-name") or data.get(f"p-{i}-id_number") or data.get(f"p-{i}-phone"))
        ),
        total,
    )
    if index == total:
        data["p-TOTAL_FORMS"] = str(total + 1)
    data[f"p-{index}-name"] = person.name
    data[f"p-{index}-kind"] = person.kind
    data[f"p-{index}-id_number"] = person.id_number or ""
    data[f"p-{index}-phone"] = person.phone or ""
    data[f"p-{index}-address"] = person.address
    return data


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """登记: one form for every channel; the service validates, its errors land next to the field."""
    user = _user(request)
    if user.role not in scope.ACTING_ROLES:
        raise PermissionDenied("您的角色不能登记信访事项。")
    candidates: list[dict[str, Any]] = []
    petitioner_error = ""
    if request.method != "POST":
        channel = request.GET.get("channel") or "letter"
        form = RegisterForm(user=user, initial={"channel": channel, "received_on": today(), "headcount": 1})
        formset = PetitionerFormSet(prefix="p", initial=[{}, {}])
        return _register_page(request, form, formset, candidates, petitioner_error)

    data: QueryDict = request.POST
    if "add_row" in data:
        data = _rows_data(data, add=1)
    elif "use" in data:
        use = str(data.get("use") or "")
        person = Petitioner.objects.filter(
            pk=int(use) if use.isdigit() else 0,
            petition__in=scope.petitions_visible_to(user),
        ).first()
        if person is not None:
            PersonalDataAccess.objects.create(
                user=user, petitioner=person, fields="id_number,phone", purpose="register_pick"
            )
            data = _fill_row(data.copy(), person)
    form = RegisterForm(data, request.FILES, user=user)
    formset = PetitionerFormSet(data, prefix="p")
    if "lookup" in data:
        term = (data.get("lookup_term") or "").strip()
        for person in selectors.earlier_petitioners(user, term):
            candidates.append(
                {
                    "id": person.pk,
                    "name": person.name,
                    "id_number": mask_id_number(person.id_number or ""),
                    "phone": mask_phone(person.phone or ""),
                    "petition": person.petition,
                }
            )
        if not candidates:
            messages.info(request, "没有找到证件号码或电话相同的以往信访人。")
    if "add_row" in data or "use" in data or "lookup" in data:
        # Not a submission: show what was typed without complaining about fields not yet filled.
        form = RegisterForm(user=user, initial=data.dict())
        formset = PetitionerFormSet(prefix="p", initial=_rows_initial(data))
        return _register_page(request, form, formset, candidates, petitioner_error)

    form_ok, set_ok = form.is_valid(), formset.is_valid()
    rows = [f for f in formset.forms if set_ok and filled(f)]
    if set_ok and not rows:
        petitioner_error = "至少登记一名信访人。"
    if not (form_ok and set_ok and rows):
        return _register_page(request, form, formset, candidates, petitioner_error, status=422)
    d = form.cleaned_data
    people = [
        services.PetitionerInput(
            name=r.cleaned_data["name"],
            kind=r.cleaned_data["kind"],
            id_number=r.cleaned_data["id_number"],
            phone=r.cleaned_data["phone"],
            address=r.cleaned_data["address"],
            is_representative=r.cleaned_data["is_representative"],
        )
        for r in rows
    ]
    petition_input = services.PetitionInput(
        channel=d["channel"],
        received_on=d["received_on"],
        subject=d["subject"],
        content=d["content"],
        request=d["request"],
        kind=d["kind"],
        route=d["route"],
        category=d["category"],
        region=d["region"],
        place=d["place"],
        accused_org=d["accused_org"],
        headcount=d["headcount"],
        petitioners=people,
        extra=form.details(),
    )
    try:
        petition = services.petition_register(petition_input, actor=user)
    except Invalid as exc:
        field = exc.field or ""
        if field.startswith("petitioners[") and "]." in field:
            index_text, name = field[len("petitioners[") :].split("].", 1)
            index = int(index_text) if index_text.isdigit() else 0
            target = rows[index] if index < len(rows) else rows[0]
            target.add_error(name if name in target.fields else None, exc.message)
        elif field == "petitioners":
            petitioner_error = exc.message
        elif field in form.fields:
            form.add_error(field, exc.message)
        else:
            form.add_error(None, exc.message)
        return _register_page(request, form, formset, candidates, petitioner_error, status=422)
    except XinfangError as exc:
        form.add_error(None, exc.message)
        return _register_page(request, form, formset, candidates, petitioner_error, status=422)
    _save_intake(petition, user, form)
    messages.success(request, f"已登记，信访件编号 {petition.number}，查询码 {petition.query_code}。")
    return redirect("web:petition", petition_id=petition.pk)


def _save_intake(petition: Petition, user: User, form: RegisterForm) -> None:
    """Channel details and scanned pages, after the petition exists (the service is its own durable
    transaction). The files were checked by the form, so this rarely fails."""
    with transaction.atomic():
        IntakeRecord.objects.create(petition=petition, details=form.details())
        if form.cleaned_data["channel"] == "letter":
            for f in form.cleaned_data.get("attachments") or []:
                Attachment.objects.create(
                    petition=petition,
                    name=f.name[:200],
                    content_type=getattr(f, "detected_type", "application/octet-stream"),
                    size=f.size,
                    data=f.read(),
                    uploaded_by=user,
                )


def _register_page(
    request: HttpRequest,
    form: RegisterForm,
    formset: Any,
    candidates: list[dict[str, Any]],
    petitioner_error: str,
    *,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "web/register.html",
        {
            "form": form,
            "formset": formset,
            "candidates": candidates,
            "petitioner_error": petitioner_error,
            "channel_fields": RegisterForm.CHANNEL_FIELDS,
            "channel_fields_json": json.dumps(RegisterForm.CHANNEL_FIELDS),
            "lookup_term": request.POST.get("lookup_term", ""),
        },
        status=status,
    )


@login_required
@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """htmx fragment while typing: earlier petitions of the same petitioner, routing hints (seam)."""
    user = _user(request)
    get = request.GET
    total = min(int(get.get("p-TOTAL_FORMS") or 0) if (get.get("p-TOTAL_FORMS") or "").isdigit() else 0, 50)
    ids = [get.get(f"p-{i}-id_number", "") for i in range(total)]
    phones = [get.get(f"p-{i}-phone", "") for i in range(total)]
    found = selectors.intake_suggestions(
        user,
        subject=get.get("subject", ""),
        content=get.get("content", ""),
        id_numbers=[i for i in ids if i],
        phones=[p for p in phones if p],
    )
    return render(request, "web/_suggest.html", {"found": found})


# --- the petition page ---------------------------------------------------------------------------


def _org_choices(action: str, petition: Petition, user: User) -> list[Org] | None:
    if action in ("transfer", "assign"):
        return selectors.transfer_targets(user)
    if action == "refer":
        return selectors.refer_targets(user)
    if action in ("request_review", "request_reexamination"):
        return selectors.review_targets(petition)
    return None


def _action_forms(
    petition: Petition, user: User, page: selectors.PetitionPage, bound: ActionForm | None = None
) -> list[ActionForm]:
    acting = scope.acting_org_ids(user)
    deciding = next(
        (
            r.stage.kind
            for r in page.stages
            if r.stage.closed_on is None
            and r.stage.org_id in acting
            and r.stage.kind in (StageKind.HANDLING, StageKind.REVIEW, StageKind.REEXAMINATION)
        ),
        None,
    )
    related = [(str(s.petition.pk), f"{s.petition.number} {s.petition.subject}") for s in page.similar]
    forms = []
    # The page's petition was read through get_petition_for(user, …), and its stages are on the page.
    names = available_actions(petition, user, today(), stages=[r.stage for r in page.stages], visible=True)
    if bound is not None and bound.action not in names:
        forms.append(bound)  # no longer legal (someone acted first): keep it to show why
    for name in names:
        if bound is not None and bound.action == name:
            forms.append(bound)
            continue
        forms.append(
            ActionForm(
                name,
                petition=petition,
                org_choices=_org_choices(name, petition, user),
                stage_kind=deciding,
                related=related,
            )
        )
    return forms


def _detail(
    request: HttpRequest,
    petition: Petition,
    *,
    reveal: bool = False,
    bound: ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = _user(request)
    page = selectors.petition_page(petition, user)
    people = []
    for person in page.petitioners:
        people.append(
            {
                "name": person.name,
                "kind": person.get_kind_display(),
                "id_number": person.id_number if reveal else mask_id_number(person.id_number or ""),
                "phone": person.phone if reveal else mask_phone(person.phone or ""),
                "address": person.address,
                "is_representative": person.is_representative,
            }
        )
    issued = request.GET.get("issued", "")
    issued_ids = {d.pk for d in page.documents if str(d.event_id) == issued}
    return render(
        request,
        "web/petition.html",
        {
            "p": petition,
            "page": page,
            "people": people,
            "revealed": reveal,
            "forms": _action_forms(petition, user, page, bound),
            "open_action": bound.action if bound else "",
            "issued_ids": issued_ids,
            "intake": [
                (str(RegisterForm.base_fields[k].label), v)
                for k, v in page.intake.items()
                if k in RegisterForm.base_fields
            ],
            "events": [(e, EVENT_LABELS.get(e.action, e.action)) for e in page.events],
        },
        status=status,
    )


@login_required
@require_GET
def petition(request: HttpRequest, petition_id: int) -> HttpResponse:
    return _detail(request, _petition(_user(request), petition_id))


@login_required
@require_POST
def reveal(request: HttpRequest, petition_id: int) -> HttpResponse:
    """显示完整信息: only for who may see it, and every look is written down (PIPL 第五十一条)."""
    user = _user(request)
    p = _petition(user, petition_id)
    if not scope.can_see_personal_data(user, p):
        messages.error(request, "您无权查看该信访人的完整证件号码和电话。")
        return _detail(request, p, status=403)
    PersonalDataAccess.objects.bulk_create(
        [
            PersonalDataAccess(user=user, petitioner=person, fields="id_number,phone", purpose="web_detail")
            for person in p.petitioners.all()
        ]
    )
    return _detail(request, p, reveal=True)


def _apply_errors(form: ActionForm, exc: Exception) -> None:
    if isinstance(exc, ApiValidationError):
        detail: dict[str, Any] = exc.detail if isinstance(exc.detail, dict) else {"": exc.detail}
        for key, errors in detail.items():
            text = "；".join(str(e) for e in (errors if isinstance(errors, list) else [errors]))
            form.add_error(key if key in form.fields else None, text)
        return
    assert isinstance(exc, XinfangError)
    field = exc.field if isinstance(exc, Invalid) else None
    form.add_error(field if field in form.fields else None, exc.message)


@login_required
@require_POST
def act(request: HttpRequest, petition_id: int) -> HttpResponse:
    """One view for every action: the form parses, `run_action` calls the guarding service."""
    user = _user(request)
    p = _petition(user, petition_id)
    name = request.POST.get("action", "")
    try:
        form = ActionForm(
            name,
            request.POST,
            petition=p,
            org_choices=_org_choices(name, p, user),
            stage_kind=_deciding_kind(p, user),
            related=[
                (str(s.petition.pk), s.petition.number) for s in selectors.petition_page(p, user).similar
            ]
            if name == "decline"
            else None,
        )
    except KeyError as exc:
        raise Http404("没有这个办理操作。") from exc
    if not form.is_valid():
        return _detail(request, p, bound=form, status=422)
    try:
        run_action(p, user, form.payload())
    except (ApiValidationError, Invalid, IllegalTransition, Forbidden) as exc:
        _apply_errors(form, exc)
        p.refresh_from_db()
        return _detail(request, p, bound=form, status=422)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    event = p.events.order_by("-id").first()
    docs = list(event.documents.all()) if event else []
    text = f"已{form.label}。"
    if docs:
        text += "已生成" + "、".join(f"《{d.title}》" for d in docs) + "，可预览、打印或下载。"
    messages.success(request, text)
    url = reverse("web:petition", args=[p.pk])
    if event and docs:
        url += f"?issued={event.pk}#documents"
    return redirect(url)


def _deciding_kind(p: Petition, user: User) -> str | None:
    stage = (
        p.stages.filter(
            closed_on__isnull=True,
            org_id__in=scope.acting_org_ids(user),
            kind__in=(StageKind.HANDLING, StageKind.REVIEW, StageKind.REEXAMINATION),
        )
        .order_by("-id")
        .first()
    )
    return stage.kind if stage else None


# --- documents and attachments -------------------------------------------------------------------


def _document(user: User, petition_id: int, document_id: int) -> Document:
    p = _petition(user, petition_id)
    doc = p.documents.filter(pk=document_id).select_related("issuing_org", "petition").first()
    if doc is None:
        raise Http404("文书不存在或无权查看。")
    return doc


@login_required
@require_GET
def document_print(request: HttpRequest, petition_id: int, document_id: int) -> HttpResponse:
    doc = _document(_user(request), petition_id, document_id)
    red = request.GET.get("red", "1") != "0"
    return render(request, "web/print.html", {"docs": [doc], "red": red, "single": True})


@login_required
@require_GET
def document_docx(request: HttpRequest, petition_id: int, document_id: int) -> HttpResponse:
    doc = _document(_user(request), petition_id, document_id)
    payload = render_docx(
        Rendered(kind=doc.kind, title=doc.title, text=doc.text),
        issuing_org=doc.issuing_org.name,
        doc_number=doc.number,
    )
    response = HttpResponse(
        payload, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="{doc.number}.docx"'
    return response


@login_required
@require_GET
def attachment(request: HttpRequest, petition_id: int, attachment_id: int) -> HttpResponse:
    p = _petition(_user(request), petition_id)
    item = Attachment.objects.filter(petition=p, pk=attachment_id).first()
    if item is None:
        raise Http404("附件不存在。")
    response = HttpResponse(bytes(item.data), content_type=item.content_type)
    response["Content-Disposition"] = f'inline; filename="{item.pk}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- batch ---------------------------------------------------------------------------------------


@login_required
@require_POST
def batch_transfer(request: HttpRequest) -> HttpResponse:
    """转送 several petitions: each its own service call (its own transaction); results per petition."""
    user = _user(request)
    form = BatchTransferForm(request.POST, user=user)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(str(e) for e in errors)}")
        return redirect(reverse("web:home") + "?queue=triage")
    results = []
    for pid in form.cleaned_data["ids"]:
        try:
            p = scope.get_petition_for(user, pid)
        except NotFound as exc:
            results.append({"id": pid, "number": f"#{pid}", "ok": False, "message": exc.message})
            continue
        try:
            services.petition_transfer(
                p, actor=user, on=form.cleaned_data["on"], to_org=form.cleaned_data["to_org"]
            )
        except XinfangError as exc:
            results.append({"id": pid, "number": p.number, "ok": False, "message": exc.message})
        else:
            results.append({"id": pid, "number": p.number, "ok": True, "message": "已转送"})
    to_org = Org.objects.filter(code=form.cleaned_data["to_org"]).first()
    return render(request, "web/batch_result.html", {"results": results, "to_org": to_org})


@login_required
@require_http_methods(["GET", "POST"])
def batch_print(request: HttpRequest) -> HttpResponse:
    """Print a batch of 告知书: the latest notice addressed to the petitioner of each chosen petition."""
    user = _user(request)
    source = request.POST if request.method == "POST" else request.GET
    ids = [int(i) for i in source.getlist("ids") if i.isdigit()][:200]
    visible = scope.petitions_visible_to(user).filter(pk__in=ids).values("pk")
    docs: dict[int, Document] = {}
    for doc in (
        Document.objects.filter(petition_id__in=visible, addressee="petitioner")
        .select_related("issuing_org", "petition")
        .order_by("id")
    ):
        docs[doc.petition_id] = doc
    if not docs:
        messages.error(request, "所选信访件还没有可打印的告知书。")
        return redirect(reverse("web:home") + f"?queue={source.get('queue', '')}")
    return render(request, "web/print.html", {"docs": list(docs.values()), "red": True, "single": False})


# --- dashboard -----------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role not in DASHBOARD_ROLES and not user.is_superuser:
        raise PermissionDenied("领导驾驶舱仅供督查员、领导查看。")
    data = selectors.dashboard(user)
    charts = {
        "months": data.months,
        "byChannel": data.by_channel_month,
        "overdueByUnit": data.overdue_by_unit,
        "topCategories": data.top_categories,
    }
    return render(request, "web/dashboard.html", {"d": data, "charts": charts, "on": today()})
