//! `servers add|list|show|update|rm|test`.

use clap::{Args, Subcommand, ValueEnum};
use comfy_table::{Cell, Color};
use tm_client::{
    Client, ConnectionStatus, CreateServerRequest, Patch, ServerInfo, ServerStatus, ServerType,
    Transport, UpdateServerRequest,
};

use crate::cli::layout::{SHORT_ID, short_id};
use crate::cli::output::{Output, fixed, rows, shrinking};
use crate::cli::units::{optional_timestamp, timestamp};
use crate::cli::watch::WatchArgs;
use crate::cli::{Context, UsageError};

#[derive(Subcommand)]
pub enum ServersCommand {
    /// Register a torrent client.
    // Boxed: the many settings would make every command value that large.
    Add(Box<AddArgs>),
    /// List your servers.
    #[command(visible_alias = "ls")]
    List(WatchArgs),
    /// Show every setting and the polling status of one server.
    Show { server: String },
    /// Change some settings of a server; the rest stay.
    Update(Box<UpdateArgs>),
    /// Forget a server (its torrents stay on the client).
    #[command(visible_alias = "remove")]
    Rm { server: String },
    /// Connect to the client now and report its version.
    Test { server: String },
}

#[derive(Clone, Copy, ValueEnum)]
enum Kind {
    Rtorrent,
    Transmission,
}

