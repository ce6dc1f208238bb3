"""Domain errors raised by services and selectors.

Each error carries a stable `code` (for API clients and tests) and a Chinese message (for people).
The API maps them to HTTP statuses in one place (`xinfang.core.api.exception_handler`).
"""

from __future__ import annotations


class XinfangError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field


class NotFound(XinfangError):
    """Does not exist, or is not visible to this user: the same answer for both (DESIGN.md §4)."""

    status = 404
    code = "not_found"


class Forbidden(XinfangError):
    """The user may see the petition but may not act on it (wrong org or role)."""

    status = 403
    code = "forbidden"


class IllegalTransition(XinfangError):
    """The action is not allowed in the petition's current state (HTTP 409)."""

    status = 409
    code = "illegal_transition"


class Invalid(XinfangError):
    """A field value is wrong (HTTP 422, reported against `field`)."""

    status = 422
    code = "invalid"

    def __init__(self, field: str, message: str, *, code: str = "invalid") -> None:
        super().__init__(message, code=code, field=field)
