//! The HTTP API: routes, the OpenAPI document and cross-cutting layers.

mod authenticate;
mod cookies;
mod error;
mod extract;
mod gzip_stream;
mod handlers;
mod host;
mod metrics;
mod openapi_errors;
mod openapi_json;
mod params;
mod precompressed;
mod qbit;
mod ui;

pub use host::warn_about_host_names;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware;
use axum::routing::get;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

use crate::core::{Core, Error};
use handlers::{
    activity, admin, api_keys, auth, categories, events, fleet, health, jobs, metainfo, placement,
    rss, rules, server_files, servers, targets, torrent_download, torrent_settings, torrents,
    webhooks,
};

/// JSON bodies are small; uploads get their own limit where they are accepted.
const MAX_JSON_BODY: usize = 1024 * 1024;
/// One .torrent (10 MiB) plus multipart framing.
const MAX_UPLOAD_BODY: usize = 10 * 1024 * 1024 + 64 * 1024;
const MAX_BATCH_UPLOAD_BODY: usize = 64 * 1024 * 1024;
/// Swagger UI loads only its own files; nobody may frame it.
const DOCS_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
     script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

#[derive(OpenApi)]
#[openapi(
    info(title = "torrent-manager", description = "One API for all your BitTorrent clients.\n\n\
        The qBittorrent WebAPI v2 is also served, under `/api/v2/`, over all your servers, for \
        Sonarr, Radarr, autobrr and cross-seed: it is qBittorrent's documented API (the README \
        lists what is served), so it is not repeated here."),
    modifiers(&SecuritySchemes),
    tags(
        (name = "auth", description = "Accounts and sessions"),
        (name = "api-keys", description = "API keys for scripts"),
        (name = "servers", description = "The torrent clients you manage"),
        (name = "torrents", description = "Torrents across all your servers"),
        (name = "categories", description = "Where the torrents Sonarr or Radarr add through /api/v2 go, per category"),
        (name = "activity", description = "Who changed what, when, and how it went"),
        (name = "jobs", description = "Moving a torrent with its data to another server, and following it"),
        (name = "placement", description = "Where server_id \"auto\" puts a new torrent: your ordered placement rules"),
        (name = "rules", description = "Automation: conditions over your torrents, actions run in the background"),
        (name = "rss", description = "RSS and Atom feeds: the items your filters take are added automatically"),
        (name = "webhooks", description = "Lifecycle events POSTed as signed JSON to your URLs"),
        (name = "admin", description = "Users and instance settings (admins only)"),
        (name = "metrics", description = "Prometheus metrics (admins, or anyone with --metrics-public)"),
        (name = "health", description = "Liveness")
    )
)]
struct ApiDoc;

struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(cookies::SESSION))),
        );
    }
}

