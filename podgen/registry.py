"""One registry per stage. Built-in backends are declared as entry points in
pyproject.toml, exactly as an outside plug-in declares its own:

    [project.entry-points."podgen.voices"]
    mytts = "my_package.module:MyVoiceBackend"

Entry points are loaded lazily, the first time a registry is asked for them. The three
registries live here, below every stage, so that a backend can look at its own stage's
registry without importing the stage's package.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any, Generic, TypeVar

from .contracts import Extractor, VoiceBackend, Writer
from .errors import UnknownBackend

log = logging.getLogger(__name__)
T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, group: str, kind: str):
        self.group = group
        self.kind = kind
        self._factories: dict[str, Callable[..., T]] = {}
        self._loaded = False
        self._lock = threading.Lock()
        """Held while the entry points load: a second thread (the studio's) waits for them."""

    def register(self, name: str, factory: Callable[..., T]) -> None:
        """Add a backend by hand (for code that is not installed as a package)."""
        self._factories[name] = factory

    def _load(self) -> None:
        if self._loaded:
            return
        with self._lock:
            if self._loaded:
                return
            for ep in entry_points(group=self.group):
                if ep.name in self._factories:
                    continue
                try:
                    self._factories[ep.name] = ep.load()
                except Exception as exc:  # a broken plug-in must not break the others
                    log.warning("could not load %s %r from %s: %s", self.kind, ep.name, ep.value, exc)
            self._loaded = True

    def names(self) -> list[str]:
        self._load()
        return sorted(self._factories)

    def get(self, name: str) -> Callable[..., T]:
        self._load()
        try:
            return self._factories[name]
        except KeyError:
            raise UnknownBackend(
                f"Unknown {self.kind} {name!r}.",
                f"Choose one of: {', '.join(self.names()) or '(none installed)'}.",
            ) from None

    def create(self, name: str, *args: Any, **kwargs: Any) -> T:
        return self.get(name)(*args, **kwargs)

    def all(self, *args: Any, **kwargs: Any) -> list[T]:
        return [self.create(name, *args, **kwargs) for name in self.names()]


extractors: Registry[Extractor] = Registry("podgen.extractors", "extractor")
writers: Registry[Writer] = Registry("podgen.writers", "writer")
voices: Registry[VoiceBackend] = Registry("podgen.voices", "voice backend")
