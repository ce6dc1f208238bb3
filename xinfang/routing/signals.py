"""Hook into registration without touching the petitions app: a new Petition queues its vector."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from xinfang.petitions.models import Petition


def queue_vector(sender: type[Petition], instance: Petition, created: bool, **kwargs: Any) -> None:
    if not created or kwargs.get("raw"):
        return
    pk = instance.pk

    def enqueue() -> None:
        from xinfang.routing.tasks import store_petition_vector

        store_petition_vector.enqueue(pk)

    # After commit: the petitioners are saved by then, and a rollback queues nothing.
    transaction.on_commit(enqueue)
