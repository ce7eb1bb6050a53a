"""Does the episode say what its script says, where its transcript says it?

The whole MP3 is transcribed once; every recognised word is placed on the timeline of
transcript.json (one segment per script line) by the middle of its time, and each line's
words are compared with the line's text. Word times from Whisper are loose (a word often
stretches over the pause next to it), so a word counts as "in a pause" only when it lies
more than ``TOLERANCE`` seconds from every line.

Backchannels (a listener's "right" inside another host's line) are taken out first: the words
near one that say it are its own, so each line is scored on its own words only; a line heard
again on its own is heard with the other host's backchannels silenced. Every backchannel must
be heard where the transcript puts it, in the whole episode or in its stretch heard alone.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..about import pip_install
from ..asr import SAMPLE_RATE, Word, load_model, transcribe_words
from ..config import Settings
from ..errors import MissingDependency
from ..ffmpeg import decode, run
from ..models import Episode, Segment
from .report import Finding
from .words import FILLERS, normalise_words, word_errors

log = logging.getLogger(__name__)

TOLERANCE = 0.3
"""Seconds a word's middle may lie outside its line (Whisper's word times are this loose)."""
MIN_ERRORS = 2
"""A line is flagged only with at least this many word errors: one misheard name in a short
line is the recogniser's doing more often than the voice's."""
SILENT_DBFS = -55.0
LONG_SILENCE = 1.0
"""Seconds of silence inside a line that a listener hears as dead air (Piper pauses 0.18 s
between sentences)."""
FRAME = 0.02
BATCH = 4
LENGTH_TOLERANCE = 0.25

WRONG_WORDS = "Listeners hear something other than the script here, and players that show the transcript show words that were not said."
NO_SPEECH = "Listeners hear nothing where the transcript shows a line; players highlight text over silence."
IN_PAUSE = "Listeners hear speech that no transcript line covers; players' transcript highlighting falls out of step."
DEAD_AIR = "Listeners hear dead air in the middle of a sentence; many stop listening at long silences."
NO_BACKCHANNEL = "Players that show the transcript show a listener's word that listeners do not hear."
WRONG_LENGTH = "Players and directories show a length that is not the audio's, and transcript and chapter times drift from the speech."


@dataclass
class Heard:
    """What was recognised, placed on the transcript's timeline."""

    duration: float
    lines: list[list[Word]]
    strays: list[Word] = field(default_factory=list)
    """Words that fall in no line: speech in a pause."""
    backchannels: list[list[Word]] = field(default_factory=list)


def listen(audio: Path, settings: Settings) -> tuple[np.ndarray, list[Word]]:
    """The episode's samples (16 kHz mono) and every word recognised in them.

    faster-whisper's batched pipeline cuts the audio into chunks of up to 30 s at pauses
    (Silero VAD) and decodes several at once: on a 5-minute episode and 2 cores it took 12-19 s
    against 24-34 s for one 30-s window after another (same machine, same load), and a chunk
    cannot inherit a mistake from the one before."""
    samples = decode(audio, SAMPLE_RATE)
    if not samples.size:
        return samples, []
    model = _model(settings)
    from faster_whisper import BatchedInferencePipeline

    pipeline = BatchedInferencePipeline(model=model)
    found, _ = pipeline.transcribe(
        samples,
        language=_language(model, settings),
        beam_size=1,
        word_timestamps=True,
        batch_size=BATCH,
        temperature=0.0,
    )  # greedy: the same audio, the same verdict
    words = [Word(w.word.strip(), w.start, w.end, w.probability) for seg in found for w in (seg.words or [])]
    log.debug("heard %d words in %.1f s of audio", len(words), samples.size / SAMPLE_RATE)
    return samples, words


def hear(samples: np.ndarray, settings: Settings) -> list[Word]:
    """Every word in a short stretch of audio (one line, one take)."""
    if not samples.size:
        return []
    return transcribe_words(samples, listener(settings), _language(_model(settings), settings), repeatable=True)


def listener(settings: Settings) -> Path | None:
    """The model folder the check listens with: check_asr_model, else asr_model (None: the built-in one)."""
    return settings.check_asr_model or settings.asr_model


