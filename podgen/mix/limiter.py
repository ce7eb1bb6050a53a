"""A true-peak limiter in numpy, applied to the mix as it streams to the encoder.

Peaks are found per 1 ms block on the signal oversampled four times (a windowed-sinc
interpolator computes the three values between each pair of samples, only in blocks whose
sample peak comes within ``NEAR_DB`` of the ceiling: the rest cannot reach it). Each block's
gain reduction is spread with a look-ahead: ramped in (in dB) over the ``ATTACK_S`` before
a peak, released linearly (``RELEASE_DB_PER_S``) after it, and a one-block hold each side, so the gain, interpolated
sample by sample between block centres, is never above what any sample needs. The last few
blocks of a chunk wait for the next one (their look-ahead), so the output lags the input
by a few milliseconds and ``flush`` gives the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

OVERSAMPLE = 4
HALF_TAPS = 8
"""The interpolator uses this many samples each side of the point it computes."""
NEAR_DB = 6.0
"""Inter-sample peaks of real audio stay well within 6 dB of the sample peak around them."""
ATTACK_S, RELEASE_DB_PER_S = 0.003, 120.0
BATCH = 2048
"""Blocks oversampled at once: bounds the interpolator's temporaries to a few MiB."""


def _interpolator() -> np.ndarray:
    """(OVERSAMPLE - 1, 2 * HALF_TAPS) taps giving the values at 1/4, 2/4 and 3/4 between samples."""
    offsets = np.arange(-HALF_TAPS + 1, HALF_TAPS + 1)
    distance = np.arange(1, OVERSAMPLE)[:, None] / OVERSAMPLE - offsets
    taps = np.sinc(distance) * (0.5 + 0.5 * np.cos(np.pi * distance / HALF_TAPS))
    return (taps / taps.sum(axis=1, keepdims=True)).astype(np.float32)


TAPS = _interpolator()


