"""Settings for a load test of benchmarks/locustfile.py: the app's own, with the public portal's per-IP
limit raised (every simulated user comes from 127.0.0.1, so the limit would answer 429 after 30
look-ups in 10 minutes, working as meant but measuring nothing), and the benchmark databases' key.

    DJANGO_SETTINGS_MODULE=benchmarks.load_settings waitress-serve --threads=8 --port=8765 \\
        xinfang.wsgi:application
"""

import os

from benchmarks.common import BENCH_FIELD_KEY, BENCH_SECRET_KEY

# The bench databases' personal data is encrypted with the benchmark key (benchmarks/common.py).
os.environ.setdefault("FIELD_ENCRYPTION_KEY", BENCH_FIELD_KEY)
os.environ.setdefault("SECRET_KEY", BENCH_SECRET_KEY)

from xinfang.settings import *  # noqa: F403

XINFANG_PORTAL_IP_LOOKUPS = 1_000_000
XINFANG_PORTAL_IP_FAILURES = 1_000_000
