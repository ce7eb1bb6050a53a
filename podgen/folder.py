"""An episode folder: the names of its files, and reading, claiming and setting aside what is in it.

    <output_dir>/<slug>/
      script.json  episode.json  episode.mp3  transcript.vtt .srt .json  chapters.json  cover.png  check.json

Every stage that reads or writes a folder (pipeline, record, mix, check, batch, publish) takes
the names from here, reads ``script.json`` with :func:`load_script`, the transcript with
:func:`read_segments` and the finished episode with :func:`open_episode`.

``episode.json`` is written last, so a folder with one holds a complete episode. A render sets
it aside while it works (:func:`set_aside_metadata`) and puts it back when it changed nothing.

What a check heard: ``check.json`` records the identity of the audio it listened to (its size
and SHA-256, and the episode's ``made_from``), and :func:`current_check` returns a check only
while the folder still holds that audio. A check of audio rendered over since counts as no
check at all, for ``podgen feed --only-checked`` and ``podgen batch`` alike.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .errors import EpisodeError
from .files import locked, slugify, write_text
from .models import MAX_LINE_CHARS, Episode, Script, Segment

log = logging.getLogger(__name__)

SCRIPT = "script.json"
SCRIPT_KEPT = "script.previous.json"
"""A script.json that a new script replaced (perhaps one edited by hand)."""
METADATA = "episode.json"
METADATA_KEPT = ".episode.previous.json"
"""episode.json while a render works: hidden, so the folder does not look finished."""
AUDIO = "episode.mp3"
CHECK = "check.json"
TRANSCRIPT_VTT, TRANSCRIPT_SRT, TRANSCRIPT_JSON = "transcript.vtt", "transcript.srt", "transcript.json"
TRANSCRIPTS = (TRANSCRIPT_VTT, TRANSCRIPT_SRT, TRANSCRIPT_JSON)
CHAPTERS = "chapters.json"
COVER, COVER_JPEG = "cover.png", "cover.jpg"
"""The cover a render draws or converts to; a JPEG cover given stays a JPEG."""
COVERS = (COVER, COVER_JPEG, "cover.jpeg")
RAW_ANSWER = "llm-answer.txt"
"""What the model writer keeps of an answer that stayed invalid, in the folder of :func:`folder_for`."""
FILES = {
    "audio": AUDIO,
    "transcript_vtt": TRANSCRIPT_VTT,
    "transcript_srt": TRANSCRIPT_SRT,
    "transcript_json": TRANSCRIPT_JSON,
    "chapters": CHAPTERS,
}
"""episode.json's "files" keys and each file's usual name."""
REDO = "Render it again: podgen render {folder}"


def load_json(text: str) -> Any:
    """``json.loads`` that raises ValueError for every bad document, including one nested so
    deeply that the parser runs out of stack (which would otherwise be a RecursionError)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("it is nested too deeply") from None


