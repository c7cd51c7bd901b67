# policywatch: `make demo` tracks policies on a local demo site with SQLite; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup check demo test bench browser axe clean

# Keep compiled bytecode (and pytest's rewritten test modules) between runs even where the
# environment turns it off: without it every process, test worker and CLI run recompiles
# the project from source.
unexport PYTHONDONTWRITEBYTECODE

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -q -c constraints.txt -e '.[test,bench,browser]'
	touch $@

# Headless Chromium from Debian for the web UI test (Playwright uses it; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

demo: setup
	$(BIN)/python scripts/demo.py

# The inner loop, under a minute: mypy (pinned, zero errors) and every test not marked slow,
# on half as many more workers as cores (the tests also wait on their servers and sockets).
CHECK_JOBS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n + (n + 1) / 2 )))

check: setup
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n $(CHECK_JOBS) -m "not slow"

# With the full corpus beside the repository (../shared/corpus, or $POLICYWATCH_CORPUS),
# the extended tests over it run too; a fresh clone runs the fixture-backed suite alone.
FULL_CORPUS ?= $(or $(POLICYWATCH_CORPUS),../shared/corpus)

# axe-core (npm) for the browser accessibility test, pinned by its package-lock.json.
AXE := tests/policywatch/axe

axe: $(AXE)/node_modules/axe-core/axe.min.js

$(AXE)/node_modules/axe-core/axe.min.js: $(AXE)/package.json $(AXE)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  echo "installing Debian's npm for the accessibility test"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
	npm ci --prefix $(AXE) --no-audit --no-fund --loglevel=error
	touch $@

test: setup browser axe
	$(BIN)/mypy
	$(BIN)/python -m pytest -q $(if $(wildcard $(FULL_CORPUS)/ota),--extended,)

bench: setup
	$(BIN)/python bench/extraction.py
	$(BIN)/python bench/noise.py
	$(BIN)/python bench/diff.py
	$(BIN)/python bench/backfill.py

clean:
	rm -rf $(VENV) demo-data *.egg-info $(AXE)/node_modules
