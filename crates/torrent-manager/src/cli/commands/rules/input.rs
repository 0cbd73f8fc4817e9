//! The rule a command sends: read from a JSON file (or standard input), made
//! from a recipe, or a stored rule changed.

use std::io::Read;

use anyhow::Context as _;
use tm_client::{Rule, RuleRecipe, RuleRequest};

/// The fields of a stored rule the server sets; a rule saved with `rules show
/// -o json` carries them, and they are dropped so it can be sent back.
const SERVER_FIELDS: [&str; 3] = ["id", "created_at", "updated_at"];

/// The rule in `path` (`-`: standard input): a `POST /rules` body, a stored
/// rule (`rules show ID -o json`), or a recipe's `rule`.
pub fn read_rule_file(path: &str) -> anyhow::Result<RuleRequest> {
    let text = if path == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("reading the rule from standard input")?;
        text
    } else {
        std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?
    };
    parse_rule(&text).with_context(|| format!("{path} does not hold a rule"))
}

fn parse_rule(text: &str) -> anyhow::Result<RuleRequest> {
    let mut value: serde_json::Value = serde_json::from_str(text)?;
    if let Some(fields) = value.as_object_mut() {
        for field in SERVER_FIELDS {
            fields.remove(field);
        }
    }
    Ok(serde_json::from_value(value)?)
}

/// The request that stores `rule` again as it is.
pub fn request_of(rule: Rule) -> RuleRequest {
    RuleRequest {
        name: rule.name,
        enabled: rule.enabled,
        server_ids: rule.server_ids,
        conditions: rule.conditions,
        actions: rule.actions,
        interval_seconds: rule.interval_seconds,
        max_removals_per_run: rule.max_removals_per_run,
    }
}

/// The recipe `id` of `recipes`, ready to send.
pub fn recipe_rule(recipes: Vec<RuleRecipe>, id: &str) -> anyhow::Result<RuleRequest> {
    let known: Vec<String> = recipes.iter().map(|r| r.id.clone()).collect();
    recipes
        .into_iter()
        .find(|recipe| recipe.id == id)
        .map(|recipe| recipe.rule)
        .ok_or_else(|| {
            anyhow::anyhow!(
                "no recipe '{id}': the recipes are {} (see `torrent-manager rules recipes`)",
                known.join(", ")
            )
        })
}

#[cfg(test)]
mod tests {
    use super::parse_rule;

    #[test]
    fn a_stored_rule_reads_as_a_request() {
        let stored = r#"{"id": "0190", "name": "x", "enabled": false, "server_ids": [],
            "conditions": {"all": []}, "actions": [{"type": "stop"}],
            "interval_seconds": 60, "max_removals_per_run": null,
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"}"#;
        let rule = parse_rule(stored).unwrap();
        assert_eq!((rule.name.as_str(), rule.enabled), ("x", false));
        // Defaults as the server's.
        let short = parse_rule(r#"{"name": "y", "conditions": {"all": []}, "actions": []}"#);
        assert_eq!(short.unwrap().interval_seconds, 300);
        assert!(parse_rule(r#"{"name": "y", "colour": 1}"#).is_err());
        assert!(parse_rule("not json").is_err());
    }
}
