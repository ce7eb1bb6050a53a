"""Small operations on mono 16-bit PCM."""

from __future__ import annotations

import numpy as np

SILENCE_DBFS = -50.0


def silence(seconds: float, rate: int) -> bytes:
    return bytes(2 * int(seconds * rate))


def trim(pcm: bytes, rate: int, keep: float = 0.05) -> bytes:
    """Cut leading and trailing silence, keeping ``keep`` seconds of it on each side."""
    samples = np.frombuffer(pcm, dtype=np.int16)
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 32768 * 10 ** (SILENCE_DBFS / 20))
    if loud.size == 0:
        return b""
    margin = int(keep * rate)
    start, end = max(0, loud[0] - margin), min(len(samples), loud[-1] + 1 + margin)
    return samples[start:end].tobytes()


def squeeze(pcm: bytes, rate: int, longest: float = 0.4, frame: float = 0.01) -> bytes:
    """Shorten every silence inside the clip to at most ``longest`` seconds (a model's own pause
    at a colon or a full stop can run past a second, which listeners hear as dead air)."""
    samples = np.frombuffer(pcm, dtype=np.int16)
    step = max(1, int(frame * rate))
    frames = len(samples) // step
    if frames < 2:
        return pcm
    peaks = np.abs(samples[: frames * step].astype(np.int32)).reshape(frames, step).max(axis=1)
    quiet = peaks <= 32768 * 10 ** (SILENCE_DBFS / 20)
    keep = np.ones(len(samples), dtype=bool)
    limit, start = int(longest / frame), None
    for index, silent in enumerate([*quiet, False]):
        if silent and start is None:
            start = index
        elif not silent and start is not None:
            if index - start > limit:
                keep[(start + limit // 2) * step : (index - (limit - limit // 2)) * step] = False
            start = None
    return samples[keep].tobytes()
