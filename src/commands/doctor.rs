//! `direkt doctor`: say exactly why the box is or is not reachable.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::GlobalArgs;
use crate::config::{HumanDuration, Settings};
use crate::doctor::{self, DoctorOptions, DoctorReport};
use crate::error::{Error, Result};
use crate::output::Printer;

#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    /// Print JSON: `verdict` and a `checks` array of {id, status, summary, details, fix}
    #[arg(long)]
    pub json: bool,

    /// All checks together finish within this (overrides [doctor] deadline; default 5s)
    #[arg(long, value_name = "DURATION")]
    pub deadline: Option<HumanDuration>,

    /// Probe server URL to use instead of [ip] probe (repeatable)
    #[arg(long, value_name = "URL")]
    pub probe: Vec<String>,

    /// Render a saved diagnosis (from `doctor --json` or `direkt report`) instead of running
    /// the checks
    #[arg(long, value_name = "FILE")]
    pub from_report: Option<PathBuf>,
}

pub async fn run(global: &GlobalArgs, args: &DoctorArgs, p: &Printer) -> Result<ExitCode> {
    let report = match &args.from_report {
        Some(file) => {
            let text = std::fs::read_to_string(file).map_err(|e| {
                Error::usage(format!("cannot read {}: {e}", file.display()))
                    .hint("pass a file written by `direkt doctor --json` or `direkt report`")
            })?;
            DoctorReport::from_json_text(&text, &file.display().to_string())?
        }
        None => {
            if args.deadline.is_some_and(|d| d.0.is_zero()) {
                return Err(
                    Error::usage("--deadline must be more than 0").hint("e.g. --deadline 5s")
                );
            }
            let settings = Settings::load(global)?;
            let opts = DoctorOptions {
                deadline: args.deadline.map(|d| d.0),
                probe: args.probe.clone(),
            };
            doctor::run(&settings, &opts).await
        }
    };
    if args.json {
        p.json(&report);
    } else {
        p.data(&doctor::render(&report, p));
    }
    Ok(ExitCode::from(report.exit_code()))
}
