"""Never lose work: a run killed half way leaves no finished-looking output and resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import wave

import pytest
from conftest import DATA

from podgen.config import Settings
from podgen.pipeline import make_episode


def finished_clips(cache) -> list:
    return [p for p in cache.rglob("*.wav") if not p.name.startswith(".")]


@pytest.mark.slow  # makes a whole episode, twice
def test_a_killed_run_resumes_from_the_clips_it_had_spoken(tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "episodes"
    env = {**os.environ, "PODGEN_CACHE_DIR": str(cache)}
    cmd = [sys.executable, "-m", "podgen", "make", str(DATA / "paper-twocolumn.pdf"), "-o", str(out), "--minutes", "2"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(finished_clips(cache)) < 4:
        assert proc.poll() is None, "the run ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    assert not list(out.rglob("episode.mp3")) and not list(out.rglob("episode.json"))
    spoken = finished_clips(cache)
    for clip in spoken:  # every clip that looks finished is a whole WAV
        with wave.open(str(clip)) as src:
            assert src.getnframes() > 0

    events = []
    episode = make_episode(
        [DATA / "paper-twocolumn.pdf"],
        Settings(output_dir=out, cache_dir=cache, minutes=2, tts="piper"),  # the voices PODGEN_TTS gave the command
        progress=lambda stage, done, total: events.append((stage, done, total)),
    )
    first = next(e for e in events if e[0] == "speak")
    assert first[1] >= len(spoken) and first[1] < first[2]  # resumed: only the rest was spoken
    assert episode.audio.is_file() and (episode.folder / "episode.json").is_file()
