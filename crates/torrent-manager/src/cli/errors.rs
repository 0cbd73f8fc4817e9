//! The server's errors in the CLI's words: flags, not the API's parameters.

use tm_client::{Error, ErrorCode};

/// API parameters the server's messages name, and the flags that set them
/// (longer names first: `use_ssl` is part of `http_use_ssl`).
const FLAGS: [(&str, &str); 14] = [
    ("server_id", "--server NAME"),
    ("delete_data", "--delete-data"),
    ("save_path", "--save-path"),
    ("expires_days", "--expires-days"),
    ("server_type", "--type"),
    ("rpc_path", "--rpc-path"),
    ("socket_path", "--socket-path"),
    ("http_download_root", "--http-download-root"),
    ("http_host", "--http-host"),
    ("http_port", "--http-port"),
    ("http_use_ssl", "--http-ssl"),
    ("use_ssl", "--ssl"),
    ("tls_accept_invalid_certs", "--insecure-tls"),
    ("is_default", "--default"),
];

/// An error and its causes, as `{:#}` prints them, with the client's
/// errors told in the CLI's words.
pub fn describe(error: &anyhow::Error) -> String {
    error
        .chain()
        .map(|cause| match cause.downcast_ref::<Error>() {
            Some(error) => client_error(error),
            None => cause.to_string(),
        })
        .collect::<Vec<_>>()
        .join(": ")
}

/// The server's message with the API's parameters named as flags, and a
/// hint where the code calls for one.
pub fn client_error(error: &Error) -> String {
    let mut text = error.to_string();
    if error.code().is_some() {
        for (parameter, flag) in FLAGS {
            text = text.replace(parameter, flag);
        }
    }
    match error.code() {
        Some(ErrorCode::ServerNotFound) => {
            format!("{text} (see `torrent-manager servers list`)")
        }
        Some(ErrorCode::TorrentNotFound) => {
            format!("{text} (see `torrent-manager ls`)")
        }
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tm_client::ApiError;

    #[test]
    fn parameters_become_flags() {
        let ambiguous = Error::Conflict(ApiError {
            detail: "torrent abc is on 2 of your servers; pass server_id".into(),
            code: ErrorCode::Conflict,
        });
        assert_eq!(
            client_error(&ambiguous),
            "torrent abc is on 2 of your servers; pass --server NAME"
        );
        let no_default = anyhow::Error::from(Error::Invalid(ApiError {
            detail: "server_id is required: you have no default server".into(),
            code: ErrorCode::InvalidInput,
        }))
        .context("adding");
        assert_eq!(
            describe(&no_default),
            "adding: --server NAME is required: you have no default server"
        );
        let tls = Error::Invalid(ApiError {
            detail: "http_use_ssl needs http_host; use_ssl too".into(),
            code: ErrorCode::InvalidInput,
        });
        assert_eq!(
            client_error(&tls),
            "--http-ssl needs --http-host; --ssl too"
        );
        let unreachable = Error::Connect {
            url: "http://127.0.0.1:1/server_id".into(),
            reason: "refused".into(),
        };
        assert!(
            client_error(&unreachable).contains("server_id"),
            "not an API message"
        );
    }
}
