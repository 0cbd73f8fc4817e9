//! Resolves who is calling, once per request, before any handler runs.
//!
//! Order: `Authorization: Bearer <API key>`, then the session cookie, then a
//! remember-me cookie (which mints a new session). On qBittorrent's API
//! (`/api/v2`) its `SID` cookie counts as the session cookie, and
//! `Authorization: Basic` (username and password or API key) comes last, as
//! its clients send them. The identity goes into the request extensions; the
//! extractors in `extract` decide what a handler needs.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;

use super::cookies;
use super::extract::client_address;
use super::qbit;
use crate::config::Config;
use crate::core::activity::{Actor, with_actor};
use crate::core::{Core, Error, Identity};

pub async fn authenticate(State(core): State<Core>, request: Request, next: Next) -> Response {
    let facade = qbit::is_facade_path(request.uri().path());
    match resolve(&core, request, next, facade).await {
        Ok(response) => response,
        // qBittorrent's clients expect its plain-text answers (403), not ours.
        Err(error) if facade => qbit::QbitError(error).into_response(),
        Err(error) => error.into_response(),
    }
}

async fn resolve(
    core: &Core,
    mut request: Request,
    next: Next,
    facade: bool,
) -> Result<Response, Error> {
    if let Some(key) = bearer_token(request.headers()) {
        let identity = core.authenticate_api_key(key).await?;
        let actor = actor_of(&identity, facade, request.headers());
        request.extensions_mut().insert(identity);
        return Ok(with_actor(actor, next.run(request)).await);
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
    let session_cookie = jar
        .get(cookies::SESSION)
        .or_else(|| jar.get(cookies::FACADE_SESSION).filter(|_| facade));
    let session = match session_cookie {
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
    } else if facade && let Some((username, secret)) = basic_credentials(request.headers()) {
        let address = client_address(core, request.extensions(), request.headers())?;
        let identity = core.authenticate_basic(&username, secret, &address).await?;
        request.extensions_mut().insert(identity);
    }

    let secure = cookies::wants_secure(core.config(), request.headers());
    let actor = request
        .extensions()
        .get::<Identity>()
        .map(|identity| actor_of(identity, facade, request.headers()));
    let response = match actor {
        Some(actor) => with_actor(actor, next.run(request)).await,
        None => next.run(request).await,
    };
    match minted {
        // The handler (logout) may have cleared the cookies already; it wins.
        Some(issued) if !sets_session_cookie(&response) => {
            let jar = cookies::with_session(CookieJar::new(), &issued, secure);
            Ok((jar, response).into_response())
        }
        _ => Ok(response),
    }
}

/// Who the activity log names for this request's changes.
fn actor_of(identity: &Identity, facade: bool, headers: &HeaderMap) -> Actor {
    Actor::of_request(identity, facade, user_agent(headers).as_deref())
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

/// `Authorization: Basic` as (username, password).
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    use base64::Engine;
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(char::is_whitespace)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (username, password) = decoded.split_once(':')?;
    Some((username.to_string(), password.to_string()))
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

    #[test]
    fn basic_parsing() {
        // "alice:pa:ss" — a password may contain colons.
        let basic = headers(&[("authorization", "Basic YWxpY2U6cGE6c3M=")]);
        assert_eq!(
            basic_credentials(&basic),
            Some(("alice".into(), "pa:ss".into()))
        );
        let bearer = headers(&[("authorization", "Bearer tm_x")]);
        assert_eq!(basic_credentials(&bearer), None);
        let garbage = headers(&[("authorization", "Basic !!!")]);
        assert_eq!(basic_credentials(&garbage), None);
    }
}
