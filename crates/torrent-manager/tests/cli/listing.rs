//! Listings as people read them: tables that fit the terminal, short hashes
//! that commands accept back, totals, and `--watch`.

use std::time::Duration;

use tm_testkit::{TestTorrent, TransmissionDaemon, daemon_available};

use crate::harness::{Run, TestEnv, find};

const TRACKER: &str = "http://127.0.0.1:1/announce";

/// Runs `args` with the terminal `columns` wide.
async fn run_at_width(env: &TestEnv, args: &[&str], columns: usize) -> Run {
    let mut command = env.command(args);
    command.env("COLUMNS", columns.to_string());
    env.run_command(command, "").await.ok()
}

#[track_caller]
fn assert_fits(run: &Run, columns: usize) {
    for line in run.stdout.lines() {
        assert!(
            line.chars().count() <= columns,
            "wider than {columns} columns: {line:?}\n{}",
            run.stdout
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_fit_the_terminal_and_hash_prefixes_address_torrents() {
    if !daemon_available("transmission-daemon") {
        return;
    }
    let daemon = TransmissionDaemon::start().await.expect("daemon starts");
    let env = TestEnv::start().await;
    env.login_as("alice").await;
    let server_name = "a-seedbox-with-a-rather-long-name";
    env.add_connected_box(server_name, &daemon, &["--default"])
        .await;

    let scratch = tempfile::tempdir().unwrap();
    let long_name = format!("{}.mkv", "A.Very.Long.Release.Name".repeat(6));
    let long = TestTorrent::single_file(scratch.path(), &long_name, 30_000, Some(TRACKER)).unwrap();
    let short =
        TestTorrent::single_file(scratch.path(), "short.bin", 10_000, Some(TRACKER)).unwrap();
    for torrent in [&long, &short] {
        let path = scratch
            .path()
            .join(format!("{}.torrent", torrent.info_hash));
        std::fs::write(&path, &torrent.bytes).unwrap();
        env.run(&["torrents", "add", path.to_str().unwrap(), "--paused"])
            .await
            .ok();
    }

    // Settled first: a torrent still "checking" widens the state column.
    crate::harness::wait_until(Duration::from_secs(30), || async {
        let list = env.listing(&[]).await;
        let paused = |hash: &str| find(&list, hash).is_some_and(|t| t["state"] == "paused");
        (paused(&long.info_hash) && paused(&short.info_hash)).then_some(())
    })
    .await
    .expect("both added paused");

    // 80 columns: names give way, hashes show whole as 8-character prefixes.
    let table = run_at_width(&env, &["ls"], 80).await;
    assert_fits(&table, 80);
    let row = table
        .stdout
        .lines()
        .find(|line| line.trim_start().starts_with(&long.info_hash[..8]))
        .unwrap_or_else(|| panic!("a row starting with the short hash: {}", table.stdout));
    assert!(!row.contains(&long.info_hash), "the full hash: {row}");
    assert!(row.contains("A.Very") && row.contains('…'), "{row}");
    // Rates, ratio and ETA make room, so that names stay readable.
    let header = table.stdout.lines().next().unwrap();
    assert!(
        !header.contains("RATIO") && !header.contains("ETA"),
        "{header}"
    );
    // At least 24 columns for the name, the "…" included.
    assert!(
        row.contains("A.Very.Long.Release.Nam"),
        "{row}\n{}",
        table.stdout
    );
    let wide = run_at_width(&env, &["ls"], 200).await;
    let header = wide.stdout.lines().next().unwrap();
    for title in ["DOWN", "UP", "RATIO", "ETA"] {
        assert!(header.contains(title), "{title} at 200 columns: {header}");
    }
    assert!(
        table.stdout.contains(&short.info_hash[..8]),
        "{}",
        table.stdout
    );
    // The totals, like transmission-remote's.
    let sum = table.stdout.lines().last().unwrap();
    assert!(sum.starts_with("Sum: 2 torrents, 39.1 KiB"), "{sum}");
    // Scripts get everything whole.
    let list = env.listing(&[]).await;
    assert_eq!(find(&list, &long.info_hash).unwrap()["name"], long_name);

    // The server list fits too, with IDs that `servers` commands accept back.
    let servers = run_at_width(&env, &["servers", "list"], 80).await;
    assert_fits(&servers, 80);
    let id = env
        .run(&["servers", "show", server_name, "-o", "json"])
        .await
        .ok()
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(!servers.stdout.contains(&id), "{}", servers.stdout);
    assert!(servers.stdout.contains(&id[..8]), "{}", servers.stdout);
    env.run(&["servers", "show", &id[..8]]).await.ok();

    // A unique prefix of 8 characters or more addresses a torrent.
    let shown = env
        .run(&["torrents", "show", &long.info_hash[..8], "-o", "json"])
        .await
        .ok()
        .json();
    assert_eq!(shown["info_hash"], long.info_hash.as_str());
    let upper = long.info_hash[..10].to_uppercase();
    env.run(&["torrents", "trackers", &upper]).await.ok();
    let too_short = env
        .run(&["torrents", "show", &long.info_hash[..7]])
        .await
        .failed_with(2);
    assert!(too_short.stderr.contains("at least 8"), "{too_short:?}");
    let unused = ["0", "1", "2", "3"]
        .into_iter()
        .find(|d| !long.info_hash.starts_with(d) && !short.info_hash.starts_with(d))
        .unwrap()
        .repeat(8);
    let unknown = env.run(&["torrents", "stop", &unused]).await.failed_with(1);
    assert!(unknown.stderr.contains("not found"), "{unknown:?}");

    // The same torrent on two servers: the error names them, and the flag.
    env.add_connected_box("mirror", &daemon, &[]).await;
    let prefix = &short.info_hash[..8];
    let ambiguous = env.run(&["torrents", "show", prefix]).await.failed_with(1);
    for expected in [server_name, "mirror", "--server NAME"] {
        assert!(
            ambiguous.stderr.contains(expected),
            "{expected}: {ambiguous:?}"
        );
    }
    assert!(!ambiguous.stderr.contains("server_id"), "{ambiguous:?}");
    let picked = env
        .run(&[
            "torrents", "show", prefix, "--server", "mirror", "-o", "json",
        ])
        .await
        .ok()
        .json();
    assert_eq!(picked["server_name"], "mirror");

    // The API's parameters are named as the CLI's flags (bob has no servers).
    env.login_as("bob").await;
    let no_default = env
        .run(&["torrents", "add", &short.magnet(None)])
        .await
        .failed_with(1);
    assert!(
        no_default.stderr.contains("--server NAME"),
        "{no_default:?}"
    );
    assert!(!no_default.stderr.contains("server_id"), "{no_default:?}");
}

/// Starts `args`, lets it run for `seconds`, then interrupts it as Ctrl-C does.
async fn interrupt_after(env: &TestEnv, args: &[&str], seconds: f64) -> Run {
    let child = env.command(args).spawn().expect("the binary starts");
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    let pid = child.id().expect("still running").to_string();
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    let output = tokio::time::timeout(Duration::from_secs(10), child.wait_with_output())
        .await
        .expect("it ends when interrupted")
        .unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_redraws_until_interrupted() {
    let env = TestEnv::start().await;
    env.login_as("alice").await;
    for (args, drawn) in [
        (&["servers", "list", "--watch", "1"][..], "No servers."),
        (&["ls", "--watch", "1"], "No torrents."),
    ] {
        let run = interrupt_after(&env, args, 2.5).await;
        assert_eq!(run.code, Some(0), "Ctrl-C ends it cleanly: {run:?}");
        assert!(run.stdout.matches(drawn).count() >= 2, "redrawn: {run:?}");
        // Not a terminal: no screen clearing in the output.
        assert!(!run.stdout.contains('\x1b'), "{run:?}");
    }
    env.run(&["ls", "--watch", "0"]).await.failed_with(2);
}

/// A tracker on a loopback port that refuses every announce with a bencoded
/// `failure reason` (Transmission calls an unreachable tracker no error);
/// returns its announce URL.
async fn refusing_tracker() -> String {
    refusing_tracker_saying("torrent not allowed").await
}

/// A tracker refusing every announce with `reason`; returns its announce URL.
async fn refusing_tracker_saying(reason: &'static str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/announce", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = [0u8; 4096];
                let _ = socket.read(&mut head).await;
                let body = format!("d14:failure reason{}:{reason}e", reason.len());
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
                let _ = socket.write_all(body.as_bytes()).await;
            });
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_marked_and_filtered() {
    let Some((_daemon, env)) = TestEnv::with_default_box().await else {
        return;
    };

    // Started, so it announces to a tracker that refuses it.
    let scratch = tempfile::tempdir().unwrap();
    let refusing = refusing_tracker().await;
    let announcing =
        TestTorrent::single_file(scratch.path(), "announcing.bin", 20_000, Some(&refusing))
            .unwrap();
    let quiet =
        TestTorrent::single_file(scratch.path(), "quiet.bin", 20_000, Some(TRACKER)).unwrap();
    for (torrent, flags) in [(&announcing, &[][..]), (&quiet, &["--paused"])] {
        let path = scratch
            .path()
            .join(format!("{}.torrent", torrent.info_hash));
        std::fs::write(&path, &torrent.bytes).unwrap();
        env.run(&[&["torrents", "add", path.to_str().unwrap()][..], flags].concat())
            .await
            .ok();
    }
    let hash = announcing.info_hash.as_str();
    let tracker_error = crate::harness::wait_until(Duration::from_secs(30), || async {
        find(&env.listing(&["--errors", "tracker"]).await, hash).map(|_| ())
    })
    .await;
    if tracker_error.is_none() {
        let trackers = env.run(&["torrents", "trackers", &hash[..8]]).await;
        panic!(
            "the failed announce shows as a tracker error: {}\n{trackers:?}",
            env.listing(&[]).await
        );
    }

    let any = env.listing(&["--errors"]).await;
    assert!(find(&any, hash).is_some(), "{any}");
    assert!(find(&any, &quiet.info_hash).is_none(), "{any}");
    assert_eq!(any[0]["error_kind"], "tracker");
    let client = env.listing(&["--errors", "client"]).await;
    assert_eq!(client, serde_json::json!([]));
    env.run(&["ls", "--errors", "bogus"]).await.failed_with(2);

    // The marker column shows when a listed torrent has an error, only then.
    let marked = env.run(&["ls"]).await.ok();
    let header = marked.stdout.lines().next().unwrap();
    assert!(header.contains("ERROR"), "{}", marked.stdout);
    let row = marked
        .stdout
        .lines()
        .find(|l| l.contains(&hash[..8]))
        .unwrap();
    assert!(row.contains("tracker"), "{row}");
    let clean = env.run(&["ls", "--state", "paused"]).await.ok();
    assert!(!clean.stdout.contains("ERROR"), "{}", clean.stdout);
    let shown = env.run(&["torrents", "show", &hash[..8]]).await.ok();
    assert!(shown.stdout.contains("Tracker error"), "{}", shown.stdout);

    // Grouped by the tracker's host.
    let by_host = env.listing(&["--tracker", "127.0.0.1"]).await;
    assert_eq!(by_host.as_array().unwrap().len(), 2, "{by_host}");
    assert_eq!(
        env.listing(&["--tracker", "127.0.0.2"]).await,
        serde_json::json!([])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tracker_status_is_filtered_and_shown() {
    let Some((_daemon, env)) = TestEnv::with_default_box().await else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let mut hashes = Vec::new();
    for (name, reason) in [
        ("gone.bin", "Unregistered torrent"),
        ("down.bin", "Service Unavailable"),
    ] {
        let tracker = refusing_tracker_saying(reason).await;
        let torrent =
            TestTorrent::single_file(scratch.path(), name, 20_000, Some(&tracker)).unwrap();
        let path = scratch.path().join(format!("{name}.torrent"));
        std::fs::write(&path, &torrent.bytes).unwrap();
        env.run(&["torrents", "add", path.to_str().unwrap()])
            .await
            .ok();
        hashes.push(torrent.info_hash);
    }
    let (gone, down) = (hashes[0].as_str(), hashes[1].as_str());
    let both = crate::harness::wait_until(Duration::from_secs(30), || async {
        let listed = env
            .listing(&["--tracker-status", "unregistered,tracker_down"])
            .await;
        (listed.as_array()?.len() == 2).then_some(listed)
    })
    .await;
    let Some(both) = both else {
        panic!("both refusals listed: {}", env.listing(&[]).await);
    };
    assert!(
        find(&both, gone).is_some() && find(&both, down).is_some(),
        "{both}"
    );

    let unregistered = env.listing(&["--tracker-status", "unregistered"]).await;
    assert_eq!(unregistered.as_array().unwrap().len(), 1, "{unregistered}");
    assert_eq!(unregistered[0]["info_hash"], gone);
    assert_eq!(unregistered[0]["tracker_message"], "Unregistered torrent");
    assert_eq!(
        env.listing(&["--tracker-status", "working"]).await,
        serde_json::json!([])
    );
    env.run(&["ls", "--tracker-status", "gone"])
        .await
        .failed_with(2);
    let shown = env.run(&["torrents", "show", &gone[..8]]).await.ok();
    assert!(
        shown.stdout.contains("unregistered (Unregistered torrent)"),
        "{}",
        shown.stdout
    );
}
