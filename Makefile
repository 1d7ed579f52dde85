# matrix-tools: `make demo` sets everything up and runs the main job on the samples;
# `make test` sets everything up and runs the checks. Needs Python 3.10+ as python3.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The demo gets an environment of its own, installed as a user installs (not editable, no test
# tools): what it shows is what `pip install .` gives, and the build prints no warnings.
DEMO_VENV  ?= .venv-demo
DEMO_STAMP := $(DEMO_VENV)/.installed
SOURCES    := $(shell find matrix_tools schemas templates -type f -not -name '*.pyc' 2>/dev/null)

.PHONY: demo test install lint layers typecheck pytest bench samples clean

demo: $(DEMO_STAMP)
	@# PYTHONSAFEPATH (Python 3.11+): worker processes must import the installed package, not the
	@# matrix_tools folder of this checkout (which has no schemas/ inside it).
	PYTHONSAFEPATH=1 $(DEMO_VENV)/bin/matrix-tools demo

test: $(STAMP) lint layers typecheck pytest

install: $(STAMP)

$(DEMO_STAMP): setup.cfg pyproject.toml $(SOURCES)
	@test -x $(DEMO_VENV)/bin/python || $(PYTHON) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(DEMO_VENV)/bin/python -m pip install --quiet --force-reinstall --no-deps . && $(DEMO_VENV)/bin/python -m pip install --quiet .
	@touch $(DEMO_STAMP)

$(STAMP): setup.cfg pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check matrix_tools tests benchmarks scripts

layers: $(STAMP)
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy --config-file tests/mypy.ini

pytest: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[bench]"
	$(BIN)/python benchmarks/run_all.py

samples: $(STAMP)
	$(BIN)/python scripts/make_samples.py

clean:
	rm -rf $(VENV) $(DEMO_VENV) build dist *.egg-info out
