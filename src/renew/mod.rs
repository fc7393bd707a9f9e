//! `renew`: the cron job that keeps DNS, port mappings and the certificate in order, each part
//! only when it is due, and the record of how each part fared (read by `status`, Prometheus and
//! the notify command).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The parts `renew` looks after, in the order it reports them.
pub const PARTS: [&str; 3] = ["dns", "ports", "cert"];

/// What `renew` remembers: per part how the last attempt went, and when each notification was
/// last sent (so the same reason is sent at most once a day).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RenewState {
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
use crate::error::{Error, ErrorKind};
use crate::notify::{self, Notice, Reason};
use crate::state::{RunRecord, State, StateLock};
use parts::{Outcome, RunOptions};

/// The result of one part in one run, as `--json` shows it.
#[derive(Debug, Serialize)]
pub struct PartReport {
    pub part: &'static str,
    /// `nothing-due`, `changed`, `failed`, `latched`, `unavailable`, `not-configured`.
    pub result: &'static str,
    /// One line per change made (or, with `--dry-run`, that would be made).
    pub changes: Vec<String>,
    pub error: Option<String>,
    pub hint: Option<String>,
    /// The exit code this part alone would give.
    pub exit_code: u8,
}

/// The whole run.
#[derive(Debug, Serialize)]
pub struct RenewReport {
    pub parts: Vec<PartReport>,
    pub dry_run: bool,
    pub forced: bool,
    pub notifications: Vec<notify::Notification>,
    /// The worst part's code: 4 (latched) over 2 (config) over 1 (failed) over 0.
    pub exit_code: u8,
}

impl RenewReport {
    pub fn changed(&self) -> bool {
        self.parts.iter().any(|p| !p.changes.is_empty())
    }
}

/// Renew every configured part that is due, record how each fared, and notify. Every part runs
/// even when an earlier one failed; the worst exit code wins.
pub async fn run(
    settings: &Settings,
    lock: &StateLock,
    state: &mut State,
    opts: RunOptions,
    now: i64,
) -> RenewReport {
    let config = settings.config.as_ref();
    let configured = |part: &str| match part {
        "dns" => config.is_some_and(|c| c.ddns.is_some()),
        "ports" => config.is_some_and(|c| c.ports.as_ref().is_some_and(|p| !p.forward.is_empty())),
        "cert" => config.is_some_and(|c| c.cert.is_some()),
        _ => false,
    };
    let mut reports = vec![];
    let mut notices = vec![];
    for part in PARTS {
        if !configured(part) {
            reports.push(PartReport {
                part,
                result: "not-configured",
                changes: vec![],
                error: None,
                hint: None,
                exit_code: 0,
            });
            continue;
        }
        let (report, notice) = run_part(part, settings, lock, state, opts, now).await;
        notices.extend(notice);
        reports.push(report);
    }
    if let Some(expiry) = parts::cert_expiry(settings, state) {
        let days = (expiry - now).div_euclid(86_400);
        if days < notify::CERT_WARN_DAYS {
            notices.push(Notice::new(
                Reason::CertExpiring,
                "cert",
                format!("the certificate expires in {days} days and has not been renewed yet"),
            ));
        }
    }
    let mut notifications = vec![];
    if !opts.dry_run
        && let Some(n) = config.and_then(|c| c.notify.as_ref())
    {
        let name = config.map(|c| c.name.to_string()).unwrap_or_default();
        notifications = notify::dispatch(n, &name, &notices, &mut state.renew, now);
    }
    let exit_code = reports.iter().map(|r| r.exit_code).max().unwrap_or(0);
    if !opts.dry_run {
        let changes: usize = reports.iter().map(|r| r.changes.len()).sum();
        let failed: Vec<&str> = reports
            .iter()
            .filter(|r| r.exit_code != 0)
            .map(|r| r.part)
            .collect();
        state.runs += 1;
        state.last_run = Some(RunRecord {
            command: "renew".into(),
            at: now,
            ok: exit_code == 0,
            summary: match (changes, failed.is_empty()) {
                (0, true) => "nothing was due".into(),
                (n, true) => format!("{n} change(s)"),
                (n, false) => format!("{n} change(s); failed: {}", failed.join(", ")),
            },
        });
    }
    RenewReport {
        parts: reports,
        dry_run: opts.dry_run,
        forced: opts.force,
        notifications,
        exit_code,
    }
}

