"""Placement rules and ``server_id="auto"`` / ``server_ids`` adds, against a
real Transmission."""

from __future__ import annotations

import pytest

from torrent_files import TRACKER, make_torrent
from torrent_manager import TorrentManagerError


def test_rules_place_auto_adds(client, server_id, tmp_path) -> None:
    assert client.get_placement() == []
    rules = [{"name": "tv", "match": {"labels": ["tv"]}, "target": {"server_id": server_id}}]
    assert client.set_placement(rules) == rules
    assert client.get_placement() == rules
    with pytest.raises(TorrentManagerError) as refused:
        client.set_placement([{"name": "x", "target": {"server_id": "nope"}}])
    assert refused.value.status_code == 422
    with pytest.raises(TorrentManagerError):
        client.set_placement([{"name": "x", "when": {}, "target": {"server_id": server_id}}])

    path, info_hash = make_torrent(tmp_path, "show.bin")
    placed = client.upload_torrent(path, server_id="auto", start=False, labels=["tv"])
    assert placed["info_hash"] == info_hash
    assert placed["server_id"] == server_id
    assert placed["placement"]["rule"] == "tv"

    _, magnet_hash = make_torrent(tmp_path, "other.bin")
    magnet = f"magnet:?xt=urn:btih:{magnet_hash}&dn=other.bin&tr={TRACKER}"
    several = client.add_torrent(magnet, start=False, server_ids=[server_id, "nope"])
    assert several["total"] == 2 and several["success_count"] == 1
    assert [o["success"] for o in several["outcomes"]] == [True, False]
    assert several["outcomes"][0]["server_name"] == "seedbox"
    assert several["outcomes"][0]["info_hash"] == magnet_hash
