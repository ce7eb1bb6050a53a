"""podgen studio, the local web app: through its pages in headless Chromium (Debian's chromium
package), and its security over httpx. The studio runs as `podgen studio --port 0` in its own
process, speaking with Piper and writing with the offline writer."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from browser import chromium
from conftest import DATA, run_podgen

DOC = DATA / "modelcard-whisper.md"
QUESTION = "What is the main idea of the paper?"
SLUG = "model-card-whisper"
MEDIA = (
    "--autoplay-policy=no-user-gesture-required",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
)


def start_studio(root: Path, log: Path, env: dict[str, str], preexec=None) -> tuple[str, subprocess.Popen]:
    """`podgen studio --port 0 -o ROOT` in its own process, its log (stderr) into ``log``;
    (first URL, process). ``preexec`` runs in the child before podgen starts (a resource limit)."""
    full = {
        **os.environ,
        "PODGEN_TTS": "piper",
        "PODGEN_WRITER": "offline",
        "PODGEN_MAX_DOWNLOAD_MB": "1",
        "COLUMNS": "300",
        **env,
    }
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        full.pop(name, None)
    with open(log, "w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "podgen", "studio", "--port", "0", "-o", str(root)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=full,
            preexec_fn=preexec,
        )
    line = proc.stdout.readline()
    if "podgen studio: http" not in line:
        proc.kill()
        pytest.fail(f"podgen studio did not start: {line}{log.read_text()}")
    return line.split("studio: ")[1].strip(), proc


def stop_studio(proc: subprocess.Popen, log: Path) -> str:
    """Stop the studio; everything it logged."""
    proc.terminate()
    out, _ = proc.communicate(timeout=30)
    return (out or "") + log.read_text()


@pytest.fixture(scope="module")
def studio(tmp_path_factory, clip_cache):
    """`podgen studio --port 0` in its own process; yields (first URL, base URL, token, episodes folder, process).
    Its log is ``studio_log(root)``."""
    root = tmp_path_factory.mktemp("studio") / "episodes"
    first, proc = start_studio(root, studio_log(root), {"PODGEN_CACHE_DIR": str(clip_cache)})
    token = first.split("token=")[1]
    yield first, first.split("/?")[0], token, root, proc
    logged = stop_studio(proc, studio_log(root))
    if token in logged:  # the printed first URL was read above: nothing after it may hold the token
        pytest.fail(f"the studio logged its token: {logged}")


def studio_log(root: Path) -> Path:
    return root.parent / "studio.log"


@pytest.fixture(scope="module")
def api(studio):
    with httpx.Client(
        base_url=studio[1], headers={"X-Podgen-Token": studio[2]}, timeout=120, trust_env=False
    ) as client:
        yield client


@pytest.fixture(scope="module")
def question_wav(tmp_path_factory, clip_cache) -> Path:
    """The question spoken by podgen's own Piper voice, for Chromium's fake microphone."""
    from podgen.config import Settings
    from podgen.models import Line
    from podgen.speak import speak_lines

    settings = Settings(tts="piper", cache_dir=clip_cache)
    return speak_lines([Line("Alex", QUESTION)], ["Alex", "Sam"], settings)[0]


@pytest.fixture(scope="module")
def page(studio, question_wav, tmp_path_factory):
    with chromium(
        tmp_path_factory.mktemp("chromium-profile"),
        (*MEDIA, f"--use-file-for-fake-audio-capture={question_wav}%noloop"),
        bypass_csp=True,
    ) as context:
        page = context.new_page()
        page.goto(studio[0])
        yield page


def _slug(root: Path) -> str:
    """The episode the page makes (from DOC, titled "Model Card: Whisper")."""
    assert (root / SLUG).is_dir(), sorted(p.name for p in root.iterdir())
    return SLUG


def _script(root: Path) -> dict:
    return json.loads((root / _slug(root) / "script.json").read_text(encoding="utf-8"))


# --- security, over httpx


def test_every_request_needs_the_token(studio):
    first, base, token, _, _ = studio
    wrong = token[:-1] + ("A" if token[-1] != "A" else "B")
    for path in ("/", "/library", "/api/jobs", "/api/episodes", "/static/studio.js", "/site/"):
        assert httpx.get(base + path, trust_env=False).status_code == 403, path
        assert httpx.get(base + path, headers={"X-Podgen-Token": wrong}, trust_env=False).status_code == 403
    refused = httpx.get(base + "/api/jobs", trust_env=False)
    assert set(refused.json()) == {"error", "hint"}
    page = httpx.get(base + "/", headers={"Accept": "text/html"}, trust_env=False)
    assert page.status_code == 403 and "Open the URL podgen studio printed" in page.text


def test_the_first_url_sets_a_strict_cookie_and_drops_the_token(studio):
    first, base, token, _, _ = studio
    response = httpx.get(first, trust_env=False)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    with httpx.Client(base_url=base, trust_env=False, cookies={"podgen_studio": token}) as client:
        assert client.get("/").status_code == 200
        assert client.post("/api/publish", json={}).status_code == 403  # a cookie alone: no Origin, no header
        assert client.post("/api/publish", json={}, headers={"Origin": "http://evil.example"}).status_code == 403
        assert client.post(f"/api/jobs/nothing/cancel?token={token}").status_code == 403  # not in a POST's URL
        assert client.post("/api/jobs/nothing/cancel", headers={"Origin": base}).status_code == 404


def test_another_host_name_is_refused(studio):
    where = urlsplit(studio[1])
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
    conn.request("GET", "/", headers={"Host": f"attacker.example:{where.port}", "X-Podgen-Token": studio[2]})
    assert conn.getresponse().status == 403


@pytest.mark.parametrize(
    "path",
    [
        "/episodes/../secret.txt",
        "/episodes/%2e%2e/files/audio",
        "/episodes/x/files/..%2f..%2fsecret.txt",
        "/static/../../secret.txt",
        "/static/%2e%2e/%2e%2e/secret.txt",
        "/static/..%5c..%5csecret.txt",
        "//etc/passwd",
        "/site/%2fetc%2fpasswd",
        "/clips/..%2f..%2fsecret.txt",
        "/episodes/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/api/episodes/..%2f.studio",
    ],
)
def test_nothing_outside_the_studio_is_served(studio, path):
    first, base, token, root, _ = studio
    (root.parent / "secret.txt").write_text("top secret\n")
    where = urlsplit(base)
    conn = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
    conn.request("GET", path, headers={"X-Podgen-Token": token})  # sent exactly as written
    response = conn.getresponse()
    body = response.read()
    assert response.status in (400, 404), (path, response.status)
    assert b"top secret" not in body and b"root:" not in body


def test_bad_input_is_one_line_and_a_hint(api):
    response = api.post("/api/episodes", data={"minutes": "1"})
    assert response.status_code == 400 and response.json()["error"].startswith("Give at least one source")
    response = api.post("/api/episodes", data={"urls": "file:///etc/passwd"})
    assert response.status_code == 400 and "not an http(s) URL" in response.json()["error"]
    response = api.post("/api/episodes", data={"urls": "https://example.org/", "minutes": "-3"})
    assert response.status_code == 400 and "minutes" in response.json()["error"] and response.json()["hint"]
    assert api.get("/api/episodes/no-such-episode").status_code == 404


def test_uploads_are_limited_and_names_choose_no_path(api, studio):
    big = api.post("/api/episodes", files={"files": ("big.txt", b"word " * 300_000)})
    assert big.status_code == 413 and "larger than the studio takes" in big.json()["error"]
    from podgen.studio.security import stored_name

    assert stored_name("../../etc/passwd") == "passwd"
    assert stored_name("..\\..\\Windows\\evil.PDF") == "evil.pdf"
    assert "/" not in stored_name("a/b/../c.md") and stored_name("") == "episode"


def test_a_remote_host_needs_an_explicit_flag():
    proc = run_podgen("studio", "--host", "0.0.0.0", "--port", "0")
    assert proc.returncode == 2 and "--allow-remote" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


# --- hostile input, over HTTP: each answer a 4xx in JSON, nothing served from outside


@pytest.fixture
def planted(studio) -> Path:
    """An episode folder of the test's own in the studio's folder ("planted"): a script, a real
    chapters.json, and episode.mp3 and transcript.srt that are symlinks to files outside it; a
    clip in the clip cache that is a symlink too. Removed after the test."""
    root = studio[3]
    secret = root.parent / "secret.txt"
    secret.write_text("top secret\n")
    folder = _plant(root)
    (folder / "chapters.json").write_text('{"version": "1.2.0", "chapters": []}')
    (folder / "episode.mp3").symlink_to(secret)
    (folder / "transcript.srt").symlink_to("/etc/passwd")
    clips = root / ".studio" / "clips"
    clips.mkdir(parents=True, exist_ok=True)
    clip = clips / f"{'ab' * 32}.wav"
    clip.symlink_to(secret)
    yield folder
    shutil.rmtree(folder)
    clip.unlink()


def _plant(root: Path) -> Path:
    """An episode folder "planted" in ``root`` with a script of two lines (Alex and Sam)."""
    from podgen.models import Chapter, Line, Script

    folder = root / "planted"
    folder.mkdir(parents=True)
    lines = [Line("Alex", "Welcome to the show."), Line("Sam", "Today we talk about lamps.")]
    script = Script("Planted", "", lines, [Chapter("Hello", 0)], hosts=["Alex", "Sam"])
    (folder / "script.json").write_text(script.to_json())
    return folder


def _refused(response: httpx.Response, status: int | tuple[int, ...] = 400) -> dict:
    """The answer is a refusal in the studio's JSON: the status, {"error", "hint"}, one line."""
    statuses = (status,) if isinstance(status, int) else status
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json"), response.text[:300]
    body = response.json()
    assert set(body) == {"error", "hint"} and body["error"] and "\n" not in body["error"], body
    return body


