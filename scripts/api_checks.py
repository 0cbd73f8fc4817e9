"""Runs schemathesis and the load test against the real server.

Meant to run inside a loopback-only network namespace (scripts/api-checks
sets one up). Starts a real transmission-daemon and the torrent-manager
binary on free loopback ports, registers the Transmission with an admin's
API key, then:

* schemathesis: every operation of the served /openapi.json with generated
  data; no 5xx, every status and body as documented.
* load: 1,000 concurrent connections for 30 s on a mix of endpoints
  (`tm-load`); 0 errors, and the server's memory stays bounded.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "python" / "tests"))
sys.path.insert(0, str(ROOT / "python" / "src"))

from clients import running_client  # noqa: E402
from torrent_files import make_torrent  # noqa: E402
from torrent_manager import TorrentManagerClient  # noqa: E402

PASSWORD = "api-checks-password"
# Server memory may grow this much under the load test (caches, buffers,
# 1,000 connections) and no more.
MAX_RSS_GROWTH_MIB = 256


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(binary: str, data: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TM_")}
    env["TM_LOG"] = "warn"
    env["TM_NO_ENGINE"] = "1"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [binary, "serve", "--host", "127.0.0.1", "--port", str(port),
             "--data-dir", str(data), "--registration", "open"],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"torrent-manager exited early:\n{log.read_text()}")
        try:
            with TorrentManagerClient(url) as client:
                client.health()
            return proc, url
        except Exception:  # not listening yet
            time.sleep(0.1)
    raise SystemExit("torrent-manager did not answer within 30 s")


def rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else 0.0


def seed(url: str, daemon, workdir: Path) -> str:
    """An admin with a Transmission server holding two torrents; returns an API key."""
    with TorrentManagerClient(url) as admin:
        admin.register("checker", PASSWORD)
        admin.login("checker", PASSWORD)
        key = admin.create_api_key("schemathesis")["api_key"]
        # A second key makes short generated prefixes ambiguous (409), so a
        # generated DELETE /auth/api-keys/{prefix} cannot revoke the first.
        admin.create_api_key("decoy")
        server = admin.add_server(
            "transmission", "transmission", daemon.host, daemon.port,
            username=daemon.username, password=daemon.password, rpc_path=daemon.rpc_path,
        )
        for name in ("alpha", "beta"):
            path, _ = make_torrent(workdir, name)
            admin.upload_torrent(str(path), server["id"], start=False)
    return key


def run_schemathesis(url: str, key: str) -> int:
    """Two passes: everything but creating servers and changing their
    settings, with the real Transmission behind the torrent calls; then those,
    which may point a server anywhere. A generated server can point at a port
    that accepts and never answers (Transmission's, spoken to as SCGI): its
    torrent calls then rightly answer 502 and 503, so no torrent call may
    reach one."""
    settings = r"^/servers(/\{id\})?$"
    status = schemathesis(url, key, ["--exclude-path-regex", settings])
    return status | schemathesis(url, key, ["--include-path-regex", settings])


def schemathesis(url: str, key: str, selection: list[str]) -> int:
    examples = os.environ.get("TM_SCHEMATHESIS_EXAMPLES", "40")
    command = [
        "schemathesis", "run", f"{url}/openapi.json",
        "--header", f"Authorization: Bearer {key}",
        "--checks", "not_a_server_error,status_code_conformance,"
                    "content_type_conformance,response_schema_conformance",
        "--max-examples", examples,
        "--workers", "2",
        "--request-timeout", "30",
        "--phases", "examples,coverage,fuzzing",
        "--suppress-health-check", "all",
        # A live stream never ends: it has its own tests.
        "--exclude-path", "/events",
        "--continue-on-failure",
        *selection,
    ]
    print("$", " ".join(c if "Bearer" not in c else "Authorization: Bearer ***" for c in command),
          flush=True)
    return subprocess.run(command).returncode


def run_load(url: str, key: str, server_pid: int) -> int:
    binary = os.environ.get("TM_LOAD_BIN", str(ROOT / "target" / "debug" / "tm-load"))
    if "TM_LOAD_BIN" not in os.environ:
        subprocess.run(["cargo", "build", "-p", "tm-bench", "--bin", "tm-load"],
                       cwd=ROOT, check=True)
    before = rss_mib(server_pid)
    result = subprocess.run(
        [binary, "--url", url, "--connections", os.environ.get("TM_LOAD_CONNECTIONS", "1000"),
         "--seconds", os.environ.get("TM_LOAD_SECONDS", "30")],
        env={**os.environ, "TM_LOAD_KEY": key},
    )
    after = rss_mib(server_pid)
    print(f"server RSS: {before:.0f} MiB before, {after:.0f} MiB after the load", flush=True)
    if result.returncode != 0:
        return result.returncode
    if after - before > MAX_RSS_GROWTH_MIB:
        print(f"memory grew by more than {MAX_RSS_GROWTH_MIB} MiB", flush=True)
        return 1
    return 0


def main() -> int:
    what = sys.argv[1] if len(sys.argv) > 1 else "all"
    binary = os.environ.get("TM_BIN", str(ROOT / "target" / "debug" / "torrent-manager"))
    workdir = Path(tempfile.mkdtemp(prefix="tm-api-checks-"))
    status = 0
    with running_client("transmission") as daemon:
        server, url = start_server(binary, workdir / "data", workdir / "server.log")
        try:
            key = seed(url, daemon, workdir)
            if what in ("schemathesis", "all"):
                status |= run_schemathesis(url, key)
            if what in ("load", "all"):
                status |= run_load(url, key, server.pid)
            if server.poll() is not None:
                print("the server died during the checks", flush=True)
                status = 1
        finally:
            server.terminate()
            server.wait(timeout=10)
            if status:
                print((workdir / "server.log").read_text(errors="replace")[-4000:], flush=True)
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"api checks ({what}): {'passed' if status == 0 else 'FAILED'}", flush=True)
    return 1 if status else 0


if __name__ == "__main__":
    sys.exit(main())
