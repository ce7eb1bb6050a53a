"""How much an episode sounds like two people talking, measured from the finished MP3.

Episodes of three corpus documents, written by the offline writer and by the model-based
writer against the test suite's local chat server (its plausible model), spoken by Piper,
mixed in stereo, then checked with ``podgen check``. Every timing figure comes from the audio:
the MP3 is decoded, the two hosts are separated again by their stereo placement (the mix pans
each host to a known place, so two equations in two unknowns give each host's own signal back),
and each host's speech is found by energy (10 ms frames within ``VAD_DB`` of that host's loud
level). transcript.json only says which turn is which; it gives no times to the figures.

- gap: from the last speech of one host before a change of speaker to the first speech of the
  other (negative: the second starts before the first has finished);
- overlap: the share of speaker changes whose gap is below -20 ms;
- backchannels per minute: transcript cues that lie inside another host's line and whose host
  is heard there, per minute of speech;
- content questions: host A's lines that ask a question sharing a content word with the next
  line (not a word of the chapter's title): the listener's question, answered next;
- check: passed or not, and the word error rate over the lines' own words;
- mix / speak: the mix stage's time over speech synthesis (cold clip cache for each episode).

Runs against whichever podgen is first on the path; with ``--style`` only where the code has it.

    nice -n 19 .venv/bin/python bench/bench_conversation.py [--minutes 3] [--docs a.html b.md ...]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
CORPUS = ROOT.parent / "shared" / "corpus"
DOCS = ("article-wikipedia-duck.html", "modelcard-whisper.md", "paper-autogen.docx")
RATE = 16000
FRAME = 0.01
VAD_DB = 30.0
"""A frame is speech when it is within this many dB of its host's loud level (95th percentile)..."""
LEAK_DB = 15.0
"""... and no more than this many dB under the other host in the same frame: the MP3 leaves each
host's voice about 30 dB down (20 dB at its peaks) in the other's separated signal."""
FLOOR_DB = -60.0
OVERLAP_S = -0.02
STOPWORDS = set(
    """a an the and or but of to in on at by for with from as is are was were be been being it its this
that these those they them their there here what which who whom how why when where do does did so than then
about into over under also can could would should will just very more most some any all not no yes you your we
our us i me my he she his her let lets tell okay right really well like one two get got go going""".split()
)


def decode_stereo(mp3: Path) -> np.ndarray:
    from podgen.ffmpeg import ffmpeg_exe

    raw = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(mp3), "-f", "f32le", "-ac", "2", "-ar", str(RATE), "pipe:1"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, np.float32).reshape(-1, 2)


def demix(stereo: np.ndarray, hosts: int) -> np.ndarray:
    """(hosts, n): each host's own signal, from the pan gains the mix placed them with."""
    from podgen.mix.render import pan_gains

    gains = pan_gains(hosts)[:2]  # (2 hosts, 2 channels)
    return np.linalg.solve(gains.T, stereo.T)  # stereo.T = gains.T @ voices


