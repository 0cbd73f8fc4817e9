"""Categories set through the client route what Sonarr-like clients add
through torrent-manager's qBittorrent API (/api/v2), against a real
Transmission."""

from __future__ import annotations

import pytest
import qbittorrentapi
import requests

from clients import wait_for
from conftest import PASSWORD, unique_username
from torrent_files import TRACKER, make_torrent
from torrent_manager import TorrentManagerClient, TorrentManagerError


def test_put_list_route_delete(base_url, client, server_id, transmission, tmp_path) -> None:
    # Another server becomes the default: the category must route to seedbox.
    spare = client.add_server(name="spare", server_type="transmission", host="127.0.0.1",
                              port=1, is_default=True)
    tv = transmission.download_dir / "tv"
    tv.mkdir()
    assert client.categories() == []

    created = client.put_category("tv-sonarr", save_path=str(tv), server_id=server_id)
    expected = {"name": "tv-sonarr", "save_path": str(tv), "server_id": server_id,
                "server_name": "seedbox"}
    assert created == expected
    assert client.categories() == [expected]

    qbt = qbittorrentapi.Client(host=base_url, username=client.get_me()["username"],
                                password=client.create_api_key("sonarr")["api_key"])
    qbt.auth_log_in()
    assert qbt.torrents_categories()["tv-sonarr"]["savePath"] == str(tv)
    _, info_hash = make_torrent(tmp_path, "episode.bin")
    magnet = f"magnet:?xt=urn:btih:{info_hash}&dn=episode.bin&tr={requests.utils.quote(TRACKER, safe='')}"
    assert qbt.torrents_add(urls=magnet, category="tv-sonarr", is_stopped=True) == "Ok."
    added = wait_for(lambda: client.list_torrents(search="episode"), what="the add")
    assert [(t["info_hash"], t["server_id"]) for t in added] == [(info_hash, server_id)]
    assert added[0]["save_path"].rstrip("/") == str(tv)

    # Replaced: no server means the default one.
    assert client.put_category("tv-sonarr")["server_id"] is None
    assert qbt.torrents_categories()["tv-sonarr"]["server_id"] == spare["id"]

    assert "tv-sonarr" in client.delete_category("tv-sonarr")["message"]
    assert client.categories() == []
    with pytest.raises(TorrentManagerError) as missing:
        client.delete_category("tv-sonarr")
    assert (missing.value.status_code, missing.value.code) == (404, "not_found")


def test_refused_and_private(server, client) -> None:
    box = client.add_server(name="box", server_type="transmission", host="127.0.0.1", port=1)
    client.put_category("films/4k", server_id=box["id"])
    assert [c["name"] for c in client.categories()] == ["films/4k"]

    with pytest.raises(TorrentManagerError) as unknown:
        client.put_category("tv", server_id="no-such-server")
    assert (unknown.value.status_code, unknown.value.code) == (404, "server_not_found")
    with pytest.raises(TorrentManagerError) as relative:
        client.put_category("tv", save_path="downloads")
    assert relative.value.code == "invalid_input"

    with TorrentManagerClient(server.url) as other:
        username = unique_username()
        other.register(username, PASSWORD)
        other.login(username, PASSWORD)
        assert other.categories() == []
        with pytest.raises(TorrentManagerError) as foreign:
            other.put_category("tv", server_id=box["id"])
        assert foreign.value.code == "server_not_found"
