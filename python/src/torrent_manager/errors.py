"""The one exception the client raises."""

from __future__ import annotations

from typing import Any, Optional


class TorrentManagerError(Exception):
    """A request to the torrent-manager API failed.

    Attributes:
        status_code: The HTTP status of the answer, or ``None`` when no answer
            came (the server could not be reached, or the request timed out).
        detail: The server's explanation (the ``detail`` field of its JSON
            error body), or a description of the transport failure.
        code: The server's stable machine code (the ``code`` field, e.g.
            ``"torrent_not_found"``, ``"forbidden_target"``,
            ``"client_unsupported"``), or ``None`` when there was no JSON
            answer.

    ``str(error)`` reads like ``"HTTP 409: username 'x' is already taken"`` or
    ``"could not connect to http://localhost:8144: Connection refused"``.
    """

    def __init__(
        self,
        message: str,
        status_code: Optional[int] = None,
        detail: Any = None,
        code: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.detail = detail if detail is not None else message
        self.code = code

    @property
    def message(self) -> str:
        """The full error message (the same as ``str(error)``)."""
        return str(self.args[0]) if self.args else ""

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, "
            f"status_code={self.status_code!r}, detail={self.detail!r})"
        )
