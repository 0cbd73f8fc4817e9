//! `torrents/add`, `delete`, `start`/`stop` (and their 4.x names),
//! `recheck`, `reannounce`, `setLocation`, priorities and share limits.

use axum::extract::State;
use axum::response::Response;

use super::error::{QbitResult, fails_text, ok_text};
use super::form::Params;
use super::{QbitError, QbitUser};
use crate::core::{Core, Error, TorrentAction, move_target};
use crate::facade::{AddRequest, Facade, ShareLimits, is_true, split_tags};

/// Multipart `torrents` files and newline-separated `urls`, routed by
/// `category`. `skip_checking`/`seedMode` reach the clients that can skip
/// the check (qBittorrent, Deluge); `root_folder`/`contentLayout` are
/// accepted and left to the client's default layout. `Fails.` when nothing
/// was added.
pub async fn add(
    State(core): State<Core>,
    QbitUser(identity): QbitUser,
    mut params: Params,
) -> QbitResult<Response> {
    let files = std::mem::take(&mut params.files);
    let urls: Vec<String> = params
        .get("urls")
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_string)
        .collect();
    if urls.is_empty() && files.is_empty() {
        return Err(QbitError::bad_request("no torrents or urls"));
    }
    let limits = match (params.get("ratioLimit"), params.get("seedingTimeLimit")) {
        (None, None) => None,
        (ratio, seeding) => Some(ShareLimits::parse(
            ratio.unwrap_or("-2"),
            seeding.unwrap_or("-2"),
            params.get("inactiveSeedingTimeLimit"),
        )?),
    };
    let request = AddRequest {
        files,
        urls,
        category: params.get("category").map(str::to_string),
        tags: split_tags(params.get("tags").unwrap_or_default()),
        save_path: params.get("savepath").map(str::to_string),
        start: !is_true(params.either(&["stopped", "paused"])),
        skip_checking: is_true(params.either(&["skip_checking", "seedMode"])),
        limits,
    };
    let facade = Facade::load(&core, &identity.user).await?;
    let (added, error) = facade.add(request).await?;
    if let Some(error) = &error {
        tracing::info!(target: "facade", %error, added, "an add through the facade failed");
    }
    Ok(if added > 0 { ok_text() } else { fails_text() })
}

pub async fn delete(
    State(core): State<Core>,
    QbitUser(identity): QbitUser,
    params: Params,
) -> QbitResult<Response> {
    let facade = Facade::load(&core, &identity.user).await?;
    let entries = facade.selected(params.required("hashes")?);
    facade
        .delete(&entries, is_true(params.get("deleteFiles")))
        .await?;
    Ok(ok_text())
}

async fn act(
    core: Core,
    identity: QbitUser,
    params: Params,
    action: TorrentAction,
) -> QbitResult<Response> {
    let facade = Facade::load(&core, &identity.0.user).await?;
    let entries = facade.selected(params.required("hashes")?);
    facade.act(&entries, action).await?;
    Ok(ok_text())
}

/// `setForceStart`: with `value=true` a start (there is no queue to force
/// past: queueing is off); `false` leaves the torrent as it is.
pub async fn set_force_start(
    State(core): State<Core>,
    user: QbitUser,
    params: Params,
) -> QbitResult<Response> {
    if is_true(params.get("value")) {
        act(core, user, params, TorrentAction::Start).await
    } else {
        Ok(ok_text())
    }
}

/// `start` and `resume`.
pub async fn start(
    State(core): State<Core>,
    user: QbitUser,
    params: Params,
) -> QbitResult<Response> {
    act(core, user, params, TorrentAction::Start).await
}

/// `stop` and `pause`.
pub async fn stop(
    State(core): State<Core>,
    user: QbitUser,
    params: Params,
) -> QbitResult<Response> {
    act(core, user, params, TorrentAction::Stop).await
}

pub async fn recheck(
    State(core): State<Core>,
    user: QbitUser,
    params: Params,
) -> QbitResult<Response> {
    act(core, user, params, TorrentAction::Recheck).await
}

/// `reannounce` (autobrr's reannounce loop): unknown hashes are ignored, as
/// qBittorrent ignores them.
pub async fn reannounce(
    State(core): State<Core>,
    user: QbitUser,
    params: Params,
) -> QbitResult<Response> {
    act(core, user, params, TorrentAction::Reannounce).await
}

/// `setLocation`: the torrents' data moves into `location`, as qBittorrent
/// moves it (a relative or unclean path is refused with 400 before any move).
pub async fn set_location(
    State(core): State<Core>,
    QbitUser(identity): QbitUser,
    params: Params,
) -> QbitResult<Response> {
    let location = move_target(params.required("location")?)?;
    let facade = Facade::load(&core, &identity.user).await?;
    let entries = facade.selected(params.required("hashes")?);
    facade.move_data(&entries, &location).await?;
    Ok(ok_text())
}

/// Queue positions: queueing is off, so 409 as qBittorrent answers then.
/// The form is read although unused: hyper closes a keep-alive connection
/// whose request body is left unread, and the client's next request on it
/// (Sonarr's, right after topPrio) then fails.
pub async fn priority(_: QbitUser, _form: Params) -> QbitError {
    QbitError(Error::Conflict("Torrent queueing must be enabled".into()))
}

pub async fn set_share_limits(
    State(core): State<Core>,
    QbitUser(identity): QbitUser,
    params: Params,
) -> QbitResult<Response> {
    let limits = ShareLimits::parse(
        params.required("ratioLimit")?,
        params.required("seedingTimeLimit")?,
        params.get("inactiveSeedingTimeLimit"),
    )?;
    let facade = Facade::load(&core, &identity.user).await?;
    let entries = facade.selected(params.required("hashes")?);
    facade.set_share_limits(&entries, limits).await?;
    Ok(ok_text())
}
