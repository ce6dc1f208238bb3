"""`xinfang demo`: a realistic data set in every state, made through the services, loaded once."""

from __future__ import annotations

import io

from django.core.management import call_command
from rest_framework.test import APIClient

from xinfang.orgs.demo import DEMO_PASSWORD, DEMO_USERS
from xinfang.orgs.models import Org, User
from xinfang.petitions.models import Category, Channel, Event, Kind, Petition, Route, Stage, State
from xinfang.petitions.selectors import overdue_stages, today


def run_demo(*extra: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("demo", "--no-serve", "--petitions", "120", *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts() -> dict[str, int]:
    return {
        "petitions": Petition.objects.count(),
        "stages": Stage.objects.count(),
        "events": Event.objects.count(),
        "users": User.objects.count(),
        "orgs": Org.objects.count(),
        "categories": Category.objects.count(),
    }


def test_demo(db: None, settings, tmp_path) -> None:
    """One generation (about ten seconds), checked from every side."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out, err = run_demo()
    assert err == "", err  # no petition failed or ended in another state than planned
    check_every_state_kind_route_and_channel(out)
    check_realistic_flows()
    check_users_log_in_and_get_tokens(out)
    check_second_run_adds_nothing()


def check_every_state_kind_route_and_channel(demo: str) -> None:
    assert Petition.objects.count() == 120
    states = set(Petition.objects.values_list("state", flat=True))
    assert states == set(State.values)
    assert set(Petition.objects.values_list("kind", flat=True)) == set(Kind.values)
    assert set(Petition.objects.exclude(route="").values_list("route", flat=True)) == set(Route.values)
    assert set(Petition.objects.values_list("channel", flat=True)) == set(Channel.values)
    for value, label in State.choices:
        assert value in demo and label in demo  # the summary table


def check_realistic_flows() -> None:
    on = today()
    all_orgs = list(Org.objects.values_list("id", flat=True))
    assert overdue_stages(all_orgs).exists()
    assert Petition.objects.filter(received_on__lt=on.replace(year=on.year - 1)).exists()
    assert not Event.objects.filter(on__gt=on).exists()
    reasons = {e.data["reason"] for e in Event.objects.filter(action="decline")}
    assert reasons == {"in_progress_elsewhere", "final", "not_competent"}
    actions = set(Event.objects.values_list("action", flat=True))
    assert {
        "transfer",
        "assign",
        "refer",
        "escalate",
        "object",
        "object_approve",
        "object_reject",
        "accept",
        "extend",
        "pause",
        "resume",
        "decide",
        "deliver",
        "request_review",
        "request_reexamination",
        "report",
        "report_accept",
        "report_return",
        "rate",
        "mediate",
        "divert",
        "withdraw",
    } <= actions
    assert Stage.objects.filter(closed_on__isnull=True, pause_reason="hearing", kind="handling").exists()
    assert Stage.objects.filter(extended_days__gt=0).exists()
    referred_to = set(Event.objects.filter(action="refer").values_list("data__to_org", flat=True))
    assert {code.split("-")[1] for code in referred_to} == {"ZFW", "JW"}
    group = Petition.objects.filter(channel=Channel.VISIT, headcount__gte=5)
    assert group.exists()
    for petition in group:
        assert 1 <= petition.petitioners.filter(is_representative=True).count() <= 5
    # Every act is dated on or after the one before it.
    for petition in Petition.objects.all():
        dates = [e.on for e in petition.events.order_by("id")]
        assert dates == sorted(dates), petition.number
        assert dates[0] == petition.received_on


def check_second_run_adds_nothing() -> None:
    before = counts()
    out, err = run_demo()
    assert err == ""
    assert "演示数据已存在" in out
    assert counts() == before


def check_users_log_in_and_get_tokens(demo: str) -> None:
    for username, *_ in DEMO_USERS:
        assert username in demo
    assert DEMO_PASSWORD in demo
    client = APIClient()
    assert client.login(username="dq_clerk", password=DEMO_PASSWORD)
    out = io.StringIO()
    call_command("token", "dq_clerk", stdout=out)
    key = out.getvalue().strip()
    assert len(key) == 40
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/api/v1/petitions/", {"overdue": "true"})
    assert response.status_code == 200
    assert response.json()["count"] > 0
