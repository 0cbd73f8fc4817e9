//! `rules` (list), `rules show|recipes|add|edit|enable|disable|remove|
//! preview|run|history`: automation rules and what they did.

mod input;
mod render;

use clap::{Args, Subcommand};
use tm_client::{Client, Rule, RuleHistoryQuery};

use super::servers;
use crate::cli::Context;
use crate::cli::pick::Named;
use crate::cli::units::torrents;
use input::{read_rule_file, recipe_rule, request_of};
use render::{
    ServerNames, render_details, render_list, render_preview, render_recipes, render_records,
};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RulesArgs {
    #[command(subcommand)]
    command: Option<RulesCommand>,
}

#[derive(Subcommand)]
enum RulesCommand {
    /// List your rules (the same as `rules` alone).
    #[command(visible_alias = "ls")]
    List,
    /// Show a rule: its conditions, actions, servers and interval.
    Show {
        /// The rule: its ID, name, or the start of its ID.
        rule: String,
    },
    /// The built-in rules `rules add --recipe` starts from.
    Recipes,
    /// Create a rule from a JSON file or from a recipe.
    Add(AddArgs),
    /// Replace a rule with the one in a JSON file (`rules show RULE -o json` writes one).
    Edit {
        rule: String,
        /// The rule as JSON; `-` reads it from standard input.
        #[arg(long)]
        file: String,
    },
    /// Let the rule run in the background on its interval.
    Enable { rule: String },
    /// Stop the rule's background runs (`rules run` still runs it).
    Disable { rule: String },
    /// Delete a rule and its history.
    #[command(visible_alias = "rm")]
    Remove { rule: String },
    /// The torrents the rule matches now and what it would do to each; nothing changes.
    Preview { rule: String },
    /// Run the rule once now, even when disabled; exits 1 when an action failed.
    Run { rule: String },
    /// What the rule did, failed to do or held back, newest first.
    History {
        rule: String,
        /// At most this many entries.
        #[arg(long, default_value_t = 50)]
        limit: u32,
        /// Skip this many of the newest entries first.
        #[arg(long, default_value_t = 0)]
        offset: u64,
    },
}

#[derive(Args)]
struct AddArgs {
    /// The rule as JSON (a recipe's `rule`, or what `rules show -o json`
    /// prints); `-` reads it from standard input.
    #[arg(long, conflicts_with = "recipe", required_unless_present = "recipe")]
    file: Option<String>,
    /// A built-in rule with its default values (see `rules recipes`; to
    /// change its values, save its `rule` from `rules recipes -o json`,
    /// edit it and use --file).
    #[arg(long)]
    recipe: Option<String>,
    /// With --recipe: the rule's name [default: the recipe's].
    #[arg(long, requires = "recipe")]
    name: Option<String>,
    /// With --recipe: only this server (ID or name; repeat for more)
    /// [default: all yours, present and future].
    #[arg(long = "server", requires = "recipe")]
    servers: Vec<String>,
    /// Create it disabled: preview it first, then `rules enable` it.
    #[arg(long)]
    disabled: bool,
}