def clip_error_rate(pcm: bytes, rate: int, text: str, settings: Settings) -> float:
    """Word error rate of one clip (mono 16-bit PCM at ``rate``) heard alone, against ``text``;
    1.0 for an empty clip."""
    if not pcm:
        return 1.0
    raw = run(
        ["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0", "-f", "s16le", "-ar", str(SAMPLE_RATE), "pipe:1"],
        data=pcm,
    )
    samples = np.frombuffer(raw, dtype=np.int16).astype(np.float32) / 32768
    errors, words = word_errors(text, " ".join(w.text for w in hear(samples, settings)))
    return errors / words if words else 1.0


def _model(settings: Settings):
    try:
        return load_model(listener(settings), language=settings.language)
    except MissingDependency as exc:
        raise MissingDependency(exc.message, pip_install("check")) from None


def _language(model, settings: Settings) -> str:
    """English-only models (tiny.en) take no other language."""
    return settings.base_language if model.model.is_multilingual else "en"


def _alone(samples: np.ndarray, segment: Segment, settings: Settings, quiet: list[Segment] = ()) -> str:
    """What is heard in one stretch of audio on its own, after 0.2 s of silence and before as
    much (the recogniser then cannot carry a mistake over from the line before), with the
    ``quiet`` stretches inside it (other hosts' backchannels) silenced."""
    first, last = (max(0, int(t * SAMPLE_RATE)) for t in (segment.start, segment.end))
    pad = np.zeros(int(0.2 * SAMPLE_RATE), np.float32)
    stretch = samples[first:last].copy()
    for other in quiet:
        a, b = (min(max(0, int(t * SAMPLE_RATE) - first), len(stretch)) for t in (other.start, other.end))
        stretch[a:b] = 0
    return " ".join(w.text for w in hear(np.concatenate([pad, stretch, pad]), settings))


def says(text: str, heard: str) -> bool:
    """Whether ``heard`` holds the words of a backchannel: all of them, apart or run together
    (Whisper base hears "Ja, genau." as "Jagenau"), or any hum for a hum ("Mm-hmm" is written
    mm-hmm, hmm, mhm or mmm by recognisers)."""
    wanted, got = normalise_words(text), normalise_words(heard)
    words = [w for w in wanted if w not in FILLERS]
    if not words:
        return any(w in FILLERS for w in got)
    return all(w in got for w in words) or (len(words) > 1 and "".join(words) in "".join(got))


def _take_backchannels(words: list[Word], backchannels: list[Segment]) -> tuple[list[Word], list[list[Word]]]:
    """The words that say each backchannel, near where the transcript puts it; the rest."""
    taken: list[list[Word]] = []
    used: set[int] = set()
    for segment in backchannels:
        near = [
            i
            for i, w in enumerate(words)
            if i not in used and _distance((w.start + w.end) / 2, segment) <= TOLERANCE and says(segment.text, w.text)
        ]
        used.update(near)
        taken.append([words[i] for i in near])
    return [w for i, w in enumerate(words) if i not in used], taken


def place(words: list[Word], segments: list[Segment], duration: float, backchannels: list[Segment] = ()) -> Heard:
    """Give each backchannel the words that say it, near it; each other word to the line nearest
    its middle (where two lines overlap, the later one: the earlier only fades there), else to
    the line it starts in (the recogniser stretches a line's last word over a long pause after
    it), or to the strays when none is near."""
    words, taken = _take_backchannels(words, list(backchannels))
    heard = Heard(duration, [[] for _ in segments], backchannels=taken)
    starts = [s.start for s in segments]
    for word in words:
        middle = (word.start + word.end) / 2
        after = bisect.bisect_right(starts, middle)  # segments[after - 1] starts at or before the middle
        near = [i for i in (after - 1, after) if 0 <= i < len(segments)]
        distance, index = min(((_distance(middle, segments[i]), -i) for i in near), default=(1e9, 1))
        index = -index
        if distance > TOLERANCE:
            index = next((i for i in near if segments[i].start <= word.start < segments[i].end), None)
        if index is not None and (distance <= TOLERANCE or word.end > segments[index].start):
            heard.lines[index].append(word)
        else:
            heard.strays.append(word)
    return heard


