"""Reads that feed lists, detail pages and dashboards. Access always goes through `orgs.scope`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from xinfang.orgs import scope
from xinfang.orgs.models import Org, User
from xinfang.petitions.models import ACCEPTED_STATES, Petition, Petitioner, Stage, StageKind

SIMILAR_LIMIT = 10
# At most this many of a person's most recent petitions per identifying key are looked at.
SAME_PERSON_CANDIDATES = 200


def today() -> dt.date:
    return timezone.localdate()


@dataclass(frozen=True)
class ClockStatus:
    days_left: int | None
    overdue: bool
    near_due: bool
    paused: bool


def clock_status(stage: Stage, on: dt.date | None = None) -> ClockStatus:
    """Overdue = open, running and past its due date; near due = within the warning window."""
    if stage.closed_on is not None:
        return ClockStatus(None, False, False, False)
    return open_clock_status(stage.due_on, stage.paused_since is not None, on or today())


def open_clock_status(due_on: dt.date, paused: bool, on: dt.date) -> ClockStatus:
    """`clock_status` of an open stage from its due date and whether its clock is paused."""
    left = (due_on - on).days
    overdue = not paused and left < 0
    near = not paused and 0 <= left <= settings.XINFANG_NEAR_DUE_DAYS
    return ClockStatus(left, overdue, near, paused)


def overdue_q(on: dt.date | None = None) -> Q:
    """Petitions with an open, running stage past its due date (`Petition.next_due_on`)."""
    return Q(next_due_on__lt=on or today())


def overdue_stages(org_ids: list[int], on: dt.date | None = None) -> QuerySet[Stage]:
    """Open, running stages past due at these orgs: served by the partial index on open stages."""
    return Stage.objects.filter(
        org_id__in=org_ids, closed_on__isnull=True, paused_since__isnull=True, due_on__lt=on or today()
    )


LIST_COLUMNS = (
    "number",
    "state",
    "channel",
    "kind",
    "received_on",
    "subject",
    "registered_org__code",
    "registered_org__name",
)


def petition_list(
    user: User,
    *,
    state: str | None = None,
    overdue: bool | None = None,
    org: Org | None = None,
    q: str | None = None,
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
) -> QuerySet[Petition]:
    qs = scope.petitions_visible_to(user)
    if state:
        qs = qs.filter(state=state)
    if org is not None:
        qs = qs.filter(Exists(Stage.objects.filter(petition=OuterRef("pk"), org=org, closed_on__isnull=True)))
    if overdue is not None:
        qs = qs.filter(overdue_q()) if overdue else qs.exclude(overdue_q())
    if q:
        qs = qs.filter(Q(subject__icontains=q) | Q(content__icontains=q) | Q(number=q))
    if received_from:
        qs = qs.filter(received_on__gte=received_from)
    if received_to:
        qs = qs.filter(received_on__lte=received_to)
    # A list line shows these columns (`api.present_list_item`): the texts stay in the database.
    qs = qs.select_related("registered_org").only(*LIST_COLUMNS)
    if overdue:
        # The most overdue first, which is what an overdue list is read for; it is also the order of the
        # overdue index, so a page is found without gathering every overdue petition of the city.
        return qs.order_by("next_due_on", "id")
    return qs.order_by("-received_on", "-id")


def petition_list_rows(ids: list[int]) -> list[Petition]:
    """The list lines of these petitions, in the order given (the second step of an ids-first page).

    The overdue list finds its page's ids from the covering overdue index alone (due date, id, and the
    two org columns the visibility test reads), then reads just those rows: a plain index scan would
    read the row of every overdue petition the user may not see before rejecting it.
    """
    rows = Petition.objects.select_related("registered_org").only(*LIST_COLUMNS).in_bulk(ids)
    return [rows[i] for i in ids if i in rows]


def petition_detail_queryset() -> QuerySet[Petition]:
    return Petition.objects.select_related("registered_org", "category", "accused_org")


@dataclass(frozen=True)
class SimilarPetition:
    petition: Petition
    matched_on: tuple[str, ...]


def petitioner_keys(petition: Petition) -> list[tuple[str, str, str, str]]:
    """(id_number_hash, phone_hash, name, address) of each petitioner, from memory when already loaded."""
    loaded = getattr(petition, "_prefetched_objects_cache", {}).get("petitioners")
    if loaded is not None:
        return [(p.id_number_hash, p.phone_hash, p.name, p.address) for p in loaded]
    return list(petition.petitioners.values_list("id_number_hash", "phone_hash", "name", "address"))


def same_person_candidates(petition: Petition) -> dict[int, set[str]]:
    """Other petitions of the same petitioners (same ID number or phone): {petition id: reasons}.

    The most recent `SAME_PERSON_CANDIDATES` per key, read from the (hash, petition id) indexes alone.
    """
    people = petitioner_keys(petition)
    hits: dict[int, set[str]] = {}
    for field, reason, values in (
        ("id_number_hash", "id_number", {p[0] for p in people if p[0]}),
        ("phone_hash", "phone", {p[1] for p in people if p[1]}),
    ):
        if not values:
            continue
        rows = (
            Petitioner.objects.filter(**{f"{field}__in": values})
            .exclude(petition_id=petition.pk)
            .order_by("-petition_id")
            .values_list("petition_id", flat=True)[:SAME_PERSON_CANDIDATES]
        )
        for pid in rows:
            hits.setdefault(pid, set()).add(reason)
    return hits


def similar_petitions(petition: Petition, user: User) -> list[SimilarPetition]:
    """Earlier petitions of the same petitioner (same ID number or phone) that this user may see.

    This is what the 第十九条第三款 and 第三十六条第三款 refusals are applied against; the routing app adds
    the same name + address and near-identical text from anyone (`routing.selectors.extra_matches`).
    """
    from xinfang.routing.selectors import extra_matches

    hits = same_person_candidates(petition)
    found: list[SimilarPetition] = []
    if hits:
        visible = (
            scope.petitions_visible_to(user)
            .filter(pk__in=list(hits), received_on__lte=petition.received_on)
            .select_related("registered_org")
            .order_by("-received_on", "-id")[:SIMILAR_LIMIT]
        )
        found = [SimilarPetition(p, tuple(sorted(hits[p.pk]))) for p in visible]
    known = {petition.pk, *hits}
    found += [SimilarPetition(p, reasons) for p, reasons in extra_matches(petition, user, known)]
    return found[:SIMILAR_LIMIT]


def holders(petition: Petition) -> list[Stage]:
    return [s for s in petition.stages.all() if s.closed_on is None and s.kind != StageKind.REPORT]


def legal_suggestions(
    petition: Petition,
    similar: list[SimilarPetition],
    scores: dict[int, tuple[float, bool]] | None = None,
) -> list[dict[str, Any]]:
    """What the law says about this petition given the same petitioner's earlier ones (staff decide).

    - 第三十六条第三款: a matter concluded after 复核, raised again with the same facts and reasons → 不再受理.
    - 第十九条第三款: a matter accepted or in handling below, raised again with a superior → 不予受理.
    - Otherwise, when the top match is about the same matter (routing's pair score): offer to link it
      as a 重复信访 (answered together) or for joint handling (`routing.services.petition_link_repeat`).
    """
    from xinfang.routing.selectors import link_suggestion

    if petition.state not in ("registered", "awaiting_acceptance"):
        return []
    suggestions: list[dict[str, Any]] = []
    current = [s.org for s in holders(petition)]
    for item in similar:
        earlier = item.petition
        if earlier.is_final:
            suggestions.append(
                {
                    "action": "decline",
                    "reason": "final",
                    "related": earlier.pk,
                    "related_number": earlier.number,
                    "article": "《信访工作条例》第三十六条第三款",
                    "message": f"同一信访人的信访件{earlier.number}已经复核终结；如以同一事实和理由提出，应不再受理。",
                }
            )
        elif earlier.state in ACCEPTED_STATES:
            lower = [s.org for s in holders(earlier)]
            if any(h.pk != c.pk and h.is_within(c.region_root()) for h in lower for c in current):
                suggestions.append(
                    {
                        "action": "decline",
                        "reason": "in_progress_elsewhere",
                        "related": earlier.pk,
                        "related_number": earlier.number,
                        "article": "《信访工作条例》第十九条第三款",
                        "message": f"同一信访人的信访件{earlier.number}正在{lower[0].name}办理中；"
                        "如属同一信访事项，上级机关不予受理。",
                    }
                )
    if not suggestions:
        link = link_suggestion(petition, [(s.petition, s.matched_on) for s in similar], scores)
        if link is not None:
            suggestions.append(link)
    return suggestions
