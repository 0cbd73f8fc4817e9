"""Finished files on a seedbox's own web server (a server's HTTP location)."""

from __future__ import annotations

import os
from typing import Callable, Optional, Union
from urllib.parse import quote, unquote

import requests

from ._transport import JSON, Transport, _segment

#: Bytes read from the server per chunk, as the original client did.
CHUNK_SIZE = 64 * 1024

#: ``progress(bytes_done, total_bytes_or_None)``, called after every chunk.
Progress = Callable[[int, Optional[int]], None]


class Files(Transport):
    """``GET /servers/{id}/files``, ``GET /servers/{id}/download/{path}`` and
    ``GET /torrents/{hash}/download``."""

    def list_server_files(self, server_id: str, path: str = "") -> JSON:
        """One folder of the server's HTTP location: ``{server_id,
        server_name, path, entries: [{name, path, is_dir, size, modified}]}``,
        folders first. ``path`` is relative to the location's root."""
        return self._request(
            "GET", f"/servers/{_segment(server_id)}/files", params={"path": path}
        )

    def download_file_stream(
        self, server_id: str, file_path: str, offset: int = 0
    ) -> requests.Response:
        """The file as a streaming :class:`requests.Response` (iterate it, or
        its ``iter_content(chunk_size)``, for the bytes; close it when done).
        ``offset`` asks for the file from that byte on (HTTP 206)."""
        headers = {"Range": f"bytes={offset}-"} if offset else None
        return self._stream(
            f"/servers/{_segment(server_id)}/download/{quote(file_path, safe='/')}",
            headers=headers,
        )

    def download_file(
        self,
        server_id: str,
        file_path: str,
        output_path: Optional[Union[str, "os.PathLike[str]"]] = None,
        progress: Optional[Progress] = None,
        resume: bool = False,
    ) -> str:
        """Saves the file and returns where: ``output_path``, or the file's
        name in the current directory (as the original client did).

        With ``resume`` and a partial file at the destination, only the rest
        is fetched and appended. ``progress(done, total)`` follows the bytes.
        """
        destination = (
            _file_name(file_path) if output_path is None else os.fspath(output_path)
        )
        offset = 0
        if resume and os.path.exists(destination):
            offset = os.path.getsize(destination)
        response = self.download_file_stream(server_id, file_path, offset=offset)
        return _save(response, destination, offset, progress)

    def torrent_download_list(self, info_hash: str, server_id: Optional[str] = None) -> JSON:
        """The torrent's own files on its server's web server: ``{info_hash,
        server_id, name, files: [{path, size, server_path, url}]}``; each
        ``server_path`` downloads (and resumes) with :meth:`download_file`.
        Needs the server's ``http_download_root``."""
        return self._request(
            "GET",
            f"/torrents/{_segment(info_hash)}/download",
            params={"server_id": server_id, "format": "list"},
        )

    def download_torrent(
        self,
        info_hash: str,
        server_id: Optional[str] = None,
        output_path: Optional[Union[str, "os.PathLike[str]"]] = None,
        progress: Optional[Progress] = None,
    ) -> str:
        """Saves the torrent's data and returns where: its one file as it
        is, or a zip of its files (``NAME.zip``), to ``output_path`` or under
        the name the server gives in the current directory. An incomplete
        torrent raises :class:`~torrent_manager.errors.TorrentManagerError`
        (409, ``incomplete``). ``progress(done, total)`` follows the bytes
        (``total`` is ``None`` for a zip)."""
        response = self._stream(
            f"/torrents/{_segment(info_hash)}/download",
            params={"server_id": server_id},
            # Bytes, not the JSON listing the route gives to JSON clients.
            headers={"Accept": "application/octet-stream, application/zip"},
        )
        destination = (
            _attachment_name(response.headers.get("Content-Disposition", ""), info_hash)
            if output_path is None
            else os.fspath(output_path)
        )
        return _save(response, destination, 0, progress)

    def _stream(
        self,
        path: str,
        params: Optional[dict] = None,
        headers: Optional[dict] = None,
    ) -> requests.Response:
        """``GET path`` as a streaming response; an error answer raises
        (and is closed) instead."""
        response = self._send("GET", path, params=params, headers=headers, stream=True)
        if not response.ok:
            try:
                self._parse(response)
            finally:
                response.close()
        return response


def _save(
    response: requests.Response, destination: str, offset: int, progress: Optional[Progress]
) -> str:
    """Writes ``response`` to ``destination``: appended after ``offset``
    bytes when the server sent that range (206), else from the start."""
    with response:
        appending = offset > 0 and response.status_code == 206
        done = offset if appending else 0
        length = response.headers.get("Content-Length")
        total = done + int(length) if length and length.isdigit() else None
        with open(destination, "ab" if appending else "wb") as file:
            for chunk in response.iter_content(CHUNK_SIZE):
                file.write(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
    return destination


def _attachment_name(disposition: str, fallback: str) -> str:
    """The exact name of ``filename*=UTF-8''…`` in a ``Content-Disposition``,
    as a bare file name; ``fallback`` when there is none."""
    for part in disposition.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename*" and value.lower().startswith("utf-8''"):
            return _file_name(unquote(value[len("utf-8''"):]))
    return _file_name(fallback)


def _file_name(file_path: str) -> str:
    """The path's last segment (the name the server's ``Content-Disposition``
    gives too); never a path."""
    name = file_path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return name if name not in ("", ".", "..") else "download"
