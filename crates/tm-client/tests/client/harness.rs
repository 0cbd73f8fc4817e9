//! A fresh server per test, and clients of it.

use std::time::Duration;

use tm_client::{Client, CreateServerRequest, ServerStatus};
use tm_client::{Patch, ServerType, UpdateServerRequest};
use tm_testkit::{ClientUnderTest, InProcessServer, RunningClient, server_body};

pub struct TestServer {
    pub url: String,
    _server: InProcessServer,
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::serving(InProcessServer::start().await.expect("server starts"))
    }

    /// With the embedded engine ("This machine").
    pub async fn start_with_engine() -> TestServer {
        Self::serving(
            InProcessServer::start_with_engine()
                .await
                .expect("server starts"),
        )
    }

    /// A server for a test on `kind`, and the client (see
    /// [`InProcessServer::for_client`]).
    pub async fn for_client(kind: ClientUnderTest) -> Option<(RunningClient, TestServer)> {
        let (running, server) = InProcessServer::for_client(kind).await?;
        Some((running, Self::serving(server)))
    }

    fn serving(server: InProcessServer) -> TestServer {
        TestServer {
            url: server.url.clone(),
            _server: server,
        }
    }

    /// A client with no credentials.
    pub fn client(&self) -> Client {
        Client::new(&self.url).expect("client")
    }

    /// Registers `username` and returns a client logged in as them.
    pub async fn user(&self, username: &str) -> Client {
        let client = self.client();
        client
            .register(username, &password_of(username))
            .await
            .expect("register");
        client
            .login(username, &password_of(username), false)
            .await
            .expect("login");
        client
    }
}

pub fn password_of(username: &str) -> String {
    format!("password-{username}")
}

/// Registers `running` as the server `name` and waits for its first
/// successful poll; answers the server's id. The embedded engine's server is
/// the server's own ("This machine", the first account's): it is renamed.
pub async fn register(client: &Client, name: &str, running: &RunningClient) -> String {
    let body = server_body(name, &running.config);
    let id = if body["server_type"] == "embedded" {
        let id = wait_until(Duration::from_secs(10), || async {
            let servers = client.list_servers().await.ok()?;
            let machine = servers
                .into_iter()
                .find(|s| s.server_type == ServerType::Embedded)?;
            Some(machine.id)
        })
        .await
        .expect("the engine's server");
        let rename = UpdateServerRequest {
            name: Patch::Set(name.to_string()),
            ..UpdateServerRequest::default()
        };
        client.update_server(&id, &rename).await.expect("renamed");
        id
    } else {
        let request: CreateServerRequest = serde_json::from_value(body).expect("a server request");
        client.add_server(&request).await.expect("server added").id
    };
    wait_until(Duration::from_secs(20), || async {
        let info = client.get_server(&id).await.ok()?;
        (info.status == ServerStatus::Connected).then_some(())
    })
    .await
    .expect("the server connects");
    id
}

pub use tm_testkit::wait_until;
