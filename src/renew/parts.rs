//! The seam between `renew` and its parts (`ddns`, `portmap`, `acme`): one function per part,
//! each calling the part's library and saying in plain words what it changed.

use crate::config::Settings;
use crate::error::Error;
use crate::renew::RenewPart;
use crate::state::{State, StateLock};

/// What renewing one part did.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing was due (the common path).
    NothingDue,
    /// Changes made, one line each, in plain words.
    Changed(Vec<String>),
    /// It failed; the next run retries (or it backs off).
    Failed(Error),
    /// Some changes were made, then something failed.
    Partly(Vec<String>, Error),
    /// A provider or CA refused; latched until the config changes or `--force` (exit 4).
    Latched(Error),
    /// An earlier failure is backing off: nothing tried now (silent, exit 0; the record keeps
    /// the error until a later run succeeds).
    Waiting(String),
}

impl Outcome {
    /// Whether this outcome must reach the disk as soon as the part ends: something changed
    /// outside (a record, a mapping, a certificate) or a failure or latch to remember. Nothing
    /// due and waiting change nothing but "last looked at" times.
    pub fn must_be_recorded_at_once(&self) -> bool {
        !matches!(self, Outcome::NothingDue | Outcome::Waiting(_))
    }
}

/// Options every part gets.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Do it even when not due, and clear latches.
    pub force: bool,
    /// Say what would be done; change nothing.
    pub dry_run: bool,
    /// A person asked for it now (setup): ignore back-off.
    pub explicit: bool,
}

/// Renew one part.
pub async fn renew(
    part: RenewPart,
    settings: &Settings,
    lock: &StateLock,
    state: &mut State,
    o: RunOptions,
) -> Outcome {
    match part {
        RenewPart::Dns => dns(settings, lock, state, o).await,
        RenewPart::Ports => ports(settings, lock, state, o).await,
        RenewPart::Cert => cert(settings, lock, state, o).await,
    }
}

