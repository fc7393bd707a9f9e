//! `direkt schedule install|remove|show`: run `renew` from a systemd timer or cron.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::GlobalArgs;
use crate::config::{HumanDuration, Settings};
use crate::error::Result;
use crate::output::Printer;
use crate::schedule::{self, Kind, Plan};

#[derive(Debug, clap::Args)]
pub struct ScheduleArgs {
    #[command(subcommand)]
    pub action: Action,
}

#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Write the systemd units (and enable the timer) or the cron file
    Install(ScheduleOpts),
    /// Remove what `install` wrote (and disable the timer)
    Remove(ScheduleOpts),
    /// Print what `install` would write, without writing
    Show(ScheduleOpts),
}

#[derive(Debug, Clone, clap::Args)]
pub struct ScheduleOpts {
    /// A systemd service + timer (default where systemd runs)
    #[arg(long, conflicts_with = "cron")]
    pub systemd: bool,
    /// A line in /etc/cron.d/direkt (default elsewhere)
    #[arg(long)]
    pub cron: bool,
    /// Write below this directory instead of / (for images, packaging and tests); nothing is
    /// enabled then
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub root: PathBuf,
    /// How often renew runs (1m to 60m)
    #[arg(long, value_name = "DURATION", default_value = "5m")]
    pub every: HumanDuration,
}

pub async fn run(global: &GlobalArgs, args: &ScheduleArgs, p: &Printer) -> Result<ExitCode> {
    match &args.action {
        Action::Show(o) => {
            let (kind, plan) = prepare(global, o)?;
            for f in plan.files(kind) {
                p.data(&format!("# /{}\n{}", f.path.display(), f.contents));
            }
        }
        Action::Install(o) => {
            let (kind, plan) = prepare(global, o)?;
            schedule::install(&plan, kind, &o.root, &mut |line| p.status(&line))?;
        }
        Action::Remove(o) => {
            let kind = kind_of(o);
            schedule::remove(kind, &o.root, &mut |line| p.status(&line))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn kind_of(o: &ScheduleOpts) -> Kind {
    if o.cron {
        Kind::Cron
    } else if o.systemd || o.root != Path::new("/") || schedule::systemd_runs() {
        Kind::Systemd
    } else {
        Kind::Cron
    }
}

fn prepare(global: &GlobalArgs, o: &ScheduleOpts) -> Result<(Kind, Plan)> {
    let settings = Settings::load(global)?;
    let pass = schedule::PassPaths {
        config: global.config.is_some(),
        state_dir: global.state_dir.is_some(),
    };
    let plan = schedule::plan_for(&settings, pass, o.every)?;
    Ok((kind_of(o), plan))
}
