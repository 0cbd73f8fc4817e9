"""A torrent's seeding goals, speed limits and bandwidth priority."""

from __future__ import annotations

from typing import Any, Optional

from ._transport import CLEAR, JSON, Transport, _segment

#: Fields of ``set_torrent_settings`` that go into ``seeding``.
_SEEDING_FIELDS = ("ratio", "seeding_time", "inactive_time", "action")
#: Fields sent as they are.
_TOP_FIELDS = ("download_limit", "upload_limit", "priority")


def settings_changes(fields: dict[str, Any]) -> JSON:
    """The ``PUT`` body for ``fields``: the goals go into ``seeding``; a
    field given as ``None`` or :data:`CLEAR` sends ``null`` (clears it)."""
    body: JSON = {}
    for key, value in fields.items():
        value = None if value is CLEAR else value
        if key in _SEEDING_FIELDS:
            body.setdefault("seeding", {})[key] = value
        elif key in _TOP_FIELDS:
            body[key] = value
        else:
            known = ", ".join(_SEEDING_FIELDS + _TOP_FIELDS)
            raise TypeError(f"unknown torrent setting {key!r} (known: {known})")
    return body


class TorrentSettings(Transport):
    """``GET/PUT /torrents/{info_hash}/settings``."""

    def get_torrent_settings(self, info_hash: str, server_id: Optional[str] = None) -> JSON:
        """``{info_hash, server_id, seeding: {ratio, seeding_time,
        inactive_time, action}, download_limit, upload_limit, priority,
        capabilities: {speed_limits, priority, native_seeding_goals}}``:
        limits (bytes/s) and priority as the client reports them, goals
        (times in seconds) as the manager keeps them; ``None`` is none."""
        return self._request(
            "GET",
            f"/torrents/{_segment(info_hash)}/settings",
            params={"server_id": server_id},
        )

    def set_torrent_settings(
        self, info_hash: str, server_id: Optional[str] = None, **fields: Any
    ) -> JSON:
        """Changes the given settings and answers them all, e.g.
        ``set_torrent_settings(h, sid, ratio=2, upload_limit=500_000,
        priority="high", seeding_time=None)``. Fields: ``ratio``,
        ``seeding_time``, ``inactive_time`` (seconds), ``action``
        (``"stop"``, ``"remove"`` or ``"remove_with_data"``: what reaching a
        goal does), ``download_limit``, ``upload_limit`` (bytes/s),
        ``priority`` (``"low"``, ``"normal"``, ``"high"``); ``None`` or
        :data:`CLEAR` clears one (no goal, unlimited, normal priority).
        A limit or priority the client cannot hold raises
        :class:`~torrent_manager.errors.TorrentManagerError` (422,
        ``client_unsupported``)."""
        return self._request(
            "PUT",
            f"/torrents/{_segment(info_hash)}/settings",
            params={"server_id": server_id},
            json=settings_changes(fields),
        )
