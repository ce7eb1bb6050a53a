"""An episode folder: one API for everything in it.

    <output_dir>/<slug>/
      script.json  episode.json  episode.mp3  transcript.vtt .srt .json  chapters.json  cover.png  check.json
      episode.mp4  short.mp4  youtube.txt  (the videos, when made)

Every package that reads or writes a folder (pipeline, record, mix, check, video, publish,
studio, batch) does it through here: the file names (``names``), ``script.json`` (``script``),
claiming a folder for a new episode (``claim``), ``episode.json`` and the videos it records
(``metadata``), the transcript's lines and backchannels apart and the chapters' times
(``transcript``), ``check.json`` (``checks``), the MP3 checked whole (``mp3``) and the finished
episode as a whole (``episode``).
"""

from .checks import audio_identity, check_state, current_check
from .claim import claim, folder_for, numbered
from .episode import open_episode
from .jsonio import load_json, read_object
from .metadata import (
    drop_kept_metadata,
    is_current,
    put_back_metadata,
    read_metadata,
    record_video,
    recorded_metadata,
    recorded_videos,
    redacted_credit,
    restore_metadata,
    save_metadata,
    set_aside_metadata,
    stamp_files,
    unchanged,
    write_metadata,
)
from .mp3 import open_mp3, open_whole_mp3
from .names import (
    AUDIO,
    CHAPTERS,
    CHECK,
    COVER,
    COVER_JPEG,
    COVERS,
    FILES,
    METADATA,
    METADATA_KEPT,
    RAW_ANSWER,
    REDO,
    SCRIPT,
    SCRIPT_KEPT,
    SHORT,
    TRANSCRIPT_JSON,
    TRANSCRIPT_SRT,
    TRANSCRIPT_VTT,
    TRANSCRIPTS,
    VIDEO,
    VIDEO_FILES,
    VIDEOS,
    YOUTUBE,
    audio_path,
    listed_files,
)
from .script import check_lines, load_script, save_script
from .transcript import chapter_marks, chapter_starts, read_segments, read_turns, split_backchannels

__all__ = [
    "AUDIO",
    "CHAPTERS",
    "CHECK",
    "COVER",
    "COVERS",
    "COVER_JPEG",
    "FILES",
    "METADATA",
    "METADATA_KEPT",
    "RAW_ANSWER",
    "REDO",
    "SCRIPT",
    "SCRIPT_KEPT",
    "SHORT",
    "TRANSCRIPTS",
    "TRANSCRIPT_JSON",
    "TRANSCRIPT_SRT",
    "TRANSCRIPT_VTT",
    "VIDEO",
    "VIDEOS",
    "VIDEO_FILES",
    "YOUTUBE",
    "audio_identity",
    "audio_path",
    "chapter_marks",
    "chapter_starts",
    "check_lines",
    "check_state",
    "claim",
    "current_check",
    "drop_kept_metadata",
    "folder_for",
    "is_current",
    "listed_files",
    "load_json",
    "load_script",
    "numbered",
    "open_episode",
    "open_mp3",
    "open_whole_mp3",
    "put_back_metadata",
    "read_metadata",
    "read_object",
    "read_segments",
    "read_turns",
    "record_video",
    "recorded_metadata",
    "recorded_videos",
    "redacted_credit",
    "restore_metadata",
    "save_metadata",
    "save_script",
    "set_aside_metadata",
    "split_backchannels",
    "stamp_files",
    "unchanged",
    "write_metadata",
]
