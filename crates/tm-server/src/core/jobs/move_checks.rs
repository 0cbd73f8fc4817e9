//! What a move must satisfy before it starts, from what the fleet shows:
//! each refusal with the status and code the API answers.

use tm_backends::Torrent;

use super::super::{Error, Result, validate};

/// What is known of the torrent and the two servers when a move is asked.
pub(super) struct MoveFacts<'a> {
    pub target_name: &'a str,
    /// The torrent as the source lists it.
    pub source: Option<&'a Torrent>,
    pub on_target: bool,
    pub has_metainfo: bool,
    /// Both servers' clients run on the same host (their files are one disk).
    pub same_host: bool,
}

/// A move goes from one server to another.
pub(super) fn distinct_servers(from_server_id: &str, to_server_id: &str) -> Result<()> {
    if from_server_id == to_server_id {
        return Err(Error::Invalid(
            "from_server_id and to_server_id must name two different servers".into(),
        ));
    }
    Ok(())
}

/// Checks a move and answers the target's save path (checked like
/// `POST /torrents/{hash}/location`'s path; `None`: the target's default).
pub(super) fn check_move(facts: &MoveFacts, save_path: Option<String>) -> Result<Option<String>> {
    let source = facts.source.ok_or(Error::TorrentNotFound)?;
    if facts.on_target {
        return Err(Error::AlreadyOnServer(format!(
            "server '{}' already has this torrent",
            facts.target_name
        )));
    }
    if !source.complete || source.progress < 100.0 {
        return Err(Error::Incomplete(format!(
            "only complete torrents move to another server; this one is at {:.1} %",
            source.progress
        )));
    }
    if !facts.has_metainfo {
        return Err(Error::MetainfoMissing(
            "no .torrent is stored for this torrent, so the target cannot be given it".into(),
        ));
    }
    let save_path = validate::save_path(save_path)?;
    if facts.same_host
        && save_path
            .as_deref()
            .is_some_and(|path| super::super::torrent_move::same_dir(path, &source.save_path))
    {
        return Err(Error::Invalid(
            "save_path is where the source keeps the data on the same host: the target would \
             share the source's files instead of receiving its own copy"
                .into(),
        ));
    }
    Ok(save_path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tm_backends::TorrentState;

    fn seeding() -> Torrent {
        Torrent {
            save_path: "/data/done".into(),
            ..crate::automation::test_support::torrent()
        }
    }

    fn facts(source: Option<&Torrent>) -> MoveFacts<'_> {
        MoveFacts {
            target_name: "B",
            source,
            on_target: false,
            has_metainfo: true,
            same_host: true,
        }
    }

    fn code(result: Result<Option<String>>) -> String {
        match result {
            Ok(path) => format!("ok {path:?}"),
            Err(error) => format!("{error:?}")
                .split('(')
                .next()
                .unwrap_or_default()
                .into(),
        }
    }

    #[test]
    fn a_complete_torrent_with_its_metainfo_moves() {
        let torrent = seeding();
        assert_eq!(code(check_move(&facts(Some(&torrent)), None)), "ok None");
        assert_eq!(
            code(check_move(
                &facts(Some(&torrent)),
                Some("/srv//new/".into())
            )),
            "ok Some(\"/srv/new\")"
        );
    }

    #[test]
    fn each_refusal_has_its_own_error() {
        let torrent = seeding();
        assert!(matches!(distinct_servers("a", "a"), Err(Error::Invalid(_))));
        assert!(distinct_servers("a", "b").is_ok());
        assert_eq!(code(check_move(&facts(None), None)), "TorrentNotFound");
        let there = MoveFacts {
            on_target: true,
            ..facts(Some(&torrent))
        };
        assert_eq!(code(check_move(&there, None)), "AlreadyOnServer");
        let mut partial = seeding();
        partial.complete = false;
        partial.progress = 40.0;
        partial.state = TorrentState::Downloading;
        assert_eq!(code(check_move(&facts(Some(&partial)), None)), "Incomplete");
        let bare = MoveFacts {
            has_metainfo: false,
            ..facts(Some(&torrent))
        };
        assert_eq!(code(check_move(&bare, None)), "MetainfoMissing");
        for bad in ["relative", "/a/../b", "/a\nb"] {
            let result = check_move(&facts(Some(&torrent)), Some(bad.into()));
            assert_eq!(code(result), "BadRequest", "{bad:?}");
        }
    }

    #[test]
    fn the_source_directory_on_the_same_host_is_refused() {
        let torrent = seeding();
        let result = check_move(&facts(Some(&torrent)), Some("/data/done/".into()));
        assert_eq!(code(result), "Invalid");
        let elsewhere = MoveFacts {
            same_host: false,
            ..facts(Some(&torrent))
        };
        let result = check_move(&elsewhere, Some("/data/done".into()));
        assert_eq!(code(result), "ok Some(\"/data/done\")");
    }
}
