"""Images described by a vision-capable chat model (``--describe-images`` with ``--llm
openai``): figures and photos become prose a listener can follow, where OCR would give only
the words printed in them. The request goes through the shared chat client (``podgen.llm``:
retries, request cache, key redaction) with the image as an OpenAI-style ``image_url`` part."""

from __future__ import annotations

import base64
import io
from string import Template
from typing import Any

from ..config import Settings
from ..errors import UsageError
from ..llm import ChatClient
from ..prompts import load_text

MAX_SIDE = 1024
"""Images are scaled to at most this many pixels on the long side before they are sent."""
WORDS = 150


def wanted(settings: Settings) -> bool:
    """Whether images are to be described (and can be): raises UsageError when asked for
    with the offline writer, which has no model to ask."""
    if not settings.describe_images:
        return False
    if settings.writer == "offline":
        raise UsageError(
            "--describe-images needs a vision-capable chat model, and the writer is offline.",
            "Use --llm openai with OPENAI_API_KEY or --llm-base-url, or leave out --describe-images.",
        )
    return True


def data_url(image: Any) -> str:
    """``image`` (PIL) as a JPEG data URL, scaled down to MAX_SIDE."""
    image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def messages(image: Any, settings: Settings) -> list[dict[str, Any]]:
    prompt = Template(load_text("ingest/describe-image.md", settings)).safe_substitute(
        language=settings.language, words=WORDS
    )
    return [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": prompt.strip()},
                {"type": "image_url", "image_url": {"url": data_url(image)}},
            ],
        }
    ]


def describe_all(images: list[Any], settings: Settings) -> list[str]:
    """One description per image (each loaded by calling it), ``llm_concurrency`` at a time."""

    client = ChatClient(settings)
    return client.map(
        lambda load: client.chat(messages(load(), settings), max_tokens=2 * WORDS * 2, kind="summary").text.strip(),
        images,
    )  # factual: sampled as summaries
