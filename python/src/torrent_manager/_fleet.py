"""Across your servers: the same torrent on several of them, and the same
content under different torrents (cross-seed candidates)."""

from __future__ import annotations

from ._transport import JSON, Transport


class Fleet(Transport):
    """``GET /torrents/duplicates`` and ``GET /torrents/cross-seed``."""

    def duplicates(self) -> JSON:
        """Torrents present on more than one of your servers (same info hash):
        ``{groups: [{info_hash, name, size, copies: [{server_id, server_name,
        server_type, state, progress, save_path}]}], total}``::

            for group in client.duplicates()["groups"]:
                print(group["name"], [c["server_name"] for c in group["copies"]])
        """
        return self._request("GET", "/torrents/duplicates")

    def cross_seed_groups(self) -> JSON:
        """Torrents of different info hashes (normally other trackers) whose
        files are the same: ``{groups: [{size, files, torrents: [{server_id,
        server_name, info_hash, name, tracker, state, progress}]}], pending}``;
        ``pending`` counts torrents whose file list is not fetched yet."""
        return self._request("GET", "/torrents/cross-seed")
