//! RSS feeds: polled on each feed's interval; the items its filter takes
//! are added to its server.

use axum::Json;
use axum::extract::State;
use tm_api_types::{
    ErrorBody, MessageResponse, RssFeed, RssFeedRequest, RssFeedUpdate, RssItem, RssItemsQuery,
    RssPreview, RssPreviewRequest, RssRefreshResponse,
};

use crate::core::{Core, Error};
use crate::http::extract::{ApiJson, CurrentUser};
use crate::http::params::{ApiPath, ApiQuery};

/// Your feeds, newest first.
#[utoipa::path(get, path = "/rss/feeds", tag = "rss",
    responses((status = 200, body = Vec<RssFeed>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
) -> Result<Json<Vec<RssFeed>>, Error> {
    Ok(Json(core.list_rss_feeds(&identity.user).await?))
}

/// Add a feed. It is fetched at the poller's next look (or by
/// `POST /rss/feeds/{id}/refresh`); items already in it at the first fetch
/// are added only when the filter takes them.
#[utoipa::path(post, path = "/rss/feeds", tag = "rss", request_body = RssFeedRequest,
    responses((status = 200, body = RssFeed), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "the egress policy refuses the URL's host (forbidden_target)"),
        (status = 404, body = ErrorBody, description = "server_id is not one of yours (server_not_found)"),
        (status = 422, body = ErrorBody, description = "a bad URL, interval, delay or filter (the field is named)")))]
pub async fn create(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiJson(request): ApiJson<RssFeedRequest>,
) -> Result<Json<RssFeed>, Error> {
    Ok(Json(core.create_rss_feed(&identity.user, request).await?))
}

#[utoipa::path(get, path = "/rss/feeds/{id}", tag = "rss", params(("id" = String, Path)),
    responses((status = 200, body = RssFeed), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "rss_feed_not_found")))]
pub async fn get(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<RssFeed>, Error> {
    Ok(Json(core.get_rss_feed(&identity.user, &id).await?))
}

/// Change the fields given; `filter` replaces the whole filter.
#[utoipa::path(put, path = "/rss/feeds/{id}", tag = "rss", params(("id" = String, Path)),
    request_body = RssFeedUpdate,
    responses((status = 200, body = RssFeed), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody, description = "the egress policy refuses the URL's host (forbidden_target)"),
        (status = 404, body = ErrorBody, description = "rss_feed_not_found or server_not_found"),
        (status = 422, body = ErrorBody)))]
pub async fn update(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(update): ApiJson<RssFeedUpdate>,
) -> Result<Json<RssFeed>, Error> {
    Ok(Json(
        core.update_rss_feed(&identity.user, &id, update).await?,
    ))
}

/// Delete the feed and its items (torrents it added stay).
#[utoipa::path(delete, path = "/rss/feeds/{id}", tag = "rss", params(("id" = String, Path)),
    responses((status = 200, body = MessageResponse), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "rss_feed_not_found")))]
pub async fn delete(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<MessageResponse>, Error> {
    core.delete_rss_feed(&identity.user, &id).await?;
    Ok(Json(MessageResponse::new("RSS feed deleted")))
}

/// Fetch the feed now (conditionally: a 304 is `not_modified`), judge its
/// new items and add this feed's items that are due. A failed fetch is the
/// error of the answer and the feed's `last_error`.
#[utoipa::path(post, path = "/rss/feeds/{id}/refresh", tag = "rss", params(("id" = String, Path)),
    responses((status = 200, body = RssRefreshResponse), (status = 401, body = ErrorBody),
        (status = 400, body = ErrorBody, description = "the feed could not be fetched or read"),
        (status = 403, body = ErrorBody, description = "the egress policy refuses the feed's address (forbidden_target)"),
        (status = 404, body = ErrorBody, description = "rss_feed_not_found")))]
pub async fn refresh(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<RssRefreshResponse>, Error> {
    Ok(Json(core.refresh_rss_feed(&identity.user, &id).await?))
}

/// Which of the feed's stored items a filter would take, and why not the
/// others: the feed's own filter with `{}`, or the one given. Nothing is
/// changed or fetched.
#[utoipa::path(post, path = "/rss/feeds/{id}/preview", tag = "rss", params(("id" = String, Path)),
    request_body = RssPreviewRequest,
    responses((status = 200, body = RssPreview), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "rss_feed_not_found"),
        (status = 422, body = ErrorBody, description = "the filter given is invalid (the field is named)")))]
pub async fn preview(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<RssPreviewRequest>,
) -> Result<Json<RssPreview>, Error> {
    Ok(Json(
        core.preview_rss_feed(&identity.user, &id, request).await?,
    ))
}

/// Your feeds' items, newest first.
#[utoipa::path(get, path = "/rss/items", tag = "rss", params(RssItemsQuery),
    responses((status = 200, body = Vec<RssItem>), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "feed_id is not one of your feeds (rss_feed_not_found)"),
        (status = 422, body = ErrorBody, description = "limit out of 1–500")))]
pub async fn items(
    State(core): State<Core>,
    CurrentUser(identity): CurrentUser,
    ApiQuery(query): ApiQuery<RssItemsQuery>,
) -> Result<Json<Vec<RssItem>>, Error> {
    Ok(Json(core.list_rss_items(&identity.user, &query).await?))
}
