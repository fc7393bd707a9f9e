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
    /// When each family's published address last became a different one (`at` of the first
    /// publication of that address; kept across config changes): doctor weighs the CA's
    /// last visit against it.
    pub changed: AddressChanges,
}

/// The first publication of each family's current address.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AddressChanges {
    pub ipv4: Option<Published>,
    pub ipv6: Option<Published>,
}

impl AddressChanges {
    pub fn get(&self, f: Family) -> Option<&Published> {
        match f {
            Family::Ipv4 => self.ipv4.as_ref(),
            Family::Ipv6 => self.ipv6.as_ref(),
        }
    }

    /// Note a publication of `address` at `at`; only a different address moves the time.
    /// `before` is what was published until now: a state from before this record existed
    /// keeps that publication's time when the address is the same.
    pub fn note(&mut self, f: Family, address: IpAddr, at: i64, before: Option<&Published>) {
        let slot = match f {
            Family::Ipv4 => &mut self.ipv4,
            Family::Ipv6 => &mut self.ipv6,
        };
        if slot.as_ref().is_some_and(|p| p.address == address) {
            return;
        }
        *slot = match before {
            Some(b) if slot.is_none() && b.address == address => Some(b.clone()),
            _ => Some(Published { address, at }),
        };
    }
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
    /// The IPv4 is shared through a DS-Lite AFTR: no A record was published.
    pub behind_dslite: bool,
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
    let secrets = super::secrets_of(ddns, settings)?;
    let mut h = Sha256::new();
    h.update(config.name.as_str().as_bytes());
    h.update([0]);
    h.update(serde_json::to_vec(ddns).unwrap_or_default());
    h.update([0]);
    // One secret hashes as it always did, so an upgrade does not look like a config change.
    for (i, (_, s)) in secrets.iter().enumerate() {
        if i > 0 {
            h.update([0]);
        }
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
    let mut run = Run {
        settings,
        config,
        ddns,
        opts,
        now: now_unix(),
        report: UpdateReport {
            name: config.name.to_string(),
            provider: ddns.provider,
            dry_run: opts.dry_run,
            forced: opts.force,
            families: vec![],
            provider_requests: 0,
            latch: None,
            backoff: None,
            behind_cgnat: false,
            behind_dslite: false,
            ok: true,
            error: None,
        },
        // Work on a copy; `state.ddns` only changes (and is saved) when not a dry run.
        ds: fresh_state(&state.ddns, &hash, opts.force),
        hash,
        backing_off: None,
        provider: None,
        stop: None,
    };
    if run.latched() {
        return Ok(run.report);
    }
    run.backing_off = run.ds.backoff.as_ref().and_then(|b| b.active(run.now));
    run.report.backoff = run.backing_off.clone();

    let mut detection: Detection = ip::detect(config, vec![]).await;
    if let Some(r) = state.relay.as_ref().filter(|_| config.ip.ipv4) {
        detection.through_relay(r.address);
    }
    // Shared IPv4 (DS-Lite) and no IPv6 address: that is the failure to name, first.
    let v4_shared = detection.ipv4.as_ref().is_some_and(|d| d.behind_dslite);
    let v6_none = detection.ipv6.as_ref().is_none_or(|d| d.address.is_none());
    if v4_shared && v6_none {
        run.report
            .fail(Error::failed(crate::net::nat::NO_WAY_IN).hint(
                "turn on IPv6 on the router and set `[ip] ipv6 = true`, or set up `direkt relay`",
            ));
    }
    for family in [Family::Ipv4, Family::Ipv6] {
        let Some(det) = detection.get(family).cloned() else {
            continue;
        };
        let (out, sent) = run.family(family, det).await?;
        if sent {
            // Save right after every exchange with the provider: a crash must not lose what
            // was published (or a latch, which would otherwise be hit again).
            state.ddns = run.ds.clone();
            lock.save(state)
                .map_err(|e| not_recorded(&run.report, family, e))?;
        }
        run.report.families.push(out);
    }
    if !opts.dry_run && state.ddns != run.ds {
        state.ddns = run.ds;
        lock.save(state)?;
    }
    Ok(run.report)
}

/// The provider was asked, but the state could not record its answer (a full disk): say so,
/// and that the next run asks again, once (nothing loops within a run).
fn not_recorded(report: &UpdateReport, family: Family, e: Error) -> Error {
    Error::failed(format!(
        "the {} update of {} was sent to {}, but its outcome could not be recorded: {}",
        family.record_type(),
        report.name,
        report.provider,
        e.message()
    ))
    .hint(
        "free space in the state directory (or fix its permissions); until then every run \
         sends the update once more, which the provider takes as no change",
    )
}

/// The stored `[ddns]` state to work on: reset when the config (or secret) changed, latch and
/// backoff lifted with `--force`.
fn fresh_state(stored: &DdnsState, hash: &str, force: bool) -> DdnsState {
    let mut ds = stored.clone();
    if ds.config_hash != hash {
        if !ds.config_hash.is_empty() {
            tracing::info!("the [ddns] config changed: lifting any latch, sending again");
        }
        ds = DdnsState {
            config_hash: hash.to_string(),
            requests: ds.requests,
            changed: ds.changed.clone(),
            ..DdnsState::default()
        };
    }
    if force {
        ds.latch = None;
        ds.latch_hint = None;
        ds.backoff = None;
    }
    ds
}

/// One update in progress.
struct Run<'a> {
    settings: &'a Settings,
    config: &'a Config,
    ddns: &'a DdnsConfig,
    opts: &'a UpdateOptions,
    now: i64,
    hash: String,
    report: UpdateReport,
    ds: DdnsState,
    backing_off: Option<Backoff>,
    /// Built on the first request, so a run with nothing to send costs nothing.
    provider: Option<Box<dyn Provider>>,
    /// Why the remaining families are not sent (a latch or a wait asked for in this run).
    stop: Option<String>,
}

