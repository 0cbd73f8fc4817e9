//! The web UI: static files from `web/app`, built into the binary.
//!
//! The UI is plain ES modules and CSS with no build step, so what is in the
//! repository is exactly what is served. `/` is the page; `/app/*` its files.
//! Every answer forbids inline scripts and foreign origins (CSP).

use std::collections::HashMap;
use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use include_dir::{Dir, include_dir};
use sha2::{Digest, Sha256};

static APP: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../web/app");

/// Scripts, styles, images and connections only from this server.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

pub async fn index(headers: HeaderMap) -> Response {
    serve("index.html", &headers)
}

pub async fn asset(Path(path): Path<String>, headers: HeaderMap) -> Response {
    serve(&path, &headers)
}

fn serve(path: &str, request: &HeaderMap) -> Response {
    let contents = if path == "index.html" {
        index_with_preloads()
    } else if let Some(file) = APP.get_file(path) {
        file.contents()
    } else {
        return crate::core::Error::NotFound("Not Found".into()).into_response();
    };
    let etag = etag_of(path, contents);
    if request
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return (StatusCode::NOT_MODIFIED, ui_headers(path, &etag)).into_response();
    }
    (ui_headers(path, &etag), contents).into_response()
}

/// The page, with a `modulepreload` link for every module of the UI: the
/// browser then fetches them all at once instead of one import level after
/// another (with ~40 modules the waterfall cost a few hundred ms).
fn index_with_preloads() -> &'static [u8] {
    static INDEX: OnceLock<Vec<u8>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let page = APP
            .get_file("index.html")
            .and_then(|file| file.contents_utf8())
            .unwrap_or_default();
        let mut modules = Vec::new();
        collect_modules(&APP, &mut modules);
        modules.sort();
        let links: String = modules
            .iter()
            .map(|path| format!("<link rel=\"modulepreload\" href=\"/app/{path}\">\n"))
            .collect();
        match page.find("<script type=\"module\"") {
            Some(at) => format!("{}{links}{}", &page[..at], &page[at..]),
            None => page.to_string(),
        }
        .into_bytes()
    })
}

fn collect_modules(dir: &Dir<'static>, modules: &mut Vec<String>) {
    for file in dir.files() {
        let path = file.path().to_string_lossy();
        if path.ends_with(".js") {
            modules.push(path.into_owned());
        }
    }
    for sub in dir.dirs() {
        collect_modules(sub, modules);
    }
}

fn ui_headers(path: &str, etag: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    // Revalidate every time: cheap with the ETag, and never a stale UI after an upgrade.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, value);
    }
    headers
}

/// A strong ETag per file, computed once.
fn etag_of(path: &str, contents: &[u8]) -> String {
    static ETAGS: OnceLock<std::sync::Mutex<HashMap<String, String>>> = OnceLock::new();
    let mut etags = ETAGS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    etags
        .entry(path.to_string())
        .or_insert_with(|| {
            let digest = Sha256::digest(contents);
            let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
            format!("\"{hex}\"")
        })
        .clone()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}
