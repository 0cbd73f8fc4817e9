//! `servers files` and `download` against a real nginx serving a folder
//! with autoindex and basic auth as a server's HTTP location.

use tm_testkit::NginxFileServer;

use crate::harness::TestEnv;

#[tokio::test]
async fn files_are_listed_and_downloaded_with_resume() {
    let files = tempfile::tempdir().unwrap();
    let content: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::create_dir(files.path().join("Season 1")).unwrap();
    std::fs::write(files.path().join("Season 1").join("ep 1.mkv"), &content).unwrap();
    let nginx = NginxFileServer::start(files.path()).await.expect("nginx");
    let env = TestEnv::start().await;
    env.login_as("alice").await;
    let port = nginx.port.to_string();
    env.run(&[
        "servers",
        "add",
        "box",
        "--type",
        "transmission",
        "--host",
        "127.0.0.1",
        "--port",
        "9",
        "--skip-test",
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

    let root = env.run(&["servers", "files", "box"]).await.ok();
    assert!(root.stdout.contains("Season 1/"), "{root:?}");
    let nested = env
        .run(&["servers", "files", "box", "Season 1", "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(nested["entries"][0]["path"], "Season 1/ep 1.mkv");
    assert_eq!(nested["entries"][0]["size"], 3_000_000);

    // A partial file is completed, not started over.
    let scratch = tempfile::tempdir().unwrap();
    let target = scratch.path().join("ep.mkv");
    std::fs::write(&target, &content[..1_234_567]).unwrap();
    let saved = env
        .run(&[
            "download",
            "box",
            "Season 1/ep 1.mkv",
            "-f",
            target.to_str().unwrap(),
            "--resume",
            "-o",
            "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(saved["resumed_from"], 1_234_567);
    assert_eq!(saved["bytes"], 3_000_000 - 1_234_567);
    assert!(
        std::fs::read(&target).unwrap() == content,
        "the file is complete and identical"
    );

    // Without --resume the file is written whole.
    let again = env
        .run(&[
            "download",
            "box",
            "Season 1/ep 1.mkv",
            "-f",
            target.to_str().unwrap(),
        ])
        .await
        .ok();
    assert!(again.stdout.contains("Saved"), "{again:?}");
    assert!(std::fs::read(&target).unwrap() == content);

    let missing = env
        .run(&[
            "download",
            "box",
            "nope.bin",
            "-f",
            target.to_str().unwrap(),
        ])
        .await
        .failed_with(1);
    assert!(missing.stderr.contains("No such file"), "{missing:?}");
    let traversal = env
        .run(&["servers", "files", "box", "../etc"])
        .await
        .failed_with(1);
    assert!(
        traversal.stderr.contains("Invalid file path"),
        "{traversal:?}"
    );
}
