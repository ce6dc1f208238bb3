"""Background work of the routing app (django-tasks): vectors after registration, training, hotspots.

The two periodic jobs are enqueued by cron or a systemd timer and run by `xinfang db_worker`
(docs/routing.md): `xinfang routing train --enqueue` (nightly) and `xinfang hotspots --enqueue`
(hourly). Both are safe to run twice: a training adds one more version, a scan refreshes its alerts.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tasks import task

from xinfang.core.errors import Invalid
from xinfang.routing import services
from xinfang.routing.models import RoutingModel


@task()
def store_petition_vector(petition_id: int) -> None:
    """Run after the registration commits: the request never waits for the encoder."""
    services.petition_vector_store(petition_id)


@task()
def train_routing_model() -> dict[str, Any]:
    """The scheduled retraining: the new version's figures, or why there is none yet (the rules answer)."""
    try:
        model = services.routing_train()
    except Invalid as exc:
        if exc.code != "no_history":
            raise
        return {"version": None, "code": exc.code, "detail": exc.message}
    return model_summary(model)


@task()
def scan_hotspots(window_days: int = 30, min_size: int = 5, min_people: int | None = 3) -> dict[str, Any]:
    """The periodic 矛盾隐患预警 scan of the petitions received in the window ending today."""
    alerts = services.hotspot_scan(
        on=timezone.localdate(), window_days=window_days, min_size=min_size, min_people=min_people
    )
    return {"alerts": [a.pk for a in alerts]}


def model_summary(model: RoutingModel) -> dict[str, Any]:
    """What the command and the task print about a trained version."""
    return {
        "version": model.version,
        "trained_at": model.trained_at.isoformat(),
        "n_train": model.n_train,
        "n_feedback": model.n_feedback,
        "cv_accuracy": model.cv_accuracy,
        "cv_macro_f1": model.cv_macro_f1,
        "unit_cv_accuracy": model.unit_cv_accuracy,
        "encoder": model.encoder,
    }
