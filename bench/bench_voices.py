"""The voices' speed: a remote speech server's concurrency, and the offline voices on this machine.

1. Speak 120 lines against a local OpenAI-compatible speech server that takes 0.5 s per request.
   Prints, side by side: the wall time with one request in flight and with the default
   concurrency (goal: at most 1.2 x lines x latency / concurrency), and a re-run from the clip
   cache as a fraction of the first run (goal: under 5%).
2. Speak the same script, --minutes of speech (default 5), offline: Piper (joe and joe-bright) and
   Kokoro (the kokoro packages' int8 model, jf_gongitsune and jm_kumo) in 1 and in 2 worker
   processes. Prints each run's wall time, real-time factor (wall time / audio time), and peak
   memory of podgen and its worker processes together. Goal: a 5-minute episode's speech in
   under 150 s with Kokoro on 2 cores.

    .venv/bin/python bench/bench_voices.py [--lines 120] [--latency 0.5] [--minutes 5] [--skip-remote]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
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
    parser.add_argument("--minutes", type=float, default=5.0, help="minutes of speech for the offline voices")
    parser.add_argument("--skip-remote", action="store_true", help="only the offline voices")
    args = parser.parse_args()
    if not args.skip_remote:
        remote(args)
    offline(args.minutes)


def remote(args: argparse.Namespace) -> None:
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


PODCAST = [
    "Welcome back to the show. Today we are reading a paper about finding the right passages for a question.",
    "The idea is simple: encode every passage as a vector once, and then compare each question against them.",
    "So the search is a nearest neighbour lookup, not a keyword match. Is that really faster?",
    "It is, because the index is built ahead of time, and a lookup takes a few milliseconds.",
    "And the encoders are trained on pairs of questions and the passages that answer them.",
    "Right. The other passages in the same batch serve as the wrong answers, which makes training cheap.",
    "How much better does it do than the old keyword search?",
    "On open questions it finds the right passage in the top twenty about ten points more often.",
]


def offline(minutes: float) -> None:
    import psutil

    words = minutes * 150  # words a minute at podgen's default pace
    texts = [PODCAST[i % len(PODCAST)] + f" That was point {i + 1}." for i in range(int(words / 19) + 1)]
    script = Script("Bench", "", [Line(("Alex", "Sam")[i % 2], t) for i, t in enumerate(texts)], hosts=["Alex", "Sam"])
    print(
        f"\n{len(texts)} lines (about {minutes:g} minutes of speech) offline; {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} at the start"
    )
    print(f"{'voices':<34}{'workers':>8}{'wall s':>9}{'audio s':>9}{'RTF':>7}{'peak MB':>9}")
    runs = [
        ("piper joe + joe-bright", "piper", ["joe", "joe-bright"], None),
        ("kokoro jf_gongitsune + jm_kumo", "kokoro", ["jf_gongitsune", "jm_kumo"], 1),
        ("kokoro jf_gongitsune + jm_kumo", "kokoro", ["jf_gongitsune", "jm_kumo"], 2),
    ]
    for label, tts, names, workers in runs:
        with tempfile.TemporaryDirectory() as work:
            settings = Settings(cache_dir=Path(work), tts=tts, voices=names, tts_concurrency=workers)
            peak = _Peak(psutil.Process())
            start = time.perf_counter()
            with peak:
                paths = speak_script(script, settings)
            wall = time.perf_counter() - start
            audio = sum(_seconds(p) for p in paths)
            shown = workers or voices_backend(tts).concurrency
            print(f"{label:<34}{shown:>8}{wall:>9.1f}{audio:>9.1f}{wall / audio:>7.2f}{peak.mb:>9.0f}")
            _close_workers()
    print(f"load average {os.getloadavg()[0]:.1f} at the end (other programs share these cores)")


def voices_backend(name: str):
    return voices.create(name, Settings())


def _seconds(path: Path) -> float:
    import wave

    with wave.open(str(path)) as clip:
        return clip.getnframes() / clip.getframerate()


def _close_workers() -> None:
    from podgen.speak.kokoro import _Workers

    _Workers.close()


class _Peak:
    """Peak resident memory of this process and all its children, sampled every 0.2 s."""

    def __init__(self, process):
        self.process, self.mb, self._stop = process, 0.0, threading.Event()

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            try:
                procs = [self.process, *self.process.children(recursive=True)]
                total = sum(p.memory_info().rss for p in procs if p.is_running())
            except Exception:  # a worker that ended between the listing and the reading
                continue
            self.mb = max(self.mb, total / 1e6)

    def __enter__(self):
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


if __name__ == "__main__":
    main()
