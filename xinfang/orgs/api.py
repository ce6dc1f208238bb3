from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.orgs.models import Org


class OrgOutput(serializers.ModelSerializer[Org]):
    class Meta:
        model = Org
        fields = ("id", "code", "name", "type", "level", "region_code", "parent", "supervisor", "is_active")


class OrgListApi(APIView):
    """The whole org tree, unpaged: every signed-in user may read it (DESIGN.md §6)."""

    @extend_schema(responses=OrgOutput(many=True), operation_id="orgs_list")
    def get(self, request: Request) -> Response:
        orgs = Org.objects.order_by("path")
        return Response(OrgOutput(orgs, many=True).data)
