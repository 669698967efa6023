# The two front-door commands: `make run` (whole stack) and `make test` (the suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONPATH := $(CURDIR):$(CURDIR)/platform
# pytest-xdist workers for `make test`: `auto` = one per CPU core; PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto

.PHONY: run test venv services browser lint lock

$(VENV)/.installed: requirements.lock
	@echo "==> Installing Python dependencies into $(VENV) (安装依赖)…"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

venv: $(VENV)/.installed

run: venv
	@$(PY) deploy/run.py

services:
	@bash deploy/scripts/ensure-services.sh

browser:
	@bash deploy/scripts/ensure-browser.sh

test: venv services browser
	@echo "==> Architecture contracts (import-linter)…"
	@$(VENV)/bin/lint-imports --no-cache >/dev/null || $(VENV)/bin/lint-imports --no-cache
	@echo "==> ruff…"
	@$(VENV)/bin/ruff check --quiet .
	@echo "==> pytest (parallel: one worker per core, each with its own test database, cache prefix and Celery queue)…"
	@$(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: venv
	@$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/lint-imports

lock:
	@rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv && .lock-venv/bin/pip install --quiet -r requirements-dev.in \
	  && .lock-venv/bin/pip freeze --exclude-editable > requirements.lock && rm -rf .lock-venv
