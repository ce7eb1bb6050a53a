"""Speak 120 lines against a local OpenAI-compatible speech server that takes 0.5 s per request.

Prints, side by side: the wall time with one request in flight and with the default
concurrency (goal: at most 1.2 x lines x latency / concurrency), and a re-run from the clip
cache as a fraction of the first run (goal: under 5%).

    .venv/bin/python bench/bench_voices.py [--lines 120] [--latency 0.5]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the local speech server the tests use

from servers.speech import OpenAISpeechServer, mp3_of  # noqa: E402

from podgen.config import Settings  # noqa: E402
from podgen.models import Line, Script  # noqa: E402
from podgen.speak import speak_script, voices  # noqa: E402


def lines(count: int) -> Script:
    texts = [f"This is line number {i} of the benchmark." for i in range(count)]
    return Script("Bench", "", [Line(("Alex", "Sam")[i % 2], t) for i, t in enumerate(texts)], hosts=["Alex", "Sam"])


def timed(script: Script, settings: Settings, server: OpenAISpeechServer) -> tuple[float, int]:
    sent = len(server.traffic.texts)
    start = time.perf_counter()
    speak_script(script, settings)
    return time.perf_counter() - start, len(server.traffic.texts) - sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=120)
    parser.add_argument("--latency", type=float, default=0.5)
    args = parser.parse_args()
    script, answer = lines(args.lines), mp3_of("Hello there.")
    default = voices.create("openai", Settings()).concurrency
    print(f"{args.lines} lines, {args.latency}s per request, local /v1/audio/speech server\n")
    print(f"{'run':<24}{'in flight':>10}{'requests':>10}{'wall s':>9}{'ideal s':>9}{'goal s':>8}  result")
    with (
        OpenAISpeechServer(latency=args.latency, audio=lambda text: answer) as server,
        tempfile.TemporaryDirectory() as work,
    ):
        first = 0.0
        for label, concurrency, folder in [
            ("cold, concurrency 1", 1, "one"),
            ("cold, default", default, "many"),
            ("warm re-run, default", default, "many"),
        ]:
            settings = Settings(
                cache_dir=Path(work) / folder, tts="openai", tts_base_url=server.url, tts_concurrency=concurrency
            )
            wall, sent = timed(script, settings, server)
            if label == "cold, default":
                first = wall
            if label.startswith("warm"):
                result = f"{wall / first:.1%} of the cold run (goal < 5%): {'PASS' if wall / first < 0.05 else 'FAIL'}"
                print(f"{label:<24}{concurrency:>10}{sent:>10}{wall:>9.2f}{'':>9}{'':>8}  {result}")
                continue
            ideal = args.lines * args.latency / concurrency
            verdict = f"{wall / ideal:.2f}x ideal: {'PASS' if wall <= 1.2 * ideal else 'FAIL'}"
            print(f"{label:<24}{concurrency:>10}{sent:>10}{wall:>9.2f}{ideal:>9.2f}{1.2 * ideal:>8.2f}  {verdict}")
        print(f"\npeak requests in flight seen by the server: {server.traffic.peak}")


if __name__ == "__main__":
    main()
