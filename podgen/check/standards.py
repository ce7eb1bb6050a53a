"""Podcast standards of the MP3: loudness, true peak, format, ID3 tags, cover and chapters.

Loudness and true peak are measured with ffmpeg's EBU R128 filter (``ebur128=peak=true``),
the same measurement the mastering aims with; tags are read back with mutagen.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from ..ffmpeg import run
from ..models import Episode
from .report import Finding

TARGET_MONO, TARGET_STEREO = -19.0, -16.0
LOUDNESS_TOLERANCE = 1.0
MAX_TRUE_PEAK = -1.0
SAMPLE_RATE = 44100
CHAPTER_TOLERANCE = 0.5

LOUDNESS = (
    "Apple Podcasts and Spotify play episodes at about {target:.0f} LUFS: listeners must reach for the volume "
    "between this episode and the next, and platforms that normalise turn it {way}."
)
PEAK = "Peaks over -1 dBTP clip once an app or a Bluetooth codec re-encodes the audio: listeners hear distortion."
FORMAT = "Apple Podcasts asks for 44.1 kHz constant-bitrate MP3: other rates play at the wrong speed on some devices, and VBR makes seeking inaccurate."
TAGS = "Players that read ID3 (car radios, music apps, downloaded files) show no {what} for this episode."
COVER = "Players show no artwork for the downloaded episode: the cover exists in the folder but not in the MP3."
CHAPTERS = "Players that read ID3 chapters (Overcast, Pocket Casts, Apple Podcasts) show {what}, not the chapters in chapters.json."


def measure_loudness(path: Path) -> dict[str, float | None]:
    """Integrated loudness (LUFS) and true peak (dBTP) of an audio file; None for silence."""
    args = ["-nostats", "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"]
    text = run(args, capture="stderr").decode("utf-8", "replace")
    summary = text[text.rfind("Summary:") :]
    loud = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    return {"loudness": _number(loud), "true_peak": _number(peak)}


def _number(match: re.Match | None) -> float | None:
    return float(match.group(1)) if match and match.group(1) != "-inf" else None


def check_standards(episode: Episode, mp3) -> tuple[list[Finding], dict]:
    """Findings about ``episode``'s MP3 (``mp3`` is mutagen's, see ``folder.open_mp3``), and the loudness."""
    measured = measure_loudness(episode.audio)
    findings = _loudness(mp3, measured) + _format(mp3) + _tags(episode, mp3)
    findings += _cover(episode, mp3) + _chapters(episode, mp3)
    return findings, measured


def _loudness(mp3, measured: dict) -> list[Finding]:
    stereo = mp3.info.channels > 1
    target = TARGET_STEREO if stereo else TARGET_MONO
    loud, peak = measured["loudness"], measured["true_peak"]
    measured["loudness_target"] = target
    if loud is None:
        found = Finding(
            "loudness",
            False,
            "the audio is silent: no loudness could be measured",
            effect=LOUDNESS.format(target=target, way="up"),
        )
    else:
        kind = "stereo" if stereo else "mono"
        ok = abs(loud - target) <= LOUDNESS_TOLERANCE
        found = Finding(
            "loudness",
            ok,
            f"integrated loudness {loud:.1f} LUFS; target {target:.0f} ± {LOUDNESS_TOLERANCE:.0f} LU for {kind}",
            effect="" if ok else LOUDNESS.format(target=target, way="up" if loud < target else "down"),
        )
    peak_ok = peak is not None and peak <= MAX_TRUE_PEAK
    shown = f"{peak:.1f}" if peak is not None else "-inf"
    return [
        found,
        Finding(
            "true_peak",
            peak_ok or peak is None,
            f"true peak {shown} dBTP; at most {MAX_TRUE_PEAK:.0f} dBTP",
            effect="" if peak_ok or peak is None else PEAK,
        ),
    ]


def _format(mp3) -> list[Finding]:
    from mutagen.mp3 import BitrateMode

    info = mp3.info
    problems = []
    if info.sample_rate != SAMPLE_RATE:
        problems.append(f"{info.sample_rate} Hz instead of {SAMPLE_RATE}")
    if info.bitrate_mode not in (BitrateMode.CBR, BitrateMode.UNKNOWN):
        problems.append(f"{info.bitrate_mode.name} instead of constant bitrate")
    described = f"MPEG-1 layer 3, {info.sample_rate} Hz, {info.channels} channel(s), {info.bitrate // 1000} kbit/s"
    if problems:
        return [Finding("mp3.format", False, f"{described}: {'; '.join(problems)}", effect=FORMAT)]
    return [Finding("mp3.format", True, f"{described}, constant bitrate")]


def _tags(episode: Episode, mp3) -> list[Finding]:
    tags = mp3.tags
    wanted = {"TIT2": "title", "TPE1": "artist", "TALB": "album"}
    missing = [name for frame, name in wanted.items() if tags is None or not str(tags.get(frame, "")).strip()]
    if missing:
        return [
            Finding(
                "id3.tags", False, f"ID3 {', '.join(missing)} missing", effect=TAGS.format(what=" or ".join(missing))
            )
        ]
    title = str(tags["TIT2"])
    if title != episode.meta.get("title", title):
        return [
            Finding(
                "id3.tags",
                False,
                f"ID3 title {title!r} is not the episode's title {episode.meta['title']!r}",
                effect=TAGS.format(what="right title"),
            )
        ]
    return [
        Finding("id3.tags", True, f"ID3 title {title!r}, artist {str(tags['TPE1'])!r}, album {str(tags['TALB'])!r}")
    ]


def _cover(episode: Episode, mp3) -> list[Finding]:
    pictures = mp3.tags.getall("APIC") if mp3.tags is not None else []
    cover = episode.file("cover")
    if pictures:
        pic = pictures[0]
        ok = pic.mime in ("image/png", "image/jpeg") and len(pic.data) > 0
        return [
            Finding("id3.cover", ok, f"ID3 cover: {pic.mime}, {len(pic.data) // 1024} KiB", effect="" if ok else COVER)
        ]
    if cover is not None:
        return [
            Finding("id3.cover", False, f"{cover.name} is not embedded in the MP3 (no ID3 APIC frame)", effect=COVER)
        ]
    return []


def _chapters(episode: Episode, mp3) -> list[Finding]:
    path = episode.file("chapters")
    listed = _listed_chapters(path) if path else []
    tags = mp3.tags
    frames = sorted(tags.getall("CHAP"), key=lambda c: c.start_time) if tags is not None else []
    if not listed and not frames:
        return []
    if not frames:
        severity = _severity(episode)
        return [
            Finding(
                "id3.chapters",
                severity == "warning",
                f"chapters.json lists {len(listed)} chapters; the MP3 has no ID3 chapters (CTOC/CHAP)",
                effect=CHAPTERS.format(what="no chapters"),
                severity=severity,
            )
        ]
    embedded = [(_chapter_title(c), c.start_time / 1000) for c in frames]
    problem = _compare_chapters(listed, embedded, tags.getall("CTOC"))
    if problem:
        return [Finding("id3.chapters", False, problem, effect=CHAPTERS.format(what="other chapters"))]
    return [Finding("id3.chapters", True, f"{len(frames)} ID3 chapters, as in chapters.json")]


def _severity(episode: Episode) -> str:
    """ID3 chapters are an error once the episode's renderer writes them (it then lists a cover
    or embeds other studio artifacts); an older render only gets a warning."""
    return "error" if episode.meta.get("files", {}).get("cover") else "warning"


def _listed_chapters(path) -> list[tuple[str, float]]:
    try:
        items = json.loads(path.read_text(encoding="utf-8")).get("chapters", [])
        return [(str(c.get("title", "")), float(c["startTime"])) for c in items]
    except (ValueError, KeyError, TypeError, AttributeError):
        return []


def _chapter_title(frame) -> str:
    title = frame.sub_frames.get("TIT2")
    return str(title) if title is not None else ""


def _compare_chapters(listed, embedded, tocs) -> str | None:
    if not tocs:
        return "the MP3 has CHAP frames but no table of contents (CTOC): players do not list them"
    if len(listed) != len(embedded):
        return f"the MP3 has {len(embedded)} ID3 chapters, chapters.json {len(listed)}"
    for (title, start), (tag_title, tag_start) in zip(listed, embedded):
        if title != tag_title or abs(start - tag_start) > CHAPTER_TOLERANCE:
            return f"ID3 chapter {tag_title!r} at {tag_start:.1f} s differs from chapters.json's {title!r} at {start:.1f} s"
    return None
