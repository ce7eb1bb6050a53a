"""The finished mix, made a few seconds at a time on its way to the encoder: the levelled
speech resampled to the output rate (libsoxr), each host panned a little left or right in
stereo, and the music tracks added where they fall. Only the speech timeline is ever held
whole, at the clips' own rate."""
from __future__ import annotations

from typing import Iterator

import numpy as np

from .stitch import Timeline

PAN = 0.3
"""Where the outermost hosts stand in stereo: 0 is the centre, 1 hard left or right."""
CHUNK_S = 10


def output_length(timeline: Timeline, rate: int) -> int:
    return round(len(timeline.samples) * rate / timeline.rate)


def pan_gains(hosts: int) -> np.ndarray:
    """(left, right) gains per host, constant power: the first host a little left, the last a little right."""
    angles = (np.linspace(-PAN, PAN, max(hosts, 2)) + 1) * np.pi / 4
    return np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float32)


def _pan(piece: np.ndarray, first: int, spans: list[tuple[int, int, int]], gains: np.ndarray) -> np.ndarray:
    out = np.repeat(piece[:, None], 2, axis=1) * np.float32(np.sqrt(0.5))
    end = first + len(piece)
    for start, stop, host in spans:
        if stop > first and start < end:
            a, b = max(start, first) - first, min(stop, end) - first
            out[a:b] = piece[a:b, None] * gains[host]
    return out


def _add_tracks(out: np.ndarray, first: int, tracks: list[tuple[int, np.ndarray]]) -> None:
    end = first + len(out)
    for start, track in tracks:
        a, b = max(start, first), min(start + len(track), end)
        if a < b:
            out[a - first:b - first] += track[a - start:b - start]


def _resampled(timeline: Timeline, rate: int) -> Iterator[np.ndarray]:
    step = CHUNK_S * timeline.rate
    if timeline.rate == rate:
        yield from (timeline.samples[i:i + step].copy() for i in range(0, len(timeline.samples), step))
        return
    import soxr

    stream = soxr.ResampleStream(timeline.rate, rate, 1, dtype="float32")
    for i in range(0, len(timeline.samples), step):
        yield stream.resample_chunk(timeline.samples[i:i + step], last=i + step >= len(timeline.samples))


def chunks(timeline: Timeline, rate: int, stereo: bool, hosts: int,
           tracks: list[tuple[int, np.ndarray]]) -> Iterator[np.ndarray]:
    """The finished mix at ``rate`` in pieces: (n,) mono or (n, 2) stereo float32."""
    scale = rate / timeline.rate
    spans = [(round(a * scale), round(b * scale), host) for a, b, host in timeline.spans]
    gains = pan_gains(hosts)
    first = 0
    for piece in _resampled(timeline, rate):
        out = _pan(piece, first, spans, gains) if stereo else piece
        _add_tracks(out, first, tracks)
        yield out
        first += len(out)
