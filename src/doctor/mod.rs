//! `direkt doctor`: every check that can say why the box is or is not reachable, run
//! concurrently under one deadline, and one verdict chosen from them by root cause.
//!
//! Checks never fail the run: each one ends as pass / warn / fail / skip with what it saw, why
//! it matters and how to fix it. A check still running at the deadline says so.

pub mod cert;
pub mod check_id;
pub mod clock;
pub mod context;
pub mod dns;
pub mod dslite;
pub mod gateway;
pub mod local;
pub mod network;
pub mod outside;
pub mod provider;
pub mod reach;
pub mod relay;
pub mod render;
pub mod verdict;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::Settings;
use crate::error::{Error, Result};

pub use check_id::CheckId;
pub use render::render;

/// The doctor JSON format version; fields are only ever added.
pub const REPORT_VERSION: u32 = 1;

/// How one check ended. Ordered by severity so the worst is the maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not applicable here, or could not be tested (the summary says which and why).
    Skip,
    Pass,
    /// Works, but something deserves attention.
    Warn,
    /// Broken: something the user must fix.
    Fail,
}

impl Status {
    pub fn symbol(self) -> &'static str {
        match self {
            Status::Pass => "✓",
            Status::Warn => "!",
            Status::Fail => "✗",
            Status::Skip => "-",
        }
    }
}

/// One check's result: the `checks[]` entries of `doctor --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Stable identifier, e.g. `dns.authoritative` (see the README).
    pub id: String,
    pub status: Status,
    /// What was seen, in one plain sentence.
    pub summary: String,
    /// The facts behind the summary (addresses, TTLs, outcomes), for support and scripts.
    #[serde(default)]
    pub details: BTreeMap<String, Value>,
    /// Why it matters (shown for warn and fail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// How to fix it (shown for warn and fail).
    #[serde(default)]
    pub fix: Option<String>,
    #[serde(default)]
    pub elapsed_ms: u64,
}

impl CheckResult {
    pub fn new(id: &str, status: Status, summary: impl Into<String>) -> Self {
        CheckResult {
            id: id.to_string(),
            status,
            summary: summary.into(),
            details: BTreeMap::new(),
            why: None,
            fix: None,
            elapsed_ms: 0,
        }
    }
    pub fn pass(id: &str, summary: impl Into<String>) -> Self {
        Self::new(id, Status::Pass, summary)
    }
    pub fn warn(id: &str, summary: impl Into<String>) -> Self {
        Self::new(id, Status::Warn, summary)
    }
    pub fn fail(id: &str, summary: impl Into<String>) -> Self {
        Self::new(id, Status::Fail, summary)
    }
    pub fn skip(id: &str, summary: impl Into<String>) -> Self {
        Self::new(id, Status::Skip, summary)
    }
    pub fn why(mut self, why: impl Into<String>) -> Self {
        self.why = Some(why.into());
        self
    }
    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }
    pub fn detail(mut self, key: &str, value: impl Serialize) -> Self {
        self.details.insert(
            key.to_string(),
            serde_json::to_value(value).unwrap_or(Value::Null),
        );
        self
    }
    /// A detail as a string, for verdicts built from several checks.
    pub fn detail_str(&self, key: &str) -> Option<&str> {
        self.details.get(key).and_then(Value::as_str)
    }
}

/// The single conclusion at the top: the root cause chosen from the checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// pass (reachable), warn (works with caveats) or fail.
    pub status: Status,
    /// One sentence naming the cause and its evidence.
    pub summary: String,
    /// The check the verdict comes from, if one.
    #[serde(default)]
    pub cause: Option<String>,
    #[serde(default)]
    pub fix: Option<String>,
}

/// `direkt doctor --json`: the verdict and every check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DoctorReport {
    #[serde(default)]
    pub version: u32,
    /// The configured name, if any.
    #[serde(default)]
    pub name: Option<String>,
    /// RFC 3339 time the run started.
    #[serde(default)]
    pub started_at: String,
    #[serde(default)]
    pub elapsed_ms: u64,
    #[serde(default)]
    pub deadline_ms: u64,
    pub verdict: Verdict,
    pub checks: Vec<CheckResult>,
}

