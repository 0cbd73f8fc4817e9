//! The settings of a server as flags, and the requests they make.

use clap::builder::TypedValueParser;
use clap::{Args, ValueEnum};
use tm_client::{CreateServerRequest, Patch, ServerType, Transport, UpdateServerRequest};

use crate::cli::UsageError;
use crate::cli::commands::auth::{read_optional_secret, read_secret};

/// `--type`: the kinds in the table of client kinds.
fn kind_parser() -> impl TypedValueParser<Value = ServerType> {
    clap::builder::PossibleValuesParser::new(ServerType::ALL.map(ServerType::as_str))
        .try_map(|name| name.parse::<ServerType>())
}

/// `--transport`: every transport; which ones a kind accepts the server checks.
fn transport_parser() -> impl TypedValueParser<Value = Transport> {
    clap::builder::PossibleValuesParser::new(Transport::ALL.map(Transport::as_str))
        .try_map(|name| name.parse::<Transport>())
}

/// Settings shared by `add` and `update`. Switches take an optional value:
/// `--ssl` is `--ssl=true`, `--ssl=false` turns it off.
#[derive(Args)]
pub struct ServerFields {
    /// Host name or address of the client (not for scgi_unix).
    #[arg(long)]
    host: Option<String>,
    /// RPC port (not for scgi_unix).
    #[arg(long)]
    port: Option<u16>,
    #[arg(long)]
    username: Option<String>,
    /// Stored encrypted; never shown again. Visible to other local users in
    /// the process list and kept in shell history: prefer the prompt (given
    /// --username and no password, `servers add` asks) or --password-stdin.
    /// For qBittorrent, a password without --username is its API key.
    #[arg(long)]
    password: Option<String>,
    /// Read the password from one line of standard input.
    #[arg(long, conflicts_with_all = ["password", "ask_password"])]
    password_stdin: bool,
    /// Prompt for the password (not echoed).
    #[arg(long, conflicts_with = "password")]
    ask_password: bool,
    /// HTTP path of the RPC endpoint (/RPC2, /transmission/rpc; rqbit: /).
    #[arg(long)]
    rpc_path: Option<String>,
    /// How to reach the client (rTorrent: scgi, http or scgi_unix; Deluge:
    /// deluge_rpc or http for deluge-web) [default: derived from the other settings].
    #[arg(long, value_parser = transport_parser())]
    transport: Option<Transport>,
    /// rTorrent's SCGI Unix socket (for scgi_unix).
    #[arg(long)]
    socket_path: Option<String>,
    /// Talk HTTPS to the client.
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    ssl: Option<bool>,
    /// Accept a self-signed TLS certificate from this client.
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    insecure_tls: Option<bool>,
    /// Poll this server (`--enabled=false` pauses it).
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    enabled: Option<bool>,
    /// Where torrents go when no server is named.
    #[arg(long = "default", num_args = 0..=1, default_missing_value = "true")]
    is_default: Option<bool>,
    /// Host serving the downloaded files over HTTP.
    #[arg(long)]
    http_host: Option<String>,
    #[arg(long)]
    http_port: Option<u16>,
    #[arg(long)]
    http_path: Option<String>,
    #[arg(long)]
    http_username: Option<String>,
    #[arg(long)]
    http_password: Option<String>,
    #[arg(long, num_args = 0..=1, default_missing_value = "true")]
    http_ssl: Option<bool>,
    /// The client's directory that the HTTP location's root serves (as the
    /// client names save paths), for `torrents download`.
    #[arg(long)]
    http_download_root: Option<String>,
}

#[derive(Args)]
pub struct AddArgs {
    /// A name of your choice.
    name: String,
    /// Save without testing the connection first (a server offline on purpose).
    #[arg(long)]
    pub skip_test: bool,
    /// The kind of client.
    #[arg(long = "type", value_parser = kind_parser())]
    kind: ServerType,
    #[command(flatten)]
    fields: ServerFields,
}

/// The settings `update --clear` can empty.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Clearable {
    Username,
    Password,
    RpcPath,
    SocketPath,
    HttpHost,
    HttpPort,
    HttpPath,
    HttpUsername,
    HttpPassword,
    HttpDownloadRoot,
}

