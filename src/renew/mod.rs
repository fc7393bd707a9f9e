//! `renew`: the cron job that keeps DNS, port mappings and the certificate in order, each part
//! only when it is due, and the record of how each part fared (read by `status`, Prometheus and
//! the notify command).

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

/// One part `renew` looks after. Its names (`dns`, `ports`, `cert`) are the keys in
/// `state.json` and the `part` of the JSON output.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum RenewPart {
    Dns,
    Ports,
    Cert,
}

impl RenewPart {
    /// Every part, in the order `renew` reports them.
    pub const ALL: [RenewPart; 3] = [RenewPart::Dns, RenewPart::Ports, RenewPart::Cert];

    pub fn as_str(self) -> &'static str {
        match self {
            RenewPart::Dns => "dns",
            RenewPart::Ports => "ports",
            RenewPart::Cert => "cert",
        }
    }

    /// Whether the config asks for this part: the one definition `renew`, `setup` and `status`
    /// use. Ports count only with something to forward.
    pub fn is_configured(self, settings: &Settings) -> bool {
        settings
            .config
            .as_ref()
            .is_some_and(|c| self.is_configured_in(c))
    }

    /// [`RenewPart::is_configured`] for a config at hand.
    pub fn is_configured_in(self, c: &crate::config::Config) -> bool {
        match self {
            // acme-dns in [ddns] holds only DNS-01's TXT: no address to keep up to date.
            RenewPart::Dns => c.ddns.as_ref().is_some_and(|d| {
                use crate::ddns::registry::RecordType;
                let spec = d.provider.spec();
                spec.writes(RecordType::A) || spec.writes(RecordType::Aaaa)
            }),
            RenewPart::Ports => c.ports.as_ref().is_some_and(|p| !p.forward.is_empty()),
            RenewPart::Cert => c.cert.is_some(),
        }
    }

    /// Copies this part's own section of the state (all its renewal writes) from a working
    /// copy into the shared state; see [`StateLock::merging`].
    fn section(self) -> fn(&mut State, &State) {
        match self {
            RenewPart::Dns => |into, from| into.ddns = from.ddns.clone(),
            RenewPart::Ports => |into, from| into.ports = from.ports.clone(),
            RenewPart::Cert => |into, from| into.cert = from.cert.clone(),
        }
    }
}

impl fmt::Display for RenewPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RenewPart {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        RenewPart::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| format!("unknown part `{s}` (dns, ports or cert)"))
    }
}

/// What `renew` remembers: per part how the last attempt went, and when each notification was
/// last sent (so the same reason is sent at most once a day).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RenewState {
    /// Keyed by [`RenewPart`]'s name; a string so a state naming a part this build does not
    /// know still loads.
    pub parts: BTreeMap<String, PartRecord>,
    /// Notification key (`reason:part`) -> Unix time it was last sent.
    pub notified: BTreeMap<String, i64>,
}

/// How one part fared in `renew` (and `setup`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PartRecord {
    /// Unix time of the last run that looked at this part.
    pub last_attempt: Option<i64>,
    /// Unix time of the last run in which this part was fine (changed or nothing due).
    pub last_success: Option<i64>,
    /// Unix time of the last change this part made.
    pub last_change: Option<i64>,
    /// The last error, if the last attempt failed.
    pub error: Option<String>,
    /// The part refuses to run until the user acts (exit 4).
    pub latched: bool,
}
pub mod parts;

use crate::config::Settings;
use crate::error::{ErrorKind, ExitStatus};
use crate::notify::{self, Notice, Reason};
use crate::state::{RunRecord, State, StateLock, lock_shared};
use parts::{Outcome, RunOptions};

/// The result of one part in one run, as `--json` shows it.
#[derive(Debug, Serialize)]
pub struct PartReport {
    pub part: RenewPart,
    /// `nothing-due`, `changed`, `failed`, `latched`, `waiting`, `not-configured`.
    pub result: &'static str,
    /// One line per change made (or, with `--dry-run`, that would be made).
    pub changes: Vec<String>,
    pub error: Option<String>,
    pub hint: Option<String>,
    /// The exit code this part alone would give.
    pub exit_code: ExitStatus,
}

