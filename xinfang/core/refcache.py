"""A per-process memo for small reference tables read on every request (categories, region codes).

Registration validates a category code and a 行政区划 code on every petition; both tables hold a few
hundred rows that change a few times a year. Each entry lives at most `ttl` seconds and every entry of a
model is dropped at once when this process saves or deletes a row of it (`watch`), so an admin's change
is seen at once here and within `ttl` seconds by the other app processes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")
DEFAULT_TTL_SECONDS = 60.0

_store: dict[tuple[str, str], tuple[float, Any]] = {}


def memo(model: type[models.Model], key: str, loader: Callable[[], T], ttl: float = DEFAULT_TTL_SECONDS) -> T:
    slot = (model._meta.label, key)
    now = time.monotonic()
    hit = _store.get(slot)
    if hit is not None and now - hit[0] < ttl:
        return hit[1]  # type: ignore[no-any-return]
    value = loader()
    _store[slot] = (now, value)
    return value


def clear(model: type[models.Model] | None = None) -> None:
    if model is None:
        _store.clear()
        return
    label = model._meta.label
    for slot in [s for s in _store if s[0] == label]:
        _store.pop(slot, None)


def watch(model: type[models.Model]) -> None:
    """Drop the model's entries whenever a row of it is saved or deleted in this process."""

    def _clear(**kwargs: object) -> None:
        clear(model)

    uid = f"refcache_{model._meta.label}"
    post_save.connect(_clear, sender=model, weak=False, dispatch_uid=uid)
    post_delete.connect(_clear, sender=model, weak=False, dispatch_uid=f"{uid}_del")
