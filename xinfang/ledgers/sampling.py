"""The 评查 sample draw: pure, seeded, reproducible.

Same seed + same population (petition ids) → same sample, on any machine and Python ≥ 3.11
(`random.Random(seed).sample` over the ids in ascending order). The population digest lets an auditor
check that the population has not changed since the draw.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Sequence


def sample_size(population: int, *, size: int | None = None, percent: int | None = None) -> int:
    """How many to draw: a fixed number, or a percentage rounded up (at least one when any exist)."""
    if size is not None:
        return min(size, population)
    assert percent is not None
    return min(population, math.ceil(population * percent / 100))


def draw(ids: Sequence[int], seed: int, n: int) -> list[int]:
    """Draw n ids; the result is sorted so the cases read in registration order."""
    ordered = sorted(ids)
    return sorted(random.Random(seed).sample(ordered, n))  # noqa: S311 - reproducibility, not secrecy


def digest(ids: Sequence[int]) -> str:
    return hashlib.sha256(",".join(str(i) for i in sorted(ids)).encode()).hexdigest()
