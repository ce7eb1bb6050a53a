"""The episode's videos, as episode.json records them, decoded with PyAV (which faster-whisper
brings): an H.264 picture of the right size, AAC sound, the long video as long as the audio
(±0.1 s) with a subtitle cue for each of transcript.vtt's, a short of 30-60 s; and each made
from the audio the folder holds now."""

from __future__ import annotations

from pathlib import Path

from ..folder import is_current, recorded_videos
from ..models import Episode
from .report import Finding

TOLERANCE_S = 0.1
STALE = "The video shows and says what the episode said before it was rendered again."
BROKEN = "Players and YouTube refuse the file, or play it wrong."
SIZES = {"video": (1920, 1080), "short": (1080, 1920)}


def check_videos(episode: Episode, audio_seconds: float) -> list[Finding]:

    findings: list[Finding] = []
    for kind, entry in recorded_videos(episode.meta).items():
        path = episode.folder / Path(entry["file"]).name
        if not path.is_file():
            findings.append(
                Finding(f"video.{kind}", False, f"episode.json lists {path.name}, which is missing", effect=BROKEN)
            )
            continue
        if not is_current(entry, episode.meta):
            findings.append(
                Finding(
                    f"video.{kind}.current",
                    False,
                    f"{path.name} was made from earlier audio: "
                    f"run podgen video {episode.folder}{' --short' if kind == 'short' else ''}",
                    effect=STALE,
                )
            )
        findings += _streams(kind, path, entry, episode, audio_seconds)
    return findings


def probe(path: Path) -> dict:
    """What a player finds in an MP4: codecs, picture size, durations, subtitle cues with text."""
    import av

    with av.open(str(path)) as container:
        streams = {s.type: s for s in container.streams if s.type in ("video", "audio", "subtitle")}
        found = {
            "codecs": {t: s.codec_context.name for t, s in streams.items()},
            "duration": (container.duration or 0) / 1e6,
        }
        if "video" in streams:
            found["size"] = (streams["video"].codec_context.width, streams["video"].codec_context.height)
        ends: dict[str, float] = {}
        cues = 0
        for packet in container.demux(*streams.values()):
            if packet.pts is None:
                continue
            kind = packet.stream.type
            end = float((packet.pts + (packet.duration or 0 if kind != "video" else 0)) * packet.stream.time_base)
            ends[kind] = max(ends.get(kind, 0.0), end)  # a picture: when it starts showing
            cues += kind == "subtitle" and packet.size > 2  # mov_text fills the gaps with empty cues
        found.update({("last_picture" if kind == "video" else f"{kind}_duration"): end for kind, end in ends.items()})
        if "subtitle" in streams:
            found["cues"] = cues
    return found


def _streams(kind: str, path: Path, entry: dict, episode: Episode, audio_seconds: float) -> list[Finding]:
    try:
        found = probe(path)
    except Exception as exc:  # PyAV raises its own errors for a broken file
        return [Finding(f"video.{kind}", False, f"{path.name} cannot be decoded ({exc})", effect=BROKEN)]
    codecs, size = found["codecs"], found.get("size")
    problems = []
    if codecs.get("video") != "h264" or codecs.get("audio") != "aac":
        problems.append(f"streams are {codecs}, not H.264 video and AAC audio")
    if size != SIZES[kind]:
        problems.append(f"the picture is {size}, not {SIZES[kind][0]}x{SIZES[kind][1]}")
    length = found["duration"]
    if kind == "video" and abs(length - audio_seconds) > TOLERANCE_S:
        problems.append(f"it lasts {length:.2f} s and the audio {audio_seconds:.2f} s")
    if found.get("last_picture", 0.0) < length - 2 * TOLERANCE_S:
        problems.append(f"its picture ends at {found.get('last_picture', 0.0):.2f} s of {length:.2f}")
    if kind == "short" and not 29.5 <= length <= 60.5:
        problems.append(f"it lasts {length:.1f} s; a short lasts 30 to 60 s")
    problems += _subtitles(kind, found, entry, episode)
    if problems:
        return [Finding(f"video.{kind}", False, f"{path.name}: " + "; ".join(problems), effect=BROKEN)]
    cues = f", {found['cues']} subtitle cues" if "cues" in found else ""
    return [Finding(f"video.{kind}", True, f"{path.name}: H.264 {size[0]}x{size[1]} + AAC, {length:.2f} s{cues}")]


def _subtitles(kind: str, found: dict, entry: dict, episode: Episode) -> list[str]:
    if kind != "video" or not entry.get("subtitles"):
        return []
    vtt = episode.file("transcript_vtt")
    wanted = vtt_cues(vtt) if vtt else 0
    if "cues" not in found:
        return ["it has no subtitle track"]
    return [] if found["cues"] == wanted else [f"its subtitle track has {found['cues']} cues, transcript.vtt {wanted}"]


def vtt_cues(path: Path) -> int:
    """The number of cues in a WebVTT file (lines with a ``-->``)."""
    try:
        return sum(1 for row in path.read_text(encoding="utf-8").splitlines() if "-->" in row)
    except (OSError, UnicodeDecodeError):
        return 0
