//! The client side of the binary: every subcommand besides `serve`.

mod commands;
mod errors;
mod layout;
mod output;
mod pick;
mod session;
mod transfer;
mod units;
mod watch;

use std::process::ExitCode;

use clap::{Args, Subcommand};
use tm_client::Client;

use commands::{
    activity, auth, categories, jobs, keys, placement, rss, rules, servers, torrents, webhooks,
};
use output::{Format, Output};
use session::{SavedSession, SessionFile};

/// Flags every client command accepts.
#[derive(Args)]
pub struct GlobalArgs {
    /// The server's URL [default: the one you logged in to, else http://localhost:8144].
    #[arg(long, global = true, env = "TORRENT_MANAGER_URL")]
    url: Option<String>,

    /// Authenticate with this API key instead of the saved login.
    #[arg(
        long,
        global = true,
        env = "TORRENT_MANAGER_API_KEY",
        hide_env_values = true
    )]
    api_key: Option<String>,

    /// How to print results: tables for people, or the API's JSON for scripts.
    #[arg(long, short = 'o', global = true, value_enum, default_value_t = Format::Table)]
    output: Format,
}

#[derive(Subcommand)]
pub enum ClientCommand {
    /// Log in and keep the session for the next commands.
    Login(auth::LoginArgs),
    /// Create an account (the first one on a server becomes its admin).
    Register(auth::LoginArgs),
    /// End the session and forget it.
    Logout,
    #[command(flatten)]
    WithCredentials(CredentialedCommand),
}

/// Commands that act as the logged-in user (or the `--api-key`'s owner).
#[derive(Subcommand)]
pub enum CredentialedCommand {
    /// Show who you are logged in as.
    Whoami,
    /// Create, list and revoke API keys.
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// The torrent clients you manage.
    #[command(subcommand)]
    Servers(servers::ServersCommand),
    /// Save a file from a server's HTTP location, with a progress bar; `--resume` completes it.
    Download(servers::files::DownloadArgs),
    /// List torrents, or add, start, stop, remove and inspect them.
    // Boxed: a listing's filters would make every command value that large.
    #[command(visible_alias = "ls")]
    Torrents(Box<torrents::TorrentsArgs>),
    /// Where the torrents Sonarr or Radarr add in each category go (server and folder).
    Categories(categories::CategoriesArgs),
    /// Who changed which torrent, server or account, when, and how it went.
    Activity(activity::ActivityArgs),
    /// Placement rules: where `torrents add --server auto` puts a torrent.
    #[command(subcommand)]
    Placement(placement::PlacementCommand),
    /// Automation rules: what they match, what they would do and what they did.
    Rules(rules::RulesArgs),
    /// RSS feeds whose items a filter takes are added automatically.
    // Boxed: the filter options would make every command value that large.
    Rss(Box<rss::RssArgs>),
    /// Lifecycle events POSTed as signed JSON to your URLs.
    Webhooks(webhooks::WebhooksArgs),
    /// Work the server goes on with after answering: moves between servers.
    Jobs(jobs::JobsArgs),
}

