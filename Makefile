# Two commands: `make run` serves PeerPath locally; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app app

.PHONY: run test bench screenshots install install-test tools migrate clean

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

# The Nu Html Checker, which the browser suite runs on every page it visits (needs Java).
VNU_VERSION := 26.9.27
VNU_JAR := .tools/node_modules/vnu-jar/build/dist/vnu.jar
$(VNU_JAR):
	npm install --prefix .tools --no-audit --no-fund --ignore-scripts --loglevel=error vnu-jar@$(VNU_VERSION)
tools: $(VNU_JAR)

migrate: install
	$(FLASK) db upgrade

# The demo serves the shipped example safeguarding procedure, which a server refuses (README).
# A target's variables reach its prerequisites too: `make migrate` runs as the demo here.
run: export PEERPATH_DEMO = 1
run: migrate
	$(FLASK) seed-demo
	@echo "PeerPath is at http://127.0.0.1:$(PORT)/  (Ctrl+C stops it)"
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

test: install-test tools
	$(FLASK) content check --strict
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

# Benchmarks (not tests): gunicorn with 2 workers on 10,000 seeded trainees, then an import of
# 10,000 trainees from a CSV file; PG=1 for PostgreSQL.
bench: install-test
ifeq ($(PG),1)
	.ci/with-postgres $(BIN)/python -m bench.run --pg
	.ci/with-postgres $(BIN)/python -m bench.imports --pg
	.ci/with-postgres $(BIN)/python -m bench.notify --pg
else
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.imports
	$(BIN)/python -m bench.notify
endif

# docs/screenshots/*.png for the README, and the UX figures (first action, list height).
screenshots: install-test
	$(BIN)/python -m tests.browser.screenshots

clean:
	rm -rf $(VENV) .pytest_cache .tools