def test_a_file_reached_through_a_symlink_out_of_the_folder_is_not_served(api, planted):
    assert api.get("/episodes/planted/files/chapters").status_code == 200  # a real file of the episode is
    for key in ("audio", "transcript_srt"):
        response = api.get(f"/episodes/planted/files/{key}")
        assert (
            response.status_code == 404 and b"top secret" not in response.content and b"root:" not in response.content
        )
    response = api.get(f"/clips/{'ab' * 32}.wav")
    assert response.status_code == 404 and b"top secret" not in response.content


def test_json_nested_200_000_deep_is_a_400(api, planted):
    deep = b"[" * 200_000
    for method, path in (("PUT", "/api/episodes/planted/script"), ("POST", "/api/episodes/planted/keep")):
        response = api.request(method, path, content=deep, headers={"content-type": "application/json"})
        assert "not JSON" in _refused(response)["error"]


def test_a_body_of_the_wrong_shape_is_a_short_400(api, planted):
    deep = json.loads("[" * 500 + "]" * 500)
    for path, body in (
        ("keep", {"lines": [{"speaker": "Alex", "text": deep}], "after": 0}),  # was kept as the text "[[[[..."
        ("keep", {"lines": [{"speaker": "Alex", "text": "Hi."}], "time": "x" * 100_000}),
        ("speak", {"speaker": "x" * 100_000, "text": "Hello."}),
    ):
        assert len(_refused(api.post(f"/api/episodes/planted/{path}", json=body))["error"]) < 200, path
    assert json.loads((planted / "script.json").read_text())["lines"][0]["text"] == "Welcome to the show."


