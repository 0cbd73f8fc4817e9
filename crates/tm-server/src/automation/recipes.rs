//! Built-in rules, offered ready to `POST /rules` with default values.

use serde_json::json;
use tm_api_types::{RuleAction, RuleComparison, RuleCondition, RuleRecipe, RuleRequest};

const DEFAULT_RATIO: f64 = 2.0;
const DEFAULT_SEEDING_SECONDS: u64 = 7 * 24 * 3600;
const DEFAULT_INTERVAL_SECONDS: u64 = 300;
const DEFAULT_RECIPE_REMOVALS: u32 = 5;
/// "Reannounce until a tracker answers": for this long after the add, every
/// so often (qui's defaults are of the same order).
const REANNOUNCE_WINDOW_SECONDS: u64 = 15 * 60;
const REANNOUNCE_EVERY_SECONDS: u64 = 30;
const REANNOUNCE_RULE_INTERVAL: u64 = 10;
/// Where the "move completed" recipe moves to until the user changes it.
const DEFAULT_COMPLETED_DIR: &str = "/downloads/completed";

fn compare(field: &str, op: &str, value: serde_json::Value) -> RuleCondition {
    RuleCondition::Compare(RuleComparison {
        field: field.into(),
        op: op.into(),
        value,
    })
}

/// Complete torrents that reached the ratio or the seeding time.
fn seeding_goal_reached() -> RuleCondition {
    RuleCondition::All {
        all: vec![
            compare("progress", "ge", json!(100)),
            RuleCondition::Any {
                any: vec![
                    compare("ratio", "ge", json!(DEFAULT_RATIO)),
                    compare("seeding_time", "ge", json!(DEFAULT_SEEDING_SECONDS)),
                ],
            },
        ],
    }
}

fn recipe(id: &str, title: &str, description: &str, rule: RuleRequest) -> RuleRecipe {
    RuleRecipe {
        id: id.into(),
        title: title.into(),
        description: description.into(),
        rule,
    }
}

/// A rule on all the user's servers, enabled, with the default removal cap.
fn rule(
    name: &str,
    conditions: RuleCondition,
    actions: Vec<RuleAction>,
    interval: u64,
) -> RuleRequest {
    RuleRequest {
        name: name.into(),
        enabled: true,
        server_ids: Vec::new(),
        conditions,
        actions,
        interval_seconds: interval,
        max_removals_per_run: None,
    }
}

pub fn recipes() -> Vec<RuleRecipe> {
    let seeding_goal = |name: &str, actions, max_removals| RuleRequest {
        max_removals_per_run: max_removals,
        ..rule(
            name,
            seeding_goal_reached(),
            actions,
            DEFAULT_INTERVAL_SECONDS,
        )
    };
    vec![
        recipe(
            "stop_at_seeding_goal",
            "Stop when ratio ≥ R or seeded ≥ T",
            "Stops complete torrents once their ratio reaches 2 or they seeded 7 days \
             (change `value` in the conditions to set R and T, in seconds).",
            seeding_goal("Stop at seeding goal", vec![RuleAction::Stop], None),
        ),
        recipe(
            "remove_at_seeding_goal",
            "Remove with data when ratio ≥ R or seeded ≥ T",
            "Removes complete torrents and their data once their ratio reaches 2 or they \
             seeded 7 days, at most 5 per run (use `remove` to keep the data).",
            seeding_goal(
                "Remove at seeding goal",
                vec![RuleAction::RemoveWithData],
                Some(DEFAULT_RECIPE_REMOVALS),
            ),
        ),
        recipe(
            "remove_unregistered",
            "Remove unregistered torrents",
            "Removes torrents whose tracker says it no longer knows them (deleted, trumped, \
             never registered; an unreachable tracker is `tracker_down`, never this), at \
             most 5 per run, keeping the data (use `remove_with_data` to delete it).",
            RuleRequest {
                max_removals_per_run: Some(DEFAULT_RECIPE_REMOVALS),
                ..rule(
                    "Remove unregistered",
                    compare("tracker_status", "eq", json!("unregistered")),
                    vec![RuleAction::Remove],
                    DEFAULT_INTERVAL_SECONDS,
                )
            },
        ),
        recipe(
            "reannounce_until_tracker_answers",
            "Reannounce new torrents until a tracker answers",
            "For 15 minutes after a torrent is added, reannounces it every 30 seconds while \
             no tracker answered (not contacted yet, unreachable or failing), so a torrent \
             uploaded moments ago to a private tracker starts at once. Some clients hold a \
             reannounce back within the tracker's minimum interval; Transmission reports \
             a tracker's error answers but not a failure to reach it.",
            rule(
                "Reannounce until a tracker answers",
                RuleCondition::All {
                    all: vec![
                        compare("added_age", "lt", json!(REANNOUNCE_WINDOW_SECONDS)),
                        compare(
                            "tracker_status",
                            "in",
                            json!(["not_contacted", "tracker_down", "error"]),
                        ),
                    ],
                },
                vec![RuleAction::Reannounce {
                    every_seconds: Some(REANNOUNCE_EVERY_SECONDS),
                }],
                REANNOUNCE_RULE_INTERVAL,
            ),
        ),
        recipe(
            "label_by_tracker",
            "Label by tracker",
            "Adds the tracker's host name as a label to every torrent that has a tracker \
             (once per torrent; `{server}` in a label is the server's name).",
            rule(
                "Label by tracker",
                compare("tracker", "matches", json!(".")),
                vec![RuleAction::AddLabel {
                    label: "{tracker}".into(),
                }],
                DEFAULT_INTERVAL_SECONDS,
            ),
        ),
        recipe(
            "move_completed",
            "Move completed to a folder",
            "Moves the data of complete torrents not already there into /downloads/completed, \
             through the client's own move (change the path in the condition and the action; \
             it must be a directory on the client's host).",
            rule(
                "Move completed",
                RuleCondition::All {
                    all: vec![
                        compare("progress", "ge", json!(100)),
                        compare("save_path", "ne", json!(DEFAULT_COMPLETED_DIR)),
                    ],
                },
                vec![RuleAction::Move {
                    path: DEFAULT_COMPLETED_DIR.into(),
                }],
                DEFAULT_INTERVAL_SECONDS,
            ),
        ),
    ]
}
