"""The first sound sooner: lines spoken while the script is still being written, played as they
are ready (`podgen make --play`), and the time to first audio. The model is the plausible chat
model behind a local server that answers slowly, as a real one does; the voices are Piper's."""

from __future__ import annotations

import json
import sys
import time
import wave
from pathlib import Path

import pytest
from conftest import run_podgen
from servers.chat import ChatServer
from servers.plausible import plausible
from test_llm_writer import HONEY

from podgen.config import Settings
from podgen.llm.local import default_threads, idle_cores
from podgen.models import Line, Script
from podgen.pipeline import make_episode
from podgen.preview import Player, settled_lines

DOC = Path(__file__).parent / "data" / "modelcard-whisper.md"
LISTENER = (
    "import sys, wave; w = wave.open(sys.argv[1]); "
    "open(sys.argv[2] if len(sys.argv) > 2 else {log!r}, 'a').write(f'{{sys.argv[1]}} {{w.getnframes()}}\\n')"
)
"""A player for tests: it opens each WAV it is given, as a real player does, and notes it."""


def listener(log: Path) -> str:
    return f'{sys.executable} -c "{LISTENER.format(log=str(log))}"'


def test_a_draft_is_spoken_but_its_last_line_which_the_next_chapter_may_join():
    draft = Script(
        "Bees",
        "",
        [Line("Alex", "Welcome! Today it is bees."), Line("Sam", "Bees dance."), Line("Alex", "Why do they dance?")],
        hosts=["Alex", "Sam"],
    )
    settled = settled_lines(draft, Settings())
    assert [line.text for line in settled.lines] == ["Welcome! Today it is bees.", "Bees dance."]


def test_the_player_plays_each_clip_once_in_order_as_they_come(tmp_path):
    log = tmp_path / "played.txt"
    clips = []
    for n in range(3):
        clips.append(tmp_path / f"{n}.wav")
        with wave.open(str(clips[-1]), "wb") as out:
            out.setnchannels(1), out.setsampwidth(2), out.setframerate(8000), out.writeframes(b"\0\0" * (n + 1))
    player = Player.find(listener(log))
    player.offer(clips[:1])
    player.offer(clips[:1])
    player.offer(clips)
    player.finish()
    assert [line.split() for line in log.read_text().splitlines()] == [
        [str(c), str(n + 1)] for n, c in enumerate(clips)
    ]


def test_no_player_is_one_line_with_a_hint():
    from podgen.errors import UsageError

    with pytest.raises(UsageError) as info:
        Player.find("no-such-player-anywhere --flag")
    assert "no-such-player-anywhere" in info.value.message and "PODGEN_PLAYER" in info.value.hint


def test_threads_come_from_the_cores_idle_now():
    idle = idle_cores(0.2)
    assert idle is not None and 0 <= idle <= (len(__import__("os").sched_getaffinity(0)) + 0.5)
    assert 1 <= default_threads(0.2) <= len(__import__("os").sched_getaffinity(0))


@pytest.mark.slow
def test_speaking_starts_before_the_script_is_written(tmp_path, clip_cache):
    """Each request takes the model six seconds: the first chapter's lines are spoken (and
    played) while the second is being written."""
    server = ChatServer(plausible, latency=6.0).start()
    log = tmp_path / "played.txt"
    try:
        settings = Settings(
            writer="openai",
            llm_base_url=server.url,
            cache_dir=clip_cache,
            output_dir=tmp_path / "episodes",
            minutes=2,
            llm_retries=0,
            tts="piper",
            player=listener(log),
        )
        start = time.perf_counter()
        episode = make_episode_from(HONEY, settings, tmp_path)
        total = time.perf_counter() - start
    finally:
        server.stop()
    first = episode.stats["first_audio_seconds"]
    assert first < episode.timings["ingest"] + episode.timings["write"] < total  # spoken while writing
    script = json.loads((episode.folder / "script.json").read_text())
    played = log.read_text().splitlines()
    assert len(played) == len(script["lines"])  # each line once, the early ones and the rest


def make_episode_from(document, settings, tmp_path):
    source = tmp_path / "honey.md"
    source.write_text("# Honey Bees\n\n" + "\n\n".join(f"## {s.heading}\n\n{s.text}" for s in document.sections))
    return make_episode([source], settings, play=True)


@pytest.mark.slow
def test_make_play_plays_the_episode_while_it_is_made(tmp_path, clip_cache):
    log = tmp_path / "played.txt"
    proc = run_podgen(
        "make",
        str(DOC),
        "--play",
        "--writer",
        "offline",
        "--minutes",
        "0.5",
        "-o",
        str(tmp_path / "out"),
        env={"PODGEN_CACHE_DIR": str(clip_cache), "PODGEN_PLAYER": listener(log)},
    )
    assert proc.returncode == 0, proc.stderr
    script = json.loads((tmp_path / "out" / "model-card-whisper" / "script.json").read_text())
    played = [line.split() for line in log.read_text().splitlines()]
    assert len(played) == len(script["lines"]) and all(int(frames) > 1000 for _, frames in played)
    assert "first audio after" in proc.stdout
