# podgen: `make demo` makes an episode from examples/, `make test` runs the test suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DEMO   ?= examples/dense-passage-retrieval.pdf

.PHONY: install install-test demo test bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "podgen needs Python 3.11 or newer; run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[all]'
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/podgen make $(DEMO) -o episodes

test: install-test
	$(BIN)/python -m pytest

bench: install-test
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/bench_pipeline.py
	$(BIN)/python bench/bench_mix.py
	$(BIN)/python bench/bench_voices.py
	$(BIN)/python bench/bench_writer.py
	$(BIN)/python bench/bench_ingest.py
	$(BIN)/python bench/bench_batch.py
	$(BIN)/python bench/bench_check.py

clean:
	rm -rf episodes .pytest_cache
