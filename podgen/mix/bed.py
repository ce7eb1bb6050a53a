"""The default music bed, synthesised: a warm pad, a soft bass, an electric-piano melody.

Eight bars at 84 beats a minute in D major (I-vi-IV-V, then I-iii-IV-V), about 23 seconds,
made from sines with a few harmonics, slow envelopes, a dotted-eighth echo and a little
stereo width. Made at run time (a fraction of a second, the same samples every time), so the
project ships no audio file and owns every note of it.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

BPM = 84
BEAT = 60 / BPM
BAR = 4 * BEAT
# Chords as MIDI notes (pad voicing) and their bass roots; one chord per bar.
CHORDS = [
    ((62, 66, 69, 74), 38),
    ((59, 62, 66, 71), 35),
    ((55, 59, 62, 67), 31),
    ((57, 61, 64, 69), 33),
    ((62, 66, 69, 73), 38),
    ((54, 57, 61, 66), 30),
    ((55, 59, 62, 67), 31),
    ((57, 61, 64, 67), 33),
]
# Melody: (bar, beat, MIDI note, beats long), D major pentatonic over the chords.
MELODY = [
    (0, 0, 78, 1.5),
    (0, 1.5, 76, 0.5),
    (0, 2, 74, 2),
    (1, 0, 74, 1),
    (1, 1, 71, 1),
    (1, 2, 73, 1),
    (1, 3, 74, 1),
    (2, 0, 71, 1.5),
    (2, 1.5, 74, 0.5),
    (2, 2, 79, 2),
    (3, 0, 76, 2),
    (3, 2.5, 73, 0.5),
    (3, 3, 76, 1),
    (4, 0, 78, 1.5),
    (4, 1.5, 81, 0.5),
    (4, 2, 78, 1),
    (4, 3, 76, 1),
    (5, 0, 73, 2),
    (5, 2, 69, 2),
    (6, 0, 71, 1),
    (6, 1, 74, 1),
    (6, 2, 79, 1.5),
    (6, 3.5, 78, 0.5),
    (7, 0, 76, 3),
    (7, 3, 73, 1),
]


def _hz(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def _envelope(n: int, rate: int, attack: float, release: float) -> np.ndarray:
    t = np.arange(n, dtype=np.float32) / np.float32(rate)
    rise = np.clip(t / np.float32(attack), 0, 1)
    fall = np.clip((np.float32(n / rate) - t) / np.float32(release), 0, 1)
    shape = rise * fall
    return shape * np.sqrt(shape)


def _tone(note: float, seconds: float, rate: int, partials: tuple[float, ...], detune: float = 0.0) -> np.ndarray:
    """A sine and up to two harmonics (from the sine and cosine, so only two are computed)."""
    phase = np.arange(int(seconds * rate), dtype=np.float32) * np.float32(2 * np.pi * _hz(note) * (1 + detune) / rate)
    sine = np.sin(phase)
    out = partials[0] * sine
    if len(partials) > 1 and partials[1]:
        out += partials[1] * 2 * sine * np.cos(phase)
    if len(partials) > 2 and partials[2]:
        out += partials[2] * sine * (3 - 4 * sine * sine)
    return out


def _pad(rate: int) -> np.ndarray:
    out = np.zeros(int((len(CHORDS) + 1) * BAR * rate), np.float32)
    for bar, (notes, _) in enumerate(CHORDS):
        seconds = BAR + 0.9
        for i, note in enumerate(notes):
            voice = sum(_tone(note, seconds, rate, (1.0, 0.25, 0.08), d) for d in (-0.0012, 0.0012)) / 2
            start = int(bar * BAR * rate)
            out[start : start + len(voice)] += voice * _envelope(len(voice), rate, 0.6, 1.0) * (0.8 if i == 3 else 1)
    return out / 4


def _bass(rate: int) -> np.ndarray:
    out = np.zeros(int((len(CHORDS) + 1) * BAR * rate), np.float32)
    for bar, (_, root) in enumerate(CHORDS):
        for beat, length in ((0, 2.5), (2.5, 1.5)):
            note = _tone(root, length * BEAT, rate, (1.0, 0.35, 0.1))
            start = int((bar * BAR + beat * BEAT) * rate)
            out[start : start + len(note)] += note * _envelope(len(note), rate, 0.02, length * BEAT * 0.9)
    return out


def _keys(rate: int) -> np.ndarray:
    """An electric-piano voice: a bright attack that decays to a soft sine."""
    out = np.zeros(int((len(CHORDS) + 1) * BAR * rate), np.float32)
    for bar, beat, note, beats in MELODY:
        seconds = beats * BEAT + 0.6
        t = np.arange(int(seconds * rate), dtype=np.float32) / np.float32(rate)
        body = _tone(note, seconds, rate, (1.0,)) + _tone(note, seconds, rate, (0, 0, 0.3)) * np.exp(t * np.float32(-9))
        start = int((bar * BAR + beat * BEAT) * rate)
        out[start : start + len(body)] += body * np.exp(t * np.float32(-1.6)) * _envelope(len(body), rate, 0.004, 0.3)
    return out


def _echo(x: np.ndarray, rate: int, delay: float, feedback: float, taps: int = 4) -> np.ndarray:
    out = x.copy()
    for k in range(1, taps + 1):
        shift = int(k * delay * rate)
        out[shift:] += x[: len(x) - shift] * feedback**k
    return out


@lru_cache(maxsize=4)
def music_bed(rate: int, channels: int) -> np.ndarray:
    """The bed as float32, shape (n,) for mono or (n, 2) for stereo, peaking at -3 dBFS."""
    pad, bass, keys = _pad(rate), _bass(rate), _keys(rate)
    echo = _echo(keys, rate, 0.75 * BEAT, 0.35)
    left = 0.9 * pad + 0.55 * bass + 0.5 * keys + 0.22 * _echo(keys, rate, 1.5 * BEAT, 0.3)
    right = 0.9 * pad + 0.55 * bass + 0.42 * keys + 0.3 * echo
    mix = np.stack([left, right], axis=1)[: int(len(CHORDS) * BAR * rate + 1.2 * rate)]
    if channels == 1:
        mix = mix.mean(axis=1)
    return (mix / np.abs(mix).max() * 10 ** (-3 / 20)).astype(np.float32)
