//! `--watch [SECONDS]`: redraw a listing until Ctrl-C, like watch(1).

use std::future::Future;
use std::io::IsTerminal;
use std::time::Duration;

use clap::Args;

#[derive(Args)]
pub struct WatchArgs {
    /// Redraw every SECONDS (default 2) until Ctrl-C.
    #[arg(
        long,
        value_name = "SECONDS",
        num_args = 0..=1,
        default_missing_value = "2",
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    watch: Option<u64>,
}

impl WatchArgs {
    /// Runs `draw` once, or every `--watch` seconds until Ctrl-C; the screen
    /// is cleared before each redraw on a terminal only, so that a redirected
    /// output stays plain text.
    pub async fn run<F, Fut>(&self, mut draw: F) -> anyhow::Result<()>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = anyhow::Result<()>>,
    {
        let Some(seconds) = self.watch else {
            return draw().await;
        };
        let clear = std::io::stdout().is_terminal();
        let interrupted = tokio::signal::ctrl_c();
        tokio::pin!(interrupted);
        loop {
            if clear {
                // Home, then erase the screen.
                print!("\x1b[H\x1b[2J");
            }
            draw().await?;
            tokio::select! {
                result = &mut interrupted => return result.map_err(Into::into),
                () = tokio::time::sleep(Duration::from_secs(seconds)) => {}
            }
        }
    }
}
