"""REST endpoints of 智能分办 (thin: parse, call a selector or service, present)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core.errors import Invalid
from xinfang.orgs import scope
from xinfang.orgs.models import User
from xinfang.petitions.api import present_petition
from xinfang.routing import selectors, services


def _user(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _date(value: Any, field: str = "on") -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise Invalid(field, "日期格式应为YYYY-MM-DD。", code="invalid_date") from None


class SuggestInput(serializers.Serializer[Any]):
    subject = serializers.CharField(allow_blank=True, required=False, default="")
    content = serializers.CharField(allow_blank=True, required=False, default="")
    region = serializers.CharField(allow_blank=True, required=False, default="")


class SuggestApi(APIView):
    """As the clerk types: the suggested category and unit (confidence, runner-up), nothing stored."""

    @extend_schema(request=SuggestInput, responses={200: dict}, operation_id="routing_suggest")
    def post(self, request: Request) -> Response:
        scope.require_acting_role(_user(request))
        data = SuggestInput(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(selectors.suggest(**data.validated_data))


class FeedbackApi(APIView):
    @extend_schema(request=dict, responses={201: dict}, operation_id="routing_feedback")
    def post(self, request: Request, petition_id: int) -> Response:
        user = _user(request)
        petition = scope.get_petition_for(user, petition_id)
        d = request.data
        fb = services.suggestion_feedback_record(
            petition,
            actor=user,
            field=str(d.get("field", "")),
            chosen=str(d.get("chosen", "")),
            suggested=str(d.get("suggested", "") or ""),
            confidence=float(d["confidence"]) if d.get("confidence") not in (None, "") else None,
            source=str(d.get("source", "") or ""),
            model_version=int(d["model_version"]) if d.get("model_version") not in (None, "") else None,
        )
        return Response({"id": fb.pk, "accepted": fb.accepted}, status=201)


class LinkRepeatApi(APIView):
    @extend_schema(request=dict, responses={200: dict}, operation_id="routing_link_repeat")
    def post(self, request: Request, petition_id: int) -> Response:
        user = _user(request)
        petition = scope.get_petition_for(user, petition_id)
        try:
            main_id = int(str(request.data.get("main")))
        except (TypeError, ValueError):
            raise Invalid("main", "请选择要关联的信访件。", code="required") from None
        main = scope.get_petition_for(user, main_id)
        petition = services.petition_link_repeat(
            petition,
            actor=user,
            on=_date(request.data.get("on")),
            main=main,
            mode=str(request.data.get("mode", "repeat")),
        )
        petition.refresh_from_db()
        return Response(present_petition(petition, user))


def present_alert(row: selectors.HotspotRow) -> dict[str, Any]:
    """An alert with the member petitions the user may see (the others are only counted)."""
    alert = row.alert
    return {
        "id": alert.pk,
        "status": alert.status,
        "title": alert.title,
        "region_code": alert.region_code,
        "region_name": row.region_name,
        "places": alert.places,
        "terms": alert.terms,
        "size": alert.size,
        "petitioners": alert.petitioners,
        "first_on": alert.first_on,
        "last_on": alert.last_on,
        "window_days": alert.window_days,
        "raised_on": alert.raised_on,
        "escalated_to": alert.escalated_to,
        "note": alert.note,
        "decided_at": alert.decided_at,
        "petitions": [{"id": p.pk, "number": p.number, "subject": p.subject} for p in row.petitions],
        "petitions_not_shown": row.hidden,
    }


class HotspotListApi(APIView):
    @extend_schema(responses={200: dict}, operation_id="routing_hotspots")
    def get(self, request: Request) -> Response:
        rows = selectors.hotspot_rows(_user(request), status=request.query_params.get("status"))
        return Response([present_alert(row) for row in rows])


class HotspotDecideApi(APIView):
    @extend_schema(request=dict, responses={200: dict}, operation_id="routing_hotspot_decide")
    def post(self, request: Request, alert_id: int, decision: str) -> Response:
        user = _user(request)
        alert = selectors.get_hotspot_for(user, alert_id)
        note = str(request.data.get("note", ""))
        if decision not in ("dismiss", "escalate"):
            from xinfang.core.errors import NotFound

            raise NotFound("没有这个处置方式。")
        if decision == "dismiss":
            alert = services.hotspot_dismiss(alert, actor=user, note=note)
        else:
            alert = services.hotspot_escalate(
                alert, actor=user, to=str(request.data.get("to", "")), note=note
            )
        return Response(present_alert(selectors.hotspot_row(user, alert.pk)))


class ModelListApi(APIView):
    @extend_schema(responses={200: dict}, operation_id="routing_models")
    def get(self, request: Request) -> Response:
        scope.require_acting_role(_user(request))
        rows = selectors.model_versions()
        return Response(rows)
