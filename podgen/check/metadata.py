"""The episode's text files: transcripts that agree with each other, with the script and with
the audio (read back with webvtt-py and srt), and an episode.json that a feed can be built from."""

from __future__ import annotations

from pathlib import Path

from ..about import pip_install
from ..errors import MissingDependency
from ..folder import METADATA, SCRIPT, TRANSCRIPT_JSON, TRANSCRIPT_SRT, TRANSCRIPT_VTT
from ..models import Episode, Segment
from .report import Finding

TIME_TOLERANCE = 0.002
MAX_OVERLAP = 0.6
"""Seconds a line may start before the one before it ends (the natural style's overlaps, with margins)."""
REQUIRED = ("title", "description", "duration", "guid", "created", "files")

TRANSCRIPT_EFFECT = "Players that show transcripts (Apple Podcasts reads VTT, others SRT or JSON) show {what}."
METADATA_EFFECT = "A feed built from episode.json would lack {what}: directories reject an item without a guid or title, and apps show no length or description."


def check_metadata(episode: Episode, duration: float, backchannels: list[Segment] = ()) -> list[Finding]:
    """``episode.segments`` are the script's lines; ``backchannels`` the transcript's other segments."""
    return [_transcripts(episode, duration, list(backchannels)), _episode_json(episode)]


def _transcripts(episode: Episode, duration: float, backchannels: list[Segment]) -> Finding:
    problem = _timeline_problem(episode, duration)
    for reader, key, name in (
        (_read_vtt, "transcript_vtt", TRANSCRIPT_VTT),
        (_read_srt, "transcript_srt", TRANSCRIPT_SRT),
    ):
        if problem:
            break
        path = episode.file(key)
        problem = f"{name} is missing" if path is None else _compare_all(name, reader(path), episode, backchannels)
    if problem:
        return Finding(
            "transcripts", False, problem, effect=TRANSCRIPT_EFFECT.format(what="text out of step with the speech")
        )
    extra = f" and {len(backchannels)} backchannels" if backchannels else ""
    return Finding(
        "transcripts",
        True,
        f"{TRANSCRIPT_JSON}, .vtt and .srt agree on the {len(episode.segments)} "
        f"script lines{extra}, in order, inside the {duration:.1f} s of audio",
    )


def _timeline_problem(episode: Episode, duration: float) -> str | None:
    segments, lines = episode.segments, episode.script.lines
    if [s.text for s in segments] != [line.text for line in lines]:
        return f"{TRANSCRIPT_JSON}'s lines are not {SCRIPT}'s: the script was edited after the last render"
    for i, (a, b) in enumerate(zip(segments, segments[1:])):
        if b.start < a.end - MAX_OVERLAP or b.end <= a.end:
            return f"{TRANSCRIPT_JSON}: line {i + 1} starts before line {i} ends"
    outside = [i for i, s in enumerate(segments) if s.start < 0 or s.end > duration + 0.05 or s.end < s.start]
    return f"{TRANSCRIPT_JSON}: line {outside[0]} lies outside the audio (0–{duration:.1f} s)" if outside else None


def _compare_all(
    name: str, cues: list[tuple[float, float, str]], episode: Episode, backchannels: list[Segment]
) -> str | None:
    """The backchannels' cues (one each, its time and text), then the lines' (``_compare``)."""
    rest = list(cues)
    for seg in backchannels:
        found = next(
            (
                c
                for c in rest
                if abs(c[0] - seg.start) <= TIME_TOLERANCE
                and abs(c[1] - seg.end) <= TIME_TOLERANCE
                and _spaced(c[2].removeprefix(f"{seg.speaker}: ")) == _spaced(seg.text)
            ),
            None,
        )
        if found is None:
            return f"{name} has no cue for {seg.speaker}'s {seg.text!r} at {seg.start:.3f} s"
        rest.remove(found)
    return _compare(name, rest, episode.segments)


def _compare(name: str, cues: list[tuple[float, float, str]], segments: list[Segment]) -> str | None:
    """Each line's cues (one, or several for a long line) lie inside its span and say its text.
    A line's cues are the ones that spell it out, in order (lines may overlap at their ends)."""
    k = 0
    for i, seg in enumerate(segments):
        said, wanted = "", _spaced(seg.text)
        while k < len(cues) and said != wanted and (not said or wanted.startswith(said)):
            start, end, text = cues[k]
            if start < seg.start - TIME_TOLERANCE or end > seg.end + TIME_TOLERANCE:
                return f"{name} cue {k + 1} runs {start:.3f}–{end:.3f} s, outside line {i} ({seg.start:.3f}–{seg.end:.3f} s)"
            said = _spaced(f"{said} {text.removeprefix(f'{seg.speaker}: ')}")
            k += 1
        if said != wanted:
            return f"{name} says {said!r} for line {i}, {TRANSCRIPT_JSON} {seg.text!r}"
    if k < len(cues):
        return f"{name} has {len(cues) - k} cue(s) after the last line"
    return None


def _spaced(text: str) -> str:
    """Text with its line breaks and runs of spaces made single spaces (cues wrap lines)."""
    return " ".join(text.split())


def _read_vtt(path: Path) -> list[tuple[float, float, str]]:
    try:
        import webvtt
        import webvtt.errors
    except ImportError as exc:
        raise MissingDependency(f"The check needs webvtt-py ({exc.name} is missing).", pip_install("check")) from None
    try:
        return [
            (c.start_time.in_milliseconds() / 1000, c.end_time.in_milliseconds() / 1000, c.text)
            for c in webvtt.read(str(path))
        ]
    except (webvtt.errors.MalformedFileError, webvtt.errors.MalformedCaptionError, ValueError) as exc:
        return [(-1.0, -1.0, f"unreadable: {exc}")]


def _read_srt(path: Path) -> list[tuple[float, float, str]]:
    try:
        import srt
    except ImportError as exc:
        raise MissingDependency(f"The check needs srt ({exc.name} is missing).", pip_install("check")) from None
    try:
        text = path.read_text(encoding="utf-8")
        return [(c.start.total_seconds(), c.end.total_seconds(), c.content) for c in srt.parse(text)]
    except (srt.SRTParseError, ValueError) as exc:
        return [(-1.0, -1.0, f"unreadable: {exc}")]


def _episode_json(episode: Episode) -> Finding:
    meta = episode.meta
    missing = [key for key in REQUIRED if meta.get(key) in (None, "", [], {})]
    files = meta.get("files") if isinstance(meta.get("files"), dict) else {}
    absent = [name for name in files.values() if not (episode.folder / str(name)).is_file()]
    if missing or absent:
        what = ", ".join(missing + [f"{name} (listed but not in the folder)" for name in absent])
        return Finding(METADATA, False, f"{METADATA} lacks {what}", effect=METADATA_EFFECT.format(what=what))
    return Finding(METADATA, True, f"{METADATA} complete; {len(files)} files listed, all present")
