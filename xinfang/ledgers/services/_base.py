"""Shared machinery of the ledger services: audit rows, date and text guards."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Model
from django.utils import timezone

from xinfang.core.errors import Forbidden, Invalid
from xinfang.ledgers.models import LedgerEvent
from xinfang.orgs.models import Org, User


def today() -> dt.date:
    return timezone.localdate()


def audit(
    ledger: str, record: Model, action: str, *, actor: User, org: Org | int | None = None, **data: Any
) -> LedgerEvent:
    """The audit row of one write (who, which record, what), in the write's own transaction."""
    if org is None:
        org = actor.org_id
    assert org is not None
    clean = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}
    return LedgerEvent.objects.create(
        ledger=ledger,
        record_id=record.pk,
        action=action,
        org_id=org if isinstance(org, int) else org.pk,
        actor=actor,
        data=clean,
    )


def require_user(actor: User) -> None:
    if not actor.is_authenticated or actor.org_id is None:
        raise Forbidden("您的账号未关联单位，不能登记台账。", code="no_org")


def check_date(value: dt.date | None, field: str, label: str) -> dt.date:
    if value is None:
        raise Invalid(field, f"请填写{label}。", code="required")
    if value > today():
        raise Invalid(field, f"{label}不能晚于今天。", code="date_in_future")
    return value


def require_text(value: str | None, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(field, f"请填写{label}。", code="required")
    return value


def require_count(value: int | None, field: str, label: str) -> int:
    if value is None:
        return 0
    if value < 0:
        raise Invalid(field, f"{label}不能为负数。", code="min_value")
    return int(value)


def require_choice(value: str, choices: list[tuple[str, str]], field: str, label: str) -> str:
    allowed = {k for k, _ in choices if k}
    if value not in allowed:
        listing = "、".join(f"{k}（{v}）" for k, v in choices if k)
        raise Invalid(field, f"{label}应为：{listing}。", code="invalid_choice")
    return value
