//! Each polled server's metrics, read off its snapshot and health when
//! scraped. They go into a recorder made for this one scrape, so a server
//! that was deleted or disabled simply stops appearing, and label values
//! (server names are the users') are escaped by the exporter.

use metrics::{Label, describe_gauge, gauge};
use metrics_exporter_prometheus::PrometheusBuilder;
use tm_api_types::TorrentState;

use super::view::state_of;
use super::{Fleet, Poller, PollerState};

const UP: &str = "tm_server_up";
const TORRENTS: &str = "tm_server_torrents";
const DOWNLOAD_RATE: &str = "tm_server_download_rate_bytes";
const UPLOAD_RATE: &str = "tm_server_upload_rate_bytes";
const SIZE: &str = "tm_server_size_bytes";
const DOWNLOADED: &str = "tm_server_downloaded_bytes";
const UPLOADED: &str = "tm_server_uploaded_bytes";
const POLL_DURATION: &str = "tm_server_poll_duration_seconds";

impl Fleet {
    /// Prometheus text of every server polled here.
    pub fn render_metrics(&self) -> String {
        let pollers: Vec<_> = self
            .pollers
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect();
        let recorder = PrometheusBuilder::new().build_recorder();
        metrics::with_local_recorder(&recorder, || {
            describe();
            for poller in &pollers {
                record(poller);
            }
        });
        recorder.handle().render()
    }
}

fn describe() {
    describe_gauge!(UP, "1 when the server's last poll succeeded, else 0");
    describe_gauge!(TORRENTS, "The server's torrents in each state");
    describe_gauge!(
        DOWNLOAD_RATE,
        "Sum of the torrents' download rates, bytes per second"
    );
    describe_gauge!(
        UPLOAD_RATE,
        "Sum of the torrents' upload rates, bytes per second"
    );
    describe_gauge!(SIZE, "Sum of the torrents' sizes, bytes");
    describe_gauge!(
        DOWNLOADED,
        "Bytes downloaded and verified, summed over the torrents"
    );
    describe_gauge!(
        UPLOADED,
        "Bytes uploaded over each torrent's lifetime, summed over the torrents it holds now"
    );
    describe_gauge!(
        POLL_DURATION,
        "How long the last poll of the server took (failed or not), seconds"
    );
}

/// One server's series.
fn record(poller: &Poller) {
    let spec = poller.spec();
    let labels = vec![
        Label::new("server_id", spec.id.clone()),
        Label::new("server", spec.name.clone()),
        Label::new("kind", spec.server_type.as_str()),
    ];
    let health = poller.health();
    let snapshot = poller.snapshot();

    let up = health.state == PollerState::Connected;
    gauge!(UP, labels.clone()).set(if up { 1.0 } else { 0.0 });
    let mut counts = [0u64; TorrentState::ALL.len()];
    let (mut size, mut downloaded, mut uploaded) = (0u64, 0u64, 0u64);
    for torrent in snapshot.torrents() {
        let state = state_of(torrent);
        if let Some(n) = TorrentState::ALL.iter().position(|s| *s == state) {
            counts[n] += 1;
        }
        size = size.saturating_add(torrent.size);
        downloaded = downloaded.saturating_add(torrent.downloaded);
        uploaded = uploaded.saturating_add(torrent.uploaded);
    }
    for (state, count) in TorrentState::ALL.iter().zip(counts) {
        let mut labels = labels.clone();
        labels.push(Label::new("state", state.as_str()));
        gauge!(TORRENTS, labels).set(count as f64);
    }
    gauge!(DOWNLOAD_RATE, labels.clone()).set(snapshot.download_rate as f64);
    gauge!(UPLOAD_RATE, labels.clone()).set(snapshot.upload_rate as f64);
    gauge!(SIZE, labels.clone()).set(size as f64);
    gauge!(DOWNLOADED, labels.clone()).set(downloaded as f64);
    gauge!(UPLOADED, labels.clone()).set(uploaded as f64);
    if let Some(took) = health.last_poll_duration {
        gauge!(POLL_DURATION, labels).set(took.as_secs_f64());
    }
}
