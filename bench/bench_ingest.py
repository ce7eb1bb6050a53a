"""Ingest quality and speed, side by side in one run:

* the real-PDF set (tests/data/pdfs/, truth in truth.toml): per document and in total, section
  headings found against the true ones (precision, recall), headings run into their paragraph,
  table cells, figure labels and running lines (headers, footers, stamps) that reached the text,
  whole sentences where the reading order is hard, and speed: MB/s by the clock and MB per
  CPU-second (MB/cs; the fairer figure on a shared machine), totals over the PDFs with a text
  layer (``--details`` lists what was missed or leaked);
* pages per second reading the longest PDF (76 pages): podgen's whole extraction, the PDFium
  reading under it, pypdf's plain text, and pdfplumber's and PyMuPDF's for reference when they
  are installed (PyMuPDF is AGPL: a bench-only dependency, never one of podgen's:
  `pip install -e '.[bench]'`);
* OCR seconds per page (RapidOCR) on a full two-column page image and a scanned PDF page;
* speech recognition time as a fraction of the audio's length (Whisper tiny.en, int8);
* text cleaning in MB/s (``clean_text``) on hard-wrapped text with blank lines between
  paragraphs and on text of equal-length lines with no blank line at all (the goal: 5 MB/s
  or more for both).

    .venv/bin/python bench/bench_ingest.py [--corpus DIR] [--repeat 3] [--only set] [--details] [--text-mb 4]
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
sys.path.insert(0, str(ROOT / "tests"))  # pdfset: the real-PDF set and its scoring


def best_of(repeat: int, action) -> float:
    return min(timed(action)[0] for _ in range(repeat))


def timed(action) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process and its finished children)."""

    def cpu() -> float:
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return time.process_time() + kids.ru_utime + kids.ru_stime

    start, used = time.perf_counter(), cpu()
    action()
    return time.perf_counter() - start, cpu() - used


def pdf_rates(path: Path, repeat: int) -> list[tuple[str, str]]:
    """Pages per second reading ``path``: podgen's whole extraction, the PDFium reading under it,
    and other libraries' plain text for reference (pdfplumber and PyMuPDF when installed)."""
    from pypdf import PdfReader

    from podgen.config import Settings
    from podgen.ingest import extract
    from podgen.ingest.pdf_read import read

    pages = len(PdfReader(path).pages)
    readers = {
        "podgen extract (layout, sections)": lambda: extract(path, Settings()),
        "PDFium pieces (podgen.ingest.pdf_read)": lambda: read(path, None),
        "pypdf extract_text": lambda: [p.extract_text() for p in PdfReader(path).pages],
        "pdfplumber chars (reference)": partial(_plumber, path),
        "PyMuPDF get_text (reference, AGPL)": partial(_mupdf, path),
    }
    rows = []
    for name, action in readers.items():
        try:
            action()  # imports and caches warmed
        except ImportError:
            rows.append((name, "not installed: pip install -e '.[bench]'"))
            continue
        wall, cpu = min(timed(action) for _ in range(repeat))
        rows.append((name, f"{pages / wall:6.1f} pages/s  ({pages / cpu:5.1f} pages per CPU-second)"))
    return rows


