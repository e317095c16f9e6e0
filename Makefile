# Two commands do all set-up: `make run` serves the seeds, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STORE ?= data/store
PORT ?= 8000

.PHONY: run test lint ingest serve bench clean link-weights link-eval

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@ $(VENV)/.compiled

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed $@ $(VENV)/.compiled

# The extraction modules mypyc compiles (kg/compiled.py) are rebuilt when their sources change;
# a stale build is never run (the sources are, with a warning), so this only restores the speed.
$(VENV)/.compiled: setup.py kg/compiled.py $(wildcard kg/text/*.py kg/extract/*.py kg/extract/linking/*.py) | $(VENV)/.installed
	$(BIN)/pip install -q --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium drives the browser tests; installed only where we are root and it is missing.
/usr/bin/chromium:
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	else echo "chromium missing: browser tests will be skipped (apt-get install chromium)"; fi

run: $(VENV)/.installed $(VENV)/.compiled node_modules/.installed
	$(BIN)/kg ingest seeds --store $(STORE)
	KG_STORE=$(STORE) PORT=$(PORT) $(BIN)/python server.py

test: $(VENV)/.installed-test $(VENV)/.compiled node_modules/.installed /usr/bin/chromium
	$(BIN)/ruff check kg tests bench server.py
	$(BIN)/python -m pytest -q

# The linker's weights, fitted on the shared gold (dev pages + web articles); prints out-of-fold figures.
EVAL ?= ../shared/eval
$(VENV)/.installed-train: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[train]'
	touch $@

link-weights: $(VENV)/.installed-train
	$(BIN)/python -m kg.extract.linking.train $(EVAL) --seeds seeds

link-eval: $(VENV)/.installed-train
	$(BIN)/python -m kg.extract.linking.evaluate $(EVAL) --seeds seeds --out build/linking

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules data build
	find kg -name '*.so' -delete
	rm -f kg/native.failed
