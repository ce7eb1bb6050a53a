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
