"""Check an episode: does it say what its script says, and does it meet podcast standards?

``check_episode`` measures an episode folder and writes ``check.json`` into it. The check
measures and changes nothing else: speaking flagged lines again and re-mixing (``--fix``) is
``podgen.fix``, beside the pipeline it drives.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from ..asr import SAMPLE_RATE
from ..config import Settings
from ..contracts import Progress
from ..folder import audio_identity, open_episode, open_mp3, split_backchannels
from .metadata import check_metadata
from .report import Finding, Fix, Report
from .speech import check_speech, listen
from .standards import check_standards
from .video import check_videos

__all__ = ["Finding", "Fix", "Report", "check_episode"]
log = logging.getLogger(__name__)


def check_episode(folder: Path, settings: Settings, progress: Progress | None = None) -> Report:
    """Measure the episode in ``folder``; write and return its report. It is heard in the
    language it was made in (episode.json) unless ``settings`` set another."""
    episode = open_episode(folder)
    recorded = episode.meta.get("language")
    if "language" not in settings.model_fields_set and isinstance(recorded, str) and recorded:
        settings = settings.model_copy(update={"language": recorded})
    episode.segments, backchannels = split_backchannels(episode.segments)  # the script's lines, and the rest
    mp3 = open_mp3(episode.audio)
    report = Report(episode.folder, audio=audio_identity(episode.audio, episode.meta.get("made_from")))
    if progress:
        progress("check", 0, 2)
    start = time.perf_counter()
    samples, words = listen(episode.audio, settings)
    findings, report.measured = check_speech(episode, samples, words, settings, backchannels)
    report.measured["duration"] = round(samples.size / SAMPLE_RATE, 3)
    report.measured["speech_seconds"] = round(time.perf_counter() - start, 3)
    if progress:
        progress("check", 1, 2)
    start = time.perf_counter()
    standards, loudness = check_standards(episode, mp3)
    findings += standards + check_metadata(episode, samples.size / SAMPLE_RATE, backchannels)
    findings += check_videos(episode, samples.size / SAMPLE_RATE)
    report.measured.update(loudness, standards_seconds=round(time.perf_counter() - start, 3))
    report.findings = findings
    if audio_identity(episode.audio, episode.meta.get("made_from")) != report.audio:
        log.warning("%s changed while it was checked: check it again", episode.audio)
        report.audio = {}
    if progress:
        progress("check", 2, 2)
    report.write()
    for finding in report.failures:
        log.info("%s: %s", finding.check, finding.message)
    return report