impl DoctorReport {
    pub fn failed(&self) -> bool {
        self.checks.iter().any(|c| c.status == Status::Fail)
    }
    pub fn check(&self, id: &str) -> Option<&CheckResult> {
        self.checks.iter().find(|c| c.id == id)
    }
    /// Exit code of `direkt doctor`: 3 when any check failed, else 0 (warnings included).
    pub fn exit_code(&self) -> u8 {
        if self.failed() {
            crate::error::ErrorKind::CheckFailed.exit_code()
        } else {
            0
        }
    }

    /// Read a saved report: a bare `doctor --json` document, or a `direkt report` bundle that
    /// holds one under `doctor`.
    pub fn from_json_text(text: &str, origin: &str) -> Result<DoctorReport> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            Error::usage(format!("{origin} is not JSON: {e}"))
                .hint("pass a file written by `direkt doctor --json` or `direkt report`")
        })?;
        let doc = match value.get("doctor") {
            Some(d) if d.get("checks").is_some() => d.clone(),
            _ => value,
        };
        Self::from_value(doc, origin)
    }

    /// Read doctor's JSON (`doctor --json`, or the `doctor` part of a report).
    pub fn from_value(doc: Value, origin: &str) -> Result<DoctorReport> {
        if doc.get("checks").is_none() {
            return Err(Error::usage(format!(
                "{origin} holds no doctor results (no `checks`, no `doctor.checks`)"
            ))
            .hint("pass a file written by `direkt doctor --json` or `direkt report`"));
        }
        let mut report: DoctorReport = serde_json::from_value(doc).map_err(|e| {
            Error::usage(format!("{origin}: the doctor results are malformed: {e}"))
                .hint("was the file edited? write it again with `direkt doctor --json`")
        })?;
        // Re-derive the verdict with this build's priorities only when none was saved.
        if report.verdict.summary.is_empty() {
            report.verdict = verdict::choose(&report.checks);
        }
        Ok(report)
    }
}

/// What the caller may change about a run.
#[derive(Debug, Clone, Default)]
pub struct DoctorOptions {
    /// Overrides `[doctor] deadline`.
    pub deadline: Option<Duration>,
    /// Probe server URLs to use instead of `[ip] probe`.
    pub probe: Vec<String>,
}

pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(5);

type CheckFuture<'a> = Pin<Box<dyn Future<Output = CheckResult> + 'a>>;

/// One planned check: its ID and the work.
pub struct Planned<'a> {
    pub id: String,
    pub fut: CheckFuture<'a>,
}

impl<'a> Planned<'a> {
    pub fn new(id: impl Into<String>, fut: impl Future<Output = CheckResult> + 'a) -> Self {
        Planned {
            id: id.into(),
            fut: Box::pin(fut),
        }
    }
}

/// Run every check and choose the verdict, on the process runtime.
pub async fn run(settings: &Settings, opts: &DoctorOptions) -> DoctorReport {
    run_async(settings, opts).await
}

/// Doctor's verdict for `setup` and `report`: (passed, one-line verdict, the report as JSON).
pub async fn verdict(settings: &Settings) -> Option<(bool, String, Value)> {
    let report = run(settings, &DoctorOptions::default()).await;
    let json = serde_json::to_value(&report).ok()?;
    Some((!report.failed(), report.verdict.summary, json))
}

pub async fn run_async(settings: &Settings, opts: &DoctorOptions) -> DoctorReport {
    let start = Instant::now();
    let started_at = crate::net::time::format_time(crate::state::now_unix());
    let deadline = opts
        .deadline
        .or_else(|| settings.config.as_ref().map(|c| c.doctor.deadline.0))
        .unwrap_or(DEFAULT_DEADLINE);
    let ctx = context::Ctx::new(settings, opts, start + deadline, deadline);
    let checks = run_planned(plan(&ctx), start + deadline, deadline).await;
    ctx.cleanup().await;
    DoctorReport {
        version: REPORT_VERSION,
        name: settings.config.as_ref().map(|c| c.name.to_string()),
        started_at,
        elapsed_ms: start.elapsed().as_millis() as u64,
        deadline_ms: deadline.as_millis() as u64,
        verdict: verdict::choose(&checks),
        checks,
    }
}

