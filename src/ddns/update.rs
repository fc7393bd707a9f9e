//! The update: detect the public address, compare it with what was last published (kept in the
//! state, never looked up in DNS: split horizon and caches would cause loops), and send only
//! what changed, one family at a time. Fatal provider answers latch across runs; transient ones
//! back off for at least 30 minutes, growing.

use std::net::IpAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{Failure, Provider, ProviderError};
use crate::config::{Config, DdnsConfig, Settings};
use crate::ddns::ProviderId;
use crate::error::{Error, ErrorKind, Result};
use crate::ip::{self, Detection, Family, FamilyDetection, Verdict};
use crate::state::{Backoff, Latch, State, StateLock, now_unix};

/// The shortest backoff after a provider failure; it doubles per failure up to [`MAX_BACKOFF`].
pub const MIN_BACKOFF: Duration = Duration::from_secs(30 * 60);
pub const MAX_BACKOFF: Duration = Duration::from_secs(24 * 3600);

/// What direkt remembers about dynamic DNS (the `ddns` section of the state).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DdnsState {
    /// Fingerprint of `name`, `[ddns]` and the provider secret the records below were
    /// published under. A different one means a changed config: everything is sent again and
    /// a latch is lifted.
    pub config_hash: String,
    pub ipv4: Option<Published>,
    pub ipv6: Option<Published>,
    pub latch: Option<Latch>,
    pub latch_hint: Option<String>,
    pub backoff: Option<Backoff>,
    /// Provider requests sent, over all runs (a run with nothing to do adds none).
    pub requests: u64,
}

/// The address last published for one family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Published {
    pub address: IpAddr,
    /// Unix seconds.
    pub at: i64,
}

