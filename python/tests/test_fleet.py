"""Duplicates and cross-seed groups through the client, over a real
Transmission registered twice (each entry lists the same torrents)."""

from __future__ import annotations

from clients import wait_for
from torrent_files import make_torrent, reissue


def test_duplicates_and_cross_seed_groups(client, transmission, server_id) -> None:
    again = client.add_server(
        name="again", server_type="transmission", host=transmission.host,
        port=transmission.port, username=transmission.username, password=transmission.password,
        rpc_path=transmission.rpc_path,
    )["id"]
    wait_for(lambda: client.get_server(again)["status"] == "connected")
    directory = transmission.download_dir
    first, first_hash = make_torrent(directory, "show.mkv", 40_000)
    second, second_hash = reissue(directory, "show.mkv", "http://127.0.0.2:1/announce", "B")
    assert first_hash != second_hash
    for path in (first, second):
        client.upload_torrent(str(path), server_id=server_id)

    found = wait_for(lambda: (lambda d: d if d["total"] == 2 else None)(client.duplicates()),
                     what="both torrents on both entries")
    for group in found["groups"]:
        assert group["size"] == 40_000
        assert sorted(c["server_id"] for c in group["copies"]) == sorted([server_id, again])

    groups = wait_for(
        lambda: (lambda d: d if d["pending"] == 0 and len(d["groups"]) == 1 else None)(
            client.cross_seed_groups()),
        what="the file lists")
    group = groups["groups"][0]
    assert (group["size"], group["files"]) == (40_000, 1)
    assert {t["info_hash"] for t in group["torrents"]} == {first_hash, second_hash}
    assert {t["tracker"] for t in group["torrents"]} == {"127.0.0.1", "127.0.0.2"}
