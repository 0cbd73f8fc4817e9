//! `sync/maindata`: the fleet's torrents, categories, tags and rates, then
//! on each call only what changed since the `rid` the caller last saw.
//!
//! The last few states answered to each user are kept in memory under their
//! rid; a rid no longer kept (or 0) gets a full update, as in qBittorrent.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value, json};

use super::Facade;
use crate::core::Result;

/// States kept per user: a few callers (web UIs, scripts) polling at once.
const KEPT_PER_USER: usize = 4;

/// One answered state: torrents by hash, categories by name, tags, and the
/// transfer rates.
#[derive(Debug, Clone, PartialEq)]
struct State {
    torrents: Map<String, Value>,
    categories: Map<String, Value>,
    tags: Vec<String>,
    server_state: Map<String, Value>,
}

/// A user's recent states, oldest first, by rid.
type Kept = VecDeque<(u64, Arc<State>)>;

/// The states recently answered, per user.
#[derive(Default)]
pub struct SyncStates {
    by_user: Mutex<HashMap<String, Kept>>,
    last_rid: AtomicU64,
}

impl SyncStates {
    fn get(&self, user_id: &str, rid: u64) -> Option<Arc<State>> {
        let by_user = self.by_user.lock().unwrap_or_else(|e| e.into_inner());
        by_user
            .get(user_id)?
            .iter()
            .find(|(kept, _)| *kept == rid)
            .map(|(_, state)| Arc::clone(state))
    }

    fn put(&self, user_id: &str, state: Arc<State>) -> u64 {
        let rid = self.last_rid.fetch_add(1, Ordering::Relaxed) + 1;
        let mut by_user = self.by_user.lock().unwrap_or_else(|e| e.into_inner());
        let kept = by_user.entry(user_id.to_string()).or_default();
        kept.push_back((rid, state));
        while kept.len() > KEPT_PER_USER {
            kept.pop_front();
        }
        rid
    }
}

impl Facade<'_> {
    /// The answer to `sync/maindata?rid=…`.
    pub async fn maindata(&self, states: &SyncStates, rid: u64, now: i64) -> Result<Value> {
        let entries = self.entries();
        let tags = self.tags_of(&entries).await?;
        let torrents = entries
            .iter()
            .map(|e| {
                let object = super::torrent_object(e, self.limits_of(e), now);
                (e.hash().to_string(), object)
            })
            .collect();
        let as_map = |value: Value| match value {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let state = Arc::new(State {
            torrents,
            categories: as_map(self.categories_object()),
            tags,
            server_state: as_map(self.transfer_info()),
        });
        let previous = (rid > 0).then(|| states.get(&self.user.id, rid)).flatten();
        let new_rid = states.put(&self.user.id, Arc::clone(&state));
        match previous {
            None => Ok(json!({
                "rid": new_rid,
                "full_update": true,
                "torrents": state.torrents,
                "categories": state.categories,
                "tags": state.tags,
                "server_state": state.server_state,
            })),
            Some(before) => Ok(delta(new_rid, &before, &state)),
        }
    }
}

/// What changed from `before` to `after`: new entries whole, changed ones
/// as their changed fields, removed ones by key.
fn delta(rid: u64, before: &State, after: &State) -> Value {
    let mut answer = Map::new();
    answer.insert("rid".into(), json!(rid));
    let (torrents, removed) = changed_entries(&before.torrents, &after.torrents);
    insert_nonempty(&mut answer, "torrents", Value::Object(torrents));
    insert_nonempty(&mut answer, "torrents_removed", json!(removed));
    let (categories, removed) = changed_entries(&before.categories, &after.categories);
    insert_nonempty(&mut answer, "categories", Value::Object(categories));
    insert_nonempty(&mut answer, "categories_removed", json!(removed));
    let added: Vec<&String> = after
        .tags
        .iter()
        .filter(|t| !before.tags.contains(t))
        .collect();
    let gone: Vec<&String> = before
        .tags
        .iter()
        .filter(|t| !after.tags.contains(t))
        .collect();
    insert_nonempty(&mut answer, "tags", json!(added));
    insert_nonempty(&mut answer, "tags_removed", json!(gone));
    let server_state = changed_fields(&before.server_state, &after.server_state);
    insert_nonempty(&mut answer, "server_state", Value::Object(server_state));
    Value::Object(answer)
}

fn changed_entries(
    before: &Map<String, Value>,
    after: &Map<String, Value>,
) -> (Map<String, Value>, Vec<String>) {
    let mut changed = Map::new();
    for (key, value) in after {
        match (before.get(key), value) {
            (Some(Value::Object(old)), Value::Object(new)) => {
                let fields = changed_fields(old, new);
                if !fields.is_empty() {
                    changed.insert(key.clone(), Value::Object(fields));
                }
            }
            (Some(old), new) if old == new => {}
            _ => {
                changed.insert(key.clone(), value.clone());
            }
        }
    }
    let removed = before
        .keys()
        .filter(|key| !after.contains_key(*key))
        .cloned()
        .collect();
    (changed, removed)
}

fn changed_fields(before: &Map<String, Value>, after: &Map<String, Value>) -> Map<String, Value> {
    after
        .iter()
        .filter(|(key, value)| before.get(*key) != Some(value))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// qBittorrent leaves out what did not change.
fn insert_nonempty(answer: &mut Map<String, Value>, key: &str, value: Value) {
    let empty = match &value {
        Value::Object(map) => map.is_empty(),
        Value::Array(list) => list.is_empty(),
        _ => false,
    };
    if !empty {
        answer.insert(key.to_string(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(torrents: Value, tags: &[&str]) -> State {
        State {
            torrents: torrents.as_object().cloned().unwrap_or_default(),
            categories: Map::new(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            server_state: json!({"dl_info_speed": 0})
                .as_object()
                .cloned()
                .unwrap_or_default(),
        }
    }

    #[test]
    fn a_delta_holds_only_what_changed() {
        let before = state(
            json!({"a": {"state": "stalledUP", "ratio": 1}, "b": {"state": "stoppedDL"}}),
            &["x"],
        );
        let after = state(
            json!({"a": {"state": "uploading", "ratio": 1}, "c": {"state": "metaDL"}}),
            &["y"],
        );
        let answer = delta(7, &before, &after);
        assert_eq!(
            answer,
            json!({
                "rid": 7,
                "torrents": {"a": {"state": "uploading"}, "c": {"state": "metaDL"}},
                "torrents_removed": ["b"],
                "tags": ["y"],
                "tags_removed": ["x"],
            })
        );
        assert_eq!(delta(8, &after, &after), json!({"rid": 8}));
    }

    #[test]
    fn states_are_kept_per_user_and_bounded() {
        let states = SyncStates::default();
        let empty = Arc::new(state(json!({}), &[]));
        let first = states.put("u", Arc::clone(&empty));
        assert!(states.get("u", first).is_some());
        assert!(states.get("other", first).is_none());
        for _ in 0..KEPT_PER_USER {
            states.put("u", Arc::clone(&empty));
        }
        assert!(states.get("u", first).is_none(), "the oldest is forgotten");
    }
}
