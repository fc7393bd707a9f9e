//! `direkt status`: what is configured and its state.

use std::process::ExitCode;

use serde::Serialize;

use crate::cli::GlobalArgs;
use crate::config::{self, Settings};
use crate::error::Result;
use crate::output::{Printer, Style};
use crate::state::{State, StateDir};

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Print JSON (see the README for its fields)
    #[arg(long, conflicts_with = "prometheus")]
    pub json: bool,
    /// Print metrics in the Prometheus text format (for node_exporter's textfile collector)
    #[arg(long)]
    pub prometheus: bool,
}

/// The `status --json` document. Fields are only ever added, never renamed.
#[derive(Debug, Serialize)]
pub struct StatusReport {
    pub config_file: String,
    pub configured: bool,
    pub state_dir: String,
    pub name: Option<String>,
    pub config: Option<config::Config>,
    pub state: Option<State>,
}

pub async fn run(global: &GlobalArgs, args: &StatusArgs, p: &Printer) -> Result<ExitCode> {
    let settings = Settings::load(global)?;
    let state = StateDir::new(&settings.paths.state_dir).read()?;
    let report = StatusReport {
        config_file: settings.paths.config_file.display().to_string(),
        configured: settings.config.is_some(),
        state_dir: settings.paths.state_dir.display().to_string(),
        name: settings.config.as_ref().map(|c| c.name.to_string()),
        config: settings.config.clone(),
        state,
    };
    if args.prometheus {
        let snapshot = crate::status::snapshot(&settings, report.state.as_ref());
        // The text format ends with a newline; `data` adds one.
        p.data(crate::metrics::render(&snapshot).trim_end());
    } else if args.json {
        p.json(&report);
    } else {
        p.data(&render(&report, p));
    }
    Ok(ExitCode::SUCCESS)
}

fn render(r: &StatusReport, p: &Printer) -> String {
    let mut out = vec![];
    let Some(c) = &r.config else {
        out.push(format!(
            "{} (looked for {}).",
            p.paint(Style::Bold, "No configuration yet"),
            r.config_file
        ));
        out.push(format!("To start: {}", config::NO_CONFIG_HINT));
        out.push(format!("State directory: {}", r.state_dir));
        return out.join("\n");
    };
    out.push(format!("{} {}", p.paint(Style::Bold, "Name:"), c.name));
    if !c.aliases.is_empty() {
        let a: Vec<_> = c.aliases.iter().map(|a| a.to_string()).collect();
        out.push(format!("Aliases: {}", a.join(", ")));
    }
    out.push(format!("Config: {}", r.config_file));
    out.push(format!("State:  {}", r.state_dir));
    match &c.ddns {
        Some(d) => out.push(format!("DNS provider: {}", d.provider)),
        None => out.push("DNS provider: not configured".into()),
    }
    match &c.ports {
        Some(ports) => {
            let f: Vec<_> = ports.forward.iter().map(|s| s.to_string()).collect();
            out.push(format!(
                "Port forwarding: {} (lease {})",
                f.join(", "),
                ports.lease
            ));
        }
        None => out.push("Port forwarding: not configured".into()),
    }
    match &c.cert {
        Some(cert) => out.push(format!("Certificate: from {}", cert.ca)),
        None => out.push("Certificate: not configured".into()),
    }
    match &r.state {
        None => out.push("Nothing has run yet.".into()),
        Some(s) => match &s.last_run {
            Some(run) => out.push(format!(
                "Last run: {} at {} ({}): {}",
                run.command,
                crate::net::time::format_time(run.at),
                if run.ok { "ok" } else { "failed" },
                run.summary
            )),
            None => out.push("Nothing has run yet.".into()),
        },
    }
    out.join("\n")
}
