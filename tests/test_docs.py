"""The README stays in step with the code: every command, option, setting and variable."""

from __future__ import annotations

import re

from conftest import ROOT
from typer.main import get_command

from podgen.cli import app
from podgen.config import Settings, Show

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_setup_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    assert [line.split("#")[0].strip() for line in first_block.strip().splitlines()] == ["make demo", "make test"]


def test_every_command_and_option_is_documented():
    group = get_command(app)
    for name, command in group.commands.items():
        assert f"podgen {name}" in README, name
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--") and opt != "--help":
                    assert opt in README, f"{name} {opt}"


def test_every_setting_is_documented_in_the_file_and_environment_sections():
    for name in Settings.model_fields:
        assert re.search(rf"^#? ?{name} = |\[\[{name}\]\]|^\[{name}\]$", README, re.M), (
            f"podgen.toml example lacks {name}"
        )
        if name not in ("hosts", "show", "sampling"):
            assert f"PODGEN_{name.upper()}" in README, name


def test_every_show_setting_is_in_the_show_table():
    table = re.search(r"^\[show\]\n(.*?)(?:\n\n|```)", README, re.M | re.S).group(1)
    for name in Show.model_fields:
        assert re.search(rf"^#? ?{name} = ", table, re.M), f"[show] example lacks {name}"
