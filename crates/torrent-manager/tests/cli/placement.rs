//! `placement show|set`, `torrents add --server auto` and `--servers a,b`
//! on two real transmission-daemons.

use tm_testkit::{TestTorrent, TransmissionDaemon};

use crate::harness::TestEnv;

const TRACKER: &str = "http://127.0.0.1:1/announce";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn placement_rules_and_adds_to_several_servers() {
    let Some((_box, env)) = TestEnv::with_default_box().await else {
        return;
    };
    let other = TransmissionDaemon::start().await.expect("daemon starts");
    env.add_connected_box("tvbox", &other, &[]).await;
    let empty = env.run(&["placement", "show"]).await.ok();
    assert!(empty.stdout.contains("No placement rules"), "{empty:?}");

    let servers = env.run(&["servers", "ls", "-o", "json"]).await.ok().json();
    let tvbox = servers
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "tvbox")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let scratch = tempfile::tempdir().unwrap();
    let rules_file = scratch.path().join("rules.json");
    let rules = format!(
        r#"[{{"name": "tv", "match": {{"labels": ["tv"]}}, "target": {{"server_id": "{tvbox}"}}}}]"#
    );
    std::fs::write(&rules_file, rules).unwrap();
    let set = env
        .run(&["placement", "set", rules_file.to_str().unwrap()])
        .await
        .ok();
    assert!(
        set.stdout.contains("tv") && set.stdout.contains(&tvbox),
        "{set:?}"
    );
    let shown = env
        .run(&["placement", "show", "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(shown["rules"][0]["name"], "tv");
    std::fs::write(
        &rules_file,
        r#"[{"name": "x", "target": {"server_id": "nope"}}]"#,
    )
    .unwrap();
    let refused = env
        .run(&["placement", "set", rules_file.to_str().unwrap()])
        .await
        .failed_with(1);
    assert!(
        refused.stderr.contains("not one of your servers"),
        "{refused:?}"
    );

    let show = TestTorrent::single_file(scratch.path(), "show.bin", 20_000, Some(TRACKER)).unwrap();
    let show_path = scratch.path().join("show.torrent");
    std::fs::write(&show_path, &show.bytes).unwrap();
    let auto = env
        .run(&[
            "torrents",
            "add",
            "--server",
            "auto",
            "--labels",
            "tv",
            "--paused",
            "-o",
            "json",
            show_path.to_str().unwrap(),
        ])
        .await
        .ok()
        .json();
    assert_eq!(auto[0]["server_name"], "tvbox", "{auto}");
    assert!(
        auto[0]["placement"].as_str().unwrap().contains("rule 'tv'"),
        "{auto}"
    );

    let magnet = TestTorrent::single_file(scratch.path(), "m.bin", 10_000, Some(TRACKER)).unwrap();
    let both = env
        .run(&[
            "torrents",
            "add",
            "--servers",
            "box,tvbox",
            "--paused",
            "-o",
            "json",
            &magnet.magnet(Some(TRACKER)),
        ])
        .await
        .ok()
        .json();
    let names: Vec<&str> = both
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["server_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["box", "tvbox"], "{both}");
    assert!(
        both.as_array()
            .unwrap()
            .iter()
            .all(|o| o["error"].is_null()),
        "{both}"
    );
}