/// A mistake in how the command was called: exit code 2, like clap's own.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Runs one command and turns its outcome into the exit code: 0 done,
/// 1 failed (the server's detail on stderr), 2 usage error.
pub async fn run(global: GlobalArgs, command: ClientCommand) -> ExitCode {
    match dispatch(global, command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", errors::describe(&error));
            if let Some(tm_client::Error::Unauthorized(_)) = error.downcast_ref() {
                eprintln!(
                    "hint: log in with `torrent-manager login <username>`, or pass --api-key"
                );
            }
            if error.is::<UsageError>() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

async fn dispatch(global: GlobalArgs, command: ClientCommand) -> anyhow::Result<()> {
    match command {
        ClientCommand::Login(args) => auth::login(&Context::anonymous(&global)?, args).await,
        ClientCommand::Register(args) => auth::register(&Context::anonymous(&global)?, args).await,
        ClientCommand::Logout => auth::logout(&Context::open(&global)?).await,
        ClientCommand::WithCredentials(command) => {
            let context = Context::open(&global)?;
            if !context.has_credentials {
                anyhow::bail!(
                    "not logged in to {}: run `torrent-manager login <username>` (or pass --api-key)",
                    context.client.base_url().trim_end_matches('/')
                );
            }
            let outcome = match command {
                CredentialedCommand::Whoami => auth::whoami(&context).await,
                CredentialedCommand::Keys(command) => keys::run(&context, command).await,
                CredentialedCommand::Servers(command) => servers::run(&context, command).await,
                CredentialedCommand::Download(args) => {
                    servers::files::download(&context, args).await
                }
                CredentialedCommand::Torrents(args) => torrents::run(&context, *args).await,
                CredentialedCommand::Categories(args) => categories::run(&context, args).await,
                CredentialedCommand::Activity(args) => activity::run(&context, args).await,
                CredentialedCommand::Placement(command) => placement::run(&context, command).await,
                CredentialedCommand::Rules(args) => rules::run(&context, args).await,
                CredentialedCommand::Rss(args) => rss::run(&context, *args).await,
                CredentialedCommand::Webhooks(args) => webhooks::run(&context, args).await,
                CredentialedCommand::Jobs(args) => jobs::run(&context, args).await,
            };
            context.keep_renewed_session()?;
            outcome
        }
    }
}

/// What a command works with: a client of the server, the output, and the saved login.
pub struct Context {
    pub client: Client,
    pub out: Output,
    file: SessionFile,
    /// The session file's content for this server, logged in or not.
    stored: Option<SavedSession>,
    /// The login cookies used by this run, if they came from the session file.
    saved_cookies: Option<String>,
    /// An API key or a saved login is at hand.
    has_credentials: bool,
}

impl Context {
    /// A client with the credentials at hand: `--api-key`, else the saved
    /// login when it belongs to the same server.
    fn open(global: &GlobalArgs) -> anyhow::Result<Context> {
        Context::connect(global, true)
    }

    /// A client without credentials (to log in or register).
    fn anonymous(global: &GlobalArgs) -> anyhow::Result<Context> {
        Context::connect(global, false)
    }

    fn connect(global: &GlobalArgs, with_credentials: bool) -> anyhow::Result<Context> {
        let file = SessionFile::locate()?;
        let stored = file.load()?;
        let url = global
            .url
            .clone()
            .or_else(|| stored.as_ref().map(|s| s.url.clone()))
            .unwrap_or_else(|| tm_client::DEFAULT_URL.to_string());
        let stored = stored.filter(|s| same_server(&s.url, &url));
        let mut builder = Client::builder(&url);
        let mut saved_cookies = None;
        if with_credentials {
            if let Some(key) = &global.api_key {
                builder = builder.api_key(key);
            } else if let Some(cookies) = stored.as_ref().and_then(|s| s.cookies.clone()) {
                builder = builder.session_cookies(&cookies);
                saved_cookies = Some(cookies);
            }
        }
        Ok(Context {
            client: builder.build()?,
            out: Output::new(global.output),
            file,
            has_credentials: global.api_key.is_some() || saved_cookies.is_some(),
            stored,
            saved_cookies,
        })
    }

    /// The server renews an ended session from the remember-me token and
    /// sends new cookies: save them, or every run would start a new session.
    fn keep_renewed_session(&self) -> anyhow::Result<()> {
        let (Some(stored), Some(saved)) = (&self.stored, &self.saved_cookies) else {
            return Ok(());
        };
        match self.client.session_cookies() {
            Some(cookies) if &cookies != saved => self.file.save(&SavedSession {
                cookies: Some(cookies),
                ..stored.clone()
            }),
            _ => Ok(()),
        }
    }
}

fn same_server(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}
