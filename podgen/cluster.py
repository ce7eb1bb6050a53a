"""A Dask distributed client for batch runs past one machine (the ``cluster`` extra)."""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .about import pip_install
from .errors import ClusterError, MissingDependency

log = logging.getLogger(__name__)
CONNECT_TIMEOUT = "5s"


@contextmanager
def connect(address: str) -> Iterator[Any]:
    """A ``distributed.Client`` on the scheduler at ``address``; one-line error if unreachable."""
    _reachable(address)
    try:
        from distributed import Client
    except ImportError:
        raise MissingDependency(
            "Running on a Dask cluster needs the distributed package.", pip_install("cluster")
        ) from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"Cannot reach the Dask scheduler at {address}: {_first_line(exc)}.") from None
    log.debug("connected to %s (%d workers)", address, len(client.scheduler_info().get("workers", {})))
    try:
        yield client
    finally:
        client.close()


def _reachable(address: str) -> None:
    """Fail at once when nothing listens at a tcp address (Dask would retry until its timeout)."""
    found = re.fullmatch(r"(?:tcp://)?\[?([^\]/]+?)\]?:(\d+)/?", address.strip())
    if not found:
        return
    try:
        socket.create_connection((found.group(1), int(found.group(2))), timeout=5).close()
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise ClusterError(f"Cannot reach the Dask scheduler at {address}: {reason}.") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0].rstrip(".") if text else type(exc).__name__
