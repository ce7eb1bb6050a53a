"""Ingest: real files as test vectors (must_include / must_not_include), broken files for
every failure path. Files and their sources: tests/data/README.md."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from podgen.config import Settings
from podgen.errors import (
    CorruptDocument,
    EmptyDocument,
    EncryptedDocument,
    InputError,
)
from podgen.ingest import clean, extract
from podgen.ingest.markdown import MarkdownExtractor
from podgen.ingest.pdf import PdfExtractor
from podgen.ingest.text import TextExtractor

DATA = Path(__file__).parent / "data"


@dataclass
class Vector:
    filename: str
    title_includes: str
    headings: list[str] = field(default_factory=list)
    must_include: list[str] = field(default_factory=list)
    must_not_include: list[str] = field(default_factory=list)
    meta: dict = field(default_factory=dict)


VECTORS = [
    Vector(
        "paper-twocolumn.pdf",
        title_includes="Dense Passage Retrieval",
        headings=["Abstract", "1 Introduction", "3.1 Overview", "Selection of positive passages", "8 Conclusion"],
        must_include=[
            "efficient passage retrieval",  # "ef-\nﬁcient": hyphenation and ligature
            "fine-tuned using pairs of questions",  # "ﬁne-\ntuned"
            "Open-domain question answering (QA) is a task",  # "(Voorhees, 1999)" removed
            "Because only pairs of questions and answers",  # after a run-in bold heading, now a section
            "such as 20–100.",  # a short numeric line that is still prose
        ],
        must_not_include=[
            "ﬁ",
            "ﬂ",
            "arXiv:2004",
            "[1",
            "http",
            "@fb.com",
            "cs.washington",
            "O˘guz",
            "∗",
            "et al., 20",  # author-year citations
            "Voorhees, 1999",
            "Robertson and Zaragoza",
            "Table 1:",
            "Figure 1:",
            "# Train: 1k",  # captions and figure labels
            "26.5 47.1 17.7",  # table rows
            "Natural questions: a benchmark",  # a reference list entry
            "Distant Supervision",  # appendix after the references
            "retrie- val",
            "em- beddings",
            "benchmarks.1",
        ],
        meta={"format": "pdf", "pages": 13},
    ),
    Vector(
        "broken-corrupt-stream.pdf",  # pypdf recovers the text of the damaged stream
        title_includes="Broken corrupt stream",
        must_include=["Beautiful is better than ugly.", "Readability counts."],
        must_not_include=["Page 1/1", "13:27"],  # the a2ps page header
        meta={"format": "pdf", "pages": 1},
    ),
    Vector(
        "modelcard-whisper.md",
        title_includes="Model Card: Whisper",
        headings=["Model Details", "Release date", "Training Data", "Broader Implications"],
        must_include=[
            "Following Model Cards for Model Reporting, we're providing",
            "we released an improved large model named large-v2",
        ],
        must_not_include=["](", "http", "|", "✓", "**", "`", "# ", "Model Card: Whisper\n"],
        meta={"format": "markdown"},
    ),
    Vector(
        "notes-bom.txt",
        title_includes="Field notes",
        must_include=["The hyphenated word and a citation and go away."],
        must_not_include=["\ufeff", "[12]", "Lee et al.", "https", "a@b.org", "Field notes"],
        meta={"format": "text"},
    ),
    Vector(
        "notes-cp1252.txt",
        title_includes="Café notes",
        must_include=["The naïve résumé costs €5 – cheap."],
        meta={"format": "text"},
    ),
]


@pytest.fixture(scope="module")
def documents():
    return {v.filename: extract(DATA / v.filename, Settings()) for v in VECTORS}


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: v.filename)
def test_vector(vector: Vector, documents) -> None:
    doc = documents[vector.filename]
    text = doc.to_markdown()
    assert vector.title_includes in doc.title
    headings = [s.heading for s in doc.sections]
    for heading in vector.headings:
        assert heading in headings
    for snippet in vector.must_include:
        assert snippet in text, snippet
    for snippet in vector.must_not_include:
        assert snippet not in doc.text, snippet
    assert vector.meta.items() <= doc.meta.items()
    assert all(s.text.strip() for s in doc.sections)


def test_pdf_sections_are_paragraphs_not_lines(documents) -> None:
    doc = documents["paper-twocolumn.pdf"]
    intro = next(s for s in doc.sections if s.heading == "1 Introduction")
    paragraphs = intro.text.split("\n\n")
    assert 3 <= len(paragraphs) <= 8
    assert all(len(p) > 300 for p in paragraphs)
    assert "\n" not in paragraphs[0]


def test_pdf_references_are_cut(documents) -> None:
    doc = documents["paper-twocolumn.pdf"]
    assert doc.sections[-1].heading == "Acknowledgments"
    assert not any(clean.is_references_heading(s.heading) for s in doc.sections)
    assert "Kwiatkowski" not in doc.sections[-1].text


def test_accented_names_are_composed() -> None:
    assert clean.normalize_chars("Barlas O˘guz and Lud´ek and ﬁne") == "Barlas Oğuz and Ludék and fine"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Retrieval (Karpukhin et al., 2020) works.", "Retrieval works."),
        ("Following Model Cards (Mitchell et al.), we", "Following Model Cards, we"),
        ("As shown (Lee et al., 2019; Guu et al., 2020), it does.", "As shown, it does."),
        ("Sparse methods [12] and [3, 4] or [5–7] too.", "Sparse methods and or too."),
        ("Done by Shrivastava and Li (2014) before.", "Done by Shrivastava and Li before."),
        ("Results (65.2% vs. 42.9%) and (1) stay.", "Results (65.2% vs. 42.9%) and (1) stay."),
        ("Mail x.y@fb.com or see https://github.com/a/b.", "Mail or see."),
    ],
)
def test_clean_paragraph(raw: str, expected: str) -> None:
    assert clean.clean_paragraph(raw) == expected


def test_running_headers_and_page_numbers_are_furniture() -> None:
    pages = [[f"Journal of Tests, Vol. {n}", "Body text that differs " + "x" * n, str(n)] for n in range(1, 6)]
    repeated = clean.repeated_lines(pages)
    assert clean.is_furniture("Journal of Tests, Vol. 9", repeated)
    assert not clean.is_furniture("Body text that differs xx", repeated)
    assert clean.is_page_number("Page 3 of 10") and clean.is_page_number("12")
    assert clean.is_arxiv_stamp("arXiv:2004.04906v3 [cs.CL] 30 Sep 2020")


def test_tables_and_equations_are_dropped_but_short_prose_stays() -> None:
    lines = [
        "we reach",
        "2020.",
        "Model NQ TQA",
        "DPR 41.5 56.8 34.6 25.9",
        "BM25 32.6 52.4 29.9 24.9",
        "sim(q, p) = E(q)·E(p)",
    ]
    assert clean.drop_tables(lines) == ["we reach", "2020."]


def test_dehyphenation_keeps_real_compounds() -> None:
    keep = clean.hyphenated_words("a dual-encoder model")
    assert clean.join_lines(["the retrie-", "val of a dual-", "encoder and a Lucene-", "BM25 system."], keep) == [
        "the retrieval of a dual-encoder and a Lucene-BM25 system."
    ]


def test_pdf_with_empty_user_password_opens_without_one(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(DATA / "broken-corrupt-stream.pdf"))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    target = tmp_path / "owner-only.pdf"
    writer.write(target)
    doc = extract(target, Settings())
    assert doc.meta["encrypted"] is True
    assert "Readability counts." in doc.text


def test_encrypted_pdf_with_password() -> None:
    """AES-128 (V4/R4): the empty password fails, the given one opens it."""
    doc = extract(DATA / "paper-encrypted.pdf", Settings(password="1234"))
    assert "DocLayNet" in doc.text


@pytest.mark.parametrize(
    "filename, password, error, says",
    [
        ("paper-encrypted.pdf", None, EncryptedDocument, "no password was given"),
        ("paper-encrypted.pdf", "wrong", EncryptedDocument, "password given is wrong"),
        ("random-bytes.pdf", None, CorruptDocument, "not a PDF"),
        ("truncated.pdf", None, CorruptDocument, "not a readable PDF"),
        ("blank-page.pdf", None, EmptyDocument, "blank"),
        ("empty.txt", None, EmptyDocument, "empty"),
        ("whitespace.md", None, EmptyDocument, "empty"),
        ("binary.txt", None, CorruptDocument, "NUL bytes"),
    ],
)
def test_bad_input_raises_a_clear_error(filename: str, password: str | None, error: type, says: str) -> None:
    with pytest.raises(error) as info:
        extract(DATA / filename, Settings(password=password))
    message = info.value.message
    assert filename in message and says in message
    assert "\n" not in message and info.value.hint


def test_pdf_disguised_with_another_extension_is_sniffed(tmp_path: Path) -> None:
    target = tmp_path / "download.bin"
    target.write_bytes((DATA / "broken-corrupt-stream.pdf").read_bytes())
    assert PdfExtractor().accepts(target)
    assert "Readability counts." in extract(target, Settings()).text


def test_pypdf_warnings_stay_quiet(caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    extract(DATA / "broken-corrupt-stream.pdf", Settings())  # pypdf warns about fonts and xref
    with pytest.raises(InputError):
        extract(DATA / "truncated.pdf", Settings())
    loud = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(loud) == 1 and "is damaged" in loud[0]  # podgen's own word about the file; none of pypdf's
    assert any(r.name.startswith("podgen") and "pypdf" in r.getMessage() for r in caplog.records)
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert logging.getLogger("pypdf").propagate is True


def test_extractors_follow_the_contract() -> None:
    for extractor in (PdfExtractor(), MarkdownExtractor(), TextExtractor()):
        assert isinstance(extractor.priority, int) and extractor.extensions
        assert extractor.accepts(Path("X" + extractor.extensions[0].upper()))
    assert not TextExtractor().accepts(Path("a.pdf"))
    assert not MarkdownExtractor().accepts(Path("a.txt"))


def test_markdown_without_headings_titles_from_file_name(tmp_path: Path) -> None:
    target = tmp_path / "meeting_notes.md"
    target.write_text("Some **bold** talk about [links](http://x.y).\n\n- one item\n- two item\n", encoding="utf-8")
    doc = extract(target, Settings())
    assert doc.title == "Meeting notes"
    assert doc.sections[0].heading == ""
    assert doc.sections[0].text == "Some bold talk about links.\n\none item\n\ntwo item"


def test_markdown_references_section_is_dropped(tmp_path: Path) -> None:
    target = tmp_path / "paper.md"
    target.write_text(
        "# Paper\n\nBody text here.\n\n## References\n\n1. Lee et al. 2019.\n\n## Appendix\n\nMore text.\n"
    )
    doc = extract(target, Settings())
    assert [s.heading for s in doc.sections] == ["", "Appendix"]
    assert "Lee" not in doc.text


def test_pdf_outline_sets_the_sections(tmp_path: Path) -> None:
    """With an outline, its entries split the text, each at the line that carries its title
    (numbered in the text, not in the outline); the text's own headings (3.1) split it too."""
    from pypdf import PdfReader, PdfWriter

    reader, writer = PdfReader(DATA / "paper-twocolumn.pdf"), PdfWriter()
    for page in reader.pages[:4]:
        writer.add_page(page)
    for title, page in [("Abstract", 0), ("Introduction", 0), ("Background", 1), ("Dense Passage Retriever (DPR)", 1)]:
        writer.add_outline_item(title=title, page_number=page)
    target = tmp_path / "outlined.pdf"
    writer.write(target)
    doc = extract(target, Settings())
    headings = [s.heading for s in doc.sections]
    assert headings[:4] == ["Abstract", "1 Introduction", "2 Background", "3 Dense Passage Retriever (DPR)"]
    assert "3.1 Overview" in headings
    assert "maximum inner product search" in doc.sections[1].text


