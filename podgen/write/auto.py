"""Writer backend "auto": the openai writer when an API key or endpoint is configured, else offline."""
from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from ..contracts import Progress
from ..llm import find_endpoint
from ..models import Document, Script

if TYPE_CHECKING:
    from ..config import Settings

log = logging.getLogger(__name__)


class AutoWriter:
    name = "auto"

    def write(self, document: Document, settings: Settings, progress: Progress | None = None) -> Script:
        endpoint = find_endpoint(settings.llm_base_url, os.environ)
        if endpoint is None:
            from .offline import OfflineWriter

            log.info("writer auto: offline, because neither OPENAI_API_KEY nor a base URL is set")
            script = OfflineWriter().write(document, settings)
            script.stats["writer_reason"] = "auto: no OPENAI_API_KEY or base URL is set"
            return script
        from .llm import LlmWriter

        log.info("writer auto: openai, because %s", endpoint.reason)
        script = LlmWriter().write(document, settings, progress)
        script.stats["writer_reason"] = f"auto: {script.stats.get('writer_reason', endpoint.reason)}"
        return script
