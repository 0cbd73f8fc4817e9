//! The lifecycle events of rules: `rule.fired` after a run that did
//! something, `rule.notify` for the `notify` action.

use serde_json::json;
use tm_api_types::RuleActionRecord;

use super::rules::CompiledRule;
use crate::core::Core;
use crate::core::activity::Actor;
use crate::db::OUTCOME_DONE;
use crate::events::{Event, EventKind, ServerRef, TorrentRef};

/// `rule.fired` when the run did at least one action.
pub fn rule_fired(core: &Core, rule: &CompiledRule, records: &[RuleActionRecord]) {
    if !records.iter().any(|r| r.outcome == OUTCOME_DONE) {
        return;
    }
    core.events().emit(Event {
        data: json!({"rule_id": rule.id, "rule_name": rule.name, "actions": records}),
        ..Event::new(EventKind::RuleFired, &rule.user_id)
    });
}

/// `rule.notify` about one torrent of `owner_id`'s, from the rule running
/// now (the current actor).
pub fn rule_notify(core: &Core, owner_id: &str, server_id: &str, hash: &str, message: &str) {
    let actor = Actor::current();
    let poller = core.fleet().get(server_id);
    let server = poller.as_ref().map(|p| ServerRef::of(p.spec()));
    let torrent = poller
        .as_ref()
        .and_then(|p| p.snapshot().torrent(hash).map(TorrentRef::of));
    core.events().emit(Event {
        server,
        torrent,
        data: json!({"message": message, "rule_id": actor.detail, "rule_name": actor.name}),
        ..Event::new(EventKind::RuleNotify, owner_id)
    });
}
