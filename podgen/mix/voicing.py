"""Where a clip speaks: its speech, the body of its words, and the pauses inside it.

Found from the audio, for any voice backend: 10 ms frames, measured against the clip's own
loud level (its 95th percentile). Speech is what lies within ``SPEECH_DB`` of that level; the
"body" of the words within ``BODY_DB``: a clip's fading end and soft start lie between the two,
and only there may another voice sound at the same time. A pause is a run of non-speech
frames inside the speech; the sentence ends of a line are found among its pauses.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FRAME_S = 0.01
SPEECH_DB = 30.0
BODY_DB = 18.0
FLOOR_DB = -60.0
MIN_PAUSE_S = 0.1
"""Shorter silences are stops and breaths inside words and phrases, not pauses between sentences."""


@dataclass(frozen=True)
class Voicing:
    """Sample positions in a clip of ``length`` samples at ``rate``."""

    rate: int
    length: int
    start: int
    end: int
    """First and last sample of speech, plus one; (0, 0) for a silent clip."""
    body_start: int
    body_end: int
    pauses: tuple[tuple[int, int], ...]

    @property
    def silent(self) -> bool:
        return self.end <= self.start

    @property
    def fade(self) -> int:
        """Samples from the end of the words' body to the end of the speech."""
        return max(0, self.end - self.body_end)

    @property
    def rise(self) -> int:
        """Samples from the start of the speech to the start of the words' body."""
        return max(0, self.body_start - self.start)

    def scaled(self, rate: int) -> Voicing:
        """The same positions at another sample rate."""
        f = rate / self.rate
        r = lambda n: round(n * f)  # noqa: E731
        return Voicing(
            rate,
            r(self.length),
            r(self.start),
            r(self.end),
            r(self.body_start),
            r(self.body_end),
            tuple((r(a), r(b)) for a, b in self.pauses),
        )

    def boundary(self, share: float, marks: list[float]) -> tuple[int, int] | None:
        """The pause where the line's text is cut after ``share`` of its characters: the pause
        nearest to where that share of the speech ends, if it lies within a window and no other
        place the voice may pause (``marks``, shares too) lies nearer to it; else None (the
        voice ran on there, or the pause could belong to another comma)."""
        if not self.pauses:
            return None
        where = lambda f: self.start + (self.end - self.start) * f  # noqa: E731
        expected = where(share)
        window = max(0.6 * self.rate, 0.15 * (self.end - self.start))
        distance, pause = min((_distance(expected, p), p) for p in self.pauses)
        if distance > window:
            return None
        nearest = min(marks, key=lambda f: _distance(where(f), pause), default=share)
        return pause if abs(nearest - share) < 1e-9 else None


def _distance(t: float, pause: tuple[int, int]) -> float:
    return max(pause[0] - t, 0.0, t - pause[1])


def voicing(samples: np.ndarray, rate: int) -> Voicing:
    """The voicing of mono float samples."""
    step = max(1, round(FRAME_S * rate))
    count = len(samples) // step
    if not count:
        return Voicing(rate, len(samples), 0, 0, 0, 0, ())
    frames = samples[: count * step].reshape(count, step).astype(np.float64)
    db = 10 * np.log10(np.einsum("ij,ij->i", frames, frames) / step + 1e-12)
    heard = db[db > FLOOR_DB]
    if not heard.size:
        return Voicing(rate, len(samples), 0, 0, 0, 0, ())
    loud = float(np.percentile(heard, 95))
    speech = np.flatnonzero(db > max(loud - SPEECH_DB, FLOOR_DB))
    body = np.flatnonzero(db > loud - BODY_DB)
    pauses = _pauses(speech, round(MIN_PAUSE_S / FRAME_S))
    return Voicing(
        rate,
        len(samples),
        int(speech[0]) * step,
        int(speech[-1] + 1) * step,
        int(body[0]) * step,
        int(body[-1] + 1) * step,
        tuple((a * step, b * step) for a, b in pauses),
    )


def _pauses(speech: np.ndarray, shortest: int) -> list[tuple[int, int]]:
    """(first, end) frames of each run of at least ``shortest`` frames between speech frames."""
    jumps = np.flatnonzero(np.diff(speech) > shortest)
    return [(int(speech[j] + 1), int(speech[j + 1])) for j in jumps]
