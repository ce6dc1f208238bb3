"""Which actions a user may take on a petition now: the read side of the transition map.

The services are the authority (they guard every call); this module answers "what should the
workbench offer?" without trying anything. `tests/test_transitions.py` checks the two agree: every
action offered succeeds, every action withheld is refused.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from xinfang.orgs import scope
from xinfang.orgs.models import Org, OrgType, User
from xinfang.petitions.models import (
    TERMINAL_STATES,
    Kind,
    Outcome,
    Petition,
    Route,
    Stage,
    StageKind,
    State,
)


def available_actions(
    petition: Petition,
    user: User,
    on: dt.date,
    *,
    stages: list[Stage] | None = None,
    visible: bool = False,
) -> list[str]:
    """What `user` may do to `petition` on `on` (the services decide the same; test_transitions.py).

    A caller that read the petition through `scope.get_petition_for(user, …)` may say it is `visible`,
    and pass its `stages` (ordered by id) when it has them: the petition page does both.
    """
    if user.role not in scope.ACTING_ROLES:
        return []
    if not visible and not scope.petitions_visible_to(user).filter(pk=petition.pk).exists():
        return []
    acting = scope.acting_org_ids(user)
    if stages is None:
        stages = list(petition.stages.select_related("org").order_by("id"))
    open_mine = [s for s in stages if s.closed_on is None and s.org_id in acting]
    actions: list[str] = []
    for stage in open_mine:
        actions += _for_stage(petition, stage, on)
    submitted = [s for s in stages if s.kind == StageKind.REPORT and s.outcome == Outcome.REPORT_SUBMITTED]
    if submitted and submitted[-1].from_org_id in acting:
        actions += ["report_accept", "report_return"]
    if petition.state == State.ANSWERED and petition.appeal_until and on <= petition.appeal_until:
        after = petition.appeal_basis.get("after")
        actions.append("request_review" if after == StageKind.HANDLING else "request_reexamination")
    answered = [
        s
        for s in stages
        if s.kind in (StageKind.HANDLING, StageKind.REVIEW, StageKind.REEXAMINATION)
        and s.closed_on is not None
        and s.decided_on is not None
    ]
    if answered:
        latest = max(answered, key=lambda s: (s.closed_on, s.pk))
        if not hasattr(latest, "rating"):
            actions.append("rate")
    if petition.state not in TERMINAL_STATES:
        actions.append("withdraw")
    if any(s.closed_on is None and s.paused_since is None and s.due_on < on for s in stages):
        actions.append("urge")
    return list(dict.fromkeys(actions))


def _for_stage(petition: Petition, stage: Stage, on: dt.date) -> list[str]:
    kind = stage.kind
    route_six = petition.kind == Kind.REQUEST and petition.route == Route.PETITION
    divertible = petition.kind == Kind.REQUEST and petition.route != Route.PETITION
    if kind == StageKind.TRIAGE:
        actions = ["transfer", "assign", "refer", "decline"]
        if stage.org.type == OrgType.BUREAU:
            actions.append("escalate")
        return actions
    if kind == StageKind.NOTICE:
        actions = ["divert"] if divertible else ["accept"]
        if stage.from_org_id is None:
            if Org.objects.filter(
                Q(supervisor=stage.org_id) | Q(parent=stage.org_id), is_active=True
            ).exists():
                actions += ["transfer", "assign"]
            actions.append("decline")
        else:
            window = stage.data.get("objection_due_on")
            if window and on <= dt.date.fromisoformat(window) and not stage.data.get("objection_rejected"):
                actions.append("object")
            actions.append("decline")  # 第十九条第三款 / 第三十六条第三款 remain open to the receiving unit
        return actions
    if kind == StageKind.OBJECTION:
        return ["object_approve", "object_reject"]
    if kind in (StageKind.HANDLING, StageKind.REVIEW, StageKind.REEXAMINATION):
        if stage.decided_on is not None:
            return ["deliver"]
        # While the clock is stopped nothing is decided; an extension or a settlement may still come.
        actions = ["resume"] if stage.paused_since is not None else ["decide", "pause"]
        if kind == StageKind.HANDLING:
            if not stage.extended_days and on <= stage.due_on:
                actions.append("extend")
            if route_six:
                actions.append("mediate")
            if divertible:
                actions.append("divert")
        return actions
    if kind == StageKind.REPORT:
        busy = petition.stages.filter(
            org_id=stage.org_id, closed_on__isnull=True, kind__in=(StageKind.NOTICE, StageKind.HANDLING)
        ).exists()
        return [] if busy else ["report"]
    return []
