use tm_client::{AuthMethod, Client, Error};

use crate::harness::{TestServer, password_of};

#[tokio::test]
async fn register_login_me_logout() {
    let server = TestServer::start().await;
    let client = server.client();
    assert_eq!(client.health().await.unwrap().status, "healthy");

    let account = client
        .register("alice", &password_of("alice"))
        .await
        .unwrap();
    assert_eq!(account.username, "alice");
    assert!(matches!(client.me().await, Err(Error::Unauthorized(_))));
    assert_eq!(client.session_cookies(), None);

    let logged_in = client
        .login("alice", &password_of("alice"), true)
        .await
        .unwrap();
    assert_eq!(logged_in.user_id, account.user_id);
    let me = client.me().await.unwrap();
    assert_eq!(me.username, "alice");
    assert!(me.is_admin, "the first account is the admin");
    assert_eq!(me.auth_method, AuthMethod::Session);

    // The saved cookies carry the session into a new client.
    let cookies = client.session_cookies().expect("a session cookie");
    assert!(cookies.contains("session="), "{cookies}");
    assert!(cookies.contains("remember_me="), "{cookies}");
    let resumed = Client::builder(&server.url)
        .session_cookies(cookies)
        .build()
        .unwrap();
    assert_eq!(resumed.me().await.unwrap().username, "alice");

    assert_eq!(client.logout().await.unwrap().message, "Logout successful");
    assert_eq!(client.session_cookies(), None, "logout drops the cookies");
    assert!(matches!(client.me().await, Err(Error::Unauthorized(_))));
    assert!(
        matches!(resumed.me().await, Err(Error::Unauthorized(_))),
        "the session ended on the server too"
    );
}

#[tokio::test]
async fn errors_carry_the_servers_detail() {
    let server = TestServer::start().await;
    let client = server.client();
    client.register("bob", &password_of("bob")).await.unwrap();

    match client.register("bob", &password_of("bob")).await {
        Err(Error::Conflict(detail)) => assert!(detail.contains("bob"), "{detail}"),
        other => panic!("a taken name is a conflict, got {other:?}"),
    }
    match client.register("x", "short").await {
        Err(error @ Error::Invalid(_)) => assert_eq!(error.status(), Some(422)),
        other => panic!("invalid input is Invalid, got {other:?}"),
    }
    match client.login("bob", "wrong password", false).await {
        Err(Error::Unauthorized(detail)) => assert!(!detail.is_empty()),
        other => panic!("a wrong password is Unauthorized, got {other:?}"),
    }
    let bad_key = Client::builder(&server.url)
        .api_key("tm_not_a_real_key")
        .build()
        .unwrap();
    assert!(matches!(bad_key.me().await, Err(Error::Unauthorized(_))));
}

#[tokio::test]
async fn an_unreachable_server_is_a_connect_error() {
    // Bind and drop: nothing listens on this port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let client = Client::new(&url).unwrap();
    match client.health().await {
        Err(Error::Connect {
            url: reported,
            reason,
        }) => {
            assert!(reported.contains(&port.to_string()));
            assert!(!reason.is_empty());
        }
        other => panic!("expected a connect error, got {other:?}"),
    }
    assert!(matches!(
        Client::new("localhost:8144"),
        Err(Error::InvalidConfig(_))
    ));
}

#[tokio::test]
async fn change_password_keeps_this_session_and_ends_the_others() {
    let server = TestServer::start().await;
    let alice = server.user("alice").await;
    let elsewhere = server.client();
    elsewhere
        .login("alice", &password_of("alice"), false)
        .await
        .unwrap();
    assert!(matches!(
        alice
            .change_password("not-the-password", "new-password-1")
            .await,
        Err(Error::Forbidden(_))
    ));
    alice
        .change_password(&password_of("alice"), "new-password-1")
        .await
        .unwrap();
    assert_eq!(alice.me().await.unwrap().username, "alice");
    assert!(matches!(elsewhere.me().await, Err(Error::Unauthorized(_))));
    server
        .client()
        .login("alice", "new-password-1", false)
        .await
        .unwrap();
}
