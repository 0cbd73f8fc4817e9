//! The placement decision itself, free of I/O: which server a new torrent
//! goes to, given the rules, what is known of the torrent and the state of
//! each of the user's servers.

use std::collections::HashMap;

use tm_api_types::{
    PlacementDecision, PlacementMatch, PlacementRule, PlacementStrategy, PlacementTarget,
    ServerType,
};

/// What is known of a torrent before it is added.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub labels: Vec<String>,
    pub category: Option<String>,
    /// Hosts of its trackers (empty for a magnet link).
    pub tracker_hosts: Vec<String>,
    /// Total bytes; unknown for a magnet link.
    pub size: Option<u64>,
}

/// One of the user's servers as placement sees it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: String,
    pub name: String,
    pub kind: Option<ServerType>,
    pub is_default: bool,
    /// Why the server cannot take a torrent now (disabled, failing), if so.
    pub down: Option<String>,
    pub free_space: Option<u64>,
    /// Torrents downloading, seeding or checking.
    pub active: usize,
}

/// Where the torrent goes, why, and the round-robin position to remember.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub server_id: String,
    pub decision: PlacementDecision,
    /// `(rule name, server id)` when a round_robin rule chose.
    pub round_robin: Option<(String, String)>,
}

/// The first matching rule decides among its candidates; a down or full
/// server is skipped. The fallback is the default server, then any healthy
/// one. `Err` says why no server can take the torrent.
pub fn choose(
    rules: &[PlacementRule],
    facts: &Facts,
    servers: &[Candidate],
    positions: &HashMap<String, String>,
) -> Result<Choice, String> {
    let mut skipped = Vec::new();
    let mut matched = None;
    if let Some(rule) = rules.iter().find(|r| matches(&r.matches, facts)) {
        matched = Some(rule.name.clone());
        let (ordered, how) = ordered_candidates(rule, servers, positions);
        for server in ordered {
            match refusal(server, facts) {
                Some(why) => skipped.push(format!("'{}' {why}", server.name)),
                None => {
                    let round_robin = matches!(how, Strategy::Some(PlacementStrategy::RoundRobin))
                        .then(|| (rule.name.clone(), server.id.clone()));
                    let reason = format!(
                        "rule '{}' matched: {}{}",
                        rule.name,
                        how.describe(server),
                        skipped_note(&skipped)
                    );
                    return Ok(Choice {
                        server_id: server.id.clone(),
                        decision: PlacementDecision {
                            rule: Some(rule.name.clone()),
                            reason,
                        },
                        round_robin,
                    });
                }
            }
        }
    }
    let lead = match &matched {
        Some(name) => format!("rule '{name}' matched but none of its servers can take the torrent"),
        None => "no placement rule matched".to_string(),
    };
    let defaults = servers.iter().filter(|s| s.is_default);
    let others = servers.iter().filter(|s| !s.is_default);
    for server in defaults.chain(others) {
        match refusal(server, facts) {
            Some(why) => {
                let note = format!("'{}' {why}", server.name);
                if !skipped.contains(&note) {
                    skipped.push(note);
                }
            }
            None => {
                let which = if server.is_default {
                    "your default server"
                } else {
                    "a healthy server"
                };
                return Ok(Choice {
                    server_id: server.id.clone(),
                    decision: PlacementDecision {
                        rule: None,
                        reason: format!(
                            "{lead}: {which} '{}'{}",
                            server.name,
                            skipped_note(&skipped)
                        ),
                    },
                    round_robin: None,
                });
            }
        }
    }
    Err(if skipped.is_empty() {
        "no server can take the torrent: you have no servers".to_string()
    } else {
        format!("no server can take the torrent ({})", skipped.join("; "))
    })
}

