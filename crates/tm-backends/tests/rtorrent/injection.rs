//! H-1: nothing a user sends reaches rTorrent as something it evaluates.

use std::path::Path;
use std::time::Duration;

use tm_backends::{AddTorrent, ErrorKind, TorrentSource, TorrentState};
use tm_testkit::TestTorrent;

use crate::common::{DEAD_TRACKER, add_paused, start_rtorrent, wait_for};

/// Payloads that ran (or would run) a shell if rTorrent evaluated them;
/// `{marker}` is a file each one would create.
const PAYLOADS: [&str; 5] = [
    "$execute.throw=sh,-c,touch {marker}",
    "$execute.throw={sh,-c,touch {marker}}",
    "$cat={marker}",
    "$execute.nothrow={touch,{marker}}",
    "$execute.throw.bg={sh,-c,touch {marker}}",
];

fn payloads(dir: &Path, tag: &str) -> Vec<(String, std::path::PathBuf)> {
    PAYLOADS
        .iter()
        .enumerate()
        .map(|(i, payload)| {
            let marker = dir.join(format!("pwned-{tag}-{i}"));
            (
                payload.replace("{marker}", &marker.display().to_string()),
                marker,
            )
        })
        .collect()
}

/// Gives a background `execute.*.bg` time to have run, then checks.
async fn assert_no_marker(markers: &[std::path::PathBuf]) {
    tokio::time::sleep(Duration::from_millis(500)).await;
    for marker in markers {
        assert!(!marker.exists(), "{} was created", marker.display());
    }
}

#[tokio::test]
async fn save_path_payloads_are_refused_and_run_nothing() {
    let Some((daemon, client)) = start_rtorrent().await else {
        return;
    };
    let dir = daemon.scratch_dir();
    let mut markers = Vec::new();
    let mut results = Vec::new();
    for (i, (payload, marker)) in payloads(dir, "path").into_iter().enumerate() {
        markers.push(marker);
        let torrent =
            TestTorrent::single_file(dir, &format!("p{i}.bin"), 100, Some(DEAD_TRACKER)).unwrap();
        // As a magnet (the reproduced case) and as a .torrent file.
        for source in [
            TorrentSource::Magnet(torrent.magnet(Some(DEAD_TRACKER))),
            TorrentSource::File(torrent.bytes.clone()),
        ] {
            let result = client
                .add(AddTorrent {
                    source,
                    start: true,
                    labels: vec![],
                    save_path: Some(payload.clone()),
                    category: None,
                    skip_checking: false,
                })
                .await;
            results.push((payload.clone(), result));
        }
    }
    // Markers first: they show what the payloads did, then the refusals.
    assert_no_marker(&markers).await;
    for (payload, result) in results {
        let err = result.unwrap_err();
        assert!(
            matches!(err.kind, ErrorKind::Invalid(_)),
            "{payload}: {err}"
        );
    }
    for bad in [
        "relative/dir",
        "/a/../etc",
        "/a/./b",
        "/a\nb",
        "/a\rd.erase=",
    ] {
        let torrent = TestTorrent::single_file(dir, "bad.bin", 10, Some(DEAD_TRACKER)).unwrap();
        let err = client
            .add(add_paused(&torrent, Path::new(bad), &[]))
            .await
            .unwrap_err();
        assert!(matches!(err.kind, ErrorKind::Invalid(_)), "{bad:?}: {err}");
    }
    assert_no_marker(&markers).await;
}

/// Absolute paths and labels carrying `$…`, quotes, backslashes, commas and
/// `;` are accepted and land literally, for files and magnets.
#[tokio::test]
async fn hostile_text_lands_literally_and_runs_nothing() {
    let Some((daemon, client)) = start_rtorrent().await else {
        return;
    };
    let dir = daemon.scratch_dir();
    let mut markers = Vec::new();
    for (i, (payload, marker)) in payloads(dir, "literal").into_iter().enumerate() {
        markers.push(marker);
        // `$` inside the path, then quote tricks that close an old-style
        // quoted post-load command and chain another one.
        let save_path = dir.join(format!(
            "in{i}/{payload}\";d.erase=;\"x\\\\\"; {}",
            payload.replace('/', "_")
        ));
        let save_path = save_path.display().to_string();
        let labels = vec![
            payload.clone(),
            format!("\"{payload}\";d.erase="),
            "a,b\\c;d".to_owned(),
        ];
        let file =
            TestTorrent::single_file(dir, &format!("l{i}.bin"), 100, Some(DEAD_TRACKER)).unwrap();
        let magnet =
            TestTorrent::single_file(dir, &format!("m{i}.bin"), 100, Some(DEAD_TRACKER)).unwrap();
        for (torrent, source) in [
            (&file, TorrentSource::File(file.bytes.clone())),
            (
                &magnet,
                TorrentSource::Magnet(magnet.magnet(Some(DEAD_TRACKER))),
            ),
        ] {
            let hash = client
                .add(AddTorrent {
                    source,
                    start: false,
                    labels: labels.clone(),
                    save_path: Some(save_path.clone()),
                    category: None,
                    skip_checking: false,
                })
                .await
                .unwrap_or_else(|e| panic!("{save_path}: {e}"));
            assert_eq!(hash, torrent.info_hash);
            let added = client.get(&hash).await.unwrap().expect("listed");
            assert_eq!(added.save_path, save_path);
            let mut got = added.labels.clone();
            let mut want = labels.clone();
            got.sort();
            want.sort();
            assert_eq!(got, want);
        }
        // Labels set later go the same way.
        client.set_labels(&file.info_hash, &labels).await.unwrap();
    }
    assert_no_marker(&markers).await;
}

