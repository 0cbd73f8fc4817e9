//! `torrent-manager`: run the server, or talk to one from the command line.

mod allocator;
mod cli;
mod serve;

use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

/// One service for all your BitTorrent clients (rTorrent, Transmission) on any
/// number of seedboxes: a REST API with accounts, API keys and a registry of
/// the clients you manage, and this command-line tool to drive it.
#[derive(Parser)]
#[command(name = "torrent-manager", version, propagate_version = true)]
struct Cli {
    #[command(flatten)]
    global: cli::GlobalArgs,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the API server (no configuration needed: SQLite in the data directory).
    Serve(serve::ServeArgs),

    #[command(flatten)]
    Client(cli::ClientCommand),

    /// Print a shell completion script, e.g.
    /// `torrent-manager completions bash > ~/.local/share/bash-completion/completions/torrent-manager`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(cli.command, Command::Serve(_)) {
        allocator::return_freed_memory();
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match cli.command {
        Command::Serve(args) => match runtime.block_on(serve::run(args)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                // The same report as `main` returning the error would print.
                eprintln!("Error: {error:?}");
                ExitCode::FAILURE
            }
        },
        Command::Client(command) => runtime.block_on(cli::run(cli.global, command)),
        Command::Completions { shell } => {
            let mut command = Cli::command();
            clap_complete::generate(
                shell,
                &mut command,
                "torrent-manager",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
    }
}