/// True when every condition given holds for the torrent.
pub fn matches(rule: &PlacementMatch, facts: &Facts) -> bool {
    let has_label = |wanted: &str| {
        facts
            .labels
            .iter()
            .chain(facts.category.iter())
            .any(|l| l.eq_ignore_ascii_case(wanted))
    };
    let labels_ok = rule
        .labels
        .as_ref()
        .is_none_or(|wanted| wanted.iter().any(|w| has_label(w)));
    let category_ok = rule.category.as_deref().is_none_or(has_label);
    let tracker_ok = rule
        .tracker
        .as_deref()
        .is_none_or(|wanted| facts.tracker_hosts.iter().any(|host| host_is(host, wanted)));
    let min_ok = rule
        .min_size
        .is_none_or(|min| facts.size.is_some_and(|size| size >= min));
    let max_ok = rule
        .max_size
        .is_none_or(|max| facts.size.is_some_and(|size| size <= max));
    labels_ok && category_ok && tracker_ok && min_ok && max_ok
}

/// `host` is `wanted` or a subdomain of it.
fn host_is(host: &str, wanted: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let wanted = wanted.to_ascii_lowercase();
    host == wanted || host.ends_with(&format!(".{wanted}"))
}

/// Why `server` cannot take the torrent, if it cannot.
fn refusal(server: &Candidate, facts: &Facts) -> Option<String> {
    if let Some(why) = &server.down {
        return Some(format!("is down ({why})"));
    }
    match (server.free_space, facts.size) {
        (Some(free), Some(size)) if free < size => Some(format!(
            "is full ({free} bytes free, the torrent needs {size})"
        )),
        _ => None,
    }
}

fn skipped_note(skipped: &[String]) -> String {
    if skipped.is_empty() {
        String::new()
    } else {
        format!(" (skipped {})", skipped.join("; "))
    }
}

/// How the rule's target ordered its candidates.
enum Strategy {
    /// The rule names one server.
    None,
    Some(PlacementStrategy),
}

impl Strategy {
    fn describe(&self, server: &Candidate) -> String {
        match self {
            Strategy::None => format!("server '{}'", server.name),
            Strategy::Some(PlacementStrategy::MostFreeSpace) => match server.free_space {
                Some(free) => format!(
                    "most_free_space chose '{}' ({free} bytes free)",
                    server.name
                ),
                None => format!(
                    "most_free_space chose '{}' (free space unknown)",
                    server.name
                ),
            },
            Strategy::Some(PlacementStrategy::FewestActive) => format!(
                "fewest_active chose '{}' ({} active torrents)",
                server.name, server.active
            ),
            Strategy::Some(PlacementStrategy::RoundRobin) => {
                format!("round_robin chose '{}' (next in turn)", server.name)
            }
        }
    }
}

/// The rule's candidate servers, best first, limited to its client kind.
fn ordered_candidates<'a>(
    rule: &PlacementRule,
    servers: &'a [Candidate],
    positions: &HashMap<String, String>,
) -> (Vec<&'a Candidate>, Strategy) {
    let of_kind = |s: &&Candidate| rule.matches.client.is_none_or(|kind| s.kind == Some(kind));
    let by_id = |id: &String| servers.iter().find(|s| &s.id == id);
    match &rule.target {
        PlacementTarget::Server(target) => (
            by_id(&target.server_id)
                .into_iter()
                .filter(of_kind)
                .collect(),
            Strategy::None,
        ),
        PlacementTarget::Strategy(target) => {
            let mut list: Vec<&Candidate> = if target.server_ids.is_empty() {
                servers.iter().collect()
            } else {
                target.server_ids.iter().filter_map(by_id).collect()
            };
            list.retain(of_kind);
            match target.strategy {
                PlacementStrategy::MostFreeSpace => {
                    list.sort_by_key(|s| std::cmp::Reverse(s.free_space));
                }
                PlacementStrategy::FewestActive => list.sort_by_key(|s| s.active),
                PlacementStrategy::RoundRobin => {
                    let last = positions.get(&rule.name);
                    let after = last
                        .and_then(|id| list.iter().position(|s| &s.id == id))
                        .map_or(0, |i| i + 1);
                    let turn = after % list.len().max(1);
                    list.rotate_left(turn);
                }
            }
            (list, Strategy::Some(target.strategy))
        }
    }
}

#[cfg(test)]
#[path = "choose_tests.rs"]
mod tests;
