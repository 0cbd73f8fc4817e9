"""Placement on add: the ordered rules that decide where
``add_torrent(..., server_id="auto")`` puts a new torrent."""

from __future__ import annotations

from typing import List, Sequence

from ._transport import JSON, Transport


class Placement(Transport):
    """Your placement rules: ``[{name, match, target}]``, the first that matches decides."""

    def get_placement(self) -> List[JSON]:
        """Your placement rules, in order. Each is ``{name, match: {labels?,
        category?, tracker?, min_size?, max_size?, client?}, target}``, the
        target ``{server_id}`` or ``{strategy, server_ids}`` (``most_free_space``,
        ``fewest_active`` or ``round_robin``; no ``server_ids``: all your servers)."""
        return self._request("GET", "/placement")["rules"]

    def set_placement(self, rules: Sequence[JSON]) -> List[JSON]:
        """Replaces your placement rules and returns them as stored::

            client.set_placement([
                {"name": "tv", "match": {"labels": ["tv"]}, "target": {"server_id": box["id"]}},
                {"name": "rest", "target": {"strategy": "most_free_space"}},
            ])

        An unknown field, or a server that is not yours, raises an error (422).
        """
        return self._request("PUT", "/placement", json={"rules": list(rules)})["rules"]
