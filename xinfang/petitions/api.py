"""REST API for petitions: thin. Parse input, call a service or selector, present the result."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet, prefetch_related_objects
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core.errors import Invalid, NotFound
from xinfang.core.identity import mask_id_number, mask_phone
from xinfang.core.models import PersonalDataAccess
from xinfang.documents.render import Rendered, render_docx
from xinfang.orgs import scope
from xinfang.orgs.models import Org, User
from xinfang.petitions import selectors, services
from xinfang.petitions.actions import ActionInput, run_action
from xinfang.petitions.models import Channel, Kind, Petition, PetitionerKind, Route, State


class PetitionerInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=PetitionerKind.choices, default=PetitionerKind.PERSON)
    id_number = serializers.CharField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(required=False, allow_blank=True, default="")
    address = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    is_representative = serializers.BooleanField(required=False, default=False)


class PetitionCreateInput(serializers.Serializer[Any]):
    channel = serializers.ChoiceField(choices=Channel.choices)
    received_on = serializers.DateField()
    org = serializers.CharField(required=False, allow_blank=True, default="", help_text="登记单位代码或id")
    petitioners = PetitionerInputSerializer(many=True, allow_empty=False)
    headcount = serializers.IntegerField(min_value=1, default=1)
    subject = serializers.CharField(max_length=200)
    content = serializers.CharField()
    request = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=Kind.choices)
    route = serializers.ChoiceField(choices=Route.choices, required=False, allow_blank=True, default="")
    category = serializers.CharField(required=False, allow_blank=True, default="")
    region = serializers.CharField(required=False, allow_blank=True, default="")
    place = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    accused_org = serializers.CharField(required=False, allow_blank=True, default="")


# Output shapes, for the OpenAPI document (the presenters below build these dicts).
class OrgRefOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class PetitionListItemOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="信访件编号")
    state = serializers.ChoiceField(choices=State.choices)
    state_label = serializers.CharField()
    channel = serializers.ChoiceField(choices=Channel.choices)
    kind = serializers.ChoiceField(choices=Kind.choices)
    received_on = serializers.DateField()
    subject = serializers.CharField()
    registered_org = OrgRefOutput()


class CappedCountPagination(LimitOffsetPagination):
    """limit/offset paging whose total stops at a cap, like the queue tiles' "1000+".

    Counting every petition a city bureau may see (millions, each tested for visibility) would take
    seconds; `count_capped` says the total is "1000 or more" (narrow the filters to see further). With a
    text filter (`q`) the total stops at 200: each match is found by reading the text, so a common term
    costs a read per candidate row until the cap is reached (about 130 ms for 1,001 matches of a common
    term at 10M petitions, BENCHMARKS.md), and four pages of matches are as far as anyone reads a search.
    """

    COUNT_CAP = 1_000
    TEXT_COUNT_CAP = 200

    def __init__(self, *, text: bool = False) -> None:
        self.cap = self.TEXT_COUNT_CAP if text else self.COUNT_CAP

    def get_count(self, queryset: Any) -> int:
        if isinstance(queryset, FirstIds):
            n = len(queryset.head)
        else:
            # Without the order: the total needs no sorting, and the planner may take the matches in any
            # order (for a rare term, from the trigram index rather than walking the date index).
            n = int(queryset.order_by()[: self.cap + 1].count())
        self.capped = n > self.cap
        return min(n, self.cap)

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["count_capped"] = getattr(self, "capped", False)
        return response


class FirstIds:
    """The ids of a list's first cap + 1 rows in its order, read in one statement: they give the
    capped total and the page, where a count and a page would each walk the same index (the overdue list:
    its covering index yields ids without reading a row). A page past them reads the query itself."""

    def __init__(self, ids: QuerySet[Any, int], cap: int) -> None:
        self.ids = ids
        self.cap = cap
        self.head: list[int] = list(ids[: cap + 1])

    def __getitem__(self, k: slice) -> list[int]:
        if len(self.head) <= self.cap or (k.stop is not None and k.stop <= len(self.head)):
            return self.head[k]
        return list(self.ids[k])


class PetitionListOutput(serializers.Serializer[Any]):
    count = serializers.IntegerField(
        help_text="符合条件的件数；超过1000件时为1000（按关键词 q 查询时超过200件为200），count_capped 为 true"
    )
    count_capped = serializers.BooleanField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = PetitionListItemOutput(many=True)


class StageOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    org = OrgRefOutput()
    from_org = OrgRefOutput(allow_null=True)
    opened_on = serializers.DateField()
    due_on = serializers.DateField()
    closed_on = serializers.DateField(allow_null=True)
    outcome = serializers.CharField()
    decided_on = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    near_due = serializers.BooleanField()
    days_left = serializers.IntegerField(allow_null=True)
    paused = serializers.BooleanField()
    paused_days = serializers.IntegerField()
    extended_days = serializers.IntegerField()
    due_basis = serializers.DictField(
        help_text="截止日期的计算依据：起算日、规则、条款、天数、顺延、中止、延期"
    )
    objection_due_on = serializers.DateField(allow_null=True)


# `data` and `errors` would shadow Serializer attributes, so these two shapes are built from dicts.
EventOutput = inline_serializer(
    "EventOutput",
    {
        "id": serializers.IntegerField(),
        "action": serializers.CharField(),
        "on": serializers.DateField(),
        "at": serializers.DateTimeField(),
        "actor": serializers.CharField(allow_null=True),
        "org": OrgRefOutput(allow_null=True),
        "data": serializers.DictField(),
        "documents": serializers.ListField(child=serializers.IntegerField()),
    },
)


class DocumentOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    number = serializers.CharField()
    title = serializers.CharField()
    issued_on = serializers.DateField()
    addressee = serializers.ChoiceField(choices=["petitioner", "unit"])
    to_org = OrgRefOutput(allow_null=True)
    text = serializers.CharField()
    docx_url = serializers.CharField()


class PetitionerOutput(serializers.Serializer[Any]):
    name = serializers.CharField()
    kind = serializers.CharField()
    id_number = serializers.CharField(help_text="默认脱敏")
    phone = serializers.CharField(help_text="默认脱敏")
    address = serializers.CharField()
    is_representative = serializers.BooleanField()


class SimilarOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.CharField()
    received_on = serializers.DateField()
    subject = serializers.CharField()
    is_final = serializers.BooleanField()
    matched_on = serializers.ListField(child=serializers.CharField())


class PetitionRegisteredOutput(serializers.Serializer[Any]):
    """The registration answer (DESIGN.md §6); GET /petitions/{id}/ has the rest."""

    id = serializers.IntegerField()
    number = serializers.CharField(help_text="信访件编号")
    query_code = serializers.CharField(help_text="查询码")
    state = serializers.ChoiceField(choices=State.choices)
    state_label = serializers.CharField()
    received_on = serializers.DateField()
    overdue = serializers.BooleanField()
    near_due = serializers.BooleanField()
    stages = StageOutput(many=True)
    similar = SimilarOutput(many=True)
    suggestions = serializers.ListField(child=serializers.DictField())


class PetitionDetailOutput(PetitionListItemOutput):
    query_code = serializers.CharField(help_text="查询码")
    headcount = serializers.IntegerField()
    is_group = serializers.BooleanField()
    request = serializers.CharField()
    content = serializers.CharField()
    route = serializers.CharField()
    category = serializers.CharField()
    region = serializers.CharField()
    place = serializers.CharField()
    accused_org = OrgRefOutput(allow_null=True)
    is_final = serializers.BooleanField()
    closed_on = serializers.DateField(allow_null=True)
    appeal_until = serializers.DateField(allow_null=True, help_text="请求复查/复核的最后一日")
    appeal_basis = serializers.DictField()
    overdue = serializers.BooleanField()
    near_due = serializers.BooleanField()
    petitioners = PetitionerOutput(many=True)
    stages = StageOutput(many=True)
    events = serializers.ListField(child=EventOutput)
    documents = DocumentOutput(many=True)
    similar = SimilarOutput(many=True)
    suggestions = serializers.ListField(child=serializers.DictField())


ErrorOutput = inline_serializer(
    "ErrorOutput",
    {
        "code": serializers.CharField(help_text="稳定的错误代码"),
        "detail": serializers.CharField(),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()), required=False
        ),
    },
)


ERRORS = {
    400: ErrorOutput,
    401: ErrorOutput,
    403: ErrorOutput,
    404: ErrorOutput,
    409: ErrorOutput,
    422: ErrorOutput,
}


def _org(org: Org | None) -> dict[str, Any] | None:
    return None if org is None else {"id": org.pk, "code": org.code, "name": org.name}


def present_list_item(p: Petition) -> dict[str, Any]:
    return {
        "id": p.pk,
        "number": p.number,
        "state": p.state,
        "state_label": p.get_state_display(),
        "channel": p.channel,
        "kind": p.kind,
        "received_on": p.received_on,
        "subject": p.subject,
        "registered_org": _org(p.registered_org),
    }


REGISTRATION_FIELDS = (
    "id",
    "number",
    "query_code",
    "state",
    "state_label",
    "received_on",
    "overdue",
    "near_due",
    "stages",
    "similar",
    "suggestions",
)


def present_petition(p: Petition, user: User, *, reveal: bool = False, full: bool = True) -> dict[str, Any]:
    """The petition as the API shows it.

    `full=False` is the registration answer of DESIGN.md §6 (id, number, query_code, state, stages,
    suggestions, similar): no timeline, documents or petitioners, and no 分办 suggestion, which is
    computed off the registration path (as the clerk types, /api/v1/routing/suggest/, and on every later
    read) so that registering stays fast. The legal suggestions and `similar` are always there.
    """
    if "stages" in getattr(p, "_prefetched_objects_cache", {}):
        stages = sorted(p.stages.all(), key=lambda s: s.pk)  # just registered: held in memory
    else:
        stages = list(p.stages.select_related("org", "from_org").order_by("id"))
    if full and "petitioners" not in getattr(p, "_prefetched_objects_cache", {}):
        # Read once: shown below and matched on by `similar` (ID/phone hashes, name + address).
        prefetch_related_objects([p], "petitioners")
    events = list(p.events.select_related("actor", "org").order_by("id")) if full else []
    documents = list(p.documents.select_related("to_org").order_by("id")) if full else []
    similar = selectors.similar_petitions(p, user)
    from xinfang.routing.selectors import content_scores, routing_suggestions

    scores = content_scores(p, [s.petition for s in similar])
    may_reveal = reveal and scope.can_see_personal_data(user, p)
    petitioners = []
    for person in sorted(p.petitioners.all(), key=lambda person: person.pk) if full else []:
        if may_reveal:
            PersonalDataAccess.objects.create(
                user=user, petitioner=person, fields="id_number,phone", purpose="api_detail"
            )
        petitioners.append(
            {
                "name": person.name,
                "kind": person.kind,
                "id_number": person.id_number if may_reveal else mask_id_number(person.id_number or ""),
                "phone": person.phone if may_reveal else mask_phone(person.phone or ""),
                "address": person.address,
                "is_representative": person.is_representative,
            }
        )
    stage_rows = []
    for s in stages:
        clock = selectors.clock_status(s)
        stage_rows.append(
            {
                "id": s.pk,
                "kind": s.kind,
                "kind_label": s.get_kind_display(),
                "org": _org(s.org),
                "from_org": _org(s.from_org),
                "opened_on": s.opened_on,
                "due_on": s.due_on,
                "closed_on": s.closed_on,
                "outcome": s.outcome,
                "decided_on": s.decided_on,
                "overdue": clock.overdue,
                "near_due": clock.near_due,
                "days_left": clock.days_left,
                "paused": clock.paused,
                "paused_days": s.paused_days,
                "extended_days": s.extended_days,
                "due_basis": s.due_basis,
                "objection_due_on": s.data.get("objection_due_on"),
            }
        )
    return {
        **present_list_item(p),
        "query_code": p.query_code,
        "headcount": p.headcount,
        "is_group": p.is_group,
        "request": p.request,
        "content": p.content,
        "route": p.route,
        "category": p.category.code if p.category else "",
        "region": p.region_code,
        "place": p.place,
        "accused_org": _org(p.accused_org),
        "is_final": p.is_final,
        "closed_on": p.closed_on,
        "appeal_until": p.appeal_until,
        "appeal_basis": p.appeal_basis,
        "overdue": any(r["overdue"] for r in stage_rows),
        "near_due": any(r["near_due"] for r in stage_rows),
        "petitioners": petitioners,
        "stages": stage_rows,
        "events": [
            {
                "id": e.pk,
                "action": e.action,
                "on": e.on,
                "at": e.at,
                "actor": str(e.actor) if e.actor else None,
                "org": _org(e.org),
                "data": e.data,
                "documents": [d.pk for d in documents if d.event_id == e.pk],
            }
            for e in events
        ],
        "documents": [
            {
                "id": d.pk,
                "kind": d.kind,
                "number": d.number,
                "title": d.title,
                "issued_on": d.issued_on,
                "addressee": d.addressee,
                "to_org": _org(d.to_org),
                "text": d.text,
                "docx_url": f"/api/v1/petitions/{p.pk}/documents/{d.pk}/docx/",
            }
            for d in documents
        ],
        "similar": [
            {
                "id": s.petition.pk,
                "number": s.petition.number,
                "state": s.petition.state,
                "received_on": s.petition.received_on,
                "subject": s.petition.subject,
                "is_final": s.petition.is_final,
                "matched_on": list(s.matched_on),
                "score": scores.get(s.petition.pk, (None, False))[0],
                "same_matter": scores.get(s.petition.pk, (None, False))[1],
            }
            for s in similar
        ],
        "suggestions": selectors.legal_suggestions(p, similar, scores)
        + (routing_suggestions(p) if full else []),
    }


class PetitionListCreateApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=State.values),
            OpenApiParameter(
                "overdue", bool, description="true：只列超期的信访件，最早到期的在前；false：不含超期的"
            ),
            OpenApiParameter("org", str, description="持有环节的机构代码或id"),
            OpenApiParameter("q", str),
            OpenApiParameter("received_from", dt.date),
            OpenApiParameter("received_to", dt.date),
        ],
        responses={200: PetitionListOutput, **ERRORS},
        operation_id="petitions_list",
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        user = request.user
        assert isinstance(user, User)

        def date(name: str) -> dt.date | None:
            value = params.get(name)
            if not value:
                return None
            try:
                return dt.date.fromisoformat(value)
            except ValueError as exc:
                raise Invalid(name, "日期格式应为 YYYY-MM-DD。", code="invalid_date") from exc

        state = params.get("state") or None
        if state and state not in State.values:
            raise Invalid("state", "状态无效。", code="invalid_choice")
        overdue_param = params.get("overdue") or ""
        overdue = overdue_param.lower() in ("1", "true", "yes") if overdue_param else None
        org = None
        if params.get("org"):
            org = services.intake.resolve_org(params["org"], "org")
        qs = selectors.petition_list(
            user,
            state=state,
            overdue=overdue,
            org=org,
            q=params.get("q") or None,
            received_from=date("received_from"),
            received_to=date("received_to"),
        )
        paginator = CappedCountPagination(text=bool(params.get("q")))
        if overdue:
            first = FirstIds(qs.values_list("pk", flat=True), paginator.cap)
            ids: list[int] = paginator.paginate_queryset(first, request, view=self) or []  # type: ignore[arg-type]
            page = selectors.petition_list_rows(ids)
        else:
            page = paginator.paginate_queryset(qs, request, view=self) or []
        return paginator.get_paginated_response([present_list_item(p) for p in page])

    @extend_schema(
        request=PetitionCreateInput,
        responses={201: PetitionRegisteredOutput, **ERRORS},
        operation_id="petitions_create",
    )
    def post(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        serializer = PetitionCreateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        people = [services.PetitionerInput(**p) for p in data.pop("petitioners")]
        petition = services.petition_register(services.PetitionInput(petitioners=people, **data), actor=user)
        body = present_petition(petition, user, full=False)
        return Response({k: body[k] for k in REGISTRATION_FIELDS}, status=status.HTTP_201_CREATED)


def _get(request: Request, petition_id: int) -> tuple[Petition, User]:
    user = request.user
    assert isinstance(user, User)
    return scope.get_petition_for(user, petition_id), user


class PetitionDetailApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("reveal", bool, description="显示完整证件号码和电话（留痕）")],
        responses={200: PetitionDetailOutput, **ERRORS},
        operation_id="petitions_retrieve",
    )
    def get(self, request: Request, petition_id: int) -> Response:
        petition, user = _get(request, petition_id)
        reveal = request.query_params.get("reveal", "").lower() in ("1", "true")
        return Response(present_petition(petition, user, reveal=reveal))


class PetitionActionApi(APIView):
    """One endpoint for every transition: {"action": NAME, "on": "YYYY-MM-DD", ...params}."""

    @extend_schema(
        request=ActionInput, responses={200: PetitionDetailOutput, **ERRORS}, operation_id="petitions_action"
    )
    def post(self, request: Request, petition_id: int) -> Response:
        petition, user = _get(request, petition_id)
        petition = run_action(petition, user, request.data)
        petition.refresh_from_db()
        return Response(present_petition(petition, user))


class DocumentDocxApi(APIView):
    @extend_schema(
        responses={(200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"): bytes},
        operation_id="petitions_document_docx",
    )
    def get(self, request: Request, petition_id: int, document_id: int) -> HttpResponse:
        petition, _ = _get(request, petition_id)
        doc = petition.documents.filter(pk=document_id).select_related("issuing_org").first()
        if doc is None:
            raise NotFound("文书不存在或无权查看。")
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
