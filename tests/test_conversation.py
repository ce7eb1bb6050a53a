"""Conversation, not reading: turn timing by what a line does, overlaps, backchannels.

The rules are checked on scripts; the mix on a real episode (Piper voices, ffmpeg, the MP3
decoded again): the hosts are separated from the stereo MP3 by their pan gains, so each
backchannel can be heard on its own host's side and the other host can be seen silent under it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from podgen.check import check_episode
from podgen.config import Settings
from podgen.errors import ConfigError, EpisodeError
from podgen.ffmpeg import ffmpeg_exe
from podgen.folder import split_backchannels
from podgen.mix import conversation
from podgen.mix.render import pan_gains
from podgen.models import Chapter, Line, Reaction, Script, Segment
from podgen.pipeline import load_script, render_episode
from podgen.speak import clip_paths

LONG = (
    "The keepers climbed the tower every evening to light the lamp. They trimmed the wick and wound the "
    "clockwork that turned the heavy lens. It was lonely work, and a storm could cut them off for weeks."
)
ANSWER = (
    "Boats brought food, oil and letters whenever the sea allowed it. In winter the boats could not land for "
    "weeks, so the keepers stored enough food for months. They salted fish and dried it for the winter sea."
)
SCRIPT = {
    "version": 1,
    "title": "Lighthouses",
    "description": "Two hosts talk about lighthouses.",
    "writer": "hand",
    "hosts": ["Alex", "Sam"],
    "sources": [],
    "lines": [
        {
            "speaker": "Alex",
            "text": "Welcome to the show. Today we talk about lighthouses and the people who kept them.",
        },
        {"speaker": "Sam", "text": LONG, "reactions": [{"speaker": "Alex", "after": 2, "text": "Wow."}]},
        {"speaker": "Alex", "text": "How did the keepers get their supplies?", "kind": "question"},
        {"speaker": "Sam", "text": ANSWER, "kind": "answer"},
        {"speaker": "Alex", "text": "That sounds hard.", "kind": "reaction", "overlap": True},
        {"speaker": "Sam", "text": "Today most lights run on their own, and the keepers have gone home."},
        {"speaker": "Alex", "text": "Thanks for listening, and see you next time."},
    ],
    "chapters": [{"title": "Welcome", "line": 0}, {"title": "Keepers", "line": 1}, {"title": "Today", "line": 5}],
}


def script_of(*texts: str, chapters: tuple[int, ...] = ()) -> Script:
    lines = [Line("Alex" if i % 2 == 0 else "Sam", t) for i, t in enumerate(texts)]
    return Script("Test", "", lines, [Chapter(f"c{c}", c) for c in chapters], hosts=["Alex", "Sam"])


# --- the rules, on scripts --------------------------------------------------------------------


def test_the_built_in_rules_load_and_cite_their_sources():
    rules = conversation.load_rules()
    assert rules.gaps["topic"].p50 > rules.gaps["answer"].p50 > rules.gaps["reaction"].p50
    assert 0.1 <= rules.gaps["answer"].p50 <= 0.3  # Stivers et al. 2009: answers within about 200 ms
    text = Path(conversation.__file__).resolve().parents[2].joinpath("prompts", "conversation.toml").read_text()
    assert "Stivers et al. 2009" in text and "PNAS 106(26)" in text and "Heldner & Edlund 2010" in text


def test_a_broken_rules_file_is_a_config_error(tmp_path):
    (tmp_path / "conversation.toml").write_text("[gaps]\nanswer = { p10 = 0.1 }\n")
    with pytest.raises(ConfigError, match="conversation.toml"):
        conversation.load_rules(Settings(prompts_dir=tmp_path))


def test_kinds_come_from_the_script_or_the_text():
    script = script_of(
        "Welcome to the show, everyone.",
        "What is a lighthouse?",
        "A tower with a light on top of it.",
        "Right.",
        "Now, the keepers of the light.",
        chapters=(0, 4),
    )
    assert conversation.kinds(script) == ["statement", "question", "answer", "reaction", "topic"]
    script.lines[3].kind = "answer"
    assert conversation.kinds(script)[3] == "answer"


def test_gaps_depend_on_the_kind_vary_and_repeat_exactly():
    texts = [f"Sentence number {i} is about something else entirely." for i in range(80)]
    script = script_of(*texts, chapters=tuple(range(0, 80, 4)))
    rules = conversation.load_rules()
    gaps = conversation.gaps(script, rules)
    assert gaps == conversation.gaps(script, rules)  # the same script is timed the same way
    kinds = conversation.kinds(script)
    topic = [g for g, k in zip(gaps, kinds) if k == "topic"]
    other = [g for g, k in zip(gaps[1:], kinds[1:]) if k != "topic"]
    assert min(topic) > 0.3 and np.median(topic) > np.median(other) + 0.3
    assert len(set(gaps)) > 0.9 * len(gaps)  # varied, not a cycle of a few values
    assert np.percentile(other, 90) - np.percentile(other, 10) >= 0.3


def test_overlap_marks_are_obeyed_and_editing_a_line_retimes_only_it():
    script = script_of(*[f"Line {i} says a few words about the sea." for i in range(40)])
    rules = conversation.load_rules()
    for line in script.lines[1:]:
        line.overlap = True
    assert all(g < 0 for g in conversation.gaps(script, rules)[1:])
    for line in script.lines[1:]:
        line.overlap = False
    before = conversation.gaps(script, rules)
    assert all(g >= 0 for g in before)
    script.lines[7].text = "An edited line."
    after = conversation.gaps(script, rules)
    assert [i for i, (a, b) in enumerate(zip(before, after)) if a != b] in ([], [7])


def test_backchannels_come_at_sentence_ends_of_long_lines_from_the_other_host():
    script = script_of("Hello there.", LONG, "Okay.", ANSWER, "Thanks.")
    found = conversation.backchannels(script, Settings())
    assert found and found == conversation.backchannels(script, Settings())
    words = conversation.load_rules().words["en"]
    for b in found:
        line = script.lines[b.line]
        assert b.speaker != line.speaker and b.text in words["listening"] + words["surprise"]
        assert line.text[b.at - 1] in ".,;:" and len(line.text[: b.at].split()) >= 10
    german = conversation.backchannels(script, Settings(language="de"))  # German words for German
    assert german and {b.text for b in german} <= set(sum(conversation.load_rules().words["de"].values(), []))
    assert not conversation.backchannels(script, Settings(language="ko"))  # no words listed for Korean


def test_a_scripts_own_reactions_replace_the_automatic_ones_on_their_line():
    script = script_of("Hello there.", LONG)
    script.lines[1].reactions = [Reaction("Alex", 1, "Uh-huh.")]
    found = [b for b in conversation.backchannels(script, Settings()) if b.line == 1]
    assert [(b.speaker, b.text, b.at) for b in found] == [("Alex", "Uh-huh.", LONG.index(" They"))]


def test_script_json_keeps_old_files_valid_and_checks_the_new_fields(tmp_path):
    folder = tmp_path / "ep"
    folder.mkdir()
    old = {**SCRIPT, "lines": [{"speaker": x["speaker"], "text": x["text"]} for x in SCRIPT["lines"]]}
    (folder / "script.json").write_text(json.dumps(old))
    assert all(line.kind is None and not line.reactions for line in load_script(folder).lines)
    (folder / "script.json").write_text(json.dumps(SCRIPT))
    script = load_script(folder)
    assert script.lines[1].reactions == [Reaction("Alex", 2, "Wow.")] and script.lines[4].overlap is True
    assert json.loads(script.to_json())["lines"] == SCRIPT["lines"]  # only the fields set are written
    for bad, message in [
        ({"kind": "joke"}, "kind 'joke'"),
        ({"overlap": 1}, "overlap must be true or false"),
        ({"reactions": [{"speaker": "Sam", "after": 1, "text": "Yes."}]}, "another host"),
        ({"reactions": [{"speaker": "Alex", "after": 0, "text": "Yes."}]}, "sentence number"),
    ]:
        broken = json.loads(json.dumps(SCRIPT))
        broken["lines"][1].update(bad)
        (folder / "script.json").write_text(json.dumps(broken))
        with pytest.raises(EpisodeError, match=message):
            load_script(folder)


# --- the mix, on a real episode ------------------------------------------------------------------


def render(root: Path, name: str, style: str, cache: Path) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "script.json").write_text(json.dumps(SCRIPT))
    render_episode(folder, Settings(cache_dir=cache, tts="piper", stereo=True, style=style))
    return folder


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("conversation-cache")


@pytest.fixture(scope="module")
def natural(tmp_path_factory, cache) -> Path:
    """The natural episode, with takes of lines 3 and 4 that leave the overlap of line 4 room.

    Piper samples: a take's fading end and the next take's soft start (where a second voice may
    sound) measure 0 to 60 ms together, and under 20 ms the layout latches instead of
    overlapping (``test_an_overlap_the_voices_leave_no_room_for_latches``). Takes that leave no
    room are spoken again, as a user would re-render, at most five times."""
    folder = render(tmp_path_factory.mktemp("natural"), "lighthouses", "natural", cache)
    settings = Settings(cache_dir=cache, tts="piper", stereo=True, style="natural")
    for _ in range(5):
        lines, _ = transcript(folder)
        if lines[4].start < lines[3].end:
            break
        script = load_script(folder)
        for path in clip_paths(script, settings)[3:5]:
            path.unlink()
        render_episode(folder, settings)
    return folder


def transcript(folder: Path) -> tuple[list[Segment], list[Segment]]:
    body = json.loads((folder / "transcript.json").read_text())["segments"]
    return split_backchannels([Segment(s["speaker"], s["body"], s["startTime"], s["endTime"]) for s in body])


def voices(folder: Path) -> tuple[np.ndarray, int]:
    """Each host's own signal, separated from the stereo MP3 by the pan gains, at 16 kHz."""
    rate = 16000
    raw = subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-i",
            str(folder / "episode.mp3"),
            "-f",
            "f32le",
            "-ac",
            "2",
            "-ar",
            str(rate),
            "pipe:1",
        ],
        capture_output=True,
        check=True,
    ).stdout
    stereo = np.frombuffer(raw, np.float32).reshape(-1, 2)
    return np.linalg.solve(pan_gains(2).T, stereo.T), rate


