//! `direkt schedule install|remove|show`: run `renew` from a systemd timer or cron.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::GlobalArgs;
use crate::config::{HumanDuration, Settings};
use crate::error::{Context, Error, Result};
use crate::fsutil;
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
            install(&plan, kind, &o.root, p)?;
        }
        Action::Remove(o) => {
            let kind = kind_of(o);
            remove(kind, &o.root, p)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn kind_of(o: &ScheduleOpts) -> Kind {
    if o.cron {
        Kind::Cron
    } else if o.systemd || o.root != Path::new("/") || systemd_runs() {
        Kind::Systemd
    } else {
        Kind::Cron
    }
}

fn systemd_runs() -> bool {
    Path::new("/run/systemd/system").is_dir()
}

/// The plan for this machine's config and state paths.
pub fn plan_for(global: &GlobalArgs, settings: &Settings, every: HumanDuration) -> Result<Plan> {
    let minutes = every.0.as_secs() / 60;
    if !(1..=60).contains(&minutes) || !every.0.as_secs().is_multiple_of(60) {
        return Err(Error::usage(format!(
            "--every {every} is not a whole number of minutes from 1m to 60m"
        ))
        .hint("use e.g. --every 5m"));
    }
    let exe = std::env::current_exe().failed(|| "cannot find the direkt binary".into())?;
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut args = vec![];
    if global.config.is_some() || settings.paths.config_file != crate::config::default_config_file()
    {
        args.push("--config".into());
        args.push(abs(&settings.paths.config_file).display().to_string());
    }
    if global.state_dir.is_some() {
        args.push("--state-dir".into());
        args.push(abs(&settings.paths.state_dir).display().to_string());
    }
    let mut writable = vec![abs(&settings.paths.state_dir)];
    let cert = settings.config.as_ref().and_then(|c| c.cert.as_ref());
    if let Some(w) = cert.and_then(|c| c.webroot.as_ref()) {
        writable.push(abs(w));
    }
    Ok(Plan {
        exe,
        args,
        writable,
        every: every.0,
        has_deploy_hook: cert.is_some_and(|c| c.deploy_hook.is_some()),
        host_offset: schedule::host_offset(),
    })
}

fn prepare(global: &GlobalArgs, o: &ScheduleOpts) -> Result<(Kind, Plan)> {
    let settings = Settings::load(global)?;
    let plan = plan_for(global, &settings, o.every)?;
    Ok((kind_of(o), plan))
}

/// Write the files for `kind` below `root`; on the real root with systemd, enable the timer.
pub fn install(plan: &Plan, kind: Kind, root: &Path, p: &Printer) -> Result<Vec<PathBuf>> {
    let mut written = vec![];
    for f in plan.files(kind) {
        let path = schedule::under(root, &f.path);
        if std::fs::read_to_string(&path).is_ok_and(|old| old == f.contents) {
            p.status(&format!("{} is already up to date", path.display()));
            continue;
        }
        if let Some(dir) = path.parent() {
            fsutil::create_dir(dir, 0o755).failed(|| format!("cannot create {}", dir.display()))?;
        }
        fsutil::write_atomic(&path, f.contents.as_bytes(), 0o644)
            .failed(|| format!("cannot write {}", path.display()))?;
        p.status(&format!("wrote {}", path.display()));
        written.push(path);
    }
    if kind == Kind::Systemd {
        if root == Path::new("/") && systemd_runs() {
            systemctl(&["daemon-reload"])?;
            systemctl(&["enable", "--now", schedule::TIMER])?;
            p.status(&format!("enabled {}", schedule::TIMER));
        } else {
            p.status(&format!(
                "to start it: systemctl daemon-reload && systemctl enable --now {}",
                schedule::TIMER
            ));
        }
    }
    Ok(written)
}

/// Remove the files for `kind` below `root` (and disable the timer on the real root).
pub fn remove(kind: Kind, root: &Path, p: &Printer) -> Result<()> {
    if kind == Kind::Systemd && root == Path::new("/") && systemd_runs() {
        // Disabling a timer that was never enabled is fine; ignore its complaint.
        let _ = systemctl(&["disable", "--now", schedule::TIMER]);
    }
    let dummy = Plan {
        exe: PathBuf::new(),
        args: vec![],
        writable: vec![],
        every: std::time::Duration::from_secs(300),
        has_deploy_hook: false,
        host_offset: 0,
    };
    let mut removed = 0;
    for f in dummy.files(kind) {
        let path = schedule::under(root, &f.path);
        match std::fs::remove_file(&path) {
            Ok(()) => {
                p.status(&format!("removed {}", path.display()));
                removed += 1;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Error::failed(format!(
                    "cannot remove {}: {e}",
                    path.display()
                )));
            }
        }
    }
    if removed == 0 {
        p.status("nothing to remove: no schedule was installed there");
    } else if kind == Kind::Systemd && root == Path::new("/") && systemd_runs() {
        systemctl(&["daemon-reload"])?;
    }
    Ok(())
}

fn systemctl(args: &[&str]) -> Result<()> {
    let status = std::process::Command::new("systemctl")
        .args(args)
        .status()
        .failed(|| "cannot run systemctl".into())?;
    if !status.success() {
        return Err(
            Error::failed(format!("systemctl {} failed ({status})", args.join(" ")))
                .hint("see `journalctl -xe`; or use --cron"),
        );
    }
    Ok(())
}
