//! Placement on add: the user's placement rules (`GET/PUT /placement`), the
//! server they choose for `server_id: "auto"`, and adds to several servers.

mod check;
mod choose;
mod several;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tm_api_types::{AUTO_SERVER, PlacementDecision, PlacementRule, PlacementRules, ServerType};
use tm_backends::TorrentState;

use self::choose::{Candidate, Facts, choose};
use super::{Core, Error, Filing, Result, User, now_millis};
use crate::db::ServerRow;
use crate::fleet::{Poller, PollerState};

/// The server a new torrent goes to, and why when placement chose it.
pub struct Placed {
    pub poller: Arc<Poller>,
    pub decision: Option<PlacementDecision>,
}

impl Core {
    pub async fn placement_rules(&self, user: &User) -> Result<PlacementRules> {
        let rules = match self.store().placement_of(&user.id).await? {
            Some((rules, _)) => stored(&rules)?,
            None => Vec::new(),
        };
        Ok(PlacementRules { rules })
    }

    /// Replaces the user's placement rules (checked: 422 when a rule is
    /// invalid or names a server that is not the user's).
    pub async fn set_placement_rules(
        &self,
        user: &User,
        rules: PlacementRules,
    ) -> Result<PlacementRules> {
        let own: HashSet<String> = self
            .store()
            .servers_of(&user.id)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect();
        let rules = check::checked_rules(rules.rules, &own)?;
        let json = serde_json::to_string(&rules).map_err(|e| Error::Internal(e.to_string()))?;
        self.store()
            .set_placement(&user.id, &json, now_millis())
            .await?;
        Ok(PlacementRules { rules })
    }

    /// The server a new torrent goes to: the one named, the user's default
    /// when none is, or the placement rules' choice for `auto` (`files` are
    /// the .torrent files being added, read for their size and trackers).
    pub(super) async fn server_for_new(
        &self,
        user: &User,
        server_id: Option<&str>,
        filing: &Filing,
        files: &[&[u8]],
    ) -> Result<Placed> {
        if server_id != Some(AUTO_SERVER) {
            let poller = self.server_for_add(user, server_id).await?;
            return Ok(Placed {
                poller,
                decision: None,
            });
        }
        let facts = facts_of(filing, files).await?;
        let (rules, positions) = match self.store().placement_of(&user.id).await? {
            Some((rules, positions)) => (stored(&rules)?, stored_positions(&positions)),
            None => (Vec::new(), HashMap::new()),
        };
        let rows = self.store().servers_of(&user.id).await?;
        let candidates: Vec<Candidate> = rows.iter().map(|row| self.candidate(row)).collect();
        let choice =
            choose(&rules, &facts, &candidates, &positions).map_err(Error::ServerUnavailable)?;
        if let Some((rule, server)) = choice.round_robin {
            let mut positions = positions;
            positions.insert(rule, server);
            let json =
                serde_json::to_string(&positions).map_err(|e| Error::Internal(e.to_string()))?;
            self.store()
                .set_placement_round_robin(&user.id, &json)
                .await?;
        }
        let row = rows
            .iter()
            .find(|r| r.id == choice.server_id)
            .ok_or(Error::ServerNotFound)?;
        Ok(Placed {
            poller: self.live_poller(&row.id, &row.name, row.enabled)?,
            decision: Some(choice.decision),
        })
    }

    /// A server as placement sees it, from its poller's health and snapshot.
    fn candidate(&self, row: &ServerRow) -> Candidate {
        let poller = self.fleet().get(&row.id).filter(|_| row.enabled);
        let health = poller.as_ref().map(|p| p.health());
        let down = match (&poller, &health) {
            _ if !row.enabled => Some("disabled".to_string()),
            (Some(p), Some(h)) => match (h.state, p.check_available()) {
                (PollerState::Failing, _) => Some(format!(
                    "failing: {}",
                    h.last_error.as_deref().unwrap_or("unknown error")
                )),
                (_, Err(why)) => Some(why),
                _ => None,
            },
            _ => Some("not polled".to_string()),
        };
        let active = poller.as_ref().map_or(0, |p| {
            p.snapshot()
                .torrents()
                .filter(|t| {
                    matches!(
                        t.state,
                        TorrentState::Downloading | TorrentState::Seeding | TorrentState::Checking
                    )
                })
                .count()
        });
        Candidate {
            id: row.id.clone(),
            name: row.name.clone(),
            kind: row.server_type.parse::<ServerType>().ok(),
            is_default: row.is_default,
            down,
            free_space: health.and_then(|h| h.free_space),
            active,
        }
    }
}

/// Labels and category as filed; size and tracker hosts from the .torrent
/// files (read off the async workers), unknown for a magnet link.
async fn facts_of(filing: &Filing, files: &[&[u8]]) -> Result<Facts> {
    let files: Vec<Vec<u8>> = files.iter().map(|f| f.to_vec()).collect();
    let (size, tracker_hosts) = tokio::task::spawn_blocking(move || {
        let mut size: Option<u64> = None;
        let mut hosts = Vec::new();
        for bytes in &files {
            let meta = tm_backends::torrent_file::parse(bytes)
                .map_err(|e| Error::BadRequest(format!("Not a valid .torrent file: {e}")))?;
            size = Some(size.unwrap_or(0).saturating_add(meta.total_size));
            hosts.extend(
                meta.trackers
                    .iter()
                    .filter_map(|t| url::Url::parse(t).ok()?.host_str().map(str::to_string)),
            );
        }
        Ok::<_, Error>((size, hosts))
    })
    .await??;
    Ok(Facts {
        labels: filing.labels.clone(),
        category: filing.category.clone(),
        tracker_hosts,
        size,
    })
}

fn stored(json: &str) -> Result<Vec<PlacementRule>> {
    serde_json::from_str(json).map_err(|e| Error::Internal(format!("stored placement rules: {e}")))
}

/// Round-robin positions; unreadable ones start over.
fn stored_positions(json: &str) -> HashMap<String, String> {
    serde_json::from_str(json).unwrap_or_default()
}