impl Run<'_> {
    /// A latch from an earlier run stops the update: say so, with how to lift it.
    fn latched(&mut self) -> bool {
        let Some(l) = &self.ds.latch else {
            return false;
        };
        self.report.latch = Some(l.clone());
        let hint = self.ds.latch_hint.clone().unwrap_or_default();
        self.report.fail(
            Error::needs_user(format!(
                "dynamic DNS updates are stopped since {}: {}",
                crate::net::time::format_time(l.since),
                l.reason
            ))
            .hint(format!(
                "{hint}{}then run `direkt ddns update --force` (a changed config or secret lifts \
                 it too)",
                if hint.is_empty() { "" } else { "; " }
            )),
        );
        true
    }

    /// Decide and (when due) send one family. The flag says whether the provider was asked.
    async fn family(
        &mut self,
        family: Family,
        det: FamilyDetection,
    ) -> Result<(FamilyOutcome, bool)> {
        self.report.behind_cgnat |= det.behind_cgnat;
        self.report.behind_dslite |= det.behind_dslite;
        let previous = self.ds.published(family).cloned();
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
        if family == Family::Ipv4 && det.behind_dslite {
            // The address the internet sees is the AFTR's, shared by many: an A record would
            // send every IPv4 visitor to somebody else's NAT.
            out.reason = det.message.clone();
            if let Some(p) = &previous {
                out.reason.push_str(&format!(
                    "; the A record published earlier ({}) is left as it is: remove it at the provider",
                    p.address
                ));
            }
            return Ok((out, false));
        }
        let Some(addr) = det.address.filter(|_| det.verdict == Verdict::Agreed) else {
            out.reason = det.message.clone();
            self.report.fail(no_agreed_address(family, &det));
            return Ok((out, false));
        };
        let Some(why) = self.due(previous.as_ref(), addr) else {
            out.action = Action::Unchanged;
            out.reason = format!("{addr} is already published");
            return Ok((out, false));
        };
        if self.opts.dry_run {
            out.action = Action::WouldPublish;
            out.reason = why;
            return Ok((out, false));
        }
        if let Some(s) = &self.stop {
            out.action = Action::Skipped;
            out.reason = s.clone();
            return Ok((out, false));
        }
        if let Some(b) = &self.backing_off {
            out.action = Action::Skipped;
            out.reason = format!(
                "backing off until {} after: {}",
                crate::net::time::format_time(b.until),
                b.reason
            );
            self.report.fail(
                Error::failed(format!("{family} not sent: {}", out.reason))
                    .hint("direkt retries after the backoff; `--force` retries now"),
            );
            return Ok((out, false));
        }
        self.send(family, addr, why, &mut out).await?;
        Ok((out, true))
    }

    /// Why `addr` should be sent now, or `None` when it is already published and fresh.
    fn due(&self, previous: Option<&Published>, addr: IpAddr) -> Option<String> {
        let refresh = self.ddns.refresh.0.as_secs() as i64;
        let now = self.now;
        match previous {
            None => Some("nothing published yet".to_string()),
            Some(p) if p.address != addr => Some(format!("changed from {}", p.address)),
            Some(p) if now - p.at >= refresh => Some(format!(
                "refresh: last sent {} days ago",
                (now - p.at) / 86400
            )),
            Some(_) if self.opts.force => Some("--force".to_string()),
            Some(_) => None,
        }
    }

    /// Ask the provider to publish `addr`, and record what it answered.
    async fn send(
        &mut self,
        family: Family,
        addr: IpAddr,
        why: String,
        out: &mut FamilyOutcome,
    ) -> Result<()> {
        if self.provider.is_none() {
            self.provider = Some(super::provider_from_settings(self.settings)?);
        }
        let p = self.provider.as_ref().expect("provider built");
        let sent_before = p.requests();
        let result = p.set_address(self.config.name.as_str(), addr).await;
        let sent = p.requests() - sent_before;
        self.ds.requests += u64::from(sent);
        self.report.provider_requests += sent;
        match result {
            Ok(()) => {
                let before = self.ds.published(family).cloned();
                self.ds
                    .changed
                    .note(family, addr, self.now, before.as_ref());
                self.ds.set_published(
                    family,
                    Some(Published {
                        address: addr,
                        at: self.now,
                    }),
                );
                self.ds.backoff = None;
                out.action = Action::Published;
                out.reason = why;
                tracing::info!(%addr, record = family.record_type(), "published");
            }
            Err(e) => {
                out.action = Action::Failed;
                out.reason = e.message.clone();
                self.refused(&e);
                out.error = Some(e);
            }
        }
        Ok(())
    }

    /// A provider failure: latch or back off as its class says, and report it.
    fn refused(&mut self, e: &ProviderError) {
        match e.failure {
            Failure::Latch => {
                self.ds.latch = Some(Latch {
                    reason: e.message.clone(),
                    since: self.now,
                    config_hash: self.hash.clone(),
                });
                self.ds.latch_hint = e.hint.clone();
                self.stop = Some("stopped: the provider refused an earlier request".into());
                self.report.latch = self.ds.latch.clone();
            }
            Failure::Backoff => {
                let failures = self.ds.backoff.as_ref().map_or(0, |b| b.failures) + 1;
                let wait = backoff_for(failures, e.retry_after);
                self.ds.backoff = Some(Backoff {
                    failures,
                    until: self.now + wait.as_secs() as i64,
                    reason: e.message.clone(),
                });
                self.stop = Some("stopped: the provider asked to wait".into());
                self.report.backoff = self.ds.backoff.clone();
            }
            Failure::Transient | Failure::Unsupported => {}
        }
        let mut err: Error = e.clone().into();
        if e.failure == Failure::Backoff
            && let Some(b) = &self.ds.backoff
        {
            err = err.hint(format!(
                "direkt waits until {} before asking again; `--force` retries now",
                crate::net::time::format_time(b.until)
            ));
        }
        self.report.fail(err);
    }
}

