"""Load and latency benchmarks against PostgreSQL (see BENCHMARKS.md). Run from the repo root with ``python -m``."""
