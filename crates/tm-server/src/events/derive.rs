//! Which lifecycle events one poll's changes mean, on plain data.

use serde_json::{Value, json};
use tm_backends::{Torrent, TorrentState};

use super::{Event, EventKind, ServerRef};
use crate::fleet::{PollerState, ServerSpec, Views};

/// The events between two snapshots of `server`'s torrents. The caller
/// skips this for a server's first list (its torrents are not "added").
pub fn torrent_events(server: &ServerSpec, before: &Views, after: &Views) -> Vec<Event> {
    let mut events = Vec::new();
    for (hash, new) in after.iter() {
        let new = &new.torrent;
        match before.get(hash).map(|old| &old.torrent) {
            None => events.push(Event::torrent(
                EventKind::TorrentAdded,
                server,
                new,
                json!({}),
            )),
            Some(old) if old != new => {
                for (kind, data) in changes(old, new) {
                    events.push(Event::torrent(kind, server, new, data));
                }
            }
            Some(_) => {}
        }
    }
    for (hash, old) in before.iter() {
        if !after.contains_key(hash) {
            events.push(Event::torrent(
                EventKind::TorrentRemoved,
                server,
                &old.torrent,
                json!({}),
            ));
        }
    }
    events
}

/// What changed in one torrent that an event reports.
fn changes(old: &Torrent, new: &Torrent) -> Vec<(EventKind, Value)> {
    let mut found = Vec::new();
    if old.progress < 100.0 && new.progress >= 100.0 {
        found.push((EventKind::TorrentCompleted, json!({})));
    }
    if old.state != TorrentState::Error && new.state == TorrentState::Error {
        found.push((EventKind::TorrentErrored, json!({"error": new.error})));
    }
    let stopped = |t: &Torrent| t.state == TorrentState::Paused;
    let active = |t: &Torrent| !matches!(t.state, TorrentState::Paused | TorrentState::Error);
    if active(old) && stopped(new) {
        found.push((EventKind::TorrentStopped, json!({})));
    }
    if stopped(old) && active(new) {
        found.push((EventKind::TorrentStarted, json!({})));
    }
    // A status seen for the first time (or no longer known) is no change.
    if let (Some(from), Some(to)) = (old.tracker_status, new.tracker_status)
        && from != to
    {
        found.push((
            EventKind::TrackerStatusChanged,
            json!({"from": from, "to": to, "message": new.tracker_message}),
        ));
    }
    found
}

/// The event of a server's reachability changing from `before` to `after`:
/// down when it starts failing, up when a failing server answers again.
pub fn server_transition(
    server: &ServerSpec,
    before: PollerState,
    after: PollerState,
    error: Option<&str>,
) -> Option<Event> {
    let kind = match (before, after) {
        (PollerState::Connecting | PollerState::Connected, PollerState::Failing) => {
            EventKind::ServerDown
        }
        (PollerState::Failing, PollerState::Connected) => EventKind::ServerUp,
        _ => return None,
    };
    let data = match kind {
        EventKind::ServerDown => json!({"error": error}),
        _ => json!({}),
    };
    Some(Event {
        server: Some(ServerRef::of(server)),
        data,
        ..Event::new(kind, &server.user_id)
    })
}

#[cfg(test)]
mod tests {
    use tm_api_types::TrackerHealth;

    use super::*;
    use crate::automation::test_support::{server, torrent};

    /// The snapshot views of `torrents`.
    fn views<const N: usize>(torrents: [(String, Torrent); N]) -> Views {
        let torrents = torrents.into_iter().map(|(_, t)| t).collect();
        (*crate::fleet::Snapshot::of(torrents).views).clone()
    }

    fn with(hash: &str, edit: impl FnOnce(&mut Torrent)) -> (String, Torrent) {
        let mut t = torrent();
        t.info_hash = hash.into();
        t.state = TorrentState::Downloading;
        t.progress = 50.0;
        edit(&mut t);
        (hash.to_string(), t)
    }

