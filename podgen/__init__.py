"""podgen: documents in, a finished two-host podcast episode out."""
from __future__ import annotations

from .about import __version__

__all__ = ["__version__", "make_episode", "make_script", "render_episode", "extract", "extract_all", "load_settings",
           "Settings", "check_episode", "fix_episode"]


def __getattr__(name: str):  # lazy: `import podgen` stays cheap
    if name in ("make_episode", "make_script", "render_episode"):
        from . import pipeline

        return getattr(pipeline, name)
    if name in ("extract", "extract_all"):
        from . import ingest

        return getattr(ingest, name)
    if name in ("check_episode", "fix_episode"):
        from . import check

        return getattr(check, name)
    if name in ("load_settings", "Settings"):
        from . import config

        return getattr(config, name)
    raise AttributeError(name)
