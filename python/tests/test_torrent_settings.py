"""Per-torrent settings through the client against the real server and a
real transmission-daemon: limits and priority read back from the client,
``None``/``CLEAR`` clears a value, goals are kept by the manager."""

from __future__ import annotations

import pytest

from clients import wait_for
from torrent_files import make_torrent
from torrent_manager import CLEAR, TorrentManagerError


def test_torrent_settings_round_trip(client, server_id, transmission):
    torrent_path, info_hash = make_torrent(transmission.download_dir, "tuned.bin")
    client.upload_torrent(str(torrent_path), server_id, start=True)
    wait_for(lambda: client.get_torrent(info_hash)["state"] == "seeding")

    fresh = client.get_torrent_settings(info_hash, server_id)
    assert fresh["capabilities"] == {
        "speed_limits": True, "priority": True, "native_seeding_goals": True,
    }
    assert (fresh["download_limit"], fresh["upload_limit"], fresh["priority"]) == (None, None, "normal")

    set_ = client.set_torrent_settings(
        info_hash, server_id, ratio=2, seeding_time=7 * 86_400,
        download_limit=1_000_000, upload_limit=500_000, priority="high",
    )
    assert set_["seeding"] == {
        "ratio": 2.0, "seeding_time": 604_800, "inactive_time": None, "action": "stop",
    }
    assert (set_["download_limit"], set_["upload_limit"], set_["priority"]) == (1_000_000, 500_000, "high")
    assert client.get_torrent_settings(info_hash, server_id) == set_

    cleared = client.set_torrent_settings(info_hash, server_id, ratio=None, download_limit=CLEAR)
    assert cleared["seeding"]["ratio"] is None
    assert cleared["seeding"]["seeding_time"] == 604_800
    assert (cleared["download_limit"], cleared["upload_limit"]) == (None, 500_000)

    with pytest.raises(TypeError):
        client.set_torrent_settings(info_hash, server_id, speed=1)
    with pytest.raises(TorrentManagerError) as refused:
        client.set_torrent_settings(info_hash, server_id, ratio=-1)
    assert (refused.value.status_code, refused.value.code) == (422, "invalid_input")

    # A goal reached at once: the manager stops the torrent.
    client.set_torrent_settings(info_hash, server_id, ratio=0)
    wait_for(lambda: client.get_torrent(info_hash)["state"] == "paused")
