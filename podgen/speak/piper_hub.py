"""Any Piper voice by name, from rhasspy/piper-voices on the Hugging Face Hub.

A voice is named ``LANG_REGION-SPEAKER-QUALITY`` (``de_DE-thorsten-medium``); its two files are
``LANG/LANG_REGION/SPEAKER/QUALITY/NAME.onnx`` and ``.onnx.json``, fetched once into the Hugging
Face cache by ``podgen.hub`` on first use. ``voices.json``, the repository's catalogue, says
which voices there are: it lists a language's voices, and names the nearest ones to a wrong name.
"""

from __future__ import annotations

import difflib
import json
import logging
import re
from functools import partial
from pathlib import Path

from .. import hub
from ..errors import BackendError, UnknownBackend, UsageError
from ..hub.checks import json_problem, onnx_problem
from ..text.language import base_language

log = logging.getLogger(__name__)

REPO = "rhasspy/piper-voices"
CATALOGUE = "voices.json"
NAME = re.compile(r"(?P<lang>[a-z]{2,3})_(?P<region>[A-Z]{2})-(?P<speaker>\w+)-(?P<quality>x_low|low|medium|high)")
_CONFIG = partial(json_problem, needs=("audio", "phoneme_id_map"))


def is_name(name: str) -> bool:
    return NAME.fullmatch(name) is not None


def files(name: str) -> tuple[str, str]:
    """The voice's model and config paths in the repository."""
    found = NAME.fullmatch(name)
    if found is None:
        raise UnknownBackend(
            f"{name!r} is not a Piper voice name.", "Piper voices are named like de_DE-thorsten-medium."
        )
    lang, region, speaker, quality = found.group("lang", "region", "speaker", "quality")
    folder = f"{lang}/{lang}_{region}/{speaker}/{quality}"
    return f"{folder}/{name}.onnx", f"{folder}/{name}.onnx.json"


def cached(name: str) -> tuple[Path, Path] | None:
    """The voice's model and config if both are in the Hugging Face cache."""
    model, config = files(name)
    found = hub.cached(REPO, model, onnx_problem), hub.cached(REPO, config, _CONFIG)
    return (found[0], found[1]) if None not in found else None


def fetch(name: str) -> tuple[Path, Path]:
    """The voice's model and config, downloaded once; a wrong name is an error with the nearest ones."""
    if found := cached(name):
        return found
    model, config = files(name)
    try:
        config_path = hub.fetch(REPO, config, _CONFIG, "a Piper voice's config")
    except UsageError as exc:
        if "not found in" not in exc.message:
            raise
        raise _unknown(name) from None
    return hub.fetch(REPO, model, onnx_problem, "a Piper voice model"), config_path


def _unknown(name: str) -> UnknownBackend:
    known = list(catalogue(quiet=True))
    near = difflib.get_close_matches(name, known, n=4, cutoff=0.4)
    hint = f"Nearest: {', '.join(near)}." if near else "See the list: podgen voices --tts piper --language LANG."
    return UnknownBackend(f"There is no Piper voice {name!r} in {REPO}.", hint)


def catalogue(quiet: bool = False) -> dict[str, dict]:
    """The repository's voices (``voices.json``): the cached copy, else downloaded; {} if it
    cannot be had and ``quiet``."""
    if found := hub.cached(REPO, CATALOGUE, json_problem):
        return json.loads(found.read_bytes())
    if quiet and not hub.answers(REPO, CATALOGUE):
        return {}
    try:
        return json.loads(hub.fetch(REPO, CATALOGUE, json_problem, "a voice list").read_bytes())
    except (BackendError, UsageError) as exc:
        if not quiet:
            raise
        log.info("the Piper voice list cannot be had: %s", exc.message)
        return {}


def for_language(language: str, quiet: bool = True) -> list[str]:
    """Every Piper voice of ``language`` ("de", or "pt-BR" for one region) in the catalogue."""
    wanted = language.replace("-", "_")
    voices = catalogue(quiet)
    if "_" in wanted:
        return sorted(n for n, v in voices.items() if v.get("language", {}).get("code", "").lower() == wanted.lower())
    return sorted(n for n, v in voices.items() if v.get("language", {}).get("family") == base_language(language))
