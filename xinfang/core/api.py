"""One error format for the whole API (DESIGN.md §6).

400 malformed, 401/403 auth and scope, 404 unknown or not visible, 409 illegal transition,
422 field errors as {"errors": {"field": ["message"]}}. Every body has a stable `code` and a
Chinese `detail`.
"""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from xinfang.core.errors import XinfangError


def _first_code(codes: Any) -> str:
    if isinstance(codes, dict):
        for value in codes.values():
            return _first_code(value)
    if isinstance(codes, list) and codes:
        return _first_code(codes[0])
    return str(codes) if codes else "invalid"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, XinfangError):
        body: dict[str, Any] = {"code": exc.code, "detail": exc.message}
        if exc.field:
            body["errors"] = {exc.field: [exc.message]}
        return Response(body, status=exc.status)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        return Response(
            {
                "code": _first_code(exc.get_codes()),
                "detail": "提交的内容有误，请检查标出的字段。",
                "errors": detail,
            },
            status=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    if isinstance(exc, exceptions.ParseError):
        return Response({"code": "malformed", "detail": "请求内容不是有效的JSON。"}, status=400)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return Response(
            {"code": "not_authenticated", "detail": "请先登录或提供有效的令牌。"},
            status=401,
            headers={"WWW-Authenticate": "Token"},
        )
    if isinstance(exc, exceptions.PermissionDenied):
        return Response({"code": "forbidden", "detail": "无权执行此操作。"}, status=403)
    if isinstance(exc, exceptions.NotFound):
        return Response({"code": "not_found", "detail": "信访件不存在或无权查看。"}, status=404)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "code" not in response.data:
        response.data = {"code": getattr(exc, "default_code", "error"), "detail": response.data.get("detail")}
    return response
