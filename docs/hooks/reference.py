"""The generated reference pages: every command from ``podgen.cli.app``, every setting from
``podgen.config.Settings``, written when the site is built so they cannot drift from the code.

MkDocs runs :func:`on_files` (``hooks:`` in mkdocs.yml); the tests call :func:`cli_reference`
and :func:`settings_reference` directly, without MkDocs.
"""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from typer.main import get_command

from podgen.cli import app
from podgen.config import ENV_PREFIX, TABLES, Host, Sampling, Settings, Show
from podgen.marks import marks

CLI_PAGE = "reference/cli.md"
SETTINGS_PAGE = "reference/settings.md"
DEFAULT = re.compile(r"\s*\[default: (.*)\]\s*$")


def on_files(files: Any, config: Any) -> Any:
    """Add the two generated pages to the site's files (MkDocs hook)."""
    from mkdocs.structure.files import File  # only in the site's environment, never in the tests'

    docs = Path(config["docs_dir"])
    for path, text in ((CLI_PAGE, cli_reference(docs)), (SETTINGS_PAGE, settings_reference())):
        files.append(File.generated(config, path, content=text))
    return files


# --- the command line


def commands() -> dict[str, Any]:
    """podgen's commands by name, as click (typer's) command objects."""
    return dict(get_command(app).commands)


def cli_reference(docs: Path | None = None) -> str:
    """The command-line reference: usage, help, examples and every option of every command."""
    group = get_command(app)
    root = group.make_context("podgen", [], resilient_parsing=True)
    parts = [
        "# Command-line reference\n",
        "Generated from `podgen.cli.app` when this site is built: the same text as `podgen COMMAND --help`. "
        "The pages under *Commands* show each command at work.\n",
        "## podgen\n",
        "`podgen [--debug] [--version] COMMAND [ARGS]...`\n",
        _dedent(group.help or ""),
        _options(group.params, root),
    ]
    for name, command in group.commands.items():
        if command.hidden:
            continue
        ctx = command.make_context(name, [], parent=root, resilient_parsing=True)
        parts += [f"## podgen {name}\n", f"`{_usage(name, command)}`\n", _dedent(command.help or "")]
        parts.append(_options(command.params, ctx))
        parts += [f"More: [{title}](../{page})\n" for page, title in _pages_about(name, docs)]
    return "\n".join(parts)


def _usage(name: str, command: Any) -> str:
    words = ["podgen", name, "[OPTIONS]"]
    for param in command.params:
        if param.param_type_name == "argument":
            word = (param.metavar or param.name).upper() + ("..." if param.nargs == -1 else "")
            words.append(word if param.required else f"[{word}]")
    return " ".join(words)


def _options(params: list[Any], ctx: Any) -> str:
    rows = ["| argument or option | meaning |", "|---|---|"]
    for param in params:
        record = param.get_help_record(ctx)
        if record is None:  # an argument without help
            record = (param.name.upper(), "")
        left, right = record
        rows.append(f"| `{_cell(left, code=True)}` | {_cell(right)} |")
    return "\n".join(rows) + "\n"


