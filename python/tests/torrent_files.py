"""Tiny .torrent files made by the tests (bencoded by hand)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Tuple

PIECE_LENGTH = 16 * 1024
# rTorrent with DHT off drops torrents that name no tracker; nothing listens here.
TRACKER = "http://127.0.0.1:1/announce"


def bencode(value) -> bytes:
    if isinstance(value, int):
        return b"i%de" % value
    if isinstance(value, str):
        value = value.encode()
    if isinstance(value, bytes):
        return b"%d:%s" % (len(value), value)
    if isinstance(value, list):
        return b"l" + b"".join(bencode(v) for v in value) + b"e"
    if isinstance(value, dict):
        items = sorted((k.encode() if isinstance(k, str) else k, v) for k, v in value.items())
        return b"d" + b"".join(bencode(k) + bencode(v) for k, v in items) + b"e"
    raise TypeError(type(value))


def make_torrent(
    directory: Path, name: str, size: int = 40_000, announce: str = TRACKER
) -> Tuple[Path, str]:
    """Writes ``directory/name`` (random data) and ``directory/name.torrent``
    (announcing to ``announce``); returns the .torrent's path and its info hash."""
    data = os.urandom(size)
    (directory / name).write_bytes(data)
    pieces = b"".join(
        hashlib.sha1(data[i:i + PIECE_LENGTH]).digest() for i in range(0, size, PIECE_LENGTH)
    )
    info = {"name": name, "length": size, "piece length": PIECE_LENGTH, "pieces": pieces}
    info_hash = hashlib.sha1(bencode(info)).hexdigest()
    path = directory / f"{name}.torrent"
    path.write_bytes(bencode({"announce": announce, "info": info}))
    return path, info_hash
