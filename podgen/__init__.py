"""podgen: documents in, a finished two-host podcast episode out."""

from __future__ import annotations

from .about import __version__

__all__ = [
    "__version__",
    "make_episode",
    "make_script",
    "render_episode",
    "extract",
    "extract_all",
    "load_settings",
    "Settings",
    "check_episode",
    "fix_episode",
]


def __getattr__(name: str):  # lazy: `import podgen` stays cheap
    if name in ("make_episode", "make_script", "render_episode"):
        from . import pipeline

        return getattr(pipeline, name)
    if name in ("extract", "extract_all"):
        from . import ingest

        return getattr(ingest, name)
    if name == "check_episode":
        from .check import check_episode

        return check_episode
    if name == "fix_episode":
        from .fix import fix_episode

        return fix_episode
    if name in ("load_settings", "Settings"):
        from . import config

        return getattr(config, name)
    raise AttributeError(name)
