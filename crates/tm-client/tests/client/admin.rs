use tm_client::{
    CreateUserRequest, Error, InstanceSettings, RegistrationMode, ServerType, UpdateUserRequest,
};

use crate::harness::{TestServer, password_of};

#[tokio::test]
async fn admins_manage_users_and_registration() {
    let server = TestServer::start().await;
    let admin = server.user("root").await;
    let bob = server.user("bob").await;

    assert!(matches!(bob.list_users().await, Err(Error::Forbidden(_))));
    assert!(matches!(bob.settings().await, Err(Error::Forbidden(_))));
    assert!(matches!(bob.metrics().await, Err(Error::Forbidden(_))));
    assert!(matches!(
        server.client().metrics().await,
        Err(Error::Unauthorized(_))
    ));
    let metrics = admin.metrics().await.unwrap();
    assert!(
        metrics
            .lines()
            .any(|line| line == "# TYPE tm_http_requests_total counter"),
        "{metrics}"
    );

    let users = admin.list_users().await.unwrap();
    assert_eq!(users.len(), 2);
    let bob_id = users
        .iter()
        .find(|u| u.username == "bob")
        .map(|u| u.id.clone())
        .unwrap();

    let promoted = admin
        .update_user(
            &bob_id,
            &UpdateUserRequest {
                is_admin: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(promoted.is_admin);
    assert!(bob.me().await.unwrap().is_admin);

    let closed = admin
        .update_settings(&InstanceSettings {
            registration_mode: RegistrationMode::Closed,
        })
        .await
        .unwrap();
    assert_eq!(closed.registration_mode, RegistrationMode::Closed);
    assert_eq!(admin.settings().await.unwrap(), closed);
    assert!(matches!(
        server
            .client()
            .register("carol", &password_of("carol"))
            .await,
        Err(Error::Forbidden(_))
    ));

    let carol = admin
        .create_user(&CreateUserRequest {
            username: "carol".into(),
            password: password_of("carol"),
            is_admin: false,
        })
        .await
        .unwrap();
    assert!(!carol.is_admin);
    let client = server.client();
    client
        .login("carol", &password_of("carol"), false)
        .await
        .unwrap();

    admin.delete_user(&carol.user_id).await.unwrap();
    assert!(matches!(
        admin.delete_user(&carol.user_id).await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(admin.list_users().await.unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_give_users_a_share_of_this_machine() {
    let server = TestServer::start_with_engine().await;
    let admin = server.user("root").await;
    let bob = server.user("bob").await;
    let bob_id = bob.me().await.unwrap().user_id;
    assert!(matches!(
        bob.set_user_engine(&bob_id, true).await,
        Err(Error::Forbidden(_))
    ));
    assert!(!admin.user_engine(&bob_id).await.unwrap().engine_access);
    assert!(bob.list_servers().await.unwrap().is_empty());

    let given = admin.set_user_engine(&bob_id, true).await.unwrap();
    assert!(given.engine_access);
    let servers = bob.list_servers().await.unwrap();
    assert_eq!(servers.len(), 1);
    assert_eq!(servers[0].name, "This machine");
    assert_eq!(servers[0].server_type, ServerType::Embedded);
    let users = admin.list_users().await.unwrap();
    assert!(users.iter().all(|u| u.engine_access), "{users:?}");

    assert!(
        !admin
            .set_user_engine(&bob_id, false)
            .await
            .unwrap()
            .engine_access
    );
    assert!(bob.list_servers().await.unwrap().is_empty());
}