def _distance(t: float, segment: Segment) -> float:
    return max(segment.start - t, 0.0, t - segment.end)


def check_speech(
    episode: Episode, samples: np.ndarray, words: list[Word], settings: Settings, backchannels: list[Segment] = ()
) -> tuple[list[Finding], dict]:
    """Findings about the words, the pauses, the silences and the length; and the figures.
    ``episode.segments`` are the script's lines; ``backchannels`` the transcript's other segments."""
    quiet = list(backchannels)
    heard = place(words, episode.segments, samples.size / SAMPLE_RATE, quiet)
    lines, measured = _line_findings(
        episode, heard, lambda seg: _alone(samples, seg, settings, quiet), settings.max_wer
    )
    findings = lines + _backchannel_findings(
        episode.segments, quiet, heard, lambda seg: _alone(samples, seg, settings), measured
    )
    findings += _pause_findings(episode.segments, heard.strays)
    findings += _gap_findings(episode.segments, samples) + _length_findings(episode, heard.duration)
    return findings, measured


def _line_findings(
    episode: Episode, heard: Heard, alone: Callable[[Segment], str], max_wer: float
) -> tuple[list[Finding], dict]:
    """Each line's words against its text. A line over ``max_wer``, or with nothing heard (the
    batched pass sometimes drops a whole stretch), is heard again on its own (the recogniser
    cannot carry a mistake over from the line before, but on a short stretch it sometimes
    invents words): it is flagged when both hearings are bad."""
    findings, errors, total, per_line = [], 0, 0, []
    for i, (line, segment, words) in enumerate(zip(episode.script.lines, episode.segments, heard.lines)):
        said = " ".join(w.text for w in words)
        wrong, count = word_errors(line.text, said)
        if not words or (wrong >= MIN_ERRORS and wrong > max_wer * count):
            again = alone(segment)
            errors_again, _ = word_errors(line.text, again)
            if errors_again < wrong or (not said and again):  # flagged only when both hearings are bad
                said, wrong = again, errors_again
        errors, total = errors + wrong, total + count
        rate = wrong / count if count else float(wrong > 0)
        per_line.append(round(rate, 3))
        if not said:
            findings.append(
                Finding(
                    "speech.missing",
                    False,
                    f"line {i}: nothing heard between {_clock(segment.start)} and {_clock(segment.end)}",
                    i,
                    segment.start,
                    NO_SPEECH,
                    expected=line.text,
                    heard="",
                )
            )
        elif rate > max_wer and wrong >= MIN_ERRORS:
            findings.append(
                Finding(
                    "speech.wer",
                    False,
                    f"line {i}: word error rate {rate:.0%} ({wrong} of {count} words wrong)",
                    i,
                    segment.start,
                    WRONG_WORDS,
                    expected=line.text,
                    heard=said,
                )
            )
    overall = errors / total if total else 0.0
    if not findings:
        findings.append(
            Finding(
                "speech.wer",
                True,
                f"every line says its script text: word error rate "
                f"{overall:.1%} over {total} words (no line over {max_wer:.0%})",
            )
        )
    return findings, {"wer": round(overall, 4), "words": total, "line_wer": per_line}


def _backchannel_findings(
    lines: list[Segment], backchannels: list[Segment], heard: Heard, alone: Callable[[Segment], str], measured: dict
) -> list[Finding]:
    """Each backchannel heard where the transcript puts it: in the whole episode, or else in
    its own stretch heard alone."""
    missed = []
    for segment, words in zip(backchannels, heard.backchannels):
        if not words and not says(
            segment.text, alone(replace(segment, start=segment.start - 0.05, end=segment.end + 0.05))
        ):
            missed.append(segment)
    measured["backchannels"] = len(backchannels)
    measured["backchannels_heard"] = len(backchannels) - len(missed)
    findings = [
        Finding(
            "speech.backchannel",
            False,
            f"{s.speaker}'s {s.text!r} at {_clock(s.start)} was not heard",
            _line_at(lines, s),
            s.start,
            NO_BACKCHANNEL,
            expected=s.text,
        )
        for s in missed
    ]
    if backchannels and not missed:
        findings.append(
            Finding(
                "speech.backchannel",
                True,
                f"every backchannel ({len(backchannels)}) heard where the transcript puts it",
            )
        )
    return findings


