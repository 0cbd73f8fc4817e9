use reqwest::StatusCode;

use crate::harness::{Db, TestApp};

#[tokio::test]
async fn openapi_describes_every_endpoint_and_docs_work_offline() {
    let Some(app) = TestApp::try_spawn(Db::Sqlite, |_| {}).await else {
        return;
    };
    let api = app.client();
    let (status, doc) = api.get("/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let expected = [
        ("/health", "get"),
        ("/auth/register", "post"),
        ("/auth/login", "post"),
        ("/auth/logout", "post"),
        ("/auth/me", "get"),
        ("/auth/password", "post"),
        ("/auth/api-keys", "post"),
        ("/auth/api-keys", "get"),
        ("/auth/api-keys/{prefix}", "delete"),
        ("/servers", "post"),
        ("/servers", "get"),
        ("/servers/{id}", "get"),
        ("/servers/{id}", "put"),
        ("/servers/{id}", "delete"),
        ("/servers/{id}/test", "post"),
        ("/servers/{id}/files", "get"),
        ("/servers/{id}/download/{path}", "get"),
        ("/admin/users", "get"),
        ("/admin/users", "post"),
        ("/admin/users/{id}", "put"),
        ("/admin/users/{id}", "delete"),
        ("/admin/users/{id}/engine", "get"),
        ("/admin/users/{id}/engine", "put"),
        ("/admin/settings", "get"),
        ("/admin/settings", "put"),
        ("/torrents", "get"),
        ("/torrents", "post"),
        ("/torrents/upload", "post"),
        ("/torrents/upload/batch", "post"),
        ("/torrents/{info_hash}", "get"),
        ("/torrents/{info_hash}", "delete"),
        ("/torrents/{info_hash}/start", "post"),
        ("/torrents/{info_hash}/stop", "post"),
        ("/torrents/{info_hash}/recheck", "post"),
        ("/torrents/{info_hash}/reannounce", "post"),
        ("/torrents/{info_hash}/location", "post"),
        ("/torrents/{info_hash}/files", "get"),
        ("/torrents/{info_hash}/files", "put"),
        ("/torrents/{info_hash}/peers", "get"),
        ("/torrents/{info_hash}/trackers", "get"),
        ("/torrents/{info_hash}/settings", "get"),
        ("/torrents/{info_hash}/settings", "put"),
        ("/torrents/{info_hash}/download", "get"),
        ("/torrents/{info_hash}/metainfo", "get"),
        ("/torrents/{info_hash}/labels", "get"),
        ("/torrents/{info_hash}/labels", "put"),
        ("/torrents/{info_hash}/labels", "post"),
        ("/torrents/{info_hash}/labels/{label}", "delete"),
        ("/events", "get"),
        ("/torrents/actions", "post"),
        ("/torrents/duplicates", "get"),
        ("/torrents/cross-seed", "get"),
        ("/admin/users/{id}/targets", "get"),
        ("/admin/users/{id}/targets", "put"),
        ("/auth/status", "get"),
        ("/auth/sessions", "get"),
        ("/auth/sessions", "delete"),
        ("/auth/sessions/{id}", "delete"),
        ("/servers/test", "post"),
        ("/clients", "get"),
        ("/categories", "get"),
        ("/categories/{name}", "put"),
        ("/categories/{name}", "delete"),
        ("/metrics", "get"),
        ("/activity", "get"),
        ("/placement", "get"),
        ("/placement", "put"),
        ("/torrents/{info_hash}/move", "post"),
        ("/jobs", "get"),
        ("/jobs/{id}", "get"),
        ("/jobs/{id}/cancel", "post"),
        ("/rules", "get"),
        ("/rules", "post"),
        ("/rules/recipes", "get"),
        ("/rules/{id}", "get"),
        ("/rules/{id}", "put"),
        ("/rules/{id}", "delete"),
        ("/rules/{id}/preview", "post"),
        ("/rules/{id}/run", "post"),
        ("/rules/{id}/history", "get"),
        ("/webhooks", "get"),
        ("/webhooks", "post"),
        ("/webhooks/events", "get"),
        ("/webhooks/{id}", "get"),
        ("/webhooks/{id}", "delete"),
        ("/webhooks/{id}/test", "post"),
        ("/webhooks/{id}/deliveries", "get"),
        ("/rss/feeds", "get"),
        ("/rss/feeds", "post"),
        ("/rss/feeds/{id}", "get"),
        ("/rss/feeds/{id}", "put"),
        ("/rss/feeds/{id}", "delete"),
        ("/rss/feeds/{id}/refresh", "post"),
        ("/rss/feeds/{id}/preview", "post"),
        ("/rss/items", "get"),
    ];
    for (path, method) in expected {
        let operation = &doc["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} is documented");
        let responses = &operation["responses"];
        assert!(
            ["200", "201", "202", "204"]
                .iter()
                .any(|code| responses[code].is_object()),
            "{method} {path} documents its answer"
        );
    }
    let documented: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(
        documented,
        expected.len(),
        "no undocumented extras, nothing missing"
    );
    for schema in [
        "CreateServerRequest",
        "ServerInfo",
        "ApiKeyList",
        "MeResponse",
        "ErrorBody",
        "TorrentInfo",
        "AddTorrentRequest",
        "WebhookCreated",
        "WebhookDelivery",
        "MoveToServerRequest",
        "Job",
        "JobList",
        "RssFeed",
        "RssItem",
        "RssPreview",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "{schema} schema"
        );
    }

    // The metainfo download is a .torrent file; torrents say whether they have one.
    let metainfo = &doc["paths"]["/torrents/{info_hash}/metainfo"]["get"]["responses"]["200"];
    assert!(
        metainfo["content"]["application/x-bittorrent"].is_object(),
        "{metainfo}"
    );
    let torrent = &doc["components"]["schemas"]["TorrentInfo"]["properties"];
    assert_eq!(torrent["has_metainfo"]["type"], "boolean", "{torrent}");

    // A torrent's files: the file, a zip, or their listing; every schema named is there.
    let download = &doc["paths"]["/torrents/{info_hash}/download"]["get"];
    let answers = &download["responses"]["200"]["content"];
    for kind in [
        "application/octet-stream",
        "application/zip",
        "application/json",
    ] {
        assert!(answers[kind].is_object(), "{kind}: {download}");
    }
    for schema in ["TorrentDownloadList", "TorrentDownloadFile"] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "{schema} schema"
        );
    }
    let format = download["parameters"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["name"] == "format"))
        .expect("the format parameter");
    assert!(format.to_string().contains("\"list\""), "{format}");
    assert!(
        !format.to_string().contains("$ref"),
        "inline, not a missing schema: {format}"
    );

    // Testing a saved server takes optional changes, in the update's shape.
    let body = &doc["paths"]["/servers/{id}/test"]["post"]["requestBody"];
    assert_ne!(body["required"], true, "{body}");
    let schema = body["content"]["application/json"]["schema"].to_string();
    assert!(schema.contains("UpdateServerRequest"), "{schema}");
    // Uploads document their save_path field.
    for path in ["/torrents/upload", "/torrents/upload/batch"] {
        let body = doc["paths"][path]["post"]["requestBody"].to_string();
        assert!(body.contains("save_path"), "{path}: {body}");
    }

    let page = api
        .http
        .get(format!("{}/docs/", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger"), "Swagger UI page");
    assert!(!html.contains("https://"), "no external resources");
    let (status, body) = api.get("/no/such/path").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["detail"], "Not Found");
}