def _pages_about(command: str, docs: Path | None) -> list[tuple[str, str]]:
    """The hand-written pages with a heading about ``podgen COMMAND``: (path, page title)."""
    if docs is None:
        return []
    heading = re.compile(rf"^#+ .*`podgen {command}\b", re.M)
    found = []
    for path in sorted(docs.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if heading.search(text):
            title = re.search(r"^# (.+)$", text, re.M)
            found.append((path.relative_to(docs).as_posix(), title.group(1).strip() if title else path.stem))
    return found


# --- the settings


def settings_reference() -> str:
    """The settings reference: every setting's type, default, limits, environment variable,
    flags and the stages it shapes; then the [[hosts]], [sampling] and [show] tables."""
    flags = _flags()
    parts = [
        "# Settings reference\n",
        "Generated from `podgen.config.Settings` when this site is built. Settings come from, highest "
        "first: command-line flags, environment variables, `podgen.toml` (or `--config FILE`, "
        f"`{ENV_PREFIX}CONFIG`), then these defaults; see [Configuration](../configuration.md). "
        "*Shapes* names the stages a setting changes: a setting that shapes none, and a secret one, "
        "never goes into an episode's fingerprint or a batch's skip hash.\n",
        _summary(Settings, flags),
        "## Settings\n",
    ]
    parts += [_field(Settings, name, flags) for name in Settings.model_fields if name not in TABLES]
    for table, model in (("[[hosts]]", Host), ("[sampling]", Sampling), ("[show]", Show)):
        parts.append(f"## `{table}` {{ #{table.strip('[]')} }}\n")
        parts.append(_dedent(model.__doc__ or ""))
        if model is Host:
            parts.append(_hosts_default())
        parts += [_field(model, name, flags, table) for name in model.model_fields]
    return "\n".join(parts)


def _flags() -> dict[str, list[tuple[str, str]]]:
    """Each setting's flags and the commands that take them, by parameter name
    (``show.title`` is the parameter ``show_title``)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for name, command in commands().items():
        for param in command.params:
            if param.param_type_name == "option":
                flags = " / ".join(f"`{o}`" for o in (*param.opts, *param.secondary_opts))
                found.setdefault(param.name, []).append((flags, name))
    return found


def _summary(model: type[BaseModel], flags: dict[str, list[tuple[str, str]]]) -> str:
    rows = ["| setting | default | environment variable | flag |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        if name in TABLES:
            continue
        flag = sorted({f for f, _ in flags.get(name, [])})
        env = f"`{ENV_PREFIX}{name.upper()}`"
        rows.append(f"| [`{name}`](#{name}) | {_cell(_default(field))} | {env} | {', '.join(flag)} |")
    rows.append("| [`[[hosts]]`](#hosts), [`[sampling]`](#sampling), [`[show]`](#show) | tables | | |")
    return "\n".join(rows) + "\n"


def _field(model: type[BaseModel], name: str, flags: dict[str, list[tuple[str, str]]], table: str = "") -> str:
    field = model.model_fields[name]
    anchor = f"{table.strip('[]')}.{name}" if table else name
    lines = [f"### `{anchor}` {{ #{anchor.replace('.', '-')} }}\n", DEFAULT.sub("", field.description or "") + "\n"]
    lines.append(f"- type: {_type(field.annotation)}{_limits(field)}")
    lines.append(f"- default: {_default(field)}")
    if not table:
        lines.append(f"- environment: `{ENV_PREFIX}{name.upper()}`")
    param = f"{table.strip('[]')}_{name}" if table else name
    by_flag: dict[str, list[str]] = {}
    for flag, command in flags.get(param, []):
        by_flag.setdefault(flag, []).append(f"`{command}`")
    for flag, where in by_flag.items():
        lines.append(f"- flag: {flag} ({', '.join(where)})")
    mark = marks(model, name)
    if mark.get("secret"):
        lines.append("- secret: never written to a file, a hash or a log")
    lines.append(f"- shapes: {', '.join(mark.get('shapes') or ['no episode'])}")
    return "\n".join(lines) + "\n"


def _type(annotation: Any) -> str:
    if typing.get_origin(annotation) is typing.Literal:
        return "one of " + ", ".join(f"`{a}`" for a in typing.get_args(annotation))
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return _type(args[0]) + ", optional"
    if typing.get_origin(annotation) is list:
        return f"list of {_type(args[0])}"
    if typing.get_origin(annotation) is dict:
        return f"table of {_type(args[0])} to {_type(args[1])}"
    names = {str: "string", int: "integer", float: "number", bool: "true or false", Path: "path"}
    return names.get(annotation, f"`{getattr(annotation, '__name__', annotation)}`")


def _limits(field: FieldInfo) -> str:
    words = {"gt": "over", "ge": "at least", "lt": "under", "le": "at most"}
    found = []
    for meta in field.metadata:
        for attr, word in words.items():
            if getattr(meta, attr, None) is not None:
                found.append(f"{word} {getattr(meta, attr)}")
        if getattr(meta, "min_length", None) is not None:
            found.append(f"at least {meta.min_length} long")
        if getattr(meta, "max_length", None) is not None:
            found.append(f"at most {meta.max_length} long")
        if getattr(meta, "pattern", None):
            found.append(f"matching `{meta.pattern}`")
    return f" ({', '.join(found)})" if found else ""


def _default(field: FieldInfo) -> str:
    said = DEFAULT.search(field.description or "")
    if said:
        return said.group(1)
    if field.default_factory is not None:
        value = field.default_factory()
        if isinstance(value, BaseModel):
            return "the table's defaults"
        if isinstance(value, list) and value and isinstance(value[0], BaseModel):
            return "see below"
        return f"`{_toml(value)}`"
    return "not set" if field.default is None else f"`{_toml(field.default)}`"


def _hosts_default() -> str:
    hosts = Settings.model_fields["hosts"].default_factory()
    blocks = []
    for host in hosts:
        values = host.model_dump(exclude_defaults=True)
        blocks.append("[[hosts]]\n" + "\n".join(f"{k} = {_toml(v)}" for k, v in values.items()))
    return "The default hosts:\n\n```toml\n" + "\n\n".join(blocks) + "\n```\n"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | Path):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def _dedent(text: str) -> str:
    """A docstring or help text as a Markdown paragraph (docstrings' ``code`` as `code`)."""
    lines = text.strip().splitlines()
    return "\n".join(line.strip() for line in lines).replace("``", "`") + "\n"


def _cell(text: str, code: bool = False) -> str:
    """Text in a table cell: one line, no pipes, no raw HTML (a code span shows < and > as they are)."""
    text = " ".join(text.split()).replace("|", "\\|")
    return text if code else text.replace("<", "&lt;").replace(">", "&gt;")
