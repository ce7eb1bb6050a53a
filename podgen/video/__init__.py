"""Video: a finished episode also becomes ``episode.mp4`` (1920x1080, for YouTube) and
``short.mp4`` (1080x1920, 30-60 s, for Shorts, Reels and TikTok).

A stage after mix that reads the episode folder like check and publish do: the script, the
measured transcript, the chapters and the cover. The videos are recorded in episode.json
(``files`` and ``videos``, with the audio they were made from), so a video of audio rendered
over since is known to be stale, and one that is up to date is not made again.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Settings
from ..contracts import Progress
from ..files import write_text
from ..folder import (
    METADATA,
    SHORT,
    VIDEO,
    VIDEOS,
    YOUTUBE,
    is_current,
    open_whole_mp3,
    read_object,
    record_video,
    recorded_videos,
)
from ..mix import show_name
from ..text.language import base_language
from .draw import load_cover
from .encode import encode
from .figures import place_figures
from .long import long_clip, youtube_description
from .short import pick, short_clip
from .slides import read_episode
from .style import load_style, warn_missing

if TYPE_CHECKING:
    from .slides import Shown
    from .style import Style

log = logging.getLogger(__name__)
__all__ = ["make_videos", "missing_videos"]


def make_videos(
    folder: Path, settings: Settings, progress: Progress | None = None, long: bool = True, short: bool = False
) -> dict[str, dict]:
    """Make the episode's videos (those not already up to date); return what episode.json records
    of each, by kind ("video", "short")."""

    folder = Path(folder)
    shown = read_episode(folder)
    open_whole_mp3(shown.episode.audio, shown.duration)  # missing, not an MP3, or cut short: one line
    cover = load_cover(shown.cover)
    if shown.cover is None:
        log.warning("%s has no cover image: the videos show none in their corner", folder)
    style = load_style(settings, shown.cover)
    show = show_name(settings)
    warn_missing(
        style,
        [
            show,
            shown.episode.title,
            *(s.title for s in shown.slides),
            *(p for s in shown.slides for p in s.points),
            *(s.text for s in shown.lines),
        ],
    )
    made: dict[str, dict] = {}
    wanted = [kind for kind, on in (("video", long), ("short", short)) if on]
    for kind in wanted:
        done = _up_to_date(folder, kind, style.name)
        if done is not None:
            log.info("%s is up to date", folder / VIDEOS[kind])
            made[kind] = done
            continue
        if kind == "video":
            place_figures(shown, settings)
        start = time.perf_counter()
        made[kind] = (_long if kind == "video" else _short)(shown, style, show, cover, settings, progress)
        made[kind].update(style=style.name, seconds=round(time.perf_counter() - start, 3))
        record_video(folder, kind, made[kind])
    return made


def _long(shown: Shown, style: Style, show: str, cover, settings: Settings, progress: Progress | None) -> dict:

    folder = shown.episode.folder
    vtt = shown.episode.files.get("transcript_vtt")
    clip, shots = long_clip(
        shown, style, show, cover, vtt if vtt and vtt.is_file() else None, _iso639_2(settings.language)
    )
    frames = encode(clip, folder / VIDEO, progress, "video")
    write_text(folder / YOUTUBE, youtube_description(shown, show))
    return {
        "file": VIDEO,
        "width": 1920,
        "height": 1080,
        "duration": round(shown.duration, 3),
        "frames": frames,
        "slides": [
            {
                "title": s.title,
                "start": round(s.start, 3),
                "points": s.points,
                "figure": s.figure.name if s.figure else None,
            }
            for s in shown.slides
        ],
        "subtitles": clip.subtitles is not None,
    }


def _short(shown: Shown, style: Style, show: str, cover, settings: Settings, progress: Progress | None) -> dict:

    chosen = pick(shown, shown.episode.script.highlight if shown.episode.script else None)
    clip, words = short_clip(shown, style, show, cover, chosen)
    frames = encode(clip, shown.episode.folder / SHORT, progress, "short")
    return {
        "file": SHORT,
        "width": 1080,
        "height": 1920,
        "duration": round(chosen.duration, 3),
        "frames": frames,
        "start": round(chosen.start, 3),
        "end": round(chosen.end, 3),
        "lines": [chosen.first, chosen.last],
        "words": words,
        "chosen": chosen.why,
    }


_ISO639_2 = {
    "en": "eng",
    "de": "ger",
    "fr": "fre",
    "es": "spa",
    "it": "ita",
    "pt": "por",
    "nl": "dut",
    "ja": "jpn",
    "zh": "chi",
    "ru": "rus",
    "ar": "ara",
    "hi": "hin",
    "ko": "kor",
    "pl": "pol",
    "sv": "swe",
    "tr": "tur",
}


def _iso639_2(language: str) -> str:
    """The three-letter code an MP4 subtitle track is tagged with."""
    return _ISO639_2.get(base_language(language), "und")


def missing_videos(folder: Path, settings: Settings) -> list[str]:
    """The kinds of video the settings ask for that ``folder`` has none of, up to date."""
    wanted = [kind for kind, on in (("video", settings.video), ("short", settings.short)) if on]
    return [kind for kind in wanted if _up_to_date(Path(folder), kind, settings.video_style) is None]


def _up_to_date(folder: Path, kind: str, style: str) -> dict | None:
    """What episode.json records of the video of ``kind`` if it was made, in this style, from the
    audio the folder holds now and is still there as it was made; else None."""
    meta = read_object(folder / METADATA)
    entry = recorded_videos(meta).get(kind)
    if not entry or entry.get("style") != style or not is_current(entry, meta):
        return None
    path = folder / Path(entry["file"]).name
    if not path.is_file() or path.stat().st_size != entry.get("bytes"):
        return None
    return entry