/// The whole application, ready to serve.
pub fn router(core: Core) -> Router {
    let (api, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(auth::register))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::change_password))
        .routes(routes!(auth::status))
        .routes(routes!(auth::list_sessions, auth::end_other_sessions))
        .routes(routes!(auth::end_session))
        .routes(routes!(api_keys::create, api_keys::list))
        .routes(routes!(api_keys::revoke))
        .routes(routes!(servers::client_kinds))
        .routes(routes!(servers::create, servers::list))
        .routes(routes!(servers::get, servers::update, servers::delete))
        .routes(routes!(servers::test))
        .routes(routes!(servers::test_settings))
        .routes(routes!(server_files::list))
        .routes(routes!(server_files::download))
        .routes(routes!(admin::list_users, admin::create_user))
        .routes(routes!(admin::update_user, admin::delete_user))
        .routes(routes!(admin::get_settings, admin::put_settings))
        .routes(routes!(targets::get_targets, targets::set_targets))
        .routes(routes!(admin::get_engine_access, admin::set_engine_access))
        .routes(routes!(torrents::list, torrents::add))
        .routes(routes!(torrents::get, torrents::remove))
        .routes(routes!(torrents::bulk))
        .routes(routes!(fleet::duplicates))
        .routes(routes!(fleet::cross_seed))
        .routes(routes!(torrents::start))
        .routes(routes!(torrents::stop))
        .routes(routes!(torrents::recheck))
        .routes(routes!(torrents::reannounce))
        .routes(routes!(torrents::move_data))
        .routes(routes!(torrents::files, torrents::set_files))
        .routes(routes!(torrents::peers))
        .routes(routes!(torrents::trackers))
        .routes(routes!(torrent_settings::get, torrent_settings::put))
        .routes(routes!(torrent_download::download))
        .routes(routes!(metainfo::download))
        .routes(routes!(
            torrents::get_labels,
            torrents::set_labels,
            torrents::add_label
        ))
        .routes(routes!(torrents::remove_label))
        .routes(routes!(categories::list))
        .routes(routes!(categories::put, categories::delete))
        .routes(routes!(placement::get, placement::set))
        .routes(routes!(jobs::move_to_server))
        .routes(routes!(jobs::list))
        .routes(routes!(jobs::get))
        .routes(routes!(jobs::cancel))
        .routes(routes!(rules::list, rules::create))
        .routes(routes!(rules::recipes))
        .routes(routes!(rules::get, rules::update, rules::delete))
        .routes(routes!(rules::preview))
        .routes(routes!(rules::run))
        .routes(routes!(rules::history))
        .routes(routes!(rss::list, rss::create))
        .routes(routes!(rss::get, rss::update, rss::delete))
        .routes(routes!(rss::refresh))
        .routes(routes!(rss::preview))
        .routes(routes!(rss::items))
        .routes(routes!(webhooks::list, webhooks::create))
        .routes(routes!(webhooks::events))
        .routes(routes!(webhooks::get, webhooks::delete))
        .routes(routes!(webhooks::test))
        .routes(routes!(webhooks::deliveries))
        .routes(routes!(events::events))
        .routes(routes!(activity::list))
        .routes(routes!(metrics::metrics))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(torrents::upload))
                .layer(DefaultBodyLimit::max(MAX_UPLOAD_BODY)),
        )
        .merge(
            OpenApiRouter::new()
                .routes(routes!(torrents::upload_batch))
                .layer(DefaultBodyLimit::max(MAX_BATCH_UPLOAD_BODY)),
        )
        .split_for_parts();
    let mut openapi = openapi;
    openapi_errors::add_standard_errors(&mut openapi);
    server_files::document_wildcard(&mut openapi);

    // Serialized once and only that kept, compressed: the document's
    // structures take megabytes for the process's lifetime (measured with
    // heaptrack).
    let openapi_json = openapi_json::OpenApiJson::new(
        &serde_json::to_vec(&openapi).expect("an OpenAPI document always serializes"),
    );
    drop(openapi);
    let docs = Router::from(
        SwaggerUi::new("/docs").config(utoipa_swagger_ui::Config::from("/openapi.json")),
    )
    .route(
        "/openapi.json",
        get(move |request: HeaderMap| {
            let doc = openapi_json.clone();
            async move { doc.response(&request) }
        }),
    )
    .layer(SetResponseHeaderLayer::overriding(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOCS_CSP),
    ));
    let body_idle_timeout = core.config().body_idle_timeout;
    api.merge(docs)
        .nest(qbit::PREFIX, qbit::router())
        .route("/", get(ui::index))
        .route("/app/{*path}", get(ui::asset))
        .fallback(|| async { Error::NotFound("Not Found".into()) })
        .layer(middleware::from_fn_with_state(
            core.clone(),
            authenticate::authenticate,
        ))
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
        // A body that stops arriving (slowloris on uploads) is abandoned.
        .layer(RequestBodyTimeoutLayer::new(body_idle_timeout))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // Large torrent lists compress well; event streams and file
        // downloads (their lengths and ranges are the file's) are left alone.
        .layer(
            CompressionLayer::new().compress_when(DefaultPredicate::new().and(
                |_, _, headers: &HeaderMap, _: &_| {
                    !headers.contains_key(header::CONTENT_DISPOSITION)
                },
            )),
        )
        .layer(TraceLayer::new_for_http())
        .layer(middleware::from_fn_with_state(
            core.clone(),
            metrics::record_request,
        ))
        // Outermost: a request for a foreign host name is not even authenticated.
        .layer(middleware::from_fn_with_state(
            core.clone(),
            host::check_host,
        ))
        .with_state(core)
}
