"""Server configuration against the real server (hosts are always 127.0.0.1)."""

from __future__ import annotations

import socket

import pytest

from clients import running_client

from torrent_manager import CLEAR, TorrentManagerClient, TorrentManagerError

from conftest import PASSWORD, unique_username


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _add(client: TorrentManagerClient, **overrides) -> dict:
    fields = dict(
        name="My rTorrent Seedbox",
        server_type="rtorrent",
        host="127.0.0.1",
        port=closed_port(),
        rpc_path="/RPC2",
        username="rpc_user",
        password="rpc_password",
    )
    fields.update(overrides)
    return client.add_server(**fields)


def test_add_list_get(client: TorrentManagerClient) -> None:
    server = _add(client)
    assert server["id"]
    assert server["name"] == "My rTorrent Seedbox"
    assert server["server_type"] == "rtorrent"
    assert server["host"] == "127.0.0.1"
    assert server["rpc_path"] == "/RPC2"
    assert server["username"] == "rpc_user"
    assert server["has_password"] is True
    assert "password" not in server
    assert server["enabled"] is True
    assert server["is_default"] is True  # the user's first server
    assert server["transport"] == "http"
    assert server["http_enabled"] is False

    listed = client.list_servers()
    assert isinstance(listed, list)
    assert [s["id"] for s in listed] == [server["id"]]
    assert _configuration(client.get_server(server["id"])) == _configuration(server)


def test_add_with_every_option(client: TorrentManagerClient) -> None:
    server = client.add_server(
        "transmission box",
        "transmission",
        "127.0.0.1",
        closed_port(),
        rpc_path="/transmission/rpc",
        use_ssl=True,
        http_host="127.0.0.1",
        http_port=8080,
        http_path="/downloads/",
        http_username="web",
        http_password="web-secret",
        http_use_ssl=True,
        tls_accept_invalid_certs=True,
        is_default=True,
    )
    assert server["server_type"] == "transmission"
    assert server["use_ssl"] is True
    assert server["http_port"] == 8080
    assert server["http_enabled"] is True
    assert server["http_username"] == "web"
    assert server["has_http_password"] is True
    assert server["http_use_ssl"] is True
    assert server["tls_accept_invalid_certs"] is True
    assert server["has_password"] is False
    assert server["username"] is None


def test_add_scgi_transport(client: TorrentManagerClient) -> None:
    server = client.add_server("scgi", "rtorrent", "127.0.0.1", closed_port(), transport="scgi")
    assert server["transport"] == "scgi"
    assert server["rpc_path"] is None


def test_client_kinds_list_every_kind_with_its_transports(client: TorrentManagerClient) -> None:
    kinds = {kind["server_type"]: kind for kind in client.client_kinds()}
    assert list(kinds) == ["rtorrent", "transmission", "qbittorrent", "deluge", "embedded", "rqbit"]
    assert kinds["qbittorrent"]["name"] == "qBittorrent"
    # The embedded engine's server is made by torrent-manager, not added.
    assert [k for k, kind in kinds.items() if not kind["addable"]] == ["embedded"]
    assert kinds["embedded"]["transports"] == [
        {"transport": "in_process", "default_port": None, "default_path": None}
    ]
    deluge = [(t["transport"], t["default_port"], t["default_path"]) for t in kinds["deluge"]["transports"]]
    assert deluge == [("deluge_rpc", 58846, None), ("http", 8112, "/json")]


def test_second_server_is_not_default_unless_asked(client: TorrentManagerClient) -> None:
    first = _add(client, name="first")
    second = _add(client, name="second")
    assert second["is_default"] is False
    third = _add(client, name="third", is_default=True)
    assert third["is_default"] is True
    defaults = {s["name"]: s["is_default"] for s in client.list_servers()}
    assert defaults == {"first": False, "second": False, "third": True}
    assert client.get_server(first["id"])["is_default"] is False


def test_update_changes_only_given_fields(client: TorrentManagerClient) -> None:
    server = _add(client, http_port=8080, http_host="127.0.0.1")
    updated = client.update_server(server_id=server["id"], name="Renamed rTorrent Seedbox", enabled=False)
    assert updated["name"] == "Renamed rTorrent Seedbox"
    assert updated["enabled"] is False
    for unchanged in ("host", "port", "rpc_path", "username", "has_password", "http_port", "http_host"):
        assert updated[unchanged] == server[unchanged], unchanged
    assert client.get_server(server["id"]) == updated

    # Nothing given: nothing changes.
    again = client.update_server(server["id"])
    assert {k: v for k, v in again.items() if k != "updated_at"} == {
        k: v for k, v in updated.items() if k != "updated_at"
    }


def test_update_clears_with_CLEAR(client: TorrentManagerClient) -> None:
    server = _add(client, http_port=8080, http_host="127.0.0.1")
    assert server["http_enabled"] is True
    updated = client.update_server(server["id"], username=CLEAR, password=CLEAR, http_port=CLEAR)
    assert updated["username"] is None
    assert updated["has_password"] is False
    assert updated["http_port"] is None
    assert updated["http_enabled"] is False
    # Others untouched.
    assert updated["name"] == server["name"]
    assert updated["rpc_path"] == "/RPC2"
    assert updated["http_host"] == "127.0.0.1"
    assert updated["enabled"] is True


def test_update_sets_new_values(client: TorrentManagerClient) -> None:
    server = _add(client)
    new_port = closed_port()
    updated = client.update_server(
        server["id"], port=new_port, password="new-secret", http_port=9090, use_ssl=True
    )
    assert updated["port"] == new_port
    assert updated["has_password"] is True
    assert updated["http_port"] == 9090
    assert updated["use_ssl"] is True


