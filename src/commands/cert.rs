//! `direkt cert issue|renew|show|revoke`: thin wrappers around `crate::acme`.

use std::process::ExitCode;

use crate::acme::{self, CertAction, CertOptions, CertReport};
use crate::cli::GlobalArgs;
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::output::{Printer, Style};
use crate::state::{DEFAULT_LOCK_WAIT, StateDir};

#[derive(Debug, clap::Args)]
pub struct CertArgs {
    #[command(subcommand)]
    pub command: CertCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum CertCommand {
    /// Obtain a certificate now if there is none, the names or key type changed, or it is due
    Issue(IssueArgs),
    /// Renew the certificate only when it is due (what `direkt renew` does); no request to the
    /// CA otherwise
    Renew(IssueArgs),
    /// Show the certificate: names, issuer, expiry, days left, key type, renewal window
    Show(ShowArgs),
    /// Revoke the current certificate (the next `renew` then obtains a new one)
    Revoke(RevokeArgs),
}

#[derive(Debug, clap::Args)]
pub struct IssueArgs {
    /// Order a new certificate even if the current one is fine; ignore back-off and a
    /// latched refusal
    #[arg(long)]
    pub force: bool,
    /// Accept the CA's terms of service (needed once, when the account is created)
    #[arg(long)]
    pub accept_tos: bool,
    /// Only say whether an order is due; order nothing
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

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RevokeReason {
    Unspecified,
    KeyCompromise,
    Superseded,
    CessationOfOperation,
}

#[derive(Debug, clap::Args)]
pub struct RevokeArgs {
    /// Reason given to the CA
    #[arg(long, value_enum, default_value_t = RevokeReason::Unspecified)]
    pub reason: RevokeReason,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

pub async fn run(global: &GlobalArgs, args: &CertArgs, p: &Printer) -> Result<ExitCode> {
    let settings = Settings::load(global)?;
    match &args.command {
        CertCommand::Issue(a) => issue_or_renew(&settings, a, p, true).await,
        CertCommand::Renew(a) => issue_or_renew(&settings, a, p, false).await,
        CertCommand::Show(a) => show(&settings, a, p),
        CertCommand::Revoke(a) => revoke(&settings, a, p).await,
    }
}

async fn issue_or_renew(
    settings: &Settings,
    a: &IssueArgs,
    p: &Printer,
    explicit: bool,
) -> Result<ExitCode> {
    let config = settings.require()?;
    acme::cert_config(config)?;
    let lock = StateDir::new(&settings.paths.state_dir).lock(DEFAULT_LOCK_WAIT)?;
    let mut state = lock.load()?;
    let opts = CertOptions {
        force: a.force,
        accept_tos: a.accept_tos,
        dry_run: a.dry_run,
    };
    let report = async {
        if explicit {
            acme::issue(settings, &lock, &mut state, &opts).await
        } else {
            acme::renew_if_due(settings, &lock, &mut state, &opts).await
        }
    }
    .await?;
    if a.json {
        for n in &report.notes {
            p.warn(n);
        }
        p.json(&report);
    } else {
        print_report(&report, p);
    }
    if let Some(h) = report.deploy_hook.as_ref().filter(|h| !h.ok) {
        let why = if h.timed_out {
            "timed out and was killed".to_string()
        } else {
            match h.exit_code {
                Some(c) => format!("exited with {c}"),
                None => "could not run".to_string(),
            }
        };
        let mut msg = format!(
            "the deploy hook `{}` {why}; the new certificate is in place",
            h.command
        );
        if !h.output_tail.is_empty() {
            msg = format!("{msg}\n{}", h.output_tail);
        }
        return Err(Error::failed(msg)
            .hint("fix the hook; run it again by hand with the paths from `direkt cert show`"));
    }
    Ok(ExitCode::SUCCESS)
}

fn print_report(r: &CertReport, p: &Printer) {
    for n in &r.notes {
        p.warn(n);
    }
    match r.action {
        CertAction::Issued | CertAction::Renewed => {
            let c = r.certificate.as_ref();
            p.status(&format!(
                "{} certificate for {} ({}) via {}, valid until {}, {} ACME requests, {} ms",
                p.paint(
                    Style::Green,
                    if r.action == CertAction::Issued {
                        "issued"
                    } else {
                        "renewed"
                    }
                ),
                r.names.join(", "),
                r.why,
                r.challenge.as_deref().unwrap_or("?"),
                c.map_or("?", |c| c.not_after.as_str()),
                r.acme_requests,
                r.millis
            ));
            if let Some(paths) = &r.paths {
                p.status(&format!("  {}", paths.fullchain.display()));
                p.status(&format!("  {}", paths.privkey.display()));
            }
        }
        CertAction::NotDue => p.status(&format!("certificate not due: {}", r.why)),
        CertAction::BackingOff => p.warn(&format!("not renewing yet: {}", r.why)),
        CertAction::WouldOrder => p.status(&format!(
            "an order is due (dry run, nothing ordered): {}",
            r.why
        )),
    }
}

fn show(settings: &Settings, a: &ShowArgs, p: &Printer) -> Result<ExitCode> {
    let r = acme::show(settings)?;
    if a.json {
        p.json(&r);
        return Ok(ExitCode::SUCCESS);
    }
    let Some(c) = &r.certificate else {
        p.data(&format!(
            "No certificate for {} yet. Run: direkt cert issue",
            r.name
        ));
        return Ok(ExitCode::SUCCESS);
    };
    let mut out = vec![
        format!("{} {}", p.paint(Style::Bold, "Certificate for"), r.name),
        format!("  names:     {}", c.names.join(", ")),
        format!("  issuer:    {}", c.issuer),
        format!("  serial:    {}", c.serial),
        format!("  valid:     {} .. {}", c.not_before, c.not_after),
        format!("  days left: {:.1}", c.days_left),
        format!(
            "  key:       {}{}",
            c.key_type,
            if c.key_matches {
                ""
            } else {
                " (DOES NOT MATCH the certificate)"
            }
        ),
    ];
    if let Some(w) = &c.ari_window {
        out.push(format!(
            "  ARI:       window {} .. {}, planned {}, next check {}",
            w.start, w.end, w.planned, w.next_check
        ));
    }
    if let Some(ren) = &r.renewal {
        out.push(format!("  renewal:   {ren}"));
    }
    if let Some(b) = &r.backoff_until {
        out.push(format!("  back-off:  until {b}"));
    }
    if let Some(l) = &r.latched {
        out.push(format!("  latched:   {l}"));
    }
    if let Some(paths) = &r.paths {
        out.push(format!("  files:     {}", paths.dir.display()));
    }
    p.data(&out.join("\n"));
    Ok(ExitCode::SUCCESS)
}

async fn revoke(settings: &Settings, a: &RevokeArgs, p: &Printer) -> Result<ExitCode> {
    let config = settings.require()?;
    acme::cert_config(config)?;
    let lock = StateDir::new(&settings.paths.state_dir).lock(DEFAULT_LOCK_WAIT)?;
    let mut state = lock.load()?;
    let reason = match a.reason {
        RevokeReason::Unspecified => instant_acme::RevocationReason::Unspecified,
        RevokeReason::KeyCompromise => instant_acme::RevocationReason::KeyCompromise,
        RevokeReason::Superseded => instant_acme::RevocationReason::Superseded,
        RevokeReason::CessationOfOperation => instant_acme::RevocationReason::CessationOfOperation,
    };
    let r = acme::revoke(settings, &lock, &mut state, reason, &CertOptions::default()).await?;
    if a.json {
        p.json(&r);
    } else {
        p.status(&format!(
            "revoked certificate {} for {} ({})",
            r.serial, r.name, r.reason
        ));
    }
    Ok(ExitCode::SUCCESS)
}
