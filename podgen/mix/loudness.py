"""Integrated loudness (ITU-R BS.1770-4 / EBU R128) of an array, measured in one vectorised pass.

The K-weighting filter (a high shelf and a high-pass, with libebur128's coefficients for any
sample rate) is applied as its power response to the spectrum of each 100 ms block, and the
400 ms gating blocks (75 % overlap) are means of four of them. Block powers of signals that
do not correlate (speech and a music bed) add up, so a mix can be measured from its parts. Only power is measured, so
phase does not matter; the tests compare it with ffmpeg's ebur128 filter on the finished MP3.
"""

from __future__ import annotations

import math

import numpy as np

ABSOLUTE_GATE = -70.0
RELATIVE_GATE = -10.0


def _biquad_power(b: list[float], a: list[float], w: np.ndarray) -> np.ndarray:
    z = np.exp(-1j * w)
    num = b[0] + b[1] * z + b[2] * z * z
    den = a[0] + a[1] * z + a[2] * z * z
    return np.abs(num / den) ** 2


def k_weighting(rate: int, bins: int) -> np.ndarray:
    """The K-weighting filter's power response at the ``bins`` frequencies of an rfft."""
    w = np.linspace(0, math.pi, bins)
    k = math.tan(math.pi * 1681.974450955533 / rate)
    q, vh = 0.7071752369554196, 10 ** (3.999843853973347 / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf_b = [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0]
    shelf_a = [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    k = math.tan(math.pi * 38.13547087602444 / rate)
    q = 0.5003270373238773
    a0 = 1 + k / q + k * k
    high_a = [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
    return _biquad_power(shelf_b, shelf_a, w) * _biquad_power([1.0, -2.0, 1.0], high_a, w)


def block_power(samples: np.ndarray, rate: int, chunk: int = 256) -> np.ndarray:
    """Mean K-weighted power of each 100 ms block, summed over channels (``chunk`` blocks at a time)."""
    step = rate // 10
    frames = samples.reshape(len(samples), -1)
    count = len(frames) // step
    weights = k_weighting(rate, step // 2 + 1)
    weights[1 : -1 if step % 2 == 0 else None] *= 2  # the rfft's positive frequencies stand for both halves
    power = np.zeros(count)
    for first in range(0, count, chunk):
        last = min(count, first + chunk)
        for channel in frames.T:
            spectrum = np.fft.rfft(channel[first * step : last * step].reshape(-1, step), axis=-1)
            power[first:last] += (spectrum.real**2 + spectrum.imag**2) @ weights
    return power / (step * step)


def integrated(samples: np.ndarray, rate: int) -> float | None:
    """Gated integrated loudness in LUFS (mono: one channel; stereo: an (n, 2) array); None if silent."""
    return gated(block_power(samples, rate))


def gated(power: np.ndarray) -> float | None:
    """Integrated loudness from the K-weighted power of consecutive 100 ms blocks."""
    if len(power) < 4:
        return None
    gating = np.convolve(power, np.ones(4) / 4, mode="valid")  # 400 ms every 100 ms
    loud = gating[_lufs(gating) > ABSOLUTE_GATE]
    if not len(loud):
        return None
    relative = _lufs(np.array([loud.mean()]))[0] + RELATIVE_GATE
    kept = loud[_lufs(loud) > relative]
    return float(_lufs(np.array([kept.mean()]))[0])


def _lufs(power: np.ndarray) -> np.ndarray:
    return -0.691 + 10 * np.log10(np.maximum(power, 1e-20))
