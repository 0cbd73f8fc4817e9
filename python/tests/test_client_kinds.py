"""The Python client with every client kind beyond Transmission and rTorrent:
qBittorrent (labels are its tags, its category apart), Deluge over its
daemon RPC, with and without its Label plugin, and an rqbit server over its
HTTP API (with basic auth)."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from clients import RunningClient, start_client, wait_for
from torrent_files import make_torrent
from torrent_manager import TorrentManagerClient, TorrentManagerError

CONNECT_TIMEOUT = 30.0


@pytest.fixture(scope="module")
def qbittorrent() -> Iterator[RunningClient]:
    yield from start_client("qbittorrent")


@pytest.fixture(scope="module")
def deluge() -> Iterator[RunningClient]:
    yield from start_client("deluge")


@pytest.fixture(scope="module")
def bare_deluge() -> Iterator[RunningClient]:
    yield from start_client("deluge-bare")


@pytest.fixture(scope="module")
def rqbit() -> Iterator[RunningClient]:
    yield from start_client("rqbit")


def connected(client: TorrentManagerClient, test_client: RunningClient, name: str) -> dict:
    server = client.add_server(**{**test_client.server, "name": name})
    return wait_for(lambda: _connected(client, server["id"]), CONNECT_TIMEOUT,
                    "the server to connect")


def _connected(client: TorrentManagerClient, server_id: str):
    server = client.get_server(server_id)
    return server if server["status"] == "connected" and server["capabilities"] else None


def upload(client: TorrentManagerClient, tmp_path: Path, name: str, server_id: str) -> str:
    path, info_hash = make_torrent(tmp_path, name)
    client.upload_torrent(str(path), server_id, start=False)
    return info_hash


def test_qbittorrent_labels_are_tags(
    client: TorrentManagerClient, qbittorrent: RunningClient, tmp_path: Path
) -> None:
    server = connected(client, qbittorrent, "qbt")
    assert server["server_type"] == "qbittorrent"
    assert server["capabilities"]["labels"] == "many"
    assert server["capabilities"]["category"] is True
    assert server["api_version"].startswith("2.")
    info_hash = upload(client, tmp_path, "py-qbt", server["id"])
    client.set_labels(info_hash, ["linux", "iso"], server_id=server["id"])
    torrent = client.get_torrent(info_hash, server_id=server["id"])
    assert sorted(torrent["labels"]) == ["iso", "linux"]
    assert torrent["category"] is None


def test_deluge_holds_one_label(
    client: TorrentManagerClient, deluge: RunningClient, tmp_path: Path
) -> None:
    server = connected(client, deluge, "deluge")
    assert server["transport"] == "deluge_rpc"
    assert server["capabilities"]["labels"] == "single"
    info_hash = upload(client, tmp_path, "py-deluge", server["id"])
    client.set_labels(info_hash, ["movies"], server_id=server["id"])
    assert client.get_torrent(info_hash, server_id=server["id"])["labels"] == ["movies"]
    with pytest.raises(TorrentManagerError) as refused:
        client.set_labels(info_hash, ["movies", "hd"], server_id=server["id"])
    assert refused.value.status_code == 400
    assert "one label" in str(refused.value)


def test_deluge_without_its_label_plugin_has_no_labels(
    client: TorrentManagerClient, bare_deluge: RunningClient, tmp_path: Path
) -> None:
    server = connected(client, bare_deluge, "bare deluge")
    assert server["capabilities"]["labels"] == "none"
    info_hash = upload(client, tmp_path, "py-bare", server["id"])
    with pytest.raises(TorrentManagerError) as refused:
        client.set_labels(info_hash, ["movies"], server_id=server["id"])
    assert refused.value.status_code == 422
    assert refused.value.code == "client_unsupported"


def test_rqbit_is_a_client_kind_with_what_its_api_has(
    client: TorrentManagerClient, rqbit: RunningClient, tmp_path: Path
) -> None:
    kinds = {kind["server_type"]: kind for kind in client.client_kinds()}
    assert kinds["rqbit"]["addable"] is True
    assert kinds["rqbit"]["transports"][0]["default_port"] == 3030
    assert rqbit.username  # its API wants the login
    server = connected(client, rqbit, "rqbit")
    assert server["server_type"] == "rqbit"
    assert server["client_version"]
    capabilities = server["capabilities"]
    assert capabilities["labels"] == "none"
    assert (capabilities["move"], capabilities["speed_limits"]) == (False, False)
    assert capabilities["recheck"] and capabilities["delete_data"]
    info_hash = upload(client, tmp_path, "py-rqbit", server["id"])
    torrent = wait_for(
        lambda: _paused(client, info_hash, server["id"]), CONNECT_TIMEOUT, "the torrent to pause"
    )
    assert torrent["server_type"] == "rqbit"
    with pytest.raises(TorrentManagerError) as refused:
        client.set_labels(info_hash, ["movies"], server_id=server["id"])
    assert refused.value.status_code == 422
    assert refused.value.code == "client_unsupported"
    wrong = {**rqbit.server, "name": "wrong", "password": "not-it"}
    assert client.test_server_settings(**wrong)["status"] == "failed"


def _paused(client: TorrentManagerClient, info_hash: str, server_id: str):
    torrent = client.get_torrent(info_hash, server_id=server_id)
    return torrent if torrent["state"] == "paused" else None
