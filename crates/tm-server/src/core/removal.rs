//! What removing a torrent did to its data, as the API reports it.

use tm_api_types::{DataOutcome, DeletedFiles, FileProblem};
use tm_backends::{DataRemoval, FileIssue, RemoveOutcome};

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
