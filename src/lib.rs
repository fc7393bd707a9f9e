//! direkt: make a self-hosted box reachable from the internet on its own.
//!
//! `main.rs` only calls [`main_entry`], which parses arguments, builds the one async runtime and
//! runs the command; every command lives in `commands/` and calls into the job and domain
//! modules.

// The public surface is deliberate: what an embedding program (a box vendor's UI calling
// `setup`, `doctor`, `status`) and the integration tests need. Everything else is
// `pub(crate)`, so the compiler reports dead code. Layers point down only (see README,
// Architecture).

// CLI glue.
pub mod cli;
pub(crate) mod commands;
pub mod generate;

// Jobs: whole tasks across domains; they decide, they do not print.
pub mod doctor;
pub(crate) mod renew;
pub(crate) mod report;
pub(crate) mod schedule;
pub mod setup;
pub mod status;

// Domains.
pub mod acme;
pub mod ddns;
pub(crate) mod ip;
pub mod lab;
pub(crate) mod portmap;
pub(crate) mod probe;
pub(crate) mod relay;

// Core.
pub mod config;
pub mod error;
pub(crate) mod fsutil;
pub(crate) mod metrics;
pub(crate) mod net;
pub(crate) mod notify;
pub(crate) mod output;
pub(crate) mod prompt;
pub(crate) mod runtime;
pub(crate) mod state;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::Cli;
use crate::output::Printer;

/// Parse the command line, run the command, and turn the result into the exit code.
pub fn main_entry() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap prints help/version to stdout (exit 0) and usage errors to stderr (exit 2).
            let _ = e.print();
            if e.use_stderr() && json_requested() {
                let msg = e.render().to_string();
                let msg = msg
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim_start_matches("error: ");
                Printer::plain().json_failure(&error::Error::usage(msg.to_string()));
            }
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    init_logging(&cli.global);
    let printer = Printer::new(&cli.global);
    // The one runtime of the process (see `runtime`); every command runs on it.
    let result = match runtime::build() {
        Ok(rt) => rt.block_on(commands::run(cli, &printer)),
        Err(e) => Err(e),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            tracing::debug!(?err, "command failed");
            printer.error(&err);
            if json_requested() {
                printer.json_failure(&err);
            }
            ExitCode::from(err.exit_code())
        }
    }
}

/// Whether the command line asks for JSON (`--json` before any `--`): then every exit prints
/// one JSON document, a failure included. Read from the raw arguments so that it holds also
/// when clap refuses them.
fn json_requested() -> bool {
    std::env::args()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == "--json")
}

/// Quiet by default (warnings of direkt only); `-v` info, `-vv` debug, `-vvv` trace;
/// `DIREKT_LOG` takes full filter directives and wins.
fn init_logging(global: &cli::GlobalArgs) {
    use tracing_subscriber::EnvFilter;
    let level = match (global.quiet, global.verbose) {
        (true, _) => "off",
        (_, 0) => "direkt=warn",
        (_, 1) => "direkt=info",
        (_, 2) => "direkt=debug,info",
        _ => "trace",
    };
    let filter = std::env::var("DIREKT_LOG")
        .ok()
        .and_then(|d| EnvFilter::try_new(d).ok())
        .unwrap_or_else(|| EnvFilter::new(level));
    // Colour in the log only where the rest of the output has it (not in cron mail or pipes).
    let ansi = match global.color {
        cli::ColorChoice::Always => true,
        cli::ColorChoice::Never => false,
        cli::ColorChoice::Auto => {
            use std::io::IsTerminal;
            std::io::stderr().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .with_target(global.verbose >= 2)
        .without_time()
        .try_init();
}
