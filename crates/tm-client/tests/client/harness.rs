//! A fresh server per test, and clients of it.

use std::time::Duration;

use tm_client::{Client, CreateServerRequest, ServerStatus};
use tm_testkit::{InProcessServer, RunningClient, server_body};

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
/// successful poll; answers the server's id.
pub async fn register(client: &Client, name: &str, running: &RunningClient) -> String {
    let request: CreateServerRequest =
        serde_json::from_value(server_body(name, &running.config)).expect("a server request");
    let server = client.add_server(&request).await.expect("server added");
    wait_until(Duration::from_secs(20), || async {
        let info = client.get_server(&server.id).await.ok()?;
        (info.status == ServerStatus::Connected).then_some(())
    })
    .await
    .expect("the server connects");
    server.id
}

pub use tm_testkit::wait_until;