impl DdnsState {
    pub fn published(&self, f: Family) -> Option<&Published> {
        match f {
            Family::Ipv4 => self.ipv4.as_ref(),
            Family::Ipv6 => self.ipv6.as_ref(),
        }
    }
    fn set_published(&mut self, f: Family, p: Option<Published>) {
        match f {
            Family::Ipv4 => self.ipv4 = p,
            Family::Ipv6 => self.ipv6 = p,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct UpdateOptions {
    /// Send even when unchanged; lift a latch and a backoff.
    pub force: bool,
    /// Detect and decide, but send nothing to the provider and write nothing.
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// The record was sent and accepted.
    Published,
    /// The address is the one last published; nothing sent.
    Unchanged,
    /// `--dry-run`: it would have been sent.
    WouldPublish,
    /// The sources did not agree on an address; nothing sent.
    NotPublished,
    /// The provider refused or failed.
    Failed,
    /// Not attempted: latched, backing off, or stopped by an earlier failure in this run.
    Skipped,
}

/// What happened to one family.
#[derive(Debug, Clone, Serialize)]
pub struct FamilyOutcome {
    pub family: Family,
    pub record: String,
    pub action: Action,
    /// The agreed address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<IpAddr>,
    /// What was published before this run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<IpAddr>,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detection: Option<FamilyDetection>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ProviderError>,
}

/// The error that decides the exit code.
#[derive(Debug, Clone, Serialize)]
pub struct ReportError {
    pub kind: ErrorKind,
    pub exit_code: u8,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// The result of `ddns update`, also the `--json` document. Fields are only ever added.
#[derive(Debug, Clone, Serialize)]
pub struct UpdateReport {
    pub name: String,
    pub provider: ProviderId,
    pub dry_run: bool,
    pub forced: bool,
    pub families: Vec<FamilyOutcome>,
    /// Requests sent to the provider in this run.
    pub provider_requests: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latch: Option<Latch>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backoff: Option<Backoff>,
    pub behind_cgnat: bool,
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ReportError>,
}

impl UpdateReport {
    /// `Ok` when everything due was done; else the error with the exit code it stands for
    /// (4 latched, 1 failed or backing off).
    pub fn result(&self) -> Result<()> {
        match &self.error {
            None => Ok(()),
            Some(e) => {
                let err = Error::new(e.kind, e.message.clone());
                Err(match &e.hint {
                    Some(h) => err.hint(h.clone()),
                    None => err,
                })
            }
        }
    }

    fn fail(&mut self, err: Error) {
        // The most serious error wins: needs-user over usage over failed.
        let rank = |k: ErrorKind| match k {
            ErrorKind::NeedsUser => 3,
            ErrorKind::Usage => 2,
            _ => 1,
        };
        if self
            .error
            .as_ref()
            .is_some_and(|e| rank(e.kind) >= rank(err.kind()))
        {
            return;
        }
        self.ok = false;
        self.error = Some(ReportError {
            kind: err.kind(),
            exit_code: err.exit_code(),
            message: err.message().to_string(),
            hint: err.hint_text().map(str::to_string),
        });
    }
}

/// Fingerprint of what the published records depend on: the name, `[ddns]` and the secret (so
/// fixing a wrong password lifts the latch too). Only a truncated hash is stored.
pub fn config_hash(config: &Config, ddns: &DdnsConfig, settings: &Settings) -> Result<String> {
    let (key, file) = super::secret_key(ddns);
    let secret = settings.secrets.get("ddns", key, file)?;
    let mut h = Sha256::new();
    h.update(config.name.as_str().as_bytes());
    h.update([0]);
    h.update(serde_json::to_vec(ddns).unwrap_or_default());
    h.update([0]);
    if let Some(s) = &secret {
        h.update(s.expose().as_bytes());
    }
    let d = h.finalize();
    Ok(d[..12].iter().map(|b| format!("{b:02x}")).collect())
}

/// How long to wait after the `failures`-th failure in a row.
pub fn backoff_for(failures: u32, asked: Option<Duration>) -> Duration {
    let grown = MIN_BACKOFF.saturating_mul(1u32 << failures.saturating_sub(1).min(10));
    grown.min(MAX_BACKOFF).max(asked.unwrap_or_default())
}

/// Run one update. The caller holds the state lock and passes the loaded state; it is saved
/// here right after every change. Never sends to the provider with `dry_run`.
pub async fn update(
    settings: &Settings,
    lock: &StateLock,
    state: &mut State,
    opts: &UpdateOptions,
) -> Result<UpdateReport> {
    let config = settings.require()?;
    let ddns = config.ddns.as_ref().ok_or_else(super::no_provider)?;
    let hash = config_hash(config, ddns, settings)?;
    let now = now_unix();
    let mut report = UpdateReport {
        name: config.name.to_string(),
        provider: ddns.provider,
        dry_run: opts.dry_run,
        forced: opts.force,
        families: vec![],
        provider_requests: 0,
        latch: None,
        backoff: None,
        behind_cgnat: false,
        ok: true,
        error: None,
    };

    // Work on a copy; `state.ddns` only changes (and is saved) when not a dry run.
    let mut ds = state.ddns.clone();
    if ds.config_hash != hash {
        if !ds.config_hash.is_empty() {
            tracing::info!("the [ddns] config changed: lifting any latch, sending again");
        }
        ds = DdnsState {
            config_hash: hash.clone(),
            requests: ds.requests,
            ..DdnsState::default()
        };
    }
    if opts.force {
        ds.latch = None;
        ds.latch_hint = None;
        ds.backoff = None;
    }
    if let Some(l) = &ds.latch {
        report.latch = Some(l.clone());
        let hint = ds.latch_hint.clone().unwrap_or_default();
        report.fail(
            Error::needs_user(format!(
                "dynamic DNS updates are stopped since {}: {}",
                crate::commands::status::format_time(l.since),
                l.reason
            ))
            .hint(format!(
                "{hint}{}then run `direkt ddns update --force` (a changed config or secret lifts \
                 it too)",
                if hint.is_empty() { "" } else { "; " }
            )),
        );
        return Ok(report);
    }
    let backing_off = ds.backoff.as_ref().filter(|b| b.until > now).cloned();
    report.backoff = backing_off.clone();

    let detection: Detection = ip::detect(config, vec![]).await;

    let families: Vec<Family> = [Family::Ipv4, Family::Ipv6]
        .into_iter()
        .filter(|f| detection.get(*f).is_some())
        .collect();
    let mut provider: Option<Box<dyn Provider>> = None;
    let mut stop: Option<String> = None;
    for family in families {
        let det = detection.get(family).cloned().expect("detected family");
        report.behind_cgnat |= det.behind_cgnat;
        let previous = ds.published(family).cloned();
        let mut out = FamilyOutcome {
            family,
            record: family.record_type().into(),
            action: Action::NotPublished,
            address: det.address,
            previous: previous.as_ref().map(|p| p.address),
            reason: String::new(),
            detection: Some(det.clone()),
            error: None,
        };
        let Some(addr) = det.address.filter(|_| det.verdict == Verdict::Agreed) else {
            out.reason = det.message.clone();
            let hint = match det.verdict {
                Verdict::Disagree => {
                    "nothing was published; if the router's answer is the odd one out, check \
                     for double NAT or a rogue device on the LAN"
                }
                _ => "check the address sources in [ip] (stun, probe, echo), or lower ip.quorum",
            };
            report.fail(
                Error::failed(format!(
                    "no agreed public {family} address: {}",
                    det.message
                ))
                .hint(hint),
            );
            report.families.push(out);
            continue;
        };
        let refresh = ddns.refresh.0.as_secs() as i64;
        let due = match &previous {
            None => Some("nothing published yet".to_string()),
            Some(p) if p.address != addr => Some(format!("changed from {}", p.address)),
            Some(p) if now - p.at >= refresh => Some(format!(
                "refresh: last sent {} days ago",
                (now - p.at) / 86400
            )),
            Some(_) if opts.force => Some("--force".to_string()),
            Some(_) => None,
        };
        let Some(why) = due else {
            out.action = Action::Unchanged;
            out.reason = format!("{addr} is already published");
            report.families.push(out);
            continue;
        };
        if opts.dry_run {
            out.action = Action::WouldPublish;
            out.reason = why;
            report.families.push(out);
            continue;
        }
        if let Some(s) = &stop {
            out.action = Action::Skipped;
            out.reason = s.clone();
            report.families.push(out);
            continue;
        }
        if let Some(b) = &backing_off {
            out.action = Action::Skipped;
            out.reason = format!(
                "backing off until {} after: {}",
                crate::commands::status::format_time(b.until),
                b.reason
            );
            report.fail(
                Error::failed(format!("{family} not sent: {}", out.reason))
                    .hint("direkt retries after the backoff; `--force` retries now"),
            );
            report.families.push(out);
            continue;
        }
        if provider.is_none() {
            provider = Some(super::provider_from_settings(settings)?);
        }
        let p = provider.as_ref().expect("provider built");
        let sent_before = p.requests();
        let result = p.set_address(config.name.as_str(), addr).await;
        let sent = p.requests() - sent_before;
        ds.requests += u64::from(sent);
        report.provider_requests += sent;
        match result {
            Ok(()) => {
                ds.set_published(
                    family,
                    Some(Published {
                        address: addr,
                        at: now,
                    }),
                );
                ds.backoff = None;
                out.action = Action::Published;
                out.reason = why;
                tracing::info!(%addr, record = family.record_type(), "published");
            }
            Err(e) => {
                out.action = Action::Failed;
                out.reason = e.message.clone();
                match e.failure {
                    Failure::Latch => {
                        ds.latch = Some(Latch {
                            reason: e.message.clone(),
                            since: now,
                            config_hash: hash.clone(),
                        });
                        ds.latch_hint = e.hint.clone();
                        stop = Some("stopped: the provider refused an earlier request".into());
                        report.latch = ds.latch.clone();
                    }
                    Failure::Backoff => {
                        let failures = ds.backoff.as_ref().map_or(0, |b| b.failures) + 1;
                        let wait = backoff_for(failures, e.retry_after);
                        ds.backoff = Some(Backoff {
                            failures,
                            until: now + wait.as_secs() as i64,
                            reason: e.message.clone(),
                        });
                        stop = Some("stopped: the provider asked to wait".into());
                        report.backoff = ds.backoff.clone();
                    }
                    Failure::Transient | Failure::Unsupported => {}
                }
                let mut err: Error = e.clone().into();
                if e.failure == Failure::Backoff
                    && let Some(b) = &ds.backoff
                {
                    err = err.hint(format!(
                        "direkt waits until {} before asking again; `--force` retries now",
                        crate::commands::status::format_time(b.until)
                    ));
                }
                report.fail(err);
                out.error = Some(e);
            }
        }
        // Save right after every exchange with the provider: a crash must not lose what was
        // published (or a latch, which would otherwise be hit again).
        state.ddns = ds.clone();
        lock.save(state)?;
        report.families.push(out);
    }
    if !opts.dry_run && state.ddns != ds {
        state.ddns = ds;
        lock.save(state)?;
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_starts_at_30_minutes_and_grows() {
        assert_eq!(backoff_for(1, None), MIN_BACKOFF);
        assert_eq!(backoff_for(2, None), MIN_BACKOFF * 2);
        assert_eq!(backoff_for(3, None), MIN_BACKOFF * 4);
        assert_eq!(backoff_for(40, None), MAX_BACKOFF);
        // A provider's own, longer wait is honoured.
        assert_eq!(
            backoff_for(1, Some(Duration::from_secs(7200))),
            Duration::from_secs(7200)
        );
        assert_eq!(backoff_for(1, Some(Duration::from_secs(5))), MIN_BACKOFF);
    }
}