def read_object(path: Path) -> dict:
    """The JSON object in ``path``; {} when it is missing, unreadable or not an object."""
    try:
        data = load_json(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


# --- the script


def load_script(folder: Path) -> Script:
    """``folder``'s script.json, checked: every line has text of a sensible length and is spoken
    by one of its hosts. Raises EpisodeError (one line, exit code 3) for anything else."""
    path = folder / SCRIPT
    if not path.is_file():
        raise EpisodeError(f"No {SCRIPT} in {folder}.")
    try:
        script = Script.from_dict(load_json(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise EpisodeError(
            f"{path} is not a valid script ({exc}).", "Fix the JSON, or run podgen make again."
        ) from None
    check_lines(path, script)
    return script


def check_lines(path: Path, script: Script) -> None:
    """Raise EpisodeError unless the script has lines, each with text of a sensible length,
    spoken by one of its hosts (``path`` names the script in the message)."""
    if not script.lines:
        raise EpisodeError(f"{path} has no lines.", "Add lines, or run podgen make again.")
    for i, line in enumerate(script.lines):
        if not line.text.strip():
            raise EpisodeError(f"{path}: line {i} has no text.", "Give it some text or delete it.")
        if len(line.text) > MAX_LINE_CHARS:
            raise EpisodeError(
                f"{path}: line {i} is {len(line.text):,} characters long; a line may have at most {MAX_LINE_CHARS:,}.",
                "Split it into several lines, at the ends of sentences.",
            )
        if script.hosts and line.speaker not in script.hosts:
            raise EpisodeError(
                f"{path}: line {i} is spoken by {line.speaker!r}, who is not one of the hosts {script.hosts}.",
                'Use a name listed under "hosts" in script.json.',
            )


def save_script(folder: Path, script: Script) -> None:
    """Write script.json; a different one already there (perhaps edited by hand) is kept."""
    path, text = folder / SCRIPT, script.to_json()
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return  # the same script: an unchanged episode stays untouched
    if path.is_file():
        os.replace(path, folder / SCRIPT_KEPT)
        log.warning("%s was different from the new script; the old one is kept as %s", path, SCRIPT_KEPT)
    write_text(path, text)


# --- claiming a folder


def numbered(base: str, limit: int = 10_000) -> Iterator[str]:
    """``base``, ``base-2``, ``base-3``, ...: the names an episode's folder or page may take."""
    yield base
    for n in range(2, limit):
        yield f"{base}-{n}"


def folder_for(parent: Path, title: str, sources: list[str]) -> Path:
    """The folder the episode of ``sources`` titled ``title`` has, or would get: ``<parent>/<slug>``,
    or ``<slug>-2``, ... when that one holds an episode of other sources (two documents with one
    title get two episodes, and a re-run of a document finds its own)."""
    base = slugify(title)
    for name in numbered(base):
        folder = parent / name
        if not folder.exists() or _made_from(folder, sources):
            return folder
    raise EpisodeError(f"Too many episodes named {base} in {parent}.", "Give this one a --title.")


def claim(parent: Path, script: Script) -> Path:
    """Find the folder of ``script`` (see :func:`folder_for`) and save the script into it, under
    a lock: two processes never claim one folder for different sources."""
    with locked(parent):
        folder = folder_for(parent, script.title, script.sources)
        save_script(folder, script)
    return folder


def _made_from(folder: Path, sources: list[str]) -> bool:
    """Whether ``folder`` is the episode of ``sources`` (or an empty folder)."""
    path = folder / SCRIPT
    if not path.is_file():
        return not any(folder.iterdir())
    try:
        theirs = load_json(path.read_text(encoding="utf-8")).get("sources", [])
        return [os.path.abspath(s) for s in theirs] == [os.path.abspath(s) for s in sources]
    except (ValueError, UnicodeDecodeError, AttributeError, TypeError):
        return False


# --- episode.json, set aside while a render works


def set_aside_metadata(folder: Path) -> dict:
    """Set episode.json aside: until a render writes it again, the folder is not complete.
    It is kept (hidden) so that a failed render does not lose the episode's guid."""
    path, kept = folder / METADATA, folder / METADATA_KEPT
    if path.is_file():
        os.replace(path, kept)
    return read_object(kept)


def put_back_metadata(folder: Path) -> Path:
    """The episode.json set aside goes back as it was (the render changed nothing)."""
    os.replace(folder / METADATA_KEPT, folder / METADATA)
    return folder / METADATA


def drop_kept_metadata(folder: Path) -> None:
    """Drop the copy of episode.json set aside (a new one has been written)."""
    (folder / METADATA_KEPT).unlink(missing_ok=True)


def recorded_metadata(folder: Path) -> dict:
    """episode.json, or the one set aside by a render that has not finished; {} for neither."""
    return read_object(folder / METADATA) or read_object(folder / METADATA_KEPT)


def stamp_files(folder: Path, meta: dict) -> dict[str, tuple] | None:
    """Size, modification time and inode of every file ``meta`` (an episode.json) lists; None
    when it lists none. A file written again (always by a rename) changes its stamp."""
    files = meta.get("files")
    if not isinstance(files, dict) or not files:
        return None
    stamps = {}
    for key, name in files.items():
        if key == "metadata":
            continue
        try:
            stat = (folder / Path(str(name)).name).stat()
        except OSError:
            return None
        stamps[key] = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    return stamps


def restore_metadata(folder: Path, stamps: dict[str, tuple] | None) -> bool:
    """After a failed render: put the episode.json set aside back if every file it lists is
    as it was (``stamps``, taken before the render), so a finished episode stays published.
    Returns whether it was put back."""
    kept = folder / METADATA_KEPT
    if stamps is None or not kept.is_file() or stamp_files(folder, read_object(kept)) != stamps:
        return False
    put_back_metadata(folder)
    log.info("%s: the render failed before it changed any file; the finished episode stays as it was", folder)
    return True


# --- a finished episode, read back


def listed_files(folder: Path, meta: dict) -> dict[str, Path]:
    """Each file of the episode by its episode.json "files" key: the names episode.json gives
    (only their last part: never a path out of the folder), else the usual names, and the
    cover that is there when none is listed. The paths may not exist."""
    listed = meta.get("files") if isinstance(meta.get("files"), dict) else {}
    names = {**FILES, **{key: Path(str(value)).name for key, value in listed.items()}}
    if "cover" not in names:
        names["cover"] = next((c for c in COVERS if (folder / c).is_file()), "")
    names.pop("metadata", None)
    return {key: folder / name for key, name in names.items() if name}


def audio_path(folder: Path, meta: dict | None = None) -> Path:
    """The episode's MP3: as episode.json names it, else episode.mp3."""
    return listed_files(folder, read_object(folder / METADATA) if meta is None else meta)["audio"]


def read_segments(path: Path) -> list[Segment]:
    """The lines of a Podcasting 2.0 JSON transcript, as placed on the timeline. Raises
    OSError when it cannot be read and ValueError when it is not such a transcript."""
    try:
        items = load_json(path.read_text(encoding="utf-8"))["segments"]
        return [
            Segment(str(s.get("speaker", "")), str(s["body"]), float(s["startTime"]), float(s["endTime"]))
            for s in items
        ]
    except (KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{exc!r} is missing or wrong") from None


def open_episode(folder: Path) -> Episode:
    """The finished episode in ``folder``: its episode.json, script and transcript. Anything that
    makes it unreadable (not an episode, still rendering, a broken file) is an EpisodeError."""
    folder = Path(folder)
    meta = _metadata(folder)
    script = load_script(folder)
    files = listed_files(folder, meta)
    try:
        segments = read_segments(files["transcript_json"])
    except FileNotFoundError:
        raise EpisodeError(f"{folder} has no {files['transcript_json'].name}.", REDO.format(folder=folder)) from None
    except (OSError, ValueError) as exc:
        raise EpisodeError(
            f"{files['transcript_json']} is not a Podcasting 2.0 transcript ({exc}).", REDO.format(folder=folder)
        ) from None
    return Episode(
        folder.name,
        folder,
        str(meta.get("title", script.title)),
        str(meta.get("description", "")),
        float(meta.get("duration") or 0),
        segments,
        files,
        meta=meta,
        script=script,
    )


def _metadata(folder: Path) -> dict[str, Any]:
    path = folder / METADATA
    if not folder.is_dir():
        raise EpisodeError(f"{folder} is not a folder.")
    if not path.is_file():
        if (folder / SCRIPT).is_file():
            raise EpisodeError(
                f"{folder} has no {METADATA}: it is still being rendered, or its last render failed.",
                f"Wait for it to finish, or run: podgen render {folder}",
            )
        raise EpisodeError(f"{folder} is not an episode folder (no {METADATA}).")
    try:
        data = load_json(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise EpisodeError(f"{path} is not valid JSON ({exc}).", REDO.format(folder=folder)) from None
    if not isinstance(data, dict):
        raise EpisodeError(f"{path} is not a JSON object.", REDO.format(folder=folder))
    return data


# --- what a check heard


def sha256(path: Path) -> str | None:
    """The file's SHA-256 (hex), read in 1 MB blocks; None when it cannot be read."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def audio_identity(path: Path, made_from: str | None = None) -> dict[str, Any]:
    """What check.json records about the audio it heard."""
    size = path.stat().st_size if path.is_file() else None
    return {"file": path.name, "bytes": size, "sha256": sha256(path), "made_from": made_from}


def current_check(folder: Path) -> dict | None:
    """``folder``'s check.json if it is about the audio the folder holds now, else None (no
    check, an unreadable one, one from before checks recorded their audio, or one of audio
    that has been rendered over since)."""
    check = read_object(folder / CHECK)
    heard = check.get("audio")
    if not isinstance(heard, dict) or not heard.get("sha256"):
        return None
    path = audio_path(folder)
    if heard.get("file") != path.name or heard.get("bytes") != _size(path) or heard["sha256"] != sha256(path):
        return None
    return check


def check_state(folder: Path) -> str:
    """ "passed", "failed", "stale" (a check of other audio) or "none"."""
    check = current_check(folder)
    if check is not None:
        return "passed" if check.get("passed") is True else "failed"
    return "stale" if (folder / CHECK).is_file() else "none"


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None
