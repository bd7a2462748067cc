# Two entry points, both self-contained on a fresh machine:
#   make run   - compile rules/ and evaluate scenarios/ with explanations
#   make test  - the whole test suite (package tests and every scenario)
#   make docs  - the documentation site in docs/_build/html
#   make bench - the benchmark: rulelang against hand-written Python and OpenFisca (docs/prestaties.md)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

.PHONY: run test docs bench
run: $(BIN)/.installed
	$(BIN)/rulelang check rules/
	$(BIN)/rulelang run scenarios/ --uitleg

test: $(BIN)/.installed
	$(BIN)/python -m pytest -q

# The documentation (Sphinx), warnings are errors; the site is docs/_build/html/index.html
docs: $(BIN)/.installed
	$(BIN)/python -m sphinx -E -W -n --keep-going -q -b html docs docs/_build/html

# The benchmark (issue 6): per decision, with explanation, batch of 1.000.000, compile and start times
bench: $(BIN)/.installed
	$(BIN)/python -m benchmarks
