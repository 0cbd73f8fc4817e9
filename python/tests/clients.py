"""Any client of the Rust test kit, started by ``tm-test-daemon`` (built with
``cargo build -p tm-testkit --bin tm-test-daemon``, or ``$TM_TEST_DAEMON_BIN``):
the same daemons, configured the same way, as the Rust and browser tests use.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

import pytest

DEFAULT_BIN = str(Path(__file__).resolve().parents[2] / "target" / "debug" / "tm-test-daemon")

# The client binaries each kind needs (a missing one skips, or fails under CI).
BINARIES = {
    "transmission": ["transmission-daemon"],
    "rtorrent": ["rtorrent"],
    "rtorrent-http": ["rtorrent", "nginx"],
    "qbittorrent": ["qbittorrent-nox"],
    "deluge": ["deluged"],
    "deluge-bare": ["deluged"],
    "deluge-web": ["deluged", "deluge-web"],
    "files": ["nginx"],
    # librqbit's HTTP API, inside tm-test-daemon itself.
    "rqbit": [],
}


def _binary(name: str) -> str:
    for directory in os.environ.get("PATH", "").split(os.pathsep) + ["/usr/sbin", "/sbin"]:
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    if os.environ.get("CI"):
        pytest.fail(f"{name} is not installed (CI must install it)", pytrace=False)
    pytest.skip(f"{name} is not installed")


@dataclass
class RunningClient:
    """A running client: ``server`` is a ``POST /servers`` body that reaches it."""

    server: dict
    download_dir: Path
    process: subprocess.Popen

    @property
    def host(self) -> str:
        return self.server["host"]

    @property
    def port(self) -> int:
        return self.server["port"]

    @property
    def username(self) -> Optional[str]:
        return self.server["username"]

    @property
    def password(self) -> Optional[str]:
        return self.server["password"]

    @property
    def rpc_path(self) -> Optional[str]:
        return self.server["rpc_path"]


def start_client(kind: str, *args: str) -> Iterator[RunningClient]:
    """Runs the client of ``kind`` until the generator is closed (``files``
    takes the folder to serve)."""
    for binary in BINARIES.get(kind, []):
        _binary(binary)
    program = os.environ.get("TM_TEST_DAEMON_BIN", DEFAULT_BIN)
    if not os.path.exists(program):
        pytest.fail(f"{program} is missing: cargo build -p tm-testkit --bin tm-test-daemon")
    process = subprocess.Popen(
        [program, kind, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        if not line:
            pytest.fail(f"tm-test-daemon {kind} did not start (exit {process.wait()})")
        started = json.loads(line)
        yield RunningClient(started["server"], Path(started["download_dir"]), process)
    finally:
        if process.stdin:
            process.stdin.close()  # it stops the client and cleans up
        process.wait(timeout=30)


@contextlib.contextmanager
def running_client(kind: str) -> Iterator[RunningClient]:
    """``start_client`` as a ``with`` block."""
    yield from start_client(kind)


def wait_for(probe, timeout: float = 30.0, what: str = "the condition"):
    """``probe()``'s first truthy value, polled every 0.1 s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")
