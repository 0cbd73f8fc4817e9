//! A fresh server per test, and clients of it.

use tm_client::Client;
use tm_server::RunningServer;

pub struct TestServer {
    pub url: String,
    _server: RunningServer,
    _data_dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> TestServer {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let mut config = tm_server::Config::new(data_dir.path());
        config.port = 0;
        let server = tm_server::start(config).await.expect("server starts");
        TestServer {
            url: format!("http://{}", server.local_addr()),
            _server: server,
            _data_dir: data_dir,
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

pub use tm_backends::testkit::wait_until;
