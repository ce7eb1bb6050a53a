"""pypdf's own log records and warnings, routed to podgen's logger at DEBUG: pypdf warns
about every small flaw of a real-world PDF, which says nothing a listener needs."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger(__name__)


class _ToDebug(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        log.debug("pypdf: %s", record.getMessage())


@contextmanager
def pypdf_quiet() -> Iterator[None]:
    """Route pypdf's log records and warnings to podgen's logger at DEBUG."""
    logger, handler = logging.getLogger("pypdf"), _ToDebug()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
        for warning in caught:
            log.debug("pypdf warning: %s", warning.message)
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
