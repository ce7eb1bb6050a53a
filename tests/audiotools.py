"""Measurements on real audio for the tests: decoding, pitch, loudness, recognition."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np

from podgen.check.standards import measure_loudness
from podgen.check.words import normalise_words, wer  # noqa: F401  (shared with the tests)
from podgen.ffmpeg import decode, ffmpeg_exe  # noqa: F401


def median_f0(samples: np.ndarray, rate: int, fmin: float = 60, fmax: float = 400) -> float:
    """Median fundamental frequency of the voiced frames (normalised autocorrelation)."""
    frame, hop = int(0.04 * rate), int(0.01 * rate)
    lo, hi = int(rate / fmax), int(rate / fmin)
    level = np.sqrt(np.mean(samples**2))
    found = []
    for start in range(0, len(samples) - frame, hop):
        x = samples[start : start + frame] - samples[start : start + frame].mean()
        if np.sqrt(np.mean(x**2)) < 0.5 * level:
            continue
        ac = np.correlate(x, x, "full")[frame - 1 :]
        if ac[0] <= 0:
            continue
        ac = ac / ac[0]
        lag = lo + int(np.argmax(ac[lo:hi]))
        if ac[lag] > 0.5:
            found.append(rate / lag)
    return float(np.median(found))


def ebur128(path: Path) -> dict[str, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) as ffmpeg's ebur128 filter measures them."""
    measured = measure_loudness(path)
    return {"I": measured["loudness"], "TP": measured["true_peak"]}


def probe(path: Path) -> str:
    """ffmpeg's description of the file's streams (ffprobe is not shipped)."""
    return subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr


def transcript_json(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["segments"]
