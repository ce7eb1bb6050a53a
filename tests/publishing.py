"""Shared by the feed and site tests: a folder of real episodes (from the session's batch) plus
one whose title and description are hostile, with cover art; and the published site."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import imageio_ffmpeg

BASE = "https://pods.example.org/ml"
HOSTILE_TITLE = "</title><script>window.__pwned=1</script>& 🎙️ Ünïcode"
HOSTILE_DESCRIPTION = '<img src=x onerror="window.__pwned=2"> Ducks & drakes 🦆 ]]>'
SHOW_TITLE = "Test & <Show> 🎧"


def make_cover(path: Path) -> Path:
    """A real 64x64 PNG, drawn by ffmpeg."""
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "color=c=0x336699:s=64x64",
            "-frames:v",
            "1",
            str(path),
        ],
        check=True,
    )
    return path


def episodes_for_publishing(batch_out: Path, root: Path) -> Path:
    """A copy of the batch's episodes, a hostile one with a cover, and an incomplete folder."""
    eps = root / "episodes"
    shutil.copytree(batch_out, eps)
    hostile = eps / "hostile"
    shutil.copytree(eps / "model-card-whisper", hostile)
    meta = json.loads((hostile / "episode.json").read_text(encoding="utf-8"))
    meta.update(
        title=HOSTILE_TITLE,
        description=HOSTILE_DESCRIPTION,
        guid=str(uuid.uuid4()),
        created="2030-01-02T03:04:05+00:00",
    )
    meta["files"]["cover"] = make_cover(hostile / "cover.png").name
    (hostile / "episode.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    (eps / "half").mkdir()
    shutil.copy(eps / "hostile" / "script.json", eps / "half" / "script.json")
    return eps


def episode_meta(eps: Path) -> dict[str, dict]:
    """episode.json of every complete episode, by guid."""
    metas = [json.loads(p.read_text(encoding="utf-8")) for p in eps.glob("*/episode.json")]
    return {m["guid"]: m for m in metas}