pub async fn run(context: &Context, args: RulesArgs) -> anyhow::Result<()> {
    let (client, out) = (&context.client, &context.out);
    match args.command.unwrap_or(RulesCommand::List) {
        RulesCommand::List => {
            let rules = client.rules().await?;
            let servers = server_names(client).await?;
            out.show(&rules, || render_list(out, &rules, &servers))
        }
        RulesCommand::Show { rule } => {
            let rule = client.rule(&resolve(client, &rule).await?).await?;
            let servers = server_names(client).await?;
            out.show(&rule, || render_details(out, &rule, &servers))
        }
        RulesCommand::Recipes => {
            let recipes = client.rule_recipes().await?;
            out.show(&recipes, || render_recipes(out, &recipes))
        }
        RulesCommand::Add(args) => {
            let rule = client
                .create_rule(&add_request(client, args).await?)
                .await?;
            let state = if rule.enabled { "enabled" } else { "disabled" };
            out.show(&rule, || {
                format!("Added the rule {} ({}), {state}", rule.name, rule.id)
            })
        }
        RulesCommand::Edit { rule, file } => {
            let id = resolve(client, &rule).await?;
            let rule = client.update_rule(&id, &read_rule_file(&file)?).await?;
            out.show(&rule, || format!("Replaced the rule {}", rule.name))
        }
        RulesCommand::Enable { rule } => set_enabled(context, &rule, true).await,
        RulesCommand::Disable { rule } => set_enabled(context, &rule, false).await,
        RulesCommand::Remove { rule } => {
            let removed = client.delete_rule(&resolve(client, &rule).await?).await?;
            out.show(&removed, || removed.message.clone())
        }
        RulesCommand::Preview { rule } => {
            let preview = client.preview_rule(&resolve(client, &rule).await?).await?;
            let servers = server_names(client).await?;
            out.show(&preview, || render_preview(out, &preview, &servers))
        }
        RulesCommand::Run { rule } => {
            let run = client.run_rule(&resolve(client, &rule).await?).await?;
            let servers = server_names(client).await?;
            out.show(&run, || {
                let done = render_records(out, &run.actions, &servers, "Nothing to do.");
                format!("{done}\nMatched {}", torrents(run.matched))
            })?;
            let failed = run.actions.iter().filter(|a| a.outcome == "failed").count();
            if failed > 0 {
                anyhow::bail!("{failed} of the rule's actions failed");
            }
            Ok(())
        }
        RulesCommand::History {
            rule,
            limit,
            offset,
        } => {
            let id = resolve(client, &rule).await?;
            let query = RuleHistoryQuery {
                limit: Some(limit),
                offset: Some(offset),
            };
            let history = client.rule_history(&id, &query).await?;
            let servers = server_names(client).await?;
            out.show(&history, || {
                let empty = if history.total == 0 {
                    "Nothing yet."
                } else {
                    "No more entries."
                };
                let table = render_records(out, &history.entries, &servers, empty);
                let partial = (history.entries.len() as u64) < history.total;
                if partial && !history.entries.is_empty() {
                    let shown = offset + history.entries.len() as u64;
                    format!(
                        "{table}\n{shown} of {} entries (--offset for more)",
                        history.total
                    )
                } else {
                    table
                }
            })
        }
    }
}

/// The rule `add` creates: the file's, or the recipe's with the flags' changes.
async fn add_request(client: &Client, args: AddArgs) -> anyhow::Result<tm_client::RuleRequest> {
    let mut request = match (&args.file, &args.recipe) {
        (Some(file), _) => read_rule_file(file)?,
        (None, Some(recipe)) => recipe_rule(client.rule_recipes().await?, recipe)?,
        // clap requires one of them.
        (None, None) => anyhow::bail!("give --file or --recipe"),
    };
    if let Some(name) = args.name {
        request.name = name;
    }
    if !args.servers.is_empty() {
        let mut ids = Vec::new();
        for server in &args.servers {
            ids.push(servers::resolve(client, server).await?);
        }
        request.server_ids = ids;
    }
    if args.disabled {
        request.enabled = false;
    }
    Ok(request)
}

/// `rules enable|disable`: the rule sent back whole with `enabled` changed
/// (the API replaces rules as a whole).
async fn set_enabled(context: &Context, rule: &str, enabled: bool) -> anyhow::Result<()> {
    let (client, out) = (&context.client, &context.out);
    let id = resolve(client, rule).await?;
    let mut request = request_of(client.rule(&id).await?);
    request.enabled = enabled;
    let rule = client.update_rule(&id, &request).await?;
    let state = if rule.enabled { "enabled" } else { "disabled" };
    out.show(&rule, || format!("The rule {} is {state}", rule.name))
}

async fn server_names(client: &Client) -> anyhow::Result<ServerNames> {
    Ok(ServerNames::new(client.list_servers().await?))
}

/// The ID of the rule `id_or_name` names: an ID, a name, or a unique prefix
/// of an ID as `rules list` shows them.
async fn resolve(client: &Client, id_or_name: &str) -> anyhow::Result<String> {
    let rules = client.rules().await?;
    Named {
        items: &rules,
        id: |r: &Rule| &r.id,
        name: |r: &Rule| &r.name,
        kind: "rule",
        listing: "rules list",
    }
    .pick(id_or_name)
}