def _plumber(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.chars  # noqa: B018 (parsing the page is the work measured)


def _mupdf(path: Path) -> None:
    import pymupdf

    for page in pymupdf.open(path):
        page.get_text()


def ocr_rates(corpus: Path) -> list[tuple[str, str]]:
    from PIL import Image
    from pypdf import PdfReader

    from podgen.ingest import ocr

    ocr.page_text(Image.new("RGB", (64, 64), "white"), os.cpu_count() or 1)  # load the models once
    page = Image.open(corpus / "image-cfr-page-twocolumn.jpg")
    scan = max((i.image for i in PdfReader(corpus / "scan-image-only.pdf").pages[0].images), key=lambda i: i.width)
    rows = []
    for name, image in (("two-column page 1248x1664", page), (f"scanned PDF page {scan.width}x{scan.height}", scan)):
        seconds = best_of(1, partial(ocr.page_text, image, os.cpu_count() or 1))
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
        seconds = best_of(1, partial(asr.transcribe_words, samples))
        length = len(samples) / asr.SAMPLE_RATE
        rows.append((f"ASR, {name} ({length:.1f} s)", f"{seconds / length:6.2f} x real time"))
    return rows


def sample_text(megabytes: float, blank_lines: bool) -> str:
    """Hard-wrapped prose of about ``megabytes`` MB: paragraphs of six 72-character lines with
    a blank line between them, or lines of one length with no blank line (one endless paragraph)."""
    words = (
        "the keepers climbed the tower every evening to light the lamp and wound the clock "
        "that turned the lens while ships passed far out at sea in the dark"
    ).split()
    lines, size, i = [], 0, 0
    while size < megabytes * 1_000_000:
        line = ""
        while len(line) < 72:
            line += words[i % len(words)] + " "
            i += 1
        lines.append(line[:72].rstrip())
        if blank_lines and len(lines) % 7 == 6:
            lines.append("")
        size += 73
    return "\n".join(lines)


def text_rates(megabytes: float, repeat: int) -> list[tuple[str, str]]:
    from podgen.ingest.clean import clean_text

    rows = []
    for blank_lines in (True, False):
        text = sample_text(megabytes, blank_lines)
        seconds = best_of(repeat, partial(clean_text, text))
        name = f"text cleaning, {'blank lines' if blank_lines else 'no blank line'} ({len(text) / 1e6:.2f} MB)"
        rows.append((name, f"{len(text) / 1e6 / seconds:6.3g} MB/s ({seconds:.2f} s)"))
    return rows


def set_report(repeat: int, details: bool) -> list[str]:
    """The real-PDF set: one line per document, then the totals."""
    import pdfset

    logging.getLogger("podgen").setLevel(logging.ERROR)
    lines = [
        f"  {'document':<34} {'pages':>5} {'MB':>5} {'MB/s':>6} {'MB/cs':>6} {'heads':>6} {'P':>5} {'R':>5} "
        f"{'run-in':>6} {'tables':>6} {'figures':>7} {'running':>7} {'whole':>6}"
    ]
    scores, timing = [], []
    with tempfile.TemporaryDirectory(prefix="podgen-set-") as folder:
        for truth in pdfset.load():
            path = pdfset.path_of(truth, Path(folder))
            score, pages, seconds = _score_one(truth, path, repeat)
            scores.append(score)
            timing.append((truth.text, path.stat().st_size / 1e6, seconds))
            lines.append(_set_line(score, pages, path.stat().st_size / 1e6, seconds, truth))
            lines += _details(score) if details else []
    lines.append(_set_total(scores, timing))
    return lines


def _score_one(truth, path: Path, repeat: int):
    import pdfset
    from pypdf import PdfReader

    from podgen.config import Settings
    from podgen.errors import InputError
    from podgen.ingest import extract

    pages = len(PdfReader(path).pages)
    try:
        doc = extract(path, Settings())
        seconds = min(timed(partial(extract, path, Settings())) for _ in range(repeat))
    except InputError as exc:
        print(f"  {truth.name}: {exc.message}", file=sys.stderr)
        return pdfset.score(truth, [], ""), pages, (float("nan"), float("nan"))
    headings = [s.heading for s in doc.sections if s.heading]
    return pdfset.score(truth, headings, doc.text), pages, seconds


def _set_line(score, pages: int, mb: float, seconds: tuple[float, float], truth) -> str:
    return (
        f"  {score.name:<34} {pages:>5} {mb:5.2f} {mb / seconds[0]:6.2f} {mb / seconds[1]:6.2f} "
        f"{score.correct:>2}/{score.found:<3} "
        f"{score.precision:5.2f} {score.recall:5.2f} {len(score.run_in):>6} "
        f"{len(score.tables):>3}/{len(truth.tables):<2} {len(score.figures):>4}/{len(truth.figures):<2} "
        f"{len(score.running):>4}/{len(truth.running):<2} {score.whole:>3}/{score.sentences:<2}"
    )


def _details(score) -> list[str]:
    found = [("missed", score.missed), ("not a heading", score.wrong), ("run in", score.run_in)]
    found += [("table", score.tables), ("figure", score.figures), ("running", score.running)]
    return [f"      {what}: {items}" for what, items in found if items]


def _set_total(scores: list, timing: list[tuple[bool, float, tuple[float, float]]]) -> str:
    found, correct = sum(s.found for s in scores), sum(s.correct for s in scores)
    true, recalled = sum(s.true for s in scores), sum(s.recalled for s in scores)
    text_mb = sum(mb for text, mb, _ in timing if text)
    wall = sum(seconds[0] for text, _, seconds in timing if text)
    cpu = sum(seconds[1] for text, _, seconds in timing if text)
    clean = {what: sum(1 for s in scores if not getattr(s, what)) for what in ("tables", "figures", "running")}
    return (
        f"  {'total (' + str(len(scores)) + ' documents)':<34} {'':>5} {text_mb:5.2f} {text_mb / wall:6.2f} {text_mb / cpu:6.2f} "
        f"{correct:>3}/{found:<3}{correct / max(found, 1):5.2f} {recalled / max(true, 1):5.2f} "
        f"{sum(len(s.run_in) for s in scores):>6} "
        + "  ".join(f"{what}: {n}/{len(scores)} clean" for what, n in clean.items())
        + f"  whole: {sum(s.whole for s in scores)}/{sum(s.sentences for s in scores)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    corpus = ROOT.parent / "shared" / "corpus"  # the test corpus beside the checkout, else the test copies
    parser.add_argument(
        "--corpus", type=Path, default=corpus if corpus.is_dir() else DATA, help="folder holding the corpus files"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--only",
        choices=("set", "pdf", "ocr", "asr", "text"),
        action="append",
        help="run only these parts (repeatable) [default: all]",
    )
    parser.add_argument("--text-mb", type=float, default=4.0, help="size of the text cleaned, in MB")
    parser.add_argument("--details", action="store_true", help="list what each document missed or leaked")
    args = parser.parse_args()
    pdf = args.corpus / "report-long.pdf"
    load = os.getloadavg()[0]
    if not args.only or "set" in args.only:
        print(f"podgen ingest: the real-PDF set ({os.cpu_count()} cores, load average {load:.1f} at the start)")
        print("\n".join(set_report(args.repeat, args.details)))
        if args.only == ["set"]:
            return
    parts = {
        "pdf": lambda: pdf_rates(pdf, args.repeat),
        "ocr": lambda: ocr_rates(args.corpus),
        "asr": lambda: asr_rates(args.corpus),
        "text": lambda: text_rates(args.text_mb, args.repeat),
    }
    rows = [row for name, part in parts.items() if not args.only or name in args.only for row in part()]
    rows.append(("load average at the end", f"{os.getloadavg()[0]:6.1f}"))
    print(f"podgen ingest benchmark ({os.cpu_count()} cores, load average {load:.1f} at the start); PDF: {pdf.name}")
    for name, figure in rows:
        print(f"  {name:<42} {figure}")


if __name__ == "__main__":
    main()
