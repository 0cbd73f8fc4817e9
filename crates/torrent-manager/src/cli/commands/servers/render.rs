//! Servers as tables and details.

use comfy_table::{Cell, Color};
use tm_client::{ClientCapabilities, LabelSupport, ServerInfo, ServerStatus, Transport};

use crate::cli::layout::short_id;
use crate::cli::output::{Output, fixed, rows, secondary, shrinking};
use crate::cli::units::{optional_timestamp, rate, size, timestamp};

/// `host:port`, the socket for rTorrent over a Unix socket, or "in this
/// process" for the embedded engine.
fn address(server: &ServerInfo) -> String {
    match (server.transport, &server.socket_path) {
        (Transport::ScgiUnix, Some(path)) => path.clone(),
        (Transport::InProcess, _) => "in this process".to_owned(),
        _ => format!("{}:{}", server.host, server.port),
    }
}

/// What the client was found to support, e.g. "one label, file priorities
/// (low too), peers, trackers, recheck, reannounce, move data, delete data".
fn capabilities_text(c: &ClientCapabilities) -> String {
    let labels = match c.labels {
        LabelSupport::None => None,
        LabelSupport::Single => Some("one label"),
        LabelSupport::Many => Some("labels"),
    };
    let priorities = match (c.file_priorities, c.low_file_priority, c.high_file_priority) {
        (true, true, _) => Some("file priorities (low too)"),
        (true, false, true) => Some("file priorities"),
        (true, false, false) => Some("file selection"),
        (false, _, _) => None,
    };
    [
        labels,
        c.category.then_some("category"),
        priorities,
        c.peers.then_some("peers"),
        c.trackers.then_some("trackers"),
        c.recheck.then_some("recheck"),
        c.reannounce.then_some("reannounce"),
        c.move_data.then_some("move data"),
        c.export_metainfo.then_some("export metainfo"),
        c.delete_data.then_some("delete data"),
        c.incremental_list.then_some("incremental list"),
        c.speed_limits.then_some("speed limits"),
        c.bandwidth_priority.then_some("bandwidth priority"),
        c.seeding_goals.then_some("seeding goals"),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
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

pub fn render_list(out: &Output, servers: &[ServerInfo]) -> String {
    rows(
        out,
        servers,
        "No servers. Add one with `torrent-manager servers add`.",
        &[
            fixed("ID"),
            shrinking("NAME"),
            fixed("TYPE"),
            secondary("ADDRESS"),
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

pub fn render_details(out: &Output, server: &ServerInfo) -> String {
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
            "Speed",
            format!(
                "down {}, up {}",
                rate(server.download_rate),
                rate(server.upload_rate)
            ),
        ),
        (
            "Free space",
            server.free_space.map_or_else(|| "-".into(), size),
        ),
        (
            "Last answer",
            optional_timestamp(server.last_success_at, "never"),
        ),
        ("Added", timestamp(server.created_at)),
    ];
    if let Some(api) = &server.api_version {
        rows.push(("API version", api.clone()));
    }
    if let Some(capabilities) = &server.capabilities {
        rows.push(("Can", capabilities_text(capabilities)));
    }
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
        if let Some(root) = &server.http_download_root {
            rows.push(("Serves", root.clone()));
        }
    }
    let mut table = out.details(rows);
    table.add_row(vec![out.label("Status"), status_cell(out, server)]);
    table.trim_fmt()
}
