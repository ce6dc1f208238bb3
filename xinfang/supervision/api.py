"""REST endpoints of supervision: the public reception schedule (for the portal)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .selectors import published_schedule
from .services._common import today


class ReceptionScheduleApi(APIView):
    """GET /api/v1/receptions/schedule/: published 领导接访 (第十八条第一款: 公布信访接待的时间和地点)."""

    permission_classes = (AllowAny,)
    authentication_classes = ()

    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        kind = serializers.CharField()
        kind_label = serializers.CharField(source="get_kind_display")
        leader = serializers.CharField(source="leader.full_name")
        leader_title = serializers.CharField()
        org = serializers.CharField(source="org.name")
        on = serializers.DateField()
        starts_at = serializers.TimeField(format="%H:%M")
        ends_at = serializers.TimeField(format="%H:%M")
        place = serializers.CharField()
        topics = serializers.CharField()

    @extend_schema(
        responses=inline_serializer("ReceptionSchedule", {"results": OutputSerializer(many=True)}),
        operation_id="receptions_schedule",
    )
    def get(self, request: Request) -> Response:
        slots = published_schedule(from_on=today())[:200]
        return Response({"results": self.OutputSerializer(slots, many=True).data})
