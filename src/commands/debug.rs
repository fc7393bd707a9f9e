//! `direkt debug ...` (hidden): helpers the test suite drives in separate processes, e.g. to
//! prove that the state lock serializes writers and that a killed writer leaves a readable
//! state.

use std::process::ExitCode;
use std::time::Duration;

use crate::cli::GlobalArgs;
use crate::config::Settings;
use crate::error::Result;
use crate::state::{RunRecord, StateDir, now_unix};

#[derive(Debug, clap::Args)]
pub struct DebugArgs {
    #[command(subcommand)]
    pub command: DebugCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum DebugCommand {
    /// Under one lock, record N runs in the state, one atomic write each
    StateWriter {
        #[arg(long, default_value_t = 100)]
        runs: u64,
        /// Pause between writes
        #[arg(long, default_value_t = 0)]
        pause_ms: u64,
        /// How long to wait for the lock
        #[arg(long, default_value_t = 5000)]
        wait_ms: u64,
        /// Bytes of padding in each summary, to widen the write window
        #[arg(long, default_value_t = 0)]
        pad: usize,
    },
}

pub async fn run(global: &GlobalArgs, args: &DebugArgs) -> Result<ExitCode> {
    let settings = Settings::load(global)?;
    match &args.command {
        DebugCommand::StateWriter {
            runs,
            pause_ms,
            wait_ms,
            pad,
        } => {
            let lock =
                StateDir::new(&settings.paths.state_dir).lock(Duration::from_millis(*wait_ms))?;
            for _ in 0..*runs {
                let mut st = lock.load()?;
                st.runs += 1;
                st.last_run = Some(RunRecord {
                    command: "debug state-writer".into(),
                    at: now_unix(),
                    ok: true,
                    summary: format!("run {}{}", st.runs, "x".repeat(*pad)),
                });
                lock.save(&st)?;
                if *pause_ms > 0 {
                    std::thread::sleep(Duration::from_millis(*pause_ms));
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
