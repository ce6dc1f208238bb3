"""The app runs with a read replica configured (xinfang.core.dbrouter, docs/scaling.md).

The replica is an alias that MIRRORs the test database (a separate connection to the same data, as a
streaming replica is), so a query can be told apart by the connection it ran on. The tests are
transactional: what the primary commits is what the replica connection sees.
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from xinfang.core import dbrouter
from xinfang.orgs.models import Org, User
from xinfang.petitions.models import Petition
from xinfang.petitions.services.intake import PetitionerInput, PetitionInput, petition_register

REPLICA = "replica"


def _add_mirror_alias() -> None:
    """A second alias on the test database, as DATABASE_REPLICA_URLS would configure one.

    Done at import (collection), before pytest-django sets the test databases up, so that the test
    runner treats it as a mirror of default. Nothing routes to it unless XINFANG_REPLICAS names it.
    """
    if REPLICA in connections.settings:
        return
    mirror = copy.deepcopy(connections.settings[DEFAULT_DB_ALIAS])
    mirror["TEST"] = {**mirror.get("TEST", {}), "MIRROR": DEFAULT_DB_ALIAS}
    connections.settings[REPLICA] = mirror
    if REPLICA not in django_settings.DATABASES:
        django_settings.DATABASES[REPLICA] = mirror


_add_mirror_alias()

pytestmark = pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])


@pytest.fixture
def replica(settings):
    settings.XINFANG_REPLICAS = [REPLICA]
    settings.DATABASE_ROUTERS = ["xinfang.core.dbrouter.ReplicaRouter"]
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(
        middleware.index("django.contrib.sessions.middleware.SessionMiddleware"),
        "xinfang.core.dbrouter.ReplicaMiddleware",
    )
    settings.MIDDLEWARE = middleware
    return REPLICA


def _register(clerk: User, *, subject: str, phone: str = "13857212345") -> Petition:
    return petition_register(
        PetitionInput(
            channel="letter",
            received_on=timezone.localdate() - dt.timedelta(days=1),
            subject=subject,
            content=f"{subject}，多次反映无果。",
            request="请求依法处理。",
            kind="request",
            route="petition",
            region="330521",
            petitioners=[PetitionerInput(name="张秀英", id_number="33052119680512002X", phone=phone)],
        ),
        actor=clerk,
    )


def _tables(queries: CaptureQueriesContext) -> str:
    return "\n".join(q["sql"] for q in queries.captured_queries)


def _web(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_it_reads_the_search_page_from_the_replica(users, replica):
    petition = _register(users["dq_clerk"], subject="小区消防通道被占用")
    client = _web(users["dq_clerk"])
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        response = client.get("/search/", {"q": "消防通道"})
    assert response.status_code == 200
    assert petition.number in response.content.decode()
    assert "petitions_petition" in _tables(on_replica)
    assert "petitions_petition" not in _tables(on_primary)
    # The session and the signed-in user come from the primary (rule 4).
    assert "django_session" in _tables(on_primary)
    assert "django_session" not in _tables(on_replica)
    assert dbrouter.PIN_COOKIE not in response.cookies


def test_it_keeps_the_work_queue_and_the_petition_page_on_the_primary(users, replica):
    petition = _register(users["dq_clerk"], subject="拖欠工资")
    client = _web(users["dq_clerk"])
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert client.get("/").status_code == 200
        assert client.get(f"/petitions/{petition.pk}/").status_code == 200
    assert on_replica.captured_queries == []


def test_it_writes_to_the_primary_and_then_keeps_the_clerk_there(users, replica):
    clerk = users["dq_clerk"]
    token, _ = Token.objects.get_or_create(user=clerk)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    body = {
        "channel": "visit",
        "received_on": timezone.localdate().isoformat(),
        "petitioners": [{"name": "李建国", "id_number": "33052119680512002X", "phone": "13857212345"}],
        "subject": "村道破损",
        "content": "村道破损严重，雨天无法通行。",
        "kind": "request",
        "route": "petition",
        "region": "330521",
    }
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        response = client.post("/api/v1/petitions/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert on_replica.captured_queries == []
    assert 'INSERT INTO "petitions_petition"' in _tables(on_primary)
    pin = response.cookies[dbrouter.PIN_COOKIE]
    assert 0 < int(pin["max-age"]) <= 5

    # The same browser, right after its write, searches on the primary: it finds what it just did
    # even if the replica were a moment behind.
    browser = _web(clerk)
    browser.cookies[dbrouter.PIN_COOKIE] = pin.value
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        page = browser.get("/search/", {"q": "村道破损"})
    assert page.status_code == 200
    assert response.json()["number"] in page.content.decode()
    assert on_replica.captured_queries == []


def test_it_reads_the_primary_after_a_write_and_inside_a_transaction(users, replica):
    clerk = users["dq_clerk"]
    with dbrouter.replica_reads():
        assert dbrouter.read_alias(Petition) == REPLICA
        with transaction.atomic():
            assert dbrouter.read_alias(Petition) == DEFAULT_DB_ALIAS
        # A read-only transaction on the replica itself stays there (one snapshot for a report).
        with transaction.atomic(using=dbrouter.read_alias(Petition)):
            assert dbrouter.read_alias(Petition) == REPLICA
            assert Petition.objects.count() == 0
        # Accounts are always read from the primary.
        assert dbrouter.read_alias(User) == DEFAULT_DB_ALIAS
        petition = _register(clerk, subject="噪音扰民")
        assert dbrouter.read_alias(Petition) == DEFAULT_DB_ALIAS
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            assert Petition.objects.get(pk=petition.pk).subject == "噪音扰民"
        assert on_replica.captured_queries == []
    # Outside a replica block (commands, tasks, other requests) everything uses the primary.
    assert dbrouter.read_alias(Petition) == DEFAULT_DB_ALIAS


def test_it_serves_the_statistics_and_the_dashboard_with_a_replica_configured(users, replica):
    _register(users["dq_clerk"], subject="小区物业管理")
    _register(users["dq_clerk"], subject="子女入学")
    stats = _web(users["dq_clerk"]).get("/api/v1/stats/", {"org": "330521-XFJ"})
    assert stats.status_code == 200, stats.content
    assert stats.json()["volume"]["total"] == 2
    assert _web(users["dq_clerk"]).get("/reports/", {"org": "330521-XFJ"}).status_code == 200
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        dashboard = _web(users["dq_leader"]).get("/dashboard/")
    assert dashboard.status_code == 200
    assert "petitions_stage" in _tables(on_replica)


def test_it_serves_public_tracking_from_the_replica(users, replica):
    petition = _register(users["dq_clerk"], subject="土地征收补偿", phone="13900001234")
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = Client().get("/api/v1/public/track/", {"code": petition.query_code, "phone_tail": "1234"})
    assert response.status_code == 200, response.content
    assert response.json()["number"] == petition.number
    assert "petitions_petition" in _tables(on_replica)


def test_it_migrates_only_the_primary_and_relates_objects_of_both(users, replica):
    router = dbrouter.ReplicaRouter()
    assert router.allow_migrate(REPLICA, "petitions") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "petitions") is None
    on_replica = Org.objects.using(REPLICA).get(code="330521-XFJ")
    on_primary = Org.objects.get(code="330521-XFJ")
    assert router.allow_relation(on_replica, on_primary) is True


def test_it_changes_nothing_without_a_replica(users, settings):
    settings.XINFANG_REPLICAS = []
    router = dbrouter.ReplicaRouter()
    with dbrouter.replica_reads():
        assert router.db_for_read(Petition) is None
        assert router.db_for_write(Petition) is None
        assert dbrouter.read_alias(Petition) == DEFAULT_DB_ALIAS


def _settings_with(env: dict[str, str]) -> dict[str, object]:
    """Loads settings.py in a fresh interpreter with `env` and returns what the router depends on."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({'replicas': s.XINFANG_REPLICAS, 'routers': s.DATABASE_ROUTERS,"
        "'middleware': s.MIDDLEWARE, 'hosts': {a: s.DATABASES[a].get('HOST') for a in s.DATABASES},"
        "'mirror': {a: s.DATABASES[a].get('TEST', {}).get('MIRROR') for a in s.DATABASES}}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATABASE_REPLICA_URLS"}}
    out = subprocess.run(  # noqa: S603 (our own interpreter and a fixed script)
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "xinfang.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_settings_turn_each_replica_url_into_an_alias_and_install_the_router(tmp_path):
    found = _settings_with(
        {
            "XINFANG_DATA_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://xinfang@primary:5432/xinfang",
            "DATABASE_REPLICA_URLS": "postgres://xinfang@r1:5432/xinfang, postgres://xinfang@r2:5432/xinfang",
        }
    )
    assert found["replicas"] == ["replica1", "replica2"]
    assert found["hosts"] == {"default": "primary", "replica1": "r1", "replica2": "r2"}
    assert found["mirror"] == {"default": None, "replica1": "default", "replica2": "default"}
    assert found["routers"] == ["xinfang.core.dbrouter.ReplicaRouter"]
    middleware = list(found["middleware"])  # type: ignore[call-overload]
    assert middleware.index("xinfang.core.dbrouter.ReplicaMiddleware") < middleware.index(
        "django.contrib.sessions.middleware.SessionMiddleware"
    )


def test_settings_without_replicas_route_nothing(tmp_path):
    found = _settings_with({"XINFANG_DATA_DIR": str(tmp_path)})
    assert found["replicas"] == []
    assert found["routers"] == []
    assert "xinfang.core.dbrouter.ReplicaMiddleware" not in found["middleware"]  # type: ignore[operator]
