"""The docs stay in step with the code: every command, option, setting and variable is in the
hand-written pages of docs/, the README stays short, and the site's navigation is whole."""

from __future__ import annotations

import importlib.util
import re

import pytest
from conftest import ROOT
from typer.main import get_command

from podgen.cli import app
from podgen.config import TABLES, Host, Sampling, Settings, Show

README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ROOT / "docs"
PAGES = {p.relative_to(DOCS).as_posix(): p.read_text(encoding="utf-8") for p in sorted(DOCS.rglob("*.md"))}
HANDWRITTEN = "\n".join(PAGES.values())
CONFIGURATION = PAGES["configuration.md"]
ENVIRONMENT = PAGES["environment.md"]
MKDOCS = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def _hook():
    """docs/hooks/reference.py, which writes the generated pages (it needs no MkDocs to import)."""
    spec = importlib.util.spec_from_file_location("reference_hook", DOCS / "hooks" / "reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REFERENCE = _hook()
GENERATED = {REFERENCE.CLI_PAGE, REFERENCE.SETTINGS_PAGE}


def _nav() -> list[str]:
    nav = MKDOCS[MKDOCS.index("\nnav:") :]
    return re.findall(r":\s*(\S+\.md)\s*$", nav, re.M)


def test_readme_opens_with_the_two_setup_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    assert [line.split("#")[0].strip() for line in first_block.strip().splitlines()] == ["make demo", "make test"]


def test_readme_is_short():
    assert len(README.splitlines()) < 300


def test_readme_links_lead_to_files():
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", README):
        if "://" not in target:
            assert (ROOT / target).is_file(), target


def test_every_command_and_option_is_in_the_handwritten_docs():
    group = get_command(app)
    for name, command in group.commands.items():
        assert f"podgen {name}" in HANDWRITTEN, name
        for param in command.params:
            for opt in (*param.opts, *param.secondary_opts):
                if opt.startswith("--") and opt != "--help":
                    assert opt in HANDWRITTEN, f"{name} {opt}"
    for param in group.params:
        for opt in param.opts:
            assert opt in HANDWRITTEN, opt


def test_every_setting_is_in_the_podgen_toml_example_and_the_environment_page():
    for name in Settings.model_fields:
        assert re.search(rf"^#? ?{name} = |\[\[{name}\]\]|^\[{name}\]$", CONFIGURATION, re.M), (
            f"the podgen.toml example in docs/configuration.md lacks {name}"
        )
        if name not in TABLES:
            assert f"PODGEN_{name.upper()}" in ENVIRONMENT, name


@pytest.mark.parametrize(("table", "model"), [("show", Show), ("sampling", Sampling), ("\\[hosts", Host)])
def test_every_table_setting_is_in_its_table(table, model):
    found = re.findall(rf"^\[{table}\]\]?\n(.*?)(?:\n\n|```)", CONFIGURATION, re.M | re.S)
    assert found, table
    for name in model.model_fields:
        assert any(re.search(rf"^#? ?{name} = ", block, re.M) for block in found), f"[{table}] example lacks {name}"


def test_every_setting_has_a_description_for_the_reference():
    for model in (Settings, Host, Sampling, Show):
        for name, field in model.model_fields.items():
            if name not in TABLES:
                assert field.description, f"{model.__name__}.{name} has no description"


def test_the_generated_references_name_every_command_option_and_setting():
    cli, settings = REFERENCE.cli_reference(), REFERENCE.settings_reference()
    for name, command in get_command(app).commands.items():
        assert f"## podgen {name}\n" in cli, name
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("-"):
                    assert opt in cli, f"{name} {opt}"
    for name in Settings.model_fields:
        if name not in TABLES:
            assert f"### `{name}`" in settings and f"PODGEN_{name.upper()}" in settings, name
    for table, model in (("hosts", Host), ("sampling", Sampling), ("show", Show)):
        for name in model.model_fields:
            assert f"### `{table}.{name}`" in settings, f"{table}.{name}"


def test_every_page_in_the_navigation_exists_and_every_page_is_in_it():
    nav = _nav()
    assert nav and len(nav) == len(set(nav))
    for page in nav:
        assert page in PAGES or page in GENERATED, f"mkdocs.yml names {page}, which is not in docs/"
    assert set(PAGES) - set(nav) == set(), "pages missing from the navigation"
    assert GENERATED <= set(nav)
