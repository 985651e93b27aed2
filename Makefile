# The two commands a newcomer needs: `make demo` and `make test`. Each creates .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_DEV := $(VENV)/.dev-installed
STAMP_ALL := $(VENV)/.all-installed
STAMP_ORACLE := $(VENV)/.oracle-installed
STAMP_BENCH := $(VENV)/.bench-installed
STAMP_DOCS := $(VENV)/.docs-installed
STAMP_LAB := $(VENV)/.lab-installed

.PHONY: demo test lint typecheck unit oracle bench tables docs docs-check lab clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# An editable install leaves the sources uncompiled; compiling them here keeps every command's start-up at a
# fifth of a second where Python is told not to write bytecode (PYTHONDONTWRITEBYTECODE: about 0.3 s otherwise)
$(STAMP_DEV): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m compileall -q src/chainrule
	touch $@

$(STAMP_ALL): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[all]"
	$(BIN)/python -m compileall -q src/chainrule
	touch $@

$(STAMP_ORACLE): $(STAMP_DEV)
	$(BIN)/python -m pip install --quiet -e ".[oracle]"
	touch $@

$(STAMP_BENCH): $(STAMP_DEV)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	touch $@

$(STAMP_DOCS): $(STAMP_DEV)
	$(BIN)/python -m pip install --quiet -e ".[dev,docs]"
	touch $@

$(STAMP_LAB): $(STAMP_ALL)
	$(BIN)/python -m pip install --quiet -e ".[all,lab]"
	touch $@

demo: $(STAMP_ALL)
	$(BIN)/chainrule tour --out chainrule-tour

test: $(STAMP_DEV)
	$(BIN)/ruff check src tests benchmarks examples tools
	$(BIN)/ruff format --check src tests benchmarks examples tools
	$(BIN)/mypy
	$(BIN)/python -m pytest -m "not oracle and not browser"

oracle: $(STAMP_ORACLE)
	$(BIN)/python -m pytest -m oracle tests

bench: $(STAMP_BENCH)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/learning_bench.py
	$(BIN)/python benchmarks/symbolic_bench.py

# the docs' tables of functions and kinks, regenerated from the rule table's rows
tables: $(STAMP_DEV)
	$(BIN)/python tools/doc_tables.py

# the documentation site, into site/ (mkdocs.yml): strict, so a warning fails it; every code block of the
# guides and every notebook runs while it builds
# (JUPYTER_PATH: the notebooks run on the venv's own kernel, not on a "python3" kernelspec found elsewhere)
docs: $(STAMP_DOCS)
	JUPYTER_PATH=$(VENV)/share/jupyter NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# the site that `make docs` built, opened page by page in headless Chromium (Debian's package: apt-get install
# chromium): loads, links, images, formulas, search
docs-check: $(STAMP_DOCS)
	CHAINRULE_DOCS_CHECK=1 $(BIN)/python -m pytest -m browser tests/site

# JupyterLab on the notebooks of examples/ (as root, in a container, with the --allow-root Jupyter asks for)
lab: $(STAMP_LAB)
	$(BIN)/jupyter lab examples/ $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_OPTIONS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache site .cache
