"""Automation rules: conditions over your torrents and the actions run on
those that match, in the background on each rule's interval and on demand."""

from __future__ import annotations

from typing import Any, List, Optional, Sequence

from ._transport import JSON, Transport, _segment

# The fields of ``POST /rules`` and ``PUT /rules/{id}``: a stored rule's other
# fields (id, created_at, updated_at) are the server's.
RULE_FIELDS = (
    "name",
    "enabled",
    "server_ids",
    "conditions",
    "actions",
    "interval_seconds",
    "max_removals_per_run",
)


def _path(rule_id: str, *rest: str) -> str:
    return "/".join(["/rules", _segment(rule_id), *rest])


class Rules(Transport):
    """``/rules``: automation rules, their dry runs, runs and history."""

    def list_rules(self) -> List[JSON]:
        """Your rules: ``[{id, name, enabled, server_ids, conditions, actions,
        interval_seconds, max_removals_per_run, created_at, updated_at}]``."""
        return self._request("GET", "/rules")["rules"]

    def get_rule(self, rule_id: str) -> JSON:
        return self._request("GET", _path(rule_id))

    def create_rule(
        self,
        name: str,
        conditions: JSON,
        actions: Sequence[JSON],
        server_ids: Optional[Sequence[str]] = None,
        enabled: bool = True,
        interval_seconds: int = 300,
        max_removals_per_run: Optional[int] = None,
    ) -> JSON:
        """Creates a rule and returns it; while enabled it runs every
        ``interval_seconds``. ``server_ids`` ``None`` (or empty): all your
        servers, present and future; ``max_removals_per_run`` ``None``: the
        server's default cap::

            client.create_rule(
                "stop seeded",
                {"all": [{"field": "progress", "op": "ge", "value": 100},
                         {"field": "ratio", "op": "ge", "value": 2}]},
                [{"type": "stop"}],
            )

        A recipe's ``rule`` is ready as it is:
        ``client.create_rule(**client.rule_recipes()[0]["rule"])``.
        """
        return self._request(
            "POST",
            "/rules",
            json={
                "name": name,
                "enabled": enabled,
                "server_ids": list(server_ids or []),
                "conditions": conditions,
                "actions": list(actions),
                "interval_seconds": interval_seconds,
                "max_removals_per_run": max_removals_per_run,
            },
        )

    def update_rule(self, rule_id: str, **fields: Any) -> JSON:
        """Changes the ``fields`` given (those of :meth:`create_rule`) and
        returns the rule; the others keep their stored values::

            client.update_rule(rule_id, enabled=False)

        The server replaces a rule as a whole, so this reads it first and
        sends it back changed: a change made by someone else in between is
        overwritten.
        """
        unknown = sorted(set(fields) - set(RULE_FIELDS))
        if unknown:
            raise TypeError(f"update_rule() got unknown rule fields: {', '.join(unknown)}")
        stored = self.get_rule(rule_id)
        rule = {key: stored[key] for key in RULE_FIELDS}
        rule.update(fields)
        return self._request("PUT", _path(rule_id), json=rule)

    def delete_rule(self, rule_id: str) -> JSON:
        """Deletes the rule and its history: ``{message}``."""
        return self._request("DELETE", _path(rule_id))

    def preview_rule(self, rule_id: str) -> JSON:
        """What a run would do now, changing nothing: ``{matches: [{server_id,
        info_hash, name, actions}], total}`` (the first 1,000 matches; actions
        the rule already did to a torrent are left out)."""
        return self._request("POST", _path(rule_id, "preview"))

    def run_rule(self, rule_id: str) -> JSON:
        """Runs the rule once now (even when disabled): ``{matched, actions:
        [{server_id, info_hash, action, at, outcome, message}]}``, ``outcome``
        being ``done``, ``failed`` or ``cap_reached``. Raises with status 409
        while the rule is already running."""
        return self._request("POST", _path(rule_id, "run"))

    def rule_history(
        self, rule_id: str, limit: Optional[int] = None, offset: Optional[int] = None
    ) -> JSON:
        """One page of what the rule did, failed to do or held back, newest
        first: ``{entries, total}`` (entries as in :meth:`run_rule`;
        ``limit`` 1–500, default 100)."""
        return self._request(
            "GET", _path(rule_id, "history"), params={"limit": limit, "offset": offset}
        )

    def rule_recipes(self) -> List[JSON]:
        """The built-in rules: ``[{id, title, description, rule}]``, each
        ``rule`` ready for :meth:`create_rule` (adjust its values first)."""
        return self._request("GET", "/rules/recipes")["recipes"]
