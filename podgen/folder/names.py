"""The names of an episode folder's files, and the paths episode.json gives them."""

from __future__ import annotations

from pathlib import Path

from .jsonio import read_object

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
VIDEO, SHORT, YOUTUBE = "episode.mp4", "short.mp4", "youtube.txt"
VIDEOS = {"video": VIDEO, "short": SHORT}
"""The videos made from an episode (``podgen video``), by their episode.json key."""
VIDEO_FILES = ("video", "short", "youtube")
"""episode.json "files" of the videos: made after the episode, from it."""


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