def test_text_reference_list_is_cut(tmp_path: Path) -> None:
    body = "\n\n".join(
        f"Paragraph {i} tells the story of the club and its long season in the league." for i in range(8)
    )
    source = tmp_path / "article.txt"
    source.write_text(
        f"A Club History\n\n{body}\n\nReferences\n\n1. Smith, J. (2001). Football. Archived from the original.\n"
    )
    doc = extract(source, Settings())
    assert "Paragraph 7 tells the story" in doc.text
    assert "Smith" not in doc.text and "Archived" not in doc.text


def test_a_damaged_pdf_is_read_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    """pypdf recovers the text behind a corrupt zlib stream silently; podgen says so once."""
    with caplog.at_level(logging.WARNING):
        doc = extract(DATA / "broken-corrupt-stream.pdf", Settings())
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "broken-corrupt-stream.pdf is damaged" in warnings[0]
    assert doc.meta["damaged_streams"] == 1
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert extract(DATA / "paper-twocolumn.pdf", Settings()).meta["damaged_streams"] == 0
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_booklet_chapters_come_from_large_titles() -> None:
    """No outline, no bold or numbered headings: its chapter titles are set at twice the body
    size. Before looking for those, the 76 pages came out as 2 sections."""
    doc = extract(DATA / "report-long.pdf", Settings())
    headings = [s.heading for s in doc.sections]
    for expected in ("What is cancer?", "Making treatment decisions", "Living with breast cancer", "Seeking support"):
        assert expected in headings, headings
    assert len(headings) >= 12
