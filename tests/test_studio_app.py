"""podgen studio, the local web app: through its pages in headless Chromium (Debian's chromium
package), and its security over httpx. The studio runs as `podgen studio --port 0` in its own
process, speaking with Piper and writing with the offline writer."""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
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


@pytest.fixture(scope="module")
def studio(tmp_path_factory, clip_cache):
    """`podgen studio --port 0` in its own process; yields (first URL, base URL, token, episodes folder, process)."""
    root = tmp_path_factory.mktemp("studio") / "episodes"
    env = {
        **os.environ,
        "PODGEN_TTS": "piper",
        "PODGEN_WRITER": "offline",
        "PODGEN_CACHE_DIR": str(clip_cache),
        "PODGEN_MAX_DOWNLOAD_MB": "1",
        "COLUMNS": "300",
    }
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        env.pop(name, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "podgen", "studio", "--port", "0", "-o", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    line = proc.stdout.readline()
    if "podgen studio: http" not in line:
        proc.kill()
        pytest.fail(f"podgen studio did not start: {line}{proc.stderr.read()}")
    first = line.split("studio: ")[1].strip()
    token = first.split("token=")[1]
    yield first, first.split("/?")[0], token, root, proc
    proc.terminate()
    logged = "".join(proc.communicate(timeout=30))
    if token in logged:  # the printed first URL was read above: nothing after it may hold the token
        pytest.fail(f"the studio logged its token: {logged}")


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
