"""GET /api/v1/stats/?org=&from=&to=: the KPIs of DESIGN.md §7 (a thin channel over stats.compute_stats)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.orgs.models import User

from .access import subtree_for
from .clock import today
from .periods import parse_period
from .stats import compute_stats


class StatsApi(APIView):
    """Statistics of an org subtree for a period; every rate with numerator and denominator.

    403 for users who may not read statistics; 404 for an org outside the reader's region; 422 for a
    malformed or reversed period.
    """

    @extend_schema(
        parameters=[
            OpenApiParameter("org", OpenApiTypes.STR, description="机构代码（默认本单位）"),
            OpenApiParameter("from", OpenApiTypes.DATE, description="开始日期（含），默认当年1月1日"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="结束日期（含），默认今天"),
        ],
        responses=OpenApiTypes.OBJECT,
        operation_id="stats",
    )
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        params: Any = request.query_params
        subtree = subtree_for(user, params.get("org"))
        period = parse_period(params.get("from"), params.get("to"), today=today())
        return Response(compute_stats(subtree, period, today=today()))
