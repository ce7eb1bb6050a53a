"""Settings: flags > environment > podgen.toml > defaults, validated, with one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from podgen.config import Host, Sampling, Settings, Show, load_settings
from podgen.errors import ConfigError
from podgen.marks import STAGES, marks, shaping


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "podgen.toml"
    path.write_text(text)
    return path


def test_defaults():
    s = load_settings(environ={})
    assert s.minutes == 5 and s.writer == "auto" and s.tts == "auto" and s.format == "deep-dive"
    assert [h.name for h in s.hosts] == ["Alex", "Sam"]
    assert [h.voice for h in s.hosts] == [None, None]  # each backend's defaults for the language


def test_precedence_flags_over_env_over_file(tmp_path):
    cfg = write(tmp_path, 'minutes = 7\nbitrate = 128\ntitle = "From file"\n')
    env = {"PODGEN_MINUTES": "3", "PODGEN_TITLE": "From env"}
    s = load_settings({"minutes": 2, "title": None}, cfg, env)
    assert s.minutes == 2  # flag wins
    assert s.title == "From env"  # env beats file; a flag left unset does not count
    assert s.bitrate == 128  # file beats default


def test_file_in_cwd_and_hosts_table(tmp_path, monkeypatch):
    write(tmp_path, '[[hosts]]\nname = "Ada"\nvoice = "joe"\n[[hosts]]\nname = "Ben"\nvoice = "joe-deep"\n')
    monkeypatch.chdir(tmp_path)
    s = load_settings(environ={})
    assert s.host_names == ["Ada", "Ben"] and s.hosts[1].voice == "joe-deep"


def test_config_path_from_environment(tmp_path):
    cfg = write(tmp_path, "pause_ms = 500\n")
    assert load_settings(environ={"PODGEN_CONFIG": str(cfg)}).pause_ms == 500


@pytest.mark.parametrize(
    "text, words",
    [
        ("minutes = 0\n", ["minutes", "greater than 0"]),
        ("colour = 'red'\n", ["colour", "not permitted"]),
        ("minutes = [\n", ["not valid TOML"]),
        ("sample_rate = 8000\n", ["sample_rate"]),
    ],
)
def test_bad_settings_are_one_line_errors(tmp_path, text, words):
    cfg = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(config_file=cfg, environ={})
    assert "\n" not in info.value.message
    for word in words:
        assert word in info.value.message


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="Config file not found"):
        load_settings(config_file=tmp_path / "nope.toml", environ={})


def test_bad_environment_value():
    with pytest.raises(ConfigError, match="minutes"):
        load_settings(environ={"PODGEN_MINUTES": "lots"})


def test_settings_are_validated_on_assignment():
    s = Settings()
    with pytest.raises(ValidationError):
        s.minutes = -1


def test_one_to_four_hosts_with_personas_and_distinct_names(tmp_path):
    cfg = write(tmp_path, '[[hosts]]\nname = "Ada"\nvoice = "joe"\npersona = "a sceptical engineer"\n')
    assert load_settings(config_file=cfg, environ={}).hosts[0].persona == "a sceptical engineer"
    for text in (
        "hosts = []\n",
        '[[hosts]]\nname = "A"\nvoice = "joe"\n' * 2,
        "".join(f'[[hosts]]\nname = "H{i}"\nvoice = "joe"\n' for i in range(5)),
    ):
        with pytest.raises(ConfigError, match="hosts"):
            load_settings(config_file=write(tmp_path, text), environ={})


@pytest.mark.parametrize("model", [Settings, Show, Sampling, Host])
def test_every_setting_says_which_stages_it_shapes(model):
    """One place marks what shapes an episode and what is secret: each setting's declaration."""
    for name in model.model_fields:
        if name not in ("show", "sampling"):  # tables: their fields carry the marks
            assert set(marks(model, name)) == {"shapes", "secret"}, f"{model.__name__}.{name} has no marks"


def test_the_skip_hash_and_the_render_fingerprint_read_the_same_marks():
    s = Settings(password="hunter2", pause_ms=500, minutes=3, output_dir="elsewhere", llm_timeout=9)
    every = shaping(s)
    assert "password" not in every and "output_dir" not in every and "llm_timeout" not in every
    assert every["minutes"] == 3 and every["pause_ms"] == 500 and every["context_tokens"] == 8192
    assert every["show"] == {"title": None}  # the feed's settings shape no episode; the show title is its ID3 album
    mix = shaping(s, ["mix"])
    assert mix["pause_ms"] == 500 and "minutes" not in mix and set(mix) <= set(every)
    assert set(STAGES) == {"ingest", "write", "speak", "mix", "check"}


def test_writer_has_one_name_and_llm_is_its_alias():
    from podgen.cli.options import WRITE

    option = next(o for o in WRITE if o.name == "writer")
    assert option.option.param_decls == ("--writer", "--llm")


def test_an_option_declared_twice_fails_loudly():
    from podgen.cli.options import INGEST, LISTEN, _unique, opt

    assert {o.name for o in INGEST} & {o.name for o in LISTEN} == set()  # asr_model and check_asr_model
    twice = (opt("minutes", float, "--minutes", help="a"),), (opt("minutes", float, "--length", help="b"),)
    with pytest.raises(ValueError, match="minutes"):
        _unique(twice)
    shared_flag = (opt("minutes", float, "--minutes", help="a"),), (opt("title", str, "--minutes", help="b"),)
    with pytest.raises(ValueError, match="--minutes"):
        _unique(shared_flag)
    one = opt("title", str, "--title", help="c")
    assert _unique(((one,), (one,))) == [one]  # one option in two groups is one declaration
