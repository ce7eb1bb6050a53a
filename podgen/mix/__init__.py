"""Mix: clips (and music) become the episode MP3, its cover, chapters and transcripts.

One pass: the clips are stitched into one preallocated array, the speech is levelled, music
mixed in, the finished mix measured once and encoded once; mutagen writes the tags after
ffmpeg. Transcripts, chapters and the cover are written before the MP3, and the MP3
atomically with its tags: an ``episode.mp3`` that exists is always complete.
"""
from __future__ import annotations

from datetime import date as Date
from pathlib import Path

import numpy as np

from ..config import Settings
from ..contracts import Progress
from ..files import atomic_path, write_text
from ..models import Chapter, Script, Segment
from . import master, transcripts
from .cover import check_cover, save_cover
from .loudness import integrated
from .music import INTRO_S, OUTRO_S, add_music, load_music
from .stitch import LEAD_MS, Timeline, stitch
from .tags import ChapterMark, write_tags

PAN = 0.3
"""Where the outermost hosts stand in stereo: 0 is the centre, 1 hard left or right."""


def check_inputs(settings: Settings) -> None:
    """Check the music and cover files before any speech is made (BadMedia if unusable)."""
    if settings.music and settings.music != "default":
        load_music(settings.music, settings.sample_rate, 2 if settings.stereo else 1)
    if settings.cover is not None:
        check_cover(settings.cover)


def bitrate(settings: Settings) -> int:
    """Stereo gets at least 128 kbit/s."""
    return max(settings.bitrate, 128) if settings.stereo else settings.bitrate


def _resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target:
        return samples
    import soxr

    return soxr.resample(samples, rate, target).astype(np.float32, copy=False)


def _pan(speech: np.ndarray, spans: list[tuple[int, int, int]], hosts: int) -> np.ndarray:
    """Place each host a little left or right (constant power), the first host on the left."""
    angles = (np.linspace(-PAN, PAN, max(hosts, 2)) + 1) * np.pi / 4
    mix = np.empty((len(speech), 2), np.float32)
    mix[:, 0] = speech
    mix[:, 0] *= np.float32(np.sqrt(0.5))
    mix[:, 1] = mix[:, 0]
    for start, end, host in spans:
        for channel, gain in enumerate((np.cos(angles[host]), np.sin(angles[host]))):
            np.multiply(speech[start:end], np.float32(gain), out=mix[start:end, channel])
    return mix


def _render(timeline: Timeline, settings: Settings, hosts: int) -> tuple[np.ndarray, int]:
    """Levelled speech at the output rate, panned for stereo, with music when asked for."""
    rate = settings.sample_rate
    master.level(timeline.samples, timeline.rate)
    speech = _resample(timeline.samples, timeline.rate, rate)
    timeline.samples = np.zeros(0, np.float32)  # the 44.1 kHz copy is all that is needed now
    scale = rate / timeline.rate
    spans = [(round(a * scale), round(b * scale), host) for a, b, host in timeline.spans]
    mix = _pan(speech, spans, hosts) if settings.stereo else speech
    if settings.music:
        music = load_music(settings.music, rate, 2 if settings.stereo else 1)
        add_music(mix, rate, music, timeline.segments[-1].end, integrated(speech, rate))
    return mix, rate


def chapter_marks(chapters: list[Chapter], segments: list[Segment], duration: float) -> list[ChapterMark]:
    """Chapters on the measured timeline: the first starts at 0, each ends where the next starts."""
    starts: list[tuple[float, str]] = []
    for chapter in sorted(chapters, key=lambda c: c.line):
        if 0 <= chapter.line < len(segments):
            start = 0.0 if not starts else round(segments[chapter.line].start, 3)
            if not starts or start > starts[-1][0]:
                starts.append((start, chapter.title))
    ends = [s for s, _ in starts[1:]] + [round(duration, 3)]
    return [ChapterMark(title, start, end) for (start, title), end in zip(starts, ends)]


def mix_episode(
    script: Script, clips: list[Path], folder: Path, settings: Settings,
    progress: Progress | None = None, date: str | None = None,
) -> tuple[float, list[Segment], dict[str, Path]]:
    """Stitch ``clips`` and write every artifact into ``folder``; return duration, segments, files."""
    report = progress or (lambda *_: None)
    report("mix", 0, 3)
    music = bool(settings.music)
    timeline = stitch(script, clips, settings.pause_ms, INTRO_S if music else LEAD_MS / 1000,
                      OUTRO_S + 0.4 if music else LEAD_MS / 1000)
    segments = timeline.segments
    mix, rate = _render(timeline, settings, len(script.hosts))
    report("mix", 1, 3)
    duration = len(mix) / rate
    marks = chapter_marks(script.chapters, segments, duration)
    files = _write_side_files(folder, script, segments, marks, settings)
    gain = master.mastering_gain(mix, rate, bitrate(settings))
    report("mix", 2, 3)
    with atomic_path(folder / "episode.mp3") as mp3:
        master.encode(mix, rate, mp3, bitrate(settings), gain)
        write_tags(mp3, title=script.title, artist=" & ".join(script.hosts), album=settings.show,
                   date=date or Date.today().isoformat(), description=script.description,
                   cover=files["cover"], chapters=marks)
    files["audio"] = folder / "episode.mp3"
    report("mix", 3, 3)
    return duration, segments, files


def _write_side_files(folder: Path, script: Script, segments: list[Segment], marks: list[ChapterMark],
                      settings: Settings) -> dict[str, Path]:
    return {
        "transcript_vtt": write_text(folder / "transcript.vtt", transcripts.to_vtt(segments)),
        "transcript_srt": write_text(folder / "transcript.srt", transcripts.to_srt(segments)),
        "transcript_json": write_text(folder / "transcript.json", transcripts.to_json(segments)),
        "chapters": write_text(folder / "chapters.json", transcripts.chapters_json(marks, script.title)),
        "cover": save_cover(folder, script.title, settings.show, settings.cover),
    }
