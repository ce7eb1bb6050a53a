"""The command line: parse, call the library, print. No logic lives here.

One module per command group; each registers its commands on the one ``app``.
"""

from __future__ import annotations

from . import batch, check, episode, info, publish, studio, video  # noqa: F401,E402  (register their commands)
from ._app import app, main

__all__ = ["app", "main"]
