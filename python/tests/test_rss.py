"""RSS feeds through the client: a feed served on loopback whose items point
at .torrent files beside it; the filter takes one of two onto a real
Transmission; conditional refreshes, previews, edits, items and errors."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator, Tuple

import pytest

from torrent_files import make_torrent
from torrent_manager import TorrentManagerClient, TorrentManagerError


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def feed_dir(tmp_path: Path) -> Iterator[Tuple[Path, str]]:
    """A folder served over HTTP on loopback (Last-Modified, 304s); yields it
    and its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield tmp_path, f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()


def write_feed(directory: Path, base: str, titles: list) -> dict:
    """Writes ``feed.xml`` with one item per title, each pointing at its own
    real .torrent; returns the info hash of each title."""
    hashes, items = {}, []
    for title in titles:
        _, hashes[title] = make_torrent(directory, title)
        items.append(
            f"<item><title>{title}</title><guid>{title}</guid>"
            f'<enclosure url="{base}{title}.torrent" length="40000" '
            'type="application/x-bittorrent"/></item>'
        )
    (directory / "feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        + "".join(items)
        + "</channel></rss>"
    )
    return hashes


def test_a_feed_adds_what_its_filter_takes(
    client: TorrentManagerClient, server_id: str, feed_dir
) -> None:
    directory, base = feed_dir
    hashes = write_feed(directory, base, ["Show.Name.S01E01.720p", "Some.Movie.2023.1080p"])
    feed = client.create_rss_feed(
        "tv", f"{base}feed.xml", server_id,
        include=r"(?i)^show\.", labels=["py"], start=False,
    )
    assert feed["filter"]["include"] == r"(?i)^show\."
    assert feed["server_name"] == "seedbox"
    assert [f["id"] for f in client.list_rss_feeds()] == [feed["id"]]

    refreshed = client.refresh_rss_feed(feed["id"])
    assert (refreshed["new_items"], refreshed["added"]) == (2, 1)
    items = {i["title"]: i for i in client.list_rss_items(feed_id=feed["id"])}
    taken = items["Show.Name.S01E01.720p"]
    assert (taken["status"], taken["info_hash"]) == ("downloaded", hashes["Show.Name.S01E01.720p"])
    assert items["Some.Movie.2023.1080p"]["status"] == "rejected"
    assert "include" in items["Some.Movie.2023.1080p"]["reason"]
    torrent = client.get_torrent(taken["info_hash"])
    assert torrent["labels"] == ["py"]
    assert [i["title"] for i in client.list_rss_items(status="downloaded")] == [
        "Show.Name.S01E01.720p"
    ]

    # The server sends Last-Modified; the next fetch is conditional.
    again = client.refresh_rss_feed(feed["id"])
    assert (again["not_modified"], again["new_items"], again["added"]) == (True, 0, 0)

    preview = client.preview_rss_feed(feed["id"], include="Movie")
    assert preview["taken"] == 1
    assert [i["title"] for i in preview["items"] if i["take"]] == ["Some.Movie.2023.1080p"]
    assert client.preview_rss_feed(feed["id"])["taken"] == 1

    edited = client.update_rss_feed(feed["id"], exclude="(?i)cam", enabled=False)
    assert (edited["enabled"], edited["filter"]["include"], edited["filter"]["exclude"]) == (
        False, r"(?i)^show\.", "(?i)cam",
    )
    with pytest.raises(TorrentManagerError) as bad:
        client.update_rss_feed(feed["id"], include="(")
    assert bad.value.status_code == 422
    assert "filter.include" in str(bad.value)
    with pytest.raises(TypeError):
        client.create_rss_feed("x", f"{base}feed.xml", server_id, colour="red")

    assert client.delete_rss_feed(feed["id"]) == {"message": "RSS feed deleted"}
    with pytest.raises(TorrentManagerError) as gone:
        client.get_rss_feed(feed["id"])
    assert (gone.value.status_code, gone.value.code) == (404, "rss_feed_not_found")
    assert client.list_rss_items(feed_id=None) == []
