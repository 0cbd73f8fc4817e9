//! Automation rules: conditions over the normalised torrents of a user's
//! servers, and the actions run on the torrents that match.

use time::OffsetDateTime;

/// A node of a rule's condition tree: `{"all": [...]}`, `{"any": [...]}`,
/// `{"not": {...}}`, or a comparison `{"field", "op", "value"}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum RuleCondition {
    /// Every condition holds (an empty list always holds).
    All {
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        all: Vec<RuleCondition>,
    },
    /// At least one condition holds.
    Any {
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        any: Vec<RuleCondition>,
    },
    /// The condition does not hold.
    Not {
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        not: Box<RuleCondition>,
    },
    /// One comparison of a torrent's field.
    Compare(RuleComparison),
}

/// Read strictly: a node with a group key and anything else (`{"all": [..],
/// "not": ..}`) is refused rather than half-read.
impl<'de> serde::Deserialize<'de> for RuleCondition {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let node = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
        let is_group = ["all", "any", "not"].iter().any(|k| node.contains_key(*k));
        if !is_group {
            return RuleComparison::deserialize(serde_json::Value::Object(node))
                .map(RuleCondition::Compare)
                .map_err(D::Error::custom);
        }
        let mut entries = node.into_iter();
        let (Some((key, value)), None) = (entries.next(), entries.next()) else {
            return Err(D::Error::custom(
                "a condition holds exactly one of all, any or not, or is a comparison {field, op, value}",
            ));
        };
        let list = |value| Vec::<RuleCondition>::deserialize(value).map_err(D::Error::custom);
        match key.as_str() {
            "all" => list(value).map(|all| RuleCondition::All { all }),
            "any" => list(value).map(|any| RuleCondition::Any { any }),
            _ => RuleCondition::deserialize(value)
                .map(|not| RuleCondition::Not { not: Box::new(not) })
                .map_err(D::Error::custom),
        }
    }
}

/// `field op value`. Fields: `state`, `ratio`, `seeding_time`,
/// `inactive_time`, `added_age`, `completed_age` (seconds), `size`,
/// `free_space` (bytes), `progress` (0–100), `label`, `tracker` (host),
/// `name`, `save_path`, `server` (id), `client` (kind). Operators: `eq`, `ne`, `lt`, `le`,
/// `gt`, `ge` (numbers), `in` (a list), `matches` (a regex), `contains`
/// (text; for `label`: has the label).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleComparison {
    pub field: String,
    pub op: String,
    pub value: serde_json::Value,
}

/// One action of a rule, run in order on each matching torrent.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum RuleAction {
    Stop,
    Start,
    Recheck,
    /// Asks the trackers for peers now; with `every_seconds`, again at that
    /// interval for as long as the rule matches (the one action that may
    /// repeat: "reannounce until a tracker answers").
    Reannounce {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        every_seconds: Option<u64>,
    },
    /// Removes the torrent, keeping its data.
    Remove,
    /// Removes the torrent and deletes its data.
    RemoveWithData,
    /// `{tracker}` in the label is the torrent's tracker host, `{server}`
    /// its server's name ("label by tracker").
    AddLabel {
        label: String,
    },
    RemoveLabel {
        label: String,
    },
    SetLabels {
        labels: Vec<String>,
    },
    /// Sends a `rule.notify` event with `message` to the owner's webhooks.
    Notify {
        message: String,
    },
    /// Moves the torrent's data into `path` (an absolute directory on the
    /// client's host), through the client's own move.
    Move {
        path: String,
    },
    /// Sets the torrent's share limits, the ones the qBittorrent-compatible
    /// API's `setShareLimits` sets: once a complete torrent reaches its
    /// `ratio`, has seeded `seeding_time` seconds or been inactive
    /// `inactive_time` seconds, torrent-manager stops it, on every client
    /// kind. A limit left out is none; times count in whole minutes,
    /// rounded up.
    SetShareLimits {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ratio: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seeding_time: Option<u64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        inactive_time: Option<u64>,
    },
}

