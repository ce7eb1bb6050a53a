"""Reading a PDF's pages into text spans with pypdf: one page after another for short
documents, in worker processes across page ranges for long ones (pypdf is pure Python, so
threads would share one core)."""

from __future__ import annotations

import logging
import math
import os
import re
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any

from ..contracts import Progress
from ..errors import CorruptDocument
from .pdf_layout import Span
from .pdf_quiet import pypdf_quiet

log = logging.getLogger(__name__)

PARALLEL_PAGES = 100
"""Documents with at least this many pages are read by several processes. Each worker opens
the file again, so parallel reading costs about a fifth more CPU in all; on a busy 2-core
machine the 76-page booklet read faster in one process (bench/bench_ingest.py)."""
START = "fork" if "fork" in get_all_start_methods() else "spawn"
"""fork: the workers need no fresh interpreter, and a caller's script without an
``if __name__ == "__main__"`` guard is not re-run in them (spawn would)."""
_BOLD_RE = re.compile(r"bold|black|heavy|semibold|demi|medi|cmbx|\bbx", re.I)


def page_spans(page: Any) -> list[Span]:
    """(text, size in points, bold) for each piece of text pypdf reports on ``page``."""
    spans: list[Span] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text:
            scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
            name = str((font or {}).get("/BaseFont", ""))
            spans.append((text, round(size * scale, 1), bool(_BOLD_RE.search(name))))

    page.extract_text(visitor_text=visit)
    return spans


def _safe_spans(page: Any, number: int, name: str) -> list[Span] | None:
    from pypdf.errors import DependencyError

    try:
        return page_spans(page)
    except DependencyError:
        raise
    except Exception as exc:  # one bad page must not lose the others
        log.debug("%s: page %d unreadable: %s", name, number, exc)
        return None


def _worker(path: str, password: str | None, first: int, last: int) -> list[list[Span] | None]:
    """Runs in a worker process: open the PDF again and read pages ``first`` to ``last - 1``."""
    from pypdf import PdfReader

    with pypdf_quiet():
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            reader.decrypt(password or "")
        return [_safe_spans(reader.pages[i], i + 1, Path(path).name) for i in range(first, last)]


def workers_for(pages: int) -> int:
    return 1 if pages < PARALLEL_PAGES else max(1, min(os.cpu_count() or 1, pages // 8))


def read_spans(
    reader: Any, path: Path, password: str | None, progress: Progress | None = None, workers: int | None = None
) -> list[list[Span]]:
    """Spans of every page; raises CorruptDocument when no page can be read."""
    count = len(reader.pages)
    workers = workers or workers_for(count)
    pages = None
    if workers > 1:
        try:
            pages = _parallel(path, password, count, workers, progress)
        except (BrokenProcessPool, OSError) as exc:  # no processes to be had: read them here
            log.debug("parallel reading failed (%s); reading %s in one process", exc, path.name)
    if pages is None:
        pages = [_safe_spans(page, i, path.name) for i, page in enumerate(reader.pages, 1)]
    failures = sum(1 for p in pages if p is None)
    if pages and failures == len(pages):
        raise CorruptDocument(f"{path.name} is damaged: none of its {len(pages)} pages could be read.")
    return [p or [] for p in pages]


def _parallel(
    path: Path, password: str | None, count: int, workers: int, progress: Progress | None
) -> list[list[Span] | None]:
    size = math.ceil(count / (workers * 2))
    ranges = [(i, min(i + size, count)) for i in range(0, count, size)]
    log.debug("reading %s: %d pages in %d processes", path.name, count, workers)
    pages: list[list[Span] | None] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context(START)) as pool:
        jobs = [pool.submit(_worker, str(path), password, a, b) for a, b in ranges]
        for job in jobs:
            pages.extend(job.result())
            if progress:
                progress("pages", len(pages), count)
    return pages