def test_a_recording_that_is_not_audio_is_a_400(api, planted):
    for name, data in (("empty.wav", b""), ("random.wav", os.urandom(30_000)), ("text.webm", b"not audio\n" * 500)):
        response = api.post("/api/episodes/planted/ask", files={"audio": (name, data)}, data={"time": "1"})
        assert "cannot be read as audio" in _refused(response)["error"], name


def _silence(path: Path, seconds: float) -> Path:
    """``seconds`` of digital silence, encoded by ffmpeg (FLAC: ten minutes are a few kilobytes)."""
    from podgen.ffmpeg import run

    run(["-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", str(seconds), "-c:a", "flac", str(path)])
    return path


def test_a_silent_or_overlong_recording_is_refused_before_it_is_answered(api, planted, tmp_path):
    quiet = _silence(tmp_path / "quiet.flac", 20)
    response = api.post("/api/episodes/planted/ask", files={"audio": ("q.flac", quiet.read_bytes())})
    assert "No speech was heard" in _refused(response)["error"]  # Whisper alone hears "you" in it
    long = _silence(tmp_path / "long.flac", 600)
    assert long.stat().st_size < 200_000
    response = api.post("/api/episodes/planted/ask", files={"audio": ("q.flac", long.read_bytes())})
    assert "longer than 120 seconds" in _refused(response)["error"]


