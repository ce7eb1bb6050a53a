"""Time the mix stage against speech synthesis, and the mix of 500 clips against ffmpeg alone.

1. A 5-minute episode from the example paper, from a cold clip cache: the mix stage's time as
   a fraction of its speech synthesis time (goal: at most 0.10).
2. Those clips repeated to 500 lines: time and peak memory of the whole mix stage (stitch,
   level, measure, encode, tags, transcripts, cover), mono and stereo with music, against
   ffmpeg alone encoding the same audio from a WAV file with the same encoder settings
   (goal: at most 1.5x its time). The two sides run in turn, twice; the best time counts,
   since other work on the machine only ever adds time.

Each measurement of part 2 runs in its own process, so peak memory is that process's (or its
ffmpeg's) largest resident size.

    .venv/bin/python bench/bench_mix.py [--minutes 5] [--clips 500]
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
PAPER = ROOT / "examples" / "dense-passage-retrieval.pdf"

SETUP_CHILD = """
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from bench_mix import cold_episode, long_script
work, minutes, clips = Path(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
timings, folder, cache = cold_episode(work, minutes)
script, paths = long_script(folder, cache, clips, work)
print(json.dumps({"timings": timings, "script": str(script), "clips": paths, "cache": str(cache)}))
"""

MIX_CHILD = """
import json, sys, time
from pathlib import Path
from podgen.config import Settings
from podgen.mix import mix_episode
from podgen.models import Script
args = json.loads(sys.argv[1])
script = Script.from_dict(json.loads(Path(args["script"]).read_text()))
settings = Settings(cache_dir=args["cache"], **args["settings"])
start = time.perf_counter()
duration, _, _ = mix_episode(script, [Path(p) for p in args["clips"]], Path(args["out"]), settings)
print(json.dumps({"seconds": time.perf_counter() - start, "duration": duration}))
"""


def cold_episode(work: Path, minutes: float) -> tuple[dict, Path, Path]:
    from podgen.config import Settings
    from podgen.pipeline import make_episode

    settings = Settings(output_dir=work / "episodes", cache_dir=work / "cache", minutes=minutes, tts="piper")
    episode = make_episode([PAPER], settings)
    return episode.timings | {"audio": episode.duration}, episode.folder, settings.cache_dir


def long_script(folder: Path, cache: Path, clips: int, work: Path) -> tuple[Path, list[str]]:
    from podgen.config import Settings
    from podgen.pipeline import load_script
    from podgen.speak import clip_paths

    script = load_script(folder)
    paths = clip_paths(script, Settings(cache_dir=cache, tts="piper"))
    lines = [script.lines[i % len(script.lines)] for i in range(clips)]
    script.lines, script.chapters = lines, [c for c in script.chapters if c.line < clips]
    path = work / "long-script.json"
    path.write_text(script.to_json())
    return path, [str(paths[i % len(paths)]) for i in range(clips)]


def child(code: list[str]) -> tuple[str, float, float]:
    """Run a command; return its stdout, wall time and peak resident memory (MiB) of it and the
    children it waited for (Linux reports the largest of them)."""
    start = time.perf_counter()
    proc = subprocess.Popen(code, stdout=subprocess.PIPE, text=True)
    stdout = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{code[0]} failed with exit code {proc.returncode}")
    return stdout, seconds, usage.ru_maxrss / 1024


def reference_encode(mp3: Path, work: Path, stereo: bool) -> list[str]:
    """ffmpeg alone: our MP3 decoded to a WAV once (not timed); the command encodes that WAV."""
    from podgen.ffmpeg import ffmpeg_exe
    from podgen.mix.master import LAME_QUALITY

    wav = work / ("reference-stereo.wav" if stereo else "reference.wav")
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", "-i", str(mp3), str(wav)], check=True)
    return [
        ffmpeg_exe(),
        "-v",
        "error",
        "-y",
        "-i",
        str(wav),
        "-c:a",
        "libmp3lame",
        "-b:a",
        "128k" if stereo else "96k",
        "-compression_level",
        str(LAME_QUALITY),
        str(work / "reference.mp3"),
    ]


def compare(label: str, settings: dict, setup: dict, work: Path, rounds: int) -> None:
    """Best of ``rounds`` alternating runs of the whole mix stage and of ffmpeg alone."""
    out = work / label.replace(" ", "-").replace(",", "").replace("+", "")
    out.mkdir()
    spec = {
        "script": setup["script"],
        "clips": setup["clips"],
        "cache": setup["cache"],
        "out": str(out),
        "settings": settings,
    }
    ours, theirs, reference = [], [], None
    for _ in range(rounds):
        stdout, _, peak = child([sys.executable, "-c", MIX_CHILD, json.dumps(spec)])
        result = json.loads(stdout)
        ours.append((result["seconds"], peak))
        reference = reference or reference_encode(out / "episode.mp3", work, settings.get("stereo", False))
        _, seconds, ref_peak = child(reference)
        theirs.append((seconds, ref_peak))
    (seconds, peak), (ref_seconds, ref_peak) = min(ours), min(theirs)
    print(
        f"   {label:<34} {result['duration'] / 60:7.1f}m {seconds:8.2f} {max(p for _, p in ours):9.0f} "
        f"{seconds / ref_seconds:9.2f}"
    )
    print(
        f"   {'  ffmpeg alone, same encoder':<34} {'':>8} {ref_seconds:8.2f} {max(p for _, p in theirs):9.0f} {1:9.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--clips", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=2, help="runs of each side; the best counts (default 2)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; paper: {PAPER.name}")
    with tempfile.TemporaryDirectory(prefix="podgen-bench-mix-") as tmp:
        work = Path(tmp)
        # Everything heavy runs in child processes: each one's peak memory is its own.
        stdout, _, _ = child(
            [
                sys.executable,
                "-c",
                SETUP_CHILD,
                str(Path(__file__).parent),
                str(work),
                str(args.minutes),
                str(args.clips),
            ]
        )
        setup = json.loads(stdout)
        timings = setup["timings"]
        print(f"\n1. {timings['audio'] / 60:.1f}-minute episode, cold clip cache")
        print(
            f"   speak {timings['speak']:6.2f} s   mix {timings['mix']:5.2f} s   "
            f"mix / speak = {timings['mix'] / timings['speak']:.3f}   (goal <= 0.10)"
        )
        print(f"\n2. {args.clips} clips")
        header = f"   {'run':<34} {'audio':>8} {'seconds':>8} {'peak MiB':>9} {'x ffmpeg':>9}"
        print(header + "\n   " + "-" * (len(header) - 3))
        for label, settings in (
            ("podgen mix, mono", {}),
            ("podgen mix, stereo + music", {"stereo": True, "music": "default"}),
        ):
            compare(label, settings, setup, work, args.rounds)
    print(
        "\nseconds: wall time, best of the rounds; peak MiB: the largest process's resident memory, the\n"
        "worst of the rounds (goal: x ffmpeg <= 1.5)"
    )


if __name__ == "__main__":
    main()
