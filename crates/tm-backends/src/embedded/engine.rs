//! Starting and stopping the librqbit session, and the handle adapters hold.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use librqbit::dht::DhtPersistenceConfig;
use librqbit::{
    DhtSessionConfig, ListenerMode, ListenerOptions, Session, SessionOptions,
    SessionPersistenceConfig,
};

use super::book::{Book, PendingMagnet};
use super::{EngineError, EngineOptions};

/// The running engine; [`Engine::handle`] gives what connections carry.
pub struct Engine {
    handle: EngineHandle,
}

/// A cheap clone of the running engine, seen whole or as one user's share
/// of it ([`EngineHandle::for_user`]). Two handles are equal when they are
/// the same engine seen by the same user.
#[derive(Clone)]
pub struct EngineHandle(pub(super) Arc<Inner>, pub(super) Option<Arc<str>>);

pub(super) struct Inner {
    /// `None` once shut down: the session is dropped then, which is when
    /// librqbit writes the pieces each torrent has for the next start.
    session: Mutex<Option<Arc<Session>>>,
    pub book: Book,
    pub options: EngineOptions,
    /// Magnets fetching their metadata (the task), or failed to (the error).
    pub magnets: Mutex<HashMap<String, Resolving>>,
}

pub(super) enum Resolving {
    Running(tokio::task::AbortHandle),
    Failed(String),
}

impl Engine {
    /// Starts the engine on the current tokio runtime: torrents of an
    /// earlier run on the same `state_dir` come back and resume. No UPnP,
    /// no local service discovery; the DHT only when asked.
    pub async fn start(options: EngineOptions) -> Result<Engine, EngineError> {
        let fail = |what: &str, e: &dyn fmt::Display| EngineError(format!("{what}: {e}"));
        let session_dir = options.state_dir.join("session");
        for dir in [&options.download_dir, &session_dir] {
            std::fs::create_dir_all(dir)
                .map_err(|e| fail(&format!("cannot create {}", dir.display()), &e))?;
        }
        let book = Book::load(&options.state_dir).map_err(EngineError)?;
        let listen_ip = options
            .listen_ip
            .unwrap_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED));
        let ipv4_only = listen_ip.is_ipv4();
        let session_options = SessionOptions {
            dht: options.dht.then(|| DhtSessionConfig {
                bootstrap_addrs: None,
                port: None,
                persistence: Some(DhtPersistenceConfig {
                    dump_interval: None,
                    config_filename: Some(options.state_dir.join("dht.json")),
                }),
            }),
            fastresume: true,
            persistence: Some(SessionPersistenceConfig::Json {
                folder: Some(session_dir),
            }),
            listen: Some(ListenerOptions {
                mode: ListenerMode::TcpOnly,
                listen_addr: SocketAddr::new(listen_ip, options.listen_port.unwrap_or(0)),
                enable_upnp_port_forwarding: false,
                ipv4_only,
                ..ListenerOptions::default()
            }),
            disable_local_service_discovery: true,
            ipv4_only,
            ..SessionOptions::default()
        };
        let session = Session::new_with_opts(options.download_dir.clone(), session_options)
            .await
            .map_err(|e| fail("librqbit", &format!("{e:#}")))?;
        let handle = EngineHandle(
            Arc::new(Inner {
                session: Mutex::new(Some(session)),
                book,
                options,
                magnets: Mutex::new(HashMap::new()),
            }),
            None,
        );
        for (hash, entry) in handle.0.book.all().await {
            if let Some(magnet) = entry.magnet
                && magnet.start
            {
                handle.resolve(hash, magnet);
            }
        }
        Ok(Engine { handle })
    }

    pub fn handle(&self) -> EngineHandle {
        self.handle.clone()
    }

    /// The port peers reach it at.
    pub fn listen_port(&self) -> Option<u16> {
        self.handle.session().ok()?.announce_port()
    }

    /// Stops every torrent and the session (about a second: librqbit lets
    /// its tasks wind down). Torrents stay in the state directory, in the
    /// state they had, for the next start.
    pub async fn shutdown(self) {
        self.handle.abort_magnets();
        let Some(session) = self.handle.take_session() else {
            return;
        };
        session.stop().await;
        // Calls under way hold the session a moment longer.
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        while Arc::strong_count(&session) > 1 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        // Dropping the torrents hands their piece bitfields to librqbit's
        // flusher tasks; give them the time to write.
        drop(session);
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}

