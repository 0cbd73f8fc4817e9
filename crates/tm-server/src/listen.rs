//! The accept loop. hyper gets a timer, without which its header-read
//! timeout never fires, and open connections are capped: a slowloris client
//! trickling headers is cut off, and cannot use up file descriptors.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

use crate::Config;

/// How long shutdown waits for open requests before giving up on them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);
/// Pause after a failed accept (e.g. out of file descriptors) instead of spinning.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);
/// File descriptors kept for the database, key files and outgoing RPC.
const RESERVED_FDS: usize = 256;

pub async fn serve(
    listener: TcpListener,
    app: Router,
    config: &Config,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(connection_cap(config.max_connections)));
    // HTTP/1 only: telling HTTP/2 without TLS (h2c) apart first reads the
    // connection with no deadline, so a silent client would hold its slot
    // forever. Browsers speak HTTP/2 only over TLS, which a proxy terminates.
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout);
    let graceful = GracefulShutdown::new();
    loop {
        // Over the cap, new connections wait in the kernel's backlog.
        let slot = tokio::select! {
            _ = shutdown.cancelled() => break,
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            _ = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "could not accept a connection");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
            request
                .extensions_mut()
                .insert(ConnectInfo::<SocketAddr>(peer));
            app.clone().oneshot(request)
        });
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // Errors are the client's: gone away, timed out, spoke garbage.
            if let Err(error) = connection.await {
                tracing::debug!(%peer, error = %error, "connection ended");
            }
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests were still running at shutdown");
    }
    Ok(())
}

/// The configured cap, lowered below the process's file descriptor limit:
/// a cap the kernel hits first would not keep descriptors for anything else.
fn connection_cap(configured: usize) -> usize {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let cap = match open_files_limit(&limits) {
        Some(limit) if limit > 2 * RESERVED_FDS && limit - RESERVED_FDS < configured => {
            tracing::info!(
                limit,
                "at most {} connections: the open files limit is lower than the configured {}",
                limit - RESERVED_FDS,
                configured
            );
            limit - RESERVED_FDS
        }
        _ => configured,
    };
    cap.max(1)
}

/// The soft "Max open files" limit from `/proc/self/limits` text.
fn open_files_limit(limits: &str) -> Option<usize> {
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    line["Max open files".len()..]
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_the_soft_open_files_limit() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units\n\
                      Max processes             63459                63459                processes\n\
                      Max open files            1024                 524288               files\n";
        assert_eq!(super::open_files_limit(limits), Some(1024));
        assert_eq!(
            super::open_files_limit("Max open files unlimited unlimited files"),
            None
        );
        assert_eq!(super::open_files_limit(""), None);
    }
}
