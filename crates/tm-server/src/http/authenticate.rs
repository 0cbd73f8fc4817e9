//! Resolves who is calling, once per request, before any handler runs.
//!
//! Order: `Authorization: Bearer <API key>`, then the session cookie, then a
//! remember-me cookie (which mints a new session). The identity goes into the
//! request extensions; the extractors in `extract` decide what a handler needs.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;

use super::cookies;
use crate::config::Config;
use crate::core::{Core, Error};

pub async fn authenticate(State(core): State<Core>, request: Request, next: Next) -> Response {
    match resolve(&core, request, next).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn resolve(core: &Core, mut request: Request, next: Next) -> Result<Response, Error> {
    if let Some(key) = bearer_token(request.headers()) {
        let identity = core.authenticate_api_key(key).await?;
        request.extensions_mut().insert(identity);
        return Ok(next.run(request).await);
    }

    // Without an API key the browser's cookies may be speaking: refuse writes
    // that another site makes it send.
    if !is_safe(request.method()) && is_cross_origin(core.config(), request.headers()) {
        return Err(Error::Forbidden(
            "Cross-origin request refused: the Origin of this request is not this server".into(),
        ));
    }

    let jar = CookieJar::from_headers(request.headers());
    let mut minted = None;
    let session = match jar.get(cookies::SESSION) {
        Some(cookie) => core.authenticate_session(cookie.value()).await?,
        None => None,
    };
    if let Some(identity) = session {
        request.extensions_mut().insert(identity);
    } else if let Some(cookie) = jar.get(cookies::REMEMBER_ME)
        && let Some(issued) = core
            .resume_remembered(cookie.value(), user_agent(request.headers()).as_deref())
            .await?
    {
        let identity = core
            .authenticate_session(&issued.session_token)
            .await?
            .ok_or_else(|| Error::Internal("a session just created was not found".into()))?;
        request.extensions_mut().insert(identity);
        minted = Some(issued);
    }

    let secure = cookies::wants_secure(core.config(), request.headers());
    let response = next.run(request).await;
    match minted {
        // The handler (logout) may have cleared the cookies already; it wins.
        Some(issued) if !sets_session_cookie(&response) => {
            let jar = cookies::with_session(CookieJar::new(), &issued, secure);
            Ok((jar, response).into_response())
        }
        _ => Ok(response),
    }
}

/// The User-Agent header as text (the core cleans and shortens it).
pub fn user_agent(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::USER_AGENT)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(char::is_whitespace)?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// True when the request names an origin (Origin, else Referer) that is
/// neither this server's host nor an allowed origin. Requests naming none
/// (scripts, the CLI) are not cross-origin.
fn is_cross_origin(config: &Config, headers: &HeaderMap) -> bool {
    let named = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    let Some(origin) = named else {
        return false;
    };
    // Origin is `scheme://authority`; a Referer is a full URL: compare that prefix.
    let Some((scheme, rest)) = origin.split_once("://") else {
        return true; // "null" or garbage: a sandboxed or privacy-stripped origin
    };
    let authority = rest.split('/').next().unwrap_or_default();
    let same_host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|host| authority.eq_ignore_ascii_case(host));
    let origin = format!("{scheme}://{authority}");
    let allowed = config
        .allowed_origins
        .iter()
        .chain(&config.public_origins)
        .any(|allowed| allowed.trim_end_matches('/').eq_ignore_ascii_case(&origin));
    !(same_host || allowed)
}

fn sets_session_cookie(response: &Response) -> bool {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with(&format!("{}=", cookies::SESSION)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn origin_checks() {
        let mut config = Config::new("/tmp/unused");
        let h = |o: &str| headers(&[("host", "127.0.0.1:8144"), ("origin", o)]);
        assert!(!is_cross_origin(&config, &h("http://127.0.0.1:8144")));
        assert!(is_cross_origin(&config, &h("http://evil.example")));
        assert!(is_cross_origin(&config, &h("null")));
        assert!(!is_cross_origin(&config, &headers(&[("host", "x")])));
        let referer = headers(&[
            ("host", "127.0.0.1:8144"),
            ("referer", "http://evil.example/page"),
        ]);
        assert!(is_cross_origin(&config, &referer));
        config.allowed_origins.push("http://evil.example".into());
        assert!(!is_cross_origin(&config, &h("http://evil.example")));
        assert!(!is_cross_origin(&config, &referer));
    }

    #[test]
    fn bearer_parsing() {
        assert_eq!(
            bearer_token(&headers(&[("authorization", "Bearer tm_x")])),
            Some("tm_x")
        );
        assert_eq!(
            bearer_token(&headers(&[("authorization", "bearer   tm_x ")])),
            Some("tm_x")
        );
        assert_eq!(
            bearer_token(&headers(&[("authorization", "Basic abc")])),
            None
        );
        assert_eq!(bearer_token(&headers(&[("authorization", "Bearer")])), None);
    }
}
