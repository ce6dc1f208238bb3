"""Shared pieces of the supervision services: audit rows, dates, who is responsible for an org."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from xinfang.core.errors import Forbidden, Invalid
from xinfang.orgs.models import Org, OrgType, Role, User

from ..models import AuditEntry

# Roles that receive a unit's alerts in its own queue.
UNIT_ROLES = (Role.HANDLER, Role.CLERK, Role.LEADER)
# Roles that may issue supervisions (第四十条: 党委和政府信访部门) and assign 包案.
SUPERVISING_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN})


def today() -> dt.date:
    return timezone.localdate()


def audit(action: str, *, actor: User | None, on: dt.date, target: str, **data: Any) -> None:
    AuditEntry.objects.create(action=action, actor=actor, on=on, target=target, data=data)


def check_on(on: dt.date, *, not_before: dt.date | None = None, field: str = "on") -> None:
    if on > today():
        raise Invalid(field, "日期不能晚于今天。", code="date_in_future")
    if not_before is not None and on < not_before:
        raise Invalid(field, "日期不能早于此前的办理日期。", code="date_before_previous")


def require_text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(field, f"请填写{label}。", code="required")
    return value


def require_supervisor(user: User) -> Org:
    """The acting 信访部门 of a supervisor, leader or admin (第四十条: 党委和政府信访部门)."""
    org = user.org
    if user.role not in SUPERVISING_ROLES or org is None or org.type != OrgType.BUREAU:
        raise Forbidden("只有信访部门的督查员、领导或管理员可以督办。", code="not_supervisor")
    return org


def region_ancestor_paths(org: Org) -> list[str]:
    """Materialised paths of the org and every org above it ("/a/", "/a/b/", ...)."""
    parts = [p for p in org.path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def responsible_users(org: Org) -> list[User]:
    """Who is told about an alert at `org`: its handlers, clerks and leaders, and the supervisors of
    every 信访部门 whose region contains it (its own county's, the city's, ...)."""
    paths = region_ancestor_paths(org)
    supervisors = Q(role=Role.SUPERVISOR, org__type=OrgType.BUREAU) & (
        Q(org__parent__path__in=paths) | Q(org__parent__isnull=True, org__path__in=paths)
    )
    unit = Q(org=org, role__in=UNIT_ROLES)
    return list(User.objects.filter(unit | supervisors, is_active=True).order_by("pk"))
