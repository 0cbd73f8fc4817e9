"""Torrent calls of the client against the real server and a real
transmission-daemon."""

from __future__ import annotations

import pytest

from clients import wait_for
from torrent_files import TRACKER, make_torrent
from torrent_manager import TorrentManagerError


def test_torrent_round_trip(client, server_id, transmission):
    # Data already in the download directory: Transmission verifies it and seeds.
    torrent_path, info_hash = make_torrent(transmission.download_dir, "round-trip.bin")
    added = client.upload_torrent(str(torrent_path), server_id, start=True)
    assert added["info_hash"] == info_hash
    assert added["torrent_name"] == "round-trip.bin"
    assert added["server_name"] == "seedbox"

    listed = client.list_torrents()
    assert [t["info_hash"] for t in listed] == [info_hash]
    assert listed[0]["server_id"] == server_id
    seeding = wait_for(lambda: (t := client.get_torrent(info_hash)) and t["state"] == "seeding" and t)
    assert seeding["progress"] == 100.0
    assert client.list_torrents(server_id=server_id, state="seeding")[0]["name"] == "round-trip.bin"

    assert client.stop_torrent(info_hash)["message"] == "Torrent stopped"
    assert client.get_torrent(info_hash, server_id)["is_active"] is False
    assert client.start_torrent(info_hash, server_id)["message"] == "Torrent started"
    assert client.recheck_torrent(info_hash)["info_hash"] == info_hash
    reannounced = client.reannounce_torrent(info_hash, server_id)
    assert reannounced["message"] == "Torrent reannounce requested"

    assert client.set_labels(info_hash, ["tv", "hd"])["labels"] == ["tv", "hd"]
    assert client.add_label(info_hash, "keep")["labels"] == ["tv", "hd", "keep"]
    assert client.remove_label(info_hash, "hd")["labels"] == ["tv", "keep"]
    assert client.get_labels(info_hash)["labels"] == ["tv", "keep"]
    assert [t["name"] for t in client.list_torrents(label="keep")] == ["round-trip.bin"]

    files = client.list_torrent_files(info_hash)
    assert [(f["path"], f["size"]) for f in files["files"]] == [("round-trip.bin", 40_000)]
    updated = client.set_file_priorities(info_hash, {0: "high"})
    assert updated["files"][0]["priority"] == "high"
    assert client.list_trackers(info_hash)["trackers"][0]["url"] == TRACKER
    assert client.list_peers(info_hash)["peers"] == []

    # The data moves to another directory and keeps seeding from there
    # (once the recheck above is over: it reads the data where it was).
    wait_for(lambda: client.get_torrent(info_hash)["state"] == "seeding")
    moved_dir = transmission.download_dir / "moved"
    moved = client.move_torrent_data(info_hash, str(moved_dir), server_id)
    assert moved["message"] == f"Torrent data moved to {moved_dir}"
    wait_for(
        lambda: (t := client.get_torrent(info_hash))
        and t["save_path"].rstrip("/") == str(moved_dir)
        and t["state"] == "seeding"
        and (moved_dir / "round-trip.bin").exists()
    )
    assert not (transmission.download_dir / "round-trip.bin").exists()
    with pytest.raises(TorrentManagerError) as refused:
        client.move_torrent_data(info_hash, "relative/dir")
    assert (refused.value.status_code, refused.value.code) == (400, "invalid_input")

    removed = client.delete_torrent(info_hash, server_id, delete_data=True)
    assert removed["message"] == "Torrent and data removed"
    assert client.list_torrents() == []
    wait_for(lambda: not (moved_dir / "round-trip.bin").exists())


def test_uploads_download_into_save_path(client, server_id, tmp_path):
    # The data is outside the client's download directory: the torrents
    # complete only if the client looks for it in save_path.
    one, one_hash = make_torrent(tmp_path, "one.bin")
    two, two_hash = make_torrent(tmp_path, "two.bin")
    client.upload_torrent(str(one), server_id, save_path=str(tmp_path))
    batch = client.upload_torrents([str(two)], server_id, save_path=str(tmp_path))
    assert batch["success_count"] == 1, batch
    for info_hash in (one_hash, two_hash):
        done = wait_for(lambda: (t := client.get_torrent(info_hash)) and t["complete"] and t)
        assert done["save_path"].rstrip("/") == str(tmp_path)
    three, _ = make_torrent(tmp_path, "three.bin")
    with pytest.raises(TorrentManagerError) as info:
        client.upload_torrent(str(three), server_id, save_path="relative/dir")
    assert info.value.status_code == 400