/// Every check, in display order.
fn plan<'a>(ctx: &'a context::Ctx<'a>) -> Vec<Planned<'a>> {
    use CheckId as C;
    let mut p = vec![
        Planned::new(C::LocalAddresses, local::addresses(ctx)),
        Planned::new(C::LocalRoute, local::route(ctx)),
        Planned::new(C::LocalClock, clock::check(ctx)),
        Planned::new(C::DnsResolver, dns::resolver(ctx)),
        Planned::new(C::GatewayFound, network::gateway_found(ctx)),
        Planned::new(C::GatewayWan, network::gateway_wan(ctx)),
        Planned::new(
            C::PublicIpv4,
            network::public_address(ctx, network::Family::Ipv4),
        ),
        Planned::new(
            C::PublicIpv6,
            network::public_address(ctx, network::Family::Ipv6),
        ),
        Planned::new(C::NatCgnat, network::cgnat(ctx)),
        Planned::new(C::NatDslite, dslite::check(ctx)),
        Planned::new(C::NatDouble, network::double_nat(ctx)),
        Planned::new(C::PortsMapped, network::ports_mapped(ctx)),
    ];
    if ctx.relay.is_some() {
        p.push(Planned::new(C::RelayTunnel, relay::tunnel_check(ctx)));
        p.push(Planned::new(C::RelayForward, relay::forward_check(ctx)));
    }
    p.extend([
        Planned::new(C::DnsAuthoritative, dns::authoritative(ctx)),
        Planned::new(C::DnsRecursive, dns::recursive(ctx)),
        Planned::new(C::DnsAlias, dns::aliases(ctx)),
        Planned::new(C::DnsAcmeChallengeCname, dns::acme_challenge_cname(ctx)),
        Planned::new(C::DnsCaa, dns::caa(ctx)),
        Planned::new(C::ServiceLocal, local::service(ctx)),
    ]);
    p.extend(reach::plan(ctx));
    p.extend([
        Planned::new(C::ProbeReachable, reach::probe_reachable(ctx)),
        Planned::new(C::ProbePortCheck, outside::port_check_reachable(ctx)),
        Planned::new(C::ReachHairpin, reach::hairpin(ctx)),
        Planned::new(C::CertDisk, cert::disk(ctx)),
        Planned::new(C::CertServed, cert::served(ctx)),
        Planned::new(C::ProviderCredentials, provider::credentials(ctx)),
        Planned::new(C::RenewLast, network::renew_last(ctx)),
    ]);
    p
}

/// Run all planned checks concurrently; one still running at the deadline ends as "timed out".
pub async fn run_planned(
    planned: Vec<Planned<'_>>,
    deadline: Instant,
    budget: Duration,
) -> Vec<CheckResult> {
    let tokio_deadline = tokio::time::Instant::from_std(deadline);
    let futs = planned.into_iter().map(|p| async move {
        let t0 = Instant::now();
        let mut r = match tokio::time::timeout_at(tokio_deadline, p.fut).await {
            Ok(r) => r,
            Err(_) => timed_out(&p.id, budget),
        };
        r.id = p.id;
        r.elapsed_ms = t0.elapsed().as_millis() as u64;
        r
    });
    futures_util::future::join_all(futs).await
}

fn timed_out(id: &str, budget: Duration) -> CheckResult {
    CheckResult::warn(
        id,
        format!(
            "did not finish within the doctor's deadline of {}",
            crate::config::HumanDuration(budget)
        ),
    )
    .why("something it depends on did not answer in time (a server down or packets dropped)")
    .fix("see the other checks for what is unreachable; or allow more time with --deadline")
    .detail("timed_out", true)
}
