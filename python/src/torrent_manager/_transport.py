"""The HTTP plumbing every area of :class:`~torrent_manager.TorrentManagerClient` shares."""

from __future__ import annotations

import os
import re
from typing import Any, Dict, Mapping, Optional, TypeVar, Union
from urllib.parse import quote

import requests

from .errors import TorrentManagerError

#: Used when neither ``base_url`` nor ``$TORRENT_MANAGER_URL`` is given.
DEFAULT_BASE_URL = "http://localhost:8144"
#: The environment variable that supplies the default base URL.
BASE_URL_ENV = "TORRENT_MANAGER_URL"

JSON = Dict[str, Any]
PathLike = Union[str, "os.PathLike[str]"]

_Self = TypeVar("_Self", bound="Transport")


class _Clear:
    """Type of :data:`CLEAR`."""

    _instance: Optional["_Clear"] = None

    def __new__(cls) -> "_Clear":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "CLEAR"

    def __bool__(self) -> bool:
        return False

    def __copy__(self) -> "_Clear":
        return self

    def __deepcopy__(self, memo: Any) -> "_Clear":
        return self

    def __reduce__(self) -> str:
        return "CLEAR"


#: Pass as a field of :meth:`TorrentManagerClient.update_server` to clear it
#: (the server receives JSON ``null``). ``None`` leaves a field unchanged.
CLEAR = _Clear()


def _bool_param(value: bool) -> str:
    return "true" if value else "false"


def _segment(value: str) -> str:
    """Quotes one path segment (an info hash, a label, an id)."""
    return quote(str(value), safe="")


def _connection_reason(error: BaseException) -> str:
    """The useful part of a requests/urllib3 connection error."""
    reason: BaseException = error
    inner = error.args[0] if error.args else None
    nested = getattr(inner, "reason", None)
    if isinstance(nested, BaseException):
        reason = nested
    elif isinstance(inner, BaseException):
        reason = inner
    text = str(reason)
    # urllib3 prefixes the connection object: "<...HTTPConnection object at 0x..>: "
    # (1.x) or "HTTPConnection(host='h', port=1): " (2.x).
    text = re.sub(r"^(<[^>]*>|\w+\([^)]*\)):\s*", "", text)
    return text or type(reason).__name__


class Transport:
    """Sends requests to the API and turns its answers into JSON or
    :class:`~torrent_manager.errors.TorrentManagerError`. The areas of the
    API are mixins on top of it; :class:`~torrent_manager.TorrentManagerClient`
    combines them."""

    def __init__(
        self,
        base_url: Optional[str] = None,
        api_key: Optional[str] = None,
        timeout: float = 30,
    ) -> None:
        if base_url is None:
            base_url = os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        self.base_url: str = base_url.rstrip("/")
        self.api_key: Optional[str] = api_key
        self.timeout: float = timeout
        self.session: requests.Session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        if api_key:
            self.session.headers["Authorization"] = f"Bearer {api_key}"

    def __repr__(self) -> str:
        auth = "api_key" if self.api_key else "session"
        return f"{type(self).__name__}(base_url={self.base_url!r}, auth={auth})"

    def __enter__(self: _Self) -> _Self:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        """Closes the underlying HTTP session."""
        self.session.close()

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        json: Any = None,
        data: Optional[Mapping[str, str]] = None,
        files: Any = None,
    ) -> Any:
        """Sends one request and returns its parsed JSON answer.

        ``None`` values in ``params`` are left out; ``data`` are the text
        fields of a multipart ``files`` upload.
        """
        response = self._send(method, path, params=params, json=json, data=data, files=files)
        return self._parse(response)

    def _request_text(self, method: str, path: str) -> str:
        """Sends one request and returns its answer as text (errors are
        raised as for :meth:`_request`)."""
        response = self._send(method, path)
        if not response.ok:
            self._parse(response)
        return response.text

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        json: Any = None,
        data: Optional[Mapping[str, str]] = None,
        files: Any = None,
        headers: Optional[Mapping[str, str]] = None,
        stream: bool = False,
    ) -> requests.Response:
        """Sends one request; connection failures become
        :class:`~torrent_manager.errors.TorrentManagerError`. With ``stream``
        the body is read as the caller iterates it."""
        url = self.base_url + path
        query = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            response = self.session.request(
                method,
                url,
                params=query or None,
                json=json,
                data=data,
                files=files,
                headers=headers,
                stream=stream,
                timeout=self.timeout,
            )
        except requests.exceptions.ConnectionError as error:
            reason = _connection_reason(error)
            raise TorrentManagerError(
                f"could not connect to {self.base_url}: {reason}", detail=reason
            ) from error
        except requests.exceptions.Timeout as error:
            raise TorrentManagerError(
                f"{method} {path} timed out after {self.timeout} s"
            ) from error
        except requests.exceptions.RequestException as error:
            raise TorrentManagerError(f"{method} {path} failed: {error}") from error
        return response

    @staticmethod
    def _parse(response: requests.Response) -> Any:
        body: Any = None
        parsed = False
        if response.content:
            try:
                body = response.json()
                parsed = True
            except ValueError:
                pass
        if not response.ok:
            code = None
            if parsed and isinstance(body, dict) and "detail" in body:
                detail = body["detail"]
                code = body.get("code")
            elif response.text.strip():
                detail = response.text.strip()
            else:
                detail = response.reason or "request failed"
            raise TorrentManagerError(
                f"HTTP {response.status_code}: {detail}",
                status_code=response.status_code,
                detail=detail,
                code=code,
            )
        if not response.content:
            return {}
        if not parsed:
            raise TorrentManagerError(
                f"HTTP {response.status_code}: the answer is not JSON",
                status_code=response.status_code,
                detail=response.text,
            )
        return body

    def health(self) -> JSON:
        """``GET /health``: ``{"status": "healthy"}`` once the server's database answers."""
        return self._request("GET", "/health")
