"""Real torrent clients on loopback for the tests: transmission-daemon, and
rTorrent behind nginx's ``/RPC2`` (XML-RPC over HTTP, basic auth).

Each runs in its own temporary directory on free ports and is stopped at the
end. Nothing is installed here: the binaries come from Debian's packages
(``.ci/run`` installs them).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import List

import pytest

READY_TIMEOUT = 30.0


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _binary(name: str) -> str:
    for directory in os.environ.get("PATH", "").split(os.pathsep) + ["/usr/sbin", "/sbin"]:
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    if os.environ.get("CI"):
        pytest.fail(f"{name} is not installed (CI must install it)", pytrace=False)
    pytest.skip(f"{name} is not installed")


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} exited early:\n{log.read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"{process.args[0]} did not listen on {port} within {READY_TIMEOUT} s")


@dataclass
class Daemon:
    """A running client: how to register it, and what to stop."""

    host: str
    port: int
    username: str
    password: str
    rpc_path: str
    download_dir: Path
    processes: List[subprocess.Popen] = field(default_factory=list)

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _spawn(args: List[str], log: Path, cwd: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=cwd,
            env={**os.environ, "HOME": str(cwd)},
        )


def start_transmission(root: Path) -> Daemon:
    binary = _binary("transmission-daemon")
    config, downloads = root / "config", root / "downloads"
    config.mkdir(parents=True)
    downloads.mkdir()
    rpc_port = free_port()
    # Written fresh every run: the daemon replaces the password with a hash.
    settings = {
        "bind-address-ipv4": "127.0.0.1", "dht-enabled": False, "lpd-enabled": False,
        "pex-enabled": False, "utp-enabled": False, "port-forwarding-enabled": False,
        "download-dir": str(downloads), "incomplete-dir-enabled": False,
        "peer-port": free_port(), "peer-port-random-on-start": False,
        "rpc-enabled": True, "rpc-bind-address": "127.0.0.1", "rpc-port": rpc_port,
        "rpc-authentication-required": True, "rpc-username": "tester",
        "rpc-password": "s3cret-pass", "rpc-whitelist-enabled": False,
        "rpc-host-whitelist-enabled": False, "scrape-paused-torrents-enabled": False,
        "watch-dir-enabled": False, "blocklist-enabled": False,
    }
    (config / "settings.json").write_text(json.dumps(settings))
    log = root / "transmission.log"
    process = _spawn([binary, "-f", "-g", str(config)], log, root)
    daemon = Daemon("127.0.0.1", rpc_port, "tester", "s3cret-pass", "/transmission/rpc",
                    downloads, [process])
    _wait_for_port(rpc_port, process, log)
    return daemon


def start_rtorrent_behind_nginx(root: Path) -> Daemon:
    """rTorrent with SCGI on loopback, and nginx serving it at /RPC2 with basic auth."""
    rtorrent, nginx = _binary("rtorrent"), _binary("nginx")
    session, downloads, web = root / "session", root / "downloads", root / "nginx"
    for directory in (session, downloads, web):
        directory.mkdir(parents=True)
    scgi_port, peer_port, http_port = free_port(), free_port("127.0.0.2"), free_port()
    (root / "rtorrent.rc").write_text(
        f"directory.default.set = {downloads}\n"
        f"session.path.set = {session}\n"
        # A seed elsewhere on 127.0.0.1 would not be contacted from the same address.
        "network.bind_address.set = 127.0.0.2\n"
        f"network.port_range.set = {peer_port}-{peer_port}\n"
        "network.port_random.set = no\n"
        f"network.scgi.open_port = 127.0.0.1:{scgi_port}\n"
        "dht.mode.set = disable\nprotocol.pex.set = no\ntrackers.use_udp.set = no\n"
        "system.daemon.set = true\n"
    )
    rt_log = root / "rtorrent.log"
    rt = _spawn([rtorrent, "-n", "-o", f"import={root / 'rtorrent.rc'}"], rt_log, root)
    daemon = Daemon("127.0.0.1", http_port, "rpcuser", "rpc-pass", "/RPC2", downloads, [rt])
    try:
        _wait_for_port(scgi_port, rt, rt_log)
        # {PLAIN} needs no crypt tool; fine for a throw-away proxy.
        (web / "htpasswd").write_text("rpcuser:{PLAIN}rpc-pass\n")
        temp_paths = "".join(
            f"{kind}_temp_path {web}/tmp_{kind};\n"
            for kind in ("client_body", "scgi", "proxy", "fastcgi", "uwsgi")
        )
        (web / "nginx.conf").write_text(
            "master_process off;\ndaemon off;\n"
            f"pid {web}/nginx.pid;\nerror_log {web}/error.log warn;\n"
            "events { worker_connections 64; }\n"
            "http {\naccess_log off;\n" + temp_paths +
            "server {\n"
            f"listen 127.0.0.1:{http_port};\n"
            "location /RPC2 {\n"
            'auth_basic "rtorrent";\n'
            f"auth_basic_user_file {web}/htpasswd;\n"
            "scgi_param REQUEST_METHOD $request_method;\n"
            "scgi_param REQUEST_URI $request_uri;\n"
            "scgi_param CONTENT_TYPE $content_type;\n"
            "scgi_param CONTENT_LENGTH $content_length;\n"
            f"scgi_pass 127.0.0.1:{scgi_port};\n"
            "}\n}\n}\n"
        )
        nginx_log = root / "nginx.log"
        proxy = _spawn([nginx, "-e", str(web / "error.log"), "-p", str(web), "-c",
                        str(web / "nginx.conf")], nginx_log, root)
        daemon.processes.append(proxy)
        _wait_for_port(http_port, proxy, nginx_log)
    except BaseException:
        daemon.stop()
        raise
    return daemon


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
