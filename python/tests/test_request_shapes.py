"""What the torrent methods send, checked without a server.

The /torrents endpoints are not served yet; these tests pin the method, path,
query and body each client method produces, through a recording transport.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, List
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from requests.adapters import BaseAdapter

from torrent_manager import CLEAR, TorrentManagerClient, TorrentManagerError

BASE = "http://tm.test"
HASH = "0123456789abcdef0123456789abcdef01234567"


class Recorder(BaseAdapter):
    """A transport that records requests and answers with a fixed body."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: List[requests.PreparedRequest] = []
        self.status = 200
        self.body: bytes = b'{"ok": true}'
        self.content_type = "application/json"

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        self.sent.append(request)
        response = requests.Response()
        response.status_code = self.status
        response._content = self.body
        response.headers["Content-Type"] = self.content_type
        response.request = request
        response.url = request.url
        response.reason = "Whatever"
        return response

    def close(self) -> None:
        pass

    @property
    def last(self) -> requests.PreparedRequest:
        return self.sent[-1]


@pytest.fixture
def rec() -> Recorder:
    return Recorder()


@pytest.fixture
def tm(rec: Recorder) -> TorrentManagerClient:
    client = TorrentManagerClient(BASE)
    client.session.mount(BASE, rec)
    return client


def sent(rec: Recorder):
    """(method, path, query, json body) of the last request."""
    request = rec.last
    parts = urlsplit(request.url)
    query = {k: v[0] if len(v) == 1 else v for k, v in parse_qs(parts.query).items()}
    body = json.loads(request.body) if request.body and request.headers.get(
        "Content-Type", "").startswith("application/json") else None
    return request.method, parts.path, query, body


def test_list_torrents(tm: TorrentManagerClient, rec: Recorder) -> None:
    rec.body = b"[]"
    assert tm.list_torrents() == []
    assert sent(rec) == ("GET", "/torrents", {}, None)
    tm.list_torrents(server_id="s1", sort="name", state="seeding", label="tv",
                     search="ubuntu", limit=10, offset=20)
    assert sent(rec) == ("GET", "/torrents", {
        "server_id": "s1", "sort": "name", "state": "seeding", "label": "tv",
        "search": "ubuntu", "limit": "10", "offset": "20"}, None)
    tm.list_torrents(error="tracker", tracker="tracker.example.org")
    assert sent(rec) == ("GET", "/torrents", {"error": "tracker",
                                              "tracker": "tracker.example.org"}, None)
    tm.list_torrents(tracker_status="unregistered")
    assert sent(rec)[2] == {"tracker_status": "unregistered"}
    tm.list_torrents(tracker_status=("unregistered", "tracker_down"))
    assert sent(rec)[2] == {"tracker_status": "unregistered,tracker_down"}


def test_bulk_action_labels(tm: TorrentManagerClient, rec: Recorder) -> None:
    picked = [{"server_id": "s1", "info_hash": HASH, "name": "ignored"}]
    tm.bulk_action("stop", picked)
    assert sent(rec) == ("POST", "/torrents/actions", {}, {
        "action": "stop", "torrents": [{"server_id": "s1", "info_hash": HASH}],
        "delete_data": False})
    tm.bulk_action("add_labels", picked, labels=("tv", "hd"))
    assert sent(rec)[3] == {"action": "add_labels",
                            "torrents": [{"server_id": "s1", "info_hash": HASH}],
                            "delete_data": False, "labels": ["tv", "hd"]}


def test_add_torrent_and_aliases(tm: TorrentManagerClient, rec: Recorder) -> None:
    tm.add_torrent(uri="magnet:?xt=urn:btih:ABC", server_id="s1", start=True)
    assert sent(rec) == ("POST", "/torrents", {}, {
        "uri": "magnet:?xt=urn:btih:ABC", "server_id": "s1", "start": True})
    tm.add_torrent("magnet:?xt=urn:btih:ABC", "s1", start=False, labels=("a", "b"),
                   save_path="/data")
    assert sent(rec)[3] == {"uri": "magnet:?xt=urn:btih:ABC", "server_id": "s1",
                            "start": False, "labels": ["a", "b"], "save_path": "/data"}
    tm.add_magnet("magnet:?xt=urn:btih:DEF", "s2")
    assert sent(rec)[3] == {"uri": "magnet:?xt=urn:btih:DEF", "server_id": "s2", "start": True}
    tm.add_url("https://example.org/x.torrent", "s3", start=False)
    assert sent(rec)[3] == {"uri": "https://example.org/x.torrent", "server_id": "s3",
                            "start": False}


