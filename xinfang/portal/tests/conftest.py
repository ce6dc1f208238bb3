"""The portal's test world: an empty cache (rate-limit counters) and uploads in a throwaway folder."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_portal(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    cache.clear()
    yield
    cache.clear()
