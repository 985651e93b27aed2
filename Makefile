# The two commands a newcomer needs: `make demo` and `make test`. Each creates .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_DEV := $(VENV)/.dev-installed
STAMP_ALL := $(VENV)/.all-installed
STAMP_ORACLE := $(VENV)/.oracle-installed
STAMP_BENCH := $(VENV)/.bench-installed

.PHONY: demo test lint typecheck unit oracle bench tables clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_DEV): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

$(STAMP_ALL): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[all]"
	touch $@

$(STAMP_ORACLE): $(STAMP_DEV)
	$(BIN)/python -m pip install --quiet -e ".[oracle]"
	touch $@

$(STAMP_BENCH): $(STAMP_DEV)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	touch $@

demo: $(STAMP_ALL)
	$(BIN)/chainrule tour --out chainrule-tour

test: $(STAMP_DEV)
	$(BIN)/ruff check src tests benchmarks examples tools
	$(BIN)/ruff format --check src tests benchmarks examples tools
	$(BIN)/mypy
	$(BIN)/python -m pytest -m "not oracle"

oracle: $(STAMP_ORACLE)
	$(BIN)/python -m pytest -m oracle tests

bench: $(STAMP_BENCH)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/learning_bench.py
	$(BIN)/python benchmarks/symbolic_bench.py

# the docs' tables of functions and kinks, regenerated from the rule table's rows
tables: $(STAMP_DEV)
	$(BIN)/python tools/doc_tables.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
