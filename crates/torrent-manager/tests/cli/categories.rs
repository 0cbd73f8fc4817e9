use crate::harness::TestEnv;
use crate::servers::ADD_BOX;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn categories_set_list_replace_remove() {
    let env = TestEnv::start().await;
    env.login_as("alice").await;
    let empty = env.run(&["categories"]).await.ok();
    assert!(empty.stdout.contains("No categories"), "{empty:?}");
    let added = env
        .run(&[&ADD_BOX[..], &["--password", "secret", "-o", "json"]].concat())
        .await
        .ok()
        .json();
    let box_id = added["id"].as_str().unwrap();

    // The server by name, as everywhere in the CLI.
    let set = env
        .run(&[
            "categories",
            "set",
            "tv-sonarr",
            "--server",
            "box",
            "--save-path",
            "/data/tv",
        ])
        .await
        .ok();
    assert!(
        set.stdout.contains("tv-sonarr") && set.stdout.contains("box"),
        "{set:?}"
    );
    env.run(&["categories", "set", "radarr"]).await.ok();

    let listed = env.run(&["categories"]).await.ok();
    let lines: Vec<&str> = listed.stdout.lines().collect();
    let words = |line: &str| {
        line.split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        words(lines[0]),
        ["NAME", "SERVER", "SAVE", "PATH"],
        "{listed:?}"
    );
    assert_eq!(
        words(lines[1]),
        ["radarr", "(default", "server)", "(the", "server's", "own)"]
    );
    assert_eq!(words(lines[2]), ["tv-sonarr", "box", "/data/tv"]);

    let json = env
        .run(&["categories", "ls", "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(json[1]["server_id"], box_id);
    assert_eq!(json[1]["save_path"], "/data/tv");

    // `set` replaces: what is left out goes back to the defaults.
    let replaced = env
        .run(&["categories", "set", "tv-sonarr", "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(replaced["server_id"], serde_json::Value::Null);

    let unknown = env
        .run(&["categories", "set", "x", "--server", "nowhere"])
        .await
        .failed_with(1);
    assert!(unknown.stderr.contains("nowhere"), "{unknown:?}");
    let relative = env
        .run(&["categories", "set", "x", "--save-path", "tv"])
        .await
        .failed_with(1);
    assert!(relative.stderr.contains("absolute"), "{relative:?}");

    let removed = env.run(&["categories", "remove", "radarr"]).await.ok();
    assert!(removed.stdout.contains("radarr"), "{removed:?}");
    env.run(&["categories", "rm", "radarr"])
        .await
        .failed_with(1);
    let json = env.run(&["categories", "-o", "json"]).await.ok().json();
    assert_eq!(json.as_array().unwrap().len(), 1, "{json}");
}
