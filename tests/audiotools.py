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


def timbre(samples: np.ndarray, rate: int, coefficients: int = 13) -> np.ndarray:
    """A clip's timbre: the mean of its MFCCs 1-12 (25 ms frames, 26 mel bands up to 8 kHz) over
    the frames within 35 dB of its loudest, at 16 kHz."""
    import soxr

    audio = soxr.resample(samples.astype(np.float32), rate, 16000) if rate != 16000 else samples
    frame, hop, bins = 400, 160, 512
    count = 1 + (len(audio) - frame) // hop
    frames = np.stack([audio[i * hop : i * hop + frame] for i in range(count)]) * np.hanning(frame)
    power = np.abs(np.fft.rfft(frames, bins)) ** 2
    mel = np.linspace(0, 2595 * np.log10(1 + 8000 / 700), 28)
    edges = np.floor((bins + 1) * (700 * (10 ** (mel / 2595) - 1)) / 16000).astype(int)
    bank = np.zeros((26, bins // 2 + 1))
    for band in range(26):
        low, mid, high = edges[band : band + 3]
        bank[band, low:mid] = (np.arange(low, mid) - low) / max(1, mid - low)
        bank[band, mid:high] = (high - np.arange(mid, high)) / max(1, high - mid)
    energy = np.log(power @ bank.T + 1e-10)
    loud = energy.sum(axis=1) > energy.sum(axis=1).max() - 35 * np.log(10) / 10 * 26
    basis = np.cos(np.pi / 26 * (np.arange(26) + 0.5)[None, :] * np.arange(coefficients)[:, None])
    return (energy[loud] @ basis.T)[:, 1:].mean(axis=0)


def separation(first: list[np.ndarray], second: list[np.ndarray]) -> float:
    """How far apart two voices are: the distance between their mean timbres, in units of how far
    one voice's clips lie from their own mean (1: as far as one voice varies; 3 and more: plainly
    two people)."""
    a, b = np.array(first), np.array(second)
    within = np.mean([np.linalg.norm(v - group.mean(axis=0)) for group in (a, b) for v in group])
    return float(np.linalg.norm(a.mean(axis=0) - b.mean(axis=0)) / within)


def semitones(low: float, high: float) -> float:
    return float(12 * np.log2(high / low))