def level(signal: np.ndarray, rate: int, start: float, end: float) -> float:
    part = signal[int(start * rate) : int(end * rate)]
    return 10 * np.log10(np.mean(part.astype(np.float64) ** 2) + 1e-12)


def loudest(signal: np.ndarray, rate: int, start: float, end: float) -> float:
    """The level of the louder 10 ms frames (90th percentile) of a stretch: a word's voice, not its pauses."""
    part = signal[int(start * rate) : int(end * rate)].astype(np.float64)
    size = int(0.01 * rate)
    frames = part[: len(part) // size * size].reshape(-1, size)
    return float(np.percentile(10 * np.log10(np.mean(frames**2, axis=1) + 1e-12), 90))


def test_backchannels_are_their_own_cues_inside_the_line_they_accompany(natural):
    lines, backchannels = transcript(natural)
    assert [s.text for s in lines] == [x["text"] for x in SCRIPT["lines"]]
    wow = [b for b in backchannels if b.text == "Wow."]
    assert len(wow) == 1 and wow[0].speaker == "Alex" and lines[1].start < wow[0].start < wow[0].end < lines[1].end
    assert any(lines[3].start < b.start < lines[3].end for b in backchannels)  # one of the mix's own, in the answer
    vtt = (natural / "transcript.vtt").read_text()
    assert "<v Alex>Wow." in vtt and "Alex: Wow." in (natural / "transcript.srt").read_text()
    chapters = json.loads((natural / "chapters.json").read_text())["chapters"]
    assert chapters[2]["startTime"] == pytest.approx(lines[5].start, abs=0.001)


def test_a_backchannel_is_never_on_a_word_quieter_and_on_its_hosts_side(natural):
    lines, backchannels = transcript(natural)
    (alex, sam), rate = voices(natural)
    own = {"Alex": alex, "Sam": sam}
    for b in backchannels:
        speaker = next(line.speaker for line in lines if line.start <= b.start and b.end <= line.end)
        mine, theirs = own[b.speaker], own[speaker]
        speaking = np.median([level(theirs, rate, s.start, s.end) for s in lines if s.speaker == speaker])
        assert level(theirs, rate, b.start, b.end) < speaking - 25, b  # the speaker is silent under it
        assert level(mine, rate, b.start, b.end) > speaking - 15, b  # and it is heard
    lines_alex = np.median([loudest(alex, rate, s.start, s.end) for s in lines if s.speaker == "Alex"])
    wow = next(b for b in backchannels if b.text == "Wow.")
    assert loudest(alex, rate, wow.start, wow.end) < lines_alex - 4  # quieter than Alex's own lines
    raw = subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-i",
            str(natural / "episode.mp3"),
            "-f",
            "f32le",
            "-ac",
            "2",
            "-ar",
            str(rate),
            "pipe:1",
        ],
        capture_output=True,
        check=True,
    ).stdout
    stereo = np.frombuffer(raw, np.float32).reshape(-1, 2)
    left, right = (level(stereo[:, c], rate, wow.start, wow.end) for c in (0, 1))
    assert left > right + 2  # Alex, the first host, stands left


