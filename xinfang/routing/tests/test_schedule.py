"""The scheduled jobs: `xinfang routing train --enqueue` and `xinfang hotspots --enqueue` put a task on
the database queue, `xinfang db_worker` runs it; the admin lists every trained version with its date,
data size and cross-validated figures, and can queue a retraining."""

from __future__ import annotations

import datetime as dt
import io
import json

import numpy as np
import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from xinfang.routing import selectors, services
from xinfang.routing import text as tx
from xinfang.routing.models import HotspotAlert, PetitionVector, RoutingModel
from xinfang.routing.tests.helpers import TODAY, categories, closed_history, plant_hotspot

pytestmark = pytest.mark.django_db

TRAIN_TASK = "xinfang.routing.tasks.train_routing_model"
SCAN_TASK = "xinfang.routing.tasks.scan_hotspots"


@pytest.fixture(autouse=True)
def _no_encoder(monkeypatch: pytest.MonkeyPatch, settings) -> None:
    monkeypatch.setenv("XINFANG_ENCODER", "none")
    selectors._load.cache_clear()
    # The database queue, as in production (whatever TASKS_BACKEND the environment sets).
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# The worker closes its database connection when it stops: those tests run outside a test transaction.
worker_test = pytest.mark.django_db(transaction=True)


def work() -> None:
    """What `xinfang db_worker` does for the queued tasks (here: until the queue is empty)."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=io.StringIO())


def history(api) -> None:
    categories()
    closed_history(api("dq_clerk"), {"330521-ZJJ": api("dq_zjj"), "330521-RSJ": api("dq_rsj")})


@worker_test
@time_machine.travel(TODAY, tick=False)
def test_training_is_enqueued_and_run_by_the_worker(api):
    history(api)
    DBTaskResult.objects.all().delete()  # the vectors queued at registration are not this test's
    printed = json.loads(run("routing", "train", "--enqueue"))
    queued = DBTaskResult.objects.get()
    assert (printed["task"], printed["enqueued"]) == ("train_routing_model", str(queued.id))
    assert queued.task_path == TRAIN_TASK and queued.status == "READY"
    assert not RoutingModel.objects.exists()  # enqueueing trains nothing itself

    work()
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    model = RoutingModel.objects.get()
    done = queued.return_value
    assert isinstance(done, dict)
    assert done["version"] == model.version == 1 and done["n_train"] == model.n_train == 12
    assert model.cv_accuracy is not None and done["cv_accuracy"] == model.cv_accuracy
    assert done["trained_at"] == model.trained_at.isoformat()
    assert model.trained_by is None


@worker_test
@time_machine.travel(TODAY, tick=False)
def test_without_history_the_scheduled_run_says_why_and_the_command_fails_clearly():
    run("routing", "train", "--enqueue")
    work()
    result = DBTaskResult.objects.get(task_path=TRAIN_TASK)
    assert result.status == "SUCCESSFUL"  # nothing to retry: the rules answer meanwhile
    assert isinstance(result.return_value, dict)
    assert result.return_value["version"] is None and result.return_value["code"] == "no_history"
    with pytest.raises(CommandError, match="已办结并分类的信访件不足10件"):
        run("routing", "train")
    assert not RoutingModel.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_the_command_trains_in_process_and_prints_the_figures(api):
    history(api)
    printed = json.loads(run("routing", "train"))
    model = RoutingModel.objects.get()
    assert printed["version"] == 1 and printed["n_train"] == 12
    assert printed["trained_at"] == model.trained_at.isoformat()
    assert 0 <= printed["cv_accuracy"] <= 1 and printed["encoder"] == "none"


@time_machine.travel(TODAY, tick=False)
def test_old_versions_keep_their_figures_but_not_their_weights(api):
    history(api)
    for _ in range(services.KEEP_MODEL_BLOBS + 1):
        services.routing_train()
    kept = {m.version: m.category_model is None for m in RoutingModel.objects.order_by("version")}
    assert kept == {1: True, 2: False, 3: False, 4: False}
    assert RoutingModel.objects.filter(n_train=12, cv_accuracy__isnull=False).count() == 4
    assert selectors.suggest(subject="公司拖欠工资", content="拖欠农民工工资")["model_version"] == 4


@time_machine.travel(TODAY, tick=False)
def test_training_reuses_the_stored_sentence_vectors(api, monkeypatch):
    history(api)
    ids = [pk for pk, *_ in services.training_rows()]
    # Vectors stored after registration for all but two petitions; only those two are encoded now.
    for k, pid in enumerate(ids[2:]):
        vector = np.zeros(tx.ENCODER_DIM, dtype=np.float16)
        vector[k % tx.ENCODER_DIM] = 1
        PetitionVector.objects.create(
            petition_id=pid,
            simhash=0,
            band0=0,
            band1=0,
            band2=0,
            band3=0,
            embedding=vector.tobytes(),
            encoder="use-m3",
        )
    encoded: list[str] = []

    def encode(texts):
        encoded.extend(texts)
        return np.ones((len(texts), tx.ENCODER_DIM), dtype=np.float32) / np.sqrt(tx.ENCODER_DIM)

    monkeypatch.setattr(tx, "encoder_name", lambda: "use-m3")
    monkeypatch.setattr(tx, "encode", encode)
    docs = [d for _, d, _, _ in services.training_rows()]
    vectors = services.training_vectors(ids, docs)
    assert vectors is not None and vectors.shape == (12, tx.ENCODER_DIM)
    assert encoded == docs[:2]
    assert vectors[2][0] == 1.0 and vectors[3][1] == 1.0  # the stored ones, as stored
    model = services.routing_train()
    assert model.encoder == "use-m3"
    assert len(encoded) == 4  # the training encoded the same two again, and nothing else


@worker_test
@time_machine.travel(TODAY, tick=False)
def test_the_hotspot_scan_is_enqueued_with_its_thresholds_and_raises_alerts(api):
    ids = plant_hotspot(api("dq_clerk"), [f"2026-11-{10 + i:02d}" for i in range(5)])
    DBTaskResult.objects.all().delete()
    printed = json.loads(run("hotspots", "--enqueue", "--window-days", "20", "--min-size", "5"))
    queued = DBTaskResult.objects.get()
    assert printed == {"enqueued": str(queued.id), "task": "scan_hotspots"}
    assert queued.task_path == SCAN_TASK
    assert queued.args_kwargs["kwargs"] == {"window_days": 20, "min_size": 5, "min_people": 3}
    assert not HotspotAlert.objects.exists()
    work()
    queued.refresh_from_db()
    alert = HotspotAlert.objects.get()
    assert queued.status == "SUCCESSFUL" and queued.return_value == {"alerts": [alert.pk]}
    assert sorted(alert.petitions.values_list("id", flat=True)) == sorted(ids)
    assert (alert.window_days, alert.raised_on) == (20, dt.date(2026, 11, 23))
    # The next run refreshes the same alert.
    run("hotspots", "--enqueue", "--window-days", "20", "--min-size", "5")
    work()
    assert HotspotAlert.objects.count() == 1


def test_the_hotspot_command_refuses_contradictory_options(tmp_path):
    messages = tmp_path / "m.csv"
    messages.write_text("id,user,time,title,text\n", encoding="utf-8")
    with pytest.raises(CommandError, match="--enqueue 只用于扫描数据库"):
        run("hotspots", "--enqueue", "--messages", str(messages))
    with pytest.raises(CommandError, match="--min-people 至少为2"):
        run("hotspots", "--min-people", "1")
    assert not DBTaskResult.objects.exists()


@time_machine.travel(TODAY, tick=False)
def test_the_admin_lists_versions_with_date_size_and_accuracy_and_queues_a_retraining(api, users):
    history(api)
    services.routing_train(actor=users["admin"])
    latest = services.routing_train()
    client = Client()
    client.force_login(users["admin"])
    html = client.get("/admin/routing/routingmodel/").content.decode()
    assert "分办模型" in html and "交叉验证准确率（分类）" in html
    assert latest.trained_at.strftime("%Y") in html
    assert f"{latest.cv_accuracy:.1%}" in html
    assert "使用中" in html and "历史版本" in html and "定时任务或命令" in html
    assert "排队重新训练" in html
    detail = client.get(f"/admin/routing/routingmodel/{latest.pk}/change/").content.decode()
    assert "训练样本数" in detail and ">12<" in detail.replace(" ", "").replace("\n", "")

    assert client.get("/admin/routing/routingmodel/train/").status_code == 405
    DBTaskResult.objects.all().delete()
    response = client.post("/admin/routing/routingmodel/train/", follow=True)
    assert "已排队重新训练" in response.content.decode()
    assert DBTaskResult.objects.get().task_path == TRAIN_TASK
    # Staff without the admin role see nothing of it.
    clerk = Client()
    clerk.force_login(users["dq_clerk"])
    assert clerk.post("/admin/routing/routingmodel/train/").status_code == 302  # to the admin login
    assert DBTaskResult.objects.count() == 1
