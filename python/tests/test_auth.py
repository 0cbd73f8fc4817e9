"""Accounts, sessions and API keys against the real server."""

from __future__ import annotations

import pytest

from torrent_manager import TorrentManagerClient, TorrentManagerError

from conftest import PASSWORD, unique_username


def _drop_cookie(client: TorrentManagerClient, name: str) -> None:
    jar = client.session.cookies
    for cookie in list(jar):
        if cookie.name == name:
            jar.clear(cookie.domain, cookie.path, cookie.name)


def test_health(anon_client: TorrentManagerClient) -> None:
    assert anon_client.health() == {"status": "healthy"}


def test_register_login_me_logout_on_one_object(anon_client: TorrentManagerClient) -> None:
    username = unique_username()
    registered = anon_client.register(username, PASSWORD)
    assert registered["message"] == "User registered successfully"
    assert registered["username"] == username
    user_id = registered["user_id"]

    logged_in = anon_client.login(username, PASSWORD)
    assert logged_in == {"message": "Login successful", "user_id": user_id, "username": username}
    assert "session" in anon_client.session.cookies
    assert "remember_me" not in anon_client.session.cookies

    me = anon_client.get_me()
    assert me["user_id"] == user_id
    assert me["username"] == username
    assert me["is_admin"] is False
    assert me["auth_method"] == "session"
    assert me["created_at"]

    assert anon_client.logout() == {"message": "Logout successful"}
    with pytest.raises(TorrentManagerError) as info:
        anon_client.get_me()
    assert info.value.status_code == 401


def test_session_survives_across_calls_but_not_across_clients(
    client: TorrentManagerClient, base_url: str
) -> None:
    first = client.get_me()
    assert client.get_me() == first
    with TorrentManagerClient(base_url) as other:
        with pytest.raises(TorrentManagerError) as info:
            other.get_me()
    assert info.value.status_code == 401


def test_logout_invalidates_the_session_server_side(
    client: TorrentManagerClient, base_url: str
) -> None:
    token = client.session.cookies.get("session")
    assert token
    client.logout()
    with TorrentManagerClient(base_url) as replay:
        replay.session.cookies.set("session", token)
        with pytest.raises(TorrentManagerError) as info:
            replay.get_me()
    assert info.value.status_code == 401


def test_remember_me_restores_a_session(
    anon_client: TorrentManagerClient, credentials: tuple
) -> None:
    username, password = credentials
    anon_client.register(username, password)
    result = anon_client.login(username, password, remember_me=True)
    assert result["username"] == username
    assert "remember_me" in anon_client.session.cookies
    old_session = anon_client.session.cookies.get("session")

    _drop_cookie(anon_client, "session")
    assert "session" not in anon_client.session.cookies
    me = anon_client.get_me()
    assert me["username"] == username
    assert me["auth_method"] == "session"
    new_session = anon_client.session.cookies.get("session")
    assert new_session and new_session != old_session


def test_without_remember_me_losing_the_session_logs_out(client: TorrentManagerClient) -> None:
    _drop_cookie(client, "session")
    with pytest.raises(TorrentManagerError) as info:
        client.get_me()
    assert info.value.status_code == 401


def test_wrong_password_is_401(anon_client: TorrentManagerClient, credentials: tuple) -> None:
    username, password = credentials
    anon_client.register(username, password)
    with pytest.raises(TorrentManagerError) as info:
        anon_client.login(username, password + "x")
    assert info.value.status_code == 401
    assert str(info.value) == f"HTTP 401: {info.value.detail}"


def test_api_key_lifecycle(client: TorrentManagerClient, base_url: str) -> None:
    created = client.create_api_key("My Automation Script", expires_days=90)
    assert created["message"] == "API key created successfully"
    assert created["name"] == "My Automation Script"
    assert created["api_key"].startswith("tm_")
    assert created["expires_at"]
    assert created["warning"]
    prefix = created["prefix"]
    assert len(prefix) == 8

    listed = client.list_api_keys()
    assert [k["prefix"] for k in listed["api_keys"]] == [prefix]
    entry = listed["api_keys"][0]
    assert entry["name"] == "My Automation Script"
    assert "api_key" not in entry

    me = client.get_me()
    with TorrentManagerClient(base_url, api_key=created["api_key"]) as keyed:
        assert keyed.session.headers["Authorization"] == f"Bearer {created['api_key']}"
        keyed_me = keyed.get_me()
        assert keyed_me["auth_method"] == "api_key"
        assert keyed_me["user_id"] == me["user_id"]
        # The key works for ordinary calls ...
        assert keyed.list_servers() == []
        # ... but cannot manage keys.
        with pytest.raises(TorrentManagerError) as info:
            keyed.create_api_key("escalation")
        assert info.value.status_code == 403

        revoked = client.revoke_api_key(prefix)
        assert revoked == {"message": "API key revoked successfully", "name": "My Automation Script"}
        with pytest.raises(TorrentManagerError) as info:
            keyed.get_me()
        assert info.value.status_code == 401

    assert client.list_api_keys() == {"api_keys": []}
    with pytest.raises(TorrentManagerError) as info:
        client.revoke_api_key(prefix)
    assert info.value.status_code == 404
    assert info.value.detail == "API key not found"


def test_api_key_without_expiry(client: TorrentManagerClient) -> None:
    created = client.create_api_key("forever")
    assert created["expires_at"] is None
    assert client.list_api_keys()["api_keys"][0]["expires_at"] is None


def test_api_keys_need_a_login(anon_client: TorrentManagerClient) -> None:
    with pytest.raises(TorrentManagerError) as info:
        anon_client.create_api_key("x")
    assert info.value.status_code == 401


def test_change_password_keeps_this_session_and_ends_the_others(
    client: TorrentManagerClient, credentials: tuple, base_url: str
) -> None:
    username, password = credentials
    with TorrentManagerClient(base_url) as elsewhere:
        elsewhere.login(username, password)
        with pytest.raises(TorrentManagerError) as info:
            client.change_password("not-the-password", "new-password-1")
        assert info.value.status_code == 403
        assert "current password" in str(info.value)
        client.change_password(password, "new-password-1")
        assert client.get_me()["username"] == username
        with pytest.raises(TorrentManagerError) as info:
            elsewhere.get_me()
        assert info.value.status_code == 401
    with TorrentManagerClient(base_url) as fresh:
        assert fresh.login(username, "new-password-1")["username"] == username
