//! The background engine: one task that ticks every second, follows which
//! torrents move data, and starts each enabled rule whose interval elapsed
//! in a task of its own, so a slow client never delays other rules and no
//! request ever waits on a rule. Runs of one rule never overlap.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::actions::run_rule;
use super::idle::IdleTracker;
use super::plan::Reach;
use super::rules::CompiledRule;
use super::share_limits;
use crate::core::{Core, now_millis};

const TICK: Duration = Duration::from_secs(1);
/// Share limits are checked every this many ticks (they are minutes-scale).
const SHARE_LIMIT_TICKS: u64 = 5;

/// The engine's state, shared with `POST /rules/{id}/run`.
#[derive(Default)]
pub struct RuleRuns {
    running: Arc<Mutex<HashSet<String>>>,
    last_started: Mutex<HashMap<String, Instant>>,
    pub(super) idle: IdleTracker,
}

/// The rule is running while this lives.
pub struct RunClaim {
    running: Arc<Mutex<HashSet<String>>>,
    rule_id: String,
}

impl Drop for RunClaim {
    fn drop(&mut self) {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        running.remove(&self.rule_id);
    }
}

impl RuleRuns {
    /// Claims the rule for one run; `None` while another run holds it.
    pub fn claim(&self, rule_id: &str) -> Option<RunClaim> {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        running.insert(rule_id.to_string()).then(|| RunClaim {
            running: Arc::clone(&self.running),
            rule_id: rule_id.to_string(),
        })
    }

    /// True (and noted as started now) when the rule's interval elapsed
    /// since its last background start; forgets rules not in `live`.
    fn due(&self, rule_id: &str, interval: Duration) -> bool {
        let mut last = self.last_started.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        match last.get(rule_id) {
            Some(at) if now.duration_since(*at) < interval => false,
            _ => {
                last.insert(rule_id.to_string(), now);
                true
            }
        }
    }

    fn forget_except(&self, live: &HashSet<&str>) {
        let mut last = self.last_started.lock().unwrap_or_else(|e| e.into_inner());
        last.retain(|id, _| live.contains(id.as_str()));
    }
}

/// Runs the engine until shutdown.
pub async fn run_engine(core: Core, shutdown: CancellationToken) {
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut count = 0u64;
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tick.tick() => tick_once(&core, count.is_multiple_of(SHARE_LIMIT_TICKS)).await,
        }
        count = count.wrapping_add(1);
    }
}

async fn tick_once(core: &Core, check_share_limits: bool) {
    let rows = match core.store().enabled_rules().await {
        Ok(rows) => rows,
        Err(error) => {
            tracing::warn!(%error, "could not load the automation rules");
            return;
        }
    };
    let runs = core.rule_runs();
    let limits = if check_share_limits {
        share_limits::users_with_limits(core).await
    } else {
        Vec::new()
    };
    // Idle times are followed on the servers of users who have rules or
    // share limits.
    let now = now_millis() / 1000;
    let mut users: HashSet<&str> = rows.iter().map(|r| r.user_id.as_str()).collect();
    users.extend(limits.iter().map(|(user_id, _)| user_id.as_str()));
    let mut watched = HashSet::new();
    for user_id in users {
        for poller in core.fleet().of_user(user_id) {
            runs.idle
                .observe(&poller.spec().id, &poller.snapshot(), now);
            watched.insert(poller.spec().id.clone());
        }
    }
    if check_share_limits {
        runs.idle.retain_servers(&watched);
    }
    // In a task of its own, like a rule, so a slow client delays nothing.
    if !limits.is_empty()
        && let Some(claim) = runs.claim(share_limits::CLAIM)
    {
        let core = core.clone();
        tokio::spawn(async move {
            let _claim = claim;
            for (user_id, limits) in &limits {
                share_limits::enforce(&core, user_id, limits, now).await;
            }
        });
    }
    runs.forget_except(&rows.iter().map(|r| r.id.as_str()).collect());

    for row in &rows {
        let interval = Duration::from_secs(row.interval_seconds.max(1) as u64);
        if !runs.due(&row.id, interval) {
            continue;
        }
        let Some(claim) = runs.claim(&row.id) else {
            continue;
        };
        let rule = match CompiledRule::from_row(row) {
            Ok(rule) => rule,
            Err(error) => {
                tracing::warn!(%error, rule = %row.id, "skipping a rule that no longer compiles");
                continue;
            }
        };
        let core = core.clone();
        tokio::spawn(async move {
            let _claim = claim;
            if let Err(error) = run_rule(&core, &rule, Reach::Owned).await {
                tracing::warn!(%error, rule = %crate::logsafe::text(&rule.name), "rule run failed");
            }
        });
    }
}
