"""Public REST endpoints (no login): tracking by 查询码 + phone digits, its notices, the CAPTCHA.

DESIGN.md §6: `GET /api/v1/public/track/?code=&phone_tail=` answers what the petitioner may see. The
same 404 for an unknown code and for wrong digits; 429 `rate_limited` past the limits; 403
`captcha_required`/`captcha_wrong` after repeated failures (get one from `GET /api/v1/public/captcha/`
and pass `captcha_id` and `captcha`).
"""

from __future__ import annotations

import base64
from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.petitions.models import Petition
from xinfang.portal import limits, selectors, tracking
from xinfang.portal.views import docx_response

TRACK_PARAMETERS = [
    OpenApiParameter("code", str, required=True, description="查询码"),
    OpenApiParameter("phone_tail", str, required=True, description="信访人手机号后四位"),
    OpenApiParameter("captcha_id", str, description="多次输错后需要：验证码编号"),
    OpenApiParameter("captcha", str, description="多次输错后需要：验证码答案"),
]


class PublicDocumentOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    number = serializers.CharField()
    issued_on = serializers.DateField()
    issuing_org = serializers.CharField()
    text = serializers.CharField()
    docx_url = serializers.CharField()


class PublicStepOutput(serializers.Serializer[Any]):
    on = serializers.DateField()
    title = serializers.CharField()
    text = serializers.CharField()
    documents = serializers.ListField(child=serializers.IntegerField(), help_text="文书id")


class PublicAppealOutput(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=["review", "reexamination"])
    open = serializers.BooleanField()
    until = serializers.DateField(allow_null=True)
    bodies = serializers.ListField(child=serializers.DictField())
    explain = serializers.CharField()


class PublicTrackOutput(serializers.Serializer[Any]):
    number = serializers.CharField()
    subject = serializers.CharField()
    kind = serializers.CharField()
    channel = serializers.CharField()
    received_on = serializers.DateField()
    registered_org = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    holder = serializers.CharField(help_text="正在办理的单位（仅单位名称）")
    due_on = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()
    limited = serializers.BooleanField(help_text="检举控告类：只显示收到情况和办理结果")
    steps = PublicStepOutput(many=True)
    documents = PublicDocumentOutput(many=True)
    appeal = PublicAppealOutput(allow_null=True)
    appeal_note = serializers.CharField()
    can_rate = serializers.BooleanField()
    can_urge = serializers.BooleanField()
    attachments = serializers.ListField(child=serializers.DictField())


def _lookup(request: Request) -> Petition:
    q = request.query_params
    return tracking.track_lookup(
        limits.client_ip(request._request),
        q.get("code", ""),
        q.get("phone_tail", ""),
        captcha_key=q.get("captcha_id", ""),
        captcha=q.get("captcha", ""),
    )


def present_public(petition: Petition) -> dict[str, Any]:
    view = selectors.public_view(petition)
    docx = "/api/v1/public/track/documents/{}/docx/"
    return {
        "number": petition.number,
        "subject": petition.subject,
        "kind": petition.kind,
        "channel": petition.channel,
        "received_on": petition.received_on,
        "registered_org": petition.registered_org.name,
        "state": "closed"
        if view.limited and view.status.closed
        else ("open" if view.limited else petition.state),
        "state_label": view.status.label,
        "holder": view.status.holder,
        "due_on": view.status.due_on,
        "overdue": view.status.overdue,
        "limited": view.limited,
        "steps": [
            {"on": s.on, "title": s.title, "text": s.text, "documents": [d.id for d in s.documents]}
            for s in view.steps
        ],
        "documents": [
            {
                "id": d.id,
                "title": d.title,
                "number": d.number,
                "issued_on": d.issued_on,
                "issuing_org": d.issuing_org,
                "text": d.text,
                "docx_url": docx.format(d.id),
            }
            for d in view.documents
        ],
        "appeal": None
        if view.appeal is None
        else {
            "kind": view.appeal.kind,
            "open": view.appeal.is_open,
            "until": view.appeal.until,
            "bodies": [{"code": o.code, "name": o.name} for o in view.appeal.bodies],
            "explain": view.appeal.explain,
        },
        "appeal_note": view.appeal_note,
        "can_rate": view.rate_target is not None,
        "can_urge": view.urgeable and not view.urged_today,
        "attachments": [{"name": a.original_name, "size": a.size} for a in view.attachments],
    }


class PublicTrackApi(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(
        parameters=TRACK_PARAMETERS, responses={200: PublicTrackOutput}, operation_id="public_track"
    )
    def get(self, request: Request) -> Response:
        response = Response(present_public(_lookup(request)))
        response["Cache-Control"] = "no-store"
        return response


class PublicDocumentDocxApi(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(
        parameters=TRACK_PARAMETERS,
        responses={(200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"): bytes},
        operation_id="public_track_document_docx",
    )
    def get(self, request: Request, document_id: int) -> HttpResponse:
        petition = _lookup(request)
        return docx_response(selectors.public_document(petition, document_id))


class PublicCaptchaOutput(serializers.Serializer[Any]):
    captcha_id = serializers.CharField()
    image = serializers.CharField(help_text="data:image/png;base64,…")


class PublicCaptchaApi(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(responses={200: PublicCaptchaOutput}, operation_id="public_captcha")
    def get(self, request: Request) -> Response:
        key = limits.captcha_new()
        png = limits.captcha_png(key) or b""
        return Response(
            {"captcha_id": key, "image": "data:image/png;base64," + base64.b64encode(png).decode()}
        )
