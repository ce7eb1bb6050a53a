"""`podgen doctor`: what this machine has for podgen, as a user and a bug report see it."""

from __future__ import annotations

import importlib.metadata
import json

from test_cli import podgen

KEY = "sk-doctor-secret-0123456789abcdef"


def test_the_json_report_says_versions_extras_writers_voices_tools_and_caches(tmp_path):
    cache = tmp_path / "cache"
    (cache / "clips").mkdir(parents=True)
    (cache / "clips" / "a.wav").write_bytes(b"x" * 12345)
    proc = podgen(
        "doctor",
        "--json",
        env={"PODGEN_CACHE_DIR": str(cache), "PODGEN_TTS": "piper", "HF_HUB_CACHE": str(tmp_path / "hub")},
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["versions"]["podgen"] and report["versions"]["python"].startswith("3.")
    assert report["libraries"]["openai"] == importlib.metadata.version("openai")
    assert report["libraries"]["pypdf"] == importlib.metadata.version("pypdf")
    extras = {e["name"]: e for e in report["extras"]}
    assert set(extras) >= {"audio", "docs", "ocr", "serve", "local"} and all(e["ok"] for e in extras.values())
    writers = {w["name"]: w for w in report["writers"]}
    assert writers["offline"]["ok"] and "offline" in writers["auto"]["detail"]
    assert not writers["openai"]["ok"] and "OPENAI_API_KEY" in writers["openai"]["fix"]
    voices = {v["name"]: v for v in report["voices"]}
    assert voices["piper"]["ok"] and "joe" in voices["piper"]["detail"]
    assert not voices["openai"]["ok"] and "OPENAI_API_KEY" in voices["openai"]["fix"]
    tools = {t["name"]: t for t in report["tools"]}
    assert tools["ffmpeg"]["ok"] and tools["whisper tiny.en"]["ok"]
    caches = {c["name"]: c for c in report["caches"]}
    assert caches["clips and model answers"]["bytes"] == 12345
    assert caches["Hugging Face hub (models)"]["path"] == str(tmp_path / "hub")


def test_a_configured_endpoint_is_a_working_writer_and_its_secrets_never_show(chat_server, tmp_path):
    base = chat_server.url.replace("http://", "http://ann:hunter2-pass@")
    env = {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": base, "PODGEN_CACHE_DIR": str(tmp_path / "c")}
    for args in (("doctor",), ("doctor", "--json")):
        proc = podgen(*args, env=env)
        assert proc.returncode == 0, proc.stderr
        text = proc.stdout + proc.stderr
        assert KEY not in text and "hunter2-pass" not in text
    report = json.loads(proc.stdout)
    writers = {w["name"]: w for w in report["writers"]}
    assert writers["openai"]["ok"] and writers["auto"]["detail"].startswith("would use openai")


def test_the_text_report_has_a_part_per_kind_and_says_what_to_do(tmp_path):
    proc = podgen("doctor", env={"PODGEN_CACHE_DIR": str(tmp_path / "c")})
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("podgen ") and " on Python 3." in lines[0]
    for part in ("libraries", "extras", "writers", "voices", "tools", "caches"):
        assert part in lines, part
    assert any(line.strip().startswith("ok  offline:") for line in lines)
    missing = [i for i, line in enumerate(lines) if line.strip().startswith("no ")]
    assert missing and all(lines[i + 1].strip().startswith("->") for i in missing)
