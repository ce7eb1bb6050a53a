"""Heavy optional dependencies, imported only when a source needs them."""

from __future__ import annotations

import importlib
from types import ModuleType

from ..about import pip_install
from ..errors import MissingDependency


def need(module: str, extra: str, purpose: str) -> ModuleType:
    """Import ``module``, or raise MissingDependency naming the pip command for ``extra``."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        missing = exc.name or module
        raise MissingDependency(f"{purpose} needs {missing}, which is not installed.", pip_install(extra)) from None
