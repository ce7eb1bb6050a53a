"""Time `podgen batch` on the same documents with 1 job, 2 jobs and on a Dask LocalCluster.

Every run starts from a cold clip cache and an empty output folder, so each one speaks every
line. Prints wall time, seconds of audio made and the real-time factor, side by side.

    .venv/bin/python bench/bench_batch.py [--minutes 1] [--workers 2] [--dask-workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from podgen.batch import run_batch
from podgen.config import Settings

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["modelcard-whisper.md", "article-wikipedia-mojibake.txt", "notes-bom.txt", "paper-encrypted.pdf"]


def documents(target: Path) -> Path:
    target.mkdir()
    for name in DOCS:
        shutil.copy(ROOT / "tests" / "data" / name, target / name)
    return target


def run(docs: Path, work: Path, label: str, minutes: float, workers: int, **how) -> dict:
    settings = Settings(
        output_dir=work / label / "episodes",
        cache_dir=work / label / "cache",
        minutes=minutes,
        tts="piper",
        tts_concurrency=workers,
        password="1234",
    )
    start = time.perf_counter()
    report = run_batch(docs, settings, **how)
    wall = time.perf_counter() - start
    audio = sum(_duration(Path(o.folder)) for o in report.outcomes if o.status == "made")
    return {
        "label": label,
        "wall": wall,
        "made": report.count("made"),
        "failed": report.count("failed"),
        "audio": audio,
    }


def _duration(folder: Path) -> float:
    return float(json.loads((folder / "episode.json").read_text(encoding="utf-8"))["duration"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=1.0, help="target length of each episode")
    parser.add_argument("--workers", type=int, default=2, help="lines spoken at the same time within an episode")
    parser.add_argument("--dask-workers", type=int, default=2, help="LocalCluster worker processes")
    args = parser.parse_args()
    from distributed import LocalCluster

    print(
        f"machine: {os.cpu_count()} cores; {len(DOCS)} documents, {args.minutes} min each; "
        f"{args.workers} speaking workers per episode; cold clip cache for every run"
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="podgen-bench-batch-") as tmp:
        work = Path(tmp)
        docs = documents(work / "docs")
        for jobs in (1, 2):
            rows.append(run(docs, work, f"{jobs} job{'s' if jobs > 1 else ''}", args.minutes, args.workers, jobs=jobs))
        with LocalCluster(
            n_workers=args.dask_workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            rows.append(
                run(
                    docs,
                    work,
                    f"dask {args.dask_workers}x1",
                    args.minutes,
                    args.workers,
                    scheduler=cluster.scheduler_address,
                )
            )
    print(f"{'run':<12}{'wall s':>9}{'made':>6}{'failed':>8}{'audio s':>9}{'x realtime':>12}{'vs 1 job':>10}")
    for row in rows:
        print(
            f"{row['label']:<12}{row['wall']:>9.1f}{row['made']:>6}{row['failed']:>8}{row['audio']:>9.0f}"
            f"{row['wall'] / max(row['audio'], 1e-9):>12.3f}{rows[0]['wall'] / row['wall']:>9.2f}x"
        )


if __name__ == "__main__":
    main()
