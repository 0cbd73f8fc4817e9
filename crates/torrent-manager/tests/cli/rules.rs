//! `rules`: rules made from a recipe and from JSON, previewed, run against a
//! real Transmission, recorded, switched, replaced and removed.

use std::time::Duration;

use serde_json::{Value, json};
use tm_testkit::TestTorrent;

use crate::harness::{TestEnv, find, wait_until};

/// Nothing listens there; Transmission wants a tracker all the same.
const TRACKER: &str = "http://127.0.0.1:1/announce";

fn words(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// `condition` with every `ratio` comparison asking for `ratio`.
fn with_ratio_goal(condition: &Value, ratio: Value) -> Value {
    match condition {
        Value::Object(node) if node.get("field") == Some(&json!("ratio")) => {
            let mut node = node.clone();
            node.insert("value".into(), ratio);
            Value::Object(node)
        }
        Value::Object(node) => Value::Object(
            node.iter()
                .map(|(key, child)| (key.clone(), with_ratio_goal(child, ratio.clone())))
                .collect(),
        ),
        Value::Array(nodes) => Value::Array(
            nodes
                .iter()
                .map(|child| with_ratio_goal(child, ratio.clone()))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_from_recipes_and_files_preview_run_and_go() {
    let Some((daemon, env)) = TestEnv::with_default_box().await else {
        return;
    };
    let box_id = env
        .run(&["servers", "show", "box", "-o", "json"])
        .await
        .ok()
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // One torrent seeding (its data in the download directory), one with no data.
    let scratch = tempfile::tempdir().unwrap();
    let seeded =
        TestTorrent::single_file(&daemon.download_dir, "seeded.bin", 40_000, Some(TRACKER))
            .unwrap();
    let empty =
        TestTorrent::single_file(scratch.path(), "empty.bin", 40_000, Some(TRACKER)).unwrap();
    for (torrent, flags) in [(&seeded, &[][..]), (&empty, &["--paused"][..])] {
        let path = scratch
            .path()
            .join(format!("{}.torrent", torrent.info_hash));
        std::fs::write(&path, &torrent.bytes).unwrap();
        env.run(&[&["torrents", "add", path.to_str().unwrap()][..], flags].concat())
            .await
            .ok();
    }
    wait_until(Duration::from_secs(30), || async {
        let list = env.listing(&[]).await;
        (find(&list, &seeded.info_hash)?["state"] == "seeding").then_some(())
    })
    .await
    .expect("the torrent seeds");

    let none = env.run(&["rules"]).await.ok();
    assert!(none.stdout.contains("No rules"), "{none:?}");
    let recipes = env.run(&["rules", "recipes"]).await.ok();
    assert_eq!(
        words(recipes.stdout.lines().next().unwrap()),
        ["RECIPE", "WHAT", "IT", "DOES"]
    );
    for id in [
        "stop_at_seeding_goal",
        "remove_at_seeding_goal",
        "remove_unregistered",
    ] {
        assert!(recipes.stdout.contains(id), "{recipes:?}");
    }

    // A recipe as it is, on one server, held back.
    let unregistered = env
        .run(&[
            "rules",
            "add",
            "--recipe",
            "remove_unregistered",
            "--name",
            "drop unregistered",
            "--server",
            "box",
            "--disabled",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(unregistered["name"], "drop unregistered");
    assert_eq!(unregistered["server_ids"], json!([box_id]));
    assert_eq!(unregistered["enabled"], false);
    assert_eq!(unregistered["actions"], json!([{"type": "remove"}]));
    let unknown = env
        .run(&["rules", "add", "--recipe", "tidy_up"])
        .await
        .failed_with(1);
    assert!(
        unknown.stderr.contains("no recipe 'tidy_up'"),
        "{unknown:?}"
    );
    env.run(&["rules", "add"]).await.failed_with(2);
    env.run(&["rules", "add", "--name", "x"])
        .await
        .failed_with(2);

    // A recipe's rule with its ratio goal set to 0, from standard input.
    let all = env
        .run(&["rules", "recipes", "-o", "json"])
        .await
        .ok()
        .json();
    let recipe = all
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "stop_at_seeding_goal")
        .unwrap();
    let mut rule = recipe["rule"].clone();
    rule["conditions"] = with_ratio_goal(&rule["conditions"], json!(0));
    rule["name"] = json!("stop seeded");
    let added = env
        .run_with_input(
            &["rules", "add", "--file", "-", "--disabled"],
            &rule.to_string(),
        )
        .await
        .ok();
    assert!(
        added.stdout.starts_with("Added the rule stop seeded ("),
        "{added:?}"
    );
    assert!(added.stdout.contains("disabled"), "{added:?}");

    let listed = env.run(&["rules", "list"]).await.ok();
    let lines: Vec<&str> = listed.stdout.lines().collect();
    assert_eq!(
        words(lines[0]),
        ["ID", "NAME", "ENABLED", "EVERY", "SERVERS", "ACTIONS"]
    );
    assert_eq!(lines.len(), 3, "{listed:?}");
    let stop_line = lines.iter().find(|l| l.contains("stop seeded")).unwrap();
    assert_eq!(words(stop_line)[3..], ["off", "5m", "00s", "all", "stop"]);

    // By name or by ID.
    let shown = env.run(&["rules", "show", "stop seeded"]).await.ok();
    assert!(
        shown
            .stdout
            .contains("progress ge 100 and (ratio ge 0 or seeding_time ge 604800)"),
        "{shown:?}"
    );
    let stored = env
        .run(&["rules", "show", "stop seeded", "-o", "json"])
        .await
        .ok()
        .json();
    let id = stored["id"].as_str().unwrap().to_string();
    assert_eq!(words(stop_line)[0], &id[..8], "{stop_line}");
    assert_eq!(stored["conditions"], rule["conditions"]);

    let preview = env.run(&["rules", "preview", &id]).await.ok();
    let lines: Vec<&str> = preview.stdout.lines().collect();
    assert_eq!(words(lines[0]), ["SERVER", "TORRENT", "ACTIONS"]);
    assert_eq!(
        lines[1..].iter().map(|l| words(l)).collect::<Vec<_>>(),
        [["box", "seeded.bin", "stop"]]
    );
    let preview = env
        .run(&["rules", "preview", &id, "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(preview["total"], 1);
    assert_eq!(
        preview["matches"][0]["info_hash"],
        seeded.info_hash.as_str()
    );
    assert_eq!(
        find(&env.listing(&[]).await, &seeded.info_hash).unwrap()["state"],
        "seeding"
    );

    let run = env.run(&["rules", "run", &id]).await.ok();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        words(lines[0]),
        ["TIME", "SERVER", "TORRENT", "ACTION", "OUTCOME", "MESSAGE"]
    );
    assert_eq!(
        words(lines[1])[2..6],
        ["box", &seeded.info_hash[..8], "stop", "done"]
    );
    assert_eq!(lines[2], "Matched 1 torrent");
    wait_until(Duration::from_secs(20), || async {
        let list = env.listing(&[]).await;
        (find(&list, &seeded.info_hash)?["state"] == "paused").then_some(())
    })
    .await
    .expect("the rule stopped the torrent");
    assert_eq!(
        find(&env.listing(&[]).await, &empty.info_hash).unwrap()["progress"],
        0.0
    );
    // Done once: nothing left to do.
    let again = env.run(&["rules", "run", &id]).await.ok();
    assert_eq!(again.stdout, "Nothing to do.\nMatched 1 torrent\n");

    let history = env.run(&["rules", "history", "stop seeded"]).await.ok();
    let lines: Vec<&str> = history.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{history:?}");
    assert_eq!(
        words(lines[1])[2..6],
        ["box", &seeded.info_hash[..8], "stop", "done"]
    );
    let page = env
        .run(&[
            "rules", "history", &id, "--limit", "1", "--offset", "1", "-o", "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(page, json!({"entries": [], "total": 1}));

    // Switched on and off; the rest of the rule stays.
    env.run(&["rules", "enable", &id]).await.ok();
    let enabled = env
        .run(&["rules", "show", &id, "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(enabled["enabled"], true);
    assert_eq!(enabled["conditions"], rule["conditions"]);
    let disabled = env.run(&["rules", "disable", &id]).await.ok();
    assert_eq!(disabled.stdout, "The rule stop seeded is disabled\n");

    // Replaced from what `show -o json` wrote, edited.
    let mut edited = env
        .run(&["rules", "show", &id, "-o", "json"])
        .await
        .ok()
        .json();
    edited["name"] = json!("stop when seeded");
    edited["interval_seconds"] = json!(3600);
    let file = scratch.path().join("rule.json");
    std::fs::write(&file, edited.to_string()).unwrap();
    let replaced = env
        .run(&[
            "rules",
            "edit",
            &id,
            "--file",
            file.to_str().unwrap(),
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(
        (&replaced["name"], &replaced["interval_seconds"]),
        (&json!("stop when seeded"), &json!(3600))
    );
    assert_eq!(replaced["created_at"], stored["created_at"]);
    edited["conditions"] = json!({"field": "ratoi", "op": "ge", "value": 1});
    std::fs::write(&file, edited.to_string()).unwrap();
    let refused = env
        .run(&["rules", "edit", &id, "--file", file.to_str().unwrap()])
        .await
        .failed_with(1);
    assert!(
        refused.stderr.contains("unknown condition field 'ratoi'"),
        "{refused:?}"
    );
    let not_json = env
        .run_with_input(&["rules", "edit", &id, "--file", "-"], "{")
        .await
        .failed_with(1);
    assert!(
        not_json.stderr.contains("does not hold a rule"),
        "{not_json:?}"
    );

    let removed = env.run(&["rules", "rm", "stop when seeded"]).await.ok();
    assert!(removed.stdout.contains("deleted"), "{removed:?}");
    let gone = env.run(&["rules", "show", &id]).await.failed_with(1);
    assert!(
        gone.stderr.contains("no rule with the ID or name"),
        "{gone:?}"
    );
    let left = env.run(&["rules", "-o", "json"]).await.ok().json();
    assert_eq!(left.as_array().unwrap().len(), 1, "{left}");
}
