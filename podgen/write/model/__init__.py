"""The model-based writer: any OpenAI-compatible chat model writes a grounded conversation.

    Document ──summaries (parallel)──▶ outline ──segments──▶ length fit ──grounding──▶ Script

Modules of one idea: ``job`` (shared state, prompt files), ``structured`` (JSON answers and
repairs), ``budget`` (context budget), ``plan``, ``segments``, ``length``, ``grounding``.
"""

from __future__ import annotations

from .writer import LlmWriter, LocalWriter

__all__ = ["LlmWriter", "LocalWriter"]
