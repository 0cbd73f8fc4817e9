"""Fixtures: the real torrent-manager server and logged-in clients.

The server binary comes from ``$TM_BIN`` (default: the workspace's debug
build). Build it with ``cargo build -p torrent-manager``.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest
import requests

from clients import RunningClient, start_client, wait_for
from torrent_manager.client import TorrentManagerClient

# The workspace's debug build, two levels above this package.
DEFAULT_BIN = str(Path(__file__).resolve().parents[2] / "target" / "debug" / "torrent-manager")
LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+)")
STARTUP_TIMEOUT = 30.0
PASSWORD = "correct-horse-battery"


@dataclass
class Server:
    """A running server and the credentials of its first (admin) account."""

    url: str
    admin_username: str
    admin_password: str
    log_path: Path


def unique_username(prefix: str = "u") -> str:
    """A username no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def _server_env() -> dict:
    # Keep the operator's TM_* settings (database URL, master key, ...) away
    # from the test server; only the log filter may pass.
    env = {k: v for k, v in os.environ.items() if not k.startswith("TM_") or k == "TM_LOG"}
    env["NO_COLOR"] = "1"
    # The embedded engine's own tests turn it on.
    env["TM_NO_ENGINE"] = "1"
    return env


def _wait_for_url(proc: subprocess.Popen, log_path: Path) -> str:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        text = log_path.read_text(errors="replace") if log_path.exists() else ""
        match = LISTENING.search(text)
        if match:
            return match.group(1)
        if proc.poll() is not None:
            pytest.fail(
                f"torrent-manager exited with code {proc.returncode} before listening:\n{text}"
            )
        time.sleep(0.05)
    pytest.fail(f"torrent-manager did not log its address within {STARTUP_TIMEOUT} s")


def _wait_for_health(url: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"torrent-manager exited with code {proc.returncode}")
        try:
            if requests.get(f"{url}/health", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.05)
    pytest.fail(f"{url}/health did not answer within {STARTUP_TIMEOUT} s")


def _serve(base: Path, engine: bool) -> Iterator[Server]:
    """Runs the real server on a free loopback port with a fresh data
    directory in ``base``; with ``engine``, its embedded engine too (no DHT)."""
    binary = os.environ.get("TM_BIN", DEFAULT_BIN)
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        pytest.fail(
            f"torrent-manager binary not found at {binary!r}: build it with "
            "`cd /work/main && cargo build -p torrent-manager`, or set TM_BIN to its path",
            pytrace=False,
        )
    log_path = base / "server.log"
    env = _server_env()
    if engine:
        env["TM_NO_ENGINE"] = "0"
        env["TM_NO_DHT"] = "1"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [
                binary, "serve",
                "--host", "127.0.0.1",
                "--port", "0",
                "--data-dir", str(base / "data"),
                "--registration", "open",
                # Every test registers its own user from this one address.
                "--register-limit", "100000",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    try:
        url = _wait_for_url(proc, log_path)
        _wait_for_health(url, proc)
        # The first account of an instance is its admin.
        admin = unique_username("admin")
        with TorrentManagerClient(url) as client:
            client.register(admin, PASSWORD)
            assert client.login(admin, PASSWORD)["username"] == admin
            assert client.get_me()["is_admin"] is True
        yield Server(url=url, admin_username=admin, admin_password=PASSWORD, log_path=log_path)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The server most tests share (no embedded engine)."""
    yield from _serve(tmp_path_factory.mktemp("tm-server"), engine=False)


@pytest.fixture(scope="module")
def engine_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server running its embedded engine ("This machine")."""
    yield from _serve(tmp_path_factory.mktemp("tm-engine-server"), engine=True)


@pytest.fixture
def base_url(server: Server) -> str:
    return server.url


@pytest.fixture
def anon_client(server: Server) -> Iterator[TorrentManagerClient]:
    """A client that has not logged in."""
    with TorrentManagerClient(server.url) as client:
        yield client


@pytest.fixture
def credentials() -> tuple:
    """A fresh (username, password) pair."""
    return unique_username(), PASSWORD


@pytest.fixture
def client(server: Server, credentials: tuple) -> Iterator[TorrentManagerClient]:
    """A client logged in (session cookie) as a fresh, non-admin user whom the
    admin allowed private targets (the test daemons listen on loopback)."""
    username, password = credentials
    with TorrentManagerClient(server.url) as client:
        user_id = client.register(username, password)["user_id"]
        client.login(username, password)
        with TorrentManagerClient(server.url) as admin:
            admin.login(server.admin_username, server.admin_password)
            admin.set_user_targets(user_id, True)
        yield client


@pytest.fixture
def admin_client(server: Server) -> Iterator[TorrentManagerClient]:
    """A client logged in as the instance's admin."""
    with TorrentManagerClient(server.url) as client:
        client.login(server.admin_username, server.admin_password)
        yield client


@pytest.fixture
def transmission() -> Iterator[RunningClient]:
    """A real transmission-daemon of the test kit."""
    yield from start_client("transmission")


@pytest.fixture
def server_id(client: TorrentManagerClient, transmission: RunningClient) -> str:
    """``transmission`` registered as the client's server "seedbox", connected."""
    server = client.add_server(
        name="seedbox", server_type="transmission", host=transmission.host,
        port=transmission.port, username=transmission.username, password=transmission.password,
        rpc_path=transmission.rpc_path,
    )
    wait_for(lambda: client.get_server(server["id"])["status"] == "connected")
    return server["id"]
