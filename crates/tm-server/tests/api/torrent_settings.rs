//! `GET/PUT /torrents/{hash}/settings` on every real client: speed limits
//! and priority read back from the client where it holds them (refused as
//! `client_unsupported` where not), `null` clears each value, and a seeding
//! goal is enforced by torrent-manager (the torrent is stopped); on
//! Transmission the ratio and idle goals are its own too.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};
use tm_backends::{BackendConfig, Connection};
use tm_testkit::TestTorrent;

use crate::daemons::{client_and_app, register, seed, wait_until};
use crate::harness::Api;

/// rTorrent (with DHT off) drops torrents that name no tracker.
const TRACKER: &str = "http://127.0.0.1:1/announce";

/// 1000 KiB/s and 500 KiB/s: whole units on every client (Transmission's
/// kB of 1000 bytes, Deluge's KiB, qBittorrent's bytes).
const DOWN: u64 = 1_024_000;
const UP: u64 = 512_000;

async fn put(api: &Api, path: &str, body: Value) -> Value {
    let (status, answer) = api.put(path, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}: {answer}");
    answer
}

/// The same answer as the PUT gave, read again.
async fn get(api: &Api, path: &str) -> Value {
    let (status, answer) = api.get(path).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    answer
}

/// `fields` of the torrent as Transmission's own `torrent-get` has them.
async fn transmission_fields(config: &BackendConfig, hash: &str, fields: &[&str]) -> Value {
    let Connection::Transmission { endpoint, login } = &config.connection else {
        panic!("not Transmission");
    };
    let path = endpoint.path.as_deref().unwrap_or("/transmission/rpc");
    let url = format!("http://{}:{}{path}", endpoint.host, endpoint.port);
    let body = json!({"method": "torrent-get", "arguments": {"ids": [hash], "fields": fields}});
    let http = reqwest::Client::new();
    let send = |session: String| {
        let mut request = http
            .post(&url)
            .header("X-Transmission-Session-Id", session)
            .json(&body);
        if let Some(login) = login {
            request = request.basic_auth(&login.username, Some(login.password.expose()));
        }
        request.send()
    };
    let mut answer = send(String::new()).await.unwrap();
    if answer.status() == StatusCode::CONFLICT {
        let session = answer.headers()["X-Transmission-Session-Id"]
            .to_str()
            .unwrap()
            .to_owned();
        answer = send(session).await.unwrap();
    }
    let answer: Value = answer.json().await.unwrap();
    answer["arguments"]["torrents"][0].clone()
}

