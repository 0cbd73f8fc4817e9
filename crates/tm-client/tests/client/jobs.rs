//! `move_to_server`, `jobs`, `job`, `cancel_job` and `wait_for_job` against
//! the real server: a torrent seeded by Transmission moves to rTorrent over
//! a loopback tracker; a move that cannot progress is canceled.

use std::time::Duration;

use tm_client::{
    Client, Error, JobState, MovePhase, MoveToServerRequest, TorrentQuery, TorrentUpload,
    UploadOptions,
};
use tm_testkit::{ClientUnderTest, Opentracker, TestTorrent, daemon_available};

use crate::harness::{TestServer, register, wait_until};

/// Seeds `torrent` (its data already in the server's download directory)
/// on `server_id` and waits until it is complete there.
async fn seed(client: &Client, server_id: &str, torrent: &TestTorrent) {
    let options = UploadOptions {
        server_id: Some(server_id.to_owned()),
        ..Default::default()
    };
    let file = TorrentUpload {
        filename: "seed.torrent".into(),
        bytes: torrent.bytes.clone(),
    };
    client.upload_torrent(file, &options).await.unwrap();
    wait_until(Duration::from_secs(30), || async {
        let info = client
            .get_torrent(&torrent.info_hash, Some(server_id))
            .await
            .ok()?;
        info.complete.then_some(())
    })
    .await
    .expect("the source has all the data");
}

fn move_request(from: &str, to: &str) -> MoveToServerRequest {
    MoveToServerRequest {
        from_server_id: from.to_owned(),
        to_server_id: to.to_owned(),
        save_path: None,
        remove_source: true,
        delete_data: false,
    }
}

async fn hashes_on(client: &Client, server_id: &str) -> Vec<String> {
    let query = TorrentQuery {
        server_id: Some(server_id.to_owned()),
        ..Default::default()
    };
    let page = client.list_torrents(&query).await.unwrap();
    page.torrents.into_iter().map(|t| t.info_hash).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_torrent_moves_from_transmission_to_rtorrent() {
    if !daemon_available("opentracker") {
        return;
    }
    let Some(source) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    let Some(target) = ClientUnderTest::RtorrentScgi.start().await else {
        return;
    };
    let server = TestServer::start().await;
    let alice = server.user("alice").await;
    let from = register(&alice, "source", &source).await;
    let to = register(&alice, "target", &target).await;
    let untracked =
        TestTorrent::single_file(&source.download_dir, "moved.bin", 1 << 20, None).unwrap();
    let tracker = Opentracker::start(std::slice::from_ref(&untracked.info_hash))
        .await
        .unwrap();
    let torrent = untracked.with_tracker(&tracker.announce_url());
    seed(&alice, &from, &torrent).await;
    // The target hears of the source only if the source announced first.
    wait_until(Duration::from_secs(30), || async {
        let found = alice
            .torrent_trackers(&torrent.info_hash, Some(&from))
            .await
            .ok()?;
        (found.trackers.first()?.status == "working").then_some(())
    })
    .await
    .expect("the source announced to the tracker");

    let hash = &torrent.info_hash;
    let started = alice
        .move_to_server(hash, &move_request(&from, &to))
        .await
        .unwrap();
    assert_eq!(started.kind, "move");
    assert_eq!(
        (
            started.from_server_id.as_str(),
            started.to_server_id.as_str()
        ),
        (from.as_str(), to.as_str())
    );
    assert_eq!((&started.info_hash, started.size), (hash, 1 << 20));
    assert!(started.remove_source && !started.delete_data);
    let listed = alice.jobs().await.unwrap();
    assert_eq!(listed.jobs[0].id, started.id, "newest first");

    let mut phases = Vec::new();
    let done = alice
        .watch_job(&started.id, Duration::from_secs(120), |job| {
            phases.push(job.phase)
        })
        .await
        .unwrap();
    assert_eq!(done.state, JobState::Succeeded, "{done:?}");
    assert_eq!(done.phase, MovePhase::Done);
    assert_eq!(done.progress, 1.0);
    assert!(done.finished_at.is_some());
    assert_eq!(phases.last(), Some(&MovePhase::Done));
    assert_eq!(
        std::fs::read(target.download_dir.join("moved.bin")).unwrap(),
        std::fs::read(&torrent.data_path).unwrap(),
        "byte-identical on the target"
    );
    assert!(hashes_on(&alice, &to).await.contains(hash));
    let gone = wait_until(Duration::from_secs(20), || async {
        (!hashes_on(&alice, &from).await.contains(hash)).then_some(())
    })
    .await;
    assert!(gone.is_some(), "the source is removed");
    assert!(torrent.data_path.exists(), "its data is kept");

    assert_eq!(alice.job(&started.id).await.unwrap(), done);
    let again = alice
        .wait_for_job(&started.id, Duration::ZERO)
        .await
        .unwrap();
    assert_eq!(again.state, JobState::Succeeded);
    let finished = alice.cancel_job(&started.id).await;
    assert!(matches!(finished, Err(Error::Conflict(_))), "{finished:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_is_canceled_and_others_do_not_see_it() {
    let Some(source) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    // No tracker answers and Transmission takes no peer by RPC: the target
    // never gets a byte, so the job stays running until canceled.
    let Some(target) = ClientUnderTest::Transmission.start().await else {
        return;
    };
    let server = TestServer::start().await;
    let alice = server.user("alice").await;
    let from = register(&alice, "source", &source).await;
    let to = register(&alice, "target", &target).await;
    let torrent = TestTorrent::single_file(
        &source.download_dir,
        "stuck.bin",
        200_000,
        Some("http://127.0.0.1:1/announce"),
    )
    .unwrap();
    seed(&alice, &from, &torrent).await;

    let mut request = move_request(&from, &to);
    request.delete_data = true;
    let started = alice
        .move_to_server(&torrent.info_hash, &request)
        .await
        .unwrap();
    let still = alice
        .wait_for_job(&started.id, Duration::from_secs(2))
        .await
        .unwrap();
    assert_eq!(still.state, JobState::Running, "{still:?}");

    let bob = server.user("bob").await;
    assert!(bob.jobs().await.unwrap().jobs.is_empty());
    let foreign = bob.job(&started.id).await;
    assert!(matches!(foreign, Err(Error::NotFound(_))), "{foreign:?}");
    let foreign = bob.cancel_job(&started.id).await;
    assert!(matches!(foreign, Err(Error::NotFound(_))), "{foreign:?}");

    let canceled = alice.cancel_job(&started.id).await.unwrap();
    let canceled = if canceled.state.is_finished() {
        canceled
    } else {
        alice
            .wait_for_job(&canceled.id, Duration::from_secs(30))
            .await
            .unwrap()
    };
    assert_eq!(canceled.state, JobState::Canceled, "{canceled:?}");
    assert!(hashes_on(&alice, &from).await.contains(&torrent.info_hash));
    assert!(torrent.data_path.exists(), "the source keeps its data");

    let missing = alice
        .move_to_server(
            "0000000000000000000000000000000000000000",
            &move_request(&from, &to),
        )
        .await;
    assert!(matches!(missing, Err(Error::NotFound(_))), "{missing:?}");
}
