# Two commands for a fresh machine: `make run` (the service on embedded defaults) and
# `make test` (format check, lint, types and the whole test suite). Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-postgres setup lint format bench bench-postgres

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/xiehui serve

lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

# The suite runs as four pytest processes in turn (tests/run_parts.py): one process over all of
# it grows to about 12 GB. Plain `pytest` still runs everything in one.
test: lint
	$(BIN)/python -m tests.run_parts

# The whole suite again on PostgreSQL: a private cluster started from the system's binaries
# (Debian package postgresql), or the server XIEHUI_TEST_DATABASE_URL names.
test-postgres: $(STAMP)
	$(BIN)/python -m tests.run_parts --postgres

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The callback path against a Flask + wechatpy echo bot (needs Debian's wrk); see bot/web/callbench.py.
bench: $(STAMP)
	$(BIN)/xiehui bench callback

# The same bench plus PostgreSQL + redis-server with 1 and 2 workers, on private servers started
# like the tests' (needs Debian's postgresql and redis-server); see bench/with_servers.py.
bench-postgres: $(STAMP)
	$(BIN)/python -m bench.with_servers
