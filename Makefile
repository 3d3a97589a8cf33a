# clinic: `make run` to try it, `make test` to prove it. Everything installs into .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
FLASK := $(BIN)/flask --app clinic
DEPS_STAMP := $(VENV)/.deps-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
TEST_STAMP := $(VENV)/.test-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)

.PHONY: run test serve bench install install-test migrate seed lint clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(DEPS_STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(TEST_STAMP): $(DEPS_STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# The Nu HTML Checker for the browser journeys (tests/e2e/nu.py), from the npm registry; it runs on Java.
VNU_VERSION := 26.9.27
VNU_JAR := $(VENV)/npm/node_modules/vnu-jar/build/dist/vnu.jar

$(VNU_JAR):
	@if command -v npm >/dev/null; then \
	  npm install --silent --no-audit --no-fund --ignore-scripts --prefix $(VENV)/npm vnu-jar@$(VNU_VERSION); \
	else echo "npm not found: the browser journeys will run without the Nu HTML checker"; fi

install: $(DEPS_STAMP)
install-test: $(TEST_STAMP) $(VNU_JAR)

migrate: install
	@mkdir -p instance && chmod 700 instance  # the records folder is private (SECURITY.md)
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

## run: install, then one process migrates, seeds the fictional demo practice (first run only), starts the
## background job consumer and serves on http://$(HOST):$(PORT); Ctrl+C stops it
run: install
	@mkdir -p instance && chmod 700 instance  # the records folder is private (SECURITY.md)
	@$(FLASK) start --host $(HOST) --port $(PORT)

## serve: the production server (gunicorn) locally; configure with CLINIC_* variables
serve: migrate
	@$(FLASK) jobs & jobs=$$!; trap 'kill $$jobs 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn -c deploy/gunicorn.conf.py --bind $(HOST):$(PORT) 'clinic:create_app()'

## test: install test dependencies and run the whole suite (browser tests skip if chromium is missing)
test: install-test
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

## lint: the checks CI holds the code to (style, format, types, the architecture's import contracts)
lint: install-test
	$(BIN)/ruff check clinic tests bench migrations
	$(BIN)/ruff format --check clinic tests bench migrations
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

bench: install-test
	$(BIN)/python -m bench

clean-venv:
	rm -rf $(VENV)
