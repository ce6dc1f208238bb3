"""REST API of the ledgers: thin. The annual figures for the user's scope, and the public suggestions."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core.errors import Invalid
from xinfang.ledgers import access, selectors
from xinfang.ledgers.figures import annual_figures
from xinfang.orgs.models import User


def _date(request: Request, name: str) -> dt.date:
    raw = request.query_params.get(name, "")
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise Invalid(name, f"{name} 应为 YYYY-MM-DD 格式的日期。", code="invalid_date") from None


class LedgerFiguresApi(APIView):
    """GET /api/v1/ledgers/figures/?from=&to=: the annual-report figures of the user's region or unit."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(
        parameters=[OpenApiParameter("from", str, required=True), OpenApiParameter("to", str, required=True)],
        responses={200: dict[str, Any]},
    )
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        start, end = _date(request, "from"), _date(request, "to")
        if start > end:
            raise Invalid("to", "截止日期不能早于起始日期。", code="period_reversed")
        return Response(annual_figures(access.visible_org_ids(user), start, end))


class PublicSuggestionsApi(APIView):
    """GET /api/v1/ledgers/public-suggestions/ (no login): adopted suggestions agreed to be published."""

    permission_classes = (AllowAny,)
    authentication_classes = ()

    @extend_schema(responses={200: dict[str, Any]})
    def get(self, request: Request) -> Response:
        items = [
            {**asdict(s), "decided_on": s.decided_on.isoformat()} for s in selectors.public_suggestions()
        ]
        return Response({"results": items})
