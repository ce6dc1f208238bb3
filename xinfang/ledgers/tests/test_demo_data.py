"""The demo content loads through the services, once."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import time_machine

from xinfang.ledgers import access, demo_data
from xinfang.ledgers.figures import annual_figures
from xinfang.ledgers.tests.world import TODAY

pytestmark = pytest.mark.django_db


@time_machine.travel(TODAY, tick=False)
def test_it_loads_the_demo_ledgers_once(users):
    today = dt.date(2026, 11, 23)
    counts = demo_data.load(rng=random.Random(1), today=today, users=users)
    assert counts == {"risk_assessments": 10, "outreach_events": 16, "training_sessions": 4}
    assert demo_data.load(rng=random.Random(1), today=today, users=users)["risk_assessments"] == 0
    figures = annual_figures(access.visible_org_ids(users["dq_clerk"]), dt.date(2025, 1, 1), today)
    assert figures["risk_assessments"] == 5 and figures["training_sessions"] == 2