/// No address to publish: the sources did not agree (or too few answered).
fn no_agreed_address(family: Family, det: &FamilyDetection) -> Error {
    let hint = match det.verdict {
        Verdict::Disagree => {
            "nothing was published; if the router's answer is the odd one out, check for double \
             NAT or a rogue device on the LAN"
        }
        _ => "check the address sources in [ip] (stun, probe, echo), or lower ip.quorum",
    };
    Error::failed(format!(
        "no agreed public {family} address: {}",
        det.message
    ))
    .hint(hint)
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

    #[test]
    fn only_a_different_address_moves_the_time_of_the_last_change() {
        let a: IpAddr = "203.0.113.2".parse().unwrap();
        let b: IpAddr = "203.0.113.9".parse().unwrap();
        let mut c = AddressChanges::default();
        // A state from before the record: the same address keeps its publication time.
        let before = Published {
            address: a,
            at: 100,
        };
        c.note(Family::Ipv4, a, 500, Some(&before));
        assert_eq!(c.get(Family::Ipv4), Some(&before));
        // A forced refresh of the same address changes nothing.
        c.note(Family::Ipv4, a, 900, Some(&before));
        assert_eq!(c.get(Family::Ipv4).unwrap().at, 100);
        c.note(Family::Ipv4, b, 1000, Some(&before));
        assert_eq!(
            c.get(Family::Ipv4),
            Some(&Published {
                address: b,
                at: 1000
            })
        );
        assert!(c.get(Family::Ipv6).is_none());
        // The section is optional in the state.
        let old: DdnsState = serde_json::from_str(r#"{"requests": 3}"#).unwrap();
        assert!(old.changed.ipv4.is_none());
    }
}