def test_upload_torrent(tm: TorrentManagerClient, rec: Recorder, tmp_path: Path) -> None:
    path = tmp_path / "test.torrent"
    path.write_bytes(b"d8:announce0:e")
    tm.upload_torrent(str(path), "s1", start=False)
    method, url_path, query, _ = sent(rec)
    assert (method, url_path, query) == ("POST", "/torrents/upload",
                                         {"server_id": "s1", "start": "false"})
    body = rec.last.body
    assert rec.last.headers["Content-Type"].startswith("multipart/form-data")
    assert b'name="file"; filename="test.torrent"' in body
    assert b"Content-Type: application/x-bittorrent" in body
    assert b"d8:announce0:e" in body
    assert b'name="save_path"' not in body
    tm.upload_torrent(str(path), save_path="/srv/films")
    assert b'name="save_path"\r\n\r\n/srv/films\r\n' in rec.last.body


def test_upload_torrents(tm: TorrentManagerClient, rec: Recorder, tmp_path: Path) -> None:
    paths = []
    for name in ("a.torrent", "b.torrent"):
        (tmp_path / name).write_bytes(name.encode())
        paths.append(tmp_path / name)
    tm.upload_torrents(paths, "s1")
    method, url_path, query, _ = sent(rec)
    assert (method, url_path, query) == ("POST", "/torrents/upload/batch",
                                         {"server_id": "s1", "start": "true"})
    body = rec.last.body
    assert body.count(b'name="files"') == 2
    assert b'filename="a.torrent"' in body and b'filename="b.torrent"' in body
    assert b'name="save_path"' not in body
    tm.upload_torrents(paths, save_path="/srv/films")
    assert b'name="save_path"\r\n\r\n/srv/films\r\n' in rec.last.body
    with pytest.raises(ValueError):
        tm.upload_torrents([], "s1")


def test_single_torrent_calls(tm: TorrentManagerClient, rec: Recorder) -> None:
    tm.get_torrent(HASH)
    assert sent(rec) == ("GET", f"/torrents/{HASH}", {}, None)
    tm.get_torrent(HASH, server_id="s1")
    assert sent(rec) == ("GET", f"/torrents/{HASH}", {"server_id": "s1"}, None)
    for action, call in (("start", tm.start_torrent), ("stop", tm.stop_torrent),
                         ("recheck", tm.recheck_torrent),
                         ("reannounce", tm.reannounce_torrent)):
        call(HASH, "s1")
        assert sent(rec) == ("POST", f"/torrents/{HASH}/{action}", {"server_id": "s1"}, None)
    tm.move_torrent_data(HASH, "/srv/done", "s1")
    assert sent(rec) == ("POST", f"/torrents/{HASH}/location", {"server_id": "s1"},
                         {"path": "/srv/done"})
    tm.bulk_action("move", [{"server_id": "s1", "info_hash": HASH}], path="/srv/done")
    assert sent(rec)[3] == {"action": "move", "delete_data": False, "path": "/srv/done",
                            "torrents": [{"server_id": "s1", "info_hash": HASH}]}
    tm.delete_torrent(HASH)
    assert sent(rec) == ("DELETE", f"/torrents/{HASH}", {"delete_data": "false"}, None)
    tm.delete_torrent(HASH, server_id="s1", delete_data=True)
    assert sent(rec) == ("DELETE", f"/torrents/{HASH}",
                         {"server_id": "s1", "delete_data": "true"}, None)
    tm.list_torrent_files(HASH, "s1")
    assert sent(rec) == ("GET", f"/torrents/{HASH}/files", {"server_id": "s1"}, None)
    tm.list_peers(HASH)
    assert sent(rec) == ("GET", f"/torrents/{HASH}/peers", {}, None)
    tm.list_trackers(HASH, "s1")
    assert sent(rec) == ("GET", f"/torrents/{HASH}/trackers", {"server_id": "s1"}, None)


def test_file_priorities(tm: TorrentManagerClient, rec: Recorder) -> None:
    expected = {"priorities": [{"index": 0, "priority": "skip"},
                               {"index": 2, "priority": "high"}]}
    tm.set_file_priorities(HASH, {0: "skip", 2: "high"}, server_id="s1")
    assert sent(rec) == ("PUT", f"/torrents/{HASH}/files", {"server_id": "s1"}, expected)
    tm.set_file_priorities(HASH, [(0, "skip"), (2, "high")])
    assert sent(rec)[3] == expected
    tm.set_file_priorities(HASH, expected["priorities"])
    assert sent(rec)[3] == expected


def test_labels(tm: TorrentManagerClient, rec: Recorder) -> None:
    tm.get_labels(HASH, "s1")
    assert sent(rec) == ("GET", f"/torrents/{HASH}/labels", {"server_id": "s1"}, None)
    tm.set_labels(HASH, ["tv", "hd"])
    assert sent(rec) == ("PUT", f"/torrents/{HASH}/labels", {}, {"labels": ["tv", "hd"]})
    tm.add_label(HASH, "new", server_id="s1")
    assert sent(rec) == ("POST", f"/torrents/{HASH}/labels", {"server_id": "s1"},
                         {"label": "new"})
    tm.remove_label(HASH, "a b/c")
    assert rec.last.method == "DELETE"
    assert rec.last.path_url == f"/torrents/{HASH}/labels/a%20b%2Fc"


