"""A Python client for the torrent-manager REST API.

Example::

    from torrent_manager.client import TorrentManagerClient

    client = TorrentManagerClient()            # $TORRENT_MANAGER_URL or http://localhost:8144
    client.login("alice", "correct horse", remember_me=True)
    for server in client.list_servers():
        print(server["name"], server["server_type"])

Every method returns the server's parsed JSON answer (``{}`` for an empty
body) and raises :class:`~torrent_manager.errors.TorrentManagerError` when the
request fails.
"""

from __future__ import annotations

from ._accounts import Accounts
from ._activity import Activity
from ._admin import Admin
from ._categories import Categories
from ._files import Files
from ._fleet import Fleet
from ._jobs import Jobs
from ._metainfo import Metainfo
from ._placement import Placement
from ._rss import Rss
from ._rules import Rules
from ._servers import Servers
from ._torrent_settings import TorrentSettings
from ._torrents import Torrents
from ._webhooks import Webhooks
# BASE_URL_ENV and JSON stay importable from here, where they used to live.
from ._transport import BASE_URL_ENV, CLEAR, DEFAULT_BASE_URL, JSON
from .errors import TorrentManagerError

__all__ = ["CLEAR", "DEFAULT_BASE_URL", "TorrentManagerClient", "TorrentManagerError"]


class TorrentManagerClient(
    Accounts,
    Servers,
    Files,
    Torrents,
    TorrentSettings,
    Metainfo,
    Fleet,
    Categories,
    Admin,
    Activity,
    Rules,
    Rss,
    Webhooks,
    Placement,
    Jobs,
):
    """Client for the torrent-manager REST API.

    Args:
        base_url: Where the server is, e.g. ``"http://127.0.0.1:8144"``.
            Defaults to ``$TORRENT_MANAGER_URL`` when set, else
            ``http://localhost:8144``.
        api_key: An API key (``tm_...``), sent as ``Authorization: Bearer``.
            Without one, log in with :meth:`login`; the session cookie is kept
            on this object.
        timeout: Seconds to wait for the server on each request.

    One :class:`requests.Session` serves all calls of a client, so cookies
    persist between them. The client can be used as a context manager, which
    closes the session at the end.
    """

    # The areas of the API live in their own modules; they all build on the
    # one HTTP transport (``_transport.Transport``).
