"""Which offline voices should be the hosts: each candidate voice speaks the same sentences, then
Whisper hears them (tiny.en for English, the multilingual base otherwise), and each pair of a
female and a male voice is measured apart in pitch and timbre.

Prints per voice: word error rate, median pitch; per pair: the pitch gap in semitones and the
timbre separation (tests/audiotools.py: between-voice distance of mean MFCCs over the within-voice
spread; joe and joe-bright, today's offline pair, for reference).

    .venv/bin/python bench/bench_voice_choice.py [--language en] [--sentences 8]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import wave
from itertools import product
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from audiotools import median_f0, semitones, separation, timbre, wer  # noqa: E402

from podgen import asr  # noqa: E402
from podgen.config import Settings  # noqa: E402
from podgen.models import Line, Script  # noqa: E402
from podgen.speak import speak_script  # noqa: E402

SENTENCES = {
    "en": [
        "Open-domain question answering relies on efficient passage retrieval to select candidate contexts.",
        "The retriever is trained with in-batch negatives, which makes training efficient.",
        "Most towns opened their first library with money raised by the people who lived there.",
        "That makes sense. So what happened when the city council decided to cut the budget?",
        "Bees dance on the comb to show the others where the flowers are.",
        "The queen lays up to two thousand eggs a day in spring.",
        "Thanks for listening, and we will see you next time.",
        "Welcome back to the show. Today we are reading a report about public libraries.",
    ],
    "de": [
        "Die Honigbiene lebt in großen Völkern von bis zu fünfzigtausend Tieren.",
        "Der Winkel des Tanzes zeigt die Richtung zur Futterquelle im Verhältnis zur Sonne.",
        "Die anderen Bienen folgen der Tänzerin und lernen so den Weg zu den Blüten.",
        "Der fertige Honig wird in Wabenzellen gelagert und mit Wachs verschlossen.",
        "Viele Obstbäume und Feldfrüchte brauchen Bienen für die Bestäubung.",
        "Willkommen zur Sendung. Heute sprechen wir über die Honigbiene.",
        "Das leuchtet ein. Und was passiert im Winter mit dem Volk?",
        "Danke fürs Zuhören, und bis zum nächsten Mal.",
    ],
}
CANDIDATES = {
    "kokoro": (["jf_nezumi", "jf_alpha", "jf_tebukuro", "jf_gongitsune"], ["jm_kumo"]),
    "piper": (["joe-bright"], ["joe"]),
}


def clips(backend: str, voice: str, language: str, texts: list[str], cache: Path) -> list[tuple[np.ndarray, int]]:
    settings = Settings(tts=backend, language=language, cache_dir=cache, voices=[voice], hosts=[{"name": "A"}])
    script = Script("choice", "", [Line("A", t) for t in texts], hosts=["A"])
    found = []
    for path in speak_script(script, settings):
        with wave.open(str(path)) as clip:
            pcm = np.frombuffer(clip.readframes(clip.getnframes()), dtype=np.int16).astype(np.float32) / 32768
            found.append((pcm, clip.getframerate()))
    return found


def heard(samples: np.ndarray, rate: int, language: str) -> str:
    import soxr

    model = asr.load_model(language=language)
    audio = soxr.resample(samples, rate, 16000).astype(np.float32)
    segments, _ = model.transcribe(audio, language=language, beam_size=1, temperature=0.0)
    return " ".join(s.text for s in segments)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="en", choices=sorted(SENTENCES))
    parser.add_argument("--sentences", type=int, default=8)
    args = parser.parse_args()
    texts = SENTENCES[args.language][: args.sentences]
    load = os.getloadavg()[0]
    print(f"{len(texts)} sentences in {args.language!r}; load average {load:.1f} on {os.cpu_count()} cores\n")
    measured: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as work:
        for backend, (women, men) in CANDIDATES.items():
            if backend == "piper" and args.language != "en":
                continue
            for voice in women + men:
                spoken = clips(backend, voice, args.language, texts, Path(work))
                errors = [wer(t, heard(s, r, args.language)) for t, (s, r) in zip(texts, spoken)]
                pitch = float(np.median([median_f0(s, r) for s, r in spoken]))
                measured[voice] = {
                    "wer": float(np.mean(errors)),
                    "f0": pitch,
                    "timbre": [timbre(s, r) for s, r in spoken],
                }
                print(f"{backend:<7} {voice:<14} WER {measured[voice]['wer']:6.1%}   median F0 {pitch:6.1f} Hz")
    print(f"\n{'pair':<28}{'pitch gap':>12}{'timbre separation':>20}{'mean WER':>10}")
    for women, men in CANDIDATES.values():
        for woman, man in product(women, men):
            if woman not in measured or man not in measured:
                continue
            a, b = measured[woman], measured[man]
            gap = semitones(min(a["f0"], b["f0"]), max(a["f0"], b["f0"]))
            apart = separation(a["timbre"], b["timbre"])
            print(f"{woman + ' + ' + man:<28}{gap:>9.1f} st{apart:>20.2f}{(a['wer'] + b['wer']) / 2:>10.1%}")


if __name__ == "__main__":
    main()
