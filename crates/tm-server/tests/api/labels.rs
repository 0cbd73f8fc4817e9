//! What the clients make of labels, for assertions that follow each client.

use reqwest::StatusCode;
use serde_json::{Value, json};
pub use tm_api_types::LabelSupport;
use tm_backends::ClientKind;

use crate::daemons::ClientUnderTest;
use crate::harness::Api;

/// How many labels a torrent can have on the server, as `GET /servers/{id}`
/// reports it in `capabilities.labels`.
pub fn label_support(server: &Value) -> LabelSupport {
    serde_json::from_value(server["capabilities"]["labels"].clone())
        .unwrap_or_else(|e| panic!("capabilities.labels ({e}): {server}"))
}

/// `labels` as the client holds them: qBittorrent keeps a torrent's tags
/// sorted, the others keep the order they were given.
pub fn held(client: ClientUnderTest, labels: &[&str]) -> Value {
    let mut labels = labels.to_vec();
    if client.kind() == ClientKind::Qbittorrent {
        labels.sort_unstable();
    }
    json!(labels)
}

/// Replacing, adding and removing labels through the API, as far as the
/// client holds them; the answers are what the client then holds.
pub async fn label_edits(api: &Api, hash: &str, client: ClientUnderTest, support: LabelSupport) {
    let path = format!("/torrents/{hash}/labels");
    match support {
        LabelSupport::Many => {
            let (status, labels) = api.put(&path, json!({"labels": ["movies", "4k"]})).await;
            assert_eq!(status, StatusCode::OK, "{labels}");
            assert_eq!(labels["labels"], held(client, &["movies", "4k"]));
            let (_, labels) = api.post(&path, json!({"label": "keep"})).await;
            assert_eq!(labels["labels"], held(client, &["movies", "4k", "keep"]));
            let (_, labels) = api.delete(&format!("{path}/4k")).await;
            assert_eq!(labels["labels"], held(client, &["movies", "keep"]));
        }
        LabelSupport::Single => {
            // Deluge: one label, in lower case, of a-z 0-9 _ - . only.
            let (status, labels) = api.put(&path, json!({"labels": ["Movies"]})).await;
            assert_eq!(status, StatusCode::OK, "{labels}");
            assert_eq!(labels["labels"], json!(["movies"]));
            for refused in [json!(["movies", "4k"]), json!(["hd x"])] {
                let (status, body) = api.put(&path, json!({"labels": refused})).await;
                assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}: {body}");
            }
            let (status, body) = api.post(&path, json!({"label": "keep"})).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "a second label: {body}");
            let (_, labels) = api.delete(&format!("{path}/movies")).await;
            assert_eq!(labels["labels"], json!([]));
            let (_, labels) = api.post(&path, json!({"label": "keep"})).await;
            assert_eq!(labels["labels"], json!(["keep"]));
        }
        LabelSupport::None => {
            // rqbit: refused, none kept.
            let (status, body) = api.put(&path, json!({"labels": ["movies"]})).await;
            assert_eq!(
                (status, body["code"].as_str()),
                (StatusCode::UNPROCESSABLE_ENTITY, Some("client_unsupported")),
                "{body}"
            );
            let (_, labels) = api.get(&path).await;
            assert_eq!(labels["labels"], json!([]), "{labels}");
            return;
        }
    }
    let (_, labels) = api.get(&path).await;
    let kept: &[&str] = if support == LabelSupport::Many {
        &["movies", "keep"]
    } else {
        &["keep"]
    };
    assert_eq!(labels["labels"], held(client, kept));
    let (status, _) = api.put(&path, json!({"labels": ["a,b"]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
