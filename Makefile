# The two commands a newcomer needs: `make html` and `make test`.
# Everything else they need (the build environment .venv, one environment and
# kernel per framework, the generated d2l library) is created on the way.

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
export PYTHONPATH := $(CURDIR)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: html test test-setup screenshots lib envs execute colab publish pdf bench clean venv \
	translations workflow

# Renders from the execution cache; only the runs the cache lacks need a framework, and
# only their environments and kernels are created (a full cache needs none).
html: venv lib
	$(PY) -m tabbook html

# Executes what the cache lacks, no rendering: `make execute FRAMEWORK=jax` (or
# FRAMEWORK="pytorch mxnet"; none: all). Its execution cache (`$(PY) -m tabbook path
# exec-cache` names the folder: every build path has a name there) is a cache shard.
FRAMEWORK ?=
execute: venv lib
	$(PY) -m tabbook execute $(addprefix --framework ,$(FRAMEWORK))

venv: $(VENV)/.complete
$(VENV)/.complete: requirements.txt
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

envs: venv
	$(PY) -m tabbook envs

lib: venv
	$(PY) -m tabbook lib

# For translators: extract the English messages, update locales/<language>/*.po
# (new messages appear untranslated, changed ones fuzzy); see docs/authoring.md.
translations: venv lib
	$(PY) -m tabbook i18n

# The Colab notebooks are written by `make html` (once); this checks them against the
# execution cache and says where they are
colab: html
	$(PY) -m tabbook colab

# _build/publish: the site (+ the library's wheel and sdist in _dist/, the book's PDFs in
# _pdf/), the Colab notebooks tree for the branch the links name, publish.json; checked
# against each other
publish: pdf
	$(PY) -m tabbook publish

# one PDF of the whole book per framework (and language edition), in _build/pdf/
pdf: html
	$(PY) -m tabbook pdf

# The machine first (Chromium, fonts-noto-cjk, npm's axe-core... installed before any
# test starts: tests/setup_machine.py), the kernel-free tests (tests/unit, seconds),
# then the build, then the rest: the browser tests and the others as two pytest runs side
# by side (tests/run_after_build.py; TEST_ARGS go to both, e.g. TEST_ARGS=--one-at-a-time).
TEST_ARGS ?=
test: test-setup venv
	$(PY) -m pytest -ra tests/unit
	$(MAKE) html
	$(MAKE) envs  # the tests run the library in every framework's environment
	$(PY) tests/run_after_build.py $(TEST_ARGS)

# Debian packages (apt-get, as root) and npm tools the tests need, when missing
test-setup:
	$(PYTHON) tests/setup_machine.py

# _build/screenshots: the 4.3 page (English, Chinese) at desktop and phone width, for review
screenshots: html test-setup
	$(PY) tests/browser/screenshots.py

# .github/workflows/book.yml run here as written, each job in a fresh Debian root (as root;
# tools/workflow): `make workflow WORKFLOW_ARGS="--jobs execute --fresh-cache"`
WORKFLOW_ARGS ?=
workflow: venv
	$(PY) -m tools.workflow $(WORKFLOW_ARGS)

bench: html envs
	$(PY) benchmarks/run.py

clean: venv
	build=$$($(PY) -m tabbook path build) && rm -rf "$$build"
