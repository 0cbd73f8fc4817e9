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

import contextlib
import os
import re
from typing import (
    Any,
    BinaryIO,
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)
from urllib.parse import quote

import requests

from .errors import TorrentManagerError

__all__ = ["CLEAR", "DEFAULT_BASE_URL", "TorrentManagerClient", "TorrentManagerError"]

#: Used when neither ``base_url`` nor ``$TORRENT_MANAGER_URL`` is given.
DEFAULT_BASE_URL = "http://localhost:8144"
#: The environment variable that supplies the default base URL.
BASE_URL_ENV = "TORRENT_MANAGER_URL"

JSON = Dict[str, Any]
PathLike = Union[str, "os.PathLike[str]"]


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


class TorrentManagerClient:
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

    # ------------------------------------------------------------------
    # plumbing

    def __repr__(self) -> str:
        auth = "api_key" if self.api_key else "session"
        return f"TorrentManagerClient(base_url={self.base_url!r}, auth={auth})"

    def __enter__(self) -> "TorrentManagerClient":
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
        files: Any = None,
    ) -> Any:
        """Sends one request and returns its parsed JSON answer.

        ``None`` values in ``params`` are left out.
        """
        url = self.base_url + path
        query = {k: v for k, v in (params or {}).items() if v is not None}
        try:
            response = self.session.request(
                method,
                url,
                params=query or None,
                json=json,
                files=files,
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
        return self._parse(response)

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

    # ------------------------------------------------------------------
    # health

    def health(self) -> JSON:
        """``GET /health``: ``{"status": "healthy"}`` once the server's database answers."""
        return self._request("GET", "/health")

    # ------------------------------------------------------------------
    # accounts and sessions

    def register(self, username: str, password: str) -> JSON:
        """Creates an account: ``{message, user_id, username}``.

        The first account of an instance becomes its admin. Usernames are 3 to
        64 letters, digits, ``.``, ``_`` or ``-``; passwords at least 8 characters.
        """
        return self._request(
            "POST", "/auth/register", json={"username": username, "password": password}
        )

    def login(self, username: str, password: str, remember_me: bool = False) -> JSON:
        """Logs in with a password: ``{message, user_id, username}``.

        The session cookie (and, with ``remember_me``, a long-lived remember-me
        cookie) is kept on this client for the following calls.
        """
        return self._request(
            "POST",
            "/auth/login",
            json={"username": username, "password": password, "remember_me": remember_me},
        )

    def logout(self) -> JSON:
        """Ends the session: ``{"message": "Logout successful"}``; forgets the cookies."""
        result = self._request("POST", "/auth/logout")
        self.session.cookies.clear()
        return result

    def change_password(self, current_password: str, new_password: str) -> JSON:
        """Changes the logged-in user's password: ``{"message": ...}``.

        Needs a password login (not an API key). This session stays; the
        user's other sessions and remember-me tokens end; API keys keep
        working. A wrong ``current_password`` raises ``TorrentManagerError`` with ``status_code`` 403.
        """
        return self._request(
            "POST",
            "/auth/password",
            json={"current_password": current_password, "new_password": new_password},
        )

    def get_me(self) -> JSON:
        """The caller: ``{user_id, username, is_admin, created_at, auth_method}``.

        ``auth_method`` is ``"session"`` or ``"api_key"``.
        """
        return self._request("GET", "/auth/me")

    # ------------------------------------------------------------------
    # API keys (need a password login, not an API key)

    def create_api_key(self, name: str, expires_days: Optional[int] = None) -> JSON:
        """Creates an API key: ``{message, api_key, prefix, name, expires_at, warning}``.

        The full key is in this answer only. ``expires_days`` (1 to 3650)
        omitted means the key never expires.
        """
        body: JSON = {"name": name}
        if expires_days is not None:
            body["expires_days"] = expires_days
        return self._request("POST", "/auth/api-keys", json=body)

    def list_api_keys(self) -> JSON:
        """The caller's keys: ``{"api_keys": [{prefix, name, created_at, last_used_at, expires_at}]}``."""
        return self._request("GET", "/auth/api-keys")

    def revoke_api_key(self, key_prefix: str) -> JSON:
        """Revokes the key with this prefix (8 characters): ``{message, name}``."""
        return self._request("DELETE", f"/auth/api-keys/{_segment(key_prefix)}")

    # ------------------------------------------------------------------
    # servers

    def add_server(
        self,
        name: str,
        server_type: str,
        host: Optional[str] = None,
        port: Optional[int] = None,
        username: Optional[str] = None,
        password: Optional[str] = None,
        rpc_path: Optional[str] = None,
        use_ssl: bool = False,
        http_host: Optional[str] = None,
        http_port: Optional[int] = None,
        http_path: Optional[str] = None,
        http_username: Optional[str] = None,
        http_password: Optional[str] = None,
        http_use_ssl: bool = False,
        transport: Optional[str] = None,
        socket_path: Optional[str] = None,
        tls_accept_invalid_certs: bool = False,
        is_default: bool = False,
        enabled: bool = True,
    ) -> JSON:
        """Registers a torrent client and returns it (passwords are never returned;
        ``has_password`` says whether one is stored).

        Args:
            name: A display name.
            server_type: ``"rtorrent"`` or ``"transmission"``.
            host, port: Where the client's RPC interface listens (not needed
                for ``transport="scgi_unix"``).
            username, password: RPC credentials.
            rpc_path: HTTP path of the RPC endpoint (``/RPC2``, ``/transmission/rpc``).
            use_ssl: Use HTTPS for the RPC.
            http_host, http_port, http_path, http_username, http_password,
            http_use_ssl: Where completed files can be downloaded over HTTP.
            transport: ``"http"``, ``"scgi"`` or ``"scgi_unix"``; derived when omitted.
            socket_path: rTorrent's SCGI Unix socket (for ``scgi_unix``).
            tls_accept_invalid_certs: Accept a self-signed certificate.
            is_default: Make this the user's default server.
            enabled: Whether the manager talks to it.
        """
        body: JSON = {
            "name": name,
            "server_type": server_type,
            "use_ssl": use_ssl,
            "http_use_ssl": http_use_ssl,
            "tls_accept_invalid_certs": tls_accept_invalid_certs,
            "is_default": is_default,
            "enabled": enabled,
        }
        optional = {
            "host": host,
            "port": port,
            "username": username,
            "password": password,
            "rpc_path": rpc_path,
            "http_host": http_host,
            "http_port": http_port,
            "http_path": http_path,
            "http_username": http_username,
            "http_password": http_password,
            "transport": transport,
            "socket_path": socket_path,
        }
        body.update({k: v for k, v in optional.items() if v is not None})
        return self._request("POST", "/servers", json=body)

    def list_servers(self) -> List[JSON]:
        """The caller's servers, as a list."""
        return self._request("GET", "/servers")

    def get_server(self, server_id: str) -> JSON:
        """One server."""
        return self._request("GET", f"/servers/{_segment(server_id)}")

    def update_server(
        self,
        server_id: str,
        name: Optional[str] = None,
        host: Any = None,
        port: Any = None,
        username: Any = None,
        password: Any = None,
        rpc_path: Any = None,
        use_ssl: Optional[bool] = None,
        enabled: Optional[bool] = None,
        http_host: Any = None,
        http_port: Any = None,
        http_path: Any = None,
        http_username: Any = None,
        http_password: Any = None,
        http_use_ssl: Optional[bool] = None,
        server_type: Optional[str] = None,
        transport: Any = None,
        socket_path: Any = None,
        tls_accept_invalid_certs: Optional[bool] = None,
        is_default: Optional[bool] = None,
    ) -> JSON:
        """Changes only the fields given and returns the updated server.

        A field left at ``None`` stays as it is. To clear a nullable field
        (``username``, ``password``, ``rpc_path``, ``socket_path``, the
        ``http_*`` fields, ``transport`` to go back to the derived one), pass
        :data:`CLEAR`, which sends JSON ``null``::

            client.update_server(server_id, name="Renamed", http_port=CLEAR)
        """
        fields = {
            "name": name,
            "host": host,
            "port": port,
            "username": username,
            "password": password,
            "rpc_path": rpc_path,
            "use_ssl": use_ssl,
            "enabled": enabled,
            "http_host": http_host,
            "http_port": http_port,
            "http_path": http_path,
            "http_username": http_username,
            "http_password": http_password,
            "http_use_ssl": http_use_ssl,
            "server_type": server_type,
            "transport": transport,
            "socket_path": socket_path,
            "tls_accept_invalid_certs": tls_accept_invalid_certs,
            "is_default": is_default,
        }
        body: JSON = {}
        for key, value in fields.items():
            if value is CLEAR:
                body[key] = None
            elif value is not None:
                body[key] = value
        return self._request("PUT", f"/servers/{_segment(server_id)}", json=body)

    def delete_server(self, server_id: str) -> JSON:
        """Removes a server: ``{"status": "deleted", message}``."""
        return self._request("DELETE", f"/servers/{_segment(server_id)}")

    def test_server(self, server_id: str) -> JSON:
        """Checks that the client answers: ``{"status": "connected" | "failed", message}``.

        A failed connection is reported in the answer, not raised.
        """
        return self._request("POST", f"/servers/{_segment(server_id)}/test")

    # ------------------------------------------------------------------
    # torrents

    def list_torrents(
        self,
        server_id: Optional[str] = None,
        sort: Optional[str] = None,
        state: Optional[str] = None,
        label: Optional[str] = None,
        search: Optional[str] = None,
        limit: Optional[int] = None,
        offset: Optional[int] = None,
    ) -> List[JSON]:
        """Torrents across the caller's enabled servers (or one server), as a list.

        The filters are passed to ``GET /torrents`` as query parameters; ``None``
        leaves one out.
        """
        return self._request(
            "GET",
            "/torrents",
            params={
                "server_id": server_id,
                "sort": sort,
                "state": state,
                "label": label,
                "search": search,
                "limit": limit,
                "offset": offset,
            },
        )

    def add_torrent(
        self,
        uri: str,
        server_id: Optional[str] = None,
        start: bool = True,
        labels: Optional[Sequence[str]] = None,
        save_path: Optional[str] = None,
    ) -> JSON:
        """Adds a torrent from a magnet link, a bare info hash or an HTTP(S) URL of a
        ``.torrent`` file: ``{message, info_hash, uri, server_id, server_name}``.

        ``server_id`` ``None`` targets the caller's default server.
        """
        body: JSON = {"uri": uri, "start": start}
        if server_id is not None:
            body["server_id"] = server_id
        if labels is not None:
            body["labels"] = list(labels)
        if save_path is not None:
            body["save_path"] = save_path
        return self._request("POST", "/torrents", json=body)

    def add_magnet(
        self,
        magnet_uri: str,
        server_id: Optional[str] = None,
        start: bool = True,
        labels: Optional[Sequence[str]] = None,
        save_path: Optional[str] = None,
    ) -> JSON:
        """Adds a torrent from a magnet link (see :meth:`add_torrent`)."""
        return self.add_torrent(magnet_uri, server_id, start, labels, save_path)

    def add_url(
        self,
        url: str,
        server_id: Optional[str] = None,
        start: bool = True,
        labels: Optional[Sequence[str]] = None,
        save_path: Optional[str] = None,
    ) -> JSON:
        """Adds a torrent from the URL of a ``.torrent`` file (see :meth:`add_torrent`)."""
        return self.add_torrent(url, server_id, start, labels, save_path)

    def upload_torrent(
        self, file_path: PathLike, server_id: Optional[str] = None, start: bool = True
    ) -> JSON:
        """Uploads a local ``.torrent`` file:
        ``{message, info_hash, torrent_name, server_id, server_name}``.

        ``server_id`` ``None`` leaves the choice of server to the API (its default server).
        """
        path = os.fspath(file_path)
        with open(path, "rb") as handle:
            return self._request(
                "POST",
                "/torrents/upload",
                params={"server_id": server_id, "start": _bool_param(start)},
                files={"file": _torrent_part(path, handle)},
            )

    def upload_torrents(
        self,
        file_paths: Iterable[PathLike],
        server_id: Optional[str] = None,
        start: bool = True,
    ) -> JSON:
        """Uploads several ``.torrent`` files in one request; the answer reports
        each file (``{total, success_count, failure_count, results: [...], ...}``)."""
        with contextlib.ExitStack() as stack:
            parts = []
            for file_path in file_paths:
                path = os.fspath(file_path)
                handle = stack.enter_context(open(path, "rb"))
                parts.append(("files", _torrent_part(path, handle)))
            if not parts:
                raise ValueError("upload_torrents needs at least one file")
            return self._request(
                "POST",
                "/torrents/upload/batch",
                params={"server_id": server_id, "start": _bool_param(start)},
                files=parts,
            )

    def get_torrent(self, info_hash: str, server_id: Optional[str] = None) -> JSON:
        """One torrent, read live from its client."""
        return self._request(
            "GET", f"/torrents/{_segment(info_hash)}", params={"server_id": server_id}
        )

    def start_torrent(self, info_hash: str, server_id: Optional[str] = None) -> JSON:
        """Starts (resumes) a torrent: ``{message, info_hash, server_id}``."""
        return self._torrent_action(info_hash, "start", server_id)

    def stop_torrent(self, info_hash: str, server_id: Optional[str] = None) -> JSON:
        """Stops (pauses) a torrent: ``{message, info_hash, server_id}``."""
        return self._torrent_action(info_hash, "stop", server_id)

    def recheck_torrent(self, info_hash: str, server_id: Optional[str] = None) -> JSON:
        """Verifies a torrent's data on disk: ``{message, info_hash, server_id}``."""
        return self._torrent_action(info_hash, "recheck", server_id)

    def _torrent_action(self, info_hash: str, action: str, server_id: Optional[str]) -> JSON:
        return self._request(
            "POST",
            f"/torrents/{_segment(info_hash)}/{action}",
            params={"server_id": server_id},
        )

    def delete_torrent(
        self, info_hash: str, server_id: Optional[str] = None, delete_data: bool = False
    ) -> JSON:
        """Removes a torrent from its client; with ``delete_data`` also its files."""
        return self._request(
            "DELETE",
            f"/torrents/{_segment(info_hash)}",
            params={"server_id": server_id, "delete_data": _bool_param(delete_data)},
        )

    def bulk_action(
        self, action: str, torrents: Iterable[Mapping[str, Any]], delete_data: bool = False
    ) -> JSON:
        """One action (``"start"``, ``"stop"``, ``"recheck"`` or ``"remove"``) on many
        torrents, on any servers, in one request.

        ``torrents`` are mappings with ``server_id`` and ``info_hash`` (the dicts
        :meth:`list_torrents` returns will do). Answers
        ``{success_count, failure_count, results: [{server_id, info_hash, success, message}]}``:
        one torrent failing does not stop the others.
        """
        body = {
            "action": action,
            "torrents": [
                {"server_id": t["server_id"], "info_hash": t["info_hash"]} for t in torrents
            ],
            "delete_data": delete_data,
        }
        return self._request("POST", "/torrents/actions", json=body)

    def list_torrent_files(self, info_hash: str, server_id: Optional[str] = None) -> JSON:
        """A torrent's files: ``{info_hash, name, ..., files: [{path, size, progress, priority, ...}]}``."""
        return self._request(
            "GET", f"/torrents/{_segment(info_hash)}/files", params={"server_id": server_id}
        )

    def set_file_priorities(
        self,
        info_hash: str,
        priorities: Union[Mapping[int, str], Iterable[Mapping[str, Any]], Iterable[Tuple[int, str]]],
        server_id: Optional[str] = None,
    ) -> JSON:
        """Sets download priorities of a torrent's files.

        ``priorities`` is ``{index: priority}``, a list of ``(index, priority)``
        pairs or a list of ``{"index": i, "priority": p}``; a priority is one of
        ``"skip"``, ``"low"``, ``"normal"``, ``"high"``.
        """
        items: List[JSON] = []
        entries = priorities.items() if isinstance(priorities, Mapping) else priorities
        for entry in entries:
            if isinstance(entry, Mapping):
                items.append({"index": entry["index"], "priority": entry["priority"]})
            else:
                index, priority = entry
                items.append({"index": index, "priority": priority})
        return self._request(
            "PUT",
            f"/torrents/{_segment(info_hash)}/files",
            params={"server_id": server_id},
            json={"priorities": items},
        )

    def list_peers(self, info_hash: str, server_id: Optional[str] = None) -> JSON:
        """The peers a torrent is connected to: ``{info_hash, server_id, peers: [...]}``."""
        return self._request(
            "GET", f"/torrents/{_segment(info_hash)}/peers", params={"server_id": server_id}
        )

    def list_trackers(self, info_hash: str, server_id: Optional[str] = None) -> JSON:
        """A torrent's trackers: ``{info_hash, server_id, trackers: [...]}``."""
        return self._request(
            "GET", f"/torrents/{_segment(info_hash)}/trackers", params={"server_id": server_id}
        )

    # labels

    def get_labels(self, info_hash: str, server_id: Optional[str] = None) -> JSON:
        """A torrent's labels: ``{info_hash, labels, server_id}``."""
        return self._request(
            "GET", f"/torrents/{_segment(info_hash)}/labels", params={"server_id": server_id}
        )

    def set_labels(
        self, info_hash: str, labels: Sequence[str], server_id: Optional[str] = None
    ) -> JSON:
        """Replaces all labels of a torrent: ``{info_hash, labels, server_id}``."""
        return self._request(
            "PUT",
            f"/torrents/{_segment(info_hash)}/labels",
            params={"server_id": server_id},
            json={"labels": list(labels)},
        )

    def add_label(self, info_hash: str, label: str, server_id: Optional[str] = None) -> JSON:
        """Adds one label (if absent): ``{info_hash, labels, server_id}``."""
        return self._request(
            "POST",
            f"/torrents/{_segment(info_hash)}/labels",
            params={"server_id": server_id},
            json={"label": label},
        )

    def remove_label(self, info_hash: str, label: str, server_id: Optional[str] = None) -> JSON:
        """Removes one label: ``{info_hash, labels, server_id}``."""
        return self._request(
            "DELETE",
            f"/torrents/{_segment(info_hash)}/labels/{_segment(label)}",
            params={"server_id": server_id},
        )

    # ------------------------------------------------------------------
    # administration (admins only)

    def list_users(self) -> List[JSON]:
        """All users: ``[{id, username, is_admin, created_at}]``."""
        return self._request("GET", "/admin/users")

    def create_user(self, username: str, password: str, is_admin: bool = False) -> JSON:
        """Creates a user (also when registration is closed):
        ``{message, user_id, username, is_admin}``."""
        return self._request(
            "POST",
            "/admin/users",
            json={"username": username, "password": password, "is_admin": is_admin},
        )

    def update_user(
        self,
        user_id: str,
        password: Optional[str] = None,
        is_admin: Optional[bool] = None,
    ) -> JSON:
        """Changes a user's password and/or admin role (``None`` leaves it) and
        returns the user."""
        body: JSON = {}
        if password is not None:
            body["password"] = password
        if is_admin is not None:
            body["is_admin"] = is_admin
        return self._request("PUT", f"/admin/users/{_segment(user_id)}", json=body)

    def delete_user(self, user_id: str) -> JSON:
        """Deletes a user with their sessions, keys and servers: ``{message}``."""
        return self._request("DELETE", f"/admin/users/{_segment(user_id)}")

    def get_user_targets(self, user_id: str) -> JSON:
        """Whether a user may make the service contact private targets:
        ``{user_id, allow_private_targets, private_targets_allowed}``."""
        return self._request("GET", f"/admin/users/{_segment(user_id)}/targets")

    def set_user_targets(self, user_id: str, allow_private_targets: bool) -> JSON:
        """Lets a user (or stops letting them) register servers and add URLs on
        loopback, private or link-local addresses and unix sockets; returns
        what :meth:`get_user_targets` returns."""
        return self._request(
            "PUT",
            f"/admin/users/{_segment(user_id)}/targets",
            json={"allow_private_targets": allow_private_targets},
        )

    def get_settings(self) -> JSON:
        """Instance settings: ``{"registration_mode": "open" | "closed"}``."""
        return self._request("GET", "/admin/settings")

    def set_registration_mode(self, mode: str) -> JSON:
        """Opens (``"open"``) or closes (``"closed"``) self-service registration;
        returns the settings."""
        return self._request("PUT", "/admin/settings", json={"registration_mode": mode})


def _torrent_part(path: str, handle: BinaryIO) -> Tuple[str, BinaryIO, str]:
    return (os.path.basename(path), handle, "application/x-bittorrent")
