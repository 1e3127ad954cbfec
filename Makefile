# The two commands a newcomer needs: `make html` and `make test`.
# Everything else they need (the build environment .venv, one environment and
# kernel per framework, the generated d2l library) is created on the way.

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
export PYTHONPATH := $(CURDIR)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: html test lib envs colab publish pdf bench clean venv translations

html: envs lib
	$(PY) -m tabbook html

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
translations: envs lib
	$(PY) -m tabbook i18n

colab: html
	$(PY) -m tabbook colab

# _build/publish: the site (+ the library's wheel and sdist in _dist/), the Colab
# notebooks tree for the branch the links name, publish.json; checked against each other
publish: html
	$(PY) -m tabbook publish

# one PDF of the whole book per framework (and language edition), in _build/pdf/
pdf: html
	$(PY) -m tabbook pdf

# The kernel-free tests (tests/unit, seconds) first, then the build, then the rest.
test: venv
	$(PY) -m pytest -ra tests/unit
	$(MAKE) html
	$(PY) -m pytest -ra tests --ignore=tests/unit

bench: html
	$(PY) benchmarks/run.py

clean:
	rm -rf _build
