"""Clips and pauses become one timeline; each line's place on it is measured, not guessed."""
from __future__ import annotations

from pathlib import Path

from ..models import Script, Segment
from .audio import AudioSegment, load_wav, silence

LEAD_MS = 400  # silence before the first and after the last line


def _pause_ms(base: int, same_speaker: bool, index: int) -> int:
    """Natural turn-taking: a little shorter within a speaker, a little varied between turns."""
    if same_speaker:
        return int(base * 0.6)
    return int(base * (0.85, 1.0, 1.2, 0.95, 1.1)[index % 5])


def stitch(script: Script, clips: list[Path], pause_ms: int) -> tuple[AudioSegment, list[Segment]]:
    """Join the clips in script order with pauses; return the audio and one Segment per line."""
    audio = [load_wav(path) for path in clips]
    rate = max(a.frame_rate for a in audio)
    audio = [a.set_frame_rate(rate).set_channels(1).set_sample_width(2) for a in audio]
    parts = [silence(LEAD_MS, rate)]
    segments: list[Segment] = []
    cursor = LEAD_MS / 1000
    for i, (line, clip) in enumerate(zip(script.lines, audio)):
        if i:
            gap = silence(_pause_ms(pause_ms, line.speaker == script.lines[i - 1].speaker, i), rate)
            parts.append(gap)
            cursor += len(gap.raw_data) / (2 * rate)
        length = len(clip.raw_data) / (2 * rate)
        segments.append(Segment(line.speaker, line.text, round(cursor, 3), round(cursor + length, 3)))
        parts.append(clip)
        cursor += length
    parts.append(silence(LEAD_MS, rate))
    joined = AudioSegment(data=b"".join(p.raw_data for p in parts), sample_width=2, frame_rate=rate, channels=1)
    return joined, segments
