//! `torrents download` through a real transmission-daemon seeding a torrent
//! whose data the test wrote into its download folder, served by a real
//! nginx as the server's HTTP location (`--http-download-root` maps it).

use std::time::Duration;

use tm_testkit::{NginxFileServer, TestTorrent};

use crate::harness::{TestEnv, find, wait_until};

/// Nothing listens there; the clients want a tracker all the same.
const TRACKER: &str = "http://127.0.0.1:1/announce";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_torrents_file_is_saved_and_resumed() {
    let Some((daemon, env)) = TestEnv::with_default_box().await else {
        return;
    };
    let dir = &daemon.download_dir;
    let solo = TestTorrent::single_file(dir, "solo.bin", 2_000_000, Some(TRACKER)).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let metainfo = scratch.path().join("solo.torrent");
    std::fs::write(&metainfo, &solo.bytes).unwrap();
    env.run(&["torrents", "add", metainfo.to_str().unwrap()])
        .await
        .ok();
    wait_until(Duration::from_secs(30), || async {
        let list = env.listing(&[]).await;
        find(&list, &solo.info_hash)
            .is_some_and(|t| t["complete"] == true)
            .then_some(())
    })
    .await
    .expect("the torrent verifies complete");
    let nginx = NginxFileServer::start(dir).await.expect("nginx");
    let port = nginx.port.to_string();
    let prefix = &solo.info_hash[..8];

    // No mapping yet: the CLI says which flag sets it.
    let refused = env
        .run(&[
            "servers",
            "update",
            "box",
            "--http-host",
            "127.0.0.1",
            "--http-port",
            &port,
            "--http-path",
            &nginx.path,
            "--http-username",
            &nginx.username,
            "--http-password",
            &nginx.password,
        ])
        .await
        .ok();
    assert!(refused.stdout.contains("Updated"), "{refused:?}");
    let unmapped = env
        .run(&["torrents", "download", prefix])
        .await
        .failed_with(1);
    assert!(
        unmapped.stderr.contains("--http-download-root"),
        "{unmapped:?}"
    );
    env.run(&[
        "servers",
        "update",
        "box",
        "--http-download-root",
        dir.to_str().unwrap(),
    ])
    .await
    .ok();

    let listed = env
        .run(&["torrents", "download", prefix, "--list", "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(listed["files"][0]["path"], "solo.bin", "{listed}");
    assert_eq!(listed["files"][0]["size"], 2_000_000, "{listed}");

    // A partial file is completed, not started over.
    let expected = std::fs::read(&solo.data_path).unwrap();
    let target = scratch.path().join("out.bin");
    std::fs::write(&target, &expected[..777_777]).unwrap();
    let saved = env
        .run(&[
            "torrents",
            "download",
            prefix,
            "-f",
            target.to_str().unwrap(),
            "--resume",
        ])
        .await
        .ok();
    assert!(saved.stdout.contains("resumed after"), "{saved:?}");
    let got = std::fs::read(&target).unwrap();
    assert_eq!(got.len(), expected.len(), "{saved:?}");
    let first = got.iter().zip(&expected).position(|(a, b)| a != b);
    assert_eq!(first, None, "not byte-identical: {saved:?}");
}
