"""Measurements on real audio for the tests: decoding, pitch, loudness, recognition."""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import numpy as np

from podgen.ffmpeg import ffmpeg_exe


def decode(path: Path, rate: int = 16000) -> np.ndarray:
    """Any audio file -> mono float32 at ``rate`` via ffmpeg."""
    cmd = [ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(rate), "pipe:1"]
    raw = subprocess.run(cmd, capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype=np.int16).astype(np.float32) / 32768


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
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"]
    text = subprocess.run(cmd, capture_output=True, text=True, check=True).stderr
    summary = text[text.rindex("Summary:"):]
    return {
        "I": float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1)),
        "TP": float(re.search(r"Peak:\s+(-?[\d.inf]+) dBFS", summary).group(1)),
    }


def probe(path: Path) -> str:
    """ffmpeg's description of the file's streams (ffprobe is not shipped)."""
    return subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True).stderr


_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
    "seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> str:
    """0..999999 as English words ("7" and "seven" are the same word to a listener)."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        return _ONES[n // 100] + " hundred" + ("" if n % 100 == 0 else " " + number_words(n % 100))
    return number_words(n // 1000) + " thousand" + ("" if n % 1000 == 0 else " " + number_words(n % 1000))


def normalise_words(text: str) -> list[str]:
    """Lower-case words, hyphens split (but "TF-IDF" is one word), small whole numbers spelled out."""
    text = re.sub(r"\b([A-Z]{1,5})-([A-Z]{1,5})\b", r"\1\2", text)
    text = text.lower().replace("-", " ").replace("’", "'")
    text = re.sub(r"\b\d{1,6}\b(?![.,]\d)", lambda m: number_words(int(m.group(0))), text.replace(",000", "000"))
    return re.findall(r"[a-z0-9']+", text)


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    return jiwer.wer(" ".join(normalise_words(reference)), " ".join(normalise_words(hypothesis)))


def transcript_json(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["segments"]