impl RuleAction {
    /// How the action is named in the history (and keyed for at-most-once).
    pub fn describe(&self) -> String {
        match self {
            RuleAction::Stop => "stop".into(),
            RuleAction::Start => "start".into(),
            RuleAction::Recheck => "recheck".into(),
            RuleAction::Reannounce { .. } => "reannounce".into(),
            RuleAction::Remove => "remove".into(),
            RuleAction::RemoveWithData => "remove_with_data".into(),
            RuleAction::AddLabel { label } => format!("add_label {label}"),
            RuleAction::RemoveLabel { label } => format!("remove_label {label}"),
            RuleAction::SetLabels { labels } => format!("set_labels {}", labels.join(",")),
            RuleAction::Notify { message } => format!("notify {message}"),
            RuleAction::Move { path } => format!("move {path}"),
            RuleAction::SetShareLimits {
                ratio,
                seeding_time,
                inactive_time,
            } => {
                let limit = |value: Option<String>| value.unwrap_or_else(|| "none".into());
                format!(
                    "set_share_limits ratio {}, seeding {}, inactive {}",
                    limit(ratio.map(|r| r.to_string())),
                    limit(seeding_time.map(|s| format!("{s} s"))),
                    limit(inactive_time.map(|s| format!("{s} s"))),
                )
            }
        }
    }

    /// How long after it was done the action is due again; `None`: never
    /// (at most once per torrent).
    pub fn repeats_after_seconds(&self) -> Option<u64> {
        match self {
            RuleAction::Reannounce { every_seconds } => *every_seconds,
            _ => None,
        }
    }

    /// True for the actions the per-run removal cap counts.
    pub fn is_removal(&self) -> bool {
        matches!(self, RuleAction::Remove | RuleAction::RemoveWithData)
    }
}

fn default_true() -> bool {
    true
}

fn default_interval() -> u64 {
    300
}

/// `POST /rules` and `PUT /rules/{id}` (a whole rule; `PUT` replaces it).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleRequest {
    pub name: String,
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// The servers it looks at; empty: all of yours, present and future.
    #[serde(default)]
    pub server_ids: Vec<String>,
    pub conditions: RuleCondition,
    pub actions: Vec<RuleAction>,
    /// Seconds between two background runs (at least 1).
    #[serde(default = "default_interval")]
    pub interval_seconds: u64,
    /// Most torrents one run removes; `null`: the server's default.
    #[serde(default)]
    pub max_removals_per_run: Option<u32>,
}

/// A stored rule.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub enabled: bool,
    pub server_ids: Vec<String>,
    pub conditions: RuleCondition,
    pub actions: Vec<RuleAction>,
    pub interval_seconds: u64,
    pub max_removals_per_run: Option<u32>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// `GET /rules`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleList {
    pub rules: Vec<Rule>,
}

/// A torrent a rule matches and the actions it would get.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleMatch {
    pub server_id: String,
    pub info_hash: String,
    pub name: String,
    /// The actions a run would do now, as the history names them; those the
    /// rule already did to this torrent are left out (at most once).
    pub actions: Vec<String>,
}

/// `POST /rules/{id}/preview`: what a run would do now; nothing is changed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RulePreview {
    /// The first 1,000 matches, by server and name.
    pub matches: Vec<RuleMatch>,
    /// How many torrents match in all.
    pub total: usize,
}

/// One thing a rule did (or tried, or held back from).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleActionRecord {
    pub server_id: String,
    pub info_hash: String,
    pub action: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// `done`, `failed` or `cap_reached`.
    pub outcome: String,
    pub message: String,
}

/// `POST /rules/{id}/run`: what this run did.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleRunResult {
    /// Torrents the conditions matched.
    pub matched: usize,
    pub actions: Vec<RuleActionRecord>,
}

/// The page of `GET /rules/{id}/history`.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct RuleHistoryQuery {
    /// Entries per page, 1–500 (default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Entries to skip (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
}

/// `GET /rules/{id}/history`: newest first.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleHistory {
    pub entries: Vec<RuleActionRecord>,
    pub total: u64,
}

/// A built-in rule, ready to `POST /rules` (adjust its values first).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleRecipe {
    pub id: String,
    pub title: String,
    pub description: String,
    pub rule: RuleRequest,
}

/// `GET /rules/recipes`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleRecipeList {
    pub recipes: Vec<RuleRecipe>,
}
