"""The first sound sooner: speak a script's lines while it is still being written, and play them.

A writer that reports its script so far (``contracts.report_draft``: the model writers do, after
each chapter) hands it to :class:`Early`, which shapes it as the finished script will be shaped
and speaks its settled lines (all but the last, which the next chapter may still join) into the
clip cache on one background thread. The render that follows finds those clips cached and
speaks only what changed. A model run in process on this machine's CPU (the ``local`` writer)
has its cores: its drafts are spoken early only when someone listens (``--play``, the studio). With a :class:`Player`, each clip is played as soon as it and those
before it are there (``podgen make --play``); the studio gets the same clips through
``progress.clip``. The time from the start of the run to the first clip is the run's time to
first audio.
"""

from __future__ import annotations

import logging
import shlex
import shutil
import subprocess
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import PodgenError, UsageError
from .models import Script
from .speak import plan_speech, speak_script
from .write import speakable
from .write.finish import rules_for
from .write.shape import shape

if TYPE_CHECKING:
    from .config import Settings
    from .contracts import Progress

log = logging.getLogger(__name__)
LOCAL = "local"
"""A draft's writer when the model runs in this process, on this machine's cores."""
PLAYERS = (
    "ffplay -nodisp -autoexit -loglevel quiet",
    "mpv --no-video --really-quiet",
    "aplay -q",
    "paplay",
    "afplay",
)
"""Programs that play an audio file named after them, in the order ``--play`` looks for them."""


class Early:
    """A Progress for a whole run that also takes drafts of the script and speaks them early."""

    def __init__(self, settings: Settings, progress: Progress | None = None, player: Player | None = None):
        self.settings, self.progress, self.player = settings, progress, player
        self.started = time.perf_counter()
        self.first_audio: float | None = None
        self.subject = ""
        """The document's sentence on its subject, said after a welcome the shape adds."""
        self._latest: Script | None = None
        self._said: list[Path] = []
        self._expected: list[Path] = []
        self._offering = threading.Lock()
        self._wake = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._work, name="early-speech", daemon=True)
        self._thread.start()

    @property
    def listened(self) -> bool:
        """Whether someone hears the lines as they come: a player, or the studio's page."""
        return self.player is not None or callable(getattr(self.progress, "clip", None))

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self.progress:
            self.progress(stage, done, total)
        if stage == "speak" and self._expected:
            self._offer(self._expected)

    def draft(self, script: Script) -> None:
        """The script so far (a writer calls this after each chapter)."""
        with self._wake:
            self._latest = script
            self._wake.notify()

    def expect(self, paths: list[Path]) -> None:
        """The finished script's clips, in order: offered as the render's speak stage makes them."""
        self._expected = list(paths)
        self._offer(self._expected)

    def close(self) -> None:
        """Stop taking drafts and speaking them; wait for the line being spoken (the render
        speaks the rest, at its own pace)."""
        with self._wake:
            self._closed = True
            self._wake.notify()
        self._thread.join()

    def _work(self) -> None:
        while True:
            with self._wake:
                while self._latest is None and not self._closed:
                    self._wake.wait()
                if self._closed:
                    return
                draft, self._latest = self._latest, None
            try:
                self._speak(draft)
            except _Closed:
                return
            except PodgenError as exc:  # the render speaks it again, and says what is wrong
                log.info("early speech stopped: %s", exc.message)
                return
            except Exception:  # never the run's failure: the render speaks every line anyway
                log.warning("early speech stopped", exc_info=True)
                return

    def _speak(self, draft: Script) -> None:
        if draft.writer == LOCAL and not self.listened:
            return  # the model has this machine's cores: speaking beside it would slow it for no one
        settled = settled_lines(draft, self.settings, self.subject)
        if not settled.lines:
            return
        early = self.settings.model_copy(update={"tts_concurrency": 1})  # in order, beside the writer
        plan = plan_speech(settled, early)
        speak_script(settled, early, lambda *_: self._spoken(plan.paths), plan)
        self._offer(_ready(plan.paths))

    def _spoken(self, paths: list[Path]) -> None:
        """A line of a draft was spoken: offer it, or stop when the writing is done."""
        self._offer(paths)
        if self._closed:
            raise _Closed

    def _offer(self, paths: list[Path]) -> None:
        """The clips ready from the first on: to the player, and to ``progress.clip`` (the studio)."""
        with self._offering:
            paths = _ready(paths)
            if paths and self.first_audio is None:
                self.first_audio = time.perf_counter() - self.started
                log.info("first audio after %.1fs", self.first_audio)
            clip = getattr(self.progress, "clip", None)
            for index, path in enumerate(paths):
                if callable(clip) and (index >= len(self._said) or self._said[index] != path):
                    clip(index, path)
            self._said = paths if len(paths) >= len(self._said) or paths != self._said[: len(paths)] else self._said
            if self.player is not None:
                self.player.offer(paths)


class _Closed(Exception):
    """Raised in the speak stage's progress to stop early speech: the writer has finished."""


def _ready(paths: list[Path]) -> list[Path]:
    """The clips from the first on that are there, up to the first that is not."""
    ready = []
    for path in paths:
        if not path.exists():
            break
        ready.append(path)
    return ready


def settled_lines(draft: Script, settings: Settings, subject: str = "") -> Script:
    """The draft's lines as the finished script will have them, but the last (the next chapter
    may join it): speakable, and in the show's shape (no goodbye yet)."""
    script = replace(draft, lines=list(draft.lines), chapters=list(draft.chapters))
    speakable(script, settings)
    shaped = shape(script, rules_for(settings), subject, script.title, closing=False)
    return replace(shaped, lines=shaped.lines[:-1], chapters=[])


class Player:
    """Plays clips one after another as they become ready, with an audio player program."""

    def __init__(self, command: list[str]):
        self.command = command
        self._paths: list[Path] = []
        self._next = 0
        self._done = False
        self._wake = threading.Condition()
        self._thread = threading.Thread(target=self._work, name="player", daemon=True)
        self._thread.start()

    @classmethod
    def find(cls, command: str | None = None) -> Player:
        """A player with ``command`` (the file's path is put after it), else the first found."""
        for candidate in [command] if command else PLAYERS:
            words = shlex.split(candidate)
            if words and shutil.which(words[0]):
                return cls(words)
        raise UsageError(
            f"No audio player found for --play{f' ({command!r})' if command else ''}.",
            "Install ffmpeg's ffplay, mpv or alsa-utils' aplay, or set the player setting "
            "(PODGEN_PLAYER) to a command that plays a WAV file named after it.",
        )

    def offer(self, paths: list[Path]) -> None:
        """The clips in order as far as they are known (a later offer may know more)."""
        with self._wake:
            self._paths = list(paths)
            self._wake.notify()

    def finish(self) -> None:
        """Play what is left, then return."""
        with self._wake:
            self._done = True
            self._wake.notify()
        self._thread.join()

    def _work(self) -> None:
        while True:
            with self._wake:
                while self._next >= len(self._paths) and not self._done:
                    self._wake.wait(0.5)
                if self._next >= len(self._paths):
                    return
                path = self._paths[self._next]
                self._next += 1
            if path.exists():
                self._play(path)

    def _play(self, path: Path) -> None:
        try:
            subprocess.run(
                [*self.command, str(path)],
                check=False,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            log.warning("the player %s failed: %s", self.command[0], exc)
