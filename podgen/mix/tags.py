"""ID3v2.3 tags written with mutagen after ffmpeg is done: title, hosts, show, date, description,
cover (APIC) and chapters (CTOC + one CHAP per chapter, each with a TIT2 title)."""

from __future__ import annotations

from pathlib import Path

from ..models import ChapterMark


def write_tags(
    mp3: Path,
    *,
    title: str,
    artist: str,
    album: str,
    date: str,
    description: str,
    cover: Path | None,
    chapters: list[ChapterMark],
) -> None:
    """Replace every ID3 tag of ``mp3`` with ours."""
    from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TIT2, TPE1, CTOCFlags

    tags = ID3()
    tags.add(TIT2(encoding=3, text=title))
    tags.add(TPE1(encoding=3, text=artist))
    tags.add(TALB(encoding=3, text=album))
    tags.add(TCON(encoding=3, text="Podcast"))
    tags.add(TDRC(encoding=3, text=date))
    if description:
        tags.add(COMM(encoding=3, lang="eng", desc="", text=description))
    if cover is not None:
        mime = "image/jpeg" if cover.suffix == ".jpg" else "image/png"
        tags.add(APIC(encoding=3, mime=mime, type=3, desc="Cover", data=cover.read_bytes()))
    ids = [f"chp{i}" for i in range(len(chapters))]
    if chapters:
        tags.add(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text="Chapters")],
            )
        )
    for element, mark in zip(ids, chapters):
        tags.add(
            CHAP(
                element_id=element,
                start_time=round(mark.start * 1000),
                end_time=round(mark.end * 1000),
                sub_frames=[TIT2(encoding=3, text=mark.title)],
            )
        )
    tags.save(mp3, v2_version=3)
