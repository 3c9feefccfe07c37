# `make` sets everything up and runs the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: all setup generate check lint test demo bench dist clean changes docs docs-check soak fuzz

all: generate demo

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

generate: setup
	$(PY) -m codegen generate

check: setup
	$(PY) -m codegen check

lint: setup
	$(VENV)/bin/ruff format --check codegen src tests bench docs/hooks
	$(VENV)/bin/ruff check codegen src tests bench docs/hooks
	$(VENV)/bin/mypy codegen src tests bench docs/hooks

test: setup check lint
	$(PY) -m pytest -n 2 -q

# The documentation site in site/ (not checked in), built strict: a broken link or anchor fails.
docs: setup
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --quiet --site-dir site

# The built site in headless Chromium: every page, search, tables; screenshots in site-check/.
# Fails (instead of skipping) when no Chromium is found: `apt-get install chromium`.
docs-check: docs
	IPERNITY_DOCS_CHECK=required IPERNITY_SITE=site $(PY) -m pytest -q -p no:cacheprovider tests/docs/test_browser.py

# What changed in spec/ since the last release, classified (README: "When the API changes").
changes: setup
	$(PY) -m codegen diff tests/codegen/released/spec spec

demo: setup
	$(PY) -m ipernity_client.testing.demo

bench: setup
	$(PY) bench/run.py

# Long campaigns, outside `make test`: calls under the simulator's faults (and 16 threads on one
# client), and fuzzed replies through every codec. Each prints its counts and fails on a defect.
soak: setup
	$(PY) bench/soak.py

fuzz: setup
	$(PY) bench/fuzz.py

# The sdist (spec, generator, tests: enough to regenerate and run the drift check), then the
# wheel built from it, which proves the sdist is enough.
dist: setup
	rm -rf dist build
	$(PY) -m build --outdir dist .

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache dist build site site-check
