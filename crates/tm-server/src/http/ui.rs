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

/// The page, with a `modulepreload` link for every module it imports
/// statically (from `main.js` on): the browser then fetches them all at
/// once instead of one import level after another. Pages loaded with
/// `import()` are left out, so they cost nothing until opened.
fn index_with_preloads() -> &'static [u8] {
    static INDEX: OnceLock<Vec<u8>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let page = APP
            .get_file("index.html")
            .and_then(|file| file.contents_utf8())
            .unwrap_or_default();
        let links: String = static_module_graph("main.js", |path| {
            APP.get_file(path).and_then(|file| file.contents_utf8())
        })
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

/// `entry` and every module it reaches through static imports
/// (`… from './x.js'`), sorted; `source` reads a module by its path.
fn static_module_graph<'a>(entry: &str, source: impl Fn(&str) -> Option<&'a str>) -> Vec<String> {
    let mut found = vec![entry.to_string()];
    let mut next = 0;
    while let Some(path) = found.get(next).cloned() {
        next += 1;
        let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
        for specifier in source(&path).map(static_imports).into_iter().flatten() {
            if let Some(module) = resolve(dir, specifier)
                && !found.contains(&module)
            {
                found.push(module);
            }
        }
    }
    found.sort();
    found
}

/// The specifiers of a module's `from '…'` clauses; `import('…')` has none.
fn static_imports(source: &str) -> impl Iterator<Item = &str> {
    source
        .split("from '")
        .skip(1)
        .filter_map(|rest| rest.split_once('\'').map(|(specifier, _)| specifier))
}

/// A relative specifier against the importing module's directory.
fn resolve(dir: &str, specifier: &str) -> Option<String> {
    if !specifier.starts_with("./") && !specifier.starts_with("../") {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in specifier.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    Some(parts.join("/"))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_module_graph_follows_static_imports_only() {
        let sources = HashMap::from([
            (
                "main.js",
                "import { a } from './a.js';\nconst b = () => import('./views/b.js');",
            ),
            ("a.js", "import {\n  x,\n} from './views/c.js';"),
            (
                "views/c.js",
                "import { a } from '../a.js';\nimport { d } from './d.js';",
            ),
            ("views/d.js", ""),
            ("views/b.js", "import { e } from './e.js';"),
        ]);
        let graph = static_module_graph("main.js", |path| sources.get(path).copied());
        assert_eq!(graph, ["a.js", "main.js", "views/c.js", "views/d.js"]);
    }
}
