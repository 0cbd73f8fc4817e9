//! Rules, recipes, previews and what rules did, as tables and sentences.

use std::collections::HashMap;

use comfy_table::{Cell, Color};
use tm_client::{
    Rule, RuleAction, RuleActionRecord, RuleCondition, RulePreview, RuleRecipe, ServerInfo,
};

use crate::cli::layout::short_id;
use crate::cli::output::{Output, fixed, optional, rows, secondary, shrinking};
use crate::cli::units::{duration, timestamp};

/// Server names by ID, to show servers as people named them.
pub struct ServerNames(HashMap<String, String>);

impl ServerNames {
    pub fn new(servers: Vec<ServerInfo>) -> ServerNames {
        ServerNames(servers.into_iter().map(|s| (s.id, s.name)).collect())
    }

    fn of(&self, id: &str) -> String {
        self.0
            .get(id)
            .cloned()
            .unwrap_or_else(|| short_id(id).to_string())
    }

    /// The servers a rule looks at: `all` when it names none.
    fn list(&self, ids: &[String]) -> String {
        if ids.is_empty() {
            return "all".to_string();
        }
        let names: Vec<String> = ids.iter().map(|id| self.of(id)).collect();
        names.join(", ")
    }
}

/// `progress ge 100 and (ratio ge 2 or seeding_time ge 604800)`.
pub fn condition_text(condition: &RuleCondition) -> String {
    let group = |nodes: &[RuleCondition], joint: &str, empty: &str| {
        if nodes.is_empty() {
            return empty.to_string();
        }
        let parts: Vec<String> = nodes.iter().map(nested).collect();
        parts.join(joint)
    };
    match condition {
        RuleCondition::All { all } => group(all, " and ", "always"),
        RuleCondition::Any { any } => group(any, " or ", "never"),
        RuleCondition::Not { not } => format!("not {}", nested(not)),
        RuleCondition::Compare(c) => format!("{} {} {}", c.field, c.op, c.value),
    }
}

/// A part of a larger condition, in brackets when it joins several.
fn nested(condition: &RuleCondition) -> String {
    match condition {
        RuleCondition::All { all: nodes } | RuleCondition::Any { any: nodes }
            if nodes.len() > 1 =>
        {
            format!("({})", condition_text(condition))
        }
        _ => condition_text(condition),
    }
}

fn actions_text(actions: &[RuleAction]) -> String {
    let names: Vec<String> = actions.iter().map(RuleAction::describe).collect();
    names.join(", ")
}

fn enabled_cell(out: &Output, enabled: bool) -> Cell {
    if enabled {
        out.coloured("on", Color::Green)
    } else {
        out.coloured("off", Color::DarkGrey)
    }
}

pub fn render_list(out: &Output, rules: &[Rule], servers: &ServerNames) -> String {
    rows(
        out,
        rules,
        "No rules. Start from a recipe: `torrent-manager rules recipes`.",
        &[
            fixed("ID"),
            shrinking("NAME"),
            fixed("ENABLED"),
            fixed("EVERY"),
            secondary("SERVERS"),
            shrinking("ACTIONS"),
        ],
        |rule| {
            vec![
                Cell::new(short_id(&rule.id)),
                Cell::new(&rule.name),
                enabled_cell(out, rule.enabled),
                Cell::new(every(rule)),
                Cell::new(servers.list(&rule.server_ids)),
                Cell::new(actions_text(&rule.actions)),
            ]
        },
    )
}

fn every(rule: &Rule) -> String {
    duration(i64::try_from(rule.interval_seconds).ok())
}

pub fn render_details(out: &Output, rule: &Rule, servers: &ServerNames) -> String {
    let removals = match rule.max_removals_per_run {
        Some(cap) => cap.to_string(),
        None => "the server's default".to_string(),
    };
    out.details(vec![
        ("ID", rule.id.clone()),
        ("Name", rule.name.clone()),
        (
            "Enabled",
            if rule.enabled { "yes" } else { "no" }.to_string(),
        ),
        ("Servers", servers.list(&rule.server_ids)),
        ("When", condition_text(&rule.conditions)),
        ("Actions", actions_text(&rule.actions)),
        ("Runs every", every(rule)),
        ("Removals per run", removals),
        ("Created", timestamp(rule.created_at)),
        ("Updated", timestamp(rule.updated_at)),
    ])
    .trim_fmt()
}

pub fn render_recipes(out: &Output, recipes: &[RuleRecipe]) -> String {
    rows(
        out,
        recipes,
        "No recipes.",
        &[fixed("RECIPE"), shrinking("WHAT IT DOES")],
        |recipe| vec![Cell::new(&recipe.id), Cell::new(&recipe.description)],
    )
}

pub fn render_preview(out: &Output, preview: &RulePreview, servers: &ServerNames) -> String {
    let table = rows(
        out,
        &preview.matches,
        "No torrent matches.",
        &[
            secondary("SERVER"),
            shrinking("TORRENT"),
            shrinking("ACTIONS"),
        ],
        |matched| {
            let actions = if matched.actions.is_empty() {
                "(done already)".to_string()
            } else {
                matched.actions.join(", ")
            };
            vec![
                Cell::new(servers.of(&matched.server_id)),
                Cell::new(&matched.name),
                Cell::new(actions),
            ]
        },
    );
    if preview.matches.len() < preview.total {
        format!(
            "{table}\n{} of {} matches shown",
            preview.matches.len(),
            preview.total
        )
    } else {
        table
    }
}

/// What a rule did (a run's actions, or its history), newest first.
pub fn render_records(
    out: &Output,
    records: &[RuleActionRecord],
    servers: &ServerNames,
    empty: &str,
) -> String {
    rows(
        out,
        records,
        empty,
        &[
            fixed("TIME"),
            secondary("SERVER"),
            fixed("TORRENT"),
            fixed("ACTION"),
            fixed("OUTCOME"),
            optional("MESSAGE", 1),
        ],
        |record| {
            let colour = match record.outcome.as_str() {
                "done" => Color::Green,
                "failed" => Color::Red,
                _ => Color::Yellow,
            };
            vec![
                Cell::new(timestamp(record.at)),
                Cell::new(servers.of(&record.server_id)),
                Cell::new(short_id(&record.info_hash)),
                Cell::new(&record.action),
                out.coloured(&record.outcome, colour),
                Cell::new(&record.message),
            ]
        },
    )
}

#[cfg(test)]
mod tests {
    use super::condition_text;

    #[test]
    fn conditions_read_as_text() {
        let condition = serde_json::from_value(serde_json::json!({"all": [
            {"field": "progress", "op": "ge", "value": 100},
            {"any": [
                {"field": "ratio", "op": "ge", "value": 2},
                {"field": "label", "op": "contains", "value": "done"}
            ]},
            {"not": {"any": [{"field": "state", "op": "in", "value": ["paused", "error"]}]}}
        ]}))
        .unwrap();
        assert_eq!(
            condition_text(&condition),
            r#"progress ge 100 and (ratio ge 2 or label contains "done") and not state in ["paused","error"]"#
        );
        let always = serde_json::from_value(serde_json::json!({"all": []})).unwrap();
        assert_eq!(condition_text(&always), "always");
    }
}
