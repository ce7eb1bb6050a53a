"""The episode's MP3, opened before it is checked or made a video of: mutagen's stream info and ID3 tags.

A file that is missing, not an MP3, empty or cut short (shorter than its own header, or than
episode.json says) is an EpisodeError with a one-line message."""

from __future__ import annotations

from pathlib import Path

from ..about import pip_install
from ..errors import EpisodeError, MissingDependency
from .names import REDO


def open_mp3(path: Path):
    """mutagen's MP3 of ``path`` (stream info and ID3 tags), checked whole."""
    try:
        from mutagen import MutagenError
        from mutagen.mp3 import MP3
    except ImportError as exc:
        raise MissingDependency(
            f"Reading an MP3 needs mutagen ({exc.name} is missing).", pip_install("check")
        ) from None
    if not path.is_file():
        raise EpisodeError(f"{path.parent} has no {path.name}.", REDO.format(folder=path.parent))
    try:
        mp3 = MP3(path)
    except MutagenError as exc:
        raise EpisodeError(f"{path} is not an MP3 ({exc}).", REDO.format(folder=path.parent)) from None
    _check_whole(path, mp3)
    return mp3


def _check_whole(path: Path, mp3) -> None:
    """A CBR MP3 holds bitrate/8 bytes a second: fewer bytes than its header's length needs means
    the file was cut short (an interrupted copy or upload)."""
    info = mp3.info
    if info.length <= 0 or info.bitrate <= 0:
        raise EpisodeError(f"{path} holds no audio.", REDO.format(folder=path.parent))
    tag_bytes = mp3.tags.size if mp3.tags is not None else 0
    needed = info.length * info.bitrate / 8
    held = path.stat().st_size - tag_bytes
    if held < 0.97 * needed:
        raise EpisodeError(
            f"{path} is truncated: it holds {held / needed:.0%} of the {info.length:.1f} s its header declares.",
            REDO.format(folder=path.parent),
        )


def open_whole_mp3(path: Path, seconds: float):
    """:func:`open_mp3`, and refused when it holds less audio than the ``seconds`` episode.json
    says it does (an MP3 replaced by a shorter one, or its header rewritten)."""
    mp3 = open_mp3(path)
    if mp3.info.length < seconds - max(0.5, 0.01 * seconds):
        raise EpisodeError(
            f"{path} holds {mp3.info.length:.1f} s of audio, but episode.json says the episode is {seconds:.1f} s.",
            REDO.format(folder=path.parent),
        )
    return mp3