def _chunked(
    base: str, token: str, method: str, path: str, kind: str, head: bytes, size: int
) -> tuple[int, bytes, bytes]:
    """Send ``head`` and then ``size`` bytes as a chunked body (no Content-Length), reading the
    answer all along (the studio answers before the body ends); (status, headers, body)."""
    where = urlsplit(base)
    sock = socket.create_connection((where.hostname, where.port), timeout=30)
    got = bytearray()

    def read() -> None:
        try:
            while data := sock.recv(65536):
                got.extend(data)
        except OSError:
            pass

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    request = (
        f"{method} {path} HTTP/1.1\r\nHost: {where.netloc}\r\nX-Podgen-Token: {token}\r\n"
        f"Content-Type: {kind}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    try:
        sock.sendall(request.encode())
        block = head + b"x" * (65536 - len(head))
        sent = 0
        while sent < size and not got:
            sock.sendall(f"{len(block):x}\r\n".encode() + block + b"\r\n")
            sent, block = sent + len(block), b"x" * 65536
        sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the studio stopped reading: its answer is in
    reader.join(timeout=30)
    sock.close()
    head, _, body = bytes(got).partition(b"\r\n\r\n")
    if b"transfer-encoding: chunked" in head.lower():
        body = body.split(b"\r\n", 1)[1].rsplit(b"\r\n0\r\n", 1)[0]
    return int(head.split(b" ", 2)[1]), head.lower(), body


def test_a_chunked_body_past_the_limit_is_a_413_in_json(studio, planted):
    _, base, token, _, _ = studio
    part = b'--B\r\nContent-Disposition: form-data; name="%s"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n'
    for method, path, kind, head in (
        ("POST", "/api/episodes", "multipart/form-data; boundary=B", part % b"files"),
        ("PUT", "/api/episodes/planted/script", "application/json", b'{"lines": "'),
        ("POST", "/api/episodes/planted/ask", "multipart/form-data; boundary=B", part % b"audio"),
        ("POST", "/api/episodes/planted/ask", "application/json", b'{"question": "'),
    ):
        status, headers, body = _chunked(base, token, method, path, kind, head, 3 << 20)  # the limit is 1 MB
        assert status == 413 and b"content-type: application/json" in headers, (path, status, body[:300])
        assert "larger than the studio takes" in json.loads(body)["error"], (path, body)


def test_a_line_to_speak_longer_than_a_script_line_is_refused(api, planted):
    response = api.post("/api/episodes/planted/speak", json={"speaker": "Alex", "text": "A short sentence. " * 230})
    assert "at most 4,000" in _refused(response)["error"]


def test_every_free_text_field_of_the_form_is_capped(api):
    huge = "T " * 50_000  # 100,000 characters
    for field in ("title", "focus", "model", "voices", "writer", "tts", "language", "format", "minutes", "urls"):
        response = api.post("/api/episodes", data={field: huge})
        error = _refused(response)["error"]
        assert field in error and len(error) < 200, (field, error)
    assert not [job for job in api.get("/api/jobs").json() if job["title"].startswith("T T")]
    for field in ("title", "model"):
        error = _refused(api.post("/api/episodes", data={field: "x" * 301}))["error"]
        assert field in error and "300" in error, error


def test_music_is_one_of_the_form_s_choices_and_says_nothing_of_server_files(api):
    said = set()
    for music in ("/etc/passwd", "/nonexistent/song.mp3", "../../secret.txt"):
        said.add(_refused(api.post("/api/episodes", data={"music": music, "urls": "https://example.org/"}))["error"])
    assert len(said) == 1 and "none or default" in said.pop()


def test_a_form_the_parser_refuses_is_a_400_in_json(api):
    files = [("files", (f"f{i}.txt", b"x")) for i in range(21)]  # more than the 20 files a form may hold
    assert "files" in _refused(api.post("/api/episodes", files=files))["error"].lower()


def test_a_missing_episode_page_is_a_404(api):
    assert api.get("/episodes/no-such-episode", headers={"accept": "text/html"}).status_code == 404
    assert api.get("/episodes/no-such-episode/files/audio").status_code == 404


def test_errors_name_no_absolute_server_path(api, planted, studio):
    root = studio[3]
    broken = root / "broken"
    broken.mkdir()
    (broken / "script.json").write_text("{not json")
    try:
        shown = [_refused(api.get("/api/episodes/broken"))["error"], api.get("/episodes/broken").text]
        job = api.post("/api/episodes/planted/check").json()
        shown.append(json.dumps(_wait(api, job["id"])["error"]))
    finally:
        shutil.rmtree(broken)
    assert "broken/script.json" in shown[0] and "planted" in shown[2]
    for text in shown:
        assert str(root) not in text and str(root.resolve()) not in text and "/tmp/" not in text, text


ADDRESS_SPACE_MB = 3072
"""The address space the studio gets below: speaking a line of 2,000 characters without a full
stop in one go took Piper 2.7 GB of memory alone."""


@pytest.mark.slow
def test_a_100_000_character_field_and_a_long_line_fit_in_a_bounded_address_space(tmp_path):
    """The studio, under an address-space limit (RLIMIT_AS, in its own process): a form whose
    title is 100,000 characters is refused, and a line of 2,000 characters with no full stop is
    spoken, in pieces, without running out of memory."""
    import resource
    import wave

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_MB << 20, ADDRESS_SPACE_MB << 20))

    root, log = tmp_path / "episodes", tmp_path / "studio.log"
    env = {
        "PODGEN_CACHE_DIR": str(tmp_path / "cache"),
        "MALLOC_ARENA_MAX": "2",
    }  # address space alike on any core count
    first, proc = start_studio(root, log, env, preexec=limit)
    try:
        with httpx.Client(
            base_url=first.split("/?")[0],
            headers={"X-Podgen-Token": first.split("token=")[1]},
            timeout=600,
            trust_env=False,
        ) as client:
            response = client.post(
                "/api/episodes",
                data={"title": "T " * 50_000, "writer": "offline", "minutes": "0.5"},
                files={"files": ("doc.md", DOC.read_bytes())},
            )
            assert "title" in _refused(response)["error"]
            _plant(root)
            line = ("the model reads a long clause, and then another one follows it, " * 40)[:2000]
            response = client.post("/api/episodes/planted/speak", json={"speaker": "Alex", "text": line})
            assert response.status_code == 200, response.text[:500]
            (name,) = response.json()["clips"]
            with wave.open(str(root / ".studio" / "clips" / name)) as clip:
                assert clip.getnframes() / clip.getframerate() > 60  # the whole line was said
            peak = re.search(r"VmPeak:\s+(\d+)", Path(f"/proc/{proc.pid}/status").read_text())
    finally:
        logged = stop_studio(proc, log)
    assert "Traceback" not in logged and "MemoryError" not in logged, logged[-2000:]
    print(f"studio's peak address space: {int(peak.group(1)) >> 10} MB of {ADDRESS_SPACE_MB} MB")


