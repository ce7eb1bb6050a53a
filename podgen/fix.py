"""``podgen check --fix``: speak flagged lines again, keep the take the recogniser understands
best, re-mix, and check again. Orchestration over the check and the pipeline, as the pipeline
is over the stages: ``check`` only measures.

Speech backends sample: Piper's takes of the same text differ from run to run. Each flagged
line gets fresh takes (one at the voice's own pace, one slightly slower); each take is
transcribed alone and scored against the line's text, and the best one replaces the clip in
the clip cache only when it scores better than the clip there. The cache keeps it, so the
next render of the episode keeps the fixed take too.
"""

from __future__ import annotations

import logging
from pathlib import Path

from .check import check_episode
from .check.report import Fix, Report
from .check.speech import clip_error_rate
from .config import Settings
from .contracts import Progress, Voice
from .ffmpeg import filter_pcm
from .folder import load_script
from .models import Script
from .pipeline import render_episode
from .speak import host_voices, open_backend, say
from .speak.cache import ClipCache

log = logging.getLogger(__name__)

TAKES = (("fresh take", None), ("fresh take, 6% slower", "atempo=0.94"))
LINE_CHECKS = ("speech.wer", "speech.missing", "speech.gap")


def fix_episode(folder: Path, settings: Settings, progress: Progress | None = None, rounds: int = 3) -> Report:
    """Check; speak each flagged line again and keep the better take; re-mix; check again."""
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
        render_episode(folder, settings, progress, force=True)  # a re-mix, even from the same clips
        mixes += 1
        report = check_episode(folder, settings, progress)
    report.fixes = fixes
    report.measured["remixed"] = mixes
    report.write()
    return report


def retake(folder: Path, settings: Settings, lines: list[int]) -> list[Fix]:
    """New takes of ``lines``; each better take is stored in the clip cache. Returns what changed."""
    script = load_script(folder)
    voices = host_voices(script, settings, open_backend(settings))
    cache = ClipCache(settings.cache_dir / "clips")
    fixes = []
    for i in lines:
        fix = _retake_line(script, i, voices[script.lines[i].speaker], cache, settings)
        if fix:
            fixes.append(fix)
    return fixes


def _retake_line(script: Script, i: int, voice: Voice, cache: ClipCache, settings: Settings) -> Fix | None:
    text = script.lines[i].text
    path = cache.path(voice.cache_key(), text)
    before = clip_error_rate(*cache.read(path), text, settings) if path.exists() else 1.0
    best: tuple[float, str, bytes, int] | None = None
    for name, audio_filter in TAKES:
        pcm, rate = say(voice, text)
        if audio_filter and pcm:
            pcm = filter_pcm(pcm, rate, audio_filter)
        score = clip_error_rate(pcm, rate, text, settings)
        log.debug("line %d, %s: word error rate %.2f (clip in the cache: %.2f)", i, name, score, before)
        if best is None or score < best[0]:
            best = (score, name, pcm, rate)
        if score == 0:
            break
    if best is None or best[0] >= before:
        return None
    cache.store(path, best[2], best[3], replace=True)  # the better take takes the clip's place
    return Fix(i, text, round(before, 3), round(best[0], 3), best[1])
