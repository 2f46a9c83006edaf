# mathvid: `make lesson` renders the lesson, `make test` runs the tests.
# Both set up what is missing first: system packages, .venv, pinned Python packages.
# A second run installs nothing: the venv is rebuilt only when its inputs change.

SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# This machine's pip config lists local wheel indexes that lack most packages; pip
# warns once per package. Drop those lines, keep everything else.
QUIET_PIP := { grep -v 'is ignored: it is neither a file nor a directory' || true; }
QUALITY ?= m

.PHONY: setup system test-system test lesson notebook goldens bench lint format clean

setup: system $(STAMP)

system:
	@scripts/system-packages.sh

test-system:
	@scripts/system-packages.sh test

# pip reads the lock with every version pinned; the project itself goes in editable,
# without dependencies, so the lock alone decides what is installed.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock 2>&1 | $(QUIET_PIP)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . 2>&1 | $(QUIET_PIP)
	@touch $@

# The browser tests' JavaScript (tests/browser/package.json: a SCORM 1.2 runtime and
# the SCORM schemas), from its lock by npm ci; again only when the lock changes.
NODE_DIR   := tests/browser
NODE_STAMP := $(NODE_DIR)/node_modules/.installed

$(NODE_STAMP): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	cd $(NODE_DIR) && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

test: test-system setup $(NODE_STAMP)
	$(BIN)/ruff check --no-cache .
	$(BIN)/ruff format --no-cache --check .
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder

lesson: setup
	$(BIN)/mathvid lesson -q $(QUALITY)

# JupyterLab on the lesson's folder (this one, with lesson.toml), the venv its kernel;
# notebook-demo.ipynb shows mathvid.notebook's show, scrub and %%mathvid. (As root, as
# in a container, JupyterLab wants to be told.)
notebook: setup
	$(BIN)/jupyter lab --ServerApp.root_dir=. $(if $(filter 0,$(shell id -u)),--allow-root) \
		notebook-demo.ipynb

# Rewrite the scenes' golden frames after an intended change; look at them, then commit.
goldens: setup
	$(BIN)/python -m pytest tests/scenes -k "golden_frames" --update-goldens -q

# The bench's own packages (an offline speech recogniser and its weights, for
# bench/intelligibility.py), on top of the lock, which constrains what both name:
# only the bench installs them, never test or lesson.
BENCH_STAMP := $(VENV)/.bench-installed
BENCH_ARGS ?=

$(BENCH_STAMP): $(STAMP) bench/requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -r bench/requirements.lock 2>&1 | $(QUIET_PIP)
	@touch $@

# make bench BENCH_ARGS="--only intelligibility": one figure again, the rest kept.
bench: setup $(BENCH_STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

lint: setup
	$(BIN)/ruff check --no-cache .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf media .pytest_cache .hypothesis
