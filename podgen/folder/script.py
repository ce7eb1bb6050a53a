"""script.json: read and checked, or saved (keeping a different one that was there)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from ..errors import EpisodeError
from ..files import write_text
from ..models import HOST_HINT, MAX_LINE_CHARS, Script, not_a_host
from .jsonio import load_json
from .names import SCRIPT, SCRIPT_KEPT

log = logging.getLogger(__name__)


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
        if script.hosts and (problem := not_a_host(line.speaker, script.hosts)):
            raise EpisodeError(f"{path}: line {i} is spoken by {problem}.", HOST_HINT)


def save_script(folder: Path, script: Script) -> None:
    """Write script.json; a different one already there (perhaps edited by hand) is kept."""
    path, text = folder / SCRIPT, script.to_json()
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return  # the same script: an unchanged episode stays untouched
    if path.is_file():
        os.replace(path, folder / SCRIPT_KEPT)
        log.warning("%s was different from the new script; the old one is kept as %s", path, SCRIPT_KEPT)
    write_text(path, text)
