"""Torrents across the caller's servers: adding, listing, acting on them,
their files, peers, trackers and labels."""

from __future__ import annotations

import contextlib
import os
from typing import Any, BinaryIO, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ._transport import JSON, PathLike, Transport, _bool_param, _segment


class Torrents(Transport):
    """The ``/torrents`` endpoints."""

    def list_torrents(
        self,
        server_id: Optional[str] = None,
        sort: Optional[str] = None,
        state: Optional[str] = None,
        label: Optional[str] = None,
        search: Optional[str] = None,
        limit: Optional[int] = None,
        offset: Optional[int] = None,
        error: Optional[str] = None,
        tracker: Optional[str] = None,
        tracker_status: Union[str, Sequence[str], None] = None,
    ) -> List[JSON]:
        """Torrents across the caller's enabled servers (or one server), as a list.

        The filters are passed to ``GET /torrents`` as query parameters; ``None``
        leaves one out. ``error`` is ``"any"``, ``"tracker"`` or ``"client"``
        (torrents with such an error); ``tracker`` a tracker host name;
        ``tracker_status`` one or several of ``"working"``, ``"updating"``,
        ``"not_contacted"``, ``"unregistered"``, ``"tracker_down"``, ``"error"``
        (each torrent's ``tracker_status``, with the tracker's words in
        ``tracker_message``).
        """
        if tracker_status is not None and not isinstance(tracker_status, str):
            tracker_status = ",".join(tracker_status)
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
                "error": error,
                "tracker": tracker,
                "tracker_status": tracker_status,
            },
        )

    def add_torrent(
        self,
        uri: str,
        server_id: Optional[str] = None,
        start: bool = True,
        labels: Optional[Sequence[str]] = None,
        save_path: Optional[str] = None,
        server_ids: Optional[Sequence[str]] = None,
    ) -> JSON:
        """Adds a torrent from a magnet link, a bare info hash or an HTTP(S) URL of a
        ``.torrent`` file: ``{message, info_hash, uri, server_id, server_name}``.

        ``server_id`` ``None`` targets the caller's default server; ``"auto"``
        lets your placement rules choose (the answer's ``placement`` says which
        rule and why). ``server_ids`` adds to each of those servers instead:
        ``{total, success_count, failure_count, outcomes: [{server_id,
        server_name, success, message, info_hash}]}``.
        """
        body: JSON = {"uri": uri, "start": start}
        if server_id is not None:
            body["server_id"] = server_id
        if server_ids is not None:
            body["server_ids"] = list(server_ids)
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
        self,
        file_path: PathLike,
        server_id: Optional[str] = None,
        start: bool = True,
        save_path: Optional[str] = None,
        labels: Optional[Sequence[str]] = None,
        server_ids: Optional[Sequence[str]] = None,
    ) -> JSON:
        """Uploads a local ``.torrent`` file:
        ``{message, info_hash, torrent_name, server_id, server_name}``.

        ``server_id`` ``None`` leaves the choice of server to the API (its default server),
        ``"auto"`` to your placement rules; ``save_path`` (an absolute directory on the
        client's host) where to download, ``None`` for the client's default.
        ``server_ids`` uploads to each of them (the answer as for :meth:`add_torrent`).
        """
        path = os.fspath(file_path)
        params = {"server_id": server_id, "start": _bool_param(start)}
        if labels:
            params["labels"] = ",".join(labels)
        if server_ids is not None:
            params["server_ids"] = ",".join(server_ids)
        with open(path, "rb") as handle:
            return self._request(
                "POST",
                "/torrents/upload",
                params=params,
                data=_save_path_field(save_path),
                files={"file": _torrent_part(path, handle)},
            )

    def upload_torrents(
        self,
        file_paths: Iterable[PathLike],
        server_id: Optional[str] = None,
        start: bool = True,
        save_path: Optional[str] = None,
    ) -> JSON:
        """Uploads several ``.torrent`` files in one request; the answer reports
        each file (``{total, success_count, failure_count, results: [...], ...}``).
        ``save_path`` as for :meth:`upload_torrent`."""
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
                data=_save_path_field(save_path),
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

    def reannounce_torrent(self, info_hash: str, server_id: Optional[str] = None) -> JSON:
        """Asks a torrent's trackers for peers now: ``{message, info_hash, server_id}``."""
        return self._torrent_action(info_hash, "reannounce", server_id)

    def move_torrent_data(
        self, info_hash: str, path: str, server_id: Optional[str] = None
    ) -> JSON:
        """Moves a torrent's data into ``path`` (a directory on the client's
        host) through the client's own move: ``{message, info_hash, server_id}``."""
        return self._request(
            "POST",
            f"/torrents/{_segment(info_hash)}/location",
            params={"server_id": server_id},
            json={"path": path},
        )

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
        self,
        action: str,
        torrents: Iterable[Mapping[str, Any]],
        delete_data: bool = False,
        labels: Optional[Sequence[str]] = None,
        path: Optional[str] = None,
    ) -> JSON:
        """One action (``"start"``, ``"stop"``, ``"recheck"``, ``"reannounce"``,
        ``"remove"``, ``"add_labels"``, ``"remove_labels"`` or ``"move"``) on many
        torrents, on any servers, in one request. ``labels`` are what the label
        actions add or remove; ``path`` is where ``"move"`` moves the data.

        ``torrents`` are mappings with ``server_id`` and ``info_hash`` (the dicts
        :meth:`list_torrents` returns will do). Answers
        ``{success_count, failure_count, results: [{server_id, info_hash, success, message}]}``:
        one torrent failing does not stop the others.
        """
        body: JSON = {
            "action": action,
            "torrents": [
                {"server_id": t["server_id"], "info_hash": t["info_hash"]} for t in torrents
            ],
            "delete_data": delete_data,
        }
        if labels is not None:
            body["labels"] = list(labels)
        if path is not None:
            body["path"] = path
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



def _save_path_field(save_path: Optional[str]) -> Optional[Dict[str, str]]:
    """The upload form's optional ``save_path`` text field."""
    return None if save_path is None else {"save_path": save_path}


def _torrent_part(path: str, handle: BinaryIO) -> Tuple[str, BinaryIO, str]:
    return (os.path.basename(path), handle, "application/x-bittorrent")
