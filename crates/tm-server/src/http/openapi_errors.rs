//! The error answers every operation can give, added to the OpenAPI
//! document in one place so that it lists each status the server can send
//! (malformed input, authentication, the Host and Origin checks, the torrent
//! clients' failures) without repeating them on every handler.

use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::Ref;
use utoipa::openapi::{OpenApi, RefOr};

/// Operations anyone may call.
const PUBLIC: [&str; 3] = ["/health", "/auth/register", "/auth/login"];

pub fn add_standard_errors(openapi: &mut OpenApi) {
    for (path, item) in openapi.paths.paths.iter_mut() {
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            for (status, description) in errors_of(path) {
                add(operation, status, description);
            }
        }
    }
}

fn errors_of(path: &str) -> Vec<(&'static str, &'static str)> {
    if path == "/health" {
        return vec![("503", "the database is not answering")];
    }
    let mut errors = vec![
        ("400", "a malformed value (path, query string or body)"),
        (
            "403",
            "not allowed (another site's page, an unknown Host, not an admin, an API key where a password login is needed)",
        ),
        ("422", "a value that is not acceptable"),
    ];
    if !PUBLIC.contains(&path) {
        errors.push(("401", "not logged in, or the API key is not valid"));
    } else {
        errors.push(("429", "too many attempts; see Retry-After"));
    }
    if path.starts_with("/torrents") {
        errors.extend([
            ("404", "no such torrent or server"),
            (
                "409",
                "the torrent is on several servers, already present, or unsafe to delete",
            ),
            ("502", "the torrent client failed or answered wrongly"),
            (
                "503",
                "the server is failing: writes fail fast until it recovers",
            ),
        ]);
    }
    errors
}

fn add(operation: &mut Operation, status: &str, description: &str) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ErrorBody")))
                            .build(),
                    )
                    .build(),
            )
        });
}