/// Dropped without `shutdown`: the session's tasks are cancelled at once.
impl Drop for Engine {
    fn drop(&mut self) {
        self.handle.abort_magnets();
        if let Some(session) = self.handle.take_session() {
            session.cancellation_token().cancel();
        }
    }
}

impl EngineHandle {
    /// The engine as `user_id` may use it: only the torrents added through
    /// this view, downloading in their own folder under the download dir.
    /// `user_id` is a path segment, so it must be a plain id.
    pub fn for_user(&self, user_id: &str) -> Result<EngineHandle, EngineError> {
        let plain = !user_id.is_empty()
            && user_id.len() <= 64
            && user_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !plain {
            return Err(EngineError(format!(
                "{user_id:?} cannot name a user's folder"
            )));
        }
        Ok(EngineHandle(self.0.clone(), Some(user_id.into())))
    }

    /// Whose share of the engine this is; `None`: all of it.
    pub(super) fn user(&self) -> Option<&str> {
        self.1.as_deref()
    }

    /// The session, or an error once the engine is shut down.
    pub(super) fn session(&self) -> Result<Arc<Session>, String> {
        self.0
            .session
            .lock()
            .ok()
            .and_then(|s| s.clone())
            .ok_or_else(|| "the embedded engine is stopped".to_owned())
    }

    fn take_session(&self) -> Option<Arc<Session>> {
        self.0.session.lock().ok()?.take()
    }

    pub(super) fn abort_magnets(&self) {
        if let Ok(mut magnets) = self.0.magnets.lock() {
            for (_, resolving) in magnets.drain() {
                if let Resolving::Running(task) = resolving {
                    task.abort();
                }
            }
        }
    }

    /// Fetches a magnet's metadata in the background, then adds it as a
    /// .torrent (so the output folder follows the layout, as for files).
    pub(super) fn resolve(&self, hash: String, magnet: PendingMagnet) {
        let engine = self.clone();
        let key = hash.clone();
        let task = tokio::spawn(async move {
            let outcome = super::adding::add_resolved_magnet(&engine, &hash, &magnet).await;
            if let Ok(mut magnets) = engine.0.magnets.lock() {
                match outcome {
                    Ok(()) => {
                        magnets.remove(&hash);
                    }
                    Err(e) => {
                        magnets.insert(hash, Resolving::Failed(e));
                    }
                }
            }
        });
        if let Ok(mut magnets) = self.0.magnets.lock() {
            magnets.insert(key, Resolving::Running(task.abort_handle()));
        }
    }

    /// Stops fetching a magnet's metadata.
    pub(super) fn forget_magnet(&self, hash: &str) {
        if let Ok(mut magnets) = self.0.magnets.lock()
            && let Some(Resolving::Running(task)) = magnets.remove(hash)
        {
            task.abort();
        }
    }

    /// The error of a magnet that failed to resolve, if any.
    pub(super) fn magnet_error(&self, hash: &str) -> Option<String> {
        let magnets = self.0.magnets.lock().ok()?;
        match magnets.get(hash) {
            Some(Resolving::Failed(e)) => Some(e.clone()),
            _ => None,
        }
    }
}

impl fmt::Debug for EngineHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EngineHandle({:p}, {:?})", Arc::as_ptr(&self.0), self.1)
    }
}

impl PartialEq for EngineHandle {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) && self.1 == other.1
    }
}

impl Eq for EngineHandle {}

impl fmt::Debug for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Engine")
            .field("handle", &self.handle)
            .finish()
    }
}
