"""The openai writer on the longest corpus PDF against a local chat server with 1 s per call.

Prints, side by side, for ``--llm-concurrency 1`` and the default: chat requests, the largest
request in (estimated) tokens, total tokens in and out, and the wall time of writing the
script. The server is the test suite's local chat-completions server (real HTTP, the real
``openai`` client); each run starts from an empty request cache.

    .venv/bin/python bench/bench_writer.py [--pdf tests/data/report-long.pdf] [--minutes 5] [--latency 1]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from servers.chat import ChatServer  # noqa: E402
from servers.plausible import plausible  # noqa: E402

from podgen.config import Settings  # noqa: E402
from podgen.ingest import extract  # noqa: E402
from podgen.write import write_script  # noqa: E402

CORPUS_PDF = ROOT.parent / "shared" / "corpus" / "report-long.pdf"
PDF = CORPUS_PDF if CORPUS_PDF.is_file() else ROOT / "tests" / "data" / "report-long.pdf"


def run(document, url: str, work: Path, minutes: float, concurrency: int | None) -> dict:
    values = {
        "writer": "openai",
        "llm_base_url": url,
        "cache_dir": work / f"cache-{concurrency}",
        "output_dir": work / "episodes",
        "minutes": minutes,
    }
    settings = Settings(**values, **({"llm_concurrency": concurrency} if concurrency else {}))
    start = time.perf_counter()
    script = write_script(document, settings)
    stats = script.stats
    return {
        "concurrency": settings.llm_concurrency,
        "requests": stats["requests"],
        "largest request (tokens)": stats["largest_request"],
        "tokens in + out": stats["tokens_in"] + stats["tokens_out"],
        "script words": script.word_count(),
        "wall time (s)": round(time.perf_counter() - start, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", type=Path, default=PDF)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--latency", type=float, default=1.0, help="seconds the server takes per call")
    args = parser.parse_args()
    document = extract(args.pdf, Settings())
    print(
        f"{args.pdf.name}: {document.meta.get('pages', '?')} pages, {document.word_count():,} words; "
        f"target {args.minutes:g} minutes; server latency {args.latency:g}s per call; context_tokens "
        f"{Settings().context_tokens}"
    )
    server = ChatServer(plausible, latency=args.latency).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            rows = [run(document, server.url, Path(tmp), args.minutes, c) for c in (1, None)]
    finally:
        server.stop()
    width = max(len(k) for k in rows[0])
    print(f"{'':<{width}}  {'sequential':>12}  {'default':>12}")
    for key in rows[0]:
        print(f"{key:<{width}}  {rows[0][key]:>12,}  {rows[1][key]:>12,}")
    print(f"default / sequential wall time: {rows[1]['wall time (s)'] / rows[0]['wall time (s)']:.2f}")


if __name__ == "__main__":
    main()
