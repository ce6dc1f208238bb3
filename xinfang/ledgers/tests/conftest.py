"""The default checklist for every ledger test (transactional browser tests flush migration data)."""

from __future__ import annotations

import importlib

import pytest

from xinfang.ledgers.models import ChecklistItem

DEFAULT_ITEMS = importlib.import_module("xinfang.ledgers.migrations.0002_default_checklist").DEFAULT_ITEMS


@pytest.fixture(autouse=True)
def _checklist(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue("transactional_db" if marker.kwargs.get("transaction") else "db")
    for code, label, weight, rule, order in DEFAULT_ITEMS:
        ChecklistItem.objects.get_or_create(
            code=code, defaults={"label": label, "weight": weight, "auto_rule": rule, "order": order}
        )
