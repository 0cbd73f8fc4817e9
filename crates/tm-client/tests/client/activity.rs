use tm_client::{ActivityQuery, ActivityScope, ActorKind, Client};

use crate::harness::TestServer;
use crate::servers::unreachable_transmission;

#[tokio::test]
async fn activity_lists_filters_and_pages_changes() {
    let server = TestServer::start().await;
    let alice = server.user("alice").await;
    let seedbox = alice
        .add_server(&unreachable_transmission("seedbox"))
        .await
        .unwrap();
    let key = alice.create_api_key("client-test", None).await.unwrap();
    let scripted = Client::builder(&server.url)
        .api_key(&key.api_key)
        .build()
        .unwrap();
    let hash = "0123456789abcdef0123456789abcdef01234567";
    assert!(scripted.stop_torrent(hash, None).await.is_err());

    let all = alice.activity(&ActivityQuery::default()).await.unwrap();
    assert_eq!(all.total as usize, all.items.len());
    let stop = &all.items[0];
    assert_eq!(stop.action, "stop");
    assert!(!stop.success);
    assert_eq!(stop.actor.kind, ActorKind::ApiKey);
    assert_eq!(stop.actor.name, "client-test");
    assert_eq!(stop.info_hash.as_deref(), Some(hash));

    let servers = ActivityQuery {
        server_id: Some(seedbox.id.clone()),
        ..Default::default()
    };
    let added = alice.activity(&servers).await.unwrap();
    assert_eq!(added.items.len(), 1);
    assert_eq!(added.items[0].action, "server_create");
    assert_eq!(added.items[0].scope, ActivityScope::Server);
    assert_eq!(added.items[0].server_name.as_deref(), Some("seedbox"));

    let paged = ActivityQuery {
        limit: Some(1),
        offset: Some(1),
        ..Default::default()
    };
    let page = alice.activity(&paged).await.unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.total, all.total);
    assert_eq!(page.items[0], all.items[1]);
}
