use tm_client::{AuthMethod, Client, Error};

use crate::harness::TestServer;

#[tokio::test]
async fn api_keys_create_list_authenticate_revoke() {
    let server = TestServer::start().await;
    let alice = server.user("alice").await;

    let created = alice.create_api_key("script", Some(30)).await.unwrap();
    assert!(created.api_key.starts_with("tm_"), "{}", created.api_key);
    assert_eq!(created.name, "script");
    assert!(created.expires_at.is_some());
    let forever = alice.create_api_key("forever", None).await.unwrap();
    assert!(forever.expires_at.is_none());

    let keys = alice.list_api_keys().await.unwrap();
    let mut names: Vec<_> = keys.iter().map(|k| k.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["forever", "script"]);
    assert!(keys.iter().any(|k| k.prefix == created.prefix));

    let scripted = Client::builder(&server.url)
        .api_key(&created.api_key)
        .build()
        .unwrap();
    let me = scripted.me().await.unwrap();
    assert_eq!(me.username, "alice");
    assert_eq!(me.auth_method, AuthMethod::ApiKey);
    assert!(
        matches!(scripted.list_api_keys().await, Err(Error::Forbidden(_))),
        "keys are managed with a password login only"
    );

    let revoked = alice.revoke_api_key(&created.prefix).await.unwrap();
    assert_eq!(revoked.name, "script");
    assert!(matches!(scripted.me().await, Err(Error::Unauthorized(_))));
    assert!(matches!(
        alice.revoke_api_key(&created.prefix).await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(alice.list_api_keys().await.unwrap().len(), 1);
}