impl PartReport {
    fn new(part: RenewPart, result: &'static str, changes: Vec<String>) -> PartReport {
        PartReport {
            part,
            result,
            changes,
            error: None,
            hint: None,
            exit_code: ExitStatus::SUCCESS,
        }
    }
}

/// The whole run.
#[derive(Debug, Serialize)]
pub struct RenewReport {
    pub parts: Vec<PartReport>,
    pub dry_run: bool,
    pub forced: bool,
    pub notifications: Vec<notify::Notification>,
    /// Why the run could not be recorded in the state (a full disk), if it could not; the
    /// run then exits 1 at least.
    pub not_recorded: Option<String>,
    /// The relay's tunnel and VPS, checked (and repaired) first, when a relay is set up.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relay: Option<RelayRun>,
    /// The worst part's code by [`ExitStatus::worst`]: 4 (latched) over 2 (config) over 1
    /// (failed) over 0.
    pub exit_code: ExitStatus,
}

/// What `renew` did to the relay: one line per repair.
#[derive(Debug, Serialize)]
pub struct RelayRun {
    pub repairs: Vec<String>,
    pub error: Option<String>,
    pub hint: Option<String>,
    pub exit_code: ExitStatus,
}

/// Check the relay (the box's tunnel at once, the VPS over SSH when the tunnel does not answer
/// or once an hour) and repair what can be; before DNS and the certificate, which need it.
async fn relay_first(
    settings: &Settings,
    state: &mut State,
    opts: RunOptions,
    now: i64,
) -> Option<RelayRun> {
    let mut r = state.relay.clone()?;
    if opts.dry_run {
        return Some(RelayRun {
            repairs: vec![],
            error: None,
            hint: None,
            exit_code: ExitStatus::SUCCESS,
        });
    }
    let dir = settings.paths.state_dir.clone();
    let force = opts.force;
    let (r, result) = tokio::task::spawn_blocking(move || {
        let res = crate::relay::repair(&mut r, &dir, force, now);
        (r, res)
    })
    .await
    .ok()?;
    state.relay = Some(r);
    Some(match result {
        Ok(repairs) => RelayRun {
            repairs,
            error: None,
            hint: None,
            exit_code: ExitStatus::SUCCESS,
        },
        Err(e) => RelayRun {
            repairs: vec![],
            error: Some(e.message().to_string()),
            hint: e.hint_text().map(str::to_string),
            exit_code: e.kind().into(),
        },
    })
}

