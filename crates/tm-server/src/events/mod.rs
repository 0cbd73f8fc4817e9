//! Lifecycle events: what happened to a user's torrents, servers and rules.
//!
//! Torrent and server events are derived where the fleet applies each poll
//! (`derive`), rule events where a rule runs; all go into one bounded queue
//! (`bus`) that the webhook dispatcher drains. Nothing here ever waits on a
//! receiver.

mod bus;
mod derive;

use serde::Serialize;
use serde_json::Value;
use tm_api_types::{ServerType, TorrentState, TrackerHealth};
use tm_backends::Torrent;

pub use bus::EventBus;
pub use derive::{server_transition, torrent_events};

use crate::core::{from_millis, now_millis};
use crate::fleet::{ServerSpec, state_of};

/// What happened, as named on the wire (`X-TM-Event`, the payload's `event`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    TorrentAdded,
    TorrentCompleted,
    TorrentRemoved,
    TorrentErrored,
    TrackerStatusChanged,
    TorrentStopped,
    TorrentStarted,
    RuleFired,
    RuleNotify,
    ServerDown,
    ServerUp,
    WebhookTest,
}

impl EventKind {
    pub const ALL: [EventKind; 12] = [
        EventKind::TorrentAdded,
        EventKind::TorrentCompleted,
        EventKind::TorrentRemoved,
        EventKind::TorrentErrored,
        EventKind::TrackerStatusChanged,
        EventKind::TorrentStopped,
        EventKind::TorrentStarted,
        EventKind::RuleFired,
        EventKind::RuleNotify,
        EventKind::ServerDown,
        EventKind::ServerUp,
        EventKind::WebhookTest,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EventKind::TorrentAdded => "torrent.added",
            EventKind::TorrentCompleted => "torrent.completed",
            EventKind::TorrentRemoved => "torrent.removed",
            EventKind::TorrentErrored => "torrent.errored",
            EventKind::TrackerStatusChanged => "torrent.tracker_status_changed",
            EventKind::TorrentStopped => "torrent.stopped",
            EventKind::TorrentStarted => "torrent.started",
            EventKind::RuleFired => "rule.fired",
            EventKind::RuleNotify => "rule.notify",
            EventKind::ServerDown => "server.down",
            EventKind::ServerUp => "server.up",
            EventKind::WebhookTest => "webhook.test",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// The server an event concerns, as the payload shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServerRef {
    pub id: String,
    pub name: String,
    pub client: ServerType,
}

impl ServerRef {
    pub fn of(spec: &ServerSpec) -> Self {
        Self {
            id: spec.id.clone(),
            name: spec.name.clone(),
            client: spec.server_type,
        }
    }
}

/// The torrent an event concerns, as the payload shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TorrentRef {
    pub info_hash: String,
    pub name: String,
    pub state: TorrentState,
    pub progress: f64,
    pub size: u64,
    pub labels: Vec<String>,
    pub tracker_status: Option<TrackerHealth>,
}

impl TorrentRef {
    pub fn of(torrent: &Torrent) -> Self {
        Self {
            info_hash: torrent.info_hash.clone(),
            name: torrent.name.clone(),
            state: state_of(torrent),
            progress: torrent.progress,
            size: torrent.size,
            labels: torrent.labels.clone(),
            tracker_status: torrent.tracker_status,
        }
    }
}

/// One lifecycle event of one user's.
#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub kind: EventKind,
    /// Unix ms.
    pub at: i64,
    /// Whose hooks hear it: the server's or rule's owner.
    pub user_id: String,
    pub server: Option<ServerRef>,
    pub torrent: Option<TorrentRef>,
    /// Event-specific details (`{}` when none).
    pub data: Value,
}

/// The JSON body POSTed to a webhook.
#[derive(Serialize)]
struct Payload<'a> {
    id: &'a str,
    event: &'static str,
    #[serde(with = "time::serde::rfc3339")]
    at: time::OffsetDateTime,
    server: &'a Option<ServerRef>,
    torrent: &'a Option<TorrentRef>,
    data: &'a Value,
}

impl Event {
    pub fn new(kind: EventKind, user_id: &str) -> Self {
        Self {
            id: uuid::Uuid::now_v7().to_string(),
            kind,
            at: now_millis(),
            user_id: user_id.to_string(),
            server: None,
            torrent: None,
            data: Value::Object(Default::default()),
        }
    }

    /// An event about `torrent` on `server`.
    pub fn torrent(kind: EventKind, server: &ServerSpec, torrent: &Torrent, data: Value) -> Self {
        Self {
            server: Some(ServerRef::of(server)),
            torrent: Some(TorrentRef::of(torrent)),
            data,
            ..Self::new(kind, &server.user_id)
        }
    }

    /// The body sent to webhooks.
    pub fn payload(&self) -> Vec<u8> {
        let payload = Payload {
            id: &self.id,
            event: self.kind.name(),
            at: from_millis(self.at),
            server: &self.server,
            torrent: &self.torrent,
            data: &self.data,
        };
        // Plain structs of strings and numbers: serializing cannot fail.
        serde_json::to_vec(&payload).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kinds_are_the_documented_events() {
        let names: Vec<&str> = EventKind::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names, tm_api_types::WEBHOOK_EVENTS);
        assert_eq!(
            EventKind::parse("torrent.completed"),
            Some(EventKind::TorrentCompleted)
        );
        assert_eq!(EventKind::parse("torrent.exploded"), None);
    }

    #[test]
    fn the_payload_has_the_documented_shape() {
        let server = crate::automation::test_support::server();
        let torrent = crate::automation::test_support::torrent();
        let event = Event::torrent(
            EventKind::TorrentAdded,
            &server,
            &torrent,
            serde_json::json!({}),
        );
        let body: Value = serde_json::from_slice(&event.payload()).unwrap();
        assert_eq!(body["id"], event.id.as_str());
        assert_eq!(body["event"], "torrent.added");
        assert!(body["at"].as_str().unwrap().contains('T'));
        assert_eq!(
            body["server"],
            serde_json::json!({"id": "s1", "name": "box", "client": "rtorrent"})
        );
        assert_eq!(body["torrent"]["info_hash"], torrent.info_hash.as_str());
        let keys: Vec<&String> = body["torrent"].as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 7, "{keys:?}");
        assert_eq!(body["data"], serde_json::json!({}));
    }
}
