"""--fix: speak flagged lines again, keep the take the recogniser understands best, re-mix.

Speech backends sample: Piper's takes of the same text differ from run to run. Each flagged
line gets fresh takes (one at the voice's own pace, one slightly slower); each take is
transcribed alone and scored against the line's text, and the best one replaces the clip in
the clip cache only when it scores better than the clip there. The cache keeps it, so the
next render of the episode keeps the fixed take too.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

from ..asr import SAMPLE_RATE
from ..config import Settings
from ..contracts import Progress, Voice
from ..ffmpeg import filter_pcm, run
from ..models import Script
from .report import Fix, Report
from .speech import hear
from .words import word_errors

log = logging.getLogger(__name__)

TAKES = (("fresh take", None), ("fresh take, 6% slower", "atempo=0.94"))
LINE_CHECKS = ("speech.wer", "speech.missing", "speech.gap")


def fix_rounds(folder: Path, settings: Settings, progress: Progress | None, rounds: int) -> Report:
    from . import check_episode
    from ..pipeline import render_episode

    settings = settings.model_copy(update={"check": False})  # the render must not check on its own
    report = check_episode(folder, settings, progress)
    fixes: list[Fix] = []
    mixes = 0
    for round_ in range(rounds):
        if report.passed:
            break
        lines = sorted({f.line for f in report.failures if f.check in LINE_CHECKS and f.line is not None})
        log.info("round %d: speaking line(s) %s again", round_ + 1, ", ".join(map(str, lines)) or "none")
        changed = retake(folder, settings, lines) if lines else []
        if round_ and not changed:
            break  # a re-mix from the same clips changes nothing after the first
        fixes += changed
        if not changed:  # a better take changes its clip's size and time, which a render notices
            _mark_unfinished(folder)
        render_episode(folder, settings, progress)
        mixes += 1
        report = check_episode(folder, settings, progress)
    report.fixes = fixes
    report.measured["remixed"] = mixes
    report.write()
    return report


def _mark_unfinished(folder: Path) -> None:
    """Set episode.json aside as a render does, so that the render re-mixes from the same
    script and clips (the files themselves failed a check); the guid is kept, as in any render."""
    from ..record import KEPT_METADATA, METADATA

    if (folder / METADATA).is_file():
        os.replace(folder / METADATA, folder / KEPT_METADATA)


def retake(folder: Path, settings: Settings, lines: list[int]) -> list[Fix]:
    """New takes of ``lines``; each better take is stored in the clip cache. Returns what changed."""
    from ..pipeline import load_script
    from ..speak import host_voices, open_backend
    from ..speak.cache import ClipCache

    script = load_script(folder)
    voices = host_voices(script, settings, open_backend(settings))
    cache = ClipCache(settings.cache_dir / "clips")
    fixes = []
    for i in lines:
        fix = _retake_line(script, i, voices[script.lines[i].speaker], cache, settings)
        if fix:
            fixes.append(fix)
    return fixes


def _retake_line(script: Script, i: int, voice: Voice, cache, settings: Settings) -> Fix | None:
    text = script.lines[i].text
    path = cache.path(voice.cache_key(), text)
    before = _score(_read_wav(path), text, settings) if path.exists() else 1.0
    best: tuple[float, str, bytes, int] | None = None
    for name, audio_filter in TAKES:
        pcm, rate = voice.synthesize(text)
        if audio_filter and pcm:
            pcm = filter_pcm(pcm, rate, audio_filter)
        score = _score((pcm, rate), text, settings)
        log.debug("line %d, %s: word error rate %.2f (clip in the cache: %.2f)", i, name, score, before)
        if best is None or score < best[0]:
            best = (score, name, pcm, rate)
        if score == 0:
            break
    if best is None or best[0] >= before:
        return None
    cache.store(path, best[2], best[3], replace=True)  # the better take takes the clip's place
    return Fix(i, text, round(before, 3), round(best[0], 3), best[1])


def _score(clip: tuple[bytes, int], text: str, settings: Settings) -> float:
    """Word error rate of one clip heard alone."""
    pcm, rate = clip
    if not pcm:
        return 1.0
    raw = run(["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0", "-f", "s16le", "-ar", str(SAMPLE_RATE),
               "pipe:1"], data=pcm)
    samples = np.frombuffer(raw, dtype=np.int16).astype(np.float32) / 32768
    heard = " ".join(w.text for w in hear(samples, settings))
    errors, words = word_errors(text, heard)
    return errors / words if words else 1.0


def _read_wav(path: Path) -> tuple[bytes, int]:
    import wave

    with wave.open(str(path), "rb") as src:
        return src.readframes(src.getnframes()), src.getframerate()