# --- through the page


@pytest.mark.slow
def test_make_an_episode_and_watch_its_progress(page, studio):
    page.goto(studio[1] + "/")
    page.set_input_files("#files", str(DOC))
    page.fill("#minutes", "0.5")
    page.select_option("#writer", "offline")
    page.click("#start")
    job = page.locator("#jobs li").first
    job.locator(".stage[data-stage=speak]").wait_for()
    page.wait_for_selector("#jobs li.job.done")
    assert job.locator(".stage[data-stage=mix] .count").inner_text() == "3/3"
    job.locator("button.listen").click()  # its lines, played in order as they were spoken
    page.wait_for_function("document.querySelector('#jobs li audio').currentSrc.includes('/clips/')")
    assert int(job.get_attribute("data-clips")) == len(_script(studio[3])["lines"])
    page.reload()  # a job survives a reload
    page.wait_for_selector("#jobs li.job.done")
    page.click("#jobs li.job.done a.open")
    page.wait_for_selector("#editor li")
    assert page.locator("#editor li").count() == len(_script(studio[3])["lines"])


@pytest.mark.slow
def test_play_moves_the_transcript_highlight(page):
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    page.evaluate(
        "(() => { const a = document.getElementById('player'); const first = "
        "document.querySelector('#transcript li'); a.currentTime = parseFloat(first.dataset.end) - 0.6; "
        "a.play(); })()"
    )
    page.wait_for_function("document.querySelectorAll('#transcript li.speaking').length === 1")
    start = page.evaluate("document.getElementById('player').currentTime")
    first = page.locator("#transcript li.speaking").get_attribute("data-start")
    page.wait_for_function(
        f"document.querySelector('#transcript li.speaking') && "
        f"document.querySelector('#transcript li.speaking').dataset.start !== '{first}'"
    )
    assert page.evaluate("document.getElementById('player').currentTime") > start
    page.evaluate("document.getElementById('player').pause()")


@pytest.mark.slow
def test_edit_one_line_and_render_speaks_it_alone(page, studio):
    text = "Whisper was trained on a large amount of audio from the web."
    page.locator("#editor li").nth(2).locator("textarea").fill(text)
    page.click("#render")
    page.wait_for_selector("#flash:not([hidden])")
    assert page.locator("#flash").inner_text().startswith("render done: 1 line spoken,")
    assert _script(studio[3])["lines"][2]["text"] == text


