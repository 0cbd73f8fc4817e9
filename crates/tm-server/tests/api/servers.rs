use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::{on_both_databases, spawn};

on_both_databases! {
    async fn server_crud(db: Db) {
        let app = spawn!(db);
        let api = app.user("alice").await;
        let (status, first) = api.post("/servers", json!({
            "name": "My rTorrent Seedbox", "server_type": "rtorrent", "host": "127.0.0.1", "port": 8080,
            "rpc_path": "/RPC2", "username": "rpc_user", "password": "rpc_password"})).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        let id = first["id"].as_str().unwrap().to_string();
        assert_eq!(first["name"], "My rTorrent Seedbox");
        assert_eq!(first["server_type"], "rtorrent");
        assert_eq!(first["transport"], "http", "rpc_path implies HTTP");
        assert_eq!(first["username"], "rpc_user");
        assert_eq!(first["has_password"], true);
        assert!(first.get("password").is_none(), "passwords are write-only: {first}");
        assert!(!first.to_string().contains("rpc_password"));
        assert_eq!(first["enabled"], true);
        assert_eq!(first["is_default"], true, "a user's first server is the default");
        assert_eq!(first["http_enabled"], false);

        let (status, scgi) = api.post("/servers", json!({"name": "scgi", "server_type": "rtorrent", "host": "127.0.0.1", "port": 5000})).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(scgi["transport"], "scgi", "rTorrent without rpc_path speaks SCGI");
        assert_eq!(scgi["is_default"], false);
        assert_eq!(scgi["has_password"], false);
        let (status, unix) = api.post("/servers", json!({"name": "unix", "server_type": "rtorrent", "socket_path": "/run/rtorrent.sock"})).await;
        assert_eq!(status, StatusCode::OK, "{unix}");
        assert_eq!(unix["transport"], "scgi_unix");

        let (status, list) = api.get("/servers").await;
        assert_eq!(status, StatusCode::OK);
        let names: Vec<&str> = list.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["My rTorrent Seedbox", "scgi", "unix"]);
        let (status, got) = api.get(&format!("/servers/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(without_health(got), without_health(first.clone()));

        // Only the fields sent change.
        let (status, updated) = api.put(&format!("/servers/{id}"), json!({"name": "Renamed rTorrent Seedbox", "enabled": false})).await;
        assert_eq!(status, StatusCode::OK, "{updated}");
        assert_eq!(updated["name"], "Renamed rTorrent Seedbox");
        assert_eq!(updated["enabled"], false);
        assert_eq!(updated["host"], "127.0.0.1");
        assert_eq!(updated["username"], "rpc_user");
        assert_eq!(updated["has_password"], true);
        // An explicit null clears a nullable field; the password too.
        let (status, cleared) = api.put(&format!("/servers/{id}"), json!({"username": null, "password": null, "http_port": 8081})).await;
        assert_eq!(status, StatusCode::OK, "{cleared}");
        assert!(cleared["username"].is_null());
        assert_eq!(cleared["has_password"], false);
        assert_eq!(cleared["http_port"], 8081);
        assert_eq!(cleared["http_enabled"], true);
        let (status, cleared) = api.put(&format!("/servers/{id}"), json!({"http_port": null, "http_password": "web"})).await;
        assert_eq!(status, StatusCode::OK);
        assert!(cleared["http_port"].is_null());
        assert_eq!(cleared["has_http_password"], true);
        for body in [json!({"name": null}), json!({"name": "  "}), json!({"enabled": null}), json!({"port": 0}),
                     json!({"port": 70000}), json!({"rpc_path": "RPC2"}), json!({"server_type": "utorrent"})] {
            let (status, answer) = api.put(&format!("/servers/{id}"), body.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {answer}");
        }

        // Moving the default clears it elsewhere.
        let scgi_id = scgi["id"].as_str().unwrap();
        let (_, moved) = api.put(&format!("/servers/{scgi_id}"), json!({"is_default": true})).await;
        assert_eq!(moved["is_default"], true);
        assert_eq!(defaults(&api).await, ["scgi"]);
        // Deleting the default hands the role to the oldest remaining server.
        let (status, deleted) = api.delete(&format!("/servers/{scgi_id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(deleted["status"], "deleted");
        assert!(deleted["message"].as_str().unwrap().contains("deleted"));
        assert_eq!(defaults(&api).await, ["Renamed rTorrent Seedbox"]);
        assert_eq!(api.get(&format!("/servers/{scgi_id}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(api.delete(&format!("/servers/{scgi_id}")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(api.put(&format!("/servers/{scgi_id}"), json!({"name": "x"})).await.0, StatusCode::NOT_FOUND);
    }

    async fn server_input_is_validated(db: Db) {
        let app = spawn!(db);
        let api = app.user("alice").await;
        let cases = [
            (json!({"name": "x", "server_type": "utorrent", "host": "127.0.0.1", "port": 1}), "server_type"),
            (json!({"server_type": "transmission", "host": "127.0.0.1", "port": 1}), "name"),
            (json!({"name": "x", "server_type": "transmission", "port": 9091}), "host"),
            (json!({"name": "x", "server_type": "transmission", "host": "127.0.0.1"}), "port"),
            (json!({"name": "x", "server_type": "transmission", "host": "127.0.0.1", "port": 99999}), "port"),
            (json!({"name": "x", "server_type": "transmission", "host": "127.0.0.1", "port": "9091"}), "port"),
            (json!({"name": "x", "server_type": "transmission", "host": "a b", "port": 9091}), "host"),
            (json!({"name": "x", "server_type": "transmission", "host": "127.0.0.1", "port": 9091, "transport": "scgi"}), "http"),
            (json!({"name": "x", "server_type": "qbittorrent", "host": "127.0.0.1", "port": 8080, "transport": "scgi"}), "qBittorrent is reached over http, not scgi"),
            (json!({"name": "x", "server_type": "deluge", "host": "127.0.0.1", "port": 58846, "transport": "scgi_unix"}), "deluge_rpc or http"),
            (json!({"name": "x", "server_type": "rtorrent", "transport": "scgi_unix"}), "socket_path"),
            (json!({"name": "x", "server_type": "rtorrent", "socket_path": "relative.sock"}), "absolute"),
            (json!({"name": "x", "server_type": "rtorrent", "host": "127.0.0.1", "port": 1, "rpc_path": "RPC2"}), "rpc_path"),
        ];
        for (body, expected) in cases {
            let (status, answer) = api.post("/servers", body.clone()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {answer}");
            let detail = answer["detail"].as_str().unwrap();
            assert!(detail.contains(expected), "{body}: {detail:?} should mention {expected:?}");
        }
        let (_, list) = api.get("/servers").await;
        assert_eq!(list, json!([]));
        assert_eq!(app.client().get("/servers").await.0, StatusCode::UNAUTHORIZED);
    }

    async fn client_kinds_come_from_one_table(db: Db) {
        let app = spawn!(db);
        let api = app.user("alice").await;
        let (status, kinds) = api.get("/clients").await;
        assert_eq!(status, StatusCode::OK, "{kinds}");
        let summary: Vec<(String, Vec<String>)> = kinds.as_array().unwrap().iter().map(|kind| (
            kind["server_type"].as_str().unwrap().to_string(),
            kind["transports"].as_array().unwrap().iter().map(|t| t["transport"].as_str().unwrap().to_string()).collect(),
        )).collect();
        let expected: Vec<(String, Vec<String>)> = [
            ("rtorrent", vec!["scgi", "http", "scgi_unix"]),
            ("transmission", vec!["http"]),
            ("qbittorrent", vec!["http"]),
            ("deluge", vec!["deluge_rpc", "http"]),
            ("embedded", vec!["in_process"]),
            ("rqbit", vec!["http"]),
        ].into_iter().map(|(k, t)| (k.to_string(), t.into_iter().map(String::from).collect())).collect();
        assert_eq!(summary, expected);
        assert_eq!(kinds[3]["name"], "Deluge");
        assert_eq!(kinds[3]["transports"][0]["default_port"], 58846);
        assert_eq!(kinds[3]["transports"][1]["default_path"], "/json");
        assert_eq!(app.client().get("/clients").await.0, StatusCode::UNAUTHORIZED);

        // The transport the other fields imply, per kind.
        for (body, transport) in [
            (json!({"name": "d", "server_type": "deluge", "host": "127.0.0.1", "port": 58846}), "deluge_rpc"),
            (json!({"name": "w", "server_type": "deluge", "host": "127.0.0.1", "port": 8112, "rpc_path": "/json"}), "http"),
            (json!({"name": "q", "server_type": "qbittorrent", "host": "127.0.0.1", "port": 8080}), "http"),
        ] {
            let (status, server) = api.post("/servers", body.clone()).await;
            assert_eq!(status, StatusCode::OK, "{body} -> {server}");
            assert_eq!(server["transport"], transport, "{body}");
        }
    }


    async fn testing_a_server_reports_why_it_fails(db: Db) {
        let app = spawn!(db, |config: &mut tm_server::Config| {
            config.client_timeout = std::time::Duration::from_secs(1);
        });
        let api = app.user("alice").await;
        // Accepts connections but never answers.
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let silent_port = silent.local_addr().unwrap().port();
        let closed_port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            probe.local_addr().unwrap().port()
        };
        for (port, reason) in [(silent_port, "no answer within"), (closed_port, "refused")] {
            let (_, server) = api.post("/servers", json!({"name": format!("p{port}"), "server_type": "transmission", "host": "127.0.0.1", "port": port})).await;
            let started = std::time::Instant::now();
            let (status, result) = api.post(&format!("/servers/{}/test", server["id"].as_str().unwrap()), json!({})).await;
            assert_eq!(status, StatusCode::OK, "{result}");
            assert_eq!(result["status"], "failed", "{result}");
            let message = result["message"].as_str().unwrap();
            assert!(message.contains(&format!("p{port}")) && message.contains(reason), "{message}");
            assert!(started.elapsed() < std::time::Duration::from_secs(3), "bounded by the client timeout");
        }
        drop(silent);
        assert_eq!(api.post("/servers/nope/test", json!({})).await.0, StatusCode::NOT_FOUND);
    }

}

/// A server without the fields that follow its live polling.
fn without_health(mut server: Value) -> Value {
    for field in [
        "status",
        "last_error",
        "last_success_at",
        "client_version",
        "torrent_count",
    ] {
        server.as_object_mut().unwrap().remove(field);
    }
    server
}

async fn defaults(api: &crate::harness::Api) -> Vec<String> {
    let (_, list) = api.get("/servers").await;
    list.as_array()
        .unwrap()
        .iter()
        .filter(|s| s["is_default"] == Value::Bool(true))
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

/// rTorrent behind HTTPS with a self-signed certificate: refused unless the
/// server's opt-in says to accept it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_signed_certificate_is_accepted_only_when_asked() {
    use tm_testkit::{NginxScgiProxy, RtorrentDaemon, ScgiListener, daemon_available};
    if !daemon_available("rtorrent") || !daemon_available("nginx") {
        return;
    }
    let rtorrent = RtorrentDaemon::start(ScgiListener::Tcp).await.unwrap();
    let proxy = NginxScgiProxy::start_tls(rtorrent.scgi_port.unwrap())
        .await
        .unwrap();
    let app = crate::harness::TestApp::try_spawn(crate::harness::Db::Sqlite, |_| {})
        .await
        .unwrap();
    let api = app.user("alice").await;

    let (_, strict) = api
        .post(
            "/servers",
            tm_testkit::server_body("strict", &proxy.config()),
        )
        .await;
    let (_, tested) = api
        .post(
            &format!("/servers/{}/test", strict["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(tested["status"], "failed", "{tested}");
    assert!(
        tested["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("certificate"),
        "{tested}"
    );

    let trusting = tm_testkit::trusting_any_certificate(&proxy.config());
    let id = crate::daemons::register(&api, "trusting", &trusting).await;
    let (_, server) = api.get(&format!("/servers/{id}")).await;
    assert_eq!(server["use_ssl"], true);
    assert_eq!(server["tls_accept_invalid_certs"], true);
    assert_eq!(server["status"], "connected", "{server}");
}