def test_an_overlap_starts_before_the_last_line_ends_and_ducks_it(natural):
    lines, _ = transcript(natural)
    (alex, sam), rate = voices(natural)
    assert lines[4].start < lines[3].end  # "That sounds hard." overlaps the end of the answer
    frames = int(0.01 * rate)
    at = lambda signal: (
        10 * np.log10(np.mean(signal[: len(signal) // frames * frames].reshape(-1, frames) ** 2, axis=1) + 1e-12)
    )  # noqa: E731
    a, b = int((lines[4].start - 0.3) * rate), int((lines[3].end + 0.3) * rate)
    both = (at(alex[a:b]) > at(alex).max() - 35) & (at(sam[a:b]) > at(sam).max() - 35)
    assert both.sum() >= 3  # at least 30 ms of both voices at once, measured from the audio


def test_the_natural_episode_passes_the_check_on_each_lines_own_words(natural, cache):
    report = check_episode(natural, Settings(cache_dir=cache, tts="piper"))
    assert report.passed, [f.message for f in report.failures]
    assert report.measured["backchannels"] == report.measured["backchannels_heard"] >= 2
    assert report.measured["wer"] <= 0.2


def test_a_backchannel_taken_out_of_the_audio_is_caught(natural, cache, tmp_path):
    folder = tmp_path / natural.name
    shutil.copytree(natural, folder)
    _, backchannels = transcript(folder)
    wow = next(b for b in backchannels if b.text == "Wow.")
    mp3 = folder / "episode.mp3"
    subprocess.run(
        [
            ffmpeg_exe(),
            "-v",
            "error",
            "-i",
            str(mp3),
            "-af",
            f"volume=0:enable='between(t,{wow.start - 0.02},{wow.end + 0.02})'",
            "-ar",
            "44100",
            "-ac",
            "2",
            "-b:a",
            "128k",
            "-map_metadata",
            "0",
            "-id3v2_version",
            "3",
            str(folder / "edited.mp3"),
        ],
        check=True,
    )
    (folder / "edited.mp3").replace(mp3)
    report = check_episode(folder, Settings(cache_dir=cache, tts="piper"))
    missed = [f for f in report.failures if f.check == "speech.backchannel"]
    assert len(missed) == 1 and "'Wow.'" in missed[0].message and missed[0].line == 1


def test_the_same_script_is_mixed_the_same_way(natural, cache, tmp_path):
    again = render(tmp_path, "again", "natural", cache)
    assert (again / "transcript.json").read_text() == (natural / "transcript.json").read_text()


def test_the_plain_style_keeps_a_fixed_pause_and_no_backchannels(cache, tmp_path):
    folder = render(tmp_path, "plain", "plain", cache)
    lines, backchannels = transcript(folder)
    assert not backchannels and len(lines) == len(SCRIPT["lines"])
    gaps = [b.start - a.end for a, b in zip(lines, lines[1:])]
    assert all(0.29 <= g <= 0.43 for g in gaps), gaps  # pause_ms 350, varied by at most 20%
    assert json.loads((folder / "episode.json").read_text())["style"] == "plain"


def test_what_a_writer_gets_wrong_in_the_new_fields_is_dropped_not_saved(tmp_path):
    from podgen.write import speakable

    script = Script(
        "T",
        "",
        [
            Line(
                "Alex",
                "One idea here. And a second one.",
                kind="joke",
                overlap="yes",
                reactions=[
                    Reaction("Sam", 1, "Right."),
                    Reaction("Alex", 1, "Me?"),
                    Reaction("Sam", 2, "Too late."),
                    Reaction("Kim", 1, "Who?"),
                ],
            ),
            Line("Sam", "Yes.", kind="reaction", overlap=True),
        ],
        hosts=["Alex", "Sam"],
    )
    speakable(script, Settings())
    first, second = script.lines
    assert (first.kind, first.overlap, first.reactions) == (None, None, [Reaction("Sam", 1, "Right.")])
    assert (second.kind, second.overlap) == ("reaction", True)
    folder = tmp_path / "ep"
    folder.mkdir()
    (folder / "script.json").write_text(script.to_json())
    assert load_script(folder).lines == script.lines


def test_the_check_gives_each_word_to_the_line_or_backchannel_that_says_it():
    from podgen.asr import Word
    from podgen.check.speech import place

    lines = [
        Segment("Sam", "The keepers lit the lamp. It burned all night.", 0.0, 4.0),
        Segment("Alex", "Yeah, all night.", 5.0, 6.0),
        Segment("Sam", "So on we go.", 5.8, 7.0),
    ]
    backchannels = [Segment("Alex", "Right.", 1.9, 2.2)]
    words = [
        Word("The", 0.1, 0.3, 1),
        Word("keepers", 0.3, 0.8, 1),
        Word("lamp.", 1.2, 1.7, 1),
        Word("Right.", 1.95, 2.25, 1),  # the backchannel: its own, not Sam's
        Word("night.", 3.7, 5.2, 1),  # stretched over the pause after it: still Sam's
        Word("Yeah,", 5.05, 5.3, 1),
        Word("So", 5.85, 6.05, 1),
    ]  # inside two lines: the later one's
    heard = place(words, lines, 8.0, backchannels)
    assert [w.text for w in heard.backchannels[0]] == ["Right."]
    assert [w.text for w in heard.lines[0]] == ["The", "keepers", "lamp.", "night."]
    assert [w.text for w in heard.lines[1]] == ["Yeah,"] and [w.text for w in heard.lines[2]] == ["So"]
    assert not heard.strays


def _clip(path: Path, seconds: float, fade_s: float, rate: int = 22050) -> Path:
    """A tone of ``seconds`` whose first and last ``fade_s`` fall 24 dB below its body (between the
    body's 18 dB and speech's 30 dB bounds: where another voice may sound)."""
    import wave

    tone = 0.5 * np.sin(2 * np.pi * 180 * np.arange(int(seconds * rate)) / rate)
    edge = int(fade_s * rate)
    if edge:
        tone[:edge] *= 10 ** (-24 / 20)
        tone[-edge:] *= 10 ** (-24 / 20)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((tone * 32767).astype("<i2").tobytes())
    return path


@pytest.mark.parametrize(("fade_s", "overlaps"), [(0.0, False), (0.06, True)])
def test_an_overlap_the_voices_leave_no_room_for_latches(tmp_path, fade_s, overlaps):
    from podgen.mix.layout import natural_layout

    script = Script("T", "", [Line("Alex", "One long line of speech."), Line("Sam", "Sure.", overlap=True)], [])
    clips = [_clip(tmp_path / "a.wav", 2.0, fade_s), _clip(tmp_path / "b.wav", 0.8, fade_s)]
    layout = natural_layout(script, clips, [], conversation.load_rules(Settings()), 0.3)
    first, second = layout.segments
    assert (second.start < first.end) is overlaps