@pytest.mark.slow
def test_join_with_a_typed_question_answers_from_the_source(page, studio):
    page.wait_for_function("document.getElementById('player').readyState >= 1")
    page.evaluate("(() => { const a = document.getElementById('player'); a.currentTime = 12; a.play(); })()")
    page.click("#join-open")
    assert page.evaluate("document.getElementById('player').paused")
    page.fill("#question", "What data was Whisper trained on?")
    with page.expect_response(lambda r: r.url.endswith("/ask")) as asked:
        page.click("#ask")
    answer = asked.value.json()
    page.wait_for_function("document.querySelectorAll('#answer li').length === 2")
    shown = page.locator("#answer li").nth(1).inner_text()
    source = " ".join(DOC.read_text(encoding="utf-8").split())
    assert answer["extractive"] and answer["sources"]
    assert all(sentence in shown and sentence[:40] in source for sentence in answer["sources"]), shown
    said = answer["clips"][1]
    page.wait_for_function(f"document.getElementById('answer-player').src.endsWith('{said}')")
    page.wait_for_function("document.getElementById('answer-player').currentTime > 0.5")
    page.wait_for_function("!document.getElementById('player').paused")  # the episode resumes
    assert page.evaluate("document.getElementById('player').currentTime") >= 11.9
    page.evaluate("document.getElementById('player').pause()")
    from podgen.asr import transcribe_text

    heard = set(re.findall(r"[a-z]{5,}", transcribe_text(studio[3] / ".studio" / "clips" / said).lower()))
    words = set(re.findall(r"[a-z]{5,}", " ".join(answer["sources"]).lower()))
    assert len(words & heard) >= len(words) // 2, (heard, words)  # the answer's audio says the source's words


@pytest.mark.slow
def test_join_with_a_spoken_question_is_transcribed(page):
    page.click("#join-open")
    page.fill("#question", "")
    page.click("#record")
    page.wait_for_function("document.getElementById('record').textContent.startsWith('Stop')")
    time.sleep(3.5)
    page.click("#record")
    page.wait_for_function(
        "document.querySelectorAll('#answer li').length === 2 && document.getElementById('question').value.length > 0"
    )
    heard = page.input_value("#question").lower()
    assert "main idea" in heard, heard
    page.evaluate("document.getElementById('player').pause()")


@pytest.mark.slow
def test_keep_puts_the_exchange_into_the_script(page, studio):
    before = _script(studio[3])["lines"]
    page.click("#keep")
    page.wait_for_selector("#flash:not([hidden])")
    after = _script(studio[3])["lines"]
    assert len(after) == len(before) + 2
    asked = [i for i, line in enumerate(after) if "main idea" in line["text"].lower()]
    assert asked and after[asked[0] + 1]["speaker"] != after[asked[0]]["speaker"]


@pytest.mark.slow
def test_a_check_finding_shows_on_its_line(page, studio):
    root = studio[3]
    folder = root / _slug(root)
    script = json.loads((folder / "script.json").read_text(encoding="utf-8"))
    script["lines"][4]["text"] = "Purple elephants dance quietly over the frozen harbour every single evening."
    (folder / "script.json").write_text(json.dumps(script), encoding="utf-8")  # the audio says something else
    page.reload()
    page.click("#check")
    page.wait_for_selector("#flash:not([hidden])")
    finding = page.locator("#editor li").nth(4).locator(".finding")
    assert finding.count() >= 1 and "speech." in finding.first.inner_text()
    assert finding.first.locator("button.fix").count() == 1


@pytest.mark.slow
def test_library_lists_the_episode_and_publishes(page, studio):
    page.goto(studio[1] + "/library")
    assert page.locator("table.library tbody tr").count() == 1
    page.click("#publish button")
    page.wait_for_selector("#site-link")
    page.click("#site-link")
    page.wait_for_selector(".episode h2 a")
    assert page.locator(".episode h2 a").count() == 1


def _wait(api, job_id: str, done=lambda job: job["state"] in ("done", "failed", "cancelled")) -> dict:
    for _ in range(1200):
        job = api.get(f"/api/jobs/{job_id}").json()
        if done(job):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} never got there: {job}")


@pytest.mark.slow
def test_jobs_queue_one_at_a_time_and_cancel(api, studio):
    long = api.post(
        "/api/episodes",
        files={"files": ("norwich.txt", (DATA / "article-wikipedia-mojibake.txt").read_bytes())},
        data={"minutes": "2", "writer": "offline"},
    ).json()
    queued = api.post(f"/api/episodes/{_slug(studio[3])}/render").json()
    _wait(api, long["id"], lambda job: "speak" in job["stages"])
    assert api.get(f"/api/jobs/{queued['id']}").json()["state"] == "queued"  # one at a time
    assert api.post(f"/api/jobs/{queued['id']}/cancel").json()["state"] == "cancelled"
    api.post(f"/api/jobs/{long['id']}/cancel")
    stopped = _wait(api, long["id"])
    assert stopped["state"] == "cancelled" and stopped["error"]["message"].startswith("Cancelled during")
    assert stopped["error"]["hint"]