/// Renew every configured part that is due, record how each fared, and notify. DNS and the
/// port mappings run at once (each waits on its own network peers), the certificate beside
/// them when it is surely not due, else after them; every part runs even when another failed;
/// the worst exit code wins.
pub async fn run(
    settings: &Settings,
    lock: &StateLock,
    state: &mut State,
    opts: RunOptions,
    now: i64,
) -> RenewReport {
    let relay = relay_first(settings, state, opts, now).await;
    let shared = Arc::new(Mutex::new(std::mem::take(state)));
    let one = |part| run_shared(part, settings, lock, &shared, opts, now, None);
    // An order needs the name published and the ports forwarded (the CA resolves the name and
    // connects to it), so a certificate that may be due comes after both; one that surely is
    // not (a local decision from the stored certificate) runs beside them.
    let cert_idle = crate::acme::surely_not_due(settings, &lock_shared(&shared), opts.force, now);
    // Surely not due and not latched: that decision is the part's whole outcome (the part
    // would read and parse the same certificate again to reach it).
    let cert_known =
        (cert_idle && lock_shared(&shared).cert.latch.is_none()).then_some(Outcome::NothingDue);
    let (dns, ports, cert) = if cert_idle {
        // The certificate part is local, synchronous work: let the others' first requests
        // reach the kernel before it runs.
        let cert = async {
            tokio::task::yield_now().await;
            run_shared(
                RenewPart::Cert,
                settings,
                lock,
                &shared,
                opts,
                now,
                cert_known,
            )
            .await
        };
        tokio::join!(one(RenewPart::Dns), one(RenewPart::Ports), cert)
    } else {
        let (dns, ports) = tokio::join!(one(RenewPart::Dns), one(RenewPart::Ports));
        (dns, ports, one(RenewPart::Cert).await)
    };
    *state = std::mem::take(&mut *lock_shared(&shared));
    let mut reports = vec![];
    let mut notices = vec![];
    for (report, notice) in [dns, ports, cert] {
        reports.push(report);
        notices.extend(notice);
    }
    if let Some(expiry) = crate::acme::store::cert_expiry(settings) {
        let days = (expiry - now).div_euclid(86_400);
        if days < notify::CERT_WARN_DAYS {
            notices.push(Notice::new(
                Reason::CertExpiring,
                "cert",
                format!("the certificate expires in {days} days and has not been renewed yet"),
            ));
        }
    }
    let config = settings.config.as_ref();
    let mut notifications = vec![];
    if !opts.dry_run
        && let Some(n) = config.and_then(|c| c.notify.as_ref())
    {
        let name = config.map(|c| c.name.to_string()).unwrap_or_default();
        notifications = notify::dispatch(n, &name, &notices, &mut state.renew, now);
    }
    let exit_code = ExitStatus::worst_of(
        reports
            .iter()
            .map(|r| r.exit_code)
            .chain(relay.as_ref().map(|r| r.exit_code)),
    );
    if !opts.dry_run {
        record_run(state, "renew", &reports, exit_code, now);
    }
    RenewReport {
        parts: reports,
        dry_run: opts.dry_run,
        forced: opts.force,
        notifications,
        not_recorded: None,
        relay,
        exit_code,
    }
}

/// Write what the run did: `state.json` when anything but the run's times changed, else (a
/// cron run that found nothing due, the common case) only the nothing-due stamp, which
/// `StateDir::read` folds back in: no fsync'd rewrite of the whole state every few minutes.
pub fn record(
    lock: &StateLock,
    before: &State,
    after: &State,
    report: &RenewReport,
) -> crate::error::Result<()> {
    let quiet = report.exit_code.is_success()
        && report.parts.iter().all(|r| r.changes.is_empty())
        && report.notifications.is_empty()
        && after.only_run_times_differ(before)
        && lock.dir().state_file().exists();
    if quiet {
        let looked: Vec<&str> = report
            .parts
            .iter()
            .filter(|r| r.result == "nothing-due")
            .map(|r| r.part.as_str())
            .collect();
        match lock.stamp_nothing_due(&looked) {
            Ok(()) => return Ok(()),
            Err(e) => tracing::debug!("no stamp, writing the state: {}", e.message()),
        }
    }
    lock.save(after)
}

/// The run's line in `state.last_run` (`renew`, or `setup`, which runs the same parts).
pub fn record_run(
    state: &mut State,
    command: &str,
    reports: &[PartReport],
    exit_code: ExitStatus,
    now: i64,
) {
    let changes: usize = reports.iter().map(|r| r.changes.len()).sum();
    let failed: Vec<&str> = reports
        .iter()
        .filter(|r| !r.exit_code.is_success())
        .map(|r| r.part.as_str())
        .collect();
    state.runs += 1;
    state.last_run = Some(RunRecord {
        command: command.into(),
        at: now,
        ok: exit_code.is_success(),
        summary: match (changes, failed.is_empty()) {
            (0, true) => "nothing was due".into(),
            (n, true) => format!("{n} change(s)"),
            (n, false) => format!("{n} change(s); failed: {}", failed.join(", ")),
        },
    });
}

