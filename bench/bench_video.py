"""How fast an episode becomes its videos, and how large they are.

The demo episode (examples/dense-passage-retrieval.pdf, about 5 minutes, offline writer, Piper)
is made once; then ``podgen video`` makes the long video and the short, in both styles, each
from a cold start (the previous video deleted), and the figures are printed side by side:

- render time / episode length (goal: at most 0.2x on a 2-core machine), for each file;
- frames drawn;
- MB per minute of each file.

    .venv/bin/python bench/bench_video.py [--minutes 5] [--doc examples/dense-passage-retrieval.pdf]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def podgen(*args: str) -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "podgen", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PODGEN_TTS": "piper"},
    )
    if proc.returncode != 0:
        sys.exit(f"podgen {' '.join(args)} failed:\n{proc.stderr}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--doc", default=str(ROOT / "examples" / "dense-passage-retrieval.pdf"))
    parser.add_argument("--minutes", default="5")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "episodes"
        made = podgen("make", args.doc, "-o", str(out), "--minutes", args.minutes, "--llm", "offline")
        (folder,) = [p for p in out.iterdir() if p.is_dir()]
        meta = json.loads((folder / "episode.json").read_text())
        length = meta["duration"]
        print(f"episode: {folder.name}, {length:.1f} s of audio (made in {made:.1f} s), {os.cpu_count()} cores")
        print(
            f"{'file':<11} {'style':<11} {'wall s':>7} {'÷ length':>9} {'frames':>7} {'MB':>6} {'MB/min':>7} "
            f"{'clip s':>7}"
        )
        for style in ("classic", "whiteboard"):
            for kind, flag, name in (("video", [], "episode.mp4"), ("short", ["--short"], "short.mp4")):
                (folder / name).unlink(missing_ok=True)
                wall = podgen("video", str(folder), "--video-style", style, *flag)
                entry = json.loads((folder / "episode.json").read_text())["videos"][kind]
                size = (folder / name).stat().st_size / 1e6
                clip = entry["duration"]
                print(
                    f"{name:<11} {style:<11} {wall:7.1f} {wall / length:9.3f} {entry['frames']:7d} {size:6.1f} "
                    f"{size / (clip / 60):7.2f} {clip:7.1f}"
                )
        print("goal: wall ÷ episode length ≤ 0.2 for episode.mp4 (and the short's wall ÷ the episode's length)")


if __name__ == "__main__":
    main()
