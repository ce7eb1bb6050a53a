"""The finished mix, made a few seconds at a time on its way to the encoder: the levelled
speech (mono, or stereo with each host already panned to its place by ``stitch.place``)
resampled to the output rate (libsoxr), and the music tracks added where they fall. Only the
speech timeline is ever held whole, at the clips' own rate."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .stitch import PAN, Timeline, pan_gains

__all__ = ["PAN", "CHUNK_S", "chunks", "output_length", "pan_gains"]
CHUNK_S = 10


def output_length(timeline: Timeline, rate: int) -> int:
    return round(len(timeline.samples) * rate / timeline.rate)


def _add_tracks(out: np.ndarray, first: int, tracks: list[tuple[int, np.ndarray]]) -> None:
    end = first + len(out)
    for start, track in tracks:
        a, b = max(start, first), min(start + len(track), end)
        if a < b:
            out[a - first : b - first] += track[a - start : b - start]


def _resampled(timeline: Timeline, rate: int) -> Iterator[np.ndarray]:
    step, samples = CHUNK_S * timeline.rate, timeline.samples
    if timeline.rate == rate:
        yield from (samples[i : i + step].copy() for i in range(0, len(samples), step))
        return
    import soxr

    channels = 1 if samples.ndim == 1 else samples.shape[1]
    stream = soxr.ResampleStream(timeline.rate, rate, channels, dtype="float32")
    for i in range(0, len(samples), step):
        yield stream.resample_chunk(samples[i : i + step], last=i + step >= len(samples))


def chunks(timeline: Timeline, rate: int, tracks: list[tuple[int, np.ndarray]]) -> Iterator[np.ndarray]:
    """The finished mix at ``rate`` in pieces: (n,) mono or (n, 2) stereo float32."""
    first = 0
    for piece in _resampled(timeline, rate):
        _add_tracks(piece, first, tracks)
        yield piece
        first += len(piece)
