"""Mix: clips (and music) become the episode MP3, its cover, chapters and transcripts.

One pass: the clips are stitched into one preallocated array, the speech is levelled, the
finished mix (speech and music) measured once and encoded once, streamed to ffmpeg while the
transcripts, chapters and cover are written; mutagen writes the tags after ffmpeg. The MP3 is
written atomically with its tags: an ``episode.mp3`` that exists is always complete.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date as Date
from pathlib import Path

import numpy as np

from ..config import Settings
from ..contracts import Progress
from ..files import atomic_path, write_text
from ..folder import AUDIO, CHAPTERS, TRANSCRIPT_JSON, TRANSCRIPT_SRT, TRANSCRIPT_VTT, chapter_marks
from ..models import ChapterMark, Script, Segment
from . import master, render, transcripts
from .conversation import Backchannel, load_rules
from .cover import check_cover, save_cover
from .layout import natural_layout
from .loudness import block_power, gated
from .music import INTRO_S, OUTRO_S, load_music, music_tracks
from .stitch import LEAD_MS, Timeline, place, stitch
from .tags import write_tags

FORMAT = 2
"""Bump when the mix makes different files from the same inputs: episodes made before re-render."""


def check_inputs(settings: Settings) -> None:
    """Check the music and cover files before any speech is made (BadMedia if unusable)."""
    if settings.music and settings.music != "default":
        load_music(settings.music, settings.sample_rate, 2 if settings.stereo else 1)
    if settings.cover is not None:
        check_cover(settings.cover)


def show_name(settings: Settings) -> str:
    """The show's name for the ID3 album and the drawn cover: the [show] table's title, or podgen."""
    return settings.show.title or "podgen"


def bitrate(settings: Settings) -> int:
    """Stereo gets at least 128 kbit/s."""
    return max(settings.bitrate, 128) if settings.stereo else settings.bitrate


def _music(settings: Settings, speech_end: float, speech_lufs: float | None) -> list[tuple[int, np.ndarray]]:
    if not settings.music:
        return []
    music = load_music(settings.music, settings.sample_rate, 2 if settings.stereo else 1)
    return music_tracks(music, settings.sample_rate, speech_end, speech_lufs)


def timeline_of(
    script: Script, clips: list[Path], settings: Settings, backchannels: list[tuple[Backchannel, Path]] = ()
) -> Timeline:
    """The speech timeline in the settings' style: natural (turn timing, overlaps, backchannels)
    or plain (a fixed pause between lines, no backchannels)."""
    lead, tail = (INTRO_S, OUTRO_S + 0.5) if settings.music else (LEAD_MS / 1000, LEAD_MS / 1000)
    hosts = len(script.hosts) or len({line.speaker for line in script.lines})
    if settings.style == "plain":
        return stitch(script, clips, settings.pause_ms, lead, tail, settings.stereo)
    said = [b for b, _ in backchannels]
    layout = natural_layout(
        script, [*clips, *(p for _, p in backchannels)], said, load_rules(settings), lead, settings.language
    )
    return place(layout, [*clips, *(p for _, p in backchannels)], hosts, tail, settings.stereo)


def _measured(
    script: Script, clips: list[Path], settings: Settings, backchannels: list[tuple[Backchannel, Path]]
) -> tuple[Timeline, list, float]:
    """The levelled speech timeline, the music tracks, and the gain that masters their mix."""
    timeline = timeline_of(script, clips, settings, backchannels)
    master.level(timeline.samples, timeline.rate)
    timeline.soften()
    speech_power = block_power(timeline.samples, timeline.rate)
    tracks = _music(settings, timeline.segments[-1].end, gated(speech_power))
    loudness = master.mix_loudness(speech_power, tracks, settings.sample_rate)
    return timeline, tracks, master.mastering_gain(loudness, 2 if settings.stereo else 1, bitrate(settings))


def mix_episode(
    script: Script,
    clips: list[Path],
    folder: Path,
    settings: Settings,
    progress: Progress | None = None,
    date: str | None = None,
    backchannels: list[tuple[Backchannel, Path]] = (),
) -> tuple[float, list[Segment], dict[str, Path]]:
    """Stitch ``clips`` (one per line, and one per backchannel in the natural style) and write
    every artifact into ``folder``; return duration, segments (one per line), files."""
    report = progress or (lambda *_: None)
    report("mix", 0, 3)
    timeline, tracks, gain = _measured(script, clips, settings, list(backchannels))
    report("mix", 1, 3)
    rate, segments, duration = settings.sample_rate, timeline.segments, timeline.seconds
    marks = chapter_marks(script.chapters, segments, duration)
    with atomic_path(folder / AUDIO) as mp3, ThreadPoolExecutor(1) as pool:
        pieces = render.chunks(timeline, rate, tracks)
        channels = 2 if settings.stereo else 1
        encoding = pool.submit(master.encode, pieces, rate, channels, mp3, bitrate(settings), gain)
        files = _write_side_files(folder, script, timeline, marks, settings)  # while ffmpeg encodes
        encoding.result()
        report("mix", 2, 3)
        write_tags(
            mp3,
            title=script.title,
            artist=" & ".join(script.hosts),
            album=show_name(settings),
            date=date or Date.today().isoformat(),
            description=script.description,
            cover=files["cover"],
            chapters=marks,
        )
    files["audio"] = folder / AUDIO
    report("mix", 3, 3)
    return duration, segments, files


def _write_side_files(
    folder: Path, script: Script, timeline: Timeline, marks: list[ChapterMark], settings: Settings
) -> dict[str, Path]:
    parts, said = timeline.parts or [[s] for s in timeline.segments], timeline.backchannels
    return {
        "transcript_vtt": write_text(folder / TRANSCRIPT_VTT, transcripts.to_vtt(parts, said)),
        "transcript_srt": write_text(folder / TRANSCRIPT_SRT, transcripts.to_srt(parts, said)),
        "transcript_json": write_text(folder / TRANSCRIPT_JSON, transcripts.to_json(timeline.segments, said)),
        "chapters": write_text(folder / CHAPTERS, transcripts.chapters_json(marks, script.title)),
        "cover": save_cover(folder, script.title, show_name(settings), settings.cover),
    }
