"""A failing test reports itself, whatever the garbage collector finds while pytest shows it."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

# Every object the collector frees here leaves another behind, then fails in its finalizer
# the way openai 3's client wrapper did after its constructor failed (an attribute that was
# never set, read inside a larger expression, so the traceback's carets parse the line).
FAILING = """
import gc


class Broken:
    def __del__(self):
        litter()
        return self.state == 0


def litter():
    broken = Broken()
    broken.me = broken


def test_fails():
    litter()
    gc.set_threshold(50)
    assert 1 == 2, "the test's own message"
"""


def test_a_failure_shows_its_own_message_while_finalizers_fail(pytester, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(HERE))
    pytester.makeconftest("from failures import pytest_runtest_makereport  # noqa: F401")
    pytester.makepyfile(test_inner=FAILING + "\n" + PADDING)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    out = result.stdout.str() + result.stderr.str()
    assert "INTERNALERROR" not in out
    assert "AssertionError: the test's own message" in out
    result.assert_outcomes(failed=1)


# a long module: pytest parses the file to show the failure, long enough for the collector to run
PADDING = "def padding():\n" + "".join(f"    x{i} = [{i}, {{'a': ({i}, {i} + 1)}}]\n" for i in range(3000))