def frame_db(signal: np.ndarray) -> np.ndarray:
    size = int(FRAME * RATE)
    frames = signal[: len(signal) // size * size].reshape(-1, size)
    return 20 * np.log10(np.sqrt((frames.astype(np.float64) ** 2).mean(axis=1)) + 1e-9)


def activity(voices: np.ndarray) -> np.ndarray:
    """(hosts, frames) booleans: where each host speaks; a frame counts only when the host is
    louder there than the other host's leakage into its signal could make it."""
    levels = np.stack([frame_db(v) for v in voices])
    active = []
    for h, db in enumerate(levels):
        loud = np.percentile(db[db > FLOOR_DB], 95) if (db > FLOOR_DB).any() else 0.0
        others = np.delete(levels, h, axis=0).max(axis=0)
        active.append((db > max(loud - VAD_DB, FLOOR_DB)) & (db > others - LEAK_DB))
    return np.stack(active)


def split_lines(segments: list[dict]) -> tuple[list[dict], list[dict]]:
    """Script lines and backchannels: a backchannel lies inside another host's line."""
    lines, backchannels = [], []
    for seg in segments:
        inside = any(
            o is not seg
            and o["speaker"] != seg["speaker"]
            and o["startTime"] <= seg["startTime"]
            and seg["endTime"] <= o["endTime"]
            for o in segments
        )
        (backchannels if inside else lines).append(seg)
    return lines, backchannels


def _frames(t: float) -> int:
    return max(0, int(round(t / FRAME)))


def turn_gaps(active: np.ndarray, lines: list[dict], hosts: list[str], masked: np.ndarray) -> list[float]:
    gaps = []
    for a, b in zip(lines, lines[1:]):
        if a["speaker"] == b["speaker"]:
            continue
        ha, hb = hosts.index(a["speaker"]), hosts.index(b["speaker"])
        first, last = _frames(a["endTime"] - 1.0), _frames(a["endTime"] + 0.3)
        ends = np.flatnonzero(active[ha, first:last] & ~masked[ha, first:last])
        first_b, last_b = _frames(b["startTime"] - 0.3), _frames(b["startTime"] + 1.0)
        starts = np.flatnonzero(active[hb, first_b:last_b] & ~masked[hb, first_b:last_b])
        if len(ends) and len(starts):
            gaps.append(round((first_b + starts[0] - (first + ends[-1] + 1)) * FRAME, 3))
    return gaps


def heard_backchannels(active: np.ndarray, backchannels: list[dict], hosts: list[str]) -> int:
    heard = 0
    for seg in backchannels:
        h = hosts.index(seg["speaker"])
        heard += active[h, _frames(seg["startTime"]) : _frames(seg["endTime"]) + 1].sum() >= 10  # 100 ms of it
    return heard


def _content_words(text: str) -> set[str]:
    return {w[:6] for w in re.findall(r"[a-z][a-z'-]+", text.lower()) if w not in STOPWORDS and len(w) > 3}


def content_questions(script: dict) -> tuple[int, int]:
    """(host A's lines that ask a content question, host A's lines)."""
    host_a, lines = script["hosts"][0], script["lines"]
    titles = {c["line"]: c["title"] for c in script.get("chapters", [])}
    title, asked, total = "", 0, 0
    for i, line in enumerate(lines):
        title = titles.get(i, title)
        if line["speaker"] != host_a:
            continue
        total += 1
        questions = " ".join(s for s in re.split(r"(?<=[.!?])\s+", line["text"]) if s.endswith("?"))
        following = lines[i + 1]["text"] if i + 1 < len(lines) else ""
        shared = _content_words(questions) & _content_words(following)
        asked += bool(shared - _content_words(title) - _content_words(" ".join(script["hosts"])))
    return asked, total


def measure(folder: Path, timings: dict, report) -> dict:
    script = json.loads((folder / "script.json").read_text())
    segments = json.loads((folder / "transcript.json").read_text())["segments"]
    hosts = script["hosts"]
    lines, backchannels = split_lines(segments)
    active = activity(demix(decode_stereo(folder / "episode.mp3"), len(hosts)))
    masked = np.zeros_like(active)
    for seg in backchannels:  # a host's backchannels are not the end or start of its turns
        masked[hosts.index(seg["speaker"]), _frames(seg["startTime"]) : _frames(seg["endTime"]) + 1] = True
    gaps = turn_gaps(active, lines, hosts, masked)
    speech_minutes = active.any(axis=0).sum() * FRAME / 60
    asked, total = content_questions(script)
    return {
        "gaps": gaps,
        "turns": len(gaps),
        "overlaps": sum(g < OVERLAP_S for g in gaps),
        "backchannels": heard_backchannels(active, backchannels, hosts),
        "placed": len(backchannels),
        "speech_minutes": speech_minutes,
        "asked": asked,
        "host_a_lines": total,
        "passed": report.passed,
        "wer": report.measured.get("wer"),
        "mix_over_speak": timings["mix"] / timings["speak"] if timings.get("speak") else None,
        "words_per_turn": sum(len(s["body"].split()) for s in lines) / max(1, len(lines)),
    }


def make(doc: Path, writer: str, work: Path, minutes: float, url: str, style: str | None) -> tuple[dict, float]:
    from podgen.check import check_episode
    from podgen.config import Settings
    from podgen.pipeline import make_episode

    values = {
        "output_dir": work / "episodes",
        "cache_dir": work / "cache",
        "minutes": minutes,
        "tts": "piper",
        "stereo": True,
        "writer": writer,
    }
    if writer == "openai":
        values["llm_base_url"] = url
    if style and "style" in Settings.model_fields:
        values["style"] = style
    settings = Settings(**values)
    start = time.perf_counter()
    episode = make_episode([doc], settings)
    made = time.perf_counter() - start
    report = check_episode(episode.folder, settings)
    row = measure(episode.folder, episode.timings, report)
    row["duration"] = episode.duration
    return row, made


def summary(rows: list[dict]) -> dict:
    gaps = np.array([g for r in rows for g in r["gaps"]])
    ratios = [r["mix_over_speak"] for r in rows if r["mix_over_speak"] is not None]
    asked = sum(r["asked"] for r in rows)
    total = sum(r["host_a_lines"] for r in rows)
    wers = [r["wer"] for r in rows if r["wer"] is not None]
    return {
        "median gap (s)": f"{np.median(gaps):.2f}",
        "gaps p10-p90 (s)": f"{np.percentile(gaps, 10):.2f} to {np.percentile(gaps, 90):.2f} "
        f"({np.percentile(gaps, 90) - np.percentile(gaps, 10):.2f} wide)",
        "overlapping turns": f"{sum(r['overlaps'] for r in rows) / max(1, len(gaps)):.0%} of {len(gaps)}",
        "backchannels / min": f"{sum(r['backchannels'] for r in rows) / sum(r['speech_minutes'] for r in rows):.1f} "
        f"({sum(r['backchannels'] for r in rows)} heard of {sum(r['placed'] for r in rows)})",
        "host A content questions": f"{asked / max(1, total):.0%} ({asked} of {total})",
        "check passes": f"{sum(bool(r['passed']) for r in rows)} of {len(rows)}, WER max {max(wers):.3f}"
        if wers
        else "-",
        "mix / speak time": f"{np.median(ratios):.3f} (max {max(ratios):.3f})" if ratios else "-",
        "words per turn": f"{np.mean([r['words_per_turn'] for r in rows]):.1f}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--docs", nargs="*", default=list(DOCS))
    parser.add_argument("--styles", nargs="*", default=["natural", "plain"])
    parser.add_argument("--writers", nargs="*", default=["offline", "openai"])
    parser.add_argument("--json", type=Path, help="also write every episode's figures here")
    args = parser.parse_args()
    from servers.chat import ChatServer
    from servers.plausible import plausible

    import podgen.config

    styles = args.styles if "style" in podgen.config.Settings.model_fields else [None]
    server = ChatServer(plausible).start()
    results: dict[str, dict[str, list[dict]]] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="podgen-conversation-") as tmp:
            for style in styles:
                for writer in args.writers:
                    for doc in args.docs:
                        work = Path(tmp) / f"{style}-{writer}-{Path(doc).stem}"
                        row, made = make(CORPUS / doc, writer, work, args.minutes, server.url, style)
                        row["doc"] = doc
                        results.setdefault(str(style), {}).setdefault(writer, []).append(row)
                        print(
                            f"{style or 'today'} {writer:<7} {doc:<30} {row['duration']:6.1f} s audio, made in "
                            f"{made:5.1f} s; median gap {np.median(row['gaps']):.2f} s, {row['overlaps']} overlaps, "
                            f"{row['backchannels']} backchannels, check {'passed' if row['passed'] else 'FAILED'} "
                            f"(WER {row['wer']})",
                            flush=True,
                        )
    finally:
        server.stop()
    for style, writers in results.items():
        for writer, rows in writers.items():
            print(
                f"\n## {style if style != 'None' else 'this code (no --style)'}, {writer} writer, {len(rows)} episodes"
            )
            for key, value in summary(rows).items():
                print(f"  {key:<26} {value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=float) + "\n")


if __name__ == "__main__":
    main()
