"""A hook that lets every failing test show its own message."""

from __future__ import annotations

import gc

import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A failure is rendered with the garbage collector paused.

    pytest parses source files to show a failure. On CPython 3.11 that parse keeps its depth in
    state shared by every parse, so a finalizer that the collector runs in the middle of it, and
    that fails (openai's client wrapper did, after a constructor error), has its own traceback
    parsed inside the first parse; the first then stops with "SystemError: AST constructor
    recursion depth mismatch" and pytest with an INTERNALERROR, hiding every later result.
    """
    gc.disable()
    try:
        return (yield)
    finally:
        gc.enable()
