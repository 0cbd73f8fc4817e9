//! Moving a torrent's data to another directory on its server, through the
//! client's own move. The one place the API, the rules and the facade use.

use std::time::Duration;

use tm_api_types::TorrentActionResponse;

use super::torrents::{action_done, settle_within};
use super::{Core, Error, Result, User, validate};
use crate::fleet::Poller;

/// How long a move waits for the client to report the new save path (the
/// clients move in the background; a large move answers before it ends).
const MOVE_SETTLE_TIMEOUT: Duration = Duration::from_secs(15);

impl Core {
    /// Moves the torrent's data into `path`, recorded as `move`.
    pub async fn move_torrent(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
        path: &str,
    ) -> Result<TorrentActionResponse> {
        let change = self.torrent_change(user, "move", server_id, hash);
        let result = self.apply_move(user, hash, server_id, path).await;
        self.recorded(change, result, |r| r.message.clone()).await
    }

    async fn apply_move(
        &self,
        user: &User,
        hash: &str,
        server_id: Option<&str>,
        path: &str,
    ) -> Result<TorrentActionResponse> {
        let path = move_target(path)?;
        let target = self.target(user, hash, server_id).await?;
        let message = move_on(&target.poller, &target.hash, &path).await?;
        Ok(action_done(&target, &message))
    }
}

/// Moves one torrent of `poller` into the checked `path`, waits for the
/// client to show it, and answers the message.
pub(super) async fn move_on(poller: &Poller, hash: &str, path: &str) -> Result<String> {
    poller.client().move_data(hash, path).await?;
    let hashes = [hash.to_owned()];
    settle_within(poller, &hashes, MOVE_SETTLE_TIMEOUT, |t| {
        t.is_none_or(|t| same_dir(&t.save_path, path))
    })
    .await;
    Ok(format!("Torrent data moved to {path}"))
}

/// The directory a move goes to: required, and checked like an added
/// torrent's `save_path` (absolute, normalised, no `.`/`..`, no control
/// characters) before any client sees it.
pub fn move_target(path: &str) -> Result<String> {
    validate::save_path(Some(path.to_owned()))
        .map_err(|e| match e {
            Error::BadRequest(why) => Error::BadRequest(why.replacen("save_path", "path", 1)),
            other => other,
        })?
        .ok_or_else(|| Error::BadRequest("path must name the directory to move to".into()))
}

/// Whether two directories are the same apart from a trailing separator.
pub fn same_dir(a: &str, b: &str) -> bool {
    let trim = |p: &str| p.trim_end_matches(['/', '\\']).to_owned();
    trim(a) == trim(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn move_targets_are_checked_like_save_paths() {
        assert_eq!(move_target("/srv//done/").unwrap(), "/srv/done");
        assert_eq!(
            move_target("/data/Films (2024)").unwrap(),
            "/data/Films (2024)"
        );
        for bad in [
            "",
            "   ",
            "done",
            "/srv/../etc",
            "/srv/./x",
            "/srv/a\nb",
            "/srv/\0x",
            "$execute.throw=sh,-c,id",
        ] {
            let error = move_target(bad).unwrap_err();
            assert!(matches!(error, Error::BadRequest(_)), "{bad:?}: {error:?}");
            assert!(error.to_string().contains("path"), "{bad:?}: {error}");
        }
    }

    #[test]
    fn directories_compare_without_trailing_separators() {
        assert!(same_dir("/data/done/", "/data/done"));
        assert!(!same_dir("/data/done2", "/data/done"));
    }
}
