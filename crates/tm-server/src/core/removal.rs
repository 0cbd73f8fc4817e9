//! What removing a torrent did to its data, as the API reports it.

use tm_api_types::{DataOutcome, DeletedFiles, FileProblem};
use tm_backends::{DataRemoval, FileIssue, RemoveOutcome};

use super::Core;

impl Core {
    /// Drops what torrent-manager kept about torrents that are gone (their
    /// share limits), so a later add of the same hash starts afresh. The
    /// removal itself has happened: a failure here is only logged.
    pub(super) async fn forget_removed(&self, server_id: &str, hashes: &[String]) {
        for hash in hashes {
            if let Err(error) = self.store().delete_share_limits(server_id, hash).await {
                tracing::warn!(%error, server_id, "could not drop a removed torrent's share limits");
            }
        }
    }
}

/// The message and the data outcome of a removal.
pub(super) fn removal_summary(outcome: RemoveOutcome) -> (String, DataOutcome) {
    let files = outcome.files.map(|report| DeletedFiles {
        deleted: report.deleted,
        missing: report.missing,
        removed_dirs: report.removed_dirs,
        kept: report.kept.into_iter().map(problem).collect(),
        failed: report.failed.into_iter().map(problem).collect(),
    });
    let (message, result, path, reason) = match outcome.data {
        DataRemoval::Kept { path } => ("Torrent removed".to_owned(), "kept", path, None),
        DataRemoval::Deleted { path } => {
            ("Torrent and data removed".to_owned(), "deleted", path, None)
        }
        DataRemoval::Failed { path, reason } => (
            format!("Torrent removed; not all of its data was deleted: {reason}"),
            "failed",
            path,
            Some(reason),
        ),
    };
    (
        message,
        DataOutcome {
            result: result.to_owned(),
            path,
            reason,
            files,
        },
    )
}

fn problem(issue: FileIssue) -> FileProblem {
    FileProblem {
        path: issue.path,
        reason: issue.reason,
    }
}
