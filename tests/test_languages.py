"""Episodes in other languages, offline, and two different people as hosts: whole episodes made
by the command line with the offline writer and Kokoro from the kokoro packages, then heard by
`podgen check` (Whisper base for German, tiny.en for English)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest
from audiotools import separation, timbre

from podgen import asr
from podgen.config import Settings
from podgen.errors import MissingDependency, UsageError
from podgen.models import Line, Script
from podgen.speak import speak_script
from podgen.write.offline import OfflineWriter

DATA = Path(__file__).resolve().parent / "data"


def make(source: Path, out: Path, cache: Path, *flags: str) -> subprocess.CompletedProcess:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("HF_", "PODGEN_"))},
        "PODGEN_CACHE_DIR": str(cache),
        "HF_ENDPOINT": "http://127.0.0.1:9",  # no Hub: Kokoro speaks from its packages
        "HF_HOME": str(out / "hf"),
    }
    cmd = [sys.executable, "-m", "podgen", "make", str(source), "-o", str(out), "--writer", "offline", *flags]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)


def speak_pair(voices: list[str], tts: str, cache: Path, texts: list[str]) -> list[list[np.ndarray]]:
    settings = Settings(tts=tts, cache_dir=cache, voices=voices)
    lines = [Line(host, text) for text in texts for host in ("Alex", "Sam")]
    paths = speak_script(Script("pair", "", lines, hosts=["Alex", "Sam"]), settings)
    found: list[list[np.ndarray]] = [[], []]
    for index, path in enumerate(paths):
        with wave.open(str(path)) as clip:
            pcm = np.frombuffer(clip.readframes(clip.getnframes()), dtype=np.int16).astype(np.float32) / 32768
            found[index % 2].append(timbre(pcm, clip.getframerate()))
    return found


SENTENCES = [
    "Bees dance on the comb to show the others where the flowers are.",
    "The queen lays up to two thousand eggs a day in spring.",
    "Most towns opened their first library with money raised by the people who lived there.",
]


@pytest.mark.slow
def test_a_german_document_becomes_a_german_episode_with_two_voices(tmp_path):
    done = make(DATA / "article-de-honigbienen.md", tmp_path, tmp_path / "cache", "--language", "de", "--minutes", "1")

    assert done.returncode == 0, done.stdout + done.stderr
    folder = tmp_path / "die-honigbiene"
    script = json.loads((folder / "script.json").read_text())
    assert "voices: kokoro" in done.stdout  # auto, offline, with the kokoro packages installed
    assert "Sam" in script["lines"][0]["text"] and " und " in script["lines"][0]["text"]  # a German welcome
    check = subprocess.run(
        [sys.executable, "-m", "podgen", "check", str(folder)],  # heard in German: episode.json says so
        capture_output=True,
        text=True,
        env={**os.environ, "HF_ENDPOINT": "http://127.0.0.1:9"},
        timeout=600,
    )
    report = json.loads((folder / "check.json").read_text())
    assert check.returncode == 0 and report["passed"], check.stdout + check.stderr
    assert report["measured"]["wer"] < 0.25
    print(f"German episode: WER {report['measured']['wer']:.1%} over {report['measured']['words']} words")


@pytest.mark.slow
def test_two_kokoro_hosts_are_further_apart_than_joe_and_joe_bright(tmp_path):
    kokoro = speak_pair(["jf_gongitsune", "jm_kumo"], "kokoro", tmp_path / "k", SENTENCES)
    joe = speak_pair(["joe", "joe-bright"], "piper", tmp_path / "p", SENTENCES)

    apart, before = separation(*kokoro), separation(*joe)

    print(f"timbre separation: Kokoro jf_gongitsune/jm_kumo {apart:.2f}, Piper joe/joe-bright {before:.2f}")
    assert apart > 2 * before


@pytest.mark.slow
def test_an_english_episode_with_two_kokoro_speakers_passes_the_check(tmp_path):
    done = make(DATA / "modelcard-whisper.md", tmp_path, tmp_path / "cache", "--tts", "kokoro", "--minutes", "0.5")
    assert done.returncode == 0, done.stdout + done.stderr
    folder = next(p for p in tmp_path.iterdir() if (p / "episode.json").is_file())

    check = subprocess.run(
        [sys.executable, "-m", "podgen", "check", str(folder)],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_ENDPOINT": "http://127.0.0.1:9"},
        timeout=600,
    )

    assert check.returncode == 0, check.stdout + check.stderr
    assert "voices: kokoro (as set)" in done.stdout


def test_a_language_without_phrases_says_what_to_write(tmp_path):
    from podgen.models import Document, Section

    document = Document("Titel", [Section("", "Ein Satz, der lang genug ist, um gelesen zu werden.")])
    with pytest.raises(UsageError) as raised:
        OfflineWriter().write(document, Settings(language="ko"))
    assert raised.value.message == "The offline writer has no phrases for 'ko' (prompts/offline.ko.toml)."
    assert "prompts_dir" in raised.value.hint


def test_a_language_podgen_cannot_hear_says_what_to_download(monkeypatch):
    monkeypatch.setattr(asr, "package_folder", lambda name: None)  # as if the multilingual extra were not installed
    monkeypatch.setattr(asr, "_models", {})

    with pytest.raises(MissingDependency) as raised:
        asr.load_model(language="de")

    assert "'de'" in raised.value.message and "\n" not in raised.value.message
    assert "pip install 'podgen-cli[multilingual]'" in raised.value.hint and "Hub" in raised.value.hint


@pytest.mark.parametrize("language", ["de", "fr", "es", "it"])
def test_the_offline_writer_writes_each_language_in_its_own_words(language):
    from podgen.models import Document, Section

    text = {
        "de": "Die Bienen tanzen auf der Wabe, um den anderen den Weg zu den Blüten zu zeigen.",
        "fr": "Les abeilles dansent sur le rayon pour montrer aux autres le chemin vers les fleurs.",
        "es": "Las abejas bailan en el panal para mostrar a las otras el camino hacia las flores.",
        "it": "Le api danzano sul favo per mostrare alle altre la strada verso i fiori.",
    }[language]
    document = Document("Bienen", [Section("Tanz", " ".join([text] * 3)), Section("Honig", " ".join([text] * 3))])

    script = OfflineWriter().write(document, Settings(language=language, minutes=1))

    english = {"the", "and", "welcome", "thanks", "today", "about"}
    said = " ".join(line.text for line in script.lines).lower().replace(",", " ").replace(".", " ").split()
    assert text in " ".join(line.text for line in script.lines)  # the document's own sentence
    assert not english & set(said), english & set(said)