#[derive(Args)]
pub struct UpdateArgs {
    /// The server's ID or name.
    pub server: String,
    /// Save a new password without testing the connection with it first.
    #[arg(long)]
    pub skip_test: bool,
    #[arg(long)]
    name: Option<String>,
    #[arg(long = "type", value_parser = kind_parser())]
    kind: Option<ServerType>,
    #[command(flatten)]
    fields: ServerFields,
    /// Empty these settings (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',')]
    clear: Vec<Clearable>,
}

impl ServerFields {
    /// Fills `password` from stdin or a prompt when asked to.
    fn read_password(&mut self) -> anyhow::Result<()> {
        if self.password_stdin || self.ask_password {
            let secret = read_secret("Server password: ", self.password_stdin)?;
            self.password = Some(secret);
        }
        Ok(())
    }
}

impl AddArgs {
    /// The password, from the flags, else asked for (without echo) when a
    /// username is given: an empty answer means none, as for a client
    /// without authentication.
    pub fn read_password(&mut self) -> anyhow::Result<()> {
        let fields = &mut self.fields;
        if fields.password_stdin || fields.ask_password || fields.password.is_some() {
            return fields.read_password();
        }
        if let Some(username) = &fields.username {
            let prompt = format!("Password of {username} on the client (empty for none): ");
            fields.password = read_optional_secret(&prompt)?;
        }
        Ok(())
    }
}

impl UpdateArgs {
    pub fn read_password(&mut self) -> anyhow::Result<()> {
        self.fields.read_password()
    }

    /// A new password is given: the settings can be tried before saving.
    pub fn sets_password(&self) -> bool {
        self.fields.password.is_some()
    }
}

pub fn create_request(args: AddArgs) -> CreateServerRequest {
    let fields = args.fields;
    CreateServerRequest {
        name: args.name,
        server_type: args.kind,
        host: fields.host.unwrap_or_default(),
        port: fields.port.unwrap_or_default(),
        username: fields.username,
        password: fields.password,
        rpc_path: fields.rpc_path,
        use_ssl: fields.ssl.unwrap_or(false),
        transport: fields.transport,
        socket_path: fields.socket_path,
        tls_accept_invalid_certs: fields.insecure_tls.unwrap_or(false),
        enabled: fields.enabled.unwrap_or(true),
        is_default: fields.is_default.unwrap_or(false),
        http_host: fields.http_host,
        http_port: fields.http_port,
        http_path: fields.http_path,
        http_username: fields.http_username,
        http_password: fields.http_password,
        http_use_ssl: fields.http_ssl.unwrap_or(false),
        http_download_root: fields.http_download_root,
    }
}

pub fn update_request(args: UpdateArgs) -> anyhow::Result<UpdateServerRequest> {
    let cleared = |field: Clearable| args.clear.contains(&field);
    let fields = args.fields;
    Ok(UpdateServerRequest {
        name: args.name.into(),
        server_type: args.kind.into(),
        host: fields.host.into(),
        port: fields.port.into(),
        username: nullable(fields.username, cleared(Clearable::Username))?,
        password: nullable(fields.password, cleared(Clearable::Password))?,
        rpc_path: nullable(fields.rpc_path, cleared(Clearable::RpcPath))?,
        use_ssl: fields.ssl.into(),
        transport: fields.transport.into(),
        socket_path: nullable(fields.socket_path, cleared(Clearable::SocketPath))?,
        tls_accept_invalid_certs: fields.insecure_tls.into(),
        enabled: fields.enabled.into(),
        is_default: fields.is_default.into(),
        http_host: nullable(fields.http_host, cleared(Clearable::HttpHost))?,
        http_port: nullable(fields.http_port, cleared(Clearable::HttpPort))?,
        http_path: nullable(fields.http_path, cleared(Clearable::HttpPath))?,
        http_username: nullable(fields.http_username, cleared(Clearable::HttpUsername))?,
        http_password: nullable(fields.http_password, cleared(Clearable::HttpPassword))?,
        http_use_ssl: fields.http_ssl.into(),
        http_download_root: nullable(
            fields.http_download_root,
            cleared(Clearable::HttpDownloadRoot),
        )?,
    })
}

/// A nullable setting: cleared, set, or left as it is, but not set and cleared.
fn nullable<T>(value: Option<T>, cleared: bool) -> anyhow::Result<Patch<T>> {
    match (value, cleared) {
        (Some(_), true) => {
            Err(UsageError("a setting cannot be both given and cleared (--clear)".into()).into())
        }
        (_, true) => Ok(Patch::Clear),
        (value, false) => Ok(Patch::from(value)),
    }
}
