//! Jobs: long-running work the server does after answering, today moving a
//! torrent with its data from one of your servers to another.

use std::time::Duration;

use reqwest::Method;
use tm_api_types::{Job, JobList, MoveToServerRequest};

use crate::{Client, Error};

/// How often [`Client::wait_for_job`] asks: a move takes seconds to hours.
const POLL_INTERVAL: Duration = Duration::from_secs(1);

impl Client {
    /// Starts moving the torrent to `request.to_server_id`: the target
    /// downloads the data from the source over BitTorrent, verifies it, and
    /// only then is the source removed (when `remove_source`). Answers the
    /// running job at once; follow it with [`Client::job`] or
    /// [`Client::wait_for_job`].
    ///
    /// ```no_run
    /// # async fn run(client: tm_client::Client) -> Result<(), tm_client::Error> {
    /// use std::time::Duration;
    /// use tm_client::{JobState, MoveToServerRequest};
    /// let request = MoveToServerRequest {
    ///     from_server_id: "0190c1d2-…".into(),
    ///     to_server_id: "0190c1d3-…".into(),
    ///     save_path: Some("/srv/torrents".into()),
    ///     remove_source: true,
    ///     delete_data: true,
    /// };
    /// let job = client.move_to_server("c12fe1c06bba254a9dc9f519b335aa7c1367a88a", &request).await?;
    /// let done = client.wait_for_job(&job.id, Duration::from_secs(3600)).await?;
    /// if done.state != JobState::Succeeded {
    ///     eprintln!("the move did not happen: {:?}", done.message);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn move_to_server(
        &self,
        info_hash: &str,
        request: &MoveToServerRequest,
    ) -> Result<Job, Error> {
        self.call(
            self.request(Method::POST, &["torrents", info_hash, "move"])?
                .json(request),
        )
        .await
    }

    /// Your jobs, newest first.
    pub async fn jobs(&self) -> Result<JobList, Error> {
        self.call(self.request(Method::GET, &["jobs"])?).await
    }

    /// One job as it is now (phase, progress, rate, outcome).
    pub async fn job(&self, id: &str) -> Result<Job, Error> {
        self.call(self.request(Method::GET, &["jobs", id])?).await
    }

    /// Stops a running job; a canceled move leaves the source as it was.
    /// [`Error::Conflict`] once the job has finished.
    pub async fn cancel_job(&self, id: &str) -> Result<Job, Error> {
        self.call(self.request(Method::POST, &["jobs", id, "cancel"])?)
            .await
    }

    /// Asks for the job every second until it has finished, and answers it;
    /// when `timeout` passes first, answers it as last seen (still running:
    /// check [`tm_api_types::JobState::is_finished`]).
    ///
    /// ```no_run
    /// # async fn run(client: tm_client::Client, id: &str) -> Result<(), tm_client::Error> {
    /// let job = client.wait_for_job(id, std::time::Duration::from_secs(600)).await?;
    /// println!("{:?} after {:?}: {}", job.state, job.phase, job.message.unwrap_or_default());
    /// # Ok(()) }
    /// ```
    pub async fn wait_for_job(&self, id: &str, timeout: Duration) -> Result<Job, Error> {
        self.watch_job(id, timeout, |_| {}).await
    }

    /// [`Client::wait_for_job`], showing each answer to `on_update` as it
    /// comes (to draw the phase, progress and rate).
    ///
    /// ```no_run
    /// # async fn run(client: tm_client::Client, id: &str) -> Result<(), tm_client::Error> {
    /// let timeout = std::time::Duration::from_secs(3600);
    /// let job = client
    ///     .watch_job(id, timeout, |job| eprintln!("{:?} {:.0}%", job.phase, job.progress * 100.0))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn watch_job(
        &self,
        id: &str,
        timeout: Duration,
        mut on_update: impl FnMut(&Job),
    ) -> Result<Job, Error> {
        // `None`: so far ahead that it never comes.
        let deadline = tokio::time::Instant::now().checked_add(timeout);
        loop {
            let job = self.job(id).await?;
            on_update(&job);
            let left = deadline.map(|d| d.saturating_duration_since(tokio::time::Instant::now()));
            if job.state.is_finished() || left == Some(Duration::ZERO) {
                return Ok(job);
            }
            tokio::time::sleep(left.map_or(POLL_INTERVAL, |left| left.min(POLL_INTERVAL))).await;
        }
    }
}
