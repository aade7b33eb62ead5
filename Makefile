# Two commands: `make run` serves PeerPath locally; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app app

.PHONY: run test bench install install-test migrate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

migrate: install
	$(FLASK) db upgrade

run: migrate
	$(FLASK) seed-demo
	@echo "PeerPath is at http://127.0.0.1:$(PORT)/  (Ctrl+C stops it)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install-test
	$(FLASK) content check --strict
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

# Benchmarks (not tests): gunicorn with 2 workers on 10,000 seeded trainees; PG=1 for PostgreSQL.
bench: install-test
ifeq ($(PG),1)
	.ci/with-postgres $(BIN)/python -m bench.run --pg
else
	$(BIN)/python -m bench.run
endif

clean:
	rm -rf $(VENV) .pytest_cache
