//! The session and remember-me cookies.

use axum::http::HeaderMap;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use crate::config::Config;
use crate::core::{IssuedSession, now_millis};

pub const SESSION: &str = "session";
pub const REMEMBER_ME: &str = "remember_me";
/// qBittorrent's session cookie, used on its API (`/api/v2`).
pub const FACADE_SESSION: &str = "SID";

/// `Secure` when configured, or when the request came over HTTPS (directly or
/// as reported by the proxy in front).
pub fn wants_secure(config: &Config, headers: &HeaderMap) -> bool {
    config.cookie_secure
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|proto| proto.eq_ignore_ascii_case("https"))
}

fn base(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .secure(secure)
        .build()
}

/// Adds the cookies of a new session. The session cookie lives as long as
/// the browser; the remember-me cookie until the token expires.
pub fn with_session(jar: CookieJar, issued: &IssuedSession, secure: bool) -> CookieJar {
    let jar = jar.add(base(SESSION, issued.session_token.clone(), secure));
    match &issued.remember {
        Some((token, expires_at)) => {
            let mut cookie = base(REMEMBER_ME, token.clone(), secure);
            let seconds = ((expires_at - now_millis()) / 1000).max(0);
            cookie.set_max_age(time::Duration::seconds(seconds));
            jar.add(cookie)
        }
        None => jar,
    }
}

/// Adds the cookie of a session opened through qBittorrent's `auth/login`.
pub fn with_facade_session(jar: CookieJar, token: &str, secure: bool) -> CookieJar {
    jar.add(base(FACADE_SESSION, token.to_string(), secure))
}

/// Removes both cookies from the browser, whether or not this request sent them.
pub fn cleared(jar: CookieJar) -> CookieJar {
    removed(jar, &[SESSION, REMEMBER_ME])
}

/// Removes qBittorrent's `SID` cookie.
pub fn cleared_facade(jar: CookieJar) -> CookieJar {
    removed(jar, &[FACADE_SESSION])
}

fn removed(jar: CookieJar, names: &[&'static str]) -> CookieJar {
    names.iter().fold(jar, |jar, &name| {
        let mut removal = Cookie::build((name, "")).path("/").build();
        removal.make_removal();
        jar.add(removal)
    })
}