/// Keep the DNS name on the public address: a request to the provider only when the agreed
/// public address differs from the one last published (or a rare forced refresh).
pub async fn dns(
    settings: &Settings,
    lock: &StateLock,
    state: &mut State,
    o: RunOptions,
) -> Outcome {
    use crate::ddns::update::Action;
    let opts = crate::ddns::UpdateOptions {
        force: o.force,
        dry_run: o.dry_run,
    };
    let report = match crate::ddns::update(settings, lock, state, &opts).await {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    let mut lines = vec![];
    for f in &report.families {
        let addr = f.address.map(|a| a.to_string()).unwrap_or_default();
        let was = match f.previous {
            Some(p) if Some(p) == f.address => format!("sent again: {}", f.reason),
            Some(p) => format!("was {p}"),
            None => "new".into(),
        };
        match f.action {
            Action::Published => lines.push(format!("{} {} {addr} ({was})", report.name, f.record)),
            Action::WouldPublish => lines.push(format!(
                "would publish {} {} {addr} ({})",
                report.name, f.record, f.reason
            )),
            _ => {}
        }
    }
    match report.result() {
        Ok(()) if lines.is_empty() => Outcome::NothingDue,
        Ok(()) => Outcome::Changed(lines),
        Err(e) => failed(e),
    }
}

fn failed(e: Error) -> Outcome {
    if e.kind() == crate::error::ErrorKind::NeedsUser {
        Outcome::Latched(e)
    } else {
        Outcome::Failed(e)
    }
}

/// Keep the router's port mappings: each is checked on the router; missing ones (a router
/// restart) are re-created and said so, leases running out are extended quietly.
pub async fn ports(
    settings: &Settings,
    lock: &StateLock,
    state: &mut State,
    o: RunOptions,
) -> Outcome {
    use crate::portmap::{self, Action, PortsOptions};
    if o.dry_run {
        // Decide from the state alone: no request to the router.
        let targets = portmap::refresh_targets(settings, state);
        let lines: Vec<String> = targets
            .iter()
            .filter(|t| {
                o.force
                    || !state.ports.mappings.iter().any(|r| {
                        r.family == t.family
                            && r.external_port == t.spec.external
                            && r.protocol == t.spec.protocol
                    })
            })
            .map(|t| format!("would forward {} ({})", t.spec, t.family))
            .collect();
        return if lines.is_empty() {
            Outcome::NothingDue
        } else {
            Outcome::Changed(lines)
        };
    }
    let opts = PortsOptions {
        force: o.force,
        ..PortsOptions::default()
    };
    let report = match portmap::refresh(settings, lock, state, &opts).await {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    let via = |m: &portmap::MappingOutcome| m.via.map(|v| format!(" by {v}")).unwrap_or_default();
    let to = |m: &portmap::MappingOutcome| {
        m.external
            .as_ref()
            .map(|e| format!("{e} -> {}", m.internal))
            .unwrap_or_else(|| m.internal.clone())
    };
    let mut lines = vec![];
    for m in &report.mappings {
        match m.action {
            Action::Created => lines.push(format!("forwarded {} ({}){}", m.mapping, to(m), via(m))),
            Action::Restored => lines.push(format!(
                "restored {} ({}){}: the router had lost it",
                m.mapping,
                to(m),
                via(m)
            )),
            Action::Moved => lines.push(format!(
                "re-opened {} for the box's new IPv6 address ({}){}; {}",
                m.mapping,
                to(m),
                via(m),
                m.stale.as_deref().unwrap_or("the old pinhole is gone")
            )),
            // Extending a lease is routine upkeep, not a change worth a line (cron stays quiet).
            Action::Extended | Action::Kept | Action::Removed | Action::Failed => {}
        }
    }
    match report.first_error() {
        None if lines.is_empty() => Outcome::NothingDue,
        None => Outcome::Changed(lines),
        Some(e) if lines.is_empty() => failed(e),
        Some(e) => Outcome::Partly(lines, e),
    }
}

/// Keep the certificate valid: an order only when due (no request to the CA otherwise).
pub async fn cert(
    settings: &Settings,
    lock: &StateLock,
    state: &mut State,
    o: RunOptions,
) -> Outcome {
    use crate::acme::{self, CertAction, CertOptions};
    if o.dry_run {
        return match acme::show(settings) {
            Ok(r) if !r.present => Outcome::Changed(vec!["would issue a certificate".into()]),
            Ok(r) => match r.renewal {
                Some(why) if o.force || why.starts_with("due now") => {
                    Outcome::Changed(vec![format!("would renew the certificate ({why})")])
                }
                _ => Outcome::NothingDue,
            },
            Err(e) => failed(e),
        };
    }
    let opts = CertOptions {
        force: o.force,
        ..CertOptions::default()
    };
    let result = if o.explicit {
        acme::issue(settings, lock, state, &opts).await
    } else {
        acme::renew_if_due(settings, lock, state, &opts).await
    };
    let report = match result {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    let until = report
        .certificate
        .as_ref()
        .map(|c| format!(", valid until {}", c.not_after))
        .unwrap_or_default();
    let line = match report.action {
        CertAction::NotDue => return Outcome::NothingDue,
        CertAction::BackingOff => return Outcome::Waiting(report.why),
        CertAction::WouldOrder => format!("would order a certificate ({})", report.why),
        CertAction::Issued => format!(
            "issued a certificate for {} by {}{until}",
            report.names.join(", "),
            report.challenge.as_deref().unwrap_or("?")
        ),
        CertAction::Renewed => format!(
            "renewed the certificate for {} ({}){until}",
            report.names.join(", "),
            report.why
        ),
    };
    if report.hook_failed() {
        let why = report
            .deploy_hook
            .as_ref()
            .map(|h| match (h.timed_out, h.exit_code) {
                (true, _) => "it timed out".to_string(),
                (false, Some(c)) => format!("it exited {c}: {}", h.output_tail.trim()),
                (false, None) => format!("it could not run: {}", h.output_tail.trim()),
            })
            .unwrap_or_default();
        return Outcome::Failed(
            Error::failed(format!("{line}, but the deploy hook failed: {why}"))
                .hint("fix the deploy_hook command; the new certificate is in place"),
        );
    }
    Outcome::Changed(vec![line])
}
