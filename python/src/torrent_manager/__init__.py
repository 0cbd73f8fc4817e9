"""Python client for the torrent-manager REST API.

>>> from torrent_manager import TorrentManagerClient, TorrentManagerError, CLEAR
"""

from .client import CLEAR, DEFAULT_BASE_URL, TorrentManagerClient
from .errors import TorrentManagerError

__all__ = ["CLEAR", "DEFAULT_BASE_URL", "TorrentManagerClient", "TorrentManagerError"]
__version__ = "0.1.0"
