"""Encoding: still frames (each shown until the next) and the audio become one MP4, with ffmpeg
from imageio-ffmpeg.

The frames go in through ffmpeg's concat demuxer, each with its own duration, so a frame is
encoded once however long it shows (a variable frame rate, with a key frame at least every few
seconds for seeking). x264 is tuned for still images; the audio is AAC; a soft subtitle track
(mov_text) comes from the transcript; ``+faststart`` puts the index first so players start at once.

The list names the frames by file name alone (they sit beside it, and the demuxer reads names
relative to the list), so no folder's path is ever quoted in it: a relative folder, an
apostrophe or a newline in a path change nothing. Every file ffmpeg opens is given as an
absolute ``file:`` URL, never read as an option or another protocol.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..contracts import Progress
from ..errors import BackendError
from ..ffmpeg import ffmpeg_exe
from ..files import atomic_path

CLOSING_S = 0.04


@dataclass
class Clip:
    """What one MP4 is made of: frames drawn on demand, shown from their start times."""

    starts: list[float]
    draw: Callable[[int], object]
    """Draws frame ``i`` as a Pillow image."""
    duration: float
    audio: Path
    audio_start: float = 0.0
    subtitles: Path | None = None
    language: str = "eng"
    audio_filter: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)


def encode(clip: Clip, target: Path, progress: Progress | None = None, stage: str = "video") -> int:
    """Write ``target`` atomically; return the number of frames drawn."""
    with tempfile.TemporaryDirectory(prefix=".frames-", dir=target.parent) as tmp:
        folder = Path(tmp)
        _draw_all(clip, folder, progress, stage)
        listing = folder / "frames.txt"
        listing.write_text(_concat(clip, folder), encoding="utf-8")
        with atomic_path(target) as out:
            _ffmpeg(_args(clip, listing, out), clip.duration, progress, stage, len(clip.starts))
    return len(clip.starts)


def _draw_all(clip: Clip, folder: Path, progress: Progress | None, stage: str) -> None:
    total = 2 * len(clip.starts)

    def save(i: int) -> None:
        clip.draw(i).save(folder / f"{i:06d}.png", compress_level=1)

    with ThreadPoolExecutor(max_workers=2) as pool:  # zlib and Pillow's drawing release the GIL
        for done, _ in enumerate(pool.map(save, range(len(clip.starts))), 1):
            if progress and done % 10 == 0:
                progress(stage, done, total)


def _concat(clip: Clip, folder: Path) -> str:
    """The concat demuxer's list: each frame for as long as it shows; the last one twice (the
    demuxer honours the duration of a file only when another follows)."""
    close = (
        clip.duration - CLOSING_S
    )  # the last picture once more just before the end: the stream lasts as long as the audio
    starts = [*clip.starts, max(close, clip.starts[-1] + 0.001)]
    ends = [*starts[1:], clip.duration]
    rows = ["ffconcat version 1.0"]
    for i, (start, end) in enumerate(zip(starts, ends)):
        rows += [f"file {_frame(min(i, len(clip.starts) - 1))}", f"duration {max(end - start, 0.001):.3f}"]
    rows.append(f"file {_frame(len(clip.starts) - 1)}")
    return "\n".join(rows) + "\n"


def _frame(i: int) -> str:
    """Frame ``i``'s file name as the list gives it: relative to the list, in digits only."""
    return f"{i:06d}.png"


def _url(path: Path) -> str:
    """``path`` as ffmpeg is given it: an absolute ``file:`` URL (a name that starts with "-" or
    looks like "concat:" or "http:" is still this file)."""
    return f"file:{Path(path).absolute()}"


def _args(clip: Clip, listing: Path, out: Path) -> list[str]:
    args = [
        "-f",
        "concat",
        "-safe",
        "0",
        "-i",
        _url(listing),
        "-ss",
        f"{clip.audio_start:.3f}",
        "-t",
        f"{clip.duration:.3f}",
        "-i",
        _url(clip.audio),
    ]
    maps = ["-map", "0:v", "-map", "1:a", "-map_chapters", "-1"]  # YouTube reads chapters from the description
    if clip.subtitles is not None:
        args += ["-i", _url(clip.subtitles)]
        maps += ["-map", "2:s", "-c:s", "mov_text", "-metadata:s:s:0", f"language={clip.language}"]
    video = [
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-tune",
        "stillimage",
        "-crf",
        "28",
        "-pix_fmt",
        "yuv420p",
        "-fps_mode",
        "vfr",
        # every picture a key frame: a seek lands on it, and ffmpeg 9 drops the last pictures
        # of a variable-rate stream when key frames are forced by an expression
        "-g",
        "1",
    ]
    audio = ["-c:a", "aac", "-b:a", "128k", *(["-af", clip.audio_filter] if clip.audio_filter else [])]
    tags = [x for key, value in clip.metadata.items() for x in ("-metadata", f"{key}={value}")]
    return [
        *args,
        *maps,
        *video,
        *audio,
        *tags,
        "-t",
        f"{clip.duration:.3f}",
        "-movflags",
        "+faststart",
        "-f",
        "mp4",
        _url(out),
    ]


def _ffmpeg(args: list[str], duration: float, progress: Progress | None, stage: str, frames: int) -> None:
    cmd = [ffmpeg_exe(), "-hide_banner", "-v", "error", "-y", "-nostdin", "-progress", "pipe:1", "-nostats", *args]
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        for row in proc.stdout:
            if progress and row.startswith("out_time_us=") and row.strip()[12:].isdigit():
                done = min(1.0, int(row.strip()[12:]) / 1e6 / max(duration, 0.001))
                progress(stage, frames + round(done * frames), 2 * frames)
        error = proc.stderr.read() if proc.stderr else ""
    if proc.returncode != 0:
        last = error.strip().splitlines()
        raise BackendError(f"ffmpeg could not encode the video: {last[-1] if last else proc.returncode}.")
