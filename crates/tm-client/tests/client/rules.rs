//! Automation rules through a real transmission-daemon: a rule made from a
//! recipe, previewed, run, recorded, changed and deleted.

use std::time::Duration;

use serde_json::json;
use tm_client::{
    Error, RuleCondition, RuleHistoryQuery, RuleRequest, TorrentState, TorrentUpload, UploadOptions,
};
use tm_testkit::{ClientUnderTest, TestTorrent};

use crate::harness::{TestServer, register, wait_until};

/// Nothing listens there; Transmission wants a tracker all the same.
const TRACKER: &str = "http://127.0.0.1:1/announce";

/// Sets the ratio every `ratio` comparison of `condition` asks for.
fn set_ratio_goal(condition: &mut RuleCondition, ratio: f64) {
    match condition {
        RuleCondition::All { all: nodes } | RuleCondition::Any { any: nodes } => {
            nodes.iter_mut().for_each(|n| set_ratio_goal(n, ratio))
        }
        RuleCondition::Not { not } => set_ratio_goal(not, ratio),
        RuleCondition::Compare(comparison) if comparison.field == "ratio" => {
            comparison.value = json!(ratio)
        }
        RuleCondition::Compare(_) => {}
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recipe_rule_previews_runs_records_and_goes() {
    let Some(transmission) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    let server = TestServer::start().await;
    let alice = server.user("alice").await;
    let server_id = register(&alice, "box", &transmission).await;

    // One torrent seeding (its data in the download directory), one with no data.
    let scratch = tempfile::tempdir().unwrap();
    let seeded = TestTorrent::single_file(
        &transmission.download_dir,
        "seeded.bin",
        40_000,
        Some(TRACKER),
    )
    .unwrap();
    let empty =
        TestTorrent::single_file(scratch.path(), "empty.bin", 40_000, Some(TRACKER)).unwrap();
    for (torrent, start) in [(&seeded, true), (&empty, false)] {
        let options = UploadOptions {
            server_id: Some(server_id.clone()),
            start,
            ..Default::default()
        };
        let upload = TorrentUpload {
            filename: "t.torrent".into(),
            bytes: torrent.bytes.clone(),
        };
        alice.upload_torrent(upload, &options).await.unwrap();
    }
    wait_until(Duration::from_secs(30), || async {
        let t = alice.get_torrent(&seeded.info_hash, None).await.ok()?;
        (t.complete && t.state == TorrentState::Seeding).then_some(())
    })
    .await
    .expect("the torrent seeds");

    // The recipe with a ratio goal of 0: every complete torrent has reached it.
    let recipes = alice.rule_recipes().await.unwrap();
    let recipe = recipes
        .iter()
        .find(|r| r.id == "stop_at_seeding_goal")
        .expect("the recipe is offered");
    let mut request = RuleRequest {
        enabled: false,
        server_ids: vec![server_id.clone()],
        ..recipe.rule.clone()
    };
    set_ratio_goal(&mut request.conditions, 0.0);
    let rule = alice.create_rule(&request).await.unwrap();
    assert_eq!(rule.name, recipe.rule.name);
    assert_eq!(rule.conditions, request.conditions);
    assert_eq!(alice.rules().await.unwrap(), vec![rule.clone()]);
    assert_eq!(alice.rule(&rule.id).await.unwrap(), rule);

    // The preview names the seeding torrent only, and changes nothing.
    let preview = alice.preview_rule(&rule.id).await.unwrap();
    assert_eq!(preview.total, 1, "{preview:?}");
    assert_eq!(preview.matches[0].info_hash, seeded.info_hash);
    assert_eq!(preview.matches[0].server_id, server_id);
    assert_eq!(preview.matches[0].actions, ["stop"]);
    let still = alice.get_torrent(&seeded.info_hash, None).await.unwrap();
    assert_eq!(still.state, TorrentState::Seeding);

    let run = alice.run_rule(&rule.id).await.unwrap();
    assert_eq!(run.matched, 1);
    assert_eq!(run.actions.len(), 1, "{run:?}");
    assert_eq!(
        (
            run.actions[0].action.as_str(),
            run.actions[0].outcome.as_str()
        ),
        ("stop", "done"),
        "{run:?}"
    );
    wait_until(Duration::from_secs(20), || async {
        let t = alice.get_torrent(&seeded.info_hash, None).await.ok()?;
        (t.state == TorrentState::Paused).then_some(())
    })
    .await
    .expect("the rule stopped the torrent");
    let untouched = alice.get_torrent(&empty.info_hash, None).await.unwrap();
    assert_eq!(untouched.progress, 0.0);

    let history = alice
        .rule_history(&rule.id, &RuleHistoryQuery::default())
        .await
        .unwrap();
    assert_eq!(history.total, 1);
    assert_eq!(history.entries, run.actions);
    let skipped = RuleHistoryQuery {
        limit: Some(1),
        offset: Some(1),
    };
    let past_the_end = alice.rule_history(&rule.id, &skipped).await.unwrap();
    assert_eq!((past_the_end.entries.len(), past_the_end.total), (0, 1));
    // Done once: the torrent still matches, with nothing left to do.
    let again = alice.preview_rule(&rule.id).await.unwrap();
    assert_eq!(again.total, 1);
    assert!(again.matches[0].actions.is_empty(), "{again:?}");

    // A PUT replaces the whole rule.
    let renamed = RuleRequest {
        name: "stop seeded".into(),
        interval_seconds: 3600,
        ..request.clone()
    };
    let updated = alice.update_rule(&rule.id, &renamed).await.unwrap();
    assert_eq!(
        (updated.name.as_str(), updated.interval_seconds),
        ("stop seeded", 3600)
    );
    assert_eq!(updated.created_at, rule.created_at);
    let mut misspelt = renamed.clone();
    misspelt.conditions =
        serde_json::from_value(json!({"field": "ratoi", "op": "ge", "value": 1})).unwrap();
    let refused = alice.update_rule(&rule.id, &misspelt).await;
    assert!(
        matches!(&refused, Err(Error::Invalid(detail)) if detail.contains("ratoi")),
        "{refused:?}"
    );

    alice.delete_rule(&rule.id).await.unwrap();
    assert!(matches!(
        alice.rule(&rule.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        alice.run_rule(&rule.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(alice.rules().await.unwrap().is_empty());
}
