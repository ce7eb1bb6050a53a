"""The natural style's layout: each line placed by the gap its kind draws, overlaps laid over
the first voice's fading end (which is turned down), and backchannels put in the pauses at
sentence ends, the speaker waiting for them when the pause is too short.

Times are measured from the clips' speech (``voicing.py``), not from their edges: the gap the
rules ask for is the silence a listener hears, whatever lead and trail of silence a voice
backend leaves on its clips.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from ..models import Script, Segment
from . import conversation
from .conversation import Backchannel, Rules
from .stitch import Layout, Piece, header, host_index, read_clip
from .voicing import Voicing, voicing

log = logging.getLogger(__name__)

MARGIN_S = 0.05
"""A transcript line or cue starts this long before its speech and ends this long after it."""
BACKCHANNEL_MARGIN_S = 0.02
SHORTEST_OVERLAP_S = 0.02
"""An overlap the voices leave less room for than this becomes a gap of zero (latching)."""


@dataclass
class _Line:
    """Where the last line placed ended: its speech's end on the timeline, and its last piece."""

    end: int
    piece: Piece
    voicing: Voicing


def voicings(clips: list[Path], rate: int) -> list[Voicing]:
    return [_voicing(path, rate) for path in clips]


def _voicing(path: Path, rate: int) -> Voicing:
    found = voicing(read_clip(path, rate), rate)
    if found.silent:  # nothing to measure: the whole clip counts as its speech
        return Voicing(rate, found.length, 0, found.length, 0, found.length, ())
    return found


def natural_layout(
    script: Script,
    clips: list[Path],
    backchannels: list[Backchannel],
    rules: Rules,
    lead_s: float,
    language: str = "en",
) -> Layout:
    """Lines (``clips[:len(script.lines)]``) and backchannels (the clips after them) on one timeline."""
    rate = max(header(path)[1] for path in clips)
    found = voicings(clips, rate)
    gaps = conversation.gaps(script, rules, language)
    layout = Layout(rate, 0, [], [], [])
    last: _Line | None = None
    for i in range(len(script.lines)):
        if last is None:  # the first cue starts ``lead_s`` in, whatever silence the clip begins with
            start = max(round((lead_s + MARGIN_S) * rate), found[i].start)
        else:
            start = last.end + _gap(gaps[i], last, found[i], rules)
        mine = [(len(script.lines) + j, b) for j, b in enumerate(backchannels) if b.line == i]
        placed = _place_line(layout, script, i, start - found[i].start, found, mine, rules)
        if last is not None and start >= last.end:
            _meet(layout, i, (last.end + start) / 2 / rate)
        last = placed
    layout.length = max(p.at + p.last - p.first for p in layout.pieces)
    return layout


def _meet(layout: Layout, i: int, middle: float) -> None:
    """Lines that do not overlap: where their margins would, the earlier ends and the later
    starts in the middle of the silence between them."""
    before, after = layout.segments[i - 1], layout.segments[i]
    if before.end > after.start:
        before.end = after.start = layout.parts[i - 1][-1].end = layout.parts[i][0].start = round(middle, 3)


def _gap(gap_s: float, last: _Line, this: Voicing, rules: Rules) -> int:
    """Samples from the last line's speech end to this one's start; an overlap (negative) is
    cut to the room the two voices leave, and turns the first voice down where the second starts."""
    rate = this.rate
    if gap_s >= 0:
        return round(gap_s * rate)
    room = min(last.voicing.fade + this.rise, this.end - this.start - round(3 * MARGIN_S * rate))
    overlap = min(round(-gap_s * rate), room)
    if overlap < SHORTEST_OVERLAP_S * rate:
        return 0
    piece = last.piece
    piece.duck_from = last.end - overlap - piece.at + piece.first
    piece.duck = 10 ** (rules.duck_db / 20)
    return -overlap


def _place_line(
    layout: Layout,
    script: Script,
    i: int,
    origin: int,
    found: list[Voicing],
    mine: list[tuple[int, Backchannel]],
    rules: Rules,
) -> _Line:
    """Line ``i``'s clip from timeline sample ``origin`` on, split at its backchannels."""
    line, v, rate = script.lines[i], found[i], found[i].rate
    host = host_index(script, line.speaker)
    marks = [at / len(line.text) for at in conversation.pause_marks(line.text)]
    first, said, stretch_start, parts = 0, 0, origin + v.start, []
    for clip, backchannel in mine:
        pause = v.boundary(backchannel.at / len(line.text), marks)
        if pause is None or pause[0] <= first or found[clip].silent:
            log.debug("line %d: no pause for a backchannel at character %d", i, backchannel.at)
            continue
        resume, segment = _backchannel(layout, script, clip, backchannel, origin + pause[0], found[clip], rules)
        shift = max(0, resume - (origin + pause[1]))
        split = (pause[0] + pause[1]) // 2
        layout.pieces.append(Piece(i, first, split, origin + first, host))
        parts.append(_part(line.speaker, line.text[said : backchannel.at], stretch_start, origin + pause[0], rate))
        layout.backchannels.append(segment)
        origin, first, said = origin + shift, split, backchannel.at
        stretch_start = origin + pause[1]
    piece = Piece(i, first, v.length, origin + first, host)
    layout.pieces.append(piece)
    end = origin + v.end
    parts.append(_part(line.speaker, line.text[said:], stretch_start, end, rate))
    layout.segments.append(Segment(line.speaker, line.text, parts[0].start, parts[-1].end))
    layout.parts.append(parts)
    return _Line(end, piece, v)


def _backchannel(
    layout: Layout, script: Script, clip: int, backchannel: Backchannel, sentence_end: int, v: Voicing, rules: Rules
) -> tuple[int, Segment]:
    """Place a backchannel after a sentence that ends at ``sentence_end``; returns the sample
    where the speaker may go on, and the backchannel's transcript segment."""
    rng = conversation.draws(script, backchannel.line, f"place/{backchannel.at}")
    rate = v.rate
    speech_at = sentence_end + round(rng.uniform(*rules.lead) * rate)
    margin = round(BACKCHANNEL_MARGIN_S * rate)
    first, last = max(0, v.start - margin), min(v.length, v.end + margin)
    at = speech_at - (v.start - first)
    layout.pieces.append(Piece(clip, first, last, at, host_index(script, backchannel.speaker)))
    layout.softer.append((at, at + last - first, 10 ** (rules.gain_db / 20)))
    speech_end = speech_at + v.end - v.start
    segment = Segment(backchannel.speaker, backchannel.text, round(speech_at / rate, 3), round(speech_end / rate, 3))
    return speech_end + round(rng.uniform(*rules.resume) * rate), segment


def _part(speaker: str, text: str, start: int, end: int, rate: int) -> Segment:
    margin = round(MARGIN_S * rate)
    return Segment(speaker, text.strip(), round(max(0, start - margin) / rate, 3), round((end + margin) / rate, 3))
