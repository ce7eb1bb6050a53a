"""Figures from the sources, each placed on the slide of the chapter whose text it sits beside.

Images come from PDF pages (pypdf), Word documents and EPUBs (their media, by the text of the
paragraphs or chapter around them) and local HTML files (``<img>`` beside their text). Decorative
and tiny images are left out: under 160 px a side, a strip (one side over four times the
other), nearly one colour, or the same image on three or more pages (a logo). A figure goes to
the chapter whose spoken words are nearest the text beside it (TF-IDF cosine); each slide shows
at most one. Figures are saved in the episode folder's ``figures/``.
"""

from __future__ import annotations

import hashlib
import io
import logging
import posixpath
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ..config import Settings
from ..files import atomic_path
from ..ingest.pdf_quiet import pypdf_quiet
from ..text.centrality import Centrality
from .slides import Shown

log = logging.getLogger(__name__)
FOLDER = "figures"
MIN_SIDE, MAX_RATIO, MAX_FIGURES = 160, 4.0, 60
MIN_SCORE = 0.08


@dataclass
class Found:
    data: bytes
    context: str


def place_figures(shown: Shown, settings: Settings) -> None:
    """Give each slide the figure (if any) that belongs to it."""
    found: list[Found] = []
    for source in shown.episode.script.sources if shown.episode.script else []:
        path = Path(source)
        if path.is_file():
            try:
                found += _from_source(path, settings)
            except Exception as exc:  # a source that changed or broke since: the video goes on without its figures
                log.warning("no figures from %s (%s)", path.name, exc)
    kept = _not_decorative(found)
    if not kept:
        return
    folder = shown.episode.folder / FOLDER
    chapters = [" ".join(line.text for line in slide.lines) for slide in shown.slides]
    centrality = Centrality([*chapters, *(figure.context for figure, _ in kept)])
    spoken = [centrality.vector(text) for text in chapters]
    taken: dict[int, tuple[float, int]] = {}
    for index, (figure, _image) in enumerate(kept):
        beside = centrality.vector(figure.context)
        scores = [centrality.cosine(beside, chapter) for chapter in spoken]
        best = max(range(len(scores)), key=scores.__getitem__)
        if scores[best] >= MIN_SCORE and scores[best] > taken.get(best, (0.0, -1))[0]:
            taken[best] = (scores[best], index)
    for slide_index, (_, index) in taken.items():
        shown.slides[slide_index].figure = _save(folder, index, kept[index][1])


def _from_source(path: Path, settings: Settings) -> list[Found]:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        with pypdf_quiet():
            return _pdf(path, settings)
    if suffix in (".docx", ".epub"):
        return _zipped(path, settings)
    if suffix in (".html", ".htm"):
        return _html(path)
    return []


def _pdf(path: Path, settings: Settings) -> list[Found]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    if reader.is_encrypted:
        reader.decrypt(settings.password or "")
    found: list[Found] = []
    for page in reader.pages[: settings.max_pages]:
        images = list(page.images)
        if not images:
            continue
        text = page.extract_text() or ""
        found += [Found(image.data, text) for image in images]
        if len(found) >= MAX_FIGURES:
            break
    return found


def _zipped(path: Path, settings: Settings) -> list[Found]:
    """Word and EPUB: each media file, with the text of the document part that uses it."""
    from lxml import etree, html

    found: list[Found] = []
    limit = settings.max_unzipped_mb * 1e6
    with zipfile.ZipFile(path) as archive:
        names = {i.filename: i for i in archive.infolist()}
        for name, info in names.items():
            if not name.endswith((".xml", ".xhtml", ".html", ".htm")) or info.file_size > limit:
                continue
            raw = archive.read(name)
            refs = _refs(raw)
            if not refs:
                continue
            try:
                text = " ".join(html.fromstring(raw).text_content().split())
            except (etree.ParserError, ValueError):
                continue
            for ref in refs:
                target = _resolve(name, ref, names, archive)
                if target and names[target].file_size <= limit:
                    found.append(Found(archive.read(target), text))
    return found[:MAX_FIGURES]


def _refs(raw: bytes) -> list[str]:
    """Image references in a document part: ``src``/``href`` of images, and Word's relationship ids."""
    text = raw.decode("utf-8", "replace")
    return (
        re.findall(r'<img[^>]+src="([^"]+)"', text)
        + re.findall(r'<image[^>]+href="([^"]+)"', text)
        + re.findall(r'r:embed="([^"]+)"', text)
    )


def _resolve(part: str, ref: str, names: dict, archive: zipfile.ZipFile) -> str | None:
    """The archive member ``ref`` names from ``part``: a relative path, or a Word relationship id."""
    if ref.startswith("rId"):
        folder, file = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", file + ".rels")
        if rels not in names:
            return None
        match = re.search(
            rf'Id="{re.escape(ref)}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{re.escape(ref)}"',
            archive.read(rels).decode("utf-8", "replace"),
        )
        ref = (match.group(1) or match.group(2)) if match else ""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(part), ref.split("#")[0]))
    return target if target in names else None


def _html(path: Path) -> list[Found]:
    """A local HTML file's images (files beside it), each with the text of the block around it."""
    from lxml import html

    tree = html.parse(str(path))
    found: list[Found] = []
    for img in tree.iter("img"):
        src = str(img.get("src") or "")
        if "://" in src or src.startswith("data:"):
            continue
        file = (path.parent / PurePosixPath(src)).resolve()
        if not file.is_file() or not file.is_relative_to(path.parent.resolve()):
            continue
        block = img.getparent()
        while block is not None and len(" ".join(block.text_content().split())) < 200 and block.getparent() is not None:
            block = block.getparent()
        found.append(Found(file.read_bytes(), block.text_content() if block is not None else ""))
    return found[:MAX_FIGURES]


def _not_decorative(found: list[Found]) -> list[tuple[Found, object]]:
    from PIL import Image, ImageStat

    counts = Counter(hashlib.sha256(f.data).hexdigest() for f in found)
    kept, seen = [], set()
    for figure in found:
        digest = hashlib.sha256(figure.data).hexdigest()
        if counts[digest] >= 3 or digest in seen:
            continue
        seen.add(digest)
        try:
            with Image.open(io.BytesIO(figure.data)) as image:
                if image.width * image.height > 40_000_000:
                    continue
                image.load()
                rgb = image.convert("RGB")
        except Exception:  # Pillow raises many types for an image it cannot read
            log.warning("a figure of the source cannot be read; it is left out")
            continue
        small, large = sorted(rgb.size)
        if small < MIN_SIDE or large > MAX_RATIO * small or max(ImageStat.Stat(rgb).stddev) < 6:
            continue
        kept.append((figure, rgb))
    return kept


def _save(folder: Path, index: int, image) -> Path:
    target = folder / f"figure-{index + 1:02d}.png"
    with atomic_path(target) as tmp:
        image.save(tmp, format="PNG")
    return target
