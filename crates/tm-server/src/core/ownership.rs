//! Which instance polls which server when several share one PostgreSQL
//! database (on SQLite the one process owns every server).
//!
//! Each instance has a random id for its lifetime and heartbeats every few
//! seconds, renewing all its server leases in the same statement. A server's
//! preferred owner is the live instance with the highest rendezvous hash of
//! (instance, server): every instance computes the same answer from the same
//! list, load spreads evenly, and an instance joining or leaving moves only
//! its share. An instance takes a free or expired lease only for servers it
//! prefers and releases those another live instance prefers, so a new
//! instance gets its share on its next beats and a killed one's servers are
//! taken once its leases expire.
//!
//! Clocks: lease expiry is compared on the database's clock only (see
//! `db::leases`), so skew between the instances' clocks does not matter. An
//! instance counts a lease as its own until the local monotonic time at which
//! it *sent* the renewing statement plus the lease length minus a margin:
//! the database set the expiry later than that, so the instance stops
//! counting itself the owner before anyone else can take the lease.

use std::collections::{HashMap, HashSet};
use std::sync::RwLock;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};
use sqlx::PgPool;

use crate::db::leases::EnabledServer;
use crate::db::{DbResult, leases};

/// Instances silent this long are deleted (their leases expired long ago).
const FORGET_SILENT: Duration = Duration::from_secs(600);

/// This instance's leases.
pub struct Ownership {
    instance_id: String,
    /// The embedded engine this instance runs: its server is this
    /// instance's whatever the weights say, and no other engine's is.
    engine_id: Option<String>,
    /// `None` on SQLite: one process, which owns everything.
    pool: Option<PgPool>,
    lease: Duration,
    /// Server → until when (local monotonic clock) this instance owns it.
    held: RwLock<HashMap<String, Instant>>,
    /// The enabled servers as of the last beat, sorted.
    enabled: RwLock<Vec<String>>,
    /// Asks for a beat before the next one is due (a server was added).
    soon: tokio::sync::Notify,
}

impl Ownership {
    /// `pool` is the shared PostgreSQL database (`None`: this process is the
    /// only one and owns every server). `lease`: how long a lease lasts
    /// without renewal; renew well within it.
    pub fn new(pool: Option<PgPool>, lease: Duration, engine_id: Option<String>) -> Self {
        Self {
            instance_id: uuid::Uuid::now_v7().simple().to_string(),
            engine_id,
            pool,
            lease,
            held: RwLock::default(),
            enabled: RwLock::default(),
            soon: tokio::sync::Notify::new(),
        }
    }

    pub fn instance_id(&self) -> &str {
        &self.instance_id
    }

    /// Whether other instances may share the servers.
    pub fn is_shared(&self) -> bool {
        self.pool.is_some()
    }

    /// Whether this instance polls `server_id` and runs what must run once
    /// per server (the one question later work asks before doing so).
    pub fn owns(&self, server_id: &str) -> bool {
        if self.pool.is_none() {
            return true;
        }
        self.held
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(server_id)
            .is_some_and(|until| Instant::now() < *until)
    }

    /// Asks for a beat now rather than when the next one is due: a server
    /// was just added, and waiting would leave it unpolled meanwhile.
    pub fn beat_soon(&self) {
        if self.pool.is_some() {
            self.soon.notify_one();
        }
    }

    /// Resolves when `beat_soon` was called.
    pub async fn beat_requested(&self) {
        self.soon.notified().await
    }

    /// The servers this instance owns now.
    pub fn owned(&self) -> HashSet<String> {
        let now = Instant::now();
        self.held
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|(_, until)| now < **until)
            .map(|(id, _)| id.clone())
            .collect()
    }

    /// One beat: heartbeat and renew, then take the servers this instance
    /// prefers and release the ones others prefer. On an error the leases
    /// held keep their time and lapse here before they can lapse in the
    /// database. True when the enabled servers changed since the last beat
    /// (one was added or removed, maybe through another instance).
    pub async fn renew(&self) -> DbResult<bool> {
        let Some(pool) = &self.pool else {
            return Ok(false);
        };
        let lease_ms = self.lease.as_millis() as i64;
        let sent = Instant::now();
        let renewed = leases::heartbeat(pool, &self.instance_id, lease_ms).await?;
        let (live, mut servers) = leases::live_instances_and_servers(pool, lease_ms).await?;
        servers.sort();
        let me = Me {
            instance: &self.instance_id,
            engine: self.engine_id.as_deref(),
        };
        let plan = plan(me, &live, &servers, &renewed);
        let servers: Vec<String> = servers.into_iter().map(|(id, _)| id).collect();
        leases::release(pool, &self.instance_id, &plan.release).await?;
        let taken = leases::acquire(pool, &self.instance_id, &plan.take, lease_ms).await?;
        // A margin for the time between this process's clock reading and
        // the statement's start, and for a pause of this process.
        let until = sent + self.lease.mul_f64(0.8);
        let mut held = self.held.write().unwrap_or_else(|e| e.into_inner());
        held.clear();
        for server in plan.keep.into_iter().chain(taken) {
            held.insert(server, until);
        }
        drop(held);
        let mut enabled = self.enabled.write().unwrap_or_else(|e| e.into_inner());
        let changed = *enabled != servers;
        *enabled = servers;
        Ok(changed)
    }

    /// Deletes instances long silent (crashed ones leave their row behind).
    pub async fn forget_silent(&self) -> DbResult<()> {
        if let Some(pool) = &self.pool {
            leases::forget_silent_instances(pool, FORGET_SILENT.as_millis() as i64).await?;
        }
        Ok(())
    }

    /// Frees every lease at shutdown so others take them at once.
    pub async fn leave(&self) -> DbResult<()> {
        self.held.write().unwrap_or_else(|e| e.into_inner()).clear();
        if let Some(pool) = &self.pool {
            leases::leave(pool, &self.instance_id).await?;
        }
        Ok(())
    }
}

