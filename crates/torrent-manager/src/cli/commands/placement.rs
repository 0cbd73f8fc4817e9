//! `placement show|set FILE`: where `torrents add --server auto` puts a new
//! torrent, as your ordered placement rules say.

use clap::Subcommand;
use comfy_table::Cell;
use tm_client::{PlacementRule, PlacementRules, PlacementTarget};

use crate::cli::output::{rows, secondary, shrinking};
use crate::cli::{Context, UsageError};

#[derive(Subcommand)]
pub enum PlacementCommand {
    /// Your placement rules, in order (the first that matches decides).
    Show,
    /// Replace your placement rules with those of a JSON file
    /// (`{"rules": [...]}` as `placement show --json` prints it, or the list alone).
    Set {
        /// The JSON file, or `-` for stdin.
        file: String,
    },
}

pub async fn run(context: &Context, command: PlacementCommand) -> anyhow::Result<()> {
    let (client, out) = (&context.client, &context.out);
    let rules = match command {
        PlacementCommand::Show => client.placement().await?,
        PlacementCommand::Set { file } => client.set_placement(read_rules(&file)?).await?,
    };
    let shown = PlacementRules { rules };
    out.show(&shown, || {
        rows(
            out,
            &shown.rules,
            "No placement rules: `--server auto` adds to your default server.",
            &[shrinking("NAME"), shrinking("MATCH"), secondary("TARGET")],
            |rule| {
                vec![
                    Cell::new(&rule.name),
                    Cell::new(match_text(rule)),
                    Cell::new(target_text(&rule.target)),
                ]
            },
        )
    })
}

/// The rules of a JSON file: an object with `rules`, or the list alone.
fn read_rules(file: &str) -> anyhow::Result<Vec<PlacementRule>> {
    let text = if file == "-" {
        std::io::read_to_string(std::io::stdin())?
    } else {
        std::fs::read_to_string(file).map_err(|e| UsageError(format!("cannot read {file}: {e}")))?
    };
    if let Ok(rules) = serde_json::from_str::<PlacementRules>(&text) {
        return Ok(rules.rules);
    }
    serde_json::from_str::<Vec<PlacementRule>>(&text)
        .map_err(|e| UsageError(format!("{file} is not a list of placement rules: {e}")).into())
}

/// The rule's conditions as `key=value` pairs.
fn match_text(rule: &PlacementRule) -> String {
    serde_json::to_value(&rule.matches)
        .ok()
        .and_then(|v| v.as_object().cloned())
        .map(|fields| {
            let pairs: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
            if pairs.is_empty() {
                "(every torrent)".to_string()
            } else {
                pairs.join(" ")
            }
        })
        .unwrap_or_default()
}

fn target_text(target: &PlacementTarget) -> String {
    match target {
        PlacementTarget::Server(server) => format!("server {}", server.server_id),
        PlacementTarget::Strategy(strategy) if strategy.server_ids.is_empty() => {
            format!("{} of all servers", strategy.strategy.as_str())
        }
        PlacementTarget::Strategy(strategy) => format!(
            "{} of {}",
            strategy.strategy.as_str(),
            strategy.server_ids.join(",")
        ),
    }
}
