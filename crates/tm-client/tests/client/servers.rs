use tm_client::{
    ConnectionStatus, CreateServerRequest, Error, Patch, ServerType, UpdateServerRequest,
};
use tm_testkit::{TransmissionDaemon, daemon_available, server_body};

use crate::harness::TestServer;

/// A Transmission server on a loopback port where nothing listens.
pub fn unreachable_transmission(name: &str) -> CreateServerRequest {
    CreateServerRequest {
        username: Some("admin".into()),
        password: Some("secret".into()),
        ..CreateServerRequest::new(name, ServerType::Transmission, "127.0.0.1", 1)
    }
}

/// The `POST /servers` request that reaches `daemon`.
fn request_for(daemon: &TransmissionDaemon, name: &str) -> CreateServerRequest {
    serde_json::from_value(server_body(name, &daemon.config())).expect("a server request")
}

#[tokio::test]
async fn servers_add_list_get_update_clear_test_delete() {
    let server = TestServer::start().await;
    let alice = server.user("alice").await;

    let added = alice
        .add_server(&unreachable_transmission("box"))
        .await
        .unwrap();
    assert_eq!(added.name, "box");
    assert_eq!(added.username.as_deref(), Some("admin"));
    assert!(added.has_password);

    let kinds = alice.client_kinds().await.unwrap();
    let names: Vec<&str> = kinds.iter().map(|kind| kind.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "rTorrent",
            "Transmission",
            "qBittorrent",
            "Deluge",
            "Embedded engine",
            "rqbit"
        ]
    );
    assert!(kinds[..4].iter().all(|kind| kind.addable) && !kinds[4].addable && kinds[5].addable);
    assert_eq!(kinds[1].transports[0].default_port, Some(9091));

    let listed = alice.list_servers().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].id, added.id);
    assert_eq!(alice.get_server(&added.id).await.unwrap().name, "box");

    // Set one field, clear two, leave the rest.
    let changes = UpdateServerRequest {
        name: Patch::Set("renamed".into()),
        username: Patch::Clear,
        password: Patch::Clear,
        ..Default::default()
    };
    let updated = alice.update_server(&added.id, &changes).await.unwrap();
    assert_eq!(updated.name, "renamed");
    assert_eq!(updated.username, None);
    assert!(!updated.has_password);
    assert_eq!(updated.port, 1, "fields left out stay");

    let tested = alice.test_server(&added.id).await.unwrap();
    assert_eq!(tested.status, ConnectionStatus::Failed);
    assert!(!tested.message.is_empty());

    // Other users do not see it.
    let bob = server.user("bob").await;
    assert!(matches!(
        bob.get_server(&added.id).await,
        Err(Error::NotFound(_))
    ));

    assert_eq!(
        alice.delete_server(&added.id).await.unwrap().status,
        "deleted"
    );
    assert!(matches!(
        alice.get_server(&added.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(alice.list_servers().await.unwrap().is_empty());
}

#[tokio::test]
async fn settings_are_tested_without_being_saved() {
    let server = TestServer::start().await;
    let admin = server.user("root").await;

    let refused = admin
        .test_server_settings(&unreachable_transmission("gone"))
        .await
        .unwrap();
    assert_eq!(refused.status, ConnectionStatus::Failed);
    assert!(
        refused.message.contains("connection refused"),
        "{refused:?}"
    );
    let invalid = CreateServerRequest {
        rpc_path: Some("no-slash".into()),
        ..unreachable_transmission("bad")
    };
    assert!(matches!(
        admin.test_server_settings(&invalid).await,
        Err(Error::Invalid(_))
    ));

    if daemon_available("transmission-daemon") {
        let daemon = TransmissionDaemon::start().await.expect("daemon starts");
        let good = request_for(&daemon, "box");
        let tested = admin.test_server_settings(&good).await.unwrap();
        assert_eq!(tested.status, ConnectionStatus::Connected, "{tested:?}");
        let wrong = CreateServerRequest {
            password: Some("wrong-password".into()),
            ..good
        };
        let tested = admin.test_server_settings(&wrong).await.unwrap();
        assert_eq!(tested.status, ConnectionStatus::Failed);
        assert!(
            tested.message.contains("authentication failed"),
            "{tested:?}"
        );
    }
    assert!(
        admin.list_servers().await.unwrap().is_empty(),
        "nothing saved"
    );
}

#[tokio::test]
async fn changes_are_tested_over_the_stored_settings_without_being_saved() {
    if !daemon_available("transmission-daemon") {
        return;
    }
    let daemon = TransmissionDaemon::start().await.expect("daemon starts");
    let server = TestServer::start().await;
    let admin = server.user("root").await;
    let added = admin
        .add_server(&request_for(&daemon, "box"))
        .await
        .unwrap();

    let wrong = UpdateServerRequest {
        password: Patch::Set("wrong-password".into()),
        ..Default::default()
    };
    let tested = admin.test_server_changes(&added.id, &wrong).await.unwrap();
    assert_eq!(tested.status, ConnectionStatus::Failed, "{tested:?}");
    assert!(
        tested.message.contains("authentication failed"),
        "{tested:?}"
    );

    // The stored password is used where the changes have none.
    let renamed = UpdateServerRequest {
        name: Patch::Set("renamed".into()),
        ..Default::default()
    };
    let tested = admin
        .test_server_changes(&added.id, &renamed)
        .await
        .unwrap();
    assert_eq!(tested.status, ConnectionStatus::Connected, "{tested:?}");
    assert!(tested.message.contains("renamed"), "{tested:?}");

    let invalid = UpdateServerRequest {
        rpc_path: Patch::Set("no-slash".into()),
        ..Default::default()
    };
    assert!(matches!(
        admin.test_server_changes(&added.id, &invalid).await,
        Err(Error::Invalid(_))
    ));
    let stored = admin.get_server(&added.id).await.unwrap();
    assert_eq!(stored.name, "box", "nothing saved");
    assert_eq!(stored.updated_at, added.updated_at);
    let tested = admin.test_server(&added.id).await.unwrap();
    assert_eq!(tested.status, ConnectionStatus::Connected, "{tested:?}");
}