class Limiter:
    """Streams (n,) or (n, channels) float32 chunks through a true-peak ceiling of ``ceiling`` (linear)."""

    def __init__(self, rate: int, ceiling: float):
        self.block = max(1, rate // 1000)
        self.ceiling = ceiling
        self.attack = max(1, round(ATTACK_S * rate / self.block))
        self.ahead = self.attack + 2  # the attack, the hold, and the next block for interpolation
        self.release_db = RELEASE_DB_PER_S * self.block / rate
        self.pending: np.ndarray | None = None  # input not given out yet
        self.history: np.ndarray | None = None  # the last HALF_TAPS input samples given out
        self.last_db = self.last_need = 0.0  # reduction and need of the last block given out

    def stream(self, chunks: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
        """Every chunk limited (each output a few ms behind its input), then the rest."""
        mono = None
        for chunk in chunks:
            mono = chunk.ndim == 1
            out = self.process(chunk[:, None] if mono else chunk)
            if len(out):
                yield out[:, 0] if mono else out
        out = self.flush()
        if len(out):
            yield out[:, 0] if mono else out

    def process(self, x: np.ndarray) -> np.ndarray:
        """Limit (n, channels) ``x`` after what was held back; hold back the last blocks."""
        x = np.concatenate([self.pending, x]) if self.pending is not None else x.copy()  # scaled in place
        return self._run(x, max(0, len(x) // self.block - self.ahead))

    def flush(self) -> np.ndarray:
        """The held-back end, limited (silence after it as its look-ahead)."""
        if self.pending is None or not len(self.pending):
            return np.zeros((0, 1), np.float32)
        size, channels = len(self.pending), self.pending.shape[1]
        blocks = -(-size // self.block)
        tail = np.zeros(((blocks + self.ahead) * self.block - size, channels), np.float32)
        return self._run(np.concatenate([self.pending, tail]), blocks)[:size]

    def _run(self, x: np.ndarray, keep: int) -> np.ndarray:
        """Limit the first ``keep`` blocks of ``x`` (scaled in place) and give them out."""
        size = keep * self.block
        before = self.last_db
        reduction = self._reduction(self._peaks(x, len(x) // self.block), keep)
        if self.history is None and keep:  # the very start: no block before it
            before = reduction[0]
        given = x[max(0, size - HALF_TAPS) : size].copy()  # context for the next peaks, before scaling
        if self.history is not None and len(given) < HALF_TAPS:
            given = np.concatenate([self.history, given])[-HALF_TAPS:]
        self._scale(x, before, reduction, size)
        self.pending, self.history = x[size:], given
        return x[:size]

    def _peaks(self, x: np.ndarray, count: int) -> np.ndarray:
        """The true peak (linear) of each of the first ``count`` blocks of ``x``."""
        whole = np.abs(x[: count * self.block]).reshape(count, -1).max(axis=1, initial=0.0)
        near = np.flatnonzero(whole > self.ceiling * 10 ** (-NEAR_DB / 20))
        if not len(near):
            return whole
        channels = x.shape[1]
        left = self.history if self.history is not None else np.zeros((0, channels), x.dtype)
        padded = np.concatenate(
            [np.zeros((HALF_TAPS - len(left), channels), x.dtype), left, x, np.zeros((HALF_TAPS, channels), x.dtype)]
        )
        span = np.arange(self.block + 2 * HALF_TAPS - 1)
        for first in range(0, len(near), BATCH):
            blocks = near[first : first + BATCH]
            # x[i - HALF_TAPS + 1 .. i + HALF_TAPS] for every i of each block: x[i] is padded[i + HALF_TAPS]
            segments = padded[blocks[:, None] * self.block + span + 1]  # (blocks, samples, channels)
            between = np.zeros(len(blocks))
            for taps in TAPS:  # the values at 1/4, 2/4, 3/4 of the way to the next sample
                value = sum(tap * segments[:, k : k + self.block] for k, tap in enumerate(taps))
                between = np.maximum(between, np.abs(value).reshape(len(blocks), -1).max(axis=1))
            whole[blocks] = np.maximum(whole[blocks], between)
        return whole

    def _reduction(self, peaks: np.ndarray, keep: int) -> np.ndarray:
        """Reduction (dB) of the first ``keep`` blocks and the one after: each block's need held
        one block each side, ramped in over the attack before it and released linearly after it."""
        need = np.maximum(0.0, 20 * np.log10(np.maximum(peaks, 1e-12) / self.ceiling))
        held = np.maximum(need, np.maximum(np.pad(need[1:], (0, 1)), np.concatenate([[self.last_need], need[:-1]])))
        ramped = held.copy()
        for k in range(1, self.attack + 1):  # look-ahead: each peak's reduction ramps in before it
            ramped[:-k] = np.maximum(ramped[:-k], held[k:] * (1 - k / (self.attack + 1)))
        decay = self.release_db * np.arange(1, len(ramped) + 1)
        spread = np.maximum(np.maximum.accumulate(ramped + decay) - decay, self.last_db - decay)
        if keep:
            self.last_db, self.last_need = float(spread[keep - 1]), float(need[keep - 1])
        return spread[: keep + 1]

    def _scale(self, x: np.ndarray, before: float, reduction: np.ndarray, size: int) -> None:
        """Scale ``x[:size]`` in place by the gain, linear between block centres (from the last
        block given out); only the stretch around blocks that need it is touched."""
        db = np.concatenate([[before], reduction])
        active = np.flatnonzero(db > 0)
        if not len(active) or not size:
            return
        centres = (np.arange(-1, len(reduction)) + 0.5) * self.block
        lo, hi = max(0, (active[0] - 2) * self.block), min(size, (active[-1] + 1) * self.block)
        gains = 10 ** (-db / 20)
        x[lo:hi] *= np.interp(np.arange(lo, hi), centres, gains).astype(np.float32)[:, None]
