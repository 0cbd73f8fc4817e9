"""The embedded engine ("This machine") through the Python client: made for
the first admin; an admin gives another user their own share of it, which
holds only the torrents that user adds, in their own folder."""

from __future__ import annotations

import pytest

from torrent_manager import TorrentManagerClient, TorrentManagerError

from conftest import PASSWORD, Server, unique_username
from clients import wait_for

# A torrent nobody seeds: added stopped, it waits for its metadata.
HASH = "89abcdef0123456789abcdef0123456789abcdef"
MAGNET = f"magnet:?xt=urn:btih:{HASH}&dn=waiting"


def _login(server: Server, username: str) -> TorrentManagerClient:
    client = TorrentManagerClient(server.url)
    if username != server.admin_username:
        client.register(username, PASSWORD)
    client.login(username, PASSWORD)
    return client


def _this_machine(client: TorrentManagerClient) -> dict:
    return wait_for(
        lambda: next(
            (
                s
                for s in client.list_servers()
                if s["server_type"] == "embedded" and s["status"] == "connected"
            ),
            None,
        ),
        what="the This machine server connects",
    )


def test_an_admin_gives_a_user_their_own_share(engine_server: Server) -> None:
    admin = _login(engine_server, engine_server.admin_username)
    bob = _login(engine_server, unique_username("bob"))
    bob_id = bob.get_me()["user_id"]
    admins_machine = _this_machine(admin)
    assert admins_machine["name"] == "This machine"
    assert bob.list_servers() == []
    with pytest.raises(TorrentManagerError) as refused:
        bob.set_user_engine(bob_id, True)
    assert refused.value.status_code == 403

    assert admin.set_user_engine(bob_id, True) == {"user_id": bob_id, "engine_access": True}
    assert admin.get_user_engine(bob_id)["engine_access"] is True
    users = {u["username"]: u for u in admin.list_users()}
    assert users[engine_server.admin_username]["engine_access"] is True

    bobs_machine = _this_machine(bob)
    bob.add_magnet(MAGNET, server_id=bobs_machine["id"], start=False)
    his = wait_for(
        lambda: next((t for t in bob.list_torrents() if t["info_hash"] == HASH), None),
        what="bob's torrent is listed",
    )
    assert his["server_id"] == bobs_machine["id"]
    assert his["save_path"].endswith(f"/downloads/users/{bob_id}"), his
    with pytest.raises(TorrentManagerError):
        bob.add_magnet(MAGNET, server_id=bobs_machine["id"], save_path="/tmp")
    wait_for(
        lambda: any(
            t["info_hash"] == HASH and t["server_id"] == admins_machine["id"]
            for t in admin.list_torrents()
        ),
        what="an admin sees the whole engine",
    )

    assert admin.set_user_engine(bob_id, False)["engine_access"] is False
    assert bob.list_servers() == []
    bob.close()
    admin.close()
