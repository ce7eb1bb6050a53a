"""Every kind of source as a test vector, through the Python API and through `podgen extract`:
DOCX, HTML, EPUB, text with mojibake, a three-column PDF, images and a scanned PDF (OCR),
speech (ASR). Then bad input for each kind. Files and their sources: tests/data/README.md."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_ingest import Vector as BaseVector

from podgen.config import Settings
from podgen.errors import CorruptDocument, EmptyDocument, EncryptedDocument, InputError, TooLarge, UnsupportedFormat
from podgen.ffmpeg import ffmpeg_exe
from podgen.ingest import extract, sniff

DATA = Path(__file__).parent / "data"


@dataclass
class Vector(BaseVector):
    slow: bool = False
    """OCR or speech recognition: marked slow."""


VECTORS = [
    Vector(
        "paper-autogen.docx",
        "AutoGen: Enabling Next-Gen LLM Applications",
        must_include=["AutoGen is an open-source framework", "Our insight is to use multi-agent conversations"],
        must_not_include=["d666f1f7", "49e168b7", "Qingyun Wu", "Yao et al., 2022", "random table", "Test Image"],
        headings=["Abstract", "Introduction"],
        meta={"format": "docx", "author": "Adam Fourney"},
    ),
    Vector(
        "handbook-us-trustee.docx",
        "Handbook for Chapter 13 Standing Trustees",
        must_include=[
            "The United States Trustee appoints and supervises standing trustees",
            "Be accountable for all property received",
        ],
        must_not_include=["Table of Contents", "PURPOSE1-1", "\t"],
        headings=["A. Purpose", "B. Role of the United States Trustee"],
        meta={"format": "docx"},
    ),
    Vector(
        "article-wikipedia-duck.html",
        "Duck",
        must_include=[
            "Duck is the common name for numerous species of waterfowl",
            "The word duck comes from Old English",
        ],
        must_not_include=["Jump to content", "Wikipedia", "[1]", "<sup>", "\\[", "Archived", "ISBN", "**", "http"],
        headings=["Etymology", "Taxonomy"],
        meta={"format": "html"},
    ),
    Vector(
        "article-isw-assessment.html",
        "Russian Offensive Campaign Assessment, December 13",
        must_include=["Belarusian forces remain unlikely to attack Ukraine"],
        must_not_include=["[1]", "https://", "t.me/", "Click here", "Donate", "6:30pm", "function("],
        meta={
            "format": "html",
            "author": "Karolina Hird, George Barros, Grace Mappes, Madison Williams, and Frederick W. Kagan",
        },
    ),
    Vector(
        "book-gutenberg.epub",
        "Winter Sports in Switzerland",
        must_include=["There is an amazingly silly proverb", "the only Debating Society in which I enjoy"],
        must_not_include=[
            "Project Gutenberg",
            "PROJECT GUTENBERG",
            "gutenberg.org",
            "Printed by",
            "HOMES AND HAUNTS",
            "ILLUSTRATIONS",
            "{196}",
        ],
        headings=["Chapter I The Sun-Seeker", "Chapter II Rinks and Skaters"],
        meta={"format": "epub", "author": "E. F. Benson"},
    ),
    Vector(
        "article-wikipedia-mojibake.txt",
        "Iwan Roberts",
        must_include=["Iwan Wyn Roberts (born 26 June 1968) is a Welsh former professional footballer"],
        must_not_include=["â", "\x80", "\x93", "Toggle the table of contents"],
        meta={"format": "text"},
    ),
    Vector(
        "govreport-federal-register.pdf",
        "Federal Aviation Administration",
        must_include=["The FAA proposes to supersede Airworthiness Directive (AD) 2018–23–51"],
        must_not_include=["VerDate", "Jkt 250001"],
        meta={"format": "pdf", "pages": 15},
    ),
    Vector(
        "image-cfr-twocolumn-crop.png",
        "Image cfr twocolumn crop",
        must_include=["Competitive status shall mean basic", "1.3 Definitions"],
        meta={"format": "image", "ocr": True},
        slow=True,
    ),
    Vector(
        "image-newspaper-crop.jpg",
        "Image newspaper crop",
        must_include=[
            "French Institute Creates A French Community",
            "opened its doors on Ou's campus last week with the arrival of its 48 participants",
            "Last week marked the beginning of an intensive program in the French language",
        ],
        meta={"format": "image", "ocr": True},
        slow=True,
    ),
    Vector(
        "scan-image-only.pdf",
        "Scan image only",
        must_include=["Optical character recognition", "electronic conversion of images of typed"],
        must_not_include=["wikipedia.org", "index.php"],
        meta={"format": "pdf", "ocr": True},
        slow=True,
    ),
    Vector(
        "speech-jfk.flac",
        "Speech jfk",
        must_include=["ask not what your country can do for you"],
        meta={"format": "audio", "minutes": 0.18},
        slow=True,
    ),
]


def _params(vectors: list[Vector]) -> list:
    return [pytest.param(v, id=v.filename, marks=[pytest.mark.slow] if v.slow else []) for v in vectors]


def check(vector: Vector, doc: dict) -> None:
    text = "\n\n".join(s["text"] for s in doc["sections"])
    assert vector.title_includes in doc["title"]
    for snippet in vector.must_include:
        assert snippet in text, snippet
    for snippet in vector.must_not_include:
        assert snippet not in text, snippet
    for heading in vector.headings:
        assert heading in [s["heading"] for s in doc["sections"]]
    assert vector.meta.items() <= doc["meta"].items()
    assert all(s["text"].strip() for s in doc["sections"])


API_DOCS: dict[str, dict] = {}


def through_the_api(filename: str) -> dict:
    """Each file is read once per test run (OCR and speech recognition are slow)."""
    if filename not in API_DOCS:
        API_DOCS[filename] = extract(DATA / filename, Settings()).to_dict()
    return API_DOCS[filename]


# The scanned PDF goes through the command line only, and the image crops through the API
# only: OCR is the slowest step here. Every other vector goes through both.
@pytest.mark.parametrize("vector", _params([v for v in VECTORS if v.filename != "scan-image-only.pdf"]))
def test_vector_through_the_api(vector: Vector) -> None:
    check(vector, through_the_api(vector.filename))


@pytest.mark.parametrize(
    "vector", _params([v for v in VECTORS if not v.slow or v.filename.endswith((".pdf", ".flac"))])
)
def test_vector_through_podgen_extract(vector: Vector) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "podgen", "extract", str(DATA / vector.filename), "--json"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    check(vector, json.loads(proc.stdout))
    if vector.meta.get("ocr"):  # a scanned PDF: the user is told it is read with OCR
        assert "no text layer: reading its 1 page with OCR" in proc.stderr


@pytest.mark.slow
def test_ocr_reads_two_columns_in_order() -> None:
    """The left column ends a sentence the right column does not interrupt."""
    doc = through_the_api("image-cfr-twocolumn-crop.png")
    text = "\n\n".join(s["text"] for s in doc["sections"])
    left, right = text.index("Positions and employees affected"), text.index("Competitive status shall mean")
    assert left < right
    assert "shall mean basic eligibility" in text


# -- content sniffing ----------------------------------------------------------------------


def test_a_pdf_named_txt_is_read_as_a_pdf(tmp_path: Path) -> None:
    target = tmp_path / "notes.txt"
    target.write_bytes((DATA / "broken-corrupt-stream.pdf").read_bytes())
    doc = extract(target, Settings())
    assert doc.meta["format"] == "pdf" and "Readability counts." in doc.text


def test_html_without_an_extension_is_read_as_html(tmp_path: Path) -> None:
    target = tmp_path / "saved-page"
    target.write_bytes((DATA / "article-wikipedia-duck.html").read_bytes())
    assert sniff.kind(target) == "html"
    assert extract(target, Settings()).meta["format"] == "html"


def test_content_wins_over_a_misleading_extension(tmp_path: Path) -> None:
    target = tmp_path / "article.md"
    target.write_bytes((DATA / "article-wikipedia-duck.html").read_bytes())
    doc = extract(target, Settings())
    assert doc.meta["format"] == "html" and "<div" not in doc.text


def test_nothing_accepts_an_unknown_file_and_the_error_lists_what_was_tried(tmp_path: Path) -> None:
    target = tmp_path / "data.xyz"
    target.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    with pytest.raises(UnsupportedFormat) as info:
        extract(target, Settings())
    for name in ("docx", "epub", "html", "image", "media", "pdf", "text"):
        assert name in info.value.message
    assert ".docx" in info.value.hint and "URLs" in info.value.hint


def test_when_every_accepting_extractor_fails_each_failure_is_listed(tmp_path: Path) -> None:
    target = tmp_path / "paper.pdf"
    target.write_bytes(b"<!doctype html><html><body></body></html>")
    with pytest.raises(InputError) as info:
        extract(target, Settings())
    assert "pdf:" in info.value.message and "html:" in info.value.message


# -- bad input, per kind -------------------------------------------------------------------


def _zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def _ffmpeg(target: Path, *args: str) -> Path:
    subprocess.run([ffmpeg_exe(), "-v", "error", "-y", *args, str(target)], check=True)
    return target


def _bad_inputs(tmp: Path) -> list[tuple[Path, type, str]]:
    from PIL import Image

    blank = tmp / "blank.png"
    Image.new("RGB", (400, 300), "white").save(blank)
    return [
        (
            tmp.joinpath("random.docx").write_bytes(bytes(range(256)) * 4) and tmp / "random.docx",
            CorruptDocument,
            "not a readable Word document",
        ),
        (_zip(tmp / "nodoc.docx", {"hello.txt": b"hi"}), CorruptDocument, "not a readable Word document"),
        (
            tmp.joinpath("locked.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
            and tmp / "locked.docx",
            EncryptedDocument,
            "password-protected",
        ),
        (_zip(tmp / "broken.epub", {"mimetype": b"application/epub+zip"}), CorruptDocument, "not a readable EPUB"),
        (
            _zip(tmp / "drm.epub", {"mimetype": b"application/epub+zip", "META-INF/encryption.xml": b"<x/>"}),
            EncryptedDocument,
            "DRM",
        ),
        (tmp.joinpath("empty.html").write_text("  \n") and tmp / "empty.html", EmptyDocument, "empty"),
        (
            tmp.joinpath("nav.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
            and tmp / "nav.html",
            EmptyDocument,
            "no article text",
        ),
        (blank, EmptyDocument, "no text that OCR could read"),
        (
            tmp.joinpath("broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100) and tmp / "broken.png",
            CorruptDocument,
            "not a readable image",
        ),
        (
            tmp.joinpath("cut.png").write_bytes((DATA / "image-cfr-twocolumn-crop.png").read_bytes()[:30000])
            and tmp / "cut.png",
            CorruptDocument,
            "not a readable image",
        ),
        (
            tmp.joinpath("cut.jpg").write_bytes((DATA / "image-newspaper-crop.jpg").read_bytes()[:30000])
            and tmp / "cut.jpg",
            CorruptDocument,
            "cannot be decoded",
        ),
        (
            tmp.joinpath("noise.mp3").write_bytes(bytes(range(256)) * 8) and tmp / "noise.mp3",
            CorruptDocument,
            "not a readable audio or video file",
        ),
        (
            _ffmpeg(tmp / "silent.wav", "-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "2"),
            EmptyDocument,
            "silent",
        ),
        (
            _ffmpeg(tmp / "mute.mp4", "-f", "lavfi", "-i", "color=c=black:s=64x64:d=1", "-pix_fmt", "yuv420p"),
            EmptyDocument,
            "no audio track",
        ),
    ]


@pytest.mark.slow
def test_bad_input_of_every_kind_is_one_clear_line(tmp_path: Path) -> None:
    for path, error, says in _bad_inputs(tmp_path):
        with pytest.raises(error) as info:
            extract(path, Settings())
        message = info.value.message
        assert path.name in message and says in message, message
        assert "\n" not in message and info.value.hint, message


def test_bad_input_on_the_command_line_is_one_line_and_no_traceback(tmp_path: Path) -> None:
    target = _zip(tmp_path / "drm.epub", {"mimetype": b"application/epub+zip", "META-INF/encryption.xml": b"<x/>"})
    proc = subprocess.run([sys.executable, "-m", "podgen", "extract", str(target)], capture_output=True, text=True)
    assert proc.returncode == 3 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "DRM-protected" in proc.stderr and "Traceback" not in proc.stderr


# -- limits --------------------------------------------------------------------------------


def test_a_pdf_longer_than_max_pages_is_refused_before_reading() -> None:
    with pytest.raises(TooLarge) as info:
        extract(DATA / "report-long.pdf", Settings(max_pages=10))
    assert "has 76 pages" in info.value.message and "--max-pages" in info.value.message


def test_a_recording_longer_than_the_limit_is_refused_before_transcribing() -> None:
    with pytest.raises(TooLarge) as info:
        extract(DATA / "speech-jfk.flac", Settings(max_audio_minutes=0.1))
    assert "max_audio_minutes" in info.value.message


def test_a_source_over_a_limit_fails_before_earlier_sources_are_read(tmp_path: Path) -> None:
    """The recording is named first, but the long PDF is refused before it is transcribed."""
    from podgen.ingest import extract_all

    reported: list[tuple] = []
    with pytest.raises(TooLarge) as info:
        extract_all(
            [DATA / "speech-jfk.flac", DATA / "report-long.pdf"],
            Settings(max_pages=10),
            lambda *report: reported.append(report),
        )
    assert "report-long.pdf has 76 pages" in info.value.message
    assert reported == []  # nothing was transcribed


def test_pdfs_read_in_threads_read_the_same_as_one_at_a_time() -> None:
    """PDFium is not thread-safe: podgen reads one PDF at a time, whatever thread asks."""
    from concurrent.futures import ThreadPoolExecutor

    paths = [DATA / "govreport-federal-register.pdf", DATA / "paper-twocolumn.pdf"] * 2
    alone = [extract(p, Settings()).text for p in paths]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda p: extract(p, Settings()).text, paths))
    assert together == alone


def test_a_missing_extra_names_the_pip_command() -> None:
    """Python started with the OCR engine hidden, as if podgen-cli[ocr] were not installed."""
    code = (
        "import sys; sys.modules['rapidocr_onnxruntime'] = None\n"
        "from podgen.cli import main; sys.argv = ['podgen', 'extract', sys.argv[1]]; main()"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(DATA / "scan-image-only.pdf")], capture_output=True, text=True
    )
    assert proc.returncode == 3
    assert "needs OCR" in proc.stderr and "pip install 'podgen-cli[ocr]'" in proc.stderr


# -- PDF structure -------------------------------------------------------------------------

REVIEW_HEADINGS = [
    "Background and motivation",
    "Data collection",
    "Study design",
    "Statistical analysis",
    "Main findings",
    "Comparison with earlier reviews",
    "Strengths and limitations",
    "Implications for practice",
    "Future directions",
]


def test_unnumbered_bold_headings_a_point_or_two_above_the_body_make_sections(tmp_path: Path) -> None:
    """A two-column review: 9 pt body, headings in bold at 10.5 pt with no numbers."""
    from pdfmaker import write_pdf

    body = (
        "Each study in this review reads passages and asks which answers matter most for a reader. "
        "The retrieval step finds the passages and the reader step picks an answer from them. "
    ) * 3
    columns = [[]]
    for heading in REVIEW_HEADINGS:
        columns[-1].append((10.5, True, heading))
        words = f"On {heading.lower()}: {body}".split()  # no two pages alike, as running lines are
        columns[-1] += [(9, False, " ".join(words[i : i + 8])) for i in range(0, len(words), 8)]
        if len(columns[-1]) > 40:
            columns.append([])
    pages = []
    for number in range(0, len(columns), 2):
        page = [
            (72 + 250 * side, 720 - 14 * row, size, bold, text)
            for side, column in enumerate(columns[number : number + 2])
            for row, (size, bold, text) in enumerate(column)
        ]
        pages.append(page)
    pages[0].insert(0, (72, 760, 16, True, "A Review of Retrieval for Question Answering"))
    doc = extract(write_pdf(tmp_path / "review.pdf", pages), Settings())
    assert [s.heading for s in doc.sections] == REVIEW_HEADINGS
    assert all("reader step picks an answer" in s.text for s in doc.sections)


# -- front and back matter -----------------------------------------------------------------


def test_front_and_back_matter_is_dropped_from_any_document() -> None:
    from podgen.ingest.matter import drop_matter
    from podgen.models import Document, Section

    body = "\n\n".join(f"Paragraph {i} of the story, told plainly for a listener." for i in range(20))
    doc = Document(
        "A Story",
        [
            Section(
                "",
                "The Project Gutenberg eBook of A Story\n\n*** START OF THE PROJECT GUTENBERG EBOOK A STORY ***"
                "\n\nA Story\n\nDepartment of Physics, University of Leeds, UK\n\nCopyright © 1999 Some Press. "
                "All rights reserved.\n\nISBN 978-0-415-10975-8",
            ),
            Section("Contents", "Chapter One ........ 1\n\nChapter Two ........ 9"),
            Section("Chapter One", "INTRODUCTION 1-1\n\n" + body),
            Section("Chapter Two", body + "\n\nPrinted by Ballantyne, Hanson & Co.\n\nOther books you may like."),
            Section(
                "Full Project Gutenberg License", "*** END OF THE PROJECT GUTENBERG EBOOK A STORY ***\n\nLicence text."
            ),
        ],
    )
    kept = drop_matter(doc)
    assert [s.heading for s in kept.sections] == ["Chapter One", "Chapter Two"]
    text = kept.text
    assert "Paragraph 19 of the story" in text
    for gone in ("Gutenberg", "Leeds", "Copyright", "ISBN", "INTRODUCTION 1-1", "Printed by", "Other books", "Licence"):
        assert gone not in text, gone


def test_calls_to_action_and_site_furniture_are_dropped() -> None:
    from podgen.ingest.matter import drop_matter
    from podgen.models import Document, Section

    body = "\n\n".join(f"Paragraph {i}: ducks fly south in the autumn, and some come back." for i in range(6))
    doc = Document(
        "Ducks",
        [
            Section(
                "How ducks fly",
                body + " Please join our Discord server to talk about ducks!\n\nSubscribe to "
                "our newsletter.\n\nShare this article\n\nFollow the river south and you find them.",
            ),
            Section(
                "Where they go",
                body + "\n\nFor Further Reading\n\nWhy do you think ducks fly in a V?\n\n"
                "Which ducks have you seen near your home?",
            ),
            Section("Related articles", "Geese, and why they honk"),
        ],
    )
    kept = drop_matter(doc)
    assert [s.heading for s in kept.sections] == ["How ducks fly", "Where they go"]
    text = kept.text
    assert "Paragraph 5: ducks fly south in the autumn, and some come back." in text
    assert "Follow the river south and you find them." in text  # an instruction, but not a call to action
    for gone in ("Discord", "newsletter", "Share this", "Further Reading", "V?", "your home", "Geese"):
        assert gone not in text, gone
    for section in ("For further reading", "Discussion questions", "You may also like"):
        one = Document("Ducks", [Section("Ducks", body), Section(section, "What did you learn about ducks?")])
        assert [s.heading for s in drop_matter(one).sections] == ["Ducks"], section


@pytest.mark.slow
def test_a_video_is_transcribed_from_its_sound_track(tmp_path: Path) -> None:
    video = _ffmpeg(
        tmp_path / "talk.webm",
        "-f",
        "lavfi",
        "-i",
        "color=c=black:s=64x64:r=5",
        "-i",
        str(DATA / "speech-jfk.flac"),
        "-shortest",
        "-c:v",
        "libvpx-vp9",
        "-c:a",
        "libopus",
    )
    reported: list[tuple] = []
    doc = extract(video, Settings(), lambda *report: reported.append(report))
    assert "ask not what your country can do for you" in doc.text and doc.meta["format"] == "audio"
    assert reported[0] == ("transcribe", 0, 1) and reported[-1] == ("transcribe", 1, 1)  # minutes of audio


@pytest.mark.slow
def test_a_scanned_pdf_of_two_pages_is_read_in_page_order(tmp_path: Path) -> None:
    """Pillow writes image-only PDF pages; both pages are read (in parallel) and kept in order."""
    from PIL import Image

    first = Image.open(DATA / "image-newspaper-crop.jpg").crop((0, 0, 1020, 120)).convert("RGB")
    second = Image.open(DATA / "image-cfr-twocolumn-crop.png").crop((380, 0, 750, 200)).convert("RGB")
    scan = tmp_path / "two-pages.pdf"
    first.save(scan, save_all=True, append_images=[second], resolution=150)
    reported: list[tuple] = []
    doc = extract(scan, Settings(), lambda *report: reported.append(report))
    assert [s.heading for s in doc.sections] == ["Page 1", "Page 2"]
    assert "French Institute" in doc.sections[0].text and "Competitive status" in doc.sections[1].text
    assert ("ocr", 2, 2) in reported and doc.meta["ocr"] is True


@pytest.mark.slow
def test_an_image_only_page_inside_a_text_pdf_is_read_with_ocr(tmp_path: Path) -> None:
    from PIL import Image
    from pypdf import PdfReader, PdfWriter

    scan = tmp_path / "scan.pdf"
    Image.open(DATA / "image-cfr-twocolumn-crop.png").crop((380, 0, 750, 200)).convert("RGB").save(scan, resolution=150)
    writer = PdfWriter(clone_from=PdfReader(DATA / "broken-corrupt-stream.pdf"))
    writer.add_page(PdfReader(scan).pages[0])
    mixed = tmp_path / "mixed.pdf"
    writer.write(mixed)
    doc = extract(mixed, Settings())
    assert "Readability counts." in doc.text and "Competitive status shall mean" in doc.text
