"""podgen.hub against a Hub that lies: about sizes, about ranges, about hashes, or that drips.
Every case is a local Hub server of the test's own (tests/servers/hub.py), spoken to by the
real download code in this process."""

from __future__ import annotations

import logging
import os
import sys
import time

import pytest

from podgen import hub
from podgen.errors import BackendError, UsageError
from podgen.hub import transfer
from podgen.hub.store import Repo

REPO = "test-org/files"
MB = 1 << 20


def data(size: int, seed: int = 1) -> bytes:
    return (bytes(range(256)) * (size // 256 + 1))[seed : seed + size]


def leftovers(root) -> list[str]:
    """Files in the cache that are not finished blobs, snapshots or refs: partial downloads."""
    return [str(p) for p in root.rglob("*") if p.is_file() and p.name.endswith(".incomplete")]


def test_a_download_in_pieces_with_ranges_finishes_however_often_it_breaks(hub_env, tmp_path):
    hub_env.add(REPO, "model.bin", data(5 * MB))
    hub_env.limit = MB + MB // 5  # every GET closes after 1.2 MB, but ranges are honoured

    path = hub.fetch(REPO, "model.bin")

    assert path.read_bytes() == data(5 * MB)
    gets = hub_env.seen("cdn", "GET")
    assert len(gets) == 5 > transfer.MAX_RESUMES + 1  # progress each time: never given up on
    assert [r.status for r in gets] == [200, 206, 206, 206, 206]
    assert not leftovers(tmp_path)


def test_a_server_that_ignores_ranges_and_closes_early_is_given_up_on(hub_env, tmp_path):
    hub_env.add(REPO, "model.bin", data(3 * MB))
    hub_env.ignore_range, hub_env.limit = True, MB  # the whole file from its start, cut at 1 MB, every time

    with pytest.raises(BackendError) as raised:
        hub.fetch(REPO, "model.bin")

    gets = hub_env.seen("cdn", "GET")
    assert len(gets) == 2 + transfer.MAX_RESUMES  # the first try brought 1 MB; the others nothing new
    assert sum(r.sent for r in gets) == len(gets) * MB
    assert "broke off 4 times in a row without progress" in raised.value.message
    assert "\n" not in raised.value.message and raised.value.hint
    assert hub.cached(REPO, "model.bin") is None and not leftovers(tmp_path)


def test_a_size_larger_than_the_disk_is_refused_before_any_byte(hub_env):
    file = hub_env.add(REPO, "model.bin", data(MB))
    claim = {"X-Repo-Commit": hub_env.commit(REPO), "ETag": '"x"', "X-Linked-Etag": f'"{file.sha256}"'}
    claim |= {"X-Linked-Size": str(10**15), "Location": f"{hub_env.cdn_url}/blobs/{file.sha256}"}
    hub_env.rules.append(lambda request: (302, claim) if request.method == "HEAD" else None)

    with pytest.raises(BackendError) as raised:
        hub.fetch(REPO, "model.bin")

    assert "announces 1000000.0 GB" in raised.value.message and "free" in raised.value.message
    assert hub_env.seen("cdn") == []


def test_a_server_that_drips_is_stalled(hub_env, tmp_path, monkeypatch):
    monkeypatch.setattr(transfer, "STALL_SECONDS", 0.5)  # 512 bytes in half a second, or it is stalled
    hub_env.add(REPO, "model.bin", data(MB))
    hub_env.drip, hub_env.drip_for = 0.05, 1.0  # 20 bytes a second

    started = time.monotonic()
    with pytest.raises(BackendError) as raised:
        hub.fetch(REPO, "model.bin")

    assert "stalled" in raised.value.message and time.monotonic() - started < 10
    assert len(hub_env.seen("cdn", "GET")) == 1 + transfer.MAX_RESUMES
    assert hub.cached(REPO, "model.bin") is None and not leftovers(tmp_path)


def test_bytes_that_are_not_the_announced_ones_are_not_cached(hub_env, tmp_path):
    real = hub_env.add(REPO, "model.bin", data(MB))
    other = hub_env.add(REPO, "other.bin", data(MB, seed=7))  # same size, other bytes
    lie = {"X-Repo-Commit": hub_env.commit(REPO), "ETag": '"x"', "X-Linked-Etag": f'"{real.sha256}"'}
    lie |= {"X-Linked-Size": str(MB), "Location": f"{hub_env.cdn_url}/blobs/{other.sha256}"}
    hub_env.rules.append(lambda request: (302, lie) if request.method == "HEAD" else None)

    with pytest.raises(BackendError) as raised:
        hub.fetch(REPO, "model.bin")

    assert raised.value.message == f"model.bin from {hub_env.url} arrived corrupt: its sha256 is not the one announced."
    assert hub.cached(REPO, "model.bin") is None and not leftovers(tmp_path)


def test_more_bytes_than_announced_stop_the_download(hub_env, tmp_path):
    real = hub_env.add(REPO, "model.bin", data(MB))
    claim = {"X-Repo-Commit": hub_env.commit(REPO), "ETag": '"x"', "X-Linked-Etag": f'"{real.sha256}"'}
    claim |= {"X-Linked-Size": str(MB // 2), "Location": f"{hub_env.cdn_url}/blobs/{real.sha256}"}
    hub_env.rules.append(lambda request: (302, claim) if request.method == "HEAD" else None)

    with pytest.raises(BackendError) as raised:
        hub.fetch(REPO, "model.bin")

    assert "sent more bytes of model.bin" in raised.value.message
    assert not leftovers(tmp_path)


def test_retries_are_logged_once_each_with_the_true_try_count(hub_env, caplog):
    hub_env.add(REPO, "model.bin", data(1000), lfs=False)
    heads = []

    def busy(request):
        if request.method == "HEAD":
            heads.append(request)
            return (503, {}) if len(heads) <= 2 else None

    hub_env.rules.append(busy)
    with caplog.at_level(logging.INFO, logger="podgen"):
        assert hub.fetch(REPO, "model.bin").read_bytes() == data(1000)

    said = [r.getMessage() for r in caplog.records if "answered HTTP 503" in r.getMessage()]
    assert len(heads) == 3 and len(said) == 2
    assert [s.rsplit(";", 1)[1] for s in said] == [" try 2 of 3", " try 3 of 3"]


def test_a_bad_file_in_the_cache_is_named_skipped_and_replaced(hub_env, caplog):
    hub_env.add(REPO, "model.bin", data(1000), lfs=False)
    junk = Repo(REPO)
    junk.blob("junk").parent.mkdir(parents=True)
    junk.blob("junk").write_bytes(b"<html>a mirror's error page</html>")
    junk.link("0" * 40, "model.bin", "junk")

    def check(path):
        return None if path.read_bytes() == data(1000) else "not the model"

    with caplog.at_level(logging.WARNING, logger="podgen"):
        assert hub.cached(REPO, "model.bin", check) is None
        assert hub.fetch(REPO, "model.bin", check).read_bytes() == data(1000)
    assert any("skipping model.bin" in r.getMessage() and "not the model" in r.getMessage() for r in caplog.records)
    assert hub.cached(REPO, "model.bin", check) is not None


def test_offline_mode_makes_no_request(hub_env, monkeypatch):
    hub_env.add(REPO, "model.bin", data(1000))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    with pytest.raises(UsageError) as raised:
        hub.fetch(REPO, "model.bin")

    assert "HF_HUB_OFFLINE" in raised.value.message and hub_env.requests == []


def test_huggingface_hub_is_not_needed(hub_env, monkeypatch):
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)  # as if it were not installed
    hub_env.add(REPO, "model.bin", data(1000))

    path = hub.fetch(REPO, "model.bin")

    assert path.read_bytes() == data(1000) and os.path.islink(path)
