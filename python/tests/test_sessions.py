"""First-run status and the session list, against the real server."""

from __future__ import annotations

import pytest

from torrent_manager import TorrentManagerClient, TorrentManagerError

from conftest import PASSWORD


def test_auth_status_needs_no_login(anon_client: TorrentManagerClient, server) -> None:
    # The session's server has its admin already.
    assert anon_client.auth_status() == {"has_users": True, "registration_open": True}


def _current(client: TorrentManagerClient) -> dict:
    current = [s for s in client.list_sessions() if s["current"]]
    assert len(current) == 1, current
    return current[0]


def test_sessions_are_listed_and_ended(client: TorrentManagerClient, base_url: str,
                                       credentials: tuple) -> None:
    username, password = credentials
    with TorrentManagerClient(base_url) as elsewhere, TorrentManagerClient(base_url) as third:
        elsewhere.login(username, password, remember_me=True)
        third.login(username, password)
        sessions = client.list_sessions()
        assert len(sessions) == 3
        mine = _current(client)
        assert set(mine) == {"id", "created_at", "last_seen_at", "expires_at", "user_agent",
                             "current"}
        assert mine["user_agent"].startswith("python-requests/")

        other = _current(elsewhere)["id"]
        assert client.end_session(other)["message"]
        with pytest.raises(TorrentManagerError) as info:
            elsewhere.get_me()
        assert info.value.status_code == 401
        with pytest.raises(TorrentManagerError) as info:
            client.end_session(other)
        assert info.value.status_code == 404

        assert client.end_other_sessions()["ended"] == 1
        with pytest.raises(TorrentManagerError) as info:
            third.get_me()
        assert info.value.status_code == 401
        assert client.get_me()["username"] == username
        assert [s["current"] for s in client.list_sessions()] == [True]


def test_another_users_session_cannot_be_ended(client: TorrentManagerClient,
                                               admin_client: TorrentManagerClient) -> None:
    admins = _current(admin_client)["id"]
    with pytest.raises(TorrentManagerError) as info:
        client.end_session(admins)
    assert info.value.status_code == 404
    assert admin_client.get_me()["is_admin"] is True


def test_an_api_key_sees_sessions_but_cannot_end_them(client: TorrentManagerClient,
                                                      base_url: str) -> None:
    key = client.create_api_key("sessions")["api_key"]
    with TorrentManagerClient(base_url, api_key=key) as keyed:
        sessions = keyed.list_sessions()
        assert [s["current"] for s in sessions] == [False]
        with pytest.raises(TorrentManagerError) as info:
            keyed.end_other_sessions()
        assert info.value.status_code == 403
