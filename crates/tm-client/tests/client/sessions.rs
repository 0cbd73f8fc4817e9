//! First-run status and the session list through the client.

use tm_client::{Client, Error};

use crate::harness::{TestServer, password_of};

#[tokio::test]
async fn auth_status_before_and_after_the_first_account() {
    let server = TestServer::start().await;
    let visitor = server.client();
    let status = visitor.auth_status().await.unwrap();
    assert!(!status.has_users);
    assert!(status.registration_open);
    server.user("root").await;
    assert!(visitor.auth_status().await.unwrap().has_users);
}

#[tokio::test]
async fn sessions_are_listed_and_ended() {
    let server = TestServer::start().await;
    let here = server.user("alice").await;
    let elsewhere = server.client();
    elsewhere
        .login("alice", &password_of("alice"), true)
        .await
        .unwrap();
    let third = server.client();
    third
        .login("alice", &password_of("alice"), false)
        .await
        .unwrap();

    let sessions = here.sessions().await.unwrap();
    assert_eq!(sessions.len(), 3);
    assert_eq!(sessions.iter().filter(|s| s.current).count(), 1);
    let elsewhere_id = elsewhere
        .sessions()
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.current)
        .expect("the current session")
        .id;

    here.end_session(&elsewhere_id).await.unwrap();
    assert!(matches!(elsewhere.me().await, Err(Error::Unauthorized(_))));
    assert!(matches!(
        here.end_session(&elsewhere_id).await,
        Err(Error::NotFound(_))
    ));

    assert_eq!(here.end_other_sessions().await.unwrap().ended, 1);
    assert!(matches!(third.me().await, Err(Error::Unauthorized(_))));
    assert_eq!(here.me().await.unwrap().username, "alice");
    let left = here.sessions().await.unwrap();
    assert_eq!(left.len(), 1);
    assert!(left[0].current);

    let key = here.create_api_key("script", None).await.unwrap().api_key;
    let scripted = Client::builder(&server.url).api_key(key).build().unwrap();
    let seen = scripted.sessions().await.unwrap();
    assert_eq!(seen.len(), 1);
    assert!(!seen[0].current, "an API key is no session");
    assert!(matches!(
        scripted.end_other_sessions().await,
        Err(Error::Forbidden(_))
    ));
}
