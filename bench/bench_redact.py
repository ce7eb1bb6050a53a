"""Time ``redact.text`` on long runs shaped to make a backtracking pattern work: the patterns as
they were (each started at every position of a run and scanned to its end: quadratic) against
``podgen.redact`` now, side by side, on the same inputs.

    .venv/bin/python bench/bench_redact.py [--before-max 80000]
"""

from __future__ import annotations

import argparse
import os
import re
import time

from podgen import redact

BEFORE = (
    re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/?#@\s]*@"),
    re.compile(r"(?i)\b(bearer|token|api[-_]?key)(\s*[:=]?\s*)([A-Za-z0-9._~+/=-]{12,})"),
    re.compile(r"\b(sk-[A-Za-z0-9_-]{12,}|hf_[A-Za-z0-9]{12,})\b"),
)
"""podgen/redact.py's three patterns before they were made linear."""

RUNS = {
    "letters": lambda n: "x" * n,
    "'token' and spaces": lambda n: "token" + " " * n,
    "'sk-' again and again": lambda n: "sk-" * (n // 3) + ".",
}


def before(value: str) -> str:
    userinfo, bearer, keylike = BEFORE
    value = userinfo.sub(lambda m: f"{m['scheme']}***@", value)
    value = bearer.sub(lambda m: f"{m[1]}{m[2]}***", value)
    return keylike.sub("***", value)


def timed(func, text: str) -> float:
    start = time.perf_counter()
    func(text)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before-max", type=int, default=80_000, help="longest run given to the old patterns")
    args = parser.parse_args()
    print(f"load: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print(f"{'run':<24}{'characters':>12}{'before s':>10}{'now s':>9}")
    for name, make in RUNS.items():
        for size in (10_000, 20_000, 40_000, 80_000, 1_000_000, 10_000_000):
            text = make(size)
            old = f"{timed(before, text):>10.3f}" if size <= args.before_max else f"{'-':>10}"
            print(f"{name:<24}{size:>12,}{old}{timed(redact.text, text):>9.3f}")


if __name__ == "__main__":
    main()
