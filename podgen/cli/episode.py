"""Commands that make episodes: make, script, render."""

from __future__ import annotations

from pathlib import Path

import typer

from ..config import Settings
from ._app import app
from .options import CHECK, EPISODE, SOURCES_HELP, STUDIO, VIDEO, VOICE, with_settings
from .results import produce, produce_script


@app.command()
@with_settings(EPISODE)
def make(
    sources: list[str] = typer.Argument(..., help=SOURCES_HELP, show_default=False),
    play: bool = typer.Option(
        False, "--play", help="Play the episode while it is being made: each line as soon as it is spoken."
    ),
    *,
    settings: Settings,
) -> None:
    """Make an episode from documents.

    Examples:

    * `podgen make paper.pdf`

    * `podgen make notes.md chapter.pdf --minutes 3 --title "Weekly digest" -o out/`

    * `podgen make report.docx https://example.org/post lecture.mp3` — several sources, one episode

    * `podgen make paper.pdf --llm openai --model gpt-4o-mini --format debate --focus "the method's limits"`

    * `podgen make paper.pdf --tts openai --voices nova,onyx` (or `--tts edge`, `--tts piper`)

    * `podgen make paper.pdf --language fr` (French voices)

    * `podgen make paper.pdf --video --short` — also episode.mp4 for YouTube and short.mp4 for Shorts

    * `podgen make paper.pdf --llm local --play` — hear the first chapter while the rest is written
    """
    from ..pipeline import make_episode

    produce(lambda bars: make_episode(sources, settings, bars, play=play))


@app.command()
@with_settings(EPISODE)
def script(
    sources: list[str] = typer.Argument(..., help=SOURCES_HELP, show_default=False),
    *,
    settings: Settings,
) -> None:
    """Write an episode's script.json only (no audio): read or edit it, then `podgen render` the folder.

    Examples:

    * `podgen script paper.pdf --minutes 8`

    * `OPENAI_BASE_URL=http://localhost:11434/v1 podgen script paper.pdf --model llama3.1:8b`
    """
    from ..pipeline import make_script

    produce_script(lambda bars: make_script(sources, settings, bars), settings.words_per_minute)


@app.command()
@with_settings(VOICE, STUDIO, VIDEO, CHECK)
def render(
    episode_dir: Path = typer.Argument(..., help="An episode folder holding script.json.", show_default=False),
    *,
    settings: Settings,
) -> None:
    """Re-make the audio of an episode from its (edited) script.json. Only changed lines are re-spoken.

    Examples:

    * `podgen render episodes/dense-passage-retrieval`

    * `podgen render episodes/dense-passage-retrieval --tts edge --tts-concurrency 4`

    * `podgen render episodes/dense-passage-retrieval --video` — and its video, made again if the audio changed
    """
    from ..pipeline import render_episode

    produce(lambda bars: render_episode(episode_dir, settings, bars))
