# `make` sets everything up and runs the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: all setup generate check lint test demo bench dist clean

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
	$(VENV)/bin/ruff format --check codegen src tests bench
	$(VENV)/bin/ruff check codegen src tests bench
	$(VENV)/bin/mypy codegen src tests bench

test: setup check lint
	$(PY) -m pytest -n 2 -q

demo: setup
	$(PY) -m ipernity_client.testing.demo

bench: setup
	$(PY) bench/run.py

# The sdist (spec, generator, tests: enough to regenerate and run the drift check), then the
# wheel built from it, which proves the sdist is enough.
dist: setup
	rm -rf dist build
	$(PY) -m build --outdir dist .

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache dist build
