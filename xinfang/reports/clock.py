"""The reports' notion of today (the local date), in one place so tests can travel in time."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()
