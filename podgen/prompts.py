"""Prompt and phrase templates: the built-in ones, overridden file by file by the user's.

Search order for a template file:
1. ``settings.prompts_dir`` (the user's folder; a file there wins over the built-in one),
2. the ``prompts`` folder packaged inside the wheel (``podgen/_prompts``),
3. the repository's top-level ``prompts/`` folder (editable installs and checkouts).

For TOML files the user's file may hold only the keys it changes: its top-level keys
replace the built-in ones, the rest still come from the built-in file.
"""

from __future__ import annotations

import tomllib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigError

if TYPE_CHECKING:
    from .config import Settings

_REPO_PROMPTS = Path(__file__).resolve().parent.parent / "prompts"


def builtin_dir() -> Traversable:
    """The folder of templates that ship with podgen."""
    packaged = resources.files("podgen").joinpath("_prompts")
    if packaged.is_dir():
        return packaged
    if _REPO_PROMPTS.is_dir():
        return _REPO_PROMPTS
    raise ConfigError(
        "podgen's built-in prompts folder is missing.",
        "Reinstall podgen; the wheel must contain podgen/_prompts.",
    )


def user_file(name: str, settings: Settings | None) -> Path | None:
    """The user's override of ``name``, if there is one."""
    if settings is None or settings.prompts_dir is None:
        return None
    folder = Path(settings.prompts_dir).expanduser()
    if not folder.is_dir():
        raise ConfigError(f"prompts_dir {folder} is not a folder.", "Point prompts_dir at a folder of templates.")
    candidate = folder / name
    return candidate if candidate.is_file() else None


def _builtin_file(name: str) -> Traversable:
    found = builtin_dir().joinpath(name)
    if not found.is_file():
        raise ConfigError(f"Unknown prompt template {name!r}.", "Check the template name; see prompts/README.md.")
    return found


def has_template(name: str, settings: Settings | None = None) -> bool:
    """Whether a template of that name exists: the user's, or a built-in one."""
    return user_file(name, settings) is not None or builtin_dir().joinpath(name).is_file()


def load_text(name: str, settings: Settings | None = None) -> str:
    """A text template: the user's file if present, else the built-in one."""
    override = user_file(name, settings)
    source: Traversable = override or _builtin_file(name)
    try:
        return source.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"Prompt template {source} is not UTF-8 text: {exc}.") from None


def load_toml(name: str, settings: Settings | None = None) -> dict[str, Any]:
    """A TOML template: built-in keys, replaced key by key by the user's file if present."""
    data = _parse_toml(_builtin_file(name))
    override = user_file(name, settings)
    if override is not None:
        data.update(_parse_toml(override))
    return data


def _parse_toml(source: Traversable) -> dict[str, Any]:
    try:
        return tomllib.loads(source.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"Prompt template {source} is not valid TOML: {exc}.",
            f"Fix {source} or remove it to use the built-in template.",
        ) from None
