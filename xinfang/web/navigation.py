"""The top navigation: each section appears once its URL exists and the user's role may use it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

# (url name, label, roles that see it; empty = every signed-in user)
SECTIONS: list[tuple[str, str, frozenset[str]]] = [
    ("web:home", "工作台", frozenset()),
    ("web:register", "登记", frozenset({"clerk", "handler", "leader", "admin"})),
    ("web:search", "查询", frozenset()),
    ("supervision:home", "督查督办", frozenset({"supervisor", "leader", "admin"})),
    ("disputes:home", "矛盾纠纷台账", frozenset()),
    ("reports:home", "统计报表", frozenset({"supervisor", "leader", "admin", "clerk"})),
    ("ledgers:home", "专项台账", frozenset()),
    ("web:dashboard", "领导驾驶舱", frozenset({"supervisor", "leader", "admin"})),
    ("admin:index", "系统管理", frozenset({"admin"})),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    role = getattr(user, "role", "")
    items = []
    for name, label, roles in SECTIONS:
        if roles and role not in roles and not user.is_superuser:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        active = request.path == url or (url != "/" and request.path.startswith(url))
        items.append({"url": url, "label": label, "active": active})
    return {"nav": items}
