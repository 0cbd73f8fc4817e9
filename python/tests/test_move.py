"""Moving a torrent with its data between servers, through the client: a
torrent seeded by Transmission moves to rTorrent over a loopback tracker;
a move that cannot progress is canceled."""

from __future__ import annotations

from typing import Iterator

import pytest

from clients import RunningClient, start_client, wait_for
from torrent_files import TRACKER, make_torrent
from torrent_manager import TorrentManagerClient, TorrentManagerError
from tracker import announce_url, free_port, opentracker

SIZE = 1 << 20


@pytest.fixture
def rtorrent() -> Iterator[RunningClient]:
    yield from start_client("rtorrent")


def register(client: TorrentManagerClient, running: RunningClient, name: str) -> str:
    server = client.add_server(**{**running.server, "name": name})
    wait_for(lambda: client.get_server(server["id"])["status"] == "connected",
             what=f"{name} to connect")
    return server["id"]


def seed(client: TorrentManagerClient, path, info_hash: str, server_id: str) -> None:
    client.upload_torrent(str(path), server_id=server_id)
    wait_for(lambda: client.get_torrent(info_hash, server_id=server_id)["complete"],
             what="the source to have all the data")


def hashes_on(client: TorrentManagerClient, server_id: str) -> set:
    return {t["info_hash"] for t in client.list_torrents(server_id=server_id)}


def test_a_torrent_moves_from_transmission_to_rtorrent(
    client, transmission, server_id, rtorrent
) -> None:
    target = register(client, rtorrent, "target")
    port = free_port()
    path, info_hash = make_torrent(transmission.download_dir, "moved.bin", SIZE, announce_url(port))
    with opentracker(port, [info_hash]):
        seed(client, path, info_hash, server_id)
        wait_for(lambda: client.list_trackers(info_hash, server_id=server_id)["trackers"][0]
                 ["status"] == "working", what="the source to announce")
        job = client.move_to_server(info_hash, server_id, target)
        assert (job["kind"], job["info_hash"], job["size"]) == ("move", info_hash, SIZE)
        assert (job["remove_source"], job["delete_data"]) == (True, False)
        assert client.list_jobs()[0]["id"] == job["id"]
        phases = []
        done = client.wait_for_job(job["id"], timeout=120,
                                   on_update=lambda j: phases.append(j["phase"]))
    assert done["state"] == "succeeded", done
    assert (done["phase"], done["progress"]) == ("done", 1.0)
    assert phases[-1] == "done"
    data = (transmission.download_dir / "moved.bin").read_bytes()
    assert (rtorrent.download_dir / "moved.bin").read_bytes() == data
    assert info_hash in hashes_on(client, target)
    wait_for(lambda: info_hash not in hashes_on(client, server_id), what="the source to go")
    assert client.get_job(job["id"]) == done
    with pytest.raises(TorrentManagerError) as finished:
        client.cancel_job(job["id"])
    assert finished.value.status_code == 409


def test_a_move_is_canceled(client, server, transmission, server_id, tmp_path) -> None:
    # No tracker answers and Transmission takes no peer by RPC: the move to a
    # second Transmission stays running until canceled.
    other = start_client("transmission")
    try:
        target = register(client, next(other), "other")
        path, info_hash = make_torrent(transmission.download_dir, "stuck.bin", 100_000, TRACKER)
        seed(client, path, info_hash, server_id)
        job = client.move_to_server(info_hash, server_id, target, save_path=str(tmp_path),
                                    delete_data=True)
        assert job["save_path"] == str(tmp_path)
        still = client.wait_for_job(job["id"], timeout=2)
        assert still["state"] == "running", still

        with TorrentManagerClient(server.url) as stranger:
            stranger.register("stranger-" + info_hash[:8], "stranger password 1")
            stranger.login("stranger-" + info_hash[:8], "stranger password 1")
            assert stranger.list_jobs() == []
            with pytest.raises(TorrentManagerError) as hidden:
                stranger.get_job(job["id"])
            assert hidden.value.status_code == 404

        client.cancel_job(job["id"])
        canceled = client.wait_for_job(job["id"], timeout=30)
        assert canceled["state"] == "canceled", canceled
        assert canceled["message"]
        assert info_hash in hashes_on(client, server_id)
        assert (transmission.download_dir / "stuck.bin").exists()

        with pytest.raises(TorrentManagerError) as missing:
            client.move_to_server("0" * 40, server_id, target)
        assert missing.value.status_code == 404
    finally:
        other.close()
