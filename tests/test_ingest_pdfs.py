"""Real PDFs read the way a listener needs them (tests/data/pdfs/, truth in truth.toml): each
vector holds one thing that went wrong before (a heading run into its paragraph, a table's cells
or a figure's labels read out, a running head in the text, two columns read across); the slow
test holds the whole set to the goals. Then bad input: the limits and one-line errors PDFs had
before PDFium read them still hold."""

from __future__ import annotations

import logging
import resource
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pdfset
import pytest
import rawpdf

from podgen.config import Settings
from podgen.errors import CorruptDocument, EncryptedDocument, TooLarge
from podgen.ingest import extract
from podgen.models import Document

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Vector:
    name: str
    headings: list[str] = field(default_factory=list)
    """Section headings that must be there, as said."""
    not_headings: list[str] = field(default_factory=list)
    must_include: list[str] = field(default_factory=list)
    must_not_include: list[str] = field(default_factory=list)
    title: str = ""


VECTORS = [
    Vector(  # a structured abstract in the headings' font; tables; a figure caption's label at a page's top
        "medical-pgmj-hpylori.pdf",
        headings=["ABSTRACT", "METHODS — Search strategy and identification of studies", "Summary estimates"],
        not_headings=["Background", "Conclusions"],
        must_include=["Methods. Starting in May 2009, searches of the", "Results. Eight studies met the inclusion"],
        must_not_include=["Rapid urease test/histology", "Treatment effect and underlying connection"],
    ),
    Vector(  # a chapter title on two lines; list items whose bullets have no character; a table; a figure
        "redbook-ibm-db2.pdf",
        headings=["Chapter 1. Securing and protecting IBM DB2 data", "1.1 Security fundamentals", "Column mask"],
        must_include=["Security fundamentals\n\nCurrent state of IBM i security\n\nDB2 for i security controls"],
        must_not_include=["Names the row permission for row access control", "QIBM_DB_SQLADM"],
    ),
    Vector(  # two columns under listings that span the page
        "cs-tracemonkey.pdf",
        must_include=[
            "After recording is finished, TraceMonkey compiles the trace to native code using the recorded "
            "type information for optimization. The result is a native code fragment that can be entered if "
            "the interpreter PC and the types of values match those observed when trace recording was started."
        ],
        must_not_include=["ld state[748]", "mov edx, ebx(748)", "Leave Compiled Trace", "LIR snippet"],
    ),
    Vector(  # captions side by side under a page of figures, with bits of formula beside them
        "physics-arxiv-dark-matter.pdf",
        must_include=["Once the necessary mass-to-temperature ratio is estimated, we now investigate the content"],
        must_not_include=["CMB power spectrums for diferent", ") . With"],
    ),
    Vector(  # a caption at the top of a page, inside a paragraph that goes on below it
        "thesis-unikernels.pdf",
        headings=["Chapter 3 — Literature Review", "HermitCore"],
        must_include=["was to improve performance by enabling applications to manage resources"],
        must_not_include=["Fig. 3.2", "Normal application stack"],
    ),
    Vector(  # figure labels beside a figure; a formula and a quoted name set apart like headings
        "cs-bigtable.pdf",
        not_headings=["(row:string, column:string, time:int64) → string", '"com.cnn.www"'],
        must_not_include=['"com.cnn.www"', "anchor:cnnsi.com", "anchor:my.look.ca"],
    ),
    Vector(  # slides: a title bar over a figure, the title slide, a slide shown twice as it builds up
        "slides-cermine.pdf",
        headings=["The goal — The motivation", "Requirements", "The process — Basic structure extraction"],
        not_headings=["CERMINE — automatic extraction of metadata and references from scientific literature"],
        must_not_include=["D.Tkaczyk et al. (ICM UW)", "<ZoneCorners>"],
    ),
    Vector(  # bullets with no character; a table in one column beside prose in the other
        "health-bmc-malawi.pdf",
        must_include=[
            "Officially, three nurses are on day shifts and two are on night shifts in each of the three "
            "medical wards: 2A (female ward), 2B (male ward) and the Medical Short Stay (MSS) ward.",
            "awareness and practice of a culture of quality improvement in the Medical Department\n\nstakeholder views",
        ],
        must_not_include=["88.7", "Respondents"],
    ),
    Vector(  # quotations in a font of their own are no run-in headings
        "medical-hindawi-heart-failure.pdf",
        headings=["1. Introduction", "9. Labelling the Condition “Heart Failure”", "11. Discussion"],
        not_headings=["I got blood tests done"],
    ),
    Vector(  # running heads set upright along the margin, a table of sentences across pages
        "infosci-es-transparency.pdf",
        must_not_include=["Publicación de la Agenda 21", "Hay un buscador interno dentro de la página"],
    ),
    Vector(  # a scanned book whose OCR spells its running head differently on every page
        "scan-vicksburg-ocr.pdf",
        must_include=["No bells to ring us to church."],
        must_not_include=["SIEGE OF VICKSBURG", "SIEGE OP VICKSBURG", "SIEGE OF VICKSBUEG"],
    ),
    Vector(  # Korean: numbered headings in a larger font, a boxed publisher's notice of two lines
        "report-ko-insurance.pdf",
        headings=["1 들어가며", "5 맺으며"],
        must_not_include=["대상질병에 U코드 일부(3종)"],
    ),
    Vector(  # prose that names a table is not its caption
        "cs-dense-passage-retrieval.pdf",
        headings=["5.1 Main Results", "Selection of positive passages"],
        must_include=["Table 2 compares different passage retrieval systems on five QA datasets"],
    ),
    Vector(  # a sidebar in a rounded box, set smaller than the body
        "booklet-breast-cancer.pdf",
        headings=["Lobular carcinoma in situ", "Inherited breast cancer gene"],
        must_include=["While LCIS increases the risk of developing breast cancer, most women with this condition"],
    ),
    Vector(  # the publication's section set large on the first page is no title
        "gov-federal-register.pdf",
        title="Federal Aviation Administration",
        headings=["Comments Invited", "Related Service Information Under 1 CFR Part 51"],
        must_not_include=["VerDate", "Jkt 250001", "PO 00000"],
    ),
]


