"""Read replicas: which queries may read from a PostgreSQL streaming replica, and which must not.

Configured by ``DATABASE_REPLICA_URLS`` (settings.py turns each URL into a database alias listed in
``settings.XINFANG_REPLICAS``); with no replica configured the router answers ``None`` everywhere and
Django uses ``default`` as it always did.

The rules, in the order they are applied (docs/scaling.md explains why):

1. Only the read-only screens named in ``REPLICA_VIEWS`` (dashboards, statistics and reports, search,
   public tracking), for the HTTP methods listed there, or code inside ``with replica_reads():`` (a
   report command, a benchmark) may read from a replica. Everything else (the work queues, the
   petition page, registration and every transition, the admin, the API's lists and detail) reads the
   primary: a clerk must see what she has just done, and a service's guard must read the rows it is
   about to change.
2. Every write goes to the primary. Once a request has written anything (except to the cache table),
   its later reads go to the primary too, and the response carries a cookie that keeps the same
   browser on the primary for ``XINFANG_REPLICA_PIN_SECONDS`` (default 5): a clerk who registers a
   petition and opens the search page finds it there even if the replica is a moment behind
   (read-your-own-writes across the redirect).
3. While the primary connection is inside ``transaction.atomic()``, reads go to the primary: the
   transaction may have written, or may be about to write on what it read. (A read-only transaction
   opened on the replica itself, ``transaction.atomic(using=read_alias())``, stays on the replica.)
4. Accounts, sessions, API tokens, the cache table and the task queue are always read from the
   primary: a user who is deactivated or loses a role must lose access at once, a session created at
   login must be found on the next request, and the portal's rate-limit counters and queued tasks must
   not be read from a copy that lags.
5. One request reads from one replica (chosen at its first replica read), so that the figures of one
   page come from one snapshot of the data.

Migrations run on the primary only; objects read from a replica may be related to objects of the
primary (they are the same rows).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponseBase

__all__ = [
    "PIN_COOKIE",
    "REPLICA_VIEWS",
    "ReplicaMiddleware",
    "ReplicaRouter",
    "read_alias",
    "replica_aliases",
    "replica_reads",
]

SAFE = frozenset({"GET", "HEAD"})
# URL name → HTTP methods whose handling only reads. The portal's tracking form is POSTed (code,
# phone digits, captcha) but writes nothing but cache counters and the session.
REPLICA_VIEWS: dict[str, frozenset[str]] = {
    "web:dashboard": SAFE,
    "web:search": SAFE,
    "reports:home": SAFE,
    "reports:petitions": SAFE,
    "reports:bulletin": SAFE,
    "reports:bulletin_xlsx": SAFE,
    "reports:annual": SAFE,
    "stats": SAFE,
    "public-track": SAFE,
    "portal:track": SAFE | {"POST"},
    "portal:petition": SAFE,
}
PIN_COOKIE = "xinfang_primary"
# Always read from the primary (rule 4).
PRIMARY_ONLY_APPS = frozenset({"sessions", "authtoken", "django_cache", "django_tasks_database", "auth"})
# Writes that do not pin a request to the primary: the database cache (tile counts, rate limits).
UNPINNED_WRITE_APPS = frozenset({"django_cache"})


@dataclass
class _Reads:
    """What the router knows about the current request (or `replica_reads` block)."""

    allowed: bool = False
    wrote: bool = False
    alias: str | None = None


_state: ContextVar[_Reads | None] = ContextVar("xinfang_replica_reads", default=None)


def replica_aliases() -> list[str]:
    """The configured replica aliases (settings.XINFANG_REPLICAS), read on every call."""
    return list(getattr(settings, "XINFANG_REPLICAS", ()))


def _primary_only(model: type[Any] | None) -> bool:
    if model is None:
        return False
    meta = model._meta
    if meta.app_label in PRIMARY_ONLY_APPS:
        return True
    return bool(model is get_user_model() or meta.label_lower == settings.AUTH_USER_MODEL.lower())


def read_alias(model: type[Any] | None = None) -> str:
    """The alias reads of `model` go to right now (for `transaction.atomic(using=...)`, raw cursors)."""
    state = _state.get()
    replicas = replica_aliases()
    if state is None or not state.allowed or not replicas or state.wrote or _primary_only(model):
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    if state.alias not in replicas:
        state.alias = replicas[0] if len(replicas) == 1 else random.choice(replicas)  # noqa: S311 (load spreading)
    return state.alias


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads as the module docstring says, writes and migrations on default."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not replica_aliases():
            return None
        return read_alias(model)

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        state = _state.get()
        if state is not None and model._meta.app_label not in UNPINNED_WRITE_APPS:
            state.wrote = True
        return DEFAULT_DB_ALIAS if replica_aliases() else None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        same_data = {DEFAULT_DB_ALIAS, *replica_aliases()}
        if obj1._state.db in same_data and obj2._state.db in same_data:
            return True
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        if db in replica_aliases():
            return False  # a replica is read-only: it receives the primary's WAL
        return None


@contextmanager
def replica_reads() -> Iterator[None]:
    """Let the reads in this block go to a replica (unless it writes or opens a transaction on default)."""
    token = _state.set(_Reads(allowed=True))
    try:
        yield
    finally:
        _state.reset(token)


def _pinned(request: HttpRequest) -> bool:
    raw = request.COOKIES.get(PIN_COOKIE, "")
    try:
        return float(raw) > time.time()
    except ValueError:
        return False


class ReplicaMiddleware:
    """Marks the requests whose view is in REPLICA_VIEWS as replica readers, and pins after writes.

    Place it before SessionMiddleware so that everything the request does happens inside its state.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        state = _Reads()
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        if state.wrote and replica_aliases():
            seconds = int(getattr(settings, "XINFANG_REPLICA_PIN_SECONDS", 5))
            response.set_cookie(
                PIN_COOKIE,
                f"{time.time() + seconds:.3f}",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
            )
        return response

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponseBase | None:
        state = _state.get()
        match = request.resolver_match
        if state is None or match is None or not replica_aliases():
            return None
        methods = REPLICA_VIEWS.get(match.view_name)
        state.allowed = bool(methods and request.method in methods and not _pinned(request))
        return None
