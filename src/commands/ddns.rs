//! `direkt ddns update|show`: a thin wrapper around [`crate::ddns::update`] and the state.

use std::process::ExitCode;

use serde::Serialize;

use crate::cli::GlobalArgs;
use crate::config::Settings;
use crate::ddns::update::{Action, DdnsState};
use crate::ddns::{UpdateOptions, UpdateReport};
use crate::error::Result;
use crate::ip::Verdict;
use crate::net::time::format_time;
use crate::output::{Printer, Style};
use crate::state::{DEFAULT_LOCK_WAIT, StateDir, now_unix};

#[derive(Debug, clap::Args)]
pub struct DdnsArgs {
    #[command(subcommand)]
    pub command: DdnsCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum DdnsCommand {
    /// Detect the public address and update the DNS record if it changed
    #[command(
        long_about = "Detect the public address (sources queried concurrently, published only when \
                      ip.quorum of them agree) and update the A/AAAA record if it differs from \
                      the one last published. Exit 0 also when nothing changed; 1 failed or \
                      backing off; 2 config error; 4 the provider refused (latched until the \
                      config changes or --force)."
    )]
    Update(UpdateArgs),
    /// Show what was last published, and any latch or backoff (no network)
    Show(ShowArgs),
    /// List the DNS providers direkt speaks: kind, records, secret, documentation
    Providers(ShowArgs),
    /// Register at the acme-dns server (`[acme_dns]`) and name the CNAME to create
    #[command(
        long_about = "Register at the configured acme-dns server (POST /register), store the \
                      credentials in the secrets file (mode 0600; never printed) and print the \
                      one CNAME record to create at your DNS host: _acme-challenge.<name> \
                      pointing to the registered full domain. Already registered: prints the \
                      CNAME again and registers nothing (--force registers anew)."
    )]
    Register(RegisterArgs),
}

