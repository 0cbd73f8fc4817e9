"""The metainfo store: a torrent's .torrent file as the manager keeps it."""

from __future__ import annotations

import os
from typing import Optional, Union

from ._transport import Transport, _segment


class Metainfo(Transport):
    """``GET /torrents/{info_hash}/metainfo``."""

    def download_metainfo(
        self,
        info_hash: str,
        server_id: Optional[str] = None,
        path: Optional[Union[str, os.PathLike]] = None,
    ) -> bytes:
        """The torrent's .torrent file, byte for byte as stored (uploaded,
        fetched from its URL, or exported by its client once a magnet's
        metadata arrived); also written to ``path`` when given. Raises
        :class:`~torrent_manager.errors.TorrentManagerError` (404) when none
        is stored."""
        response = self._send(
            "GET",
            f"/torrents/{_segment(info_hash)}/metainfo",
            params={"server_id": server_id},
        )
        if not response.ok:
            self._parse(response)
        if path is not None:
            with open(path, "wb") as file:
                file.write(response.content)
        return response.content
