"""Who sees which ledger record: the same org scoping as petitions (xinfang.orgs.scope).

A 信访部门 or 党委政府 sees the records of every org in its region; any other unit sees its own.
"Does not exist" and "not visible" get the same answer (404).
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from xinfang.core.errors import Invalid, NotFound
from xinfang.orgs import scope
from xinfang.orgs.models import Org, User

M = TypeVar("M", bound=Model)


def visible_org_ids(user: User) -> list[int]:
    """The orgs whose ledger records this user sees (and may write)."""
    if not user.is_authenticated or user.org is None:
        return []
    region = scope.region_org_ids(user.org)
    if region is not None:
        return region
    return sorted(scope.acting_org_ids(user))


def scoped(qs: QuerySet[M], user: User, *fields: str) -> QuerySet[M]:
    """Rows whose org (any of `fields`, default "org") is visible to the user."""
    ids = visible_org_ids(user)
    condition = Q()
    for field in fields or ("org",):
        condition |= Q(**{f"{field}_id__in": ids})
    return qs.filter(condition)


def get_scoped(qs: QuerySet[M], user: User, pk: int, *fields: str, label: str = "记录") -> M:
    found = scoped(qs, user, *fields).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"{label}不存在或无权查看。")
    return found


def require_org(user: User, org: Org | int | None, *, field: str = "org") -> Org:
    """The org a new record is filed under: the user's own by default, else one in their scope."""
    if org is None:
        if user.org is None:
            raise Invalid(field, "您的账号未关联单位。", code="no_org")
        return user.org
    org_id = org if isinstance(org, int) else org.pk
    if org_id not in visible_org_ids(user):
        raise Invalid(field, "只能为本单位或本地区的单位登记。", code="org_out_of_scope")
    return org if isinstance(org, Org) else Org.objects.get(pk=org_id)
