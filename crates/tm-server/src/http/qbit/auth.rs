//! `auth/login` and `auth/logout`: a real torrent-manager session in
//! qBittorrent's `SID` cookie. The password may be an API key.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::CookieJar;

use super::error::{QbitResult, fails_text, ok_text};
use super::form::Params;
use super::{QbitError, QbitUser};
use crate::core::{Core, Error};
use crate::http::authenticate::user_agent;
use crate::http::cookies;
use crate::http::extract::ClientAddress;

/// `Ok.` with the `SID` cookie, or `Fails.` (200, as qBittorrent 5.0);
/// too many failures: 403, as qBittorrent's ban.
pub async fn login(
    State(core): State<Core>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    jar: CookieJar,
    params: Params,
) -> QbitResult<Response> {
    let username = params.get("username").unwrap_or_default();
    let password = params.get("password").unwrap_or_default().to_string();
    let agent = user_agent(&headers);
    match core
        .login_with_secret(username, password, &address, agent.as_deref())
        .await
    {
        Ok(issued) => {
            let secure = cookies::wants_secure(core.config(), &headers);
            let jar = cookies::with_facade_session(jar, &issued.session_token, secure);
            Ok((jar, ok_text()).into_response())
        }
        Err(Error::Unauthorized(_)) => Ok(fails_text()),
        Err(other) => Err(QbitError(other)),
    }
}

/// Ends the session and removes the cookie.
pub async fn logout(
    State(core): State<Core>,
    jar: CookieJar,
    QbitUser(identity): QbitUser,
) -> QbitResult<Response> {
    core.logout(&identity).await?;
    Ok((cookies::cleared_facade(jar), ok_text()).into_response())
}
