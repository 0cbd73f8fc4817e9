//! `jobs` (list), `jobs show|cancel`: work the server goes on with after
//! answering (moves of torrents between servers), and following one to its end.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use clap::{Args, Subcommand};
use comfy_table::{Cell, CellAlignment, Color};
use tm_client::{Client, Job, JobState, MovePhase};

use crate::cli::Context;
use crate::cli::layout::short_id;
use crate::cli::output::{Output, fixed, optional, rows, secondary, shrinking};
use crate::cli::pick::Named;
use crate::cli::units::{optional_timestamp, rate, size, timestamp};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct JobsArgs {
    #[command(subcommand)]
    command: Option<JobsCommand>,
}

#[derive(Subcommand)]
enum JobsCommand {
    /// Your jobs, newest first (the same as `jobs` alone).
    #[command(visible_alias = "ls")]
    List,
    /// One job: its phase, progress, rate and outcome.
    Show {
        /// The job's ID or a unique prefix of it.
        id: String,
    },
    /// Stop a running job; a canceled move leaves the source as it was.
    Cancel {
        /// The job's ID or a unique prefix of it.
        id: String,
    },
}

pub async fn run(context: &Context, args: JobsArgs) -> anyhow::Result<()> {
    let (client, out) = (&context.client, &context.out);
    match args.command.unwrap_or(JobsCommand::List) {
        JobsCommand::List => {
            let list = client.jobs().await?;
            let names = server_names(client).await?;
            out.show(&list, || {
                rows(
                    out,
                    &list.jobs,
                    "No jobs.",
                    &[
                        fixed("ID"),
                        shrinking("TORRENT"),
                        secondary("FROM"),
                        secondary("TO"),
                        fixed("STATE"),
                        fixed("PHASE"),
                        fixed("DONE"),
                        optional("STARTED", 1),
                    ],
                    |job| {
                        vec![
                            Cell::new(short_id(&job.id)),
                            Cell::new(&job.name),
                            Cell::new(names.of(&job.from_server_id)),
                            Cell::new(names.of(&job.to_server_id)),
                            state_cell(out, job.state),
                            Cell::new(phase(job.phase)),
                            Cell::new(progress(job)).set_alignment(CellAlignment::Right),
                            Cell::new(timestamp(job.created_at)),
                        ]
                    },
                )
            })
        }
        JobsCommand::Show { id } => {
            let job = client.job(&resolve(client, &id).await?).await?;
            show(client, out, &job).await
        }
        JobsCommand::Cancel { id } => {
            let job = client.cancel_job(&resolve(client, &id).await?).await?;
            show(client, out, &job).await
        }
    }
}

/// Prints the job: the API's JSON, or its details for people.
pub async fn show(client: &Client, out: &Output, job: &Job) -> anyhow::Result<()> {
    let names = if out.is_json() {
        ServerNames::default()
    } else {
        server_names(client).await?
    };
    out.show(job, || {
        let mut details = vec![
            ("ID", job.id.clone()),
            ("Torrent", format!("{} ({})", job.name, job.info_hash)),
            ("From", names.of(&job.from_server_id).to_string()),
            ("To", names.of(&job.to_server_id).to_string()),
            ("State", state_word(job.state).to_string()),
            ("Phase", phase(job.phase).to_string()),
            ("Done", format!("{} of {}", progress(job), size(job.size))),
            ("Rate", rate(job.download_rate)),
        ];
        if let Some(path) = &job.save_path {
            details.push(("Save path", path.clone()));
        }
        let source = match (job.remove_source, job.delete_data) {
            (false, _) => "kept",
            (true, false) => "removed once verified, its data kept",
            (true, true) => "removed with its data once verified",
        };
        details.push(("Source", source.to_string()));
        if let Some(message) = &job.message {
            details.push(("Message", message.clone()));
        }
        details.push(("Started", timestamp(job.created_at)));
        details.push(("Finished", optional_timestamp(job.finished_at, "-")));
        out.details(details).trim_fmt()
    })
}

