"""Background work, on Django's task framework (django-tasks).

One machine: the database backend (`django_tasks_db`, its worker `manage.py db_worker`) with the
sweep enqueued every few minutes by cron or a systemd timer (`xinfang sweep --enqueue`). Larger
deployments point TASKS at a broker-backed backend (Celery/Redis); see docs/supervision.md.
"""

from __future__ import annotations

from typing import Any

from django_tasks import task


@task()
def run_sweep() -> dict[str, Any]:
    """The sweep, as a task (idempotent; several workers may run it at once)."""
    from .services.sweep import sweep

    return sweep().as_dict()


@task()
def deliver_outbound(message_id: int) -> str:
    """Send one SMS/e-mail; on failure it is left for `retry_due` (called by the sweep) with a back-off."""
    from .notifications.services import deliver

    return deliver(message_id)
