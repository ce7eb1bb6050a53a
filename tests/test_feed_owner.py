"""The show's owner in the feed, held to the rules outside tools apply to ``itunes:owner``:

- the W3C Feed Validator (``feedvalidator/itunes.py``): an ``itunes:owner`` without an
  ``itunes:email`` is an error ("Missing itunes:owner element: itunes:email"); the e-mail must be
  an addr-spec (its ``addr_spec.email_re``); ``itunes:name`` is at most 255 characters; neither
  appears twice; a channel with no ``itunes:owner`` at all only gets a warning;
- Apple Podcasts: ``itunes:owner`` carries the owner's e-mail in ``itunes:email`` and name in
  ``itunes:name``;
- Podcasting 2.0: ``podcast:locked`` names, in ``owner``, the e-mail that may unlock the feed.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from lxml import etree

from podgen.config import Settings, load_settings
from podgen.errors import ConfigError
from podgen.publish import publish
from podgen.publish.feed import ITUNES, PODCAST

W3C_EMAIL = re.compile(
    r"([A-Z0-9_\-+.']+)@(([0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([A-Z0-9\-]+\.)+))"
    r"([A-Z0-9][-A-Z0-9]*)$",
    re.I,
)
NS = {"itunes": ITUNES, "podcast": PODCAST}


def owner_problems(channel: etree._Element) -> list[str]:
    """What the W3C validator calls an error, or Apple a missing part, in the channel's owner."""
    owners = channel.findall("itunes:owner", NS)
    if not owners:
        return []  # the validator's warning, not an error; Apple then asks for it in Podcasts Connect
    problems = ["itunes:owner twice"] if len(owners) > 1 else []
    emails, names = owners[0].findall("itunes:email", NS), owners[0].findall("itunes:name", NS)
    if not emails:
        problems.append("Missing itunes:owner element: itunes:email")
    problems += [f"invalid e-mail {e.text!r}" for e in emails if not W3C_EMAIL.match(e.text or "")]
    if len(emails) > 1 or len(names) > 1:
        problems.append("a duplicate element in itunes:owner")
    if not names:
        problems.append("no itunes:name (Apple)")
    problems += ["itunes:name over 255 characters" for n in names if len(n.text or "") > 255]
    return problems


def lock_problems(channel: etree._Element) -> list[str]:
    locks = channel.findall("podcast:locked", NS)
    email = channel.findtext("itunes:owner/itunes:email", namespaces=NS)
    return [
        f"podcast:locked owner {lock.get('owner')!r} is not the owner's e-mail {email!r}"
        for lock in locks
        if not lock.get("owner") or lock.get("owner") != email
    ]


@pytest.fixture
def episodes(tmp_path) -> Path:
    """One finished episode folder: episode.json and a (tiny) MP3."""
    folder = tmp_path / "episodes" / "ducks"
    folder.mkdir(parents=True)
    (folder / "episode.mp3").write_bytes(b"\xff\xfb" + bytes(2000))
    meta = {
        "title": "Ducks",
        "description": "About ducks.",
        "duration": 61.0,
        "guid": "d7a1c2f0",
        "created": "2024-05-01T10:00:00+00:00",
        "files": {"audio": "episode.mp3"},
        "hosts": ["Alex", "Sam"],
    }
    (folder / "episode.json").write_text(json.dumps(meta))
    return folder.parent


def feed_channel(episodes: Path, tmp_path: Path, **show) -> etree._Element:
    settings = Settings(show={"base_url": "https://pods.example.org/ml", **show})
    report = publish(episodes, tmp_path / "site", settings)
    return etree.parse(str(report.feed)).getroot().find("channel")


def test_a_feed_built_with_defaults_has_no_invalid_owner_and_says_what_is_missing(episodes, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="podgen"):
        channel = feed_channel(episodes, tmp_path)
    assert channel.find("itunes:owner", NS) is None and channel.find("podcast:locked", NS) is None
    assert owner_problems(channel) == [] and lock_problems(channel) == []
    said = " ".join(r.getMessage() for r in caplog.records)
    assert "no owner e-mail" in said and "itunes:owner" in said and "--owner-email" in said


def test_a_feed_built_with_an_owner_email_passes_the_owner_rules(episodes, tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="podgen"):
        channel = feed_channel(episodes, tmp_path, owner_email="ann.o'neil+pod@mail.example.org", owner_name="Ann")
    owner = channel.find("itunes:owner", NS)
    assert owner.findtext("itunes:email", namespaces=NS) == "ann.o'neil+pod@mail.example.org"
    assert owner.findtext("itunes:name", namespaces=NS) == "Ann"
    assert owner_problems(channel) == [] and lock_problems(channel) == []
    assert channel.find("podcast:locked", NS).text == "yes"
    assert not any("owner e-mail" in r.getMessage() for r in caplog.records)


def test_the_owner_name_defaults_to_the_author(episodes, tmp_path):
    channel = feed_channel(episodes, tmp_path, owner_email="ann@example.org", author="Ann Example")
    assert channel.findtext("itunes:owner/itunes:name", namespaces=NS) == "Ann Example"
    assert owner_problems(channel) == []


@pytest.mark.parametrize("email", ["ann", "ann@", "ann@example", "ann example@example.org", "<ann@example.org>"])
def test_an_owner_email_the_validator_would_refuse_is_refused_at_once(email):
    with pytest.raises(ConfigError, match="owner_email"):
        load_settings({"show": {"owner_email": email}}, environ={})