    fn names(events: &[Event]) -> Vec<(&'static str, String)> {
        let mut names: Vec<(&'static str, String)> = events
            .iter()
            .map(|e| {
                let hash = e.torrent.as_ref().map_or("", |t| &t.info_hash);
                (e.kind.name(), hash.to_string())
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn added_and_removed_torrents() {
        let before = views([with("a", |_| {}), with("b", |_| {})]);
        let after = views([with("b", |_| {}), with("c", |_| {})]);
        let events = torrent_events(&server(), &before, &after);
        assert_eq!(
            names(&events),
            [
                ("torrent.added", "c".to_string()),
                ("torrent.removed", "a".to_string())
            ]
        );
        let added = events
            .iter()
            .find(|e| e.kind == EventKind::TorrentAdded)
            .unwrap();
        assert_eq!(added.user_id, "u1");
        assert_eq!(added.server.as_ref().unwrap().id, "s1");
        assert!(torrent_events(&server(), &after, &after).is_empty());
    }

    #[test]
    fn completion_error_and_stop_start() {
        let before = views([
            with("done", |_| {}),
            with("broken", |_| {}),
            with("stopped", |_| {}),
            with("started", |t| t.state = TorrentState::Paused),
            with("seeding", |t| {
                t.progress = 100.0;
                t.state = TorrentState::Seeding
            }),
        ]);
        let after = views([
            with("done", |t| {
                t.progress = 100.0;
                t.state = TorrentState::Seeding
            }),
            with("broken", |t| {
                t.state = TorrentState::Error;
                t.error = Some("disk full".into())
            }),
            with("stopped", |t| t.state = TorrentState::Paused),
            with("started", |_| {}),
            // Already complete: seeding on is no completion.
            with("seeding", |t| {
                t.progress = 100.0;
                t.state = TorrentState::Seeding;
                t.uploaded = 5
            }),
        ]);
        let events = torrent_events(&server(), &before, &after);
        assert_eq!(
            names(&events),
            [
                ("torrent.completed", "done".to_string()),
                ("torrent.errored", "broken".to_string()),
                ("torrent.started", "started".to_string()),
                ("torrent.stopped", "stopped".to_string()),
            ]
        );
        let errored = events
            .iter()
            .find(|e| e.kind == EventKind::TorrentErrored)
            .unwrap();
        assert_eq!(errored.data, json!({"error": "disk full"}));
    }

    #[test]
    fn tracker_status_changes_but_not_at_first_sight() {
        let status = |s: Option<TrackerHealth>| move |t: &mut Torrent| t.tracker_status = s;
        let before = views([
            with("seen", status(None)),
            with("changed", status(Some(TrackerHealth::Working))),
            with("same", status(Some(TrackerHealth::Working))),
            with("lost", status(Some(TrackerHealth::Working))),
        ]);
        let after = views([
            with("seen", status(Some(TrackerHealth::Working))),
            with("changed", |t| {
                t.tracker_status = Some(TrackerHealth::Unregistered);
                t.tracker_message = Some("Unregistered torrent".into())
            }),
            with("same", |t| {
                t.tracker_status = Some(TrackerHealth::Working);
                t.uploaded = 9
            }),
            with("lost", status(None)),
        ]);
        let events = torrent_events(&server(), &before, &after);
        assert_eq!(
            names(&events),
            [("torrent.tracker_status_changed", "changed".to_string())]
        );
        assert_eq!(
            events[0].data,
            json!({"from": "working", "to": "unregistered", "message": "Unregistered torrent"})
        );
    }

    #[test]
    fn server_reachability_transitions() {
        use PollerState::*;
        let kind = |before, after| {
            server_transition(&server(), before, after, Some("refused")).map(|e| e.kind)
        };
        assert_eq!(kind(Connected, Failing), Some(EventKind::ServerDown));
        assert_eq!(kind(Connecting, Failing), Some(EventKind::ServerDown));
        assert_eq!(kind(Failing, Connected), Some(EventKind::ServerUp));
        assert_eq!(kind(Connecting, Connected), None, "startup is no event");
        assert_eq!(kind(Failing, Failing), None);
        assert_eq!(kind(Connected, Connected), None);
        let down = server_transition(&server(), Connected, Failing, Some("refused")).unwrap();
        assert_eq!(down.data, json!({"error": "refused"}));
        assert!(down.torrent.is_none());
    }
}
