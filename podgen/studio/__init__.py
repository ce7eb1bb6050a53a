"""The studio: a local web app to make, edit, listen to, question and publish episodes (``podgen studio``)."""

from __future__ import annotations

from .app import serve, studio_app

__all__ = ["serve", "studio_app"]
