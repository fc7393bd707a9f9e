//! `direkt renew`: the cron job. DNS, port mappings and the certificate, each only when due;
//! silent when nothing changed; one line per change; errors on stderr; the worst exit code.

use std::process::ExitCode;

use crate::cli::GlobalArgs;
use crate::config::Settings;
use crate::error::Result;
use crate::output::{Printer, Style};
use crate::renew::{self, parts::RunOptions};
use crate::state::{DEFAULT_LOCK_WAIT, StateDir, now_unix};

#[derive(Debug, clap::Args)]
pub struct RenewArgs {
    /// Print a JSON summary of every part on stdout
    #[arg(long)]
    pub json: bool,
    /// Renew every part now, even when not due, and clear latched errors
    #[arg(long)]
    pub force: bool,
    /// Say what would be done; change nothing and contact no provider or CA
    #[arg(long)]
    pub dry_run: bool,
}

pub async fn run(global: &GlobalArgs, args: &RenewArgs, p: &Printer) -> Result<ExitCode> {
    let settings = Settings::load(global)?;
    settings.require()?;
    let lock = StateDir::new(&settings.paths.state_dir).lock(DEFAULT_LOCK_WAIT)?;
    let mut state = lock.load()?;
    let opts = RunOptions {
        force: args.force,
        dry_run: args.dry_run,
        explicit: false,
    };
    let before = state.clone();
    let mut report = renew::run(&settings, &lock, &mut state, opts, now_unix()).await;
    if !args.dry_run
        && let Err(e) = renew::record(&lock, &before, &state, &report)
    {
        // The parts' own outcome (e.g. "no certificate ordered: the state directory is
        // full") is the news; that the run could not be recorded comes with it, exit 1.
        report.not_recorded = Some(e.message().to_string());
        report.exit_code = report
            .exit_code
            .worst(crate::error::ErrorKind::Failed.into());
    }
    drop(lock);
    if args.json {
        p.json(&report);
    } else if !p.quiet {
        if let Some(r) = &report.relay {
            for c in &r.repairs {
                p.data(&format!("relay: repaired: {c}"));
            }
        }
        // With --dry-run the parts word their lines as "would ...".
        for part in &report.parts {
            for c in &part.changes {
                p.data(&format!("{}: {c}", part.part));
            }
        }
    }
    // Errors always reach stderr, also with -q and --json: cron mails them.
    for part in report.parts.iter().filter(|r| !r.exit_code.is_success()) {
        let label = p.paint(Style::Red, "error:");
        eprintln!(
            "{label} {}: {}",
            part.part,
            part.error.as_deref().unwrap_or("failed")
        );
        if let Some(h) = &part.hint {
            eprintln!("{} {h}", p.paint(Style::Cyan, "hint:"));
        }
    }
    if let Some(r) = report.relay.as_ref().filter(|r| !r.exit_code.is_success()) {
        eprintln!(
            "{} relay: {}",
            p.paint(Style::Red, "error:"),
            r.error.as_deref().unwrap_or("failed")
        );
        if let Some(h) = &r.hint {
            eprintln!("{} {h}", p.paint(Style::Cyan, "hint:"));
        }
    }
    if let Some(e) = &report.not_recorded {
        eprintln!("{} {e}", p.paint(Style::Red, "error:"));
        eprintln!(
            "{} free space in the state directory (or fix its permissions); the next run \
             repeats what was not recorded",
            p.paint(Style::Cyan, "hint:")
        );
    }
    for n in &report.notifications {
        if let crate::notify::Delivery::Failed(why) = &n.sent {
            eprintln!(
                "{} notify ({}): {why}",
                p.paint(Style::Yellow, "warning:"),
                n.notice.reason.as_str()
            );
        }
    }
    Ok(report.exit_code.into())
}