/// What the fix relies on: rTorrent does not evaluate XML-RPC parameters.
#[tokio::test]
async fn rtorrent_does_not_evaluate_xmlrpc_parameters() {
    let Some((daemon, client)) = start_rtorrent().await else {
        return;
    };
    let dir = daemon.scratch_dir();
    let torrent = TestTorrent::single_file(dir, "x.bin", 100, Some(DEAD_TRACKER)).unwrap();
    let hash = client.add(add_paused(&torrent, dir, &[])).await.unwrap();
    let target = hash.to_uppercase();
    let (payloads, markers): (Vec<_>, Vec<_>) = payloads(dir, "raw").into_iter().unzip();
    for payload in &payloads {
        for method in ["d.directory.set", "d.custom1.set", "d.custom.set"] {
            let params: Vec<&str> = if method == "d.custom.set" {
                vec![&target, "k", payload]
            } else {
                vec![&target, payload]
            };
            // A fault (e.g. a relative directory) is fine; running is not.
            let _ = daemon.call(method, &params).await;
        }
    }
    assert_no_marker(&markers).await;
}

/// A normal save path: the data lands (and is found) exactly there, for a
/// single-file and a multi-file torrent (`<save_path>/<name>`).
#[tokio::test]
async fn data_lands_in_the_requested_directory() {
    let Some((daemon, client)) = start_rtorrent().await else {
        return;
    };
    let target = daemon.download_dir.join("my dir").join("sub");
    std::fs::create_dir_all(&target).unwrap();
    let single = TestTorrent::single_file(&target, "one.bin", 40_000, Some(DEAD_TRACKER)).unwrap();
    let multi = TestTorrent::multi_file(
        &target,
        "Album",
        &[("a.flac", 30_000), ("cd2/b.flac", 20_000)],
        Some(DEAD_TRACKER),
    )
    .unwrap();
    // `//` and a trailing `/` are normalised away.
    let spelled = format!("{}//my dir/sub/", daemon.download_dir.display());
    for (torrent, labels) in [(&single, vec!["tv".to_owned()]), (&multi, vec![])] {
        let hash = client
            .add(AddTorrent {
                labels: labels.clone(),
                save_path: Some(spelled.clone()),
                ..AddTorrent::plain(TorrentSource::File(torrent.bytes.clone()), true)
            })
            .await
            .unwrap();
        // Seeding at once: rTorrent found the complete data at that path.
        let seeding = wait_for(client.as_ref(), &hash, "seeding", |t| {
            t.state == TorrentState::Seeding
        })
        .await;
        assert_eq!(seeding.save_path, target.display().to_string());
        assert_eq!(seeding.base_path, torrent.data_path.display().to_string());
        assert_eq!(seeding.progress, 100.0);
        assert_eq!(seeding.labels, labels);
    }
    assert!(!daemon.download_dir.join("one.bin").exists());
    assert!(!daemon.download_dir.join("Album").exists());
}

/// A paused add stays paused (the old code used `load.raw_start` for
/// started adds only; now every add loads stopped and starts afterwards).
#[tokio::test]
async fn paused_add_stays_paused_with_its_directory() {
    let Some((daemon, client)) = start_rtorrent().await else {
        return;
    };
    let dir = daemon.download_dir.join("paused");
    std::fs::create_dir_all(&dir).unwrap();
    let torrent = TestTorrent::single_file(&dir, "p.bin", 1000, Some(DEAD_TRACKER)).unwrap();
    let hash = client
        .add(add_paused(&torrent, &dir, &["x"]))
        .await
        .unwrap();
    let t = client.get(&hash).await.unwrap().unwrap();
    assert_eq!(t.state, TorrentState::Paused);
    assert!(!t.is_active);
    assert_eq!(t.save_path, dir.display().to_string());
}

/// A magnet spelled `MAGNET:?…` (accepted by the parser) reaches rTorrent as
/// a magnet, not as a file path on its host.
#[tokio::test]
async fn upper_case_magnet_scheme_is_loaded_as_a_magnet() {
    let Some((daemon, client)) = start_rtorrent().await else {
        return;
    };
    let torrent =
        TestTorrent::single_file(daemon.scratch_dir(), "u.bin", 10, Some(DEAD_TRACKER)).unwrap();
    let link = torrent
        .magnet(Some(DEAD_TRACKER))
        .replacen("magnet:", " MAGNET:", 1);
    let hash = client
        .add(AddTorrent::plain(TorrentSource::Magnet(link), false))
        .await
        .unwrap();
    assert_eq!(hash, torrent.info_hash);
}
