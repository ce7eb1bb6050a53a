"""The video command: an episode folder's episode.mp4 (YouTube) and short.mp4 (Shorts, Reels, TikTok)."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from ..config import Settings
from ._app import app
from .console import out, with_progress
from .options import LOOK, opt, with_settings

SHOW_TITLE = opt("show.title", str, "--show-title", help="Show name on the slides [default: podgen].")


@app.command()
@with_settings(LOOK, (SHOW_TITLE,))
def video(
    episode_dir: Path = typer.Argument(
        ..., help="A finished episode folder (the one `podgen make` wrote).", show_default=False
    ),
    short: bool = typer.Option(False, "--short", help="Make short.mp4 (1080x1920, 30-60 s) instead of episode.mp4."),
    long: bool = typer.Option(False, "--long", help="Make episode.mp4 too when --short is given."),
    *,
    settings: Settings,
) -> None:
    """Make an episode's video: episode.mp4 (1920x1080, for YouTube) with youtube.txt, or short.mp4 (--short).

    A video already made from the episode's current audio, in the same style, is not made again.

    Examples:

    * `podgen video episodes/dense-passage-retrieval` — episode.mp4 and youtube.txt

    * `podgen video episodes/dense-passage-retrieval --short` — short.mp4, the best 30-60 s

    * `podgen video episodes/dense-passage-retrieval --long --short --video-style whiteboard`

    * `podgen video episodes/mein-papier --font /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf`
    """

    from ..video import make_videos

    start = time.perf_counter()
    made = with_progress(lambda bars: make_videos(episode_dir, settings, bars, long=long or not short, short=short))
    out.print(f"[bold green]Made[/] the videos of {episode_dir} in {time.perf_counter() - start:.1f}s", highlight=False)
    for entry in made.values():
        size = (Path(episode_dir) / entry["file"]).stat().st_size / 1e6
        out.print(
            f"  {Path(episode_dir) / entry['file']}: {entry['width']}x{entry['height']}, "
            f"{entry['duration']:.1f} s, {size:.1f} MB, {entry['frames']} frames",
            highlight=False,
        )
    if "video" in made:
        out.print(f"  {Path(episode_dir) / 'youtube.txt'}: the description, with its chapters", highlight=False)
