//! `login`, `register`, `logout`, `whoami`.

use std::io::IsTerminal;

use anyhow::Context as _;
use clap::Args;
use tm_client::AuthMethod;

use crate::cli::session::SavedSession;
use crate::cli::{Context, UsageError};

#[derive(Args)]
pub struct LoginArgs {
    username: String,

    /// Read the password from standard input instead of prompting for it
    /// (also done when standard input is not a terminal).
    #[arg(long)]
    password_stdin: bool,
}

/// The password, prompted for without echo on a terminal, else one line of stdin.
fn read_password(args: &LoginArgs) -> anyhow::Result<String> {
    read_secret("Password: ", args.password_stdin)
}

/// A secret kept out of argv (`ps`, shell history): one line of standard
/// input when asked to or when it is not a terminal, else a prompt without echo.
pub fn read_secret(prompt: &str, from_stdin: bool) -> anyhow::Result<String> {
    let secret = read_line_secret(prompt, from_stdin)?;
    if secret.is_empty() {
        return Err(UsageError("no password given".into()).into());
    }
    Ok(secret)
}

/// A secret read as [`read_secret`] does, where an empty one means none.
pub fn read_optional_secret(prompt: &str) -> anyhow::Result<Option<String>> {
    let secret = read_line_secret(prompt, false)?;
    Ok(Some(secret).filter(|s| !s.is_empty()))
}

fn read_line_secret(prompt: &str, from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    } else {
        rpassword::prompt_password(prompt).context("reading the password")
    }
}

pub async fn login(context: &Context, args: LoginArgs) -> anyhow::Result<()> {
    let password = read_password(&args)?;
    // Remember-me: the login outlives the server's idle timeout, as a CLI login should.
    let account = context
        .client
        .login(&args.username, &password, true)
        .await?;
    let cookies = context
        .client
        .session_cookies()
        .context("the server answered the login without a session cookie")?;
    let url = context.client.base_url().trim_end_matches('/').to_string();
    context.file.save(&SavedSession {
        url: url.clone(),
        username: account.username.clone(),
        cookies: Some(cookies),
    })?;
    context.out.show(&account, || {
        format!("Logged in to {url} as {}", account.username)
    })
}

pub async fn register(context: &Context, args: LoginArgs) -> anyhow::Result<()> {
    let password = read_password(&args)?;
    let account = context.client.register(&args.username, &password).await?;
    context.out.show(&account, || {
        format!(
            "Created the account {}; log in with `torrent-manager login {}`",
            account.username, account.username
        )
    })
}

/// Ends the session and forgets its cookies, but keeps the URL: the next
/// command then says "not logged in", not "could not connect" to the default.
pub async fn logout(context: &Context) -> anyhow::Result<()> {
    let logged_in = context.saved_cookies.is_some();
    if logged_in {
        // The local session goes whatever the server says (it may be gone already).
        if let Err(error) = context.client.logout().await
            && !matches!(error, tm_client::Error::Unauthorized(_))
        {
            eprintln!("warning: the server did not end the session: {error}");
        }
    }
    if let Some(stored) = &context.stored {
        context.file.save(&SavedSession {
            cookies: None,
            ..stored.clone()
        })?;
    }
    let message = if logged_in {
        "Logged out"
    } else {
        "Not logged in"
    };
    context
        .out
        .show(&serde_json::json!({ "message": message }), || {
            message.to_string()
        })
}

pub async fn whoami(context: &Context) -> anyhow::Result<()> {
    let me = context.client.me().await?;
    context.out.show(&me, || {
        let role = if me.is_admin { " (admin)" } else { "" };
        let method = match me.auth_method {
            AuthMethod::Session => "a password login",
            AuthMethod::ApiKey => "an API key",
        };
        format!(
            "{}{role} on {}, through {method}",
            me.username,
            context.client.base_url().trim_end_matches('/')
        )
    })
}
