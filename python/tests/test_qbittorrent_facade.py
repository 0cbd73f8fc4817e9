"""torrent-manager's qBittorrent API (/api/v2) driven by clients written
outside this project: the PyPI package ``qbittorrent-api``, and a replay of
the calls Sonarr makes (QBittorrentProxyV2), against a real Transmission."""

from __future__ import annotations

import pytest
import qbittorrentapi
import requests

from clients import wait_for
from torrent_files import TRACKER, make_torrent


@pytest.fixture
def api_key(client) -> str:
    return client.create_api_key("sonarr")["api_key"]


def magnet_of(info_hash: str, name: str) -> str:
    return f"magnet:?xt=urn:btih:{info_hash}&dn={name}&tr={requests.utils.quote(TRACKER, safe='')}"


def test_qbittorrent_api_package(base_url, client, server_id, transmission, api_key, tmp_path):
    username = client.get_me()["username"]
    qbt = qbittorrentapi.Client(
        host=base_url, username=username, password=api_key,
        REQUESTS_ARGS={"timeout": 30}, VERIFY_WEBUI_CERTIFICATE=False,
    )
    qbt.auth_log_in()
    assert qbt.app.version.startswith("v5.")
    assert qbt.app.web_api_version.startswith("2.11")

    tv = transmission.download_dir / "tv"
    tv.mkdir()
    qbt.torrents_create_category(name="tv", save_path=str(tv))
    assert qbt.torrents_categories()["tv"]["savePath"] == str(tv)

    # A .torrent whose data is in tv/ (it verifies and seeds) and a magnet.
    torrent_path, seeded = make_torrent(tv, "episode.bin")
    assert qbt.torrents_add(torrent_files=str(torrent_path), category="tv", tags="hd") == "Ok."
    _, other = make_torrent(tmp_path, "other.bin")
    assert qbt.torrents_add(urls=magnet_of(other, "other.bin"), category="tv", is_stopped=True) == "Ok."

    def by_hash():
        return {t.hash: t for t in qbt.torrents_info(category="tv")}

    torrents = wait_for(lambda: (t := by_hash()) and t.get(seeded, {}).get("progress") == 1 and t)
    assert set(torrents) == {seeded, other}
    done = torrents[seeded]
    assert done.state in ("stalledUP", "uploading")
    assert done.size == 40_000 and done.amount_left == 0
    assert done.category == "tv" and done.tags == "hd"
    assert done.save_path.rstrip("/") == str(tv)
    assert done.content_path == str(tv / "episode.bin")
    assert done.eta == 8_640_000
    assert torrents[other].state == "stoppedDL"
    assert torrents[other].progress < 1

    qbt.torrents_stop(torrent_hashes=seeded)
    wait_for(lambda: by_hash()[seeded].state == "stoppedUP")
    qbt.torrents_start(torrent_hashes=seeded)
    wait_for(lambda: by_hash()[seeded].state != "stoppedUP")

    qbt.torrents_add_tags(tags="keep,new", torrent_hashes=seeded)
    qbt.torrents_remove_tags(tags="hd", torrent_hashes=seeded)
    assert sorted(by_hash()[seeded].tags.split(", ")) == ["keep", "new"]
    assert sorted(qbt.torrents_tags()) == ["keep", "new"]
    # cross-seed creates its tag before adding; deleting takes it off torrents.
    qbt.torrents_create_tags(tags="cross-seed")
    assert sorted(qbt.torrents_tags()) == ["cross-seed", "keep", "new"]
    qbt.torrents_delete_tags(tags="keep")
    assert by_hash()[seeded].tags == "new"
    assert sorted(qbt.torrents_tags()) == ["cross-seed", "new"]

    assert {t.hash for t in qbt.torrents_info(private=False)} == {seeded, other}
    assert qbt.torrents_info(private=True) == []
    with_trackers = qbt.torrents_info(torrent_hashes=seeded, include_trackers=True)
    assert TRACKER in [t["url"] for t in with_trackers[0]["trackers"]]

    assert qbt.torrents_properties(torrent_hash=seeded).save_path.rstrip("/") == str(tv)
    assert [f.name for f in qbt.torrents_files(torrent_hash=seeded)] == ["episode.bin"]
    assert TRACKER in [t.url for t in qbt.torrents_trackers(torrent_hash=seeded)]

    qbt.torrents_delete(delete_files=True, torrent_hashes=seeded)
    wait_for(lambda: not (tv / "episode.bin").exists())
    qbt.torrents_delete(delete_files=False, torrent_hashes=other)
    wait_for(lambda: qbt.torrents_info() == [])
    qbt.auth_log_out()


