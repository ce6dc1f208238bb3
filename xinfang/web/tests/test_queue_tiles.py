"""The queue tiles count exactly what the queues list.

`_queue_tiles` counts open stages from the stage index and corrects for the two cases that need the
petition (an accusation against the user's own orgs, 第三十条第三款; an online submission still awaiting
registration); each queue's `filter` is the definition. A world played through the real services (the
demo's scenarios), plus online submissions and an accusation against the county's 党委政府 registered at
its bureau, must give the same counts, overdue and near-due figures for every user on several days.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db.models import Q

from xinfang.orgs import scope
from xinfang.orgs.models import User
from xinfang.petitions.demo_data import load_demo
from xinfang.petitions.models import Stage
from xinfang.petitions.services.intake import PetitionerInput, PetitionInput, petition_register
from xinfang.web import selectors

pytestmark = pytest.mark.django_db

NOW = "2026-11-23 10:00 +0800"
TODAY = dt.date(2026, 11, 23)


def defined(user: User, on: dt.date) -> dict[str, tuple[int, int, int]]:
    """Each queue's (count, overdue, near due) straight from its filter."""
    near = on + dt.timedelta(days=3)
    running = Q(paused_since__isnull=True)
    out = {}
    for key, spec in selectors.QUEUES.items():
        qs = selectors.open_stages_for(user).filter(spec.filter)
        out[key] = (
            qs.count(),
            qs.filter(running, due_on__lt=on).count(),
            qs.filter(running, due_on__gte=on, due_on__lte=near).count(),
        )
    return out


def online(subject: str, org: str, *, received_on: dt.date, accused: str = "") -> None:
    petition_register(
        PetitionInput(
            channel="online",
            received_on=received_on,
            subject=subject,
            content="网上提交的信访事项，尚待工作人员核对登记。",
            kind="accusation" if accused else "request",
            route="" if accused else "petition",
            region="330521",
            accused_org=accused,
            org=org,
            petitioners=[PetitionerInput(name="赵六", phone="13857212399")],
        ),
        actor=None,
    )


def test_the_tiles_equal_the_queues_definitions(settings):
    settings.XINFANG_NEAR_DUE_DAYS = 3
    with time_machine.travel(NOW, tick=False):
        load_demo(petitions=60, seed=7)
        dq_clerk = User.objects.get(username="dq_clerk")
        online("网上反映小区噪音", "330521-XFJ", received_on=TODAY - dt.timedelta(days=14))
        online("网上反映道路破损", "330521-XFJ", received_on=TODAY)
        online("网上反映村干部优亲厚友", "330521-XFJ", received_on=TODAY, accused="330521-GOV")
        online("网上反映住建局工作人员收受礼品", "330521-ZJJ", received_on=TODAY, accused="330521-ZJJ")
        registered = PetitionInput(
            channel="letter",
            received_on=TODAY - dt.timedelta(days=20),
            subject="来信检举县政府工作人员",
            content="来信检举县政府某工作人员违规发放补贴。",
            kind="accusation",
            region="330521",
            accused_org="330521-GOV",
            petitioners=[PetitionerInput(name="钱七")],
        )
        petition_register(registered, actor=dq_clerk)

    users = list(User.objects.exclude(org=None).select_related("org"))
    seen = {"intake": 0, "excluded": 0}
    for on in (TODAY, TODAY - dt.timedelta(days=20), TODAY + dt.timedelta(days=40)):
        for user in users:
            tiles = {t.key: (t.count, t.overdue, t.near_due) for t in selectors._queue_tiles(user, on)}
            assert tiles == defined(user, on), (user.username, on)
            seen["intake"] += tiles["intake"][0]
            held = Stage.objects.filter(closed_on__isnull=True, org_id__in=scope.acting_org_ids(user))
            seen["excluded"] += held.count() - selectors.open_stages_for(user).count()
    # The world has both corrections in it, with overdue and near-due stages among the queues.
    assert seen["intake"] > 0 and seen["excluded"] > 0
    bureau = {t.key: t for t in selectors._queue_tiles(dq_clerk, TODAY)}
    assert bureau["intake"].count == 2  # the accusation against its own 党委政府 is not shown to it
    assert sum(t.overdue for t in bureau.values()) > 0 and sum(t.near_due for t in bureau.values()) > 0


def test_a_queue_tile_stops_counting_at_the_cap(api, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 2)
    from xinfang.petitions.tests.helpers import register

    for i in range(3):
        register(api("dq_clerk"), subject=f"来信{i}")
    tiles = {t.key: t for t in selectors._queue_tiles(User.objects.get(username="dq_clerk"), TODAY)}
    assert (tiles["triage"].count, tiles["triage"].capped) == (2, True)


def test_each_queue_names_every_kind_it_can_hold():
    from xinfang.petitions.models import StageKind

    for spec in selectors.QUEUES.values():
        for kind in StageKind.values:
            held = any(spec.holds(kind, d, r) for d in (False, True) for r in (False, True))
            assert held == (kind in spec.kinds), (spec.key, kind)