def _line_at(segments: list[Segment], moment: Segment) -> int | None:
    return next((i for i, s in enumerate(segments) if s.start <= moment.start <= s.end), None)


def _pause_findings(segments: list[Segment], strays: list[Word]) -> list[Finding]:
    findings: list[Finding] = []
    for group in _runs(strays):
        after = max((i for i, s in enumerate(segments) if s.end <= group[0].start), default=None)
        where = f"after line {after}" if after is not None else "before the first line"
        text = " ".join(w.text for w in group)
        findings.append(
            Finding(
                "speech.pause",
                False,
                f"speech in the pause {where} at {_clock(group[0].start)}: {text!r}",
                after,
                round(float(group[0].start), 2),
                IN_PAUSE,
                heard=text,
            )
        )
    return findings or [Finding("speech.pause", True, "no speech outside the transcript's lines")]


def _runs(words: list[Word], gap: float = 1.0) -> list[list[Word]]:
    """Words grouped into runs that follow each other closely."""
    runs: list[list[Word]] = []
    for word in words:
        if runs and word.start - runs[-1][-1].end <= gap:
            runs[-1].append(word)
        else:
            runs.append([word])
    return runs


def _gap_findings(segments: list[Segment], samples: np.ndarray) -> list[Finding]:
    silent = _silent_frames(samples)
    findings = []
    for i, segment in enumerate(segments):
        for start, length in _silences(silent, segment.start, segment.end):
            findings.append(
                Finding(
                    "speech.gap",
                    False,
                    f"line {i}: {length:.1f} s of silence at {_clock(start)}",
                    i,
                    round(start, 2),
                    DEAD_AIR,
                )
            )
    return findings or [Finding("speech.gap", True, f"no silence of {LONG_SILENCE:.0f} s or more inside a line")]


def _silent_frames(samples: np.ndarray) -> np.ndarray:
    size = int(FRAME * SAMPLE_RATE)
    frames = samples[: samples.size // size * size].reshape(-1, size)
    rms = np.sqrt(np.mean(frames.astype(np.float64) ** 2, axis=1))
    return 20 * np.log10(np.maximum(rms, 1e-9)) < SILENT_DBFS


def _silences(silent: np.ndarray, start: float, end: float) -> list[tuple[float, float]]:
    """(start, seconds) of each silent run of LONG_SILENCE or more within [start, end]."""
    first, last = int(start / FRAME), min(int(end / FRAME), silent.size)
    runs, begin = [], None
    for k in range(first, last + 1):
        quiet = k < last and silent[k]
        if quiet and begin is None:
            begin = k
        elif not quiet and begin is not None:
            if (k - begin) * FRAME >= LONG_SILENCE:
                runs.append((begin * FRAME, (k - begin) * FRAME))
            begin = None
    return runs


def _length_findings(episode: Episode, duration: float) -> list[Finding]:
    findings = []
    declared = episode.meta.get("duration")
    if isinstance(declared, (int, float)) and abs(declared - duration) > LENGTH_TOLERANCE:
        findings.append(
            Finding(
                "speech.length",
                False,
                f"the audio lasts {duration:.2f} s but episode.json says {declared:.2f} s",
                None,
                None,
                WRONG_LENGTH,
            )
        )
    if episode.segments and episode.segments[-1].end > duration + 0.05:
        last = episode.segments[-1]
        findings.append(
            Finding(
                "speech.length",
                False,
                f"transcript.json runs to {last.end:.2f} s, past the end of the audio at {duration:.2f} s",
                len(episode.segments) - 1,
                last.start,
                WRONG_LENGTH,
            )
        )
    return findings or [
        Finding("speech.length", True, f"{duration:.2f} s of audio, as episode.json and the transcript say")
    ]


def _clock(seconds: float) -> str:
    minutes, rest = divmod(float(seconds), 60)
    return f"{int(minutes)}:{rest:04.1f}"
