"""The error class and the base URL."""

from __future__ import annotations

import pytest

import torrent_manager
from torrent_manager import TorrentManagerClient, TorrentManagerError
from torrent_manager.client import DEFAULT_BASE_URL

from conftest import PASSWORD, unique_username
from test_servers import closed_port


def test_one_exception_class() -> None:
    assert issubclass(TorrentManagerError, Exception)
    assert torrent_manager.errors.TorrentManagerError is TorrentManagerError
    assert torrent_manager.client.TorrentManagerError is TorrentManagerError


def test_401(anon_client: TorrentManagerClient) -> None:
    with pytest.raises(TorrentManagerError) as info:
        anon_client.get_me()
    error = info.value
    assert error.status_code == 401
    assert error.detail == "Not authenticated"
    assert str(error) == "HTTP 401: Not authenticated"


def test_404(client: TorrentManagerClient) -> None:
    with pytest.raises(TorrentManagerError) as info:
        client.get_server("no-such-server")
    assert info.value.status_code == 404
    assert info.value.detail == "Server not found"
    assert str(info.value) == "HTTP 404: Server not found"


def test_409(anon_client: TorrentManagerClient) -> None:
    username = unique_username()
    anon_client.register(username, PASSWORD)
    with pytest.raises(TorrentManagerError) as info:
        anon_client.register(username, PASSWORD)
    assert info.value.status_code == 409
    assert info.value.detail == f"username '{username}' is already taken"
    assert str(info.value) == f"HTTP 409: username '{username}' is already taken"


@pytest.mark.parametrize(
    "username, password",
    [("x", PASSWORD), ("fine-name", "short"), ("bad name!", PASSWORD)],
)
def test_422_validation(anon_client: TorrentManagerClient, username: str, password: str) -> None:
    with pytest.raises(TorrentManagerError) as info:
        anon_client.register(username, password)
    assert info.value.status_code == 422
    assert isinstance(info.value.detail, str) and info.value.detail
    assert str(info.value) == f"HTTP 422: {info.value.detail}"


def test_422_bad_server_type(client: TorrentManagerClient) -> None:
    with pytest.raises(TorrentManagerError) as info:
        client.add_server("x", "qbittorrent-9000", "127.0.0.1", 1)
    assert info.value.status_code == 422
    assert "server_type" in info.value.detail or "variant" in info.value.detail


def test_connection_error_message() -> None:
    port = closed_port()
    url = f"http://127.0.0.1:{port}"
    with TorrentManagerClient(url, timeout=5) as client:
        with pytest.raises(TorrentManagerError) as info:
            client.health()
    error = info.value
    assert error.status_code is None
    message = str(error)
    assert message.startswith(f"could not connect to {url}: ")
    reason = message[len(f"could not connect to {url}: "):]
    assert reason and "refused" in reason.lower()
    assert error.detail == reason


def test_default_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TORRENT_MANAGER_URL", raising=False)
    assert DEFAULT_BASE_URL == "http://localhost:8144"
    assert TorrentManagerClient().base_url == "http://localhost:8144"
    assert TorrentManagerClient(timeout=1).timeout == 1


def test_base_url_from_environment(monkeypatch: pytest.MonkeyPatch, base_url: str) -> None:
    monkeypatch.setenv("TORRENT_MANAGER_URL", base_url + "/")
    client = TorrentManagerClient()
    assert client.base_url == base_url
    assert client.health() == {"status": "healthy"}
    # An explicit base_url wins over the environment.
    other = "http://127.0.0.1:1"
    assert TorrentManagerClient(base_url=other).base_url == other


def test_api_key_header_set_only_with_a_key() -> None:
    assert "Authorization" not in TorrentManagerClient("http://127.0.0.1:1").session.headers
    keyed = TorrentManagerClient("http://127.0.0.1:1", api_key="tm_abc")
    assert keyed.session.headers["Authorization"] == "Bearer tm_abc"
