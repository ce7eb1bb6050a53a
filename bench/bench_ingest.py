"""Ingest speed, side by side in one run:

* pages per second reading the longest PDF (76 pages) with pypdf in one process and with
  pages spread over worker processes, and PyMuPDF's figure for reference (PyMuPDF is AGPL:
  it is a bench-only dependency, never one of podgen's: `pip install -e '.[bench]'`);
* OCR seconds per page (RapidOCR) on a full two-column page image and a scanned PDF page;
* speech recognition time as a fraction of the audio's length (Whisper tiny.en, int8).

    .venv/bin/python bench/bench_ingest.py [--corpus DIR] [--repeat 3]
"""
from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


def best_of(repeat: int, action) -> float:
    return min(timed(action)[0] for _ in range(repeat))


def timed(action) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process and its finished children)."""
    def cpu() -> float:
        own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    start, used = time.perf_counter(), cpu()
    action()
    return time.perf_counter() - start, cpu() - used


def pdf_rates(path: Path, repeat: int) -> list[tuple[str, str]]:
    from pypdf import PdfReader

    from podgen.ingest.pdf_pages import read_spans

    pages = len(PdfReader(path).pages)
    rows = []
    for workers in (1, 2, os.cpu_count() or 1) if (os.cpu_count() or 1) > 2 else (1, 2):
        wall, cpu = min(timed(lambda: read_spans(PdfReader(path), path, None, workers=workers)) for _ in range(repeat))
        rows.append((f"pypdf, {workers} process{'es' if workers > 1 else ''}",
                     f"{pages / wall:6.1f} pages/s  ({pages / cpu:5.1f} pages per CPU-second)"))
    try:
        import fitz
    except ImportError:
        rows.append(("PyMuPDF (reference)", "not installed: pip install -e '.[bench]'"))
    else:
        seconds = best_of(repeat, lambda: [p.get_text() for p in fitz.open(path)])
        rows.append(("PyMuPDF (reference)", f"{pages / seconds:6.1f} pages/s"))
    return rows


def ocr_rates(corpus: Path) -> list[tuple[str, str]]:
    from PIL import Image
    from pypdf import PdfReader

    from podgen.ingest import ocr

    ocr.page_text(Image.new("RGB", (64, 64), "white"), os.cpu_count() or 1)  # load the models once
    page = Image.open(corpus / "image-cfr-page-twocolumn.jpg")
    scan = max((i.image for i in PdfReader(corpus / "scan-image-only.pdf").pages[0].images), key=lambda i: i.width)
    rows = []
    for name, image in (("two-column page 1248x1664", page), (f"scanned PDF page {scan.width}x{scan.height}", scan)):
        seconds = best_of(1, lambda: ocr.page_text(image, os.cpu_count() or 1))
        rows.append((f"OCR, {name}", f"{seconds:6.1f} s/page"))
    threads = best_of(1, lambda: ocr.read_pages([lambda: page, lambda: page]))
    rows.append(("OCR, 2 pages in parallel", f"{threads / 2:6.1f} s/page"))
    return rows


def asr_rates(corpus: Path) -> list[tuple[str, str]]:
    from podgen import asr
    from podgen.ingest.media import decode

    asr.load_model()
    rows = []
    for name in ("speech-jfk.flac", "speech-ljspeech.wav"):
        samples = decode(corpus / name)
        seconds = best_of(1, lambda: asr.transcribe_words(samples))
        length = len(samples) / asr.SAMPLE_RATE
        rows.append((f"ASR, {name} ({length:.1f} s)", f"{seconds / length:6.2f} x real time"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    corpus = ROOT.parent / "shared" / "corpus"  # the test corpus beside the checkout, else the test copies
    parser.add_argument("--corpus", type=Path, default=corpus if corpus.is_dir() else DATA,
                        help="folder holding the corpus files")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    pdf = args.corpus / "report-long.pdf"
    load = os.getloadavg()[0]
    rows = pdf_rates(pdf, args.repeat) + ocr_rates(args.corpus) + asr_rates(args.corpus)
    rows.append(("load average at the end", f"{os.getloadavg()[0]:6.1f}"))
    print(f"podgen ingest benchmark ({os.cpu_count()} cores, load average {load:.1f} at the start); PDF: {pdf.name}")
    for name, figure in rows:
        print(f"  {name:<42} {figure}")


if __name__ == "__main__":
    main()