def test_connection_test_reports_failure(client: TorrentManagerClient) -> None:
    server = _add(client)
    result = client.test_server(server["id"])
    assert result["status"] == "failed"
    assert isinstance(result["message"], str) and result["message"]


def test_delete(client: TorrentManagerClient) -> None:
    server = _add(client)
    result = client.delete_server(server["id"])
    assert result["status"] == "deleted"
    assert result["message"]
    assert client.list_servers() == []
    with pytest.raises(TorrentManagerError) as info:
        client.get_server(server["id"])
    assert info.value.status_code == 404
    assert info.value.detail == "Server not found"
    with pytest.raises(TorrentManagerError) as info:
        client.delete_server(server["id"])
    assert info.value.status_code == 404


def test_servers_are_private(client: TorrentManagerClient, admin_client: TorrentManagerClient) -> None:
    server = _add(client)
    assert server["id"] not in [s["id"] for s in admin_client.list_servers()]
    with pytest.raises(TorrentManagerError) as info:
        admin_client.get_server(server["id"])
    assert info.value.status_code == 404


def test_servers_through_an_api_key(client: TorrentManagerClient, base_url: str) -> None:
    key = client.create_api_key("servers")["api_key"]
    with TorrentManagerClient(base_url, api_key=key) as keyed:
        server = _add(keyed, name="via key")
        assert [s["id"] for s in client.list_servers()] == [server["id"]]
        assert keyed.delete_server(server["id"])["status"] == "deleted"


def test_servers_need_authentication(anon_client: TorrentManagerClient) -> None:
    with pytest.raises(TorrentManagerError) as info:
        anon_client.list_servers()
    assert info.value.status_code == 401


# Fields that follow the server's live polling rather than its configuration.
_HEALTH_FIELDS = {
    "status", "last_error", "last_success_at", "client_version", "torrent_count", "capabilities",
}


def _configuration(server: dict) -> dict:
    return {k: v for k, v in server.items() if k not in _HEALTH_FIELDS}


def test_private_targets_need_the_admin(server, admin_client: TorrentManagerClient) -> None:
    """An ordinary user cannot point the service at loopback, private ranges
    or unix sockets until an admin allows it (the egress policy)."""
    username = unique_username("bob")
    with TorrentManagerClient(server.url) as bob:
        user_id = bob.register(username, PASSWORD)["user_id"]
        bob.login(username, PASSWORD)
        assert admin_client.get_user_targets(user_id) == {
            "user_id": user_id, "allow_private_targets": False, "private_targets_allowed": False}
        with pytest.raises(TorrentManagerError) as refused:
            bob.add_server("local", "rtorrent", "127.0.0.1", 5000)
        assert (refused.value.status_code, refused.value.code) == (403, "forbidden_target")
        with pytest.raises(TorrentManagerError) as refused:
            bob.add_server("nas", "transmission", "192.168.1.10", 9091)
        assert refused.value.code == "forbidden_target"
        assert admin_client.set_user_targets(user_id, True)["private_targets_allowed"] is True
        assert bob.add_server("local", "rtorrent", "127.0.0.1", 5000)["host"] == "127.0.0.1"


def test_settings_are_tested_without_saving(client: TorrentManagerClient) -> None:
    with running_client("transmission") as daemon:
        settings = dict(name="seedbox", server_type="transmission", host=daemon.host,
                        port=daemon.port, username=daemon.username, password=daemon.password,
                        rpc_path=daemon.rpc_path)
        tested = client.test_server_settings(**settings)
        assert tested["status"] == "connected", tested
        assert "Transmission" in tested["message"]
        tested = client.test_server_settings(**{**settings, "password": "wrong-password"})
        assert tested["status"] == "failed"
        assert "authentication failed" in tested["message"]
    # Positional arguments, as add_server takes them.
    tested = client.test_server_settings("gone", "transmission", "127.0.0.1", closed_port())
    assert tested["status"] == "failed"
    assert "connection refused" in tested["message"]
    with pytest.raises(TorrentManagerError) as info:
        client.test_server_settings("bad", "transmission", "127.0.0.1", 0)
    assert info.value.status_code == 422
    assert client.list_servers() == [], "nothing was saved"


def test_edits_are_tested_without_saving(client: TorrentManagerClient) -> None:
    with running_client("transmission") as daemon:
        server = client.add_server(
            name="seedbox", server_type="transmission", host=daemon.host, port=daemon.port,
            username=daemon.username, password=daemon.password, rpc_path=daemon.rpc_path)
        tested = client.test_server(server["id"], password="wrong-password")
        assert tested["status"] == "failed", tested
        assert "authentication failed" in tested["message"]
        # No password among the changes: the stored one is used.
        tested = client.test_server(server["id"], name="renamed")
        assert tested["status"] == "connected", tested
        assert "renamed" in tested["message"]
        assert client.test_server(server["id"])["status"] == "connected"
        with pytest.raises(TorrentManagerError) as info:
            client.test_server(server["id"], port=0)
        assert info.value.status_code == 422
        stored = client.get_server(server["id"])
        assert (stored["name"], stored["updated_at"]) == ("seedbox", server["updated_at"])


def test_testing_settings_follows_the_egress_policy(server) -> None:
    username = unique_username("carol")
    with TorrentManagerClient(server.url) as carol:
        carol.register(username, PASSWORD)
        carol.login(username, PASSWORD)
        with pytest.raises(TorrentManagerError) as refused:
            carol.test_server_settings("local", "transmission", "127.0.0.1", 9091)
        assert (refused.value.status_code, refused.value.code) == (403, "forbidden_target")
