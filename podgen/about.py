"""What podgen is called and which release it is: the one place its version is written
(pyproject.toml reads it from here) and the name pip installs it by."""

from __future__ import annotations

__version__ = "0.1.0"

DISTRIBUTION = "podgen-cli"
"""The distribution's name on PyPI. ``podgen`` there is an unrelated RSS library (which also
imports as ``podgen``); the command and the package stay ``podgen``."""


def pip_install(extra: str) -> str:
    """The command that installs one of the extras, as error hints give it."""
    return f"pip install '{DISTRIBUTION}[{extra}]'"
