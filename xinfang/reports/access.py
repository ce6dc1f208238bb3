"""Who may read statistics, and for which org subtree (DESIGN.md §4, §7).

- A user of a 信访部门 or a 党委政府 reads any org of their region (xinfang.orgs.scope.region_org_ids).
- A 领导 or 督查员 of any other unit reads their own unit and the units below it.
- Everyone else gets 403; an org outside the reader's reach gets 404 (same as an unknown code).

The subtree of the org asked for: a 信访部门 stands for its 党委政府's region (the bureau reports on
the whole region it serves); any other org for itself and the orgs below it.
"""

from __future__ import annotations

from dataclasses import dataclass

from xinfang.core.errors import Forbidden, NotFound
from xinfang.orgs import scope
from xinfang.orgs.models import Org, Role, User

READER_ROLES = frozenset({Role.LEADER, Role.SUPERVISOR})


@dataclass(frozen=True)
class Subtree:
    org: Org  # the org asked for
    root: Org  # the org whose subtree is counted (a bureau's 党委政府)
    org_ids: list[int]


def reach(user: User) -> list[int]:
    """Ids of the orgs this user may report on; raises Forbidden when there are none."""
    if not user.is_authenticated or user.org is None:
        raise Forbidden("您没有查看统计数据的权限。", code="stats_forbidden")
    region = scope.region_org_ids(user.org)
    if region is not None:
        return region
    if user.role in READER_ROLES:
        return _subtree_ids(user.org)
    raise Forbidden("统计数据仅向信访部门、党委政府和领导、督查人员开放。", code="stats_forbidden")


def _subtree_ids(org: Org) -> list[int]:
    return list(Org.objects.filter(path__startswith=org.path).values_list("id", flat=True))


def subtree_for(user: User, code: str | None) -> Subtree:
    allowed = reach(user)
    assert user.org is not None
    if code:
        org = Org.objects.filter(code=code.strip()).first()
        if org is None or org.pk not in allowed:
            raise NotFound("机构不存在或不在您的统计范围内。")
    else:
        org = user.org
    root = org.region_root() if org.is_bureau else org
    allowed_set = set(allowed)
    ids = [i for i in _subtree_ids(root) if i in allowed_set]
    return Subtree(org=org, root=root, org_ids=ids)


def orgs_in_reach(user: User) -> list[Org]:
    """For the org picker: the orgs this user may choose, in tree order."""
    return list(Org.objects.filter(pk__in=reach(user)).order_by("path"))


def subtree_of(org: Org) -> Subtree:
    """The subtree an org reports on, without a reader (the annual report command runs as the system)."""
    root = org.region_root() if org.is_bureau else org
    return Subtree(org=org, root=root, org_ids=_subtree_ids(root))
