"""Webhooks through the client: a receiver on loopback gets a signed
``torrent.added`` when a torrent is added to a real Transmission; test
deliveries, the delivery log and its pages."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator, List, Tuple

import pytest

from clients import wait_for
from torrent_files import make_torrent
from torrent_manager import TorrentManagerClient, TorrentManagerError

Hit = Tuple[dict, bytes]


@pytest.fixture
def receiver() -> Iterator[Tuple[str, List[Hit]]]:
    """A webhook receiver on loopback; yields its URL and what it got."""
    hits: List[Hit] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the http.server API)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            hits.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/hook", hits
    finally:
        httpd.shutdown()


def verified(headers: dict, body: bytes, secret: str) -> bool:
    """The README's check: the signature is the HMAC-SHA256 of the raw body."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers.get("x-tm-signature", ""))


def test_a_signed_event_reaches_the_receiver(
    client: TorrentManagerClient, server_id: str, receiver, tmp_path
) -> None:
    url, hits = receiver
    assert "torrent.completed" in client.webhook_events()
    hook = client.create_webhook(url, events=["torrent.added", "webhook.test"])
    secret = hook["secret"]
    assert len(secret) == 64
    assert "secret" not in client.get_webhook(hook["id"])
    assert [h["id"] for h in client.list_webhooks()] == [hook["id"]]

    path, info_hash = make_torrent(tmp_path, "hooked.bin")
    client.upload_torrent(path, server_id=server_id, start=False)
    wait_for(lambda: any(h["x-tm-event"] == "torrent.added" for h, _ in hits))
    headers, body = next((h, b) for h, b in hits if h["x-tm-event"] == "torrent.added")
    assert verified(headers, body, secret)
    assert not verified(headers, body, "another secret")
    payload = json.loads(body)
    assert payload["torrent"]["info_hash"] == info_hash
    assert payload["server"]["id"] == server_id

    delivery = client.test_webhook(hook["id"])
    assert (delivery["ok"], delivery["status_code"], delivery["event"]) == (True, 204, "webhook.test")
    page = client.webhook_deliveries(hook["id"], limit=1)
    assert page["deliveries"] == [delivery]
    older = client.webhook_deliveries(hook["id"], limit=1, before=page["next_before"])
    assert older["deliveries"][0]["event"] == "torrent.added"
    assert older["deliveries"][0]["event_id"] == payload["id"]

    client.delete_webhook(hook["id"])
    assert client.list_webhooks() == []
    with pytest.raises(TorrentManagerError) as error:
        client.get_webhook(hook["id"])
    assert error.value.status_code == 404


def test_bad_webhooks_are_refused(client: TorrentManagerClient) -> None:
    with pytest.raises(TorrentManagerError) as error:
        client.create_webhook("http://127.0.0.1:9/hook", events=["torrent.exploded"])
    assert error.value.status_code == 422
    assert "unknown event" in error.value.detail
    hook = client.create_webhook("http://127.0.0.1:9/hook", secret="mine", enabled=False)
    assert (hook["secret"], hook["enabled"], hook["events"]) == ("mine", False, [])
