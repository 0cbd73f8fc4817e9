//! Which torrents a rule matches now, and which of its actions each still
//! needs (an action the rule did to a torrent is not done again).

use std::collections::HashMap;

use tm_api_types::{RuleAction, RuleMatch, RulePreview};

use super::conditions::Field;
use super::rules::CompiledRule;
use super::subject::Subject;
use crate::content::{FleetIndex, Wants};
use crate::core::{Core, Result, User, now_millis};
use crate::fleet::Role;

/// Most matches a preview lists (the total is given).
const MAX_PREVIEW: usize = 1_000;

/// A matching torrent and the actions it still needs, in the rule's order.
pub struct Planned {
    pub server_id: String,
    pub info_hash: String,
    pub name: String,
    /// Tracker host and server name, for label templates.
    pub tracker: Option<String>,
    pub server_name: String,
    pub actions: Vec<RuleAction>,
}

/// Which servers a run covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Every server of the rule (a run or preview someone asked for).
    All,
    /// Only the servers this instance polls: the background engine runs on
    /// every instance sharing a database, and each server's torrents must
    /// be acted on once, by its owner.
    Owned,
}

/// Every torrent of the rule's servers (the owner's, reachable now, within
/// `reach`) that the conditions match, from the snapshots, in a stable order.
pub async fn plan(core: &Core, rule: &CompiledRule, reach: Reach) -> Result<Vec<Planned>> {
    let done: HashMap<(String, String, String), i64> = core
        .store()
        .rule_actions_done(&rule.id)
        .await?
        .into_iter()
        .map(|(server, hash, action, at)| ((server, hash, action), at))
        .collect();
    let now_ms = now_millis();
    let now = now_ms / 1000;
    // Done once is done for good, unless the action repeats and is due.
    let pending = |server: &str, hash: &str, action: &RuleAction| {
        let key = (server.to_string(), hash.to_string(), action.describe());
        match (done.get(&key), action.repeats_after_seconds()) {
            (None, _) => true,
            (Some(at), Some(every)) => now_ms - at >= (every as i64).saturating_mul(1000),
            (Some(_), None) => false,
        }
    };
    let idle = &core.rule_runs().idle;
    // Copies are counted, and file lists read, only for rules that test them.
    let wants = Wants {
        copies: rule.condition.uses(Field::Copies),
        content: rule.condition.uses(Field::CrossSeeds),
    };
    let fleet = FleetIndex::load(core, &rule.user_id, wants).await?;
    let mut planned = Vec::new();
    for poller in fleet.pollers() {
        let server = poller.spec();
        if !rule.server_ids.is_empty() && !rule.server_ids.contains(&server.id) {
            continue;
        }
        if reach == Reach::Owned && poller.role() != Role::Owner {
            continue;
        }
        // A server that is down is left for a later run (nothing can be done).
        if poller.check_available().is_err() {
            continue;
        }
        let snapshot = poller.snapshot();
        let free_space = poller.health().free_space;
        for (hash, view) in snapshot.views.iter() {
            let torrent = &view.torrent;
            let subject = Subject {
                torrent,
                state: view.state(),
                server,
                free_space,
                now,
                idle_since: idle.idle_since(&server.id, hash),
                copies: fleet.copies(hash),
                cross_seeds: fleet.cross_seeds(&server.id, hash),
            };
            if !rule.condition.matches(&subject) {
                continue;
            }
            let actions = rule
                .actions
                .iter()
                .filter(|a| pending(&server.id, hash, a))
                .cloned()
                .collect();
            planned.push(Planned {
                server_id: server.id.clone(),
                info_hash: hash.clone(),
                name: torrent.name.clone(),
                tracker: torrent.tracker.clone(),
                server_name: server.name.clone(),
                actions,
            });
        }
    }
    planned.sort_by(|a, b| {
        (&a.server_id, &a.name, &a.info_hash).cmp(&(&b.server_id, &b.name, &b.info_hash))
    });
    Ok(planned)
}

impl Core {
    /// What a run of the rule would do now; changes nothing.
    pub async fn preview_rule(&self, user: &User, id: &str) -> Result<RulePreview> {
        let rule = CompiledRule::from_row(&self.rule_row(user, id).await?)?;
        let planned = plan(self, &rule, Reach::All).await?;
        let total = planned.len();
        let matches = planned
            .into_iter()
            .take(MAX_PREVIEW)
            .map(|p| RuleMatch {
                actions: p.actions.iter().map(RuleAction::describe).collect(),
                server_id: p.server_id,
                info_hash: p.info_hash,
                name: p.name,
            })
            .collect();
        Ok(RulePreview { matches, total })
    }
}
