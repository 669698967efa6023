# The two front-door commands: `make run` (whole stack) and `make test` (the suite).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PYTHONPATH := $(CURDIR):$(CURDIR)/platform
# pytest-xdist workers for `make test`: `auto` = one per CPU core; PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto
# One language per message, as deploy/run.py and deploy/scripts/say.sh: zh-Hans unless MICROMALL_LANGUAGE
# starts with `en`. (This runs before the venv, so before Django's gettext.)
ifneq ($(filter en% EN% En%,$(MICROMALL_LANGUAGE)),)
SAY_INSTALL := ==> Installing the Python dependencies into $(VENV)…
SAY_IMPORTS := ==> Architecture contracts (import-linter)…
SAY_RUFF := ==> ruff…
SAY_PYTEST := ==> pytest (parallel: one worker per core, each with its own test database, cache prefix and Celery queue)…
else
SAY_INSTALL := ==> 正在把 Python 依赖安装到 $(VENV)…
SAY_IMPORTS := ==> 架构约定检查（import-linter）…
SAY_RUFF := ==> 代码检查（ruff）…
SAY_PYTEST := ==> pytest（并行：每个 CPU 核一个进程，各用自己的测试数据库、缓存前缀和 Celery 队列）…
endif
# This machine's pip config names file:// indexes that may be absent; pip then warns once per package. Those
# lines (exactly) are dropped from pip's stderr; everything else, and pip's exit status (pipefail), go through.
PIP_NOISE := ^WARNING: Location 'file:///opt/pypi[^']*' is ignored: it is neither a file nor a directory\.$$

.PHONY: run test venv services browser lint lock

$(VENV)/.installed: requirements.lock
	@echo "$(SAY_INSTALL)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@set -o pipefail; \
	{ $(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock 2>&1 1>&3 3>&- \
	  | { grep --line-buffered -v -e "$(PIP_NOISE)" || [ $$? = 1 ]; } >&2; } 3>&1
	@touch $@

venv: $(VENV)/.installed

run: venv
	@$(PY) deploy/run.py

services:
	@bash deploy/scripts/ensure-services.sh

browser:
	@bash deploy/scripts/ensure-browser.sh

test: venv services browser
	@echo "$(SAY_IMPORTS)"
	@$(VENV)/bin/lint-imports --no-cache >/dev/null || $(VENV)/bin/lint-imports --no-cache
	@echo "$(SAY_RUFF)"
	@$(VENV)/bin/ruff check --quiet .
	@echo "$(SAY_PYTEST)"
	@$(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lint: venv
	@$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/lint-imports

lock:
	@rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv && .lock-venv/bin/pip install --quiet -r requirements-dev.in \
	  && .lock-venv/bin/pip freeze --exclude-editable > requirements.lock && rm -rf .lock-venv