@pytest.fixture(scope="module")
def read_set(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdfs")
    truths = {t.name: t for t in pdfset.load()}
    found: dict[str, Document] = {}

    def read(name: str) -> Document:
        if name not in found:
            found[name] = extract(pdfset.path_of(truths[name], folder), Settings())
        return found[name]

    return read


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v.name)
def test_real_pdf(vector: Vector, read_set) -> None:
    doc = read_set(vector.name)
    headings = [s.heading for s in doc.sections]
    assert vector.title in doc.title
    for heading in vector.headings:
        assert heading in headings, headings
    for heading in vector.not_headings:
        assert heading not in headings, headings
    for snippet in vector.must_include:
        assert snippet in doc.text, snippet
    for snippet in vector.must_not_include:
        assert snippet not in doc.text, snippet


def test_every_pdf_of_the_set_has_its_truth_and_its_source() -> None:
    truths = pdfset.load()
    assert len(truths) >= 20
    named = {t.name for t in truths if not t.source}
    assert named == {p.name for p in pdfset.SET.glob("*.pdf")}
    readme = (pdfset.SET / "README.md").read_text()
    assert all(t.name in readme for t in truths)


@pytest.mark.slow
def test_the_set_meets_the_goals(tmp_path: Path) -> None:
    """Section recall ≥ 0.8 and precision ≥ 0.9 in total; no table cell and no running line in
    the text of 90% of the documents; no heading run into its paragraph."""
    scores = []
    for truth in pdfset.load():
        doc = extract(pdfset.path_of(truth, tmp_path), Settings())
        scores.append(pdfset.score(truth, [s.heading for s in doc.sections if s.heading], doc.text))
    found, correct = sum(s.found for s in scores), sum(s.correct for s in scores)
    true, recalled = sum(s.true for s in scores), sum(s.recalled for s in scores)
    assert recalled / true >= 0.8, [(s.name, s.missed) for s in scores if s.missed]
    assert correct / found >= 0.9, [(s.name, s.wrong) for s in scores if s.wrong]
    assert sum(1 for s in scores if not s.tables) >= 0.9 * len(scores), [(s.name, s.tables) for s in scores]
    assert sum(1 for s in scores if not s.running) >= 0.9 * len(scores), [(s.name, s.running) for s in scores]
    assert not [(s.name, s.run_in) for s in scores if s.run_in]