def test_update_server_body(tm: TorrentManagerClient, rec: Recorder) -> None:
    tm.update_server("s1", name="x", enabled=False, http_port=CLEAR, username=CLEAR)
    assert sent(rec) == ("PUT", "/servers/s1", {}, {
        "name": "x", "enabled": False, "http_port": None, "username": None})
    tm.update_server("s1")
    assert sent(rec)[3] == {}
    # Positional fields, as before (name first).
    tm.update_server("s1", "renamed")
    assert sent(rec)[3] == {"name": "renamed"}


def test_test_server_body(tm: TorrentManagerClient, rec: Recorder) -> None:
    tm.test_server("s1")
    assert sent(rec) == ("POST", "/servers/s1/test", {}, None)
    assert rec.last.body is None, "no changes: no body, the stored settings are tried"
    tm.test_server("s1", password="new", http_port=CLEAR)
    assert sent(rec) == ("POST", "/servers/s1/test", {}, {"password": "new", "http_port": None})
    assert repr(CLEAR) == "CLEAR"


def test_add_server_omits_unset_optionals(tm: TorrentManagerClient, rec: Recorder) -> None:
    tm.add_server("n", "rtorrent", "127.0.0.1", 5000)
    assert sent(rec)[3] == {
        "name": "n", "server_type": "rtorrent", "host": "127.0.0.1", "port": 5000,
        "use_ssl": False, "http_use_ssl": False, "tls_accept_invalid_certs": False,
        "is_default": False, "enabled": True}
    tm.add_server("u", "rtorrent", transport="scgi_unix", socket_path="/run/rt.sock")
    body = sent(rec)[3]
    assert "host" not in body and "port" not in body
    assert body["transport"] == "scgi_unix" and body["socket_path"] == "/run/rt.sock"


def test_empty_body_is_empty_dict(tm: TorrentManagerClient, rec: Recorder) -> None:
    rec.body = b""
    assert tm.health() == {}


def test_error_without_json_body(tm: TorrentManagerClient, rec: Recorder) -> None:
    rec.status, rec.body, rec.content_type = 502, b"Bad Gateway from proxy", "text/plain"
    with pytest.raises(TorrentManagerError) as info:
        tm.health()
    assert info.value.status_code == 502
    assert str(info.value) == "HTTP 502: Bad Gateway from proxy"


def test_error_with_structured_detail(tm: TorrentManagerClient, rec: Recorder) -> None:
    rec.status = 422
    rec.body = b'{"detail": [{"loc": ["body", "uri"], "msg": "field required"}]}'
    with pytest.raises(TorrentManagerError) as info:
        tm.add_torrent("x", "s1")
    assert info.value.status_code == 422
    assert info.value.detail == [{"loc": ["body", "uri"], "msg": "field required"}]
    assert str(info.value).startswith("HTTP 422: ")


def test_default_server_is_left_to_the_api(
    tm: TorrentManagerClient, rec: Recorder, tmp_path: Path
) -> None:
    tm.add_torrent("magnet:?xt=urn:btih:ABC")
    assert sent(rec)[3] == {"uri": "magnet:?xt=urn:btih:ABC", "start": True}
    path = tmp_path / "x.torrent"
    path.write_bytes(b"de")
    tm.upload_torrent(path)
    assert sent(rec)[2] == {"start": "true"}


def test_jobs(tm: TorrentManagerClient, rec: Recorder) -> None:
    rec.body = b'{"id": "j1", "state": "running"}'
    tm.move_to_server(HASH, "s1", "s2")
    assert sent(rec) == ("POST", f"/torrents/{HASH}/move", {},
                         {"from_server_id": "s1", "to_server_id": "s2",
                          "remove_source": True, "delete_data": False})
    tm.move_to_server(HASH, "s1", "s2", save_path="/srv/t", remove_source=False)
    assert sent(rec)[3]["save_path"] == "/srv/t" and sent(rec)[3]["remove_source"] is False
    tm.get_job("a/b")
    assert sent(rec) == ("GET", "/jobs/a%2Fb", {}, None)
    tm.cancel_job("j1")
    assert sent(rec) == ("POST", "/jobs/j1/cancel", {}, None)
    seen = []
    # Still running when the time is up: answered as last seen.
    assert tm.wait_for_job("j1", timeout=0, on_update=seen.append)["state"] == "running"
    assert seen == [{"id": "j1", "state": "running"}]
    rec.body = b'{"jobs": []}'
    assert tm.list_jobs() == []
    assert sent(rec) == ("GET", "/jobs", {}, None)
