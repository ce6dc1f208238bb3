"""Background work of the routing app (django-tasks): vectors after registration, training, hotspots."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from xinfang.routing import services


@task()
def store_petition_vector(petition_id: int) -> None:
    """Run after the registration commits: the request never waits for the encoder."""
    services.petition_vector_store(petition_id)


@task()
def train_routing_model() -> int:
    """The scheduled retraining (nightly): returns the new version."""
    return services.routing_train().version


@task()
def scan_hotspots(window_days: int = 30, min_size: int = 5) -> int:
    return len(services.hotspot_scan(on=timezone.localdate(), window_days=window_days, min_size=min_size))
