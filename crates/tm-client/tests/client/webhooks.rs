use tm_client::{Error, WebhookDeliveryQuery, WebhookRequest};

use crate::harness::TestServer;

/// A loopback URL nothing listens on.
fn closed_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}/hook")
}

#[tokio::test]
async fn webhooks_are_created_tested_paged_and_deleted() {
    let server = TestServer::start().await;
    let alice = server.user("alice").await;
    let bob = server.user("bob").await;
    assert!(
        alice
            .webhook_events()
            .await
            .unwrap()
            .contains(&"torrent.completed".to_string())
    );

    let created = alice
        .create_webhook(&WebhookRequest {
            url: closed_url(),
            events: vec!["torrent.completed".into()],
            secret: Some("s3cret".into()),
            enabled: true,
        })
        .await
        .unwrap();
    assert_eq!(created.secret, "s3cret");
    let id = created.webhook.id.clone();
    assert_eq!(
        alice.list_webhooks().await.unwrap(),
        vec![created.webhook.clone()]
    );
    assert_eq!(alice.get_webhook(&id).await.unwrap(), created.webhook);
    assert!(matches!(
        bob.get_webhook(&id).await,
        Err(Error::NotFound(_))
    ));

    let bad = WebhookRequest {
        url: "ftp://127.0.0.1/x".into(),
        events: vec![],
        secret: None,
        enabled: true,
    };
    assert!(matches!(
        alice.create_webhook(&bad).await,
        Err(Error::Invalid(_))
    ));

    // Nothing listens: the delivery is answered, failed.
    let delivery = alice.test_webhook(&id).await.unwrap();
    assert_eq!((delivery.ok, delivery.attempt), (false, 1));
    assert_eq!(delivery.event, "webhook.test");
    assert_eq!(delivery.error.as_deref(), Some("could not connect"));
    alice.test_webhook(&id).await.unwrap();
    let first = alice
        .webhook_deliveries(
            &id,
            &WebhookDeliveryQuery {
                limit: Some(1),
                before: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(first.deliveries.len(), 1);
    let before = first.next_before.clone();
    assert!(before.is_some());
    let rest = alice
        .webhook_deliveries(
            &id,
            &WebhookDeliveryQuery {
                limit: Some(1),
                before,
            },
        )
        .await
        .unwrap();
    assert_eq!(rest.deliveries, vec![delivery]);
    assert_eq!(
        alice.get_webhook(&id).await.unwrap().last_delivery,
        Some(first.deliveries[0].clone())
    );

    alice.delete_webhook(&id).await.unwrap();
    assert!(matches!(
        alice.delete_webhook(&id).await,
        Err(Error::NotFound(_))
    ));
    assert!(alice.list_webhooks().await.unwrap().is_empty());
}
