"""Mastering in one pass: level the speech, measure the finished mix once, encode once.

Piper peak-normalises every sentence, so raw speech has a crest factor near 17 dB: a plain
gain cannot reach the target loudness under the true-peak ceiling. So the speech is levelled
first (a soft-knee compressor computed on 5 ms frames, vectorised), the finished mix is
measured once from its parts (speech and music block powers add up); then, chunk by chunk as
the speech is resampled, panned and mixed with the music, the gain is applied and a true-peak
limiter (``limiter.py``, numpy, at the output rate: limiting before the resampling let
inter-sample peaks through) holds the peaks down, and one ffmpeg run encodes a CBR MP3.
The limiter works on the chunk-making thread while ffmpeg encodes, rather than in ffmpeg's
own filter graph ahead of the encoder (where ``alimiter`` was); it also checks peaks between
the samples, which ``alimiter`` did not. libmp3lame takes a small share of the loudness at the usual
podcast bitrates (0.4 LU at 96 and 128 kbit/s in our measurements, none at 320): the gain
makes up that share, so the MP3 lands on the target without a second encode.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from ..errors import BackendError
from ..ffmpeg import ffmpeg_exe
from .limiter import Limiter
from .loudness import block_power, gated

TARGET_LUFS = {1: -19.0, 2: -16.0}
TRUE_PEAK = -1.5
"""dBTP ceiling, half a dB inside the -1 dBTP that podcast platforms ask for."""
LIMIT = 10 ** ((TRUE_PEAK - 0.5) / 20)
"""The limiter's true-peak ceiling: the encoder's own overshoot stays under TRUE_PEAK."""
ENCODER = "libmp3lame"
SPEECH_LUFS = -22.0
"""Speech is brought here before the compressor (Piper's clips come out near it)."""
THRESHOLD_DB, RATIO, KNEE_DB = -24.4, 3.0, 4.0
FRAME_S, RELEASE_DB_PER_S = 0.005, 150.0
LAME_QUALITY = 7
"""LAME's algorithm quality (0 best and slowest .. 9): 7 encodes in about 60% of the time of
LAME's default 3 at the same bitrate."""


def encoder_share(bitrate: int) -> float:
    """Loudness (LU) that libmp3lame's quantisation takes from speech at ``bitrate`` kbit/s."""
    return 0.0 if bitrate >= 256 else 0.4


def _gain_reduction(level_db: np.ndarray) -> np.ndarray:
    """Soft-knee compressor curve: dB to take off at each frame level."""
    over = level_db - THRESHOLD_DB
    slope = 1 - 1 / RATIO
    knee = np.clip(over + KNEE_DB / 2, 0, KNEE_DB) ** 2 * slope / (2 * KNEE_DB)
    return np.where(over > KNEE_DB / 2, over * slope, knee)


def level(speech: np.ndarray, rate: int) -> np.ndarray:
    """Bring speech ((n,) mono or (n, 2) stereo) to SPEECH_LUFS, then compress it in place
    (fast attack, 150 dB/s release; in stereo both channels by the same gain, from the power of
    both). The first step makes the compressor work the same on any voice backend's levels."""
    loudness = gated(block_power(speech, rate))
    if loudness is not None:
        speech *= np.float32(10 ** ((SPEECH_LUFS - loudness) / 20))
    step = max(1, round(FRAME_S * rate))
    count = len(speech) // step
    if not count:
        return speech
    channels = speech.reshape(len(speech), -1)  # a view: (n, 1) for mono
    frames = channels[: count * step].reshape(count, step, channels.shape[1])
    rms = np.sqrt(np.einsum("ijk,ijk->i", frames, frames, dtype=np.float64) / step + 1e-12)
    reduction = _gain_reduction(20 * np.log10(rms))
    decay = RELEASE_DB_PER_S * FRAME_S * np.arange(count)
    held = np.maximum.accumulate(reduction + decay) - decay  # instant attack, linear release in dB
    held = np.convolve(np.pad(held, 1, mode="edge"), np.ones(3) / 3, mode="valid")
    gain = (10 ** (-held / 20)).astype(np.float32)
    glide = np.diff(gain, append=gain[-1])
    ramp = np.arange(step, dtype=np.float32) / step  # from each frame's gain to the next
    for first in range(0, count, 4096):  # a block at a time: no episode-sized temporaries
        block = slice(first, first + 4096)
        frames[block] *= (gain[block, None] + glide[block, None] * ramp)[..., None]
    channels[count * step :] *= gain[-1]
    return speech


def mix_loudness(speech_power: np.ndarray, tracks: list[tuple[int, np.ndarray]], rate: int) -> float | None:
    """Loudness of the finished mix from its parts: the speech's 100 ms block powers (panning
    keeps a line's power) plus those of each music track placed at its first sample."""
    power = speech_power.copy()
    for first, track in tracks:
        extra = block_power(track, rate)
        at = first // (rate // 10)
        extra = extra[: max(0, len(power) - at)]
        power[at : at + len(extra)] += extra
    return gated(power)


def mastering_gain(loudness: float | None, channels: int, bitrate: int) -> float:
    """The gain (dB) that brings a mix measured at ``loudness`` to its target as an MP3."""
    if loudness is None:
        return 0.0
    return TARGET_LUFS[channels] - loudness + encoder_share(bitrate)


def encode(chunks: Iterable[np.ndarray], rate: int, channels: int, mp3: Path, bitrate: int, gain_db: float) -> None:
    """The chunks with the gain and the true-peak limiter, fed as they come to one ffmpeg run
    that encodes a CBR MP3 without tags."""
    args = [
        ffmpeg_exe(),
        "-hide_banner",
        "-v",
        "error",
        "-y",
        "-f",
        "f32le",
        "-ar",
        str(rate),
        "-ac",
        str(channels),
        "-i",
        "pipe:0",
        "-c:a",
        ENCODER,
        "-b:a",
        f"{bitrate}k",
        "-compression_level",
        str(LAME_QUALITY),
        "-map_metadata",
        "-1",
        "-id3v2_version",
        "0",
        "-write_id3v1",
        "0",
        "-f",
        "mp3",
        str(mp3),
    ]
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stderr=errors)
        try:
            for chunk in _ahead(
                Limiter(rate, LIMIT).stream(_gained(chunks, gain_db))
            ):  # the next chunk is made while ffmpeg encodes this one
                proc.stdin.write(memoryview(np.ascontiguousarray(chunk, np.float32)).cast("B"))
        except BrokenPipeError:
            pass  # ffmpeg stopped early: its error message says why
        except BaseException:
            proc.kill()
            raise
        finally:
            with contextlib.suppress(BrokenPipeError):
                proc.stdin.close()
            code = proc.wait()
        if code != 0:
            errors.seek(0)
            detail = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise BackendError(f"ffmpeg could not encode the episode: {detail[-1] if detail else code}.")


def _gained(chunks: Iterable[np.ndarray], gain_db: float) -> Iterator[np.ndarray]:
    gain = np.float32(10 ** (gain_db / 20))
    for chunk in chunks:
        chunk *= gain  # the chunks are made fresh for the encoder: scaled in place
        yield chunk


def _ahead(items: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
    """Iterate ``items`` with the next one made on another thread while this one is used."""
    source = iter(items)
    with ThreadPoolExecutor(1) as pool:
        upcoming = pool.submit(next, source, None)
        while (item := upcoming.result()) is not None:
            upcoming = pool.submit(next, source, None)
            yield item
