# podgen: `make demo` makes an episode from examples/, `make test` runs the test suite,
# `make test-fast` the tests that make no whole episode (the inner loop).
#
# Every install comes from uv.lock, the whole dependency tree pinned for every extra and every
# Python podgen supports, so a release elsewhere cannot change what is tested. uv itself is
# pinned and installed with pip into .tools/; nothing but Python is needed first.
# `make lock` refreshes the lock, `make lock-check` fails when it no longer matches
# pyproject.toml, `make test-latest` runs the fast tests on the newest release of everything.
# `make lint` runs ruff, `make docs` builds the documentation site (docs/, mkdocs.yml).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
TOOLS  ?= .tools
UV_VERSION ?= 0.13.9
UV     := $(TOOLS)/bin/uv
DEMO   ?= examples/dense-passage-retrieval.pdf
LATEST ?= .venv-latest
# the oldest openai podgen supports: the lower bound in pyproject.toml (tests/test_openai_range.py)
OPENAI_OLDEST := $(shell sed -n 's/^ *"openai>=\([0-9.]*\).*/\1/p' pyproject.toml)

# uv installs into $(VENV), never downloads a Python of its own, and says only what goes wrong
export UV_PROJECT_ENVIRONMENT := $(abspath $(VENV))
export UV_PYTHON_DOWNLOADS := never
UV_SYNC := $(UV) sync --quiet --locked

.PHONY: install install-local install-test demo test test-fast test-latest lock lock-check lint docs wheel-check \
	bench clean

$(UV):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "podgen needs Python 3.11 or newer; run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet 'uv==$(UV_VERSION)'

$(BIN)/python: | $(UV)
	$(PYTHON) -m venv $(VENV)

# --inexact: `make demo` after `make test` keeps the test extras
$(VENV)/.installed: uv.lock pyproject.toml | $(BIN)/python
	$(UV_SYNC) --inexact --extra all
	touch $@

# llama-cpp-python compiles from source (about 7 minutes on 2 cores), with the flags that
# pyproject.toml's [tool.uv] extra-build-variables gives it
$(VENV)/.installed-local: $(VENV)/.installed
	$(UV_SYNC) --inexact --extra all --extra local
	touch $@

# the test venv is exactly the lock's test extra, plus the oldest supported openai on the side
# (in $(VENV)/openai-oldest, for tests/test_openai_range.py), its dependencies held to the lock
$(VENV)/.installed-test: $(VENV)/.installed
	$(UV_SYNC) --extra test
	$(UV) export --quiet --locked --no-hashes --no-emit-project --extra test --format requirements-txt \
		| grep -v '^openai==' > $(VENV)/constraints-oldest.txt
	rm -rf $(VENV)/openai-oldest
	$(UV) pip install --quiet --python $(BIN)/python --target $(VENV)/openai-oldest \
		-c $(VENV)/constraints-oldest.txt 'openai==$(OPENAI_OLDEST)'
	touch $@

install: $(VENV)/.installed

install-local: $(VENV)/.installed-local

install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/podgen make $(DEMO) -o episodes

test: install-test
	$(BIN)/python -m pytest

test-fast: install-test
	$(BIN)/python -m pytest -m 'not slow' -q

# the newest release of every dependency, in a throwaway venv, ignoring the lock: the fast tests
test-latest: | $(UV)
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(UV) pip install --quiet --python $(LATEST)/bin/python --upgrade -e '.[test]'
	$(UV) pip install --quiet --python $(LATEST)/bin/python --target $(LATEST)/openai-oldest 'openai==$(OPENAI_OLDEST)'
	$(UV) pip list --python $(LATEST)/bin/python --format freeze | grep -iE '^(openai|httpx|httpx2|pydantic|typer|pypdf|piper-tts|llama.cpp.python|starlette|faster-whisper)==' | tr '\n' ' '; echo
	$(LATEST)/bin/python -m pytest -m 'not slow' -q -p no:cacheprovider

# the newest release of every dependency podgen allows, written to uv.lock
lock: | $(UV)
	$(UV) lock --upgrade

lock-check: | $(UV)
	$(UV) lock --check

# ruff (pyflakes, import order, bugbear, pyupgrade; the rules in pyproject.toml) and its formatter,
# from the lock's lint group, in a venv of its own
LINT := $(UV) run --quiet --locked --isolated --only-group lint
lint: | $(UV)
	$(LINT) ruff check podgen tests bench docs/hooks
	$(LINT) ruff format --check podgen tests bench docs/hooks

# the documentation site, into build/docs: MkDocs (Material) from the lock's site group, in a venv
# of its own with podgen and its core dependencies, which the hook that writes the CLI and
# settings references imports (docs/hooks/reference.py). --strict: a broken link, anchor or
# page left out of the navigation fails the build (never --quiet: it hides the warnings --strict counts).
docs: | $(UV)
	NO_MKDOCS_2_WARNING=1 $(UV) run --quiet --locked --isolated --group site mkdocs build --strict

# what users install: the sdist and the wheel, the wheel installed (not editable) in a clean venv,
# then a real episode made from the example by the installed command
WHEEL_VENV ?= .venv-wheel
wheel-check: | $(UV)
	rm -rf dist $(WHEEL_VENV) .wheel-episodes
	$(UV) build --quiet --out-dir dist
	$(PYTHON) -m venv $(WHEEL_VENV)
	$(UV) export --quiet --locked --no-hashes --no-emit-project --extra all --format requirements-txt \
		> dist/constraints.txt
	$(UV) pip install --quiet --python $(WHEEL_VENV)/bin/python -c dist/constraints.txt "$$(ls dist/*.whl)[all]"
	cd /tmp && $(abspath $(WHEEL_VENV))/bin/podgen --version
	cd /tmp && $(abspath $(WHEEL_VENV))/bin/podgen studio --help > /dev/null
	cd /tmp && PODGEN_TTS=piper PODGEN_CACHE_DIR=$(abspath .wheel-episodes)/cache \
		$(abspath $(WHEEL_VENV))/bin/podgen make $(abspath $(DEMO)) --minutes 2 -o $(abspath .wheel-episodes)
	cd /tmp && $(abspath $(WHEEL_VENV))/bin/python -c 'import podgen, sys; \
		sys.exit(0 if "site-packages" in podgen.__file__ else "podgen imported from " + podgen.__file__)'
	cd /tmp && $(abspath $(WHEEL_VENV))/bin/podgen doctor | tee $(abspath .wheel-episodes)/doctor.txt
	grep -q "pip install 'podgen-cli\[local\]'" .wheel-episodes/doctor.txt
	ls .wheel-episodes/*/episode.mp3

bench: install-test
	$(UV_SYNC) --inexact --extra test --extra bench
	$(BIN)/python bench/bench_pipeline.py
	$(BIN)/python bench/bench_mix.py
	$(BIN)/python bench/bench_voices.py
	$(BIN)/python bench/bench_speak_memory.py
	$(BIN)/python bench/bench_redact.py
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
	rm -rf episodes .pytest_cache dist build/docs $(LATEST) $(WHEEL_VENV) .wheel-episodes
