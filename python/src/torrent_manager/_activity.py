"""The activity log: who changed which torrent, server or account, when, and
how it went."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional, Union

from ._transport import JSON, Transport

Moment = Union[datetime, str]


def _rfc3339(moment: Optional[Moment]) -> Optional[str]:
    """A datetime (naive ones are UTC) as RFC 3339; text is sent as it is."""
    if moment is None or isinstance(moment, str):
        return moment
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


class Activity(Transport):
    """``GET /activity``."""

    def activity(
        self,
        server_id: Optional[str] = None,
        info_hash: Optional[str] = None,
        rule_id: Optional[str] = None,
        actor: Optional[str] = None,
        actor_kind: Optional[str] = None,
        scope: Optional[str] = None,
        search: Optional[str] = None,
        since: Optional[Moment] = None,
        until: Optional[Moment] = None,
        limit: Optional[int] = None,
        offset: Optional[int] = None,
    ) -> JSON:
        """One page of the activity log, newest first: ``{items, total}``.

        Each item is ``{id, at, scope, action, actor: {kind, name, user_id,
        detail}, owner_id, server_id, server_name, info_hash, torrent_name,
        success, message}``. ``actor_kind`` is ``web``, ``api_key``,
        ``facade``, ``rule`` or ``system``; ``scope`` ``torrent``, ``server``
        or ``account``; ``since``/``until`` datetimes (naive ones are UTC) or
        RFC 3339 text; ``None`` leaves a filter out::

            week = datetime.now(timezone.utc) - timedelta(days=7)
            for entry in client.activity(actor="nightly-script", since=week)["items"]:
                print(entry["at"], entry["action"], entry["message"])
        """
        return self._request(
            "GET",
            "/activity",
            params={
                "server_id": server_id,
                "info_hash": info_hash,
                "rule_id": rule_id,
                "actor": actor,
                "actor_kind": actor_kind,
                "scope": scope,
                "search": search,
                "since": _rfc3339(since),
                "until": _rfc3339(until),
                "limit": limit,
                "offset": offset,
            },
        )