/// What one beat does with the leases.
#[derive(Debug, Default, PartialEq)]
struct Plan {
    /// Renewed and still preferred here.
    keep: Vec<String>,
    /// Preferred here, not held yet.
    take: Vec<String>,
    /// Held, but preferred elsewhere, disabled or deleted.
    release: Vec<String>,
}

/// Who is planning: the instance, and the engine it runs.
#[derive(Clone, Copy)]
struct Me<'a> {
    instance: &'a str,
    engine: Option<&'a str>,
}

fn plan(me: Me<'_>, live: &[String], servers: &[EnabledServer], held: &[String]) -> Plan {
    let held: HashSet<&String> = held.iter().collect();
    let mut plan = Plan::default();
    let mut enabled = HashSet::new();
    for (server, engine) in servers {
        enabled.insert(server);
        let mine = match engine {
            Some(engine) => me.engine == Some(engine.as_str()),
            // This instance just beat, so it is among the live ones; a list
            // without it (a clock jump on the database) still counts it.
            None => {
                let instances = live.iter().map(String::as_str).chain([me.instance]);
                preferred_owner(server, instances) == Some(me.instance)
            }
        };
        match (mine, held.contains(server)) {
            (true, true) => plan.keep.push(server.clone()),
            (true, false) => plan.take.push(server.clone()),
            (false, true) => plan.release.push(server.clone()),
            (false, false) => {}
        }
    }
    plan.release
        .extend(held.into_iter().filter(|s| !enabled.contains(s)).cloned());
    plan
}

/// The instance that should own `server`: the highest rendezvous weight.
pub fn preferred_owner<'a>(
    server: &str,
    instances: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    instances
        .into_iter()
        .max_by_key(|instance| (weight(instance, server), *instance))
}

