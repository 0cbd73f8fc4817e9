"""Categories of the qBittorrent-compatible API: where the torrents Sonarr or
Radarr add in each one go."""

from __future__ import annotations

from typing import List, Optional

from ._transport import JSON, Transport, _segment


class Categories(Transport):
    """Routing each category's adds (through ``/api/v2``) to a server and folder."""

    def categories(self) -> List[JSON]:
        """Your categories, by name: ``[{name, save_path, server_id, server_name}]``
        (``server_id`` ``None``: your default server; ``save_path`` ``None``: the
        server's own download directory)."""
        return self._request("GET", "/categories")["categories"]

    def put_category(
        self, name: str, save_path: Optional[str] = None, server_id: Optional[str] = None
    ) -> JSON:
        """Creates the category ``name`` or replaces where it routes, and returns it.

        ``server_id`` (one of your servers) ``None`` routes to your default
        server; ``save_path`` (absolute) ``None`` saves in the server's own
        download directory::

            client.put_category("tv-sonarr", save_path="/data/tv", server_id=box["id"])
        """
        return self._request(
            "PUT",
            f"/categories/{_segment(name)}",
            json={"save_path": save_path, "server_id": server_id},
        )

    def delete_category(self, name: str) -> JSON:
        """Removes a category (its torrents stay where they are): ``{message}``."""
        return self._request("DELETE", f"/categories/{_segment(name)}")
