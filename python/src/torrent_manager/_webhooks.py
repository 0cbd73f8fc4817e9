"""Webhooks: lifecycle events of your torrents, servers and rules POSTed as
signed JSON to your URLs."""

from __future__ import annotations

from typing import List, Optional, Sequence

from ._transport import JSON, Transport, _segment


class Webhooks(Transport):
    """``/webhooks``."""

    def list_webhooks(self) -> List[JSON]:
        """Your webhooks: ``[{id, url, events, enabled, has_secret,
        created_at, last_delivery}]`` (secrets are never shown again)."""
        return self._request("GET", "/webhooks")

    def create_webhook(
        self,
        url: str,
        events: Optional[Sequence[str]] = None,
        secret: Optional[str] = None,
        enabled: bool = True,
    ) -> JSON:
        """Registers a webhook for ``events`` (``None`` or empty: every event;
        see :meth:`webhook_events`). The answer holds ``secret`` (generated
        when ``None``), the only time it is shown::

            hook = client.create_webhook("https://hooks.example/tm", ["torrent.completed"])
            store_somewhere(hook["id"], hook["secret"])
        """
        body = {"url": url, "events": list(events or []), "secret": secret, "enabled": enabled}
        return self._request("POST", "/webhooks", json=body)

    def get_webhook(self, webhook_id: str) -> JSON:
        return self._request("GET", f"/webhooks/{_segment(webhook_id)}")

    def delete_webhook(self, webhook_id: str) -> None:
        """Deletes the webhook and its delivery log."""
        self._request("DELETE", f"/webhooks/{_segment(webhook_id)}")

    def test_webhook(self, webhook_id: str) -> JSON:
        """Sends a ``webhook.test`` event now (one attempt) and returns the
        delivery: ``{id, webhook_id, event, event_id, at, attempt, ok,
        status_code, error, duration_ms}``."""
        return self._request("POST", f"/webhooks/{_segment(webhook_id)}/test")

    def webhook_events(self) -> List[str]:
        """The event names a webhook can subscribe to."""
        return self._request("GET", "/webhooks/events")

    def webhook_deliveries(
        self, webhook_id: str, limit: Optional[int] = None, before: Optional[str] = None
    ) -> JSON:
        """One page of the webhook's delivery attempts, newest first:
        ``{deliveries, next_before}``; pass ``next_before`` as ``before`` for
        the next page."""
        return self._request(
            "GET",
            f"/webhooks/{_segment(webhook_id)}/deliveries",
            params={"limit": limit, "before": before},
        )
