"""Peak memory of speaking one long line with Piper: the line given to the voice whole (what the
speak stage did before it cut lines into pieces) against the line through the speak stage
(pieces of at most MAX_SPOKEN_CHARS characters), side by side, each in a process of its own.

The worst line is one without a full stop: Piper's memory grows with the length of one
sentence, and script.json allows lines of up to 4,000 characters. The "whole" runs stop at
--whole-max characters (default 2,000, which took 2.7 GB), so the benchmark does not take the
machine's memory; pass --whole-max 4000 to measure the worst line given whole too.

    .venv/bin/python bench/bench_speak_memory.py [--lengths 500,1000,2000,4000] [--whole-max 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

CLAUSE = "the model reads a long clause, and then another one follows it, "

CHILD = """
import json, resource, sys, time
from pathlib import Path
from podgen.config import Settings
from podgen.speak import speak_lines
from podgen.speak.piper import PiperBackend
from podgen.models import Line

mode, length, cache, clause = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
text = (clause * (length // len(clause) + 1))[:length]
settings = Settings(tts="piper", cache_dir=cache, voices=["joe", "joe-bright"], tts_concurrency=1)
voice = PiperBackend(settings).voice("joe")
if mode == "whole":
    voice.synthesize("Warm up.")  # the model loaded: what follows is the line's own memory
else:
    speak_lines([Line("Alex", "Warm up.")], ["Alex", "Sam"], settings)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
if mode == "whole":
    pcm, rate = voice.synthesize(text)
    seconds = len(pcm) / 2 / rate
else:
    import wave
    with wave.open(str(speak_lines([Line("Alex", text)], ["Alex", "Sam"], settings)[0])) as clip:
        seconds = clip.getnframes() / clip.getframerate()
print(json.dumps({
    "loaded_mb": before / 1024,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "wall": time.perf_counter() - start,
    "audio": seconds,
}))
"""


def measure(mode: str, length: int) -> dict:
    with tempfile.TemporaryDirectory() as cache:
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, mode, str(length), cache, CLAUSE],
            capture_output=True,
            text=True,
            env={**os.environ, "PODGEN_TTS": "piper"},
        )
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["killed"])[-1][:60]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    from podgen.speak import MAX_SPOKEN_CHARS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", default="500,1000,2000,4000")
    parser.add_argument("--whole-max", type=int, default=2000)
    args = parser.parse_args()
    print(
        f"one line without a full stop, Piper 'joe', one line at a time; pieces of at most {MAX_SPOKEN_CHARS} characters"
    )
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}\n")
    print(f"{'characters':>10}  {'given to the voice':<20}{'peak MB':>9}{'model MB':>10}{'wall s':>8}{'audio s':>9}")
    for length in (int(n) for n in args.lengths.split(",")):
        for mode, label in (("whole", "whole (before)"), ("pieces", "in pieces (now)")):
            if mode == "whole" and length > args.whole_max:
                print(f"{length:>10}  {label:<20}{'skipped: over --whole-max':>36}")
                continue
            got = measure(mode, length)
            if "error" in got:
                print(f"{length:>10}  {label:<20}  failed: {got['error']}")
                continue
            print(
                f"{length:>10}  {label:<20}{got['peak_mb']:>9.0f}{got['loaded_mb']:>10.0f}"
                f"{got['wall']:>8.1f}{got['audio']:>9.1f}"
            )


if __name__ == "__main__":
    main()
