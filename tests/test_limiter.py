"""The true-peak limiter: peaks held under the ceiling as ffmpeg's ebur128 measures them,
the same output however the input is cut into chunks, and quiet audio left alone."""

from __future__ import annotations

import wave

import numpy as np
import soxr
from audiotools import ebur128

from podgen.mix.limiter import Limiter

RATE = 44100
CEILING_DB = -2.0


def loud_stereo(seconds: float = 6.0) -> np.ndarray:
    """Left, a tone at a quarter of the rate whose samples all fall 3 dB below its peaks (which
    swing 3.5 dB over full scale); right, a lower tone with noise; a quiet second in between."""
    rng = np.random.default_rng(7)
    t = np.arange(int(seconds * RATE)) / RATE
    swell = 1 + 0.5 * np.sin(2 * np.pi * 0.7 * t)
    left = swell * np.sin(2 * np.pi * RATE / 4 * t + np.pi / 4)  # every peak falls between two samples
    right = 0.8 * swell * np.sin(2 * np.pi * 440 * t) + rng.normal(0, 0.05, len(t))
    signal = np.stack([left, right], axis=1)
    signal[int(2 * RATE) : int(3 * RATE)] *= 0.01  # a quiet second the limiter must not touch
    return signal.astype(np.float32)


def limited(signal: np.ndarray, sizes: list[int]) -> np.ndarray:
    cuts = np.cumsum(sizes)
    pieces = np.split(signal, cuts[cuts < len(signal)])
    return np.concatenate(list(Limiter(RATE, 10 ** (CEILING_DB / 20)).stream(pieces)))


def write_wav(path, samples: np.ndarray) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(samples.shape[1] if samples.ndim == 2 else 1)
        out.setsampwidth(4)
        out.setframerate(RATE)
        out.writeframes((np.clip(samples, -1, 1) * (2**31 - 1)).astype("<i4").tobytes())


def test_true_peak_stays_under_the_ceiling(tmp_path):
    signal = loud_stereo()
    write_wav(tmp_path / "before.wav", signal / 4)  # a quarter: the WAV cannot hold the overs
    before = ebur128(tmp_path / "before.wav")["TP"] + 20 * np.log10(4)
    out = limited(signal, [len(signal)])
    write_wav(tmp_path / "after.wav", out)
    after = ebur128(tmp_path / "after.wav")["TP"]
    assert before > 3.0
    assert after <= CEILING_DB + 0.6  # ffmpeg's meter reads a tone this high up to 0.5 dB over
    assert after >= CEILING_DB - 1.0  # limited, not turned down
    fine = soxr.resample(out[:, 0], RATE, 8 * RATE, quality="VHQ")  # another oversampler, finer
    assert 20 * np.log10(np.abs(fine).max()) <= CEILING_DB + 0.05
    assert 20 * np.log10(np.abs(out[:, 0]).max()) <= CEILING_DB - 2.5  # the samples alone would pass


def test_any_chunking_gives_the_same_output():
    signal = loud_stereo(3.0)
    whole = limited(signal, [len(signal)])
    sizes = list(np.random.default_rng(3).integers(1, 20000, 40))
    chunked = limited(signal, sizes)
    assert chunked.shape == signal.shape
    assert np.abs(chunked - whole).max() < 1e-6
    mono = np.concatenate(list(Limiter(RATE, 10 ** (CEILING_DB / 20)).stream([signal[:1000, 0], signal[1000:, 0]])))
    assert mono.shape == (len(signal),)


def test_quiet_audio_passes_unchanged():
    signal = loud_stereo()
    out = limited(signal, [RATE] * 6)
    quiet = slice(int(2.2 * RATE), int(2.8 * RATE))  # past the release of the loud part before
    assert np.array_equal(out[quiet], signal[quiet])
    assert np.abs(out).max() < 10 ** (CEILING_DB / 20) + 1e-6
