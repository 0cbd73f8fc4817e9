"""Administration calls against the real server."""

from __future__ import annotations

import pytest

from torrent_manager import TorrentManagerClient, TorrentManagerError

from conftest import PASSWORD, unique_username


def test_user_management(admin_client: TorrentManagerClient, base_url: str) -> None:
    username = unique_username("managed")
    created = admin_client.create_user(username, PASSWORD)
    assert created["message"] == "User created"
    assert created["username"] == username
    assert created["is_admin"] is False
    user_id = created["user_id"]

    users = admin_client.list_users()
    assert isinstance(users, list)
    row = next(u for u in users if u["id"] == user_id)
    assert row["username"] == username
    assert row["is_admin"] is False
    assert row["created_at"]

    promoted = admin_client.update_user(user_id, is_admin=True)
    assert promoted["id"] == user_id
    assert promoted["is_admin"] is True

    admin_client.update_user(user_id, password="a-brand-new-password")
    with TorrentManagerClient(base_url) as user:
        with pytest.raises(TorrentManagerError) as info:
            user.login(username, PASSWORD)
        assert info.value.status_code == 401
        user.login(username, "a-brand-new-password")
        assert user.get_me()["is_admin"] is True

    assert admin_client.delete_user(user_id) == {"message": "User deleted"}
    assert user_id not in [u["id"] for u in admin_client.list_users()]
    with pytest.raises(TorrentManagerError) as info:
        admin_client.delete_user(user_id)
    assert info.value.status_code == 404
    assert info.value.detail == "User not found"


def test_created_admin(admin_client: TorrentManagerClient, base_url: str) -> None:
    username = unique_username("admin2")
    created = admin_client.create_user(username, PASSWORD, is_admin=True)
    assert created["is_admin"] is True
    with TorrentManagerClient(base_url) as other:
        other.login(username, PASSWORD)
        assert other.get_me()["is_admin"] is True
        assert any(u["username"] == username for u in other.list_users())
    admin_client.delete_user(created["user_id"])


def test_registration_mode(admin_client: TorrentManagerClient, anon_client: TorrentManagerClient) -> None:
    assert admin_client.get_settings() == {"registration_mode": "open"}
    try:
        assert admin_client.set_registration_mode("closed") == {"registration_mode": "closed"}
        assert admin_client.get_settings() == {"registration_mode": "closed"}
        with pytest.raises(TorrentManagerError) as info:
            anon_client.register(unique_username(), PASSWORD)
        assert info.value.status_code == 403
        # Admins still create accounts.
        created = admin_client.create_user(unique_username(), PASSWORD)
        admin_client.delete_user(created["user_id"])
    finally:
        admin_client.set_registration_mode("open")
    assert admin_client.get_settings() == {"registration_mode": "open"}
    assert anon_client.register(unique_username(), PASSWORD)["message"] == "User registered successfully"


def test_invalid_registration_mode_is_422(admin_client: TorrentManagerClient) -> None:
    with pytest.raises(TorrentManagerError) as info:
        admin_client.set_registration_mode("sometimes")
    assert info.value.status_code == 422


def test_admin_calls_need_an_admin(client: TorrentManagerClient) -> None:
    for call in (client.list_users, client.get_settings):
        with pytest.raises(TorrentManagerError) as info:
            call()
        assert info.value.status_code == 403
        assert info.value.detail == "Admin privileges required"
    with pytest.raises(TorrentManagerError) as info:
        client.create_user(unique_username(), PASSWORD)
    assert info.value.status_code == 403


def test_admin_cannot_delete_themselves(admin_client: TorrentManagerClient) -> None:
    me = admin_client.get_me()
    with pytest.raises(TorrentManagerError) as info:
        admin_client.delete_user(me["user_id"])
    assert info.value.status_code in (400, 409)


def test_duplicate_user_is_409(admin_client: TorrentManagerClient, client: TorrentManagerClient) -> None:
    username = client.get_me()["username"]
    with pytest.raises(TorrentManagerError) as info:
        admin_client.create_user(username, PASSWORD)
    assert info.value.status_code == 409


def test_metrics(
    admin_client: TorrentManagerClient,
    client: TorrentManagerClient,
    anon_client: TorrentManagerClient,
) -> None:
    text = admin_client.metrics()
    assert "# TYPE tm_http_requests_total counter" in text.splitlines()
    assert any(line.startswith("tm_sse_clients ") for line in text.splitlines())
    for caller, status in ((client, 403), (anon_client, 401)):
        with pytest.raises(TorrentManagerError) as info:
            caller.metrics()
        assert info.value.status_code == status
        assert info.value.code == ("forbidden" if status == 403 else "unauthenticated")
