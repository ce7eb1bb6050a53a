"""Time `podgen check` on a real episode, as a fraction of the episode's length.

Makes one episode from the first pages of a paper (the clip cache makes re-runs cheap), then
checks it several times: the first run loads the speech model, the later ones find it loaded.
Prints the speech part (decode + Whisper + placing words + re-hearing flagged lines) and the
standards part (EBU R128 loudness and true peak, MP3 format, ID3, transcripts, episode.json)
apart, and the whole check over the episode's length (goal: under 0.1).

    .venv/bin/python bench/bench_check.py [--pages 10] [--minutes 5] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pipeline import PAPER, first_pages  # noqa: E402

from podgen.check import check_episode  # noqa: E402
from podgen.config import Settings  # noqa: E402
from podgen.pipeline import make_episode  # noqa: E402


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="podgen-bench-") as tmp:
        work = Path(tmp)
        settings = Settings(output_dir=work / "episodes", cache_dir=work / "cache", minutes=args.minutes)
        paper = first_pages(PAPER, args.pages, work / f"paper-{args.pages}p.pdf")
        episode = make_episode([paper], settings)
        print(
            f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; episode: {episode.duration:.1f} s, {len(episode.segments)} lines, "
            f"from {PAPER.name} (first {args.pages} pages, {args.minutes} min target)"
        )
        rows = []
        for run in range(args.runs):
            start, cpu = time.perf_counter(), _cpu()
            report = check_episode(episode.folder, settings)
            rows.append((run, time.perf_counter() - start, _cpu() - cpu, report))
    header = (
        f"{'run':<22} {'speech':>7} {'standards':>9} {'total':>7} {'x audio':>8} {'speech x':>8} {'std x':>7} "
        f"{'cpu s':>6} {'WER':>6} {'flagged':>7}"
    )
    print(header)
    print("-" * len(header))
    for run, total, cpu, report in rows:
        m, audio = report.measured, report.measured["duration"]
        label = "first (loads model)" if run == 0 else f"again #{run}"
        print(
            f"{label:<22} {m['speech_seconds']:>7.2f} {m['standards_seconds']:>9.2f} {total:>7.2f} "
            f"{total / audio:>8.3f} {m['speech_seconds'] / audio:>8.3f} {m['standards_seconds'] / audio:>7.3f} "
            f"{cpu:>6.1f} {m['wer']:>6.3f} {len(report.failures):>7}"
        )
    print(
        "seconds; 'x audio' = seconds / episode length (goal: whole check under 0.1); 'cpu s' = CPU seconds of\n"
        "this process and its ffmpeg children (on a shared machine, cpu s / cores is the wall time it would take alone)"
    )
    for finding in rows[-1][3].failures:
        print(f"  {finding.check} line {finding.line}: {finding.message}")


if __name__ == "__main__":
    main()