impl From<Kind> for ServerType {
    fn from(kind: Kind) -> Self {
        match kind {
            Kind::Rtorrent => ServerType::Rtorrent,
            Kind::Transmission => ServerType::Transmission,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum TransportArg {
    Http,
    Scgi,
    #[value(name = "scgi_unix")]
    ScgiUnix,
}

impl From<TransportArg> for Transport {
    fn from(transport: TransportArg) -> Self {
        match transport {
            TransportArg::Http => Transport::Http,
            TransportArg::Scgi => Transport::Scgi,
            TransportArg::ScgiUnix => Transport::ScgiUnix,
        }
    }
}

/// Settings shared by `add` and `update`. Switches take an optional value:
/// `--ssl` is `--ssl=true`, `--ssl=false` turns it off.
#[derive(Args)]
struct ServerFields {
    /// Host name or address of the client (not for scgi_unix).
    #[arg(long)]
    host: Option<String>,
    /// RPC port (not for scgi_unix).
    #[arg(long)]
    port: Option<u16>,
    #[arg(long)]
    username: Option<String>,
    /// Stored encrypted; never shown again. Visible to other local users in
    /// the process list: prefer --password-stdin or --ask-password.
    #[arg(long)]
    password: Option<String>,
    /// Read the password from one line of standard input.
    #[arg(long, conflicts_with_all = ["password", "ask_password"])]
    password_stdin: bool,
    /// Prompt for the password (not echoed).
    #[arg(long, conflicts_with = "password")]
    ask_password: bool,
    /// HTTP path of the RPC endpoint (/RPC2, /transmission/rpc).
    #[arg(long)]
    rpc_path: Option<String>,
    /// How to reach rTorrent [default: derived from the other settings].
    #[arg(long, value_enum)]
    transport: Option<TransportArg>,
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
}

#[derive(Args)]
pub struct AddArgs {
    /// A name of your choice.
    name: String,
    /// The kind of client.
    #[arg(long = "type", value_enum)]
    kind: Kind,
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
}

#[derive(Args)]
pub struct UpdateArgs {
    /// The server's ID or name.
    server: String,
    #[arg(long)]
    name: Option<String>,
    #[arg(long = "type", value_enum)]
    kind: Option<Kind>,
    #[command(flatten)]
    fields: ServerFields,
    /// Empty these settings (comma-separated).
    #[arg(long, value_enum, value_delimiter = ',')]
    clear: Vec<Clearable>,
}

pub async fn run(context: &Context, command: ServersCommand) -> anyhow::Result<()> {
    let (client, out) = (&context.client, &context.out);
    match command {
        ServersCommand::Add(mut args) => {
            args.fields.read_password()?;
            let server = client.add_server(&create_request(*args)).await?;
            out.show(&server, || {
                format!("Added the server {} ({})", server.name, server.id)
            })
        }
        ServersCommand::List(watch) => {
            watch
                .run(|| async {
                    let servers = client.list_servers().await?;
                    out.show(&servers, || render_list(out, &servers))
                })
                .await
        }
        ServersCommand::Show { server } => {
            let id = resolve(client, &server).await?;
            let server = client.get_server(&id).await?;
            out.show(&server, || render_details(out, &server))
        }
        ServersCommand::Update(mut args) => {
            args.fields.read_password()?;
            let id = resolve(client, &args.server).await?;
            let server = client.update_server(&id, &update_request(*args)?).await?;
            out.show(&server, || format!("Updated the server {}", server.name))
        }
        ServersCommand::Rm { server } => {
            let id = resolve(client, &server).await?;
            let deleted = client.delete_server(&id).await?;
            out.show(&deleted, || deleted.message.clone())
        }
        ServersCommand::Test { server } => {
            let id = resolve(client, &server).await?;
            let tested = client.test_server(&id).await?;
            out.show(&tested, || match tested.status {
                ConnectionStatus::Connected => format!("Connected: {}", tested.message),
                ConnectionStatus::Failed => format!("Failed: {}", tested.message),
            })?;
            match tested.status {
                ConnectionStatus::Connected => Ok(()),
                ConnectionStatus::Failed => anyhow::bail!("the server could not be reached"),
            }
        }
    }
}

/// The ID of the server named `id_or_name`: an ID, else a name, else a
/// unique prefix of an ID as `servers list` shows them.
pub async fn resolve(client: &Client, id_or_name: &str) -> anyhow::Result<String> {
    let servers = client.list_servers().await?;
    let exact = servers
        .iter()
        .find(|s| s.id == id_or_name)
        .or_else(|| servers.iter().find(|s| s.name == id_or_name));
    if let Some(server) = exact {
        return Ok(server.id.clone());
    }
    let by_prefix: Vec<&ServerInfo> = if id_or_name.len() >= SHORT_ID {
        servers
            .iter()
            .filter(|s| s.id.starts_with(id_or_name))
            .collect()
    } else {
        Vec::new()
    };
    match by_prefix.as_slice() {
        [only] => Ok(only.id.clone()),
        [] => anyhow::bail!(
            "no server with the ID or name '{id_or_name}' (see `torrent-manager servers list`)"
        ),
        several => {
            let names: Vec<&str> = several.iter().map(|s| s.name.as_str()).collect();
            anyhow::bail!(
                "'{id_or_name}' starts the IDs of several servers ({}): give their names",
                names.join(", ")
            )
        }
    }
}

impl ServerFields {
    /// Fills `password` from stdin or a prompt when asked to.
    fn read_password(&mut self) -> anyhow::Result<()> {
        if self.password_stdin || self.ask_password {
            let secret = super::auth::read_secret("Server password: ", self.password_stdin)?;
            self.password = Some(secret);
        }
        Ok(())
    }
}

fn create_request(args: AddArgs) -> CreateServerRequest {
    let fields = args.fields;
    CreateServerRequest {
        name: args.name,
        server_type: args.kind.into(),
        host: fields.host.unwrap_or_default(),
        port: fields.port.unwrap_or_default(),
        username: fields.username,
        password: fields.password,
        rpc_path: fields.rpc_path,
        use_ssl: fields.ssl.unwrap_or(false),
        transport: fields.transport.map(Into::into),
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
    }
}

fn update_request(args: UpdateArgs) -> anyhow::Result<UpdateServerRequest> {
    let cleared = |field: Clearable| args.clear.contains(&field);
    let fields = args.fields;
    Ok(UpdateServerRequest {
        name: args.name.into(),
        server_type: args.kind.map(ServerType::from).into(),
        host: fields.host.into(),
        port: fields.port.into(),
        username: nullable(fields.username, cleared(Clearable::Username))?,
        password: nullable(fields.password, cleared(Clearable::Password))?,
        rpc_path: nullable(fields.rpc_path, cleared(Clearable::RpcPath))?,
        use_ssl: fields.ssl.into(),
        transport: fields.transport.map(Transport::from).into(),
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

/// `host:port`, or the socket for rTorrent over a Unix socket.
fn address(server: &ServerInfo) -> String {
    match (server.transport, &server.socket_path) {
        (Transport::ScgiUnix, Some(path)) => path.clone(),
        _ => format!("{}:{}", server.host, server.port),
    }
}

fn status_cell(out: &Output, server: &ServerInfo) -> Cell {
    let (text, colour) = match server.status {
        ServerStatus::Connected => ("connected", Color::Green),
        ServerStatus::Connecting => ("connecting", Color::Yellow),
        ServerStatus::Failing => ("failing", Color::Red),
        ServerStatus::Disabled => ("disabled", Color::DarkGrey),
    };
    out.coloured(text, colour)
}

fn render_list(out: &Output, servers: &[ServerInfo]) -> String {
    rows(
        out,
        servers,
        "No servers. Add one with `torrent-manager servers add`.",
        &[
            fixed("ID"),
            shrinking("NAME"),
            fixed("TYPE"),
            shrinking("ADDRESS"),
            fixed("STATUS"),
            fixed("TORRENTS"),
            fixed("DEFAULT"),
        ],
        |server| {
            vec![
                Cell::new(short_id(&server.id)),
                Cell::new(&server.name),
                Cell::new(server.server_type.as_str()),
                Cell::new(address(server)),
                status_cell(out, server),
                Cell::new(server.torrent_count),
                Cell::new(if server.is_default { "yes" } else { "" }),
            ]
        },
    )
}

fn render_details(out: &Output, server: &ServerInfo) -> String {
    let or_dash = |value: &Option<String>| value.clone().unwrap_or_else(|| "-".into());
    let yes_no = |value: bool| if value { "yes" } else { "no" }.to_string();
    let mut rows = vec![
        ("ID", server.id.clone()),
        ("Name", server.name.clone()),
        ("Type", server.server_type.as_str().to_string()),
        ("Address", address(server)),
        ("Transport", server.transport.as_str().to_string()),
        ("RPC path", or_dash(&server.rpc_path)),
        ("TLS", yes_no(server.use_ssl)),
        ("Username", or_dash(&server.username)),
        (
            "Password",
            if server.has_password { "set" } else { "-" }.to_string(),
        ),
        ("Enabled", yes_no(server.enabled)),
        ("Default", yes_no(server.is_default)),
        ("Client", or_dash(&server.client_version)),
        ("Torrents", server.torrent_count.to_string()),
        (
            "Last answer",
            optional_timestamp(server.last_success_at, "never"),
        ),
        ("Added", timestamp(server.created_at)),
    ];
    if let Some(error) = &server.last_error {
        rows.push(("Last error", error.clone()));
    }
    if server.http_enabled {
        rows.push((
            "HTTP files",
            format!(
                "{}:{}{}",
                or_dash(&server.http_host),
                server.http_port.unwrap_or_default(),
                server.http_path.as_deref().unwrap_or("")
            ),
        ));
    }
    let mut table = out.details(rows);
    table.add_row(vec![out.label("Status"), status_cell(out, server)]);
    table.trim_fmt()
}