@pytest.mark.slow
def test_a_make_job_lists_its_lines_clips_as_they_are_spoken(api, studio):
    """The page plays a job's audio as it grows: the job lists the clips of its first lines, in
    order, each served as a WAV while the job may still run."""
    made = api.post(
        "/api/episodes",
        files={"files": ("notes.txt", (DATA / "notes-bom.txt").read_bytes())},
        data={"minutes": "0.5", "writer": "offline"},
    ).json()
    done = _wait(api, made["id"])
    assert done["state"] == "done" and done["clips"], done
    script = json.loads((studio[3] / done["result"]["slug"] / "script.json").read_text(encoding="utf-8"))
    assert len(done["clips"]) == len(script["lines"])  # every line, in the script's order
    first = api.get(f"/clips/{done['clips'][0]}")
    assert first.status_code == 200 and first.headers["content-type"] == "audio/wav" and first.content[:4] == b"RIFF"


def test_the_token_is_never_logged(studio, api):
    api.get("/api/jobs")
    _, _, token, root, proc = studio
    jobs = "".join(p.read_text() for p in (root / ".studio" / "jobs").glob("*.json"))
    assert token not in jobs


# --- the library parts, without a server


def test_a_job_left_running_shows_as_interrupted_after_a_restart(tmp_path):
    import threading

    from podgen.studio.jobs import Jobs

    release = threading.Event()
    jobs = Jobs(tmp_path)
    job = jobs.submit("make", "slow", lambda progress, job: (progress("ingest", 0, 1), release.wait(10)) and {})
    for _ in range(100):
        if jobs.get(job.id).state == "running":
            break
        time.sleep(0.05)
    again = Jobs(tmp_path)
    assert again.get(job.id).state == "interrupted" and again.get(job.id).error["hint"]
    release.set()


def test_a_cancel_lands_in_the_progress_callback(tmp_path):
    from podgen.studio.jobs import Jobs

    jobs = Jobs(tmp_path)

    def work(progress, job):
        for i in range(1000):
            progress("speak", i, 1000)
            time.sleep(0.01)
        return {}

    job = jobs.submit("render", "long", work)
    while jobs.get(job.id).state != "running":
        time.sleep(0.01)
    jobs.cancel(job.id)
    for _ in range(200):
        if jobs.get(job.id).state == "cancelled":
            break
        time.sleep(0.05)
    assert jobs.get(job.id).state == "cancelled" and "Cancelled during speak" in jobs.get(job.id).error["message"]


def test_edits_move_chapters_with_their_lines():
    from podgen.edit import Row, edited, inserted
    from podgen.models import Chapter, Line, Script

    script = Script(
        "T",
        "",
        [Line("A", f"Line {i}.") for i in range(5)],
        [Chapter("Welcome", 0), Chapter("Two", 2)],
        hosts=["A", "B"],
    )
    rows = [
        Row("A", "Line 0.", 0),
        Row("B", "New.", None),
        Row("A", "Line 1.", 1),
        Row("A", "Line 3.", 3),
        Row("A", "Line 4.", 4),
    ]
    changed = edited(script, rows)
    assert [c.line for c in changed.chapters] == [0, 3]  # line 2 deleted: its chapter starts at line 3, now third
    assert changed.lines[1].speaker == "B"
    grown = inserted(script, 2, [Line("A", "Asked?"), Line("B", "Answered.")])
    assert grown.lines[3].text == "Asked?" and [c.line for c in grown.chapters] == [0, 2]
    from podgen.edit import exchange_end

    talk = Script(
        "T",
        "",
        [Line("A", "So what is it?"), Line("B", "A lamp."), Line("A", "Right."), Line("A", "Next?")],
        hosts=["A", "B"],
    )
    assert [exchange_end(talk, i) for i in range(4)] == [1, 1, 2, 3]  # never between a question and its answer


def test_edits_keep_the_chapters_points_and_move_the_highlight():
    from podgen.edit import Row, edited, inserted
    from podgen.models import Chapter, Line, Script

    script = Script(
        "T",
        "",
        [Line("A", f"Line {i}.") for i in range(6)],
        [Chapter("Welcome", 0, ["Hello"]), Chapter("Two", 3, ["Lamps burn oil"])],
        hosts=["A", "B"],
        highlight=[3, 4],
    )
    rows = [
        Row("A", "Line 0.", 0),
        Row("A", "Line 2.", 2),
        Row("A", "Line 3.", 3),
        Row("A", "Line 4.", 4),
        Row("A", "Line 5.", 5),
    ]  # line 1 deleted
    changed = edited(script, rows)
    assert [(c.line, c.points) for c in changed.chapters] == [(0, ["Hello"]), (2, ["Lamps burn oil"])]
    assert changed.highlight == [2, 3] and changed.lines[2].text == "Line 3."
    grown = inserted(script, 1, [Line("A", "Asked?"), Line("B", "Answered.")])
    assert (
        grown.highlight == [5, 6]
        and grown.lines[5].text == "Line 3."
        and grown.chapters[1].points == ["Lamps burn oil"]
    )
    assert edited(script, [Row("A", "Only.", 0)]).highlight == []


