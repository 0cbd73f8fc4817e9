//! `GET /torrents/{info_hash}/metainfo`: a stored .torrent, as a download.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tm_api_types::ErrorBody;

use crate::core::{Core, Error};
use crate::http::extract::CurrentUser;
use crate::http::params::{ServerParam, TorrentRef};

/// Download a torrent's .torrent metainfo, kept when it was uploaded or
/// added by URL, or exported from its client (qBittorrent) once a magnet's
/// metadata arrived. Only for torrents on your servers or that you added.
#[utoipa::path(get, path = "/torrents/{info_hash}/metainfo", tag = "torrents",
    params(("info_hash" = String, Path), ServerParam),
    responses((status = 200, content_type = "application/x-bittorrent", body = Vec<u8>,
            description = "the .torrent file, as an attachment"),
        (status = 404, body = ErrorBody, description = "not your torrent, or no metainfo stored")))]
pub async fn download(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    torrent: TorrentRef,
) -> Result<Response, Error> {
    let (name, bytes) = core
        .torrent_metainfo(&identity.user, &torrent.hash, torrent.server())
        .await?;
    let disposition = format!("attachment; filename=\"{}.torrent\"", file_stem(&name));
    let disposition =
        HeaderValue::from_str(&disposition).map_err(|e| Error::Internal(e.to_string()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/x-bittorrent"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// The torrent's name as a file name any browser and shell take: ASCII
/// letters, digits and `._-()[] `, others as `_`, at most 120 characters.
pub(super) fn file_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " ._-()[]".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(120)
        .collect();
    let stem = stem.trim_matches(|c: char| c == ' ' || c == '.');
    if stem.is_empty() {
        "metainfo".to_string()
    } else {
        stem.to_string()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_stems_are_plain() {
        assert_eq!(
            super::file_stem("Some Show (2024) [x]"),
            "Some Show (2024) [x]"
        );
        assert_eq!(super::file_stem("a\"b\r\n/../c"), "a_b___.._c");
        assert_eq!(super::file_stem("../.."), "_");
        assert_eq!(super::file_stem("..."), "metainfo");
        assert_eq!(super::file_stem("été"), "_t_");
        assert_eq!(super::file_stem(&"x".repeat(500)).len(), 120);
    }
}