/// One part of a concurrent run: it works on its own copy of the state and, as it ends, folds
/// its section and its record into the shared state. A part that changed or failed something
/// writes it at once (one atomic write, under the one lock), so what it did is on disk even if
/// another part is still running; one with nothing due leaves it to the run's closing write
/// (a crash in between loses only a "last looked at" time), so a no-op run writes once.
async fn run_shared(
    part: RenewPart,
    settings: &Settings,
    lock: &StateLock,
    shared: &Arc<Mutex<State>>,
    opts: RunOptions,
    now: i64,
    known: Option<Outcome>,
) -> (PartReport, Option<Notice>) {
    if !part.is_configured(settings) {
        return (PartReport::new(part, "not-configured", vec![]), None);
    }
    let mut mine = lock_shared(shared).clone();
    let outcome = match (known, lock.merging(shared.clone(), part.section())) {
        (Some(outcome), _) => outcome,
        (None, Ok(part_lock)) => parts::renew(part, settings, &part_lock, &mut mine, opts).await,
        (None, Err(e)) => Outcome::Failed(e),
    };
    let mut state = lock_shared(shared);
    (part.section())(&mut state, &mine);
    let record = state.renew.parts.entry(part.to_string()).or_default();
    let write_now = outcome.must_be_recorded_at_once();
    let result = decide(part, outcome, record, opts, now);
    if !opts.dry_run
        && write_now
        && let Err(e) = lock.save(&state)
    {
        // The caller saves again at the end and reports a failure there.
        tracing::warn!("{part}: cannot record the result yet: {}", e.message());
    }
    result
}

/// Renew one part and record how it fared in `state.renew`; a failure also yields the notice
/// for the notify command. (Setup runs the parts one by one through this.)
pub async fn run_part(
    part: RenewPart,
    settings: &Settings,
    lock: &StateLock,
    state: &mut State,
    opts: RunOptions,
    now: i64,
) -> (PartReport, Option<Notice>) {
    let outcome = parts::renew(part, settings, lock, state, opts).await;
    let record = state.renew.parts.entry(part.to_string()).or_default();
    decide(part, outcome, record, opts, now)
}

/// What an outcome means: the part's report, its record (untouched by a dry run), and the
/// notice a failure sends.
fn decide(
    part: RenewPart,
    outcome: Outcome,
    record: &mut PartRecord,
    opts: RunOptions,
    now: i64,
) -> (PartReport, Option<Notice>) {
    let record = if opts.dry_run {
        // Work on a throw-away copy: a dry run records nothing.
        &mut record.clone()
    } else {
        record.last_attempt = Some(now);
        record
    };
    match outcome {
        Outcome::NothingDue => (succeeded(part, vec![], record, now), None),
        Outcome::Changed(changes) => (succeeded(part, changes, record, now), None),
        Outcome::Partly(changes, e) => {
            record.error = Some(e.message().to_string());
            record.latched = e.kind() == ErrorKind::NeedsUser;
            record.last_change = Some(now);
            let notice = Notice::new(Reason::RenewFailed, part.as_str(), e.message());
            (failed(part, "failed", changes, &e), Some(notice))
        }
        Outcome::Failed(e) | Outcome::Latched(e) => {
            let latched = e.kind() == ErrorKind::NeedsUser;
            record.error = Some(e.message().to_string());
            record.latched = latched;
            let (result, reason) = if latched {
                ("latched", Reason::Latched)
            } else {
                ("failed", Reason::RenewFailed)
            };
            let notice = Notice::new(reason, part.as_str(), e.message());
            (failed(part, result, vec![], &e), Some(notice))
        }
        Outcome::Waiting(why) => {
            let mut report = PartReport::new(part, "waiting", vec![]);
            report.error = record.error.clone().or(Some(why));
            (report, None)
        }
    }
}

fn succeeded(
    part: RenewPart,
    changes: Vec<String>,
    record: &mut PartRecord,
    now: i64,
) -> PartReport {
    record.last_success = Some(now);
    record.error = None;
    record.latched = false;
    if !changes.is_empty() {
        record.last_change = Some(now);
    }
    let result = if changes.is_empty() {
        "nothing-due"
    } else {
        "changed"
    };
    PartReport::new(part, result, changes)
}

fn failed(
    part: RenewPart,
    result: &'static str,
    changes: Vec<String>,
    e: &crate::error::Error,
) -> PartReport {
    PartReport {
        error: Some(e.message().to_string()),
        hint: e.hint_text().map(str::to_string),
        exit_code: e.exit_status(),
        ..PartReport::new(part, result, changes)
    }
}

#[cfg(test)]
mod tests;
