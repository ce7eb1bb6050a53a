# podgen: `make demo` makes an episode from examples/, `make test` runs the test suite,
# `make test-fast` the tests that make no whole episode (the inner loop).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DEMO   ?= examples/dense-passage-retrieval.pdf

.PHONY: install install-local install-test demo test test-fast bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "podgen needs Python 3.11 or newer; run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[all]'
	touch $@

# llama-cpp-python compiles from source (about 7 minutes on 2 cores). Built for AVX2 without
# -march=native: a native build on a CPU with AMX crashes in ggml's AMX kernels on some
# machines; and with ggml's own thread pool rather than OpenMP, whose spinning threads slow
# to a crawl when another program uses a core. --no-cache-dir: never reuse a wheel pip built
# earlier with other flags.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_OPENMP=OFF

$(VENV)/.installed-local: $(VENV)/.installed
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(BIN)/pip install --quiet --no-cache-dir 'llama-cpp-python[server]>=0.3.7,<0.4'
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed $(VENV)/.installed-local
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-local: $(VENV)/.installed-local
	$(BIN)/pip install --quiet -e '.[local]'

install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/podgen make $(DEMO) -o episodes

test: install-test
	$(BIN)/python -m pytest

test-fast: install-test
	$(BIN)/python -m pytest -m 'not slow' -q

bench: install-test
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/bench_pipeline.py
	$(BIN)/python bench/bench_mix.py
	$(BIN)/python bench/bench_voices.py
	$(BIN)/python bench/bench_writer.py
	$(BIN)/python bench/bench_ingest.py
	$(BIN)/python bench/bench_batch.py
	$(BIN)/python bench/bench_check.py
	$(BIN)/python bench/bench_studio.py
	$(BIN)/python bench/bench_conversation.py
	$(BIN)/python bench/bench_video.py
	@if [ -n "$$PODGEN_BENCH_GGUF" ]; then $(BIN)/python bench/bench_local_llm.py; \
	else echo "bench_local_llm: set PODGEN_BENCH_GGUF to a 1.5B GGUF to run it (see bench/bench_local_llm.py)"; fi

clean:
	rm -rf episodes .pytest_cache
