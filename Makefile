# Stamp files make repeated runs fast: each setup step reruns only when its inputs change.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed
ORACLE_V2 := .venv-oracles/v2/.installed
ORACLE_V06 := .venv-oracles/v06/.installed
NODE_STAMP := node_modules/.installed
CHROMIUM := /usr/bin/chromium
SHELLCHECK := /usr/bin/shellcheck
STATIC_STAMP := staticfiles/staticfiles.json
STATIC_SOURCES := $(shell find static -type f 2>/dev/null)
PG_URL := postgres://postgres@127.0.0.1:5432/wizard

.PHONY: run test test-sqlite test-postgres lint fmt bench

$(VENV_STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

.venv-oracles/%/.installed: tests/oracles/requirements-%.txt
	test -x .venv-oracles/$*/bin/python || $(PYTHON) -m venv .venv-oracles/$*
	.venv-oracles/$*/bin/python -m pip install -q -r $<
	touch $@

# Debian's Chromium for Playwright; Playwright's own browser download is never used.
$(CHROMIUM):
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium

# Debian's shellcheck: tests/core/test_runbook_shell.py checks every runbook shell block with it.
$(SHELLCHECK):
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q shellcheck

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(STATIC_STAMP): $(VENV_STAMP) $(STATIC_SOURCES)
	DJANGO_DEBUG=1 $(PY) manage.py collectstatic --noinput -v 0

run: $(VENV_STAMP)
	DJANGO_DEBUG=1 $(PY) manage.py migrate
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: $(VENV_STAMP) $(ORACLE_V2) $(ORACLE_V06) $(CHROMIUM) $(SHELLCHECK) $(NODE_STAMP) $(STATIC_STAMP)
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

# The whole suite on SQLite (the default database).
test-sqlite:
	$(PY) -m pytest

# Again on PostgreSQL, for what touches the database: not the plain-Python core, not the browser.
# pytest exits 5 when it collects nothing, which is fine here.
test-postgres:
	pg_isready -q -h 127.0.0.1 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	for _ in $$(seq 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
	psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'wizard'" | grep -q 1 \
		|| createdb -h 127.0.0.1 -U postgres wizard
	DATABASE_URL=$(PG_URL) $(PY) -m pytest --ignore=tests/core --ignore=tests/browser \
		--ignore=tests/test_oracles_selfcheck.py || [ $$? -eq 5 ]

lint: $(VENV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(VENV_STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The benchmark (bench/run.py): what users feel, a table with PASS/FAIL per target; exits 1 on a
# miss. BENCH_ARGS=--quick checks the scripts end to end with small counts (docs/performance.md).
bench: $(VENV_STAMP) $(STATIC_STAMP) $(CHROMIUM)
	$(PY) bench/run.py $(BENCH_ARGS)
