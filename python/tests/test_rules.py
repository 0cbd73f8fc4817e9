"""Automation rules through the client on a real Transmission: a rule made
from a recipe is previewed, run, recorded, changed and deleted; mistakes come
back as the server's 422."""

from __future__ import annotations

import pytest

from clients import wait_for
from torrent_files import make_torrent
from torrent_manager import TorrentManagerError


def with_ratio_goal(condition: dict, ratio: float) -> dict:
    """``condition`` with every ``ratio`` comparison asking for ``ratio``."""
    if "all" in condition or "any" in condition:
        group = "all" if "all" in condition else "any"
        return {group: [with_ratio_goal(c, ratio) for c in condition[group]]}
    if "not" in condition:
        return {"not": with_ratio_goal(condition["not"], ratio)}
    if condition["field"] == "ratio":
        return {**condition, "value": ratio}
    return condition


def test_a_recipe_rule_previews_runs_records_and_goes(
    client, server_id, transmission, tmp_path
) -> None:
    seeded_path, seeded = make_torrent(transmission.download_dir, "py-seeded.bin")
    empty_path, empty = make_torrent(tmp_path, "py-empty.bin")
    client.upload_torrent(str(seeded_path), server_id, start=True)
    client.upload_torrent(str(empty_path), server_id, start=False)
    wait_for(
        lambda: client.get_torrent(seeded)["state"] == "seeding", what="the torrent to seed"
    )

    recipe = next(r for r in client.rule_recipes() if r["id"] == "stop_at_seeding_goal")
    # A ratio goal of 0: every complete torrent has reached it.
    rule = client.create_rule(
        **{
            **recipe["rule"],
            "conditions": with_ratio_goal(recipe["rule"]["conditions"], 0),
            "server_ids": [server_id],
            "enabled": False,
        }
    )
    assert rule["name"] == recipe["rule"]["name"]
    assert rule["enabled"] is False
    assert client.list_rules() == [rule]
    assert client.get_rule(rule["id"]) == rule

    preview = client.preview_rule(rule["id"])
    assert preview["total"] == 1
    assert [(m["info_hash"], m["actions"]) for m in preview["matches"]] == [(seeded, ["stop"])]
    assert client.get_torrent(seeded)["state"] == "seeding"

    run = client.run_rule(rule["id"])
    assert run["matched"] == 1
    assert [(a["info_hash"], a["action"], a["outcome"]) for a in run["actions"]] == [
        (seeded, "stop", "done")
    ]
    wait_for(lambda: client.get_torrent(seeded)["state"] == "paused", what="the stop")
    assert client.get_torrent(empty)["progress"] == 0

    history = client.rule_history(rule["id"])
    assert history == {"entries": run["actions"], "total": 1}
    assert client.rule_history(rule["id"], limit=1, offset=1) == {"entries": [], "total": 1}

    # Only the fields given change; the rest is sent back as stored.
    updated = client.update_rule(rule["id"], name="stop seeded", interval_seconds=3600)
    assert (updated["name"], updated["interval_seconds"]) == ("stop seeded", 3600)
    assert updated["conditions"] == rule["conditions"]
    assert updated["server_ids"] == [server_id]
    assert updated["enabled"] is False
    with pytest.raises(TypeError):
        client.update_rule(rule["id"], nmae="typo")

    client.delete_rule(rule["id"])
    with pytest.raises(TorrentManagerError) as missing:
        client.get_rule(rule["id"])
    assert missing.value.status_code == 404
    assert client.list_rules() == []


def test_a_misspelt_condition_is_refused_with_the_servers_reason(client) -> None:
    with pytest.raises(TorrentManagerError) as refused:
        client.create_rule(
            "typo", {"field": "ratoi", "op": "ge", "value": 2}, [{"type": "stop"}]
        )
    assert refused.value.status_code == 422
    assert "unknown condition field 'ratoi'" in refused.value.detail
    assert client.list_rules() == []