async fn refused(api: &Api, path: &str, body: Value) {
    let (status, answer) = api.put(path, body.clone()).await;
    assert_eq!(
        (status, answer["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("client_unsupported")),
        "{body}: {answer}"
    );
}

tm_testkit::for_every_client! {
    async fn torrent_settings_are_held_by_the_client_or_refused(daemon: ClientUnderTest) {
        let Some((client, app)) = client_and_app(daemon, |_| {}).await else { return };
        let api = app.user("alice").await;
        let server_id = register(&api, "box", &client.config).await;
        let torrent = TestTorrent::single_file(&client.download_dir, "tuned.bin", 50_000, Some(TRACKER)).unwrap();
        seed(&api, &server_id, &torrent, "").await;
        let hash = &torrent.info_hash;
        let path = format!("/torrents/{hash}/settings?server_id={server_id}");

        let kind = daemon.kind();
        // librqbit has no per-torrent limits either.
        let limits = !matches!(
            kind,
            tm_backends::ClientKind::Rtorrent | tm_backends::ClientKind::Rqbit | tm_backends::ClientKind::Embedded
        );
        let transmission = kind == tm_backends::ClientKind::Transmission;
        let priority = transmission || kind == tm_backends::ClientKind::Rtorrent;
        let fresh = get(&api, &path).await;
        assert_eq!(fresh["info_hash"], json!(hash));
        assert_eq!(fresh["server_id"], json!(server_id));
        assert_eq!(
            fresh["capabilities"],
            json!({"speed_limits": limits, "priority": priority, "native_seeding_goals": transmission}),
            "{fresh}"
        );
        assert_eq!(
            (&fresh["download_limit"], &fresh["upload_limit"]),
            (&Value::Null, &Value::Null),
            "{fresh}"
        );
        assert_eq!(fresh["seeding"], json!({"ratio": null, "seeding_time": null, "inactive_time": null, "action": "stop"}));
        let (_, server) = api.get(&format!("/servers/{server_id}")).await;
        assert_eq!(server["capabilities"]["speed_limits"], limits, "{server}");
        assert_eq!(server["capabilities"]["bandwidth_priority"], priority, "{server}");

        if limits {
            let set = put(&api, &path, json!({"download_limit": DOWN, "upload_limit": UP})).await;
            assert_eq!((&set["download_limit"], &set["upload_limit"]), (&json!(DOWN), &json!(UP)), "{set}");
            assert_eq!(get(&api, &path).await, set);
            // `null` lifts one limit; the other stays.
            let lifted = put(&api, &path, json!({"download_limit": null})).await;
            assert_eq!((&lifted["download_limit"], &lifted["upload_limit"]), (&Value::Null, &json!(UP)), "{lifted}");
        } else {
            refused(&api, &path, json!({"download_limit": DOWN})).await;
            // Nothing of a refused update is kept, not even its goals.
            refused(&api, &path, json!({"upload_limit": UP, "seeding": {"ratio": 3}})).await;
            assert_eq!(get(&api, &path).await["seeding"]["ratio"], Value::Null);
        }
        if priority {
            let high = put(&api, &path, json!({"priority": "high"})).await;
            assert_eq!(high["priority"], "high", "{high}");
            let low = put(&api, &path, json!({"priority": "low"})).await;
            assert_eq!(get(&api, &path).await["priority"], "low", "{low}");
            let normal = put(&api, &path, json!({"priority": null})).await;
            assert_eq!(normal["priority"], "normal", "{normal}");
        } else {
            assert_eq!(fresh["priority"], Value::Null, "{fresh}");
            refused(&api, &path, json!({"priority": "high"})).await;
        }
        let (status, body) = api.put(&path, json!({"download_limit": 0})).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_input")), "{body}");
        let (status, body) = api.get(&format!("/torrents/{}/settings?server_id={server_id}", "0".repeat(40))).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");

        // Goals are kept by torrent-manager; `null` clears one, the rest stay.
        let goals = put(&api, &path, json!({"seeding": {"ratio": 50, "seeding_time": 86_400, "inactive_time": 90}})).await;
        assert_eq!(goals["seeding"], json!({"ratio": 50.0, "seeding_time": 86_400, "inactive_time": 120, "action": "stop"}), "{goals}");
        // Transmission holds the ratio and idle goals itself as well.
        let native = ["seedRatioMode", "seedRatioLimit", "seedIdleMode", "seedIdleLimit"];
        if transmission {
            let held = transmission_fields(&client.config, hash, &native).await;
            assert_eq!(
                (&held["seedRatioMode"], held["seedRatioLimit"].as_f64(), &held["seedIdleMode"], &held["seedIdleLimit"]),
                (&json!(1), Some(50.0), &json!(1), &json!(2)),
                "{held}"
            );
        }
        let cleared = put(&api, &path, json!({"seeding": {"inactive_time": null}})).await;
        assert_eq!(cleared["seeding"]["inactive_time"], Value::Null, "{cleared}");
        assert_eq!(cleared["seeding"]["seeding_time"], 86_400, "{cleared}");
        if transmission {
            let held = transmission_fields(&client.config, hash, &native).await;
            assert_eq!((&held["seedRatioMode"], &held["seedIdleMode"]), (&json!(1), &json!(2)), "{held}");
        }

        // A ratio goal of 0 is reached at once: torrent-manager stops it.
        put(&api, &path, json!({"seeding": {"ratio": 0}})).await;
        let stopped = wait_until(Duration::from_secs(30), || async {
            let (_, t) = api.get(&format!("/torrents/{hash}?server_id={server_id}")).await;
            (t["state"] == "paused").then_some(())
        })
        .await;
        let (_, now) = api.get(&format!("/torrents/{hash}")).await;
        assert!(stopped.is_some(), "not stopped at its goal: {now}");

        let (_, activity) = api.get(&format!("/activity?info_hash={hash}")).await;
        let items = activity["items"].as_array().unwrap();
        assert!(items.iter().any(|i| i["action"] == "settings" && i["success"] == true), "{activity}");
    }
}
