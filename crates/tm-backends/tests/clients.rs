//! The adapter scenario (`common::full_scenario`) on every client and
//! transport in tm-testkit's list, and on the embedded engine; each client's
//! own tests are in its file.

mod common;

tm_testkit::for_every_client! {
    async fn scenario(client: ClientUnderTest) {
        let Some(running) = client.start().await else {
            return;
        };
        let adapter = tm_backends::connect(&running.config).expect("connect");
        common::full_scenario(adapter, client.kind(), &running.download_dir).await;
    }
}
