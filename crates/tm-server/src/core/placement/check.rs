//! Checks a user's placement rules before they are stored.

use std::collections::HashSet;

use tm_api_types::{PlacementRule, PlacementTarget};

use super::super::{Error, Result, clean_labels};

/// Most placement rules a user may have.
const MAX_RULES: usize = 100;

/// The rules cleaned (names and labels trimmed, tracker hosts lower-cased),
/// or 422 naming what is wrong. `own` holds the ids of the user's servers.
pub fn checked_rules(
    rules: Vec<PlacementRule>,
    own: &HashSet<String>,
) -> Result<Vec<PlacementRule>> {
    if rules.len() > MAX_RULES {
        return Err(Error::Invalid(format!(
            "at most {MAX_RULES} placement rules"
        )));
    }
    let mut names = HashSet::new();
    rules
        .into_iter()
        .map(|rule| {
            let rule = checked_rule(rule, own)?;
            if !names.insert(rule.name.clone()) {
                return Err(Error::Invalid(format!(
                    "two placement rules are named '{}'",
                    rule.name
                )));
            }
            Ok(rule)
        })
        .collect()
}

fn checked_rule(mut rule: PlacementRule, own: &HashSet<String>) -> Result<PlacementRule> {
    rule.name = rule.name.trim().to_string();
    if rule.name.is_empty() || rule.name.chars().count() > 128 {
        return Err(Error::Invalid(
            "a placement rule's name must be 1 to 128 characters".into(),
        ));
    }
    let invalid = |what: String| Error::Invalid(format!("placement rule '{}': {what}", rule.name));
    let m = &mut rule.matches;
    if let Some(labels) = m.labels.take() {
        let labels = clean_labels(labels)?;
        m.labels = (!labels.is_empty()).then_some(labels);
    }
    if let Some(category) = m.category.take() {
        m.category = clean_labels(vec![category])?.pop();
    }
    if let Some(tracker) = m.tracker.take() {
        let host = tracker.trim().to_ascii_lowercase();
        let is_host = !host.is_empty()
            && host.len() <= 253
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        if !is_host {
            return Err(invalid(format!(
                "tracker must be a host name such as tracker.example.org, not {tracker:?}"
            )));
        }
        m.tracker = Some(host);
    }
    if let (Some(min), Some(max)) = (m.min_size, m.max_size)
        && min > max
    {
        return Err(invalid("min_size is larger than max_size".into()));
    }
    let ids: Vec<&String> = match &rule.target {
        PlacementTarget::Server(target) => vec![&target.server_id],
        PlacementTarget::Strategy(target) => target.server_ids.iter().collect(),
    };
    let mut seen = HashSet::new();
    for id in ids {
        if !own.contains(id) {
            return Err(invalid(format!("server '{id}' is not one of your servers")));
        }
        if !seen.insert(id) {
            return Err(invalid(format!("server '{id}' is listed twice")));
        }
    }
    Ok(rule)
}
