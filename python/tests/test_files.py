"""Finished files of a seedbox through the client: a real nginx of the test
kit serves a folder with autoindex and basic auth as the server's HTTP
location; the original client's three methods, plus progress and resume."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from clients import RunningClient, start_client
from torrent_manager import TorrentManagerError

NESTED = "caf\u00e9 & bar.txt"


@pytest.fixture
def seedbox_dir(tmp_path: Path) -> Path:
    root = tmp_path / "seedbox"
    (root / "Season 1").mkdir(parents=True)
    (root / "big.bin").write_bytes(os.urandom(3 * 1024 * 1024 + 17))
    (root / "Season 1" / NESTED).write_bytes(b"nested file")
    return root


@pytest.fixture
def nginx(seedbox_dir: Path) -> Iterator[RunningClient]:
    yield from start_client("files", str(seedbox_dir))


@pytest.fixture
def files_server(client, nginx: RunningClient) -> str:
    location = nginx.server
    return client.add_server(
        name="box", server_type="transmission", host="127.0.0.1", port=9,
        rpc_path="/transmission/rpc", **location,
    )["id"]


def test_listing_nested_folders(client, files_server) -> None:
    root = client.list_server_files(files_server)
    assert (root["server_name"], root["path"]) == ("box", "")
    assert [(e["name"], e["is_dir"]) for e in root["entries"]] == [
        ("Season 1", True), ("big.bin", False)]
    assert root["entries"][1]["size"] == 3 * 1024 * 1024 + 17
    nested = client.list_server_files(files_server, path="Season 1")
    assert [e["path"] for e in nested["entries"]] == [f"Season 1/{NESTED}"]


def test_download_file_and_stream(client, files_server, seedbox_dir, tmp_path) -> None:
    expected = (seedbox_dir / "big.bin").read_bytes()
    target = tmp_path / "out.bin"
    seen = []
    saved = client.download_file(files_server, "big.bin", str(target),
                                 progress=lambda done, total: seen.append((done, total)))
    assert saved == str(target)
    assert target.read_bytes() == expected
    assert seen[-1] == (len(expected), len(expected))

    # Without output_path the file lands in the current directory, by its name.
    os.chdir(tmp_path)
    assert client.download_file(files_server, f"Season 1/{NESTED}") == NESTED
    assert (tmp_path / NESTED).read_bytes() == b"nested file"

    response = client.download_file_stream(files_server, "big.bin")
    try:
        assert response.headers["Content-Length"] == str(len(expected))
        assert b"".join(response.iter_content(64 * 1024)) == expected
    finally:
        response.close()


def test_resume_fetches_only_the_rest(client, files_server, seedbox_dir, tmp_path) -> None:
    expected = (seedbox_dir / "big.bin").read_bytes()
    partial = tmp_path / "partial.bin"
    partial.write_bytes(expected[:1_000_000])
    seen = []
    client.download_file(files_server, "big.bin", partial, resume=True,
                         progress=lambda done, total: seen.append(done))
    assert partial.read_bytes() == expected
    assert seen[0] > 1_000_000 and seen[-1] == len(expected)


def test_errors_carry_codes(client, files_server) -> None:
    with pytest.raises(TorrentManagerError) as missing:
        client.download_file_stream(files_server, "nope.bin")
    assert (missing.value.status_code, missing.value.code) == (404, "file_not_found")
    with pytest.raises(TorrentManagerError) as traversal:
        client.list_server_files(files_server, path="../etc")
    assert (traversal.value.status_code, traversal.value.code) == (400, "invalid_input")