def test_magnets_batches_and_refusals(client, server_id, tmp_path):
    first, first_hash = make_torrent(tmp_path, "one.bin")
    second, second_hash = make_torrent(tmp_path, "two.bin")
    batch = client.upload_torrents([str(first), str(second)], server_id, start=False)
    assert (batch["total"], batch["success_count"], batch["failure_count"]) == (2, 2, 0)
    # Their .torrent files are kept, byte for byte.
    saved = tmp_path / "saved.torrent"
    assert client.download_metainfo(second_hash, path=saved) == second.read_bytes()
    assert saved.read_bytes() == second.read_bytes()
    assert client.get_torrent(first_hash)["has_metainfo"] is True
    again = client.upload_torrents([str(first)], server_id, start=False)
    assert again["failure_count"] == 1 and "already" in again["results"][0]["message"]

    _, magnet_hash = make_torrent(tmp_path, "three.bin")
    added = client.add_magnet(f"magnet:?xt=urn:btih:{magnet_hash}&tr={TRACKER}", server_id, start=False)
    assert added["info_hash"] == magnet_hash
    _, bare_hash = make_torrent(tmp_path, "four.bin")
    by_hash = client.add_torrent(bare_hash.upper(), server_id, start=False)
    assert by_hash["info_hash"] == bare_hash
    assert by_hash["uri"] == f"magnet:?xt=urn:btih:{bare_hash}"
    # A magnet on Transmission has no .torrent to download.
    assert client.get_torrent(magnet_hash)["has_metainfo"] is False
    with pytest.raises(TorrentManagerError) as unstored:
        client.download_metainfo(magnet_hash)
    assert (unstored.value.status_code, unstored.value.code) == (404, "not_found")
    listed = {t["info_hash"] for t in client.list_torrents()}
    assert listed == {first_hash, second_hash, magnet_hash, bare_hash}

    stopped = client.bulk_action("stop", client.list_torrents())
    assert (stopped["success_count"], stopped["failure_count"]) == (4, 0)
    # An unknown torrent fails alone, as for every bulk action.
    picked = [{"server_id": server_id, "info_hash": h} for h in (first_hash, "0" * 40)]
    reannounced = client.bulk_action("reannounce", picked)
    assert (reannounced["success_count"], reannounced["failure_count"]) == (1, 1)
    gone = client.bulk_action("remove", [{"server_id": server_id, "info_hash": first_hash},
                                          {"server_id": server_id, "info_hash": "0" * 40}])
    assert (gone["success_count"], gone["failure_count"]) == (1, 1)
    assert first_hash not in {t["info_hash"] for t in client.list_torrents()}

    with pytest.raises(TorrentManagerError) as refused:
        client.add_torrent("magnet:?xt=urn:btih:ABC123DEF456...", server_id)
    assert refused.value.status_code == 400 and "40 hex" in refused.value.detail
    assert refused.value.code == "invalid_input"
    with pytest.raises(TorrentManagerError) as missing:
        client.get_torrent("0" * 40)
    assert (missing.value.status_code, missing.value.code) == (404, "torrent_not_found")
    with pytest.raises(TorrentManagerError) as duplicate:
        client.upload_torrent(str(second), server_id)
    assert (duplicate.value.status_code, duplicate.value.code) == (409, "duplicate_torrent")


def test_tracker_status_filter(client, server_id, transmission):
    # A tracker on loopback that answers every announce as trackers do for a
    # torrent they deleted; Transmission lists that answer as its error.
    import http.server
    import threading

    class Unregistered(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            body = b"d14:failure reason20:Unregistered torrente"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    tracker = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Unregistered)
    threading.Thread(target=tracker.serve_forever, daemon=True).start()
    try:
        announce = f"http://127.0.0.1:{tracker.server_address[1]}/announce"
        gone_path, gone = make_torrent(transmission.download_dir, "gone.bin", announce=announce)
        client.upload_torrent(str(gone_path), server_id, start=True)
        quiet_path, _ = make_torrent(transmission.download_dir, "quiet.bin")
        client.upload_torrent(str(quiet_path), server_id, start=False)
        listed = wait_for(lambda: client.list_torrents(tracker_status="unregistered"))
        assert [t["info_hash"] for t in listed] == [gone]
        assert listed[0]["tracker_message"] == "Unregistered torrent"
        both = client.list_torrents(tracker_status=["unregistered", "tracker_down"])
        assert [t["info_hash"] for t in both] == [gone]
        assert client.list_torrents(tracker_status="working") == []
        with pytest.raises(TorrentManagerError) as refused:
            client.list_torrents(tracker_status="gone")
        assert refused.value.code == "invalid_input"
    finally:
        tracker.shutdown()
