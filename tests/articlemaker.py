"""A two-column journal review article, set with reportlab as journals set theirs: justified
9.5 pt Times in two frames per page, a running head and page numbers, section headings in
bold at the body's own size, and run-in headings ("<b>Fertility.</b> Most women ...")."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer

BODY = ParagraphStyle(
    "body", fontName="Times-Roman", fontSize=9.5, leading=11.5, alignment=TA_JUSTIFY, firstLineIndent=9
)
HEADING = ParagraphStyle(
    "heading", parent=BODY, fontName="Times-Bold", firstLineIndent=0, spaceBefore=8, spaceAfter=2, alignment=0
)
TITLE = ParagraphStyle("title", fontName="Times-Bold", fontSize=17, leading=20, spaceAfter=6)
BYLINE = ParagraphStyle("byline", fontName="Times-Roman", fontSize=10, leading=12, spaceAfter=10)
RUNNING_HEAD = "Journal of Clinical Examples 2024; 12: 101-114"

Section = tuple[str, list[str]]  # heading ("" for none), paragraphs (a run-in heading is "<b>Name.</b> text")


def _furniture(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont("Times-Italic", 8)
    canvas.drawString(18 * mm, A4[1] - 12 * mm, RUNNING_HEAD)
    canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, str(doc.page))
    canvas.restoreState()


def write_article(target: Path, title: str, byline: str, sections: list[Section]) -> Path:
    """``target``: the article, two columns a page, every section's heading set as given."""
    doc = BaseDocTemplate(
        str(target),
        pagesize=A4,
        title=title,
        author=byline,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    gap = 6 * mm
    width = (doc.width - gap) / 2
    columns = [
        Frame(doc.leftMargin + i * (width + gap), doc.bottomMargin, width, doc.height, id=f"col{i}") for i in range(2)
    ]
    doc.addPageTemplates([PageTemplate(id="twocolumn", frames=columns, onPage=_furniture)])
    story = [Paragraph(title, TITLE), Paragraph(byline, BYLINE)]
    for heading, paragraphs in sections:
        if heading:
            story.append(Paragraph(heading, HEADING))
        story += [Paragraph(text, BODY) for text in paragraphs]
        story.append(Spacer(1, 2))
    doc.build(story)
    return target
