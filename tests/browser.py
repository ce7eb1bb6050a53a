"""Headless Chromium for the tests that drive pages: Debian's chromium package (never a
downloaded browser), through Playwright. A test fails, and never skips, when it is missing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT_MS = 120_000
"""A bound on waiting, not a speed check: CI machines can be busy."""


@contextmanager
def chromium(profile: Path, args: tuple[str, ...] = (), **options) -> Iterator:
    """A persistent browser context of Debian's Chromium with ``args`` added."""
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: run `apt-get update && apt-get install -y chromium` "
            "(.ci/run does this)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), headless=True, args=[*ARGS, *args], **options
        )
        context.set_default_timeout(WAIT_MS)
        try:
            yield context
        finally:
            context.close()
