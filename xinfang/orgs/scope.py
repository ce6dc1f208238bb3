"""Who may see and act on what: the one place access is decided (DESIGN.md §4).

- A 信访部门 sees every petition of its region: the subtree of its own 党委政府.
- A 党委政府 sees its subtree.
- Any other unit sees what it holds or has held (any stage at that unit)
  and what it registered.
- Accusation material (检举控告) is never shown to the accused unit, whatever its role
  (《信访工作条例》第三十条第三款: 不得将信访人的检举、揭发材料以及有关情况透露或者转给被检举、揭发的人员或者单位).

"Does not exist" and "not visible" get the same answer (404).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

from xinfang.core.errors import Forbidden, NotFound
from xinfang.orgs.models import Org, OrgType, Role, User

if TYPE_CHECKING:
    from xinfang.petitions.models import Petition

# Roles that may change a petition's state; 督查员 read and supervise (their own issue).
ACTING_ROLES = frozenset({Role.CLERK, Role.HANDLER, Role.LEADER, Role.ADMIN})


_REGION_TTL_SECONDS = 60.0
_regions: dict[str, tuple[float, list[int]]] = {}


def region_org_ids(org: Org) -> list[int] | None:
    """Ids of the orgs in this org's region, or None when the org has no region to oversee.

    Asked several times per request; the org tree changes a few times a year, so each process keeps
    the answer for a minute, and any save to the tree clears it at once (signals in orgs.apps).
    """
    if org.type not in (OrgType.BUREAU, OrgType.PARTY_GOV):
        return None
    root = org.region_root()
    now = time.monotonic()
    hit = _regions.get(root.path)
    if hit is not None and now - hit[0] < _REGION_TTL_SECONDS:
        return list(hit[1])
    ids = list(Org.objects.filter(path__startswith=root.path).values_list("id", flat=True))
    _regions[root.path] = (now, ids)
    return list(ids)


def clear_region_cache() -> None:
    _regions.clear()


def acting_org_ids(user: User) -> set[int]:
    """The orgs a user acts for: their own, and for a 信访部门 its 党委政府 too.

    The 信访部门 is the 党委政府's working body (第十四条); the 复查/复核 addressed to a 党委政府 and
    the matters 报请 to it are prepared and recorded by its 信访部门.
    """
    if user.org_id is None:
        return set()
    # Asked several times per request about the same user object: kept on it, for its org.
    known: tuple[int, frozenset[int]] | None = getattr(user, "_acting_org_ids", None)
    if known is not None and known[0] == user.org_id:
        return set(known[1])
    ids = {user.org_id}
    org = user.org
    if org is not None and org.type == OrgType.BUREAU and org.parent_id is not None:
        parent = org.parent
        if parent is not None and parent.type == OrgType.PARTY_GOV:
            ids.add(parent.pk)
    user._acting_org_ids = (user.org_id, frozenset(ids))  # type: ignore[attr-defined]
    return ids


def petitions_visible_to(user: User) -> QuerySet[Petition]:
    from xinfang.petitions.models import Petition, Stage

    if not user.is_authenticated or user.org_id is None:
        return Petition.objects.none()
    org = user.org
    assert org is not None
    region = region_org_ids(org)
    own = acting_org_ids(user)
    if region is not None:
        held = Stage.objects.filter(petition=OuterRef("pk"), org_id__in=region)
        visible = Q(registered_org_id__in=region) | Exists(held)
    else:
        held = Stage.objects.filter(petition=OuterRef("pk"), org_id__in=own)
        visible = Q(registered_org_id__in=own) | Exists(held)
    # 第三十条第三款: the accused unit never sees the accusation.
    return Petition.objects.filter(visible).exclude(accused_org_id__in=own)


def get_petition_for(user: User, petition_id: int, *, for_update: bool = False) -> Petition:
    qs = petitions_visible_to(user)
    if for_update:
        # Lock only the petition row (not joined rows): the lock serialises every transition on it.
        ids = list(qs.filter(pk=petition_id).values_list("pk", flat=True)[:1])
        if not ids:
            raise NotFound("信访件不存在或无权查看。")
        from xinfang.petitions.models import Petition

        return Petition.objects.select_for_update().get(pk=ids[0])
    # The orgs and category every presentation of a petition shows come in the same query.
    petition = qs.select_related("registered_org", "category", "accused_org").filter(pk=petition_id).first()
    if petition is None:
        raise NotFound("信访件不存在或无权查看。")
    return petition


def require_acting_role(user: User) -> None:
    if user.role not in ACTING_ROLES:
        raise Forbidden("您的角色不能办理信访事项。", code="role_forbidden")


def require_acts_for(user: User, org_id: int) -> None:
    """The user acts for the org that holds the stage (or is an admin of an org above it)."""
    require_acting_role(user)
    if org_id in acting_org_ids(user):
        return
    raise Forbidden("该环节由其他单位办理，您所在单位不能执行此操作。", code="not_holder")


def can_see_personal_data(user: User, petition: Petition) -> bool:
    """Clerks and handlers of the registering org or a holding org may unmask; 督查员 and leaders see masks."""
    if user.role not in (Role.CLERK, Role.HANDLER, Role.ADMIN):
        return False
    own = acting_org_ids(user)
    if petition.registered_org_id in own:
        return True
    return petition.stages.filter(org_id__in=own).exists()