/// Follows the job until it has finished, a progress line on stderr when it
/// is a terminal; Ctrl-C stops following (the job goes on).
pub async fn follow(client: &Client, job: Job) -> anyhow::Result<Job> {
    let line = ProgressLine::new();
    let watched = client.watch_job(&job.id, Duration::MAX, |job| line.draw(job));
    tokio::select! {
        finished = watched => {
            line.clear();
            Ok(finished?)
        }
        interrupted = tokio::signal::ctrl_c() => {
            line.clear();
            interrupted?;
            anyhow::bail!(
                "stopped following; the job goes on (`torrent-manager jobs show {id}`, \
                 `torrent-manager jobs cancel {id}`)",
                id = job.id
            )
        }
    }
}

/// An error, after the job was printed, when it did not succeed: the exit
/// code tells scripts.
pub fn outcome(job: &Job) -> anyhow::Result<()> {
    match job.state {
        JobState::Succeeded | JobState::Running => Ok(()),
        JobState::Failed | JobState::Canceled => anyhow::bail!(
            "the move {}: {}",
            state_word(job.state),
            job.message.as_deref().unwrap_or("no reason given")
        ),
    }
}

/// `phase 42.0% 1.2 MiB/s`, redrawn in place on a terminal's stderr.
struct ProgressLine {
    shown: bool,
}

impl ProgressLine {
    fn new() -> ProgressLine {
        ProgressLine {
            shown: std::io::stderr().is_terminal(),
        }
    }

    fn draw(&self, job: &Job) {
        if self.shown {
            let text = format!(
                "{}: {}  {}  {}",
                job.name,
                phase(job.phase),
                progress(job),
                rate(job.download_rate)
            );
            // Carriage return, then erase the line.
            eprint!("\r\x1b[2K{text}");
            let _ = std::io::stderr().flush();
        }
    }

    fn clear(&self) {
        if self.shown {
            eprint!("\r\x1b[2K");
        }
    }
}

fn progress(job: &Job) -> String {
    format!("{:.1}%", job.progress * 100.0)
}

pub fn phase(phase: MovePhase) -> &'static str {
    match phase {
        MovePhase::Adding => "adding",
        MovePhase::Downloading => "downloading",
        MovePhase::Verifying => "verifying",
        MovePhase::RemovingSource => "removing source",
        MovePhase::Done => "done",
    }
}

fn state_word(state: JobState) -> &'static str {
    match state {
        JobState::Running => "running",
        JobState::Succeeded => "succeeded",
        JobState::Failed => "failed",
        JobState::Canceled => "canceled",
    }
}

fn state_cell(out: &Output, state: JobState) -> Cell {
    let word = state_word(state);
    match state {
        JobState::Succeeded => out.coloured(word, Color::Green),
        JobState::Failed => out.coloured(word, Color::Red),
        JobState::Canceled => out.coloured(word, Color::Yellow),
        JobState::Running => Cell::new(word),
    }
}

/// Server names by ID, for people; an ID stays as it is when its server is gone.
#[derive(Default)]
struct ServerNames(HashMap<String, String>);

impl ServerNames {
    fn of<'a>(&'a self, id: &'a str) -> &'a str {
        self.0.get(id).map_or(id, String::as_str)
    }
}

async fn server_names(client: &Client) -> anyhow::Result<ServerNames> {
    let servers = client.list_servers().await?;
    Ok(ServerNames(
        servers.into_iter().map(|s| (s.id, s.name)).collect(),
    ))
}

/// The ID of the job `given` names: its ID or a unique prefix of it.
async fn resolve(client: &Client, given: &str) -> anyhow::Result<String> {
    let list = client.jobs().await?;
    Named {
        items: &list.jobs,
        id: |job: &Job| &job.id,
        name: |job: &Job| &job.id,
        kind: "job",
        listing: "jobs list",
    }
    .pick(given)
}
