"""The task queue on a broker: with TASKS_BROKER_URL the app's own tasks go to Redis (RQ) instead of the
database, and `xinfang worker` runs them from there (docs/scaling.md).

Needs the Redis server at 127.0.0.1:6379 (XINFANG_TEST_REDIS_URL to use another one); each test worker
uses a database number of its own (14, 13, …), emptied before and after each test.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tasks import default_task_backend
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from xinfang.core.management.commands.worker import queue_kind
from xinfang.petitions.tests.helpers import person, register
from xinfang.routing.models import PetitionVector

# One Redis database per pytest-xdist worker (14, 13, …): a test empties its own, never a neighbour's.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
REDIS_URL = os.environ.get(
    "XINFANG_TEST_REDIS_URL", f"redis://127.0.0.1:6379/{14 - int(_WORKER.removeprefix('gw') or 0) % 8}"
)


def _redis() -> Any:
    from redis import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except RedisError as exc:
        message = f"no Redis at {REDIS_URL}: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return client


@pytest.fixture
def broker(settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The settings TASKS_BROKER_URL produces, pointed at the test Redis database (emptied around it)."""
    client = _redis()
    client.flushdb()
    monkeypatch.setenv("XINFANG_ENCODER", "none")
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    yield client
    client.flushdb()


def _queue() -> Any:
    import django_rq
    from django_tasks_rq import Job

    return django_rq.get_queue("default", job_class=Job)


def _register(api: Any, django_capture_on_commit_callbacks: Any) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        body = register(api("dq_clerk"), petitioners=[person(1)], subject="小区物业乱收费")
    return int(body["id"])


@pytest.mark.django_db
def test_registration_queues_its_task_on_redis_and_a_worker_runs_it(
    broker: Any, api: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks_rq import Job
    from rq import SimpleWorker

    assert queue_kind() == "redis"
    petition_id = _register(api, django_capture_on_commit_callbacks)

    # The routing fingerprint is queued on Redis, not in the database queue, and not yet computed.
    queue = _queue()
    assert queue.count == 1
    job = queue.jobs[0]
    assert job.func_name == "xinfang.routing.tasks.store_petition_vector"
    assert job.args == [petition_id] or tuple(job.args) == (petition_id,)
    assert not DBTaskResult.objects.exists()
    assert not PetitionVector.objects.filter(petition_id=petition_id).exists()
    assert default_task_backend.get_result(job.id).status == TaskResultStatus.READY

    # An RQ worker (in this process, so it sees this test's transaction) works the queue off.
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    assert queue.count == 0
    assert PetitionVector.objects.filter(petition_id=petition_id).exists()
    assert default_task_backend.get_result(job.id).status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db
def test_a_failing_task_is_reported_failed_with_its_error(broker: Any) -> None:
    from django_tasks_rq import Job
    from rq import SimpleWorker

    from xinfang.routing.tasks import scan_hotspots

    result = scan_hotspots.enqueue(window_days=0)  # refused by the service: code invalid_window
    queue = _queue()
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    done = default_task_backend.get_result(result.id)
    assert done.status == TaskResultStatus.FAILED
    assert done.errors and "Invalid" in done.errors[0].exception_class_path


@pytest.mark.django_db
def test_worker_refuses_a_backend_it_cannot_run(settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with pytest.raises(CommandError, match="没有对应的 worker"):
        call_command("worker", "--burst")


@pytest.mark.django_db(transaction=True)  # the database worker closes its connection when it stops
def test_worker_on_the_database_queue_runs_db_worker(settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from xinfang.routing.tasks import scan_hotspots

    monkeypatch.setenv("XINFANG_ENCODER", "none")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert queue_kind() == "database"
    result = scan_hotspots.enqueue(window_days=30)
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.READY
    call_command("worker", "--burst", stdout=io.StringIO())
    assert DBTaskResult.objects.get(id=result.id).status == TaskResultStatus.SUCCESSFUL


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_xinfang_worker_in_another_process_runs_what_the_app_queued(
    broker: Any, api: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """As deployed: the app enqueues, a separate `xinfang worker` process (TASKS_BROKER_URL set, the
    settings install django-rq) takes the job from Redis and writes to the same database."""
    if connection.vendor != "postgresql":
        pytest.skip("another process sees the test database only on PostgreSQL")
    petition_id = _register(api, django_capture_on_commit_callbacks)
    assert _queue().count == 1
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TASKS_BROKER_URL": REDIS_URL,
        "XINFANG_ENCODER": "none",
    }
    env.pop("TASKS_BACKEND", None)
    done = subprocess.run(
        [sys.executable, "-m", "xinfang.cli", "worker", "--burst"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert _queue().count == 0
    assert PetitionVector.objects.filter(petition_id=petition_id).exists()
