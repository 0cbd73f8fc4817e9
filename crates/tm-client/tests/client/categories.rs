use tm_client::{Category, CategoryRequest, Error};

use crate::harness::TestServer;
use crate::servers::unreachable_transmission;

#[tokio::test]
async fn categories_put_list_replace_delete() {
    let server = TestServer::start().await;
    let alice = server.user("alice").await;
    let seedbox = alice
        .add_server(&unreachable_transmission("seedbox"))
        .await
        .unwrap();
    assert!(alice.categories().await.unwrap().is_empty());

    let route = CategoryRequest {
        save_path: Some("/data/tv/".into()),
        server_id: Some(seedbox.id.clone()),
    };
    let tv = alice.put_category("tv-sonarr", &route).await.unwrap();
    let expected = Category {
        name: "tv-sonarr".into(),
        save_path: Some("/data/tv".into()),
        server_id: Some(seedbox.id.clone()),
        server_name: Some("seedbox".into()),
    };
    assert_eq!(tv, expected);
    assert_eq!(alice.categories().await.unwrap(), [expected]);

    let default = alice
        .put_category("tv-sonarr", &CategoryRequest::default())
        .await
        .unwrap();
    assert_eq!((default.server_id, default.save_path), (None, None));

    let unknown = CategoryRequest {
        server_id: Some("no-such-server".into()),
        ..Default::default()
    };
    assert!(matches!(
        alice.put_category("radarr", &unknown).await,
        Err(Error::NotFound(_))
    ));
    // Names travel as one path segment, whatever they hold.
    let odd = alice
        .put_category("films/4k ?#", &CategoryRequest::default())
        .await
        .unwrap();
    assert_eq!(odd.name, "films/4k ?#");

    alice.delete_category("tv-sonarr").await.unwrap();
    alice.delete_category("films/4k ?#").await.unwrap();
    assert!(alice.categories().await.unwrap().is_empty());
    assert!(matches!(
        alice.delete_category("tv-sonarr").await,
        Err(Error::NotFound(_))
    ));
}
