"""Every Python example of USAGE.md, run verbatim and in order in one
namespace against the real server, with a real rTorrent behind nginx's /RPC2.

Two substitutions only, made on a block's text before it runs:
- the example's seedbox (192.168.1.10:8080, rpc_user / rpc_password) becomes
  the real rTorrent on loopback — the example's address is never contacted;
- the API key prefix ``abc12345`` becomes the prefix of the key the example
  created.
Between blocks the test restores what the next block assumes: it logs in
again after the logout example, and registers the server again after the
delete example.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path
from typing import List

import pytest

from torrent_manager import TorrentManagerClient

from clients import start_client

USAGE = Path(__file__).resolve().parents[2].parent / "shared" / "spec" / "USAGE.md"

# The document ends inside the upload example, in the middle of the string
# literal it writes to test.torrent. The test closes the literal where the
# document stops (so the file holds the truncated "d8:announce") and finishes
# the block the way the section's comment says: upload it, print the message.
UPLOAD_EXAMPLE_ENDING = '''")
    upload_result = client.upload_torrent("test.torrent", SERVER_ID, start=True)
    print(upload_result['message'])
except Exception as e:
    print(f"Failed to upload torrent: {e}")
'''


def python_blocks(text: str) -> List[str]:
    blocks = re.findall(r"```python\n(.*?)(?:```|\Z)", text, flags=re.S)
    if not text.rstrip().endswith("```"):
        blocks[-1] = blocks[-1] + UPLOAD_EXAMPLE_ENDING
    return blocks


@pytest.fixture
def rtorrent():
    yield from start_client("rtorrent-http")


def test_usage_examples_run_verbatim(server, rtorrent, tmp_path, monkeypatch):
    monkeypatch.setenv("TORRENT_MANAGER_URL", server.url)
    monkeypatch.chdir(tmp_path)  # the upload example writes test.torrent here
    blocks = python_blocks(USAGE.read_text())
    assert len(blocks) == 16, f"USAGE.md has {len(blocks)} Python examples"

    namespace: dict = {}
    outputs: List[str] = []

    def run(block: str) -> str:
        block = (
            block.replace('"192.168.1.10"', f'"{rtorrent.host}"')
            .replace("port=8080", f"port={rtorrent.port}")
            .replace('"rpc_user"', f'"{rtorrent.username}"')
            .replace('"rpc_password"', f'"{rtorrent.password}"')
        )
        if "abc12345" in block:
            block = block.replace("abc12345", namespace["key_result"]["prefix"])
        assert "192.168.1.10" not in block
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, "USAGE.md", "exec"), namespace)
        outputs.append(out.getvalue())
        return out.getvalue()

    # Initialization
    assert run(blocks[0]) == ""
    client = namespace["client"]
    assert client.base_url == server.url, "the default URL comes from TORRENT_MANAGER_URL"
    assert namespace["client_with_key"].api_key == "tm_your_api_key_here"

    # Register, log in, who am I, log out
    assert re.fullmatch(r"User registered: newuser \([0-9a-f-]{36}\)\n", run(blocks[1]))
    # The document's seedbox is on a private address (192.168.1.10, here
    # loopback): the instance's admin lets newuser reach private targets.
    with TorrentManagerClient(server.url) as admin:
        admin.login(server.admin_username, server.admin_password)
        admin.set_user_targets(namespace["result"]["user_id"], True)
    assert run(blocks[2]) == "Logged in as: newuser\n"
    assert run(blocks[3]) == "Current User: newuser, Auth Method: session\n"
    assert run(blocks[4]) == "Logout successful\n"
    with pytest.raises(Exception):
        client.get_me()
    client.login("newuser", "securepassword", remember_me=True)

    # API keys: create, list, revoke (the one just created)
    printed = run(blocks[5])
    key = namespace["key_result"]["api_key"]
    assert printed == f"New API Key created: {key}\n" and key.startswith("tm_")
    prefix = namespace["key_result"]["prefix"]
    assert run(blocks[6]) == f"Existing API Keys:\n  - My Automation Script (Prefix: {prefix})\n"
    assert run(blocks[7]) == "API key revoked successfully\n"
    assert client.list_api_keys()["api_keys"] == []

    # Servers: add (the real rTorrent), list, test, update, delete
    printed = run(blocks[8])
    server_id = namespace["SERVER_ID"]
    assert printed == f"Server added with ID: {server_id}\n"
    assert run(blocks[9]) == (
        f"Configured Servers:\n  - My rTorrent Seedbox (rtorrent) - ID: {server_id}\n"
    )
    printed = run(blocks[10])
    assert re.fullmatch(
        r"Connection status: connected - Successfully connected to My rTorrent Seedbox: "
        r"rTorrent \d+\.\d+\.\d+\n",
        printed,
    ), printed
    assert run(blocks[11]) == "Server updated: Renamed rTorrent Seedbox, Enabled: False\n"
    assert run(blocks[12]) == "Server 'Renamed rTorrent Seedbox' deleted successfully\n"
    assert client.list_servers() == []
    run(blocks[8])  # a fresh SERVER_ID for the torrent examples
    assert namespace["SERVER_ID"] != server_id

    # Torrents: list, then the document's truncated magnet and .torrent
    assert run(blocks[13]) == "Found 0 torrents.\n"
    printed = run(blocks[14])
    assert printed.startswith("Failed to add torrent: HTTP 400: Invalid magnet link"), printed
    assert "40 hex or 32 base32" in printed, printed
    printed = run(blocks[15])
    assert printed.startswith("Failed to upload torrent: HTTP 400: Not a valid .torrent file"), printed
    assert (tmp_path / "test.torrent").read_text() == "d8:announce"

    # Nothing printed an unexpected failure, and nothing slipped through.
    assert client.list_torrents() == []
    joined = "".join(outputs)
    for failure in ("Registration failed", "Login failed", "Authentication required",
                    "Logout failed", "Failed to create", "Failed to list", "Failed to revoke",
                    "Failed to test", "Failed to update", "Failed to delete",
                    "Failed to add server"):
        assert failure not in joined, joined
    assert os.path.exists(tmp_path / "test.torrent")