# --- bad input --------------------------------------------------------------------------------


def _extract_in_a_process(path: Path, seconds: float = 120, memory: int = 3 << 30) -> subprocess.CompletedProcess:
    """``podgen extract`` in its own process, within a time and a memory limit."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [sys.executable, "-m", "podgen", "extract", str(path)],
        capture_output=True,
        text=True,
        timeout=seconds,
        cwd=ROOT,
        preexec_fn=limit,
    )


@pytest.mark.parametrize("times", [1, 2], ids=["draws-itself", "doubles-every-step"])
def test_a_page_whose_drawing_draws_itself_is_read_once_and_in_time(tmp_path: Path, times: int) -> None:
    """PDFium would expand such a form forever (twice at every step) as it loads the page."""
    path = tmp_path / "loop.pdf"
    path.write_bytes(rawpdf.self_drawing_form(times))
    proc = _extract_in_a_process(path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(rawpdf.SENTENCE.decode()) <= 2
    assert "page 1 draws a figure inside itself" in proc.stderr


def test_a_page_a_billion_points_wide_is_read_in_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "huge-page.pdf"
    path.write_bytes(rawpdf.one_page(media=b"[0 0 1000000000 1000000000]"))
    proc = _extract_in_a_process(path, memory=2 << 30)
    assert proc.returncode == 0, proc.stderr
    assert rawpdf.SENTENCE.decode() in proc.stdout


def test_a_page_count_that_lies_reads_the_pages_there_are(tmp_path: Path) -> None:
    path = tmp_path / "lying-count.pdf"
    path.write_bytes(rawpdf.one_page(count=b"1000000000"))
    doc = extract(path, Settings(max_pages=5))
    assert doc.meta["pages"] == 1 and rawpdf.SENTENCE.decode() in doc.text


@pytest.mark.parametrize("kids", [b"[3 0 R 2 0 R]", b"[2 0 R]"], ids=["page-tree-loop", "tree-holds-itself"])
def test_a_page_tree_loop_is_a_one_line_error(tmp_path: Path, kids: bytes) -> None:
    path = tmp_path / "loop.pdf"
    path.write_bytes(rawpdf.one_page(kids=kids, count=b"2"))
    with pytest.raises(CorruptDocument, match="loop.pdf is not a readable PDF") as info:
        extract(path, Settings())
    assert "\n" not in info.value.message


def test_a_scan_s_image_over_the_size_limit_is_a_one_line_error(tmp_path: Path) -> None:
    pytest.importorskip("rapidocr_onnxruntime")
    path = tmp_path / "huge-image.pdf"
    path.write_bytes(rawpdf.huge_image_scan())
    with pytest.raises(TooLarge, match="The image on page 1 of huge-image.pdf is too large") as info:
        extract(path, Settings())
    assert "\n" not in info.value.message


def test_an_encrypted_pdf_is_read_by_pdfium_with_its_password(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = tmp_path / "plain.pdf"
    plain.write_bytes(rawpdf.one_page())
    writer = PdfWriter(clone_from=PdfReader(plain))
    writer.encrypt(user_password="lamp", owner_password="keeper", algorithm="AES-256")
    locked = tmp_path / "locked.pdf"
    writer.write(locked)
    assert rawpdf.SENTENCE.decode() in extract(locked, Settings(password="lamp")).text
    with pytest.raises(EncryptedDocument, match="password given is wrong"):
        extract(locked, Settings(password="sea"))


def test_text_outside_the_shown_page_is_not_read(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A printer's slug beyond the crop box is not on the page a reader sees."""
    path = tmp_path / "slug.pdf"
    content = rawpdf.TEXT + b" BT /F1 8 Tf 700 700 Td (Job 4411 plate K 2019-03-02 14:22) Tj ET"
    path.write_bytes(rawpdf.one_page(content=content))
    with caplog.at_level(logging.WARNING, logger="podgen"):
        text = extract(path, Settings()).text
    assert rawpdf.SENTENCE.decode() in text and "Job 4411" not in text
