"""Tiny .torrent files made by the tests (bencoded by hand)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Dict, Tuple

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
    return _torrent_of(directory / f"{name}.torrent", name, data, announce, None)


def reissue(
    directory: Path, name: str, announce: str, source: str
) -> Tuple[Path, str]:
    """The data ``make_torrent`` wrote at ``directory/name`` as another
    tracker issues it: a ``source`` tag gives a new info hash. Returns the
    new .torrent's path and info hash."""
    data = (directory / name).read_bytes()
    return _torrent_of(directory / f"{name}.{source}.torrent", name, data, announce, source)


def _torrent_of(path: Path, name: str, data: bytes, announce: str, source) -> Tuple[Path, str]:
    pieces = b"".join(
        hashlib.sha1(data[i:i + PIECE_LENGTH]).digest() for i in range(0, len(data), PIECE_LENGTH)
    )
    info = {"name": name, "length": len(data), "piece length": PIECE_LENGTH, "pieces": pieces}
    if source is not None:
        info["source"] = source
    info_hash = hashlib.sha1(bencode(info)).hexdigest()
    path.write_bytes(bencode({"announce": announce, "info": info}))
    return path, info_hash


def make_multi_torrent(
    directory: Path, name: str, files: Dict[str, int], announce: str = TRACKER
) -> Tuple[Path, str]:
    """Writes the folder ``directory/name`` with ``files`` (relative path →
    size, random data) and ``directory/name.torrent``; returns the
    .torrent's path and its info hash."""
    data = b""
    entries = []
    for relative, size in files.items():
        content = os.urandom(size)
        target = directory / name / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        data += content
        entries.append({"length": size, "path": relative.split("/")})
    pieces = b"".join(
        hashlib.sha1(data[i:i + PIECE_LENGTH]).digest() for i in range(0, len(data), PIECE_LENGTH)
    )
    info = {"name": name, "files": entries, "piece length": PIECE_LENGTH, "pieces": pieces}
    path = directory / f"{name}.torrent"
    path.write_bytes(bencode({"announce": announce, "info": info}))
    return path, hashlib.sha1(bencode(info)).hexdigest()
