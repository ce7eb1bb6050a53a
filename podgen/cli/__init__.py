"""The command line: parse, call the library, print. No logic lives here.

One module per command group; each registers its commands on the one ``app``.
"""
from __future__ import annotations

from ._app import app, main
from . import batch, check, episode, info, publish, studio, video  # noqa: F401,E402  (register their commands)

__all__ = ["app", "main"]