/// Renew one part and record how it fared in `state.renew`; a failure also yields the notice
/// for the notify command.
pub async fn run_part(
    part: &'static str,
    settings: &Settings,
    lock: &StateLock,
    state: &mut State,
    opts: RunOptions,
    now: i64,
) -> (PartReport, Option<Notice>) {
    let outcome = match part {
        "dns" => parts::dns(settings, lock, state, opts).await,
        "ports" => parts::ports(settings, lock, state, opts).await,
        _ => parts::cert(settings, lock, state, opts).await,
    };
    let record = state.renew.parts.entry(part.to_string()).or_default();
    if !opts.dry_run {
        record.last_attempt = Some(now);
    }
    match outcome {
        Outcome::NothingDue | Outcome::Changed(_) => {
            let changes = match outcome {
                Outcome::Changed(c) => c,
                _ => vec![],
            };
            if !opts.dry_run {
                record.last_success = Some(now);
                record.error = None;
                record.latched = false;
                if !changes.is_empty() {
                    record.last_change = Some(now);
                }
            }
            let report = PartReport {
                part,
                result: if changes.is_empty() {
                    "nothing-due"
                } else {
                    "changed"
                },
                changes,
                error: None,
                hint: None,
                exit_code: 0,
            };
            (report, None)
        }
        Outcome::Partly(changes, e) => {
            if !opts.dry_run {
                record.error = Some(e.message().to_string());
                record.latched = e.kind() == ErrorKind::NeedsUser;
                record.last_change = Some(now);
            }
            let report = PartReport {
                part,
                result: "failed",
                changes,
                error: Some(e.message().to_string()),
                hint: e.hint_text().map(str::to_string),
                exit_code: e.exit_code(),
            };
            (
                report,
                Some(Notice::new(Reason::RenewFailed, part, e.message())),
            )
        }
        Outcome::Failed(e) | Outcome::Latched(e) => {
            let latched = e.kind() == ErrorKind::NeedsUser;
            if !opts.dry_run {
                record.error = Some(e.message().to_string());
                record.latched = latched;
            }
            let reason = if latched {
                Reason::Latched
            } else {
                Reason::RenewFailed
            };
            let report = PartReport {
                part,
                result: if latched { "latched" } else { "failed" },
                changes: vec![],
                error: Some(e.message().to_string()),
                hint: e.hint_text().map(str::to_string),
                exit_code: e.exit_code(),
            };
            (report, Some(Notice::new(reason, part, e.message())))
        }
        Outcome::Waiting(why) => {
            let report = PartReport {
                part,
                result: "waiting",
                changes: vec![],
                error: record.error.clone().or(Some(why)),
                hint: None,
                exit_code: 0,
            };
            (report, None)
        }
        Outcome::Unavailable(why) => {
            if !opts.dry_run {
                record.error = Some(why.clone());
            }
            let report = PartReport {
                part,
                result: "unavailable",
                changes: vec![],
                error: Some(why),
                hint: Some("this direkt was built without that part; use a full build".into()),
                exit_code: 1,
            };
            (report, None)
        }
    }
}

/// The first error of a run as an [`Error`] (for the caller's exit code and message).
pub fn first_error(r: &RenewReport) -> Option<Error> {
    r.parts.iter().find(|p| p.exit_code != 0).map(|p| {
        let msg = format!("{}: {}", p.part, p.error.clone().unwrap_or_default());
        let e = match p.exit_code {
            4 => Error::needs_user(msg),
            2 => Error::usage(msg),
            _ => Error::failed(msg),
        };
        match &p.hint {
            Some(h) => e.hint(h.clone()),
            None => e,
        }
    })
}
