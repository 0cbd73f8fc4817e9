//! Password hashing (argon2id, ~19 MiB of memory each) on a few dedicated
//! threads. A semaphore admits at most one job per thread and makes the rest
//! wait (with a timeout): a burst of logins or registrations queues instead
//! of taking memory for each. Dedicated threads also keep the allocator's
//! per-thread arenas few, so freed hashing memory is reused, not multiplied.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Semaphore, oneshot};

use super::{Error, Result};

type Job = Box<dyn FnOnce() + Send>;

pub struct HashingPool {
    admission: Arc<Semaphore>,
    jobs: mpsc::Sender<Job>,
}

impl HashingPool {
    /// `threads` workers; they exit when the pool is dropped.
    pub fn new(threads: usize) -> Self {
        let threads = threads.max(1);
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads {
            let queue = Arc::clone(&queue);
            let spawned = std::thread::Builder::new()
                .name(format!("tm-hashing-{n}"))
                .spawn(move || {
                    loop {
                        // The lock is only held while taking a job.
                        let job = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return, // the pool is gone
                        }
                    }
                });
            if let Err(error) = spawned {
                tracing::warn!(%error, "could not start a password hashing thread");
            }
        }
        Self {
            admission: Arc::new(Semaphore::new(threads)),
            jobs,
        }
    }

    /// Runs `work` on a hashing thread once one is free, waiting at most
    /// `wait` for that (then `Unavailable`, 503).
    pub async fn run<T: Send + 'static>(
        &self,
        wait: Duration,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T> {
        let busy = || Error::Unavailable("the server is busy checking passwords; try again".into());
        let permit = tokio::time::timeout(wait, self.admission.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
            drop(permit);
        });
        self.jobs
            .send(job)
            .map_err(|_| Error::Internal("the password hashing threads are gone".into()))?;
        result
            .await
            .map_err(|_| Error::Internal("a password hashing job was lost".into()))
    }
}