fn weight(instance: &str, server: &str) -> u64 {
    let digest = Sha256::new()
        .chain_update(instance.as_bytes())
        .chain_update([0])
        .chain_update(server.as_bytes())
        .finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(prefix: &str, n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{prefix}{i}")).collect()
    }

    #[test]
    fn servers_spread_evenly_and_a_new_instance_moves_only_its_share() {
        let servers = ids("server-", 3000);
        let two = ids("instance-", 2);
        let three = ids("instance-", 3);
        let owner = |server: &str, of: &[String]| {
            preferred_owner(server, of.iter().map(String::as_str))
                .unwrap()
                .to_string()
        };
        let mut counts: HashMap<String, usize> = HashMap::new();
        let mut moved = 0;
        for server in &servers {
            let before = owner(server, &two);
            let after = owner(server, &three);
            if before != after {
                assert_eq!(after, "instance-2", "only moves to the new instance");
                moved += 1;
            }
            *counts.entry(after).or_default() += 1;
        }
        for count in counts.values() {
            assert!((850..1150).contains(count), "{counts:?}");
        }
        assert_eq!(moved, counts["instance-2"]);
    }

    #[test]
    fn a_beat_keeps_takes_and_releases_by_preference() {
        let live = ids("i", 2);
        let servers = ids("s", 40);
        let mine: Vec<String> = servers
            .iter()
            .filter(|s| preferred_owner(s, live.iter().map(String::as_str)) == Some("i0"))
            .cloned()
            .collect();
        let theirs: Vec<String> = servers
            .iter()
            .filter(|s| !mine.contains(s))
            .cloned()
            .collect();
        assert!(!mine.is_empty() && !theirs.is_empty());
        let held = vec![mine[0].clone(), theirs[0].clone(), "deleted".to_string()];
        let mut enabled: Vec<EnabledServer> = servers.iter().map(|s| (s.clone(), None)).collect();
        // Engines' servers: this instance's engine's is its own whatever
        // the weights say; another engine's never is.
        enabled.push((theirs[1].clone() + "-engine", Some("my-engine".to_string())));
        enabled.push((
            mine[1].clone() + "-engine",
            Some("other-engine".to_string()),
        ));
        let me = Me {
            instance: "i0",
            engine: Some("my-engine"),
        };
        let plan = plan(me, &live, &enabled, &held);
        assert_eq!(plan.keep, vec![mine[0].clone()]);
        let mut take = mine[1..].to_vec();
        take.push(theirs[1].clone() + "-engine");
        assert_eq!(plan.take, take);
        let mut release = plan.release.clone();
        release.sort();
        assert_eq!(release, vec!["deleted".to_string(), theirs[0].clone()]);
    }

    /// A new database on the test PostgreSQL server (`TM_TEST_PG_URL`);
    /// `None` locally without one, a failure under CI.
    async fn fresh_database() -> Option<PgPool> {
        use sqlx::Connection;
        let admin = match std::env::var("TM_TEST_PG_URL") {
            Ok(url) if !url.is_empty() => url,
            _ if std::env::var_os("CI").is_some() => panic!("TM_TEST_PG_URL must be set under CI"),
            _ => return None,
        };
        let name = format!("tm_test_leases_{}", uuid::Uuid::now_v7().simple());
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .unwrap();
        let base = admin
            .rsplit_once('/')
            .map_or(admin.as_str(), |(base, _)| base);
        let store = crate::db::Store::connect(&format!("{base}/{name}"))
            .await
            .unwrap();
        store.shared().cloned()
    }

    async fn add_servers(pool: &PgPool, n: usize) -> Vec<String> {
        sqlx::query(
            "INSERT INTO users (id, username, username_key, password_hash, created_at) \
             VALUES ('u', 'u', 'u', 'x', 0)",
        )
        .execute(pool)
        .await
        .unwrap();
        let ids = ids("server-", n);
        for id in &ids {
            sqlx::query(
                "INSERT INTO servers (id, user_id, name, server_type, host, port, use_ssl, \
                 tls_accept_invalid_certs, enabled, is_default, http_use_ssl, created_at, updated_at) \
                 VALUES ($1, 'u', $1, 'transmission', '127.0.0.1', 1, FALSE, FALSE, TRUE, FALSE, FALSE, 0, 0)",
            )
            .bind(id)
            .execute(pool)
            .await
            .unwrap();
        }
        ids
    }

    #[tokio::test]
    async fn two_instances_never_hold_one_lease_and_a_silent_ones_leases_are_taken() {
        let Some(pool) = fresh_database().await else {
            return;
        };
        let servers = add_servers(&pool, 24).await;
        let lease = Duration::from_millis(1500);
        let a = Ownership::new(Some(pool.clone()), lease, None);
        let b = Ownership::new(Some(pool.clone()), lease, None);

        // Grabbing everything at the same moment: each lease goes to one.
        for _ in 0..5 {
            let (by_a, by_b) = tokio::join!(
                leases::acquire(&pool, a.instance_id(), &servers, 1500),
                leases::acquire(&pool, b.instance_id(), &servers, 1500),
            );
            let (by_a, by_b) = (by_a.unwrap(), by_b.unwrap());
            assert!(by_a.iter().all(|s| !by_b.contains(s)), "{by_a:?} {by_b:?}");
        }
        leases::leave(&pool, a.instance_id()).await.unwrap();
        leases::leave(&pool, b.instance_id()).await.unwrap();

        // Beating, they split the servers by preference, without overlap.
        for _ in 0..3 {
            let (ra, rb) = tokio::join!(a.renew(), b.renew());
            ra.unwrap();
            rb.unwrap();
        }
        let (owned_a, owned_b) = (a.owned(), b.owned());
        assert!(
            !owned_a.is_empty() && !owned_b.is_empty(),
            "{owned_a:?} {owned_b:?}"
        );
        assert!(owned_a.is_disjoint(&owned_b));
        assert_eq!(owned_a.len() + owned_b.len(), servers.len());

        // `a` falls silent: its leases lapse for itself first, then `b`
        // takes them once they expired in the database.
        tokio::time::sleep(lease).await;
        assert!(a.owned().is_empty(), "a counts itself owner no longer");
        b.renew().await.unwrap();
        assert_eq!(b.owned().len(), servers.len());
    }

    #[test]
    fn alone_an_instance_prefers_every_server() {
        let servers: Vec<EnabledServer> = ids("s", 5).into_iter().map(|s| (s, None)).collect();
        let me = Me {
            instance: "me",
            engine: None,
        };
        let plan = plan(me, &[], &servers, &[]);
        assert_eq!(plan.take.len(), 5);
    }
}
