"""opentracker on 127.0.0.1, as the Rust test kit runs it (``Opentracker``):
Debian builds it whitelist-only, so the info hashes are given up front."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Iterator, Sequence

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def announce_url(port: int) -> str:
    return f"http://127.0.0.1:{port}/announce"


@contextlib.contextmanager
def opentracker(port: int, info_hashes: Sequence[str]) -> Iterator[str]:
    """Runs opentracker on ``port`` for ``info_hashes`` (40 hex each) and
    yields its announce URL; skips where it is not installed."""
    binary = shutil.which("opentracker")
    if binary is None:
        pytest.skip("opentracker is not installed")
    with tempfile.TemporaryDirectory(prefix="tm-opentracker-") as directory:
        # Readable once it has dropped to nobody.
        os.chmod(directory, 0o755)
        Path(directory, "whitelist.txt").write_text("\n".join(info_hashes) + "\n")
        # As root it chroots into -d and drops to nobody: the whitelist path
        # is relative to that directory.
        process = subprocess.Popen(
            [binary, "-i", "127.0.0.1", "-p", str(port), "-P", str(port),
             "-d", directory, "-w", "whitelist.txt"],
            cwd=directory, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            _wait_listening(port, process)
            yield announce_url(port)
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_listening(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"opentracker exited with code {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    pytest.fail("opentracker did not listen within 10 s")
