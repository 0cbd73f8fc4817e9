//! Recording helpers for the places changes happen: one change with the
//! result it had, and the per-torrent entries of a bulk action.

use std::collections::HashMap;

use tm_api_types::{
    ActivityScope, BatchUploadResponse, BulkAction, BulkActionResult, TorrentRef,
    UpdateServerRequest,
};

use super::activity::Change;
use super::{Core, Result, User};

/// The changes of one bulk action, named before it runs (a removal makes
/// the names unknown).
pub(crate) struct BulkRecorder {
    owner: User,
    action: &'static str,
    named: HashMap<(String, String), Change>,
}

impl BulkRecorder {
    /// One change per result, with its outcome.
    pub fn changes(mut self, results: &[BulkActionResult]) -> Vec<Change> {
        results
            .iter()
            .map(|result| {
                let key = (result.server_id.clone(), result.info_hash.clone());
                let change = self.named.remove(&key).unwrap_or_else(|| {
                    Change::torrent(
                        &self.owner,
                        self.action,
                        Some(&result.server_id),
                        &result.info_hash,
                    )
                });
                Change {
                    outcome: if result.success {
                        Ok(result.message.clone())
                    } else {
                        Err(result.message.clone())
                    },
                    ..change
                }
            })
            .collect()
    }
}

impl Core {
    /// Records `change` with the outcome of `result`, and hands `result` on.
    pub(crate) async fn recorded<T>(
        &self,
        change: Change,
        result: Result<T>,
        done: impl FnOnce(&T) -> String,
    ) -> Result<T> {
        self.record_one(change.finished(&result, done)).await;
        result
    }

    /// One change per file of a batch upload.
    pub(crate) fn batch_changes(&self, user: &User, batch: &BatchUploadResponse) -> Vec<Change> {
        batch
            .results
            .iter()
            .map(|result| match (&result.info_hash, result.success) {
                (Some(hash), true) => Change {
                    torrent_name: result.torrent_name.clone(),
                    outcome: Ok(result.message.clone()),
                    ..self.torrent_change(user, "add", Some(&batch.server_id), hash)
                },
                _ => Change {
                    server_name: Some(batch.server_name.clone()),
                    outcome: Err(format!("{}: {}", result.filename, result.message)),
                    ..Change::failed_add(user, Some(&batch.server_id))
                },
            })
            .collect()
    }

    /// A change to one of `user`'s servers, named as it is now.
    pub(crate) async fn server_change(&self, user: &User, action: &str, id: &str) -> Change {
        match self.server_row(user, id).await {
            Ok(row) => Change::server(&user.id, action, &row.id, &row.name),
            Err(_) => Change {
                server_id: Some(id.chars().take(100).collect()),
                ..Change::new(ActivityScope::Server, action, &user.id)
            },
        }
    }

    pub(crate) fn bulk_recorder(
        &self,
        user: &User,
        action: BulkAction,
        torrents: &[TorrentRef],
    ) -> BulkRecorder {
        let action = bulk_action_name(action);
        let pollers: HashMap<String, _> = self
            .fleet()
            .of_user(&user.id)
            .into_iter()
            .map(|p| (p.spec().id.clone(), p))
            .collect();
        let snapshots: HashMap<&str, _> = pollers
            .iter()
            .map(|(id, p)| (id.as_str(), (p.spec().name.clone(), p.snapshot())))
            .collect();
        let named = torrents
            .iter()
            .map(|item| {
                let mut change =
                    Change::torrent(user, action, Some(&item.server_id), &item.info_hash);
                if let (Some((server_name, snapshot)), Some(hash)) =
                    (snapshots.get(item.server_id.as_str()), &change.info_hash)
                {
                    change.torrent_name = snapshot.torrent(hash).map(|t| t.name.clone());
                    change.server_name = Some(server_name.clone());
                }
                let key = (
                    item.server_id.clone(),
                    change.info_hash.clone().unwrap_or_default(),
                );
                (key, change)
            })
            .collect();
        BulkRecorder {
            owner: user.clone(),
            action,
            named,
        }
    }
}

/// The names of the fields a server update sends (never their values).
pub(crate) fn changed_fields(update: &UpdateServerRequest) -> String {
    match serde_json::to_value(update) {
        Ok(serde_json::Value::Object(fields)) if !fields.is_empty() => {
            fields.keys().cloned().collect::<Vec<_>>().join(", ")
        }
        _ => "nothing".into(),
    }
}

fn bulk_action_name(action: BulkAction) -> &'static str {
    match action {
        BulkAction::Start => "start",
        BulkAction::Stop => "stop",
        BulkAction::Recheck => "recheck",
        BulkAction::Reannounce => "reannounce",
        BulkAction::Remove => "remove",
        BulkAction::AddLabels => "add_labels",
        BulkAction::RemoveLabels => "remove_labels",
        BulkAction::Move => "move",
    }
}