def test_an_offline_answer_reads_the_source_and_says_so(settings):
    from podgen.ingest import extract_all
    from podgen.write.answer import answer_question

    document = extract_all([DOC], settings)
    settings.writer = "offline"
    answer = answer_question("How much audio were the models trained on?", document, settings, ["Alex", "Sam"])
    assert answer.extractive and answer.sources
    assert all(sentence in answer.lines[1].text for sentence in answer.sources)
    nothing = answer_question("Who won the 1966 world cup final?", document, settings, ["Alex", "Sam"])
    assert not nothing.sources and "document" in nothing.lines[1].text


def test_a_model_answers_from_the_closest_sentences_and_its_claims_are_checked(settings, chat_server, no_proxy):
    from servers.chat import Answer

    from podgen.ingest import extract_all
    from podgen.write.answer import answer_question

    document = extract_all([DOC], settings)
    settings.writer, settings.llm_base_url, settings.model = "openai", chat_server.url, "test-model"
    chat_server.push(
        Answer(
            "The models learned from 680,000 hours of audio. They were made by Zorblax Labs in 1850. "
            "They work best in English."
        )
    )
    answer = answer_question("How much audio were the models trained on?", document, settings, ["Alex", "Sam"])
    assert not answer.extractive and answer.writer == "openai"
    assert "680,000 hours" in answer.lines[1].text and set(answer.unsupported) >= {"Zorblax", "1850"}
    asked = chat_server.requests[-1].text
    assert "680,000 hours" in asked and "How much audio were the models trained on?" in asked


def test_a_studio_on_every_address_takes_any_host_but_still_needs_the_token(settings):
    from starlette.testclient import TestClient

    from podgen.studio import studio_app

    client = TestClient(studio_app(settings, "t0ken-t0ken", None), base_url="http://192.168.1.5:8765")
    assert client.get("/api/jobs").status_code == 403
    assert client.get("/api/jobs", headers={"X-Podgen-Token": "t0ken-t0ken"}).status_code == 200
    client.cookies.set("podgen_studio", "t0ken-t0ken")
    assert client.post("/api/jobs/x/cancel", headers={"Origin": "http://evil.example"}).status_code == 403
    assert client.post("/api/jobs/x/cancel", headers={"Origin": "http://192.168.1.5:8765"}).status_code == 404


def test_the_new_episode_form_becomes_settings(settings):
    from podgen.studio.actions import make_settings

    made = make_settings(settings, {"minutes": "0.5", "music": "none", "stereo": "on", "focus": " ", "video": "on"})
    assert made.minutes == 0.5 and made.music is None and made.stereo and made.focus is None
    assert made.cache_dir == settings.cache_dir  # the studio's own settings stay under the form's
    assert made.video and not made.short


def test_the_studio_logged_no_traceback(studio):
    """Last of the tests over HTTP: after every hostile request above, the studio's log holds no
    traceback (each was refused as a one-line error, not raised)."""
    logged = studio_log(studio[3]).read_text()
    assert "Traceback" not in logged and "Exception in ASGI application" not in logged, logged[-3000:]


def test_two_threads_asking_a_registry_at_once_both_find_its_backends(monkeypatch):
    """The studio's request threads and its job thread may ask a registry for the first time at
    once: the second waits for the entry points the first is loading, not a half-filled registry."""
    from importlib.metadata import entry_points

    from podgen import registry

    loading = threading.Event()

    def slow(group: str):
        loading.set()
        time.sleep(0.5)
        return entry_points(group=group)

    monkeypatch.setattr(registry, "entry_points", slow)
    voices = registry.Registry("podgen.voices", "voice backend")
    found: list[object] = []
    first = threading.Thread(target=lambda: found.append(voices.get("piper")))
    first.start()
    loading.wait(5)
    found.append(voices.get("piper"))  # raised UnknownBackend "(none installed)" while the first loaded
    first.join()
    assert len(found) == 2 and found[0] is found[1]


def test_server_paths_are_taken_out_of_errors_only_where_a_path_starts(tmp_path):
    from podgen.studio.security import shown_paths

    root, cache = tmp_path / "episodes", tmp_path / "cache"
    shown = shown_paths(
        f"No script.json in {root}/slug. {root} is empty; {root}2/a stays; {cache}/clips/x.wav; /x{root}/b",
        root,
        {cache: "<cache>"},
    )
    assert shown == (
        f"No script.json in slug. the episodes folder is empty; {root}2/a stays; <cache>/clips/x.wav; /x{root}/b"
    )
