"""--describe-images: a vision-capable model describes images instead of OCR, through the
shared chat client, against the local OpenAI-compatible chat server (real HTTP, real openai
client)."""

from __future__ import annotations

import base64
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from servers.chat import Answer

from podgen.config import Settings
from podgen.errors import UsageError
from podgen.ingest import extract

DATA = Path(__file__).parent / "data"
DESCRIPTION = (
    "A page of the Code of Federal Regulations set in two columns, defining who has "
    "competitive status in the civil service."
)


def settings_for(server, tmp_path: Path, **more) -> Settings:
    return Settings(
        writer="openai", llm_base_url=server.url, describe_images=True, cache_dir=tmp_path, llm_retries=0, **more
    )


def test_an_image_is_described_by_the_model_instead_of_read_with_ocr(chat_server, tmp_path: Path) -> None:
    from PIL import Image

    chat_server.push(Answer(content=DESCRIPTION))
    doc = extract(DATA / "image-cfr-twocolumn-crop.png", settings_for(chat_server, tmp_path))
    assert doc.text == DESCRIPTION and doc.meta["described"] is True and "ocr" not in doc.meta
    (request,) = chat_server.chat_requests()
    text, image = request.body["messages"][0]["content"]
    assert text["type"] == "text" and "cannot see it" in text["text"]
    url = image["image_url"]["url"]
    assert url.startswith("data:image/jpeg;base64,")
    sent = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    assert sent.format == "JPEG" and max(sent.size) <= 1024


def test_a_description_is_asked_for_once_then_cached(chat_server, tmp_path: Path) -> None:
    chat_server.push(Answer(content=DESCRIPTION))
    settings = settings_for(chat_server, tmp_path)
    first = extract(DATA / "image-cfr-twocolumn-crop.png", settings)
    second = extract(DATA / "image-cfr-twocolumn-crop.png", settings)
    assert first.text == second.text == DESCRIPTION
    assert len(chat_server.chat_requests()) == 1


def test_a_model_that_fails_is_one_line_error(chat_server, tmp_path: Path) -> None:
    from podgen.errors import PodgenError

    chat_server.push(Answer.error(404, "The model `vision-x` does not exist"))
    with pytest.raises(PodgenError) as info:
        extract(DATA / "image-cfr-twocolumn-crop.png", settings_for(chat_server, tmp_path, model="vision-x"))
    assert "\n" not in info.value.message and info.value.hint


def test_describe_images_with_the_offline_writer_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as info:
        extract(DATA / "image-cfr-twocolumn-crop.png", Settings(writer="offline", describe_images=True))
    assert "--describe-images" in info.value.message and "--llm openai" in info.value.hint
    proc = subprocess.run(
        [sys.executable, "-m", "podgen", "extract", str(DATA / "image-cfr-twocolumn-crop.png"), "--describe-images"],
        capture_output=True,
        text=True,
        env={**os.environ, "PODGEN_WRITER": "offline"},
    )
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
