"""Time each stage of `podgen make` on a 10-page paper with a 5-minute target.

Prints seconds per stage (ingest, write, speak, mix) and the whole run as a fraction of the
episode's length (the real-time factor), for a cold clip cache with 1 and 2 speaking workers
side by side, and for a warm re-render (every clip cached).

    .venv/bin/python bench/bench_pipeline.py [--pages 10] [--minutes 5]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from podgen.config import Settings
from podgen.pipeline import make_episode, render_episode

ROOT = Path(__file__).resolve().parent.parent
PAPER = ROOT / "examples" / "dense-passage-retrieval.pdf"


def first_pages(source: Path, pages: int, target: Path) -> Path:
    writer = PdfWriter()
    for page in PdfReader(source).pages[:pages]:
        writer.add_page(page)
    writer.add_metadata(PdfReader(source).metadata or {})
    with open(target, "wb") as out:
        writer.write(out)
    return target


def run(paper: Path, work: Path, minutes: float, workers: int, label: str) -> dict:
    settings = Settings(
        output_dir=work / label / "episodes",
        cache_dir=work / label / "cache",
        minutes=minutes,
        tts="piper",
        tts_concurrency=workers,
    )
    start = time.perf_counter()
    episode = make_episode([paper], settings)
    total = time.perf_counter() - start
    return {
        "label": label,
        **episode.timings,
        "total": total,
        "audio": episode.duration,
        "folder": episode.folder,
        "settings": settings,
        "lines": len(episode.segments),
    }


def rerender(row: dict) -> dict:
    start = time.perf_counter()
    episode = render_episode(row["folder"], row["settings"])
    total = time.perf_counter() - start
    return {
        "label": "warm re-render",
        "ingest": 0.0,
        "write": 0.0,
        **episode.timings,
        "total": total,
        "audio": episode.duration,
        "lines": len(episode.segments),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--minutes", type=float, default=5.0)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; paper: {PAPER.name}, first {args.pages} pages; target {args.minutes} min")
    with tempfile.TemporaryDirectory(prefix="podgen-bench-") as tmp:
        work = Path(tmp)
        paper = first_pages(PAPER, args.pages, work / f"paper-{args.pages}p.pdf")
        rows = [
            run(paper, work, args.minutes, 1, "cold, 1 worker"),
            run(paper, work, args.minutes, 2, "cold, 2 workers"),
        ]
        rows.append(rerender(rows[-1]))
    header = f"{'run':<16} {'lines':>5} {'ingest':>7} {'write':>7} {'speak':>7} {'mix':>7} {'total':>7} {'audio':>7} {'x audio':>8}"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(
            f"{r['label']:<16} {r['lines']:>5} {r['ingest']:>7.2f} {r['write']:>7.2f} {r['speak']:>7.2f} "
            f"{r['mix']:>7.2f} {r['total']:>7.2f} {r['audio']:>7.1f} {r['total'] / r['audio']:>8.3f}"
        )
    print("seconds per stage; 'x audio' = whole run / episode length (aim: under 0.1)")


if __name__ == "__main__":
    main()
