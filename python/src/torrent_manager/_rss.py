"""RSS feeds: RSS 2.0 and Atom feeds polled on each feed's interval; the items
a feed's filter takes are added to its server, as ``POST /torrents`` would."""

from __future__ import annotations

from typing import Any, List, Optional

from ._transport import JSON, Transport, _segment

# A feed's filter fields: keyword arguments of create_rss_feed and
# update_rss_feed that go into ``filter``.
FILTER_FIELDS = (
    "include",
    "exclude",
    "min_size",
    "max_size",
    "smart_episodes",
    "labels",
    "start",
)
# The feed's own fields update_rss_feed sends as they are.
FEED_FIELDS = ("name", "url", "server_id", "delay_hours", "enabled", "interval_minutes")


def _path(feed_id: str, *rest: str) -> str:
    return "/".join(["/rss/feeds", _segment(feed_id), *rest])


def _filter_of(fields: dict, caller: str) -> JSON:
    unknown = sorted(set(fields) - set(FILTER_FIELDS))
    if unknown:
        raise TypeError(f"{caller}() got unknown filter fields: {', '.join(unknown)}")
    return dict(fields)


class Rss(Transport):
    """``/rss``: feeds, their items, refreshes and filter previews."""

    def list_rss_feeds(self) -> List[JSON]:
        """Your feeds, newest first: ``[{id, name, url, server_id, server_name,
        delay_hours, enabled, interval_minutes, filter, created_at,
        last_checked_at, last_success_at, last_error, last_item_count,
        item_counts}]``."""
        return self._request("GET", "/rss/feeds")

    def get_rss_feed(self, feed_id: str) -> JSON:
        return self._request("GET", _path(feed_id))

    def create_rss_feed(
        self,
        name: str,
        url: str,
        server_id: str,
        delay_hours: int = 0,
        enabled: bool = True,
        interval_minutes: int = 15,
        **filter: Any,
    ) -> JSON:
        """Adds a feed and returns it. ``server_id`` is one of your servers or
        ``"auto"`` (placement); ``delay_hours``: how long an item waits after
        it is first seen. The filter is given as keywords — ``include`` and
        ``exclude`` (regexes on the title), ``min_size``/``max_size``
        (bytes), ``smart_episodes`` (each episode once), ``labels``,
        ``start`` (False: add paused)::

            client.create_rss_feed("tv", "https://tracker.example/rss", "auto",
                                   include=r"(?i)^show\\.name\\.", smart_episodes=True)

        Items already in the feed are added only when the filter takes them.
        """
        return self._request(
            "POST",
            "/rss/feeds",
            json={
                "name": name,
                "url": url,
                "server_id": server_id,
                "delay_hours": delay_hours,
                "enabled": enabled,
                "interval_minutes": interval_minutes,
                "filter": _filter_of(filter, "create_rss_feed"),
            },
        )

    def update_rss_feed(self, feed_id: str, **fields: Any) -> JSON:
        """Changes the fields given (those of :meth:`create_rss_feed`) and
        returns the feed. ``filter=`` replaces the whole filter; filter
        keywords change those filter fields only, the rest is kept::

            client.update_rss_feed(feed_id, enabled=False)
            client.update_rss_feed(feed_id, exclude="(?i)cam", labels=["tv"])
        """
        body = {k: v for k, v in fields.items() if k in FEED_FIELDS or k == "filter"}
        changed = {k: v for k, v in fields.items() if k not in body}
        if changed:
            base = body.get("filter") or self.get_rss_feed(feed_id)["filter"]
            body["filter"] = {**base, **_filter_of(changed, "update_rss_feed")}
        return self._request("PUT", _path(feed_id), json=body)

    def delete_rss_feed(self, feed_id: str) -> JSON:
        """Deletes the feed and its items (the torrents it added stay):
        ``{message}``."""
        return self._request("DELETE", _path(feed_id))

    def refresh_rss_feed(self, feed_id: str) -> JSON:
        """Fetches the feed now and adds its items that are due: ``{message,
        new_items, not_modified, added, feed}``. A feed that cannot be fetched
        raises (and the error is the feed's ``last_error``)."""
        return self._request("POST", _path(feed_id, "refresh"))

    def preview_rss_feed(self, feed_id: str, **filter: Any) -> JSON:
        """Which of the feed's stored items a filter would take, changing
        nothing: ``{items: [{item_id, title, uri, size, status, take, reason}],
        taken}``. Without keywords, the feed's own filter; with filter
        keywords (as :meth:`create_rss_feed`), that filter alone."""
        body = {"filter": _filter_of(filter, "preview_rss_feed")} if filter else {}
        return self._request("POST", _path(feed_id, "preview"), json=body)

    def list_rss_items(
        self,
        feed_id: Optional[str] = None,
        status: Optional[str] = None,
        limit: int = 100,
    ) -> List[JSON]:
        """Your feeds' items, newest first: ``[{id, feed_id, title, guid, link,
        uri, size, published_at, status, reason, info_hash, server_id,
        detected_at, next_attempt_at, added_at, last_error, attempt_count}]``;
        ``status`` one of ``new``, ``matched``, ``downloaded``, ``rejected``,
        ``failed``; ``limit`` 1–500."""
        return self._request(
            "GET",
            "/rss/items",
            params={"feed_id": feed_id, "status": status, "limit": limit},
        )
