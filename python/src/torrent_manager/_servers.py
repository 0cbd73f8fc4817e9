"""The torrent clients (servers) a user manages."""

from __future__ import annotations

import inspect
from typing import Any, Callable, List, Optional, TypeVar

from ._transport import CLEAR, JSON, Transport, _segment

_Method = TypeVar("_Method", bound=Callable[..., Any])


def server_settings(
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
    http_download_root: Optional[str] = None,
) -> JSON:
    """The settings of a server, as ``POST /servers`` and ``POST /servers/test`` take them.

    Args:
        name: A display name.
        server_type: ``"rtorrent"``, ``"transmission"``, ``"qbittorrent"``,
            ``"deluge"`` or ``"rqbit"`` (an rqbit server's HTTP API, port 3030;
            :meth:`client_kinds` lists them with their transports).
        host, port: Where the client's RPC interface listens (not needed
            for ``transport="scgi_unix"``).
        username, password: RPC credentials (rqbit: its
            ``--http-basic-auth-usr``/``--http-basic-auth-pwd``).
        rpc_path: HTTP path of the RPC endpoint (``/RPC2``, ``/transmission/rpc``).
        use_ssl: Use HTTPS for the RPC.
        http_host, http_port, http_path, http_username, http_password,
        http_use_ssl: Where completed files can be downloaded over HTTP.
        transport: ``"http"``, ``"scgi"``, ``"scgi_unix"`` or ``"deluge_rpc"``
            (Deluge's daemon); derived when omitted.
        socket_path: rTorrent's SCGI Unix socket (for ``scgi_unix``).
        tls_accept_invalid_certs: Accept a self-signed certificate.
        is_default: Make this the user's default server.
        enabled: Whether the manager talks to it.
        http_download_root: The client's directory (as it names save paths)
            that the HTTP location's root serves, for :meth:`download_torrent`.
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
        "http_download_root": http_download_root,
    }
    body.update({k: v for k, v in optional.items() if v is not None})
    return body


def _takes_server_settings(method: _Method) -> _Method:
    """Shows the parameters and their documentation of :func:`server_settings`
    on a method that passes its arguments on to it (``help()``, IDEs)."""
    settings = inspect.signature(server_settings)
    self_parameter = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    method.__signature__ = settings.replace(  # type: ignore[attr-defined]
        parameters=[self_parameter, *settings.parameters.values()]
    )
    args = (server_settings.__doc__ or "").split("    Args:", 1)[-1]
    method.__doc__ = f"{(method.__doc__ or '').rstrip()}\n\n    Args:{args}"
    return method


def server_changes(
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
    http_download_root: Any = None,
) -> JSON:
    """Changes to a server, as ``PUT /servers/{id}`` and ``POST
    /servers/{id}/test`` take them: ``None`` leaves a field out,
    :data:`CLEAR` sends ``null``."""
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
        "http_download_root": http_download_root,
    }
    body: JSON = {}
    for key, value in fields.items():
        if value is CLEAR:
            body[key] = None
        elif value is not None:
            body[key] = value
    return body


def _takes_server_changes(method: _Method) -> _Method:
    """Shows the parameters of :func:`server_changes` after ``server_id`` on
    a method that passes them on to it (``help()``, IDEs)."""
    changes = inspect.signature(server_changes)
    leading = [
        inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("server_id", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=str),
    ]
    method.__signature__ = changes.replace(  # type: ignore[attr-defined]
        parameters=[*leading, *changes.parameters.values()]
    )
    return method


class Servers(Transport):
    """Registering, changing, testing and removing servers."""

    @_takes_server_settings
    def add_server(self, *args: Any, **kwargs: Any) -> JSON:
        """Registers a torrent client and returns it (passwords are never returned;
        ``has_password`` says whether one is stored).
        """
        return self._request("POST", "/servers", json=server_settings(*args, **kwargs))

    @_takes_server_settings
    def test_server_settings(self, *args: Any, **kwargs: Any) -> JSON:
        """Tries settings without saving them (same arguments as :meth:`add_server`):
        ``{"status": "connected" | "failed", message}``.

        Settings ``add_server`` would refuse raise ``TorrentManagerError`` as
        there (422, or 403 with ``code`` ``"forbidden_target"``); a client that
        cannot be reached or refuses the credentials is a ``"failed"`` answer
        whose message says why.
        """
        return self._request("POST", "/servers/test", json=server_settings(*args, **kwargs))

    def client_kinds(self) -> List[JSON]:
        """The client kinds a server can run (``server_type``, ``name``), each
        with its ``transports``: ``transport``, ``default_port``, ``default_path``;
        ``addable`` is false for ``"embedded"``, the engine inside
        torrent-manager, whose server ("This machine") is made for the first admin."""
        return self._request("GET", "/clients")

    def list_servers(self) -> List[JSON]:
        """The caller's servers, as a list."""
        return self._request("GET", "/servers")

    def get_server(self, server_id: str) -> JSON:
        """One server."""
        return self._request("GET", f"/servers/{_segment(server_id)}")

    @_takes_server_changes
    def update_server(self, server_id: str, *args: Any, **kwargs: Any) -> JSON:
        """Changes only the fields given and returns the updated server.

        A field left at ``None`` stays as it is. To clear a nullable field
        (``username``, ``password``, ``rpc_path``, ``socket_path``, the
        ``http_*`` fields, ``transport`` to go back to the derived one), pass
        :data:`CLEAR`, which sends JSON ``null``::

            client.update_server(server_id, name="Renamed", http_port=CLEAR)
        """
        return self._request(
            "PUT", f"/servers/{_segment(server_id)}", json=server_changes(*args, **kwargs)
        )

    def delete_server(self, server_id: str) -> JSON:
        """Removes a server: ``{"status": "deleted", message}``."""
        return self._request("DELETE", f"/servers/{_segment(server_id)}")

    @_takes_server_changes
    def test_server(self, server_id: str, *args: Any, **kwargs: Any) -> JSON:
        """Checks that the client answers: ``{"status": "connected" | "failed", message}``.

        Without changes, the stored settings are tried. With changes (the
        arguments of :meth:`update_server`), they are tried over the stored
        settings, and nothing is saved; a password left out is the stored
        one::

            client.test_server(server_id, password="new-secret")

        A failed connection is reported in the answer, not raised; changes
        ``update_server`` would refuse raise ``TorrentManagerError`` as there.
        """
        path = f"/servers/{_segment(server_id)}/test"
        if not args and not kwargs:
            return self._request("POST", path)
        return self._request("POST", path, json=server_changes(*args, **kwargs))
