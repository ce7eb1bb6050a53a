"""Join: a listener's question at a moment of the episode, answered by the hosts, and kept if wanted.

Everything here is a call into the library: the sources are read by ``ingest``, the answer
comes from ``write.answer``, its clips from ``speak.speak_lines``, a spoken question is heard by
``asr``, and a kept exchange goes into the script with ``edit.inserted``.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

from ..asr import read_recording, speech_seconds, transcribe_text
from ..config import Settings
from ..edit import exchange_end, inserted
from ..errors import BadMedia, EpisodeError, PodgenError
from ..folder import SCRIPT, TRANSCRIPT_JSON, check_lines, load_script, read_turns, recorded_metadata, save_script
from ..ingest import extract_all
from ..models import Document, Line, Script, Section
from ..speak import speak_lines
from ..write.answer import answer_question

MAX_QUESTION_SECONDS = 120
"""The longest recorded question: a longer recording is refused before it is heard."""
MIN_SPEECH_SECONDS = 0.3
"""Less speech than this in a recording (silence, noise) is no question: Whisper would hear "you"."""


class Join:
    def __init__(self, settings: Settings, clips: Path):
        self.settings, self.clips = settings, clips
        self.documents: dict[tuple[str, ...], Document] = {}
        self.lock = threading.Lock()

    def ask(self, folder: Path, question: str) -> dict:

        script = load_script(folder)
        answer = answer_question(
            question, self.document(script), self.settings, script.hosts or self.settings.host_names
        )
        return {
            "question": question,
            "lines": [line.to_dict() for line in answer.lines],
            "clips": self.speak(answer.lines, script.hosts),
            "extractive": answer.extractive,
            "sources": answer.sources,
            "writer": answer.writer,
            "unsupported": answer.unsupported,
        }

    def speak(self, lines: list[Line], hosts: list[str]) -> list[str]:
        """Speak ``lines`` in the episode's voices; the clips' names in the studio's clip folder."""

        names = []
        for path in speak_lines(lines, hosts, self.settings):
            target = self.clips / path.name
            if not target.is_file():
                self.clips.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
            names.append(target.name)
        return names

    def document(self, script: Script) -> Document:
        """The episode's sources as read for it (kept for the next question); the script's own
        lines when the sources cannot be read any more."""

        key = tuple(script.sources)
        with self.lock:
            if key not in self.documents:
                try:
                    self.documents[key] = extract_all(script.sources, self.settings)
                except (PodgenError, OSError):
                    text = "\n\n".join(line.text for line in script.lines)
                    self.documents[key] = Document(script.title, [Section("", text)])
            return self.documents[key]


def transcribe(audio: Path, settings: Settings) -> str:
    """What a recorded question says. A file that is not audio, a recording longer than
    MAX_QUESTION_SECONDS and one without speech (silence, noise) are refused, one line each."""
    samples = read_recording(audio, MAX_QUESTION_SECONDS)
    if speech_seconds(samples) < MIN_SPEECH_SECONDS:
        raise BadMedia("No speech was heard in the recording.", "Speak closer to the microphone, or type the question.")
    return transcribe_text(samples, settings.asr_model, settings.base_language)


def line_at(folder: Path, seconds: float) -> int:
    """Where an exchange asked at ``seconds`` goes: after the script line being spoken then (the
    last one started), or after the reply to it when that line asks something."""

    try:
        lines, _ = read_turns(folder, recorded_metadata(folder))
    except (OSError, ValueError):
        raise EpisodeError(f"{folder} has no readable {TRANSCRIPT_JSON}.", "Render the episode first.") from None
    started = [i for i, seg in enumerate(lines) if seg.start <= seconds]
    return exchange_end(load_script(folder), started[-1]) if started else -1


def keep(folder: Path, after: int, lines: list[dict]) -> int:
    """Put the exchange into script.json after line ``after``; the number of the first new line."""

    script = load_script(folder)
    if not all(isinstance(line, dict) and isinstance(line.get("text"), str) for line in lines):
        raise EpisodeError("Each line of the exchange needs a speaker and a text.", 'Send {"speaker", "text"} each.')
    new = [Line.from_dict(line, script.hosts) for line in lines]
    changed = inserted(script, after, new)
    check_lines(folder / SCRIPT, changed)
    save_script(folder, changed)
    return max(0, min(after + 1, len(script.lines)))


def clip_name(name: str) -> bool:
    """Whether ``name`` is a clip's name as the clip cache makes them: a SHA-256 in hex, ``.wav``."""
    stem, _, ext = name.partition(".")
    return ext == "wav" and len(stem) == 64 and all(c in "0123456789abcdef" for c in stem)