def test_sonarr_call_sequence(server, base_url, client, server_id, transmission, api_key):
    """Sonarr's own calls, in its order, reading the fields it parses."""
    username = client.get_me()["username"]
    api = f"{base_url}/api/v2"
    sonarr = requests.Session()
    sonarr.headers["User-Agent"] = "Sonarr/4.0.0 (test replay)"

    # The version probe before login: 403 tells Sonarr API v2 is there.
    probe = sonarr.get(f"{api}/app/webapiVersion")
    assert probe.status_code == 403

    login = sonarr.post(f"{api}/auth/login", data={"username": username, "password": api_key})
    assert login.text == "Ok." and "SID" in sonarr.cookies
    version = sonarr.get(f"{api}/app/webapiVersion").text
    assert tuple(int(p) for p in version.split(".")) >= (2, 11, 0)

    prefs = sonarr.get(f"{api}/app/preferences").json()
    for field in ("save_path", "max_ratio_enabled", "max_ratio", "max_seeding_time_enabled",
                  "max_seeding_time", "max_inactive_seeding_time_enabled",
                  "max_inactive_seeding_time", "max_ratio_act", "queueing_enabled", "dht"):
        assert field in prefs, field
    assert sonarr.get(f"{api}/torrents/categories").json() == {}
    save_path = transmission.download_dir / "tv-sonarr"
    save_path.mkdir()
    created = sonarr.post(f"{api}/torrents/createCategory",
                          data={"category": "tv-sonarr", "savePath": str(save_path)})
    assert created.status_code == 200
    categories = sonarr.get(f"{api}/torrents/categories").json()
    assert categories["tv-sonarr"]["savePath"] == str(save_path)

    torrent_path, info_hash = make_torrent(save_path, "Show.S01E01.mkv")
    with open(torrent_path, "rb") as handle:
        added = sonarr.post(
            f"{api}/torrents/add",
            data={"category": "tv-sonarr", "stopped": "false", "sequentialDownload": "false",
                  "firstLastPiecePrio": "false", "contentLayout": "Original",
                  "ratioLimit": "1.5", "seedingTimeLimit": "120"},
            files={"torrents": ("Show.S01E01.mkv.torrent", handle, "application/x-bittorrent")},
        )
    assert added.text != "Fails."
    # Sonarr polls properties (10 x 100 ms) until the torrent exists.
    properties = wait_for(lambda: (r := sonarr.get(f"{api}/torrents/properties", params={"hash": info_hash})).ok and r.json(), 1.0)
    assert properties["save_path"].rstrip("/") == str(save_path)
    assert isinstance(properties["seeding_time"], int)

    # Sonarr sets limits only for API < 2.8.1; a 404 would be tolerated, ours stores them.
    limits = sonarr.post(f"{api}/torrents/setShareLimits",
                         data={"hashes": info_hash, "ratioLimit": "2", "seedingTimeLimit": "-2"})
    assert limits.status_code == 200
    assert sonarr.post(f"{api}/torrents/topPrio", data={"hashes": info_hash}).status_code == 409

    def listed():
        items = sonarr.get(f"{api}/torrents/info", params={"category": "tv-sonarr"}).json()
        return items and items[0]["progress"] == 1 and items[0]

    torrent = wait_for(listed)
    for field in ("hash", "name", "size", "progress", "eta", "state", "category", "save_path",
                  "content_path", "ratio", "ratio_limit", "seeding_time_limit",
                  "inactive_seeding_time_limit", "last_activity"):
        assert field in torrent, field
    assert torrent["hash"] == info_hash
    assert torrent["category"] == "tv-sonarr"
    assert torrent["ratio_limit"] == 2 and torrent["seeding_time_limit"] == -2
    assert torrent["content_path"] != torrent["save_path"]
    assert torrent["state"] in ("stalledUP", "uploading")

    deleted = sonarr.post(f"{api}/torrents/delete", data={"hashes": info_hash, "deleteFiles": "true"})
    assert deleted.status_code == 200
    wait_for(lambda: not (save_path / "Show.S01E01.mkv").exists())
    assert sonarr.get(f"{api}/torrents/info", params={"category": "tv-sonarr"}).json() == []

    # Every call is logged with the user and the calling program.
    log = server.log_path.read_text(errors="replace")
    calls = [line for line in log.splitlines() if "Sonarr/4.0.0 (test replay)" in line]
    assert any("torrents/delete" in line and username in line for line in calls), calls[-3:]
