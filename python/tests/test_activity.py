"""The activity log through the client: who did what to a torrent on a real
Transmission, filters, paging and time bounds."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from torrent_files import make_torrent
from torrent_manager import TorrentManagerClient


def test_activity_names_who_did_what(base_url, client, server_id, tmp_path) -> None:
    path, info_hash = make_torrent(tmp_path, "logged.bin")
    client.upload_torrent(path, server_id=server_id, start=False)
    key = client.create_api_key("py-script")["api_key"]
    with TorrentManagerClient(base_url, api_key=key) as script:
        script.start_torrent(info_hash, server_id=server_id)

    page = client.activity(info_hash=info_hash)
    assert page["total"] == 2
    started, added = page["items"]
    assert (added["action"], added["actor"]["kind"], added["success"]) == ("add", "web", True)
    assert added["torrent_name"] == "logged.bin"
    assert added["server_name"] == "seedbox"
    assert (started["action"], started["actor"]["kind"]) == ("start", "api_key")
    assert started["actor"]["name"] == "py-script"

    hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    assert client.activity(info_hash=info_hash, since=hour_ago)["total"] == 2
    assert client.activity(info_hash=info_hash, until=hour_ago)["total"] == 0
    assert client.activity(actor="PY-SCRIPT")["items"] == [started]
    assert client.activity(actor_kind="api_key", scope="torrent")["items"] == [started]
    assert client.activity(server_id=server_id, limit=1, offset=1)["items"][0]["action"] == "add"
    keys = client.activity(scope="account", search="py-script")["items"]
    assert [e["action"] for e in keys] == ["api_key_create"]