#[derive(Debug, clap::Args)]
pub struct RegisterArgs {
    /// Register anew although a registration is stored (the CNAME must then be changed)
    #[arg(long)]
    pub force: bool,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct UpdateArgs {
    /// Send even if the address is unchanged; lift a latch or a backoff
    #[arg(long)]
    pub force: bool,
    /// Detect and decide, but send nothing to the provider and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

pub async fn run(global: &GlobalArgs, args: &DdnsArgs, p: &Printer) -> Result<ExitCode> {
    if let DdnsCommand::Providers(a) = &args.command {
        // The registry only: no config needed.
        return providers(a, p);
    }
    let settings = Settings::load(global)?;
    match &args.command {
        DdnsCommand::Update(a) => update(&settings, a, p).await,
        DdnsCommand::Show(a) => show(&settings, a, p),
        DdnsCommand::Providers(a) => providers(a, p),
        DdnsCommand::Register(a) => register(&settings, a, p).await,
    }
}

/// `ddns providers`: the registry, as JSON or a table.
fn providers(args: &ShowArgs, p: &Printer) -> Result<ExitCode> {
    let list = crate::ddns::registry::listing();
    if args.json {
        p.json(&list);
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<[String; 5]> = list
        .iter()
        .map(|l| {
            let records: Vec<&str> = l.records.iter().map(|r| r.as_str()).collect();
            [
                l.name.to_string(),
                l.kind.to_string(),
                records.join(","),
                l.secrets.join(","),
                l.docs.to_string(),
            ]
        })
        .collect();
    let head = ["PROVIDER", "KIND", "RECORDS", "SECRET", "DOCUMENTATION"].map(String::from);
    let widths: Vec<usize> = (0..5)
        .map(|i| {
            rows.iter()
                .chain([&head])
                .map(|r| r[i].len())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |r: &[String; 5]| {
        let cells: Vec<String> = (0..5)
            .map(|i| format!("{:<w$}", r[i], w = widths[i]))
            .collect();
        cells.join("  ").trim_end().to_string()
    };
    let mut out = vec![p.paint(Style::Bold, &line(&head))];
    out.extend(rows.iter().map(line));
    p.data(&out.join("\n"));
    Ok(ExitCode::SUCCESS)
}

/// One CNAME the owner creates for acme-dns.
#[derive(Debug, Serialize)]
struct Cname {
    name: String,
    target: String,
}

#[derive(Debug, Serialize)]
struct Registered {
    server: String,
    /// Whether this run registered (false: the stored registration was kept).
    registered_now: bool,
    fulldomain: String,
    /// The secrets file that holds the credentials.
    secrets_file: String,
    cnames: Vec<Cname>,
}

/// `ddns register`: register at acme-dns once, then always say which CNAME to create.
async fn register(settings: &Settings, args: &RegisterArgs, p: &Printer) -> Result<ExitCode> {
    use crate::ddns::acme_dns;
    let config = settings.require()?;
    let setup = acme_dns::Setup::of(settings)?.ok_or_else(|| {
        crate::error::Error::usage("acme-dns is not configured").hint(format!(
            "add an [acme_dns] section with server = \"{}\" (or your own acme-dns server) \
             to the config",
            acme_dns::DEFAULT_SERVER
        ))
    })?;
    let file = crate::config::secrets_file_for(Some(config), &settings.paths.config_file);
    let (reg, now) = match setup.registration(settings)? {
        Some(r) if !args.force => (r, false),
        _ => {
            let r = acme_dns::register(&setup)
                .await
                .map_err(crate::error::Error::from)?;
            crate::config::store_secrets(&file, &r.entries(setup.section))?;
            (r, true)
        }
    };
    let mut cnames: Vec<Cname> = vec![];
    let names = std::iter::once(&config.name).chain(config.aliases.iter());
    for n in names {
        let owner = acme_dns::challenge_owner(n.as_str());
        if !cnames.iter().any(|c| c.name == owner) {
            cnames.push(Cname {
                name: owner,
                target: reg.fulldomain.clone(),
            });
        }
    }
    let out = Registered {
        server: setup.base.clone(),
        registered_now: now,
        fulldomain: reg.fulldomain.clone(),
        secrets_file: file.display().to_string(),
        cnames,
    };
    if args.json {
        p.json(&out);
        return Ok(ExitCode::SUCCESS);
    }
    if now {
        p.status(&format!(
            "registered at {}; the credentials are in {} under [{}] (mode 0600)",
            out.server, out.secrets_file, setup.section
        ));
    }
    let mut lines = vec!["Create this CNAME record at the DNS host of your domain:".to_string()];
    for c in &out.cnames {
        lines.push(format!("  {}.  CNAME  {}.", c.name, c.target));
    }
    lines.push("`direkt doctor` checks it (dns.acme_challenge_cname).".into());
    p.data(&lines.join("\n"));
    Ok(ExitCode::SUCCESS)
}

async fn update(settings: &Settings, args: &UpdateArgs, p: &Printer) -> Result<ExitCode> {
    let config = settings.require()?;
    if config.ddns.is_none() {
        return Err(crate::ddns::no_provider());
    }
    let lock = StateDir::new(&settings.paths.state_dir).lock(DEFAULT_LOCK_WAIT)?;
    let mut state = lock.load()?;
    let opts = UpdateOptions {
        force: args.force,
        dry_run: args.dry_run,
    };
    let report = crate::ddns::update(settings, &lock, &mut state, &opts).await?;
    if args.json {
        p.json(&report);
    } else {
        print_report(&report, p);
    }
    report.result()?;
    Ok(ExitCode::SUCCESS)
}

fn print_report(r: &UpdateReport, p: &Printer) {
    for f in &r.families {
        if let Some(d) = &f.detection
            && (d.verdict == Verdict::Disagree || d.behind_cgnat)
        {
            p.warn(&d.message);
        }
    }
    let mut lines = vec![];
    for f in &r.families {
        let addr = f
            .address
            .map(|a| a.to_string())
            .unwrap_or_else(|| "-".into());
        let (label, style) = match f.action {
            Action::Published => ("published", Style::Green),
            Action::Unchanged => ("unchanged", Style::Dim),
            Action::WouldPublish => ("would publish (dry run)", Style::Cyan),
            Action::NotPublished => ("not published", Style::Yellow),
            Action::Failed => ("failed", Style::Red),
            Action::Skipped => ("skipped", Style::Yellow),
        };
        lines.push(format!(
            "{:<4} {} {:<15} {}: {}",
            f.record,
            r.name,
            addr,
            p.paint(style, label),
            f.reason
        ));
    }
    if r.provider_requests > 0 {
        lines.push(format!(
            "{} request(s) sent to {}",
            r.provider_requests, r.provider
        ));
    }
    if lines.is_empty() {
        return;
    }
    // Nothing sent and nothing wrong: a status note, so `-q` (cron) keeps a no-op silent.
    if r.ok && r.provider_requests == 0 && !r.dry_run {
        p.status(&lines.join("\n"));
    } else {
        p.data(&lines.join("\n"));
    }
}

/// The `ddns show --json` document.
#[derive(Debug, Serialize)]
struct ShowReport {
    name: String,
    provider: String,
    latched: bool,
    backing_off: bool,
    state: DdnsState,
}

fn show(settings: &Settings, args: &ShowArgs, p: &Printer) -> Result<ExitCode> {
    let config = settings.require()?;
    let ddns = config.ddns.as_ref().ok_or_else(crate::ddns::no_provider)?;
    let state = StateDir::new(&settings.paths.state_dir)
        .read()?
        .map(|s| s.ddns)
        .unwrap_or_default();
    let now = now_unix();
    let r = ShowReport {
        name: config.name.to_string(),
        provider: ddns.provider.to_string(),
        latched: state.latch.is_some(),
        backing_off: state.backoff.as_ref().is_some_and(|b| b.until > now),
        state,
    };
    if args.json {
        p.json(&r);
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = vec![format!(
        "{} {} via {}",
        p.paint(Style::Bold, "Name:"),
        r.name,
        r.provider
    )];
    for (rec, pubd) in [("A", &r.state.ipv4), ("AAAA", &r.state.ipv6)] {
        out.push(match pubd {
            Some(x) => format!("{rec:<4} {} (sent {})", x.address, format_time(x.at)),
            None => format!("{rec:<4} nothing published"),
        });
    }
    if let Some(l) = &r.state.latch {
        out.push(format!(
            "{} since {}: {}",
            p.paint(Style::Red, "Latched"),
            format_time(l.since),
            l.reason
        ));
        if let Some(h) = &r.state.latch_hint {
            out.push(format!("  fix: {h}; then `direkt ddns update --force`"));
        }
    }
    if let Some(b) = r.state.backoff.as_ref().filter(|_| r.backing_off) {
        out.push(format!(
            "{} until {} ({} failure(s)): {}",
            p.paint(Style::Yellow, "Backing off"),
            format_time(b.until),
            b.failures,
            b.reason
        ));
    }
    out.push(format!("Provider requests so far: {}", r.state.requests));
    p.data(&out.join("\n"));
    Ok(ExitCode::SUCCESS)
}
