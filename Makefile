# xinfang: development tasks. `make` (or `make help`) lists them.

PYTHON ?= python3
PORT ?= 8000
# Test workers (pytest-xdist); each gets its own test database (test_xinfang_gw0, ...).
WORKERS ?= 2
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/xinfang
PYTEST = $(PYTHON) -m pytest -q -n $(WORKERS) --benchmark-disable

.DEFAULT_GOAL := help
.PHONY: help install lint typecheck test test-sqlite test-partitioned test-postgres demo bench

help: ## list the tasks
	@echo "make TARGET   (variables: PYTHON=$(PYTHON) PORT=$(PORT) WORKERS=$(WORKERS) POSTGRES_URL=$(POSTGRES_URL))"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# Root installs Debian packages directly; anyone else through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

install: ## install xinfang, its browser assets (npm) and the dev tools; Debian's chromium for browser tests
	$(PYTHON) -m pip install -e '.[dev]'
	npm ci --omit=dev --no-audit --no-fund
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk; }

lint: ## ruff check and ruff format --check
	$(PYTHON) -m ruff check .
	$(PYTHON) -m ruff format --check .

typecheck: ## mypy (strict, settings in pyproject.toml)
	$(PYTHON) -m mypy xinfang

test-sqlite: ## every test but the PostgreSQL-only ones, on SQLite (no DATABASE_URL, throwaway data dir)
	@data=$$(mktemp -d) && trap 'rm -rf "$$data"' EXIT && \
	echo "unset DATABASE_URL; XINFANG_DATA_DIR=$$data $(PYTEST) -m 'not postgres'" && \
	unset DATABASE_URL && XINFANG_DATA_DIR=$$data $(PYTEST) -m "not postgres"

test-postgres: ## every test on PostgreSQL (POSTGRES_URL; pytest-django creates test_xinfang*)
	@data=$$(mktemp -d) && trap 'rm -rf "$$data"' EXIT && \
	echo "DATABASE_URL=$(POSTGRES_URL) XINFANG_DATA_DIR=$$data $(PYTEST)" && \
	DATABASE_URL=$(POSTGRES_URL) XINFANG_DATA_DIR=$$data $(PYTEST)

test-partitioned: ## the lifecycle, statistics, workbench and import tests on PostgreSQL with the yearly partitions of `xinfang partition`
	@data=$$(mktemp -d) && trap 'rm -rf "$$data"' EXIT && \
	echo "DATABASE_URL=$(POSTGRES_URL) XINFANG_TEST_PARTITIONED=1 $(PYTEST) xinfang/petitions xinfang/reports xinfang/web xinfang/bulkimport" && \
	DATABASE_URL=$(POSTGRES_URL) XINFANG_TEST_PARTITIONED=1 XINFANG_DATA_DIR=$$data $(PYTEST) \
		xinfang/petitions xinfang/reports xinfang/web xinfang/bulkimport -m "not postgres" -k "not browser"

# Every step runs even if an earlier one failed, so that one run reports everything; the PostgreSQL tests come
# last (their summary line ends the output) and the exit status is non-zero if any step failed.
TEST_STEPS = install lint typecheck test-sqlite test-partitioned test-postgres

test: ## install, lint, typecheck, then every test on SQLite and on PostgreSQL
	@failed=""; \
	for step in $(TEST_STEPS); do \
		if [ "$$step" = test-postgres ] && [ -n "$$failed" ]; then echo "*** failed so far:$$failed"; fi; \
		echo "=== make $$step"; \
		$(MAKE) --no-print-directory $$step || failed="$$failed $$step"; \
	done; \
	test -z "$$failed"

demo: ## load the demo region and serve it on http://127.0.0.1:PORT/ (xinfang demo)
	xinfang demo --port $(PORT)

bench: ## run the benchmarks (see BENCHMARKS.md)
	@if [ -f benchmarks/run.py ]; then \
		echo "$(PYTHON) benchmarks/run.py" && $(PYTHON) benchmarks/run.py; \
	elif ls benchmarks/test_*.py >/dev/null 2>&1; then \
		echo "$(PYTHON) -m pytest benchmarks -q" && $(PYTHON) -m pytest benchmarks -q; \
	else \
		echo "no benchmarks/run.py: see BENCHMARKS.md (python -m benchmarks.generate, python -m benchmarks.bench_register)" >&2; \
		exit 1; \
	fi
