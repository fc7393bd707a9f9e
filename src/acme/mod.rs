//! Certificates: ACME account, orders with challenge fallback, atomic storage, the renewal
//! decision (ARI or a third of the lifetime), back-off and latch, and the deploy hook.
//!
//! Library entry points for `direkt cert ...` and `direkt renew`: [`issue`],
//! [`renew_if_due`], [`show`], [`revoke`]. They take the state lock and the loaded state from
//! the caller and save the state themselves right after a certificate is stored.

pub mod certinfo;
pub mod challenge;
pub mod client;
pub mod dns01;
pub mod flow;
pub mod hook;
pub mod inbound;
pub mod keys;
pub mod preflight;
pub mod problems;
pub mod renewal;
pub mod room;
pub mod staging;
pub mod store;
pub mod terms;
pub mod witness;

use std::time::Instant;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::{CertConfig, ChallengeKind, Config, Settings};
use crate::error::{Error, ErrorKind, Result};
use crate::state::{Latch, State, StateLock, now_unix};

pub use certinfo::CertInfo;
pub use hook::HookReport;
pub use renewal::{AriWindow, CertState, IssuedRecord};
pub use store::{CertPaths, CertStore};

use challenge::{AlpnResponder, HttpResponder, Webroot};
use client::{AccountOptions, AcmeSession};
use flow::{OrderFailure, Responder, kind_name};
use keys::CertKey;
use renewal::Due;

/// Ports the standalone responders listen on (what the CA connects to).
const HTTP_PORT: u16 = 80;
const TLS_PORT: u16 = 443;

/// Options of one run.
#[derive(Debug, Clone, Default)]
pub struct CertOptions {
    /// Order a new certificate even if the current one is fine; ignore back-off and latch.
    pub force: bool,
    /// The CA's terms of service accepted on the command line (`--accept-tos`).
    pub accept_tos: bool,
    /// Decide only: report whether an order is due, order nothing (`renew --dry-run`).
    pub dry_run: bool,
}

/// What a run decided and did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CertAction {
    /// A first certificate (or one for changed names/key type).
    Issued,
    /// A certificate replaced one that was due.
    Renewed,
    /// Nothing was due; no order.
    NotDue,
    /// A recent failure: waiting before the next attempt.
    BackingOff,
    /// An order is due, but this was a dry run.
    WouldOrder,
}

/// The report of [`issue`] / [`renew_if_due`]; `--json` prints it. Fields are only added.
#[derive(Debug, Clone, Serialize)]
pub struct CertReport {
    pub name: String,
    pub names: Vec<String>,
    pub action: CertAction,
    pub why: String,
    /// The live certificate after the run.
    pub certificate: Option<CertSummary>,
    pub paths: Option<CertPaths>,
    /// The challenge that succeeded.
    pub challenge: Option<String>,
    /// Earliest moment (RFC 3339) the decision could change.
    pub next_check: Option<String>,
    /// Requests sent to the CA in this run.
    pub acme_requests: u32,
    pub account_created: bool,
    pub deploy_hook: Option<HookReport>,
    /// Things worth knowing (a fallback taken, a check skipped).
    pub notes: Vec<String>,
    pub millis: u64,
}

impl CertReport {
    /// The run succeeded but the deploy hook failed: exit 1, certificate kept.
    pub fn hook_failed(&self) -> bool {
        self.deploy_hook.as_ref().is_some_and(|h| !h.ok)
    }
}

/// A certificate for humans and JSON.
#[derive(Debug, Clone, Serialize)]
pub struct CertSummary {
    pub names: Vec<String>,
    pub issuer: String,
    pub serial: String,
    pub not_before: String,
    pub not_after: String,
    pub days_left: f64,
    pub key_type: String,
    pub key_matches: bool,
    pub ari_window: Option<AriSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AriSummary {
    pub start: String,
    pub end: String,
    pub planned: String,
    pub next_check: String,
}

fn summary(info: &CertInfo, key_pem: &str, st: &CertState, now: i64) -> CertSummary {
    let ari = st
        .ari
        .as_ref()
        .filter(|w| Some(&w.cert_id) == info.ari_id.as_ref())
        .map(|w| AriSummary {
            start: certinfo::rfc3339(w.start),
            end: certinfo::rfc3339(w.end),
            planned: certinfo::rfc3339(w.chosen),
            next_check: certinfo::rfc3339(w.retry_after),
        });
    CertSummary {
        names: info.names.clone(),
        issuer: info.issuer.clone(),
        serial: info.serial.clone(),
        not_before: certinfo::rfc3339(info.not_before),
        not_after: certinfo::rfc3339(info.not_after),
        days_left: (info.days_left(now) * 10.0).round() / 10.0,
        key_type: info.key_type.clone(),
        key_matches: certinfo::key_matches(info, key_pem),
        ari_window: ari,
    }
}

/// The `[cert]` section, or a usage error saying how to add one.
pub fn cert_config(config: &Config) -> Result<&CertConfig> {
    config.cert.as_ref().ok_or_else(|| {
        Error::usage("no [cert] section in the config")
            .hint("add [cert] with at least accept_tos = true (see the README's \"Certificates\" section)")
    })
}

/// The names of the certificate: the dynamic name first, then the aliases.
pub fn wanted_names(config: &Config) -> Vec<String> {
    let mut names = vec![config.name.to_string()];
    for a in &config.aliases {
        let a = a.to_string();
        if !names.contains(&a) {
            names.push(a);
        }
    }
    names
}

/// A latched refusal is lifted when any of this changes.
fn config_hash(config: &Config, cert: &CertConfig) -> String {
    let text = serde_json::to_string(&(wanted_names(config), cert)).unwrap_or_default();
    let h = Sha256::digest(text.as_bytes());
    h.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

fn same_names(a: &[String], b: &[String]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort();
    b.sort();
    a == b
}

/// Obtain a certificate when there is none, the names or key type changed, or it is due;
/// with `force`, always. Ignores the failure back-off (the user asked).
pub async fn issue(
    settings: &Settings,
    lock: &StateLock,
    state: &mut State,
    opts: &CertOptions,
) -> Result<CertReport> {
    run(settings, lock, state, opts, true).await
}

/// Whether the stored certificate and state alone show that nothing is due: then `renew` runs
/// the certificate part beside the others, since it will make no request. Anything else — no
/// certificate, changed names, key or CA, due, an ARI window to fetch, `--force` — is `false`,
/// and the part waits for DNS and the port mappings (an order needs both).
pub fn surely_not_due(settings: &Settings, state: &State, force: bool, now: i64) -> bool {
    let Some(config) = settings.config.as_ref() else {
        return false;
    };
    let Ok(cert_cfg) = cert_config(config) else {
        return false;
    };
    let Ok(Some(s)) = CertStore::new(&settings.paths.state_dir).read(config.name.as_str()) else {
        return false;
    };
    let directory = client::directory_url(&cert_cfg.ca);
    !force
        && state
            .cert
            .directory
            .as_deref()
            .is_none_or(|d| d == directory)
        && reissue_reason(&s, cert_cfg, &wanted_names(config)).is_none()
        && matches!(
            renewal::decide(now, &s.info, &state.cert),
            Due::Later { .. }
        )
}

/// What `direkt renew` calls: an order only when due, honouring back-off. With nothing due it
/// makes no request to the CA (the decision comes from the stored certificate and state).
pub async fn renew_if_due(
    settings: &Settings,
    lock: &StateLock,
    state: &mut State,
    opts: &CertOptions,
) -> Result<CertReport> {
    run(settings, lock, state, opts, false).await
}

async fn run(
    settings: &Settings,
    lock: &StateLock,
    state: &mut State,
    opts: &CertOptions,
    explicit: bool,
) -> Result<CertReport> {
    let started = Instant::now();
    let config = settings.require()?;
    let cert_cfg = cert_config(config)?;
    let store = CertStore::new(lock.dir().path());
    let now = now_unix();
    let hash = config_hash(config, cert_cfg);
    let mut report = CertReport::new(config.name.to_string(), wanted_names(config));
    let stored = load_stored(&store, cert_cfg, state, &mut report, now);
    check_latch(state, &hash, opts)?;

    let mut session: Option<AcmeSession> = None;
    let due = what_is_due(
        settings,
        cert_cfg,
        lock,
        state,
        opts,
        stored.as_ref(),
        &mut session,
        &mut report,
        now,
    )
    .await?;
    let Some(Order {
        action,
        why,
        replaces,
    }) = due
    else {
        report.acme_requests = session.as_ref().map_or(0, |s| s.counter.get());
        report.millis = started.elapsed().as_millis() as u64;
        return Ok(report);
    };

    // A recent failure: wait (cron runs come often), unless the user asked explicitly.
    if !explicit
        && !opts.force
        && let Some(b) = waiting_backoff(state, stored.as_ref(), now)
    {
        report.action = CertAction::BackingOff;
        report.why = format!(
            "{why}, but the last attempt failed ({}); next attempt after {}",
            b.reason,
            certinfo::rfc3339(b.until)
        );
        report.next_check = Some(certinfo::rfc3339(b.until));
        report.millis = started.elapsed().as_millis() as u64;
        return Ok(report);
    }
    report.action = action;
    report.why = why;
    if opts.dry_run {
        report.notes.extend(room::dry_run_note(lock));
        report.action = CertAction::WouldOrder;
        report.acme_requests = session.as_ref().map_or(0, |s| s.counter.get());
        report.millis = started.elapsed().as_millis() as u64;
        return Ok(report);
    }

    // No order the state directory cannot take: a full disk must not burn the CA's limits.
    room::check_before_order(lock, state)?;
    // Local checks first (CA bundle, terms, EAB key): no lookup, no request, nothing recorded
    // when they fail: the user fixes the config or passes --accept-tos.
    client::precheck(
        settings,
        cert_cfg,
        lock,
        &AccountOptions {
            accept_tos: opts.accept_tos,
            fresh: false,
        },
    )?;
    let result = order_and_store(
        settings,
        config,
        cert_cfg,
        lock,
        state,
        opts,
        &store,
        stored.as_ref(),
        replaces,
        session,
        &mut report,
    )
    .await;
    report.millis = started.elapsed().as_millis() as u64;
    let time_left = stored.as_ref().map(|s| s.info.not_after - now);
    record_result(lock, state, report, result, now, hash, time_left)
}

/// The back-off that holds an order back now, if any; none while the live certificate is
/// revoked (clients already refuse it: waiting helps nobody).
fn waiting_backoff(
    state: &State,
    stored: Option<&store::StoredCert>,
    now: i64,
) -> Option<crate::state::Backoff> {
    if stored.is_some_and(|s| state.cert.is_revoked(&s.info.serial)) {
        return None;
    }
    state.cert.backoff.as_ref().and_then(|b| b.active(now))
}

impl CertReport {
    fn new(name: String, names: Vec<String>) -> CertReport {
        CertReport {
            name,
            names,
            action: CertAction::NotDue,
            why: String::new(),
            certificate: None,
            paths: None,
            challenge: None,
            next_check: None,
            acme_requests: 0,
            account_created: false,
            deploy_hook: None,
            notes: vec![],
            millis: 0,
        }
    }
}

/// The stored certificate set (the truth: the state may lag behind after a crash), shown in
/// the report; ARI facts learned from another CA are forgotten first.
fn load_stored(
    store: &CertStore,
    cert_cfg: &CertConfig,
    state: &mut State,
    report: &mut CertReport,
    now: i64,
) -> Option<store::StoredCert> {
    // ARI facts belong to the CA they were learned from.
    let directory = client::directory_url(&cert_cfg.ca);
    if state
        .cert
        .directory
        .as_deref()
        .is_some_and(|d| d != directory)
    {
        state.cert.ari_supported = None;
        state.cert.ari = None;
        state.cert.replaces_ignored = false;
    }
    let stored = match store.read(&report.name) {
        Ok(s) => s,
        Err(e) => {
            report.notes.push(format!(
                "the stored certificate is unreadable: {}",
                e.message()
            ));
            None
        }
    };
    if let Some(s) = &stored {
        report.certificate = Some(summary(&s.info, &s.key_pem, &state.cert, now));
        report.paths = Some(s.paths.clone());
    }
    stored
}

/// A refusal the user must fix stays latched until the config changes or --force.
fn check_latch(state: &mut State, hash: &str, opts: &CertOptions) -> Result<()> {
    if let Some(l) = &state.cert.latch {
        if l.config_hash != hash || opts.force {
            state.cert.latch = None;
        } else {
            return Err(Error::needs_user(format!(
                "the CA refused earlier and direkt will not ask again: {}",
                l.reason
            ))
            .hint("fix the cause, then change the config or run `direkt cert issue --force`"));
        }
    }
    Ok(())
}

/// An order to place: issue or renew, why, and the ARI certificate ID it replaces.
struct Order {
    action: CertAction,
    why: String,
    replaces: Option<String>,
}

impl Order {
    fn issue(why: impl Into<String>) -> Option<Order> {
        Some(Order {
            action: CertAction::Issued,
            why: why.into(),
            replaces: None,
        })
    }
}

/// Why a stored certificate cannot be kept whatever its dates: its key does not match, or the
/// config now wants other names or another key type.
fn reissue_reason(
    s: &store::StoredCert,
    cert_cfg: &CertConfig,
    names: &[String],
) -> Option<String> {
    let want_key = certinfo::key_type_name(cert_cfg.key);
    if !certinfo::key_matches(&s.info, &s.key_pem) {
        Some("the stored key does not match the stored certificate".into())
    } else if !same_names(&s.info.names, names) {
        Some(format!(
            "the names changed (certificate has {}, config wants {})",
            s.info.names.join(", "),
            names.join(", ")
        ))
    } else if s.info.key_type != want_key {
        Some(format!(
            "the key type changed ({} -> {want_key})",
            s.info.key_type
        ))
    } else {
        None
    }
}

/// What the stored certificate calls for: an order, or (`None`) nothing yet, with `report`
/// saying why and when to look again. May ask the CA's ARI window (the session is kept).
#[allow(clippy::too_many_arguments)]
async fn what_is_due(
    settings: &Settings,
    cert_cfg: &CertConfig,
    lock: &StateLock,
    state: &mut State,
    opts: &CertOptions,
    stored: Option<&store::StoredCert>,
    session: &mut Option<AcmeSession>,
    report: &mut CertReport,
    now: i64,
) -> Result<Option<Order>> {
    let s = match stored {
        None => return Ok(Order::issue("no certificate yet")),
        Some(s) => match reissue_reason(s, cert_cfg, &report.names) {
            Some(why) => return Ok(Order::issue(why)),
            None => s,
        },
    };
    let info = &s.info;
    if opts.force {
        return Ok(Some(Order {
            action: CertAction::Renewed,
            why: "forced (--force)".to_string(),
            replaces: state.cert.replaces(info),
        }));
    }
    let mut due = renewal::decide(now, info, &state.cert);
    if let Due::AskAri { cert_id } = &due {
        // Retry-After passed or no window yet: ask the CA (directory + renewalInfo).
        match ask_ari(
            settings,
            cert_cfg,
            lock,
            opts,
            cert_id,
            &mut state.cert,
            now,
        )
        .await
        {
            Ok(s) => *session = Some(s),
            Err(e) => report.notes.push(format!(
                "could not get the CA's renewal window (ARI): {}; using the one-third rule",
                e.message()
            )),
        }
        due = renewal::decide(now, info, &state.cert);
        if matches!(due, Due::AskAri { .. }) {
            let mut st = state.cert.clone();
            st.ari_supported = Some(false);
            due = renewal::decide(now, info, &st);
        }
        // Keep the fresh window (and its Retry-After) even when nothing is due.
        lock.save(state)?;
    }
    match due {
        Due::Now { why, replaces } => Ok(Some(Order {
            action: CertAction::Renewed,
            why,
            replaces,
        })),
        Due::Later { why, next } => {
            report.why = why;
            report.next_check = Some(certinfo::rfc3339(next));
            Ok(None)
        }
        Due::AskAri { .. } => unreachable!("resolved above"),
    }
}

/// Record how the order went (back-off, latch, last result) and save.
fn record_result(
    lock: &StateLock,
    state: &mut State,
    report: CertReport,
    result: Result<()>,
    now: i64,
    hash: String,
    time_left: Option<i64>,
) -> Result<CertReport> {
    match result {
        Ok(()) => {
            state.cert.backoff = None;
            state.cert.last_result = Some(format!(
                "{}: {}",
                serde_json::to_value(report.action)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default(),
                report.why
            ));
            lock.save(state)?;
            Ok(report)
        }
        Err(e) => {
            state.cert.last_result = Some(format!("failed: {}", e.message()));
            if e.kind() == ErrorKind::NeedsUser {
                state.cert.latch = Some(Latch {
                    reason: e.message().to_string(),
                    since: now,
                    config_hash: hash,
                });
            } else if e.kind() == ErrorKind::Failed {
                // A config error (exit 2) is fixed by editing the config, not by waiting.
                renewal::record_failure(&mut state.cert, now, e.message(), time_left);
            }
            // The order's failure is the news; a state that cannot be saved (the same full
            // disk) must not replace it.
            if let Err(save) = lock.save(state) {
                tracing::warn!("{}", save.message());
            }
            Err(e)
        }
    }
}

/// Fetch the ARI window for `cert_id` into the state; returns the session it opened.
async fn ask_ari(
    settings: &Settings,
    cert_cfg: &CertConfig,
    lock: &StateLock,
    opts: &CertOptions,
    cert_id: &str,
    st: &mut CertState,
    now: i64,
) -> Result<AcmeSession> {
    let session = client::session(
        settings,
        cert_cfg,
        lock,
        &AccountOptions {
            accept_tos: opts.accept_tos,
            fresh: false,
        },
    )
    .await?;
    let id =
        flow::parse_cert_id(cert_id).ok_or_else(|| Error::failed("bad certificate identifier"))?;
    match session.account.renewal_info(&id).await {
        Ok((info, retry)) => {
            st.ari_supported = Some(true);
            st.ari = Some(AriWindow::new(
                cert_id,
                info.suggested_window.start.unix_timestamp(),
                info.suggested_window.end.unix_timestamp(),
                now,
                retry.as_secs() as i64,
                st.ari.as_ref(),
                info.explanation_url.clone(),
            ));
            Ok(session)
        }
        Err(instant_acme::Error::Unsupported(_)) => {
            st.ari_supported = Some(false);
            Ok(session)
        }
        Err(e) => Err(Error::failed(flow::error_text(&e))),
    }
}

/// Prepare the responder for one challenge type, or say why it cannot be used here.
async fn prepare(
    settings: &Settings,
    cert_cfg: &CertConfig,
    kind: ChallengeKind,
) -> Result<Responder> {
    match kind {
        ChallengeKind::Http01 => match &cert_cfg.webroot {
            Some(root) => Ok(Responder::Webroot(Webroot::new(root)?)),
            None => HttpResponder::start(HTTP_PORT)
                .await
                .map(Responder::Http)
                .map_err(|e| e.to_error("HTTP-01")),
        },
        ChallengeKind::TlsAlpn01 => AlpnResponder::start(TLS_PORT)
            .await
            .map(Responder::Alpn)
            .map_err(|e| e.to_error("TLS-ALPN-01")),
        ChallengeKind::Dns01 => dns01::DnsChallenge::new(settings).map(Responder::Dns),
    }
}

#[allow(clippy::too_many_arguments)]
async fn order_and_store(
    settings: &Settings,
    config: &Config,
    cert_cfg: &CertConfig,
    lock: &StateLock,
    state: &mut State,
    opts: &CertOptions,
    store: &CertStore,
    stored: Option<&store::StoredCert>,
    replaces: Option<String>,
    session: Option<AcmeSession>,
    report: &mut CertReport,
) -> Result<()> {
    let name = config.name.to_string();
    let names = wanted_names(config);
    let aliases: Vec<String> = names[1..].to_vec();
    let need_address = cert_cfg
        .challenges
        .iter()
        .all(|c| *c != ChallengeKind::Dns01);
    let (notes, name_addrs) = preflight::check(&name, &aliases, need_address).await?;
    report.notes.extend(notes);

    // The key: a new one per certificate unless reuse_key keeps a matching stored one.
    let key = match stored {
        Some(s)
            if cert_cfg.reuse_key && s.info.key_type == certinfo::key_type_name(cert_cfg.key) =>
        {
            CertKey::from_pem(cert_cfg.key, &s.key_pem)?
        }
        _ => CertKey::generate(cert_cfg.key)?,
    };
    // A validation failed here last time: prove the challenge at staging first, so the CA's
    // failed-validation limit is not spent on the same fault again.
    let mut requests_before = 0;
    if let Some(url) = staging::to_prove(cert_cfg, &state.cert) {
        staging::prove(settings, cert_cfg, lock, opts, &names, &url, report).await?;
        requests_before = report.acme_requests;
    }
    let mut session = ready_session(settings, cert_cfg, lock, opts, session, report).await?;
    session
        .tap
        .set_wants_records(witness::records_may_come(&state.cert, &session.directory));
    let mut tried = try_challenges(
        settings,
        cert_cfg,
        lock,
        opts,
        (&names, &key),
        replaces,
        &mut session,
        &mut requests_before,
        report,
    )
    .await?;
    report.acme_requests = requests_before + session.counter.get();
    settle(&mut tried, state)?;
    let Some((chain, kind)) = tried.won else {
        let diagnosis = if tried.unreachable {
            inbound::diagnose(&name, &name_addrs).await
        } else {
            None
        };
        return Err(all_failed(tried.failures, cert_cfg, diagnosis));
    };
    for f in &tried.failures {
        report
            .notes
            .push(format!("{}; fell back to {}", f.message(), kind_name(kind)));
    }

    let info = check_issued(&chain, &names, &key)?;
    let paths = room::install_issued(store, &name, &chain, &key.pem, &info).await?;
    let now = now_unix();
    state.cert.failed_validation = None;
    record_issued(state, &session, &info, kind, now, report).await;
    witness::record(&mut state.cert, &session.tap, &name_addrs, now);
    if info
        .ari_id
        .as_deref()
        .and_then(flow::parse_cert_id)
        .is_some()
    {
        report.acme_requests = requests_before + session.counter.get();
    }
    lock.save(state)?;
    report.challenge = Some(kind_name(kind).to_string());
    report.certificate = Some(summary(&info, &key.pem, &state.cert, now));
    report.paths = Some(paths.clone());
    let due = renewal::decide(now, &info, &state.cert);
    if let Due::Later { next, .. } = due {
        report.next_check = Some(certinfo::rfc3339(next));
    }

    if let Some(cmd) = &cert_cfg.deploy_hook {
        let h = hook::run(cmd, cert_cfg.deploy_hook_timeout.0, &name, &names, &paths).await;
        report.deploy_hook = Some(h);
    }
    Ok(())
}

/// The session to order with (the one ARI opened, or a new one), once the CA offers the
/// configured profile.
async fn ready_session(
    settings: &Settings,
    cert_cfg: &CertConfig,
    lock: &StateLock,
    opts: &CertOptions,
    session: Option<AcmeSession>,
    report: &mut CertReport,
) -> Result<AcmeSession> {
    let session = match session {
        Some(s) => s,
        None => {
            client::session(
                settings,
                cert_cfg,
                lock,
                &AccountOptions {
                    accept_tos: opts.accept_tos,
                    fresh: false,
                },
            )
            .await?
        }
    };
    report.account_created |= session.created_account;
    if let Some(p) = &cert_cfg.profile {
        let listed: Vec<String> = session
            .account
            .profiles()
            .map(|m| m.name.to_string())
            .collect();
        if !listed.iter().any(|l| l == p) {
            report.acme_requests = session.counter.get();
            return Err(Error::usage(format!(
                "the CA does not offer the profile `{p}`{}",
                if listed.is_empty() {
                    " (it lists no profiles)".to_string()
                } else {
                    format!(" (it offers: {})", listed.join(", "))
                }
            ))
            .hint("remove `profile` from [cert] or choose one the CA lists"));
        }
    }
    Ok(session)
}

/// What trying the configured challenge types in order gave.
struct Tried {
    /// The CA left `replaces` out of the order: remembered for this CA.
    replaces_ignored: bool,
    /// A challenge was tried and the CA's validation failed (not only an unusable type).
    validation_failed: bool,
    /// The failure that ended the tries (no other type is worth an order).
    fatal: Option<Error>,
    /// The chain and the type that got it.
    won: Option<(String, ChallengeKind)>,
    /// Why the types before it (or all of them) failed.
    failures: Vec<Error>,
    /// The CA could not connect to the box on a port: worth explaining why (CGNAT, ...).
    unreachable: bool,
}

/// Order with each challenge type in turn until one gets the certificate. An account the CA
/// forgot is replaced once, an order "already replaced" is placed again without `replaces`.
#[allow(clippy::too_many_arguments)]
async fn try_challenges(
    settings: &Settings,
    cert_cfg: &CertConfig,
    lock: &StateLock,
    opts: &CertOptions,
    (names, key): (&[String], &CertKey),
    mut replaces: Option<String>,
    session: &mut AcmeSession,
    requests_before: &mut u32,
    report: &mut CertReport,
) -> Result<Tried> {
    let mut tried = Tried {
        replaces_ignored: false,
        validation_failed: false,
        fatal: None,
        won: None,
        failures: vec![],
        unreachable: false,
    };
    let mut account_renewed = false;
    let mut i = 0;
    // A wildcard's authorization offers dns-01 only: the whole order goes through DNS-01.
    let wildcard = names.iter().any(|n| n.starts_with("*."));
    while i < cert_cfg.challenges.len() {
        let kind = cert_cfg.challenges[i];
        if wildcard && kind != ChallengeKind::Dns01 {
            i += 1;
            continue;
        }
        let mut responder = match prepare(settings, cert_cfg, kind).await {
            Ok(r) => r,
            Err(e) => {
                // Cannot answer this type here: try the next one without wasting an order.
                tried.failures.push(e);
                i += 1;
                continue;
            }
        };
        let r = flow::obtain(
            session,
            names,
            &mut responder,
            key,
            replaces.as_deref(),
            cert_cfg.profile.as_deref(),
        )
        .await;
        responder.stop().await;
        match r {
            Ok(c) => {
                tried.won = Some((c, kind));
                break;
            }
            Err(f @ (OrderFailure::AlreadyReplaced | OrderFailure::ReplacesIgnored))
                if replaces.is_some() =>
            {
                tried.replaces_ignored |= matches!(f, OrderFailure::ReplacesIgnored);
                report.notes.push(replaces_note(&f).into());
                replaces = None;
            }
            Err(OrderFailure::AccountGone(p)) if !account_renewed => {
                report.notes.push(format!(
                    "the CA no longer knows the stored account ({}): created a new one",
                    flow::problem_text(&p)
                ));
                *requests_before += session.counter.get();
                *session = client::session(
                    settings,
                    cert_cfg,
                    lock,
                    &AccountOptions {
                        accept_tos: opts.accept_tos,
                        fresh: true,
                    },
                )
                .await?;
                report.account_created = true;
                account_renewed = true;
            }
            Err(f) => {
                tried.validation_failed |= matches!(f, OrderFailure::Validation { .. });
                if !flow::worth_fallback(&f) {
                    tried.fatal = Some(fatal_error(f));
                    break;
                }
                let e = fallback_error(&f, &mut tried.unreachable);
                tried.failures.push(e);
                i += 1;
            }
        }
    }
    Ok(tried)
}

/// What an order placed again without `replaces` says about it.
fn replaces_note(f: &OrderFailure) -> &'static str {
    match f {
        OrderFailure::ReplacesIgnored => {
            "the CA does not take `replaces` (ARI): ordered again without it, and later renewals \
             leave it out"
        }
        _ => "the CA says the certificate was already replaced: ordering without `replaces`",
    }
}

/// The failure that ends an order's tries, as an error.
fn fatal_error(f: OrderFailure) -> Error {
    match f {
        OrderFailure::Other(e) => e,
        f => Error::failed(format!("the order failed: {}", flow::failure_text(&f)))
            .hint("direkt retries on the next run; -v shows each request"),
    }
}

/// Carry what the tries learned into the state (a failed validation, a CA that ignores
/// `replaces`); the failure that ended them, if any.
fn settle(tried: &mut Tried, state: &mut State) -> Result<()> {
    if tried.validation_failed {
        state.cert.failed_validation = Some(now_unix());
    }
    if tried.replaces_ignored {
        // Each order with `replaces` would be placed twice at this CA: leave it out from now.
        state.cert.replaces_ignored = true;
    }
    tried.fatal.take().map_or(Ok(()), Err)
}

/// A challenge type that failed in a way the next type may avoid, in plain words.
fn fallback_error(f: &OrderFailure, unreachable: &mut bool) -> Error {
    let (msg, hint) = match f {
        OrderFailure::Validation {
            kind,
            name,
            problem,
        } => {
            *unreachable |=
                *kind != ChallengeKind::Dns01 && flow::problem_kind(problem) == "connection";
            flow::explain_validation(*kind, name, problem)
        }
        OrderFailure::NotOffered { kind, name } => (
            format!("the CA offers no {} challenge for {name}", kind_name(*kind)),
            "use another challenge type in [cert] challenges".into(),
        ),
        _ => unreachable!(),
    };
    Error::failed(msg).hint(hint)
}

/// Check what the CA sent before it goes live.
fn check_issued(chain: &str, names: &[String], key: &CertKey) -> Result<CertInfo> {
    let info = certinfo::parse_leaf_pem(chain)?;
    if !same_names(&info.names, names) {
        return Err(Error::failed(format!(
            "the CA issued a certificate for {} instead of {}",
            info.names.join(", "),
            names.join(", ")
        )));
    }
    if !certinfo::key_matches(&info, &key.pem) {
        return Err(Error::failed(
            "the CA's certificate does not match the key direkt sent",
        ));
    }
    Ok(info)
}

/// The new certificate in the state, with the CA's renewal window when it has ARI.
async fn record_issued(
    state: &mut State,
    session: &AcmeSession,
    info: &CertInfo,
    kind: ChallengeKind,
    now: i64,
    report: &mut CertReport,
) {
    state.cert.current = Some(IssuedRecord {
        names: info.names.clone(),
        serial: info.serial.clone(),
        not_before: info.not_before,
        not_after: info.not_after,
        issued_at: now,
        key_type: info.key_type.clone(),
        challenge: kind_name(kind).to_string(),
        ari_id: info.ari_id.clone(),
        revoked: false,
    });
    state.cert.directory = Some(session.directory.clone());
    state.cert.ari = None;
    state.cert.backoff = None;
    state.cert.last_attempt = Some(now);
    // Whether the CA has ARI: known from its directory without a request when it has none.
    let Some(id) = info.ari_id.as_deref().and_then(flow::parse_cert_id) else {
        return;
    };
    match session.account.renewal_info(&id).await {
        Err(instant_acme::Error::Unsupported(_)) => state.cert.ari_supported = Some(false),
        Ok((ri, retry)) => {
            state.cert.ari_supported = Some(true);
            state.cert.ari = Some(AriWindow::new(
                info.ari_id.as_deref().unwrap_or_default(),
                ri.suggested_window.start.unix_timestamp(),
                ri.suggested_window.end.unix_timestamp(),
                now,
                retry.as_secs() as i64,
                None,
                ri.explanation_url.clone(),
            ));
        }
        Err(e) => {
            state.cert.ari_supported = Some(true);
            report.notes.push(format!(
                "could not get the renewal window (ARI): {}",
                flow::error_text(&e)
            ));
        }
    }
}

/// Every configured challenge failed: one message naming each failure and what works instead,
/// led by the reason the box cannot be reached when that is known.
fn all_failed(mut failures: Vec<Error>, cert_cfg: &CertConfig, diagnosis: Option<String>) -> Error {
    if failures.len() == 1 && diagnosis.is_none() {
        return failures.remove(0);
    }
    let mut msg = failures
        .iter()
        .map(|e| e.message())
        .collect::<Vec<_>>()
        .join("; ");
    if msg.is_empty() {
        msg = "no challenge type could be used".into();
    }
    let tried: Vec<&str> = cert_cfg.challenges.iter().map(|k| kind_name(*k)).collect();
    let untried: Vec<&str> = crate::config::ChallengeKind::ALL
        .iter()
        .map(|k| k.as_str())
        .filter(|k| !tried.contains(k))
        .collect();
    let mut hint = failures
        .last()
        .and_then(|e| e.hint_text())
        .unwrap_or_default()
        .to_string();
    if let Some(d) = &diagnosis {
        msg = format!("{d}. {msg}");
        hint = "no port can be opened from here: use dns-01 (set [cert] challenges = \
                [\"dns-01\"] with a [ddns] provider that writes TXT records), or ask the \
                provider for a public IPv4 address"
            .into();
    } else if !untried.is_empty() && failures.len() > 1 {
        hint = format!(
            "not tried: {}; add them to [cert] challenges",
            untried.join(", ")
        );
    }
    let all_usage = failures.iter().all(|e| e.kind() == ErrorKind::Usage);
    let e = if all_usage && diagnosis.is_none() {
        Error::usage(msg)
    } else {
        Error::failed(msg)
    };
    e.hint(hint)
}

// ---------------------------------------------------------------------------------------------
// show and revoke

/// `direkt cert show`: the live certificate and the renewal facts. Reads only.
#[derive(Debug, Clone, Serialize)]
pub struct ShowReport {
    pub name: String,
    pub present: bool,
    pub certificate: Option<CertSummary>,
    pub paths: Option<CertPaths>,
    /// When renewal is due (RFC 3339) and why.
    pub renewal: Option<String>,
    pub renew_after: Option<String>,
    pub backoff_until: Option<String>,
    pub latched: Option<String>,
    pub last_result: Option<String>,
}

pub fn show(settings: &Settings) -> Result<ShowReport> {
    let config = settings.require()?;
    let name = config.name.to_string();
    let state = crate::state::StateDir::new(&settings.paths.state_dir)
        .read()?
        .unwrap_or_default();
    let store = CertStore::new(&settings.paths.state_dir);
    let stored = store.read(&name)?;
    let now = now_unix();
    let mut r = ShowReport {
        name: name.clone(),
        present: stored.is_some(),
        certificate: None,
        paths: None,
        renewal: None,
        renew_after: None,
        backoff_until: state
            .cert
            .backoff
            .as_ref()
            .and_then(|b| b.active(now))
            .map(|b| certinfo::rfc3339(b.until)),
        latched: state.cert.latch.as_ref().map(|l| l.reason.clone()),
        last_result: state.cert.last_result.clone(),
    };
    if let Some(s) = stored {
        r.certificate = Some(summary(&s.info, &s.key_pem, &state.cert, now));
        r.paths = Some(s.paths.clone());
        match renewal::decide(now, &s.info, &state.cert) {
            Due::Now { why, .. } => {
                r.renewal = Some(format!("due now: {why}"));
                r.renew_after = Some(certinfo::rfc3339(now));
            }
            Due::Later { why, next } => {
                r.renewal = Some(why);
                r.renew_after = Some(certinfo::rfc3339(next));
            }
            Due::AskAri { .. } => {
                r.renewal = Some("the next `renew` asks the CA for its renewal window (ARI)".into())
            }
        }
    }
    Ok(r)
}

/// `direkt cert revoke`.
#[derive(Debug, Clone, Serialize)]
pub struct RevokeReport {
    pub name: String,
    pub serial: String,
    pub reason: String,
    pub acme_requests: u32,
}

/// RFC 5280's name of a revocation reason, as `cert revoke --reason` takes it.
pub fn reason_name(r: &instant_acme::RevocationReason) -> &'static str {
    use instant_acme::RevocationReason as R;
    match r {
        R::Unspecified => "unspecified",
        R::KeyCompromise => "key-compromise",
        R::CaCompromise => "ca-compromise",
        R::AffiliationChanged => "affiliation-changed",
        R::Superseded => "superseded",
        R::CessationOfOperation => "cessation-of-operation",
        R::CertificateHold => "certificate-hold",
        R::RemoveFromCrl => "remove-from-crl",
        R::PrivilegeWithdrawn => "privilege-withdrawn",
        R::AaCompromise => "aa-compromise",
    }
}

pub async fn revoke(
    settings: &Settings,
    lock: &StateLock,
    state: &mut State,
    reason: instant_acme::RevocationReason,
    opts: &CertOptions,
) -> Result<RevokeReport> {
    let config = settings.require()?;
    let cert_cfg = cert_config(config)?;
    let name = config.name.to_string();
    let stored = CertStore::new(lock.dir().path())
        .read(&name)?
        .ok_or_else(|| {
            Error::usage(format!("there is no certificate for {name} to revoke"))
                .hint("`direkt cert show` lists what is stored")
        })?;
    let session = client::session(
        settings,
        cert_cfg,
        lock,
        &AccountOptions {
            accept_tos: opts.accept_tos,
            fresh: false,
        },
    )
    .await?;
    let der = rustls::pki_types::CertificateDer::from(stored.info.der.clone());
    let reason_text = reason_name(&reason).to_string();
    let mut tries = 0;
    loop {
        match session
            .account
            .revoke(&instant_acme::RevocationRequest {
                certificate: &der,
                reason: Some(reason.clone()),
            })
            .await
        {
            Err(e) if flow::is_bad_nonce(&e) && tries < 8 => tries += 1,
            Err(e) => {
                let already = matches!(&e, instant_acme::Error::Api(p) if flow::problem_kind(p) == "alreadyRevoked");
                if !already {
                    return Err(Error::failed(format!(
                        "the CA did not revoke the certificate: {}",
                        flow::error_text(&e)
                    ))
                    .hint(match &e {
                        instant_acme::Error::Api(p) => problems::next_step(p),
                        _ => "run again; `direkt cert show` shows the certificate",
                    }));
                }
                break;
            }
            Ok(()) => break,
        }
    }
    let now = now_unix();
    let info = &stored.info;
    state.cert.current = Some(IssuedRecord {
        names: info.names.clone(),
        serial: info.serial.clone(),
        not_before: info.not_before,
        not_after: info.not_after,
        issued_at: state.cert.current.as_ref().map_or(now, |c| c.issued_at),
        key_type: info.key_type.clone(),
        challenge: state
            .cert
            .current
            .as_ref()
            .map_or_else(String::new, |c| c.challenge.clone()),
        ari_id: info.ari_id.clone(),
        revoked: true,
    });
    state.cert.last_result = Some(format!("revoked {} ({reason_text})", info.serial));
    lock.save(state)?;
    Ok(RevokeReport {
        name,
        serial: info.serial.clone(),
        reason: reason_text,
        acme_requests: session.counter.get(),
    })
}

#[cfg(test)]
mod ari_tests {
    //! The ARI path against a loopback fake of the two endpoints it uses (directory and
    //! renewalInfo): Pebble 2.4 in the lab has no ARI.
    use std::convert::Infallible;
    use std::sync::Arc;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicU32, Ordering};

    use http_body_util::Full;
    use hyper::body::Bytes;

    use super::*;
    use crate::config::{Paths, Secrets};
    use crate::state::StateDir;

    struct FakeCa {
        port: u16,
        requests: Arc<AtomicU32>,
        /// (start, end) of the window the fake answers, unix seconds.
        window: Arc<Mutex<(i64, i64)>>,
        ca_pem: String,
        _task: tokio::task::JoinHandle<()>,
    }

    fn rfc(t: i64) -> String {
        certinfo::rfc3339(t)
    }

    async fn fake_ca(window: (i64, i64)) -> FakeCa {
        client::ensure_crypto_provider();
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let der = rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
        let tls = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![cert.der().clone()], der)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(AtomicU32::new(0));
        let window = Arc::new(Mutex::new(window));
        let (r, w) = (requests.clone(), window.clone());
        let task = tokio::spawn(async move {
            loop {
                let (tcp, _) = crate::net::tcp::accept(&listener).await;
                let Ok(tls) = acceptor.accept(tcp).await else {
                    continue;
                };
                let (r, w) = (r.clone(), w.clone());
                tokio::spawn(async move {
                    let svc = hyper::service::service_fn(
                        move |req: hyper::Request<hyper::body::Incoming>| {
                            r.fetch_add(1, Ordering::Relaxed);
                            let base = format!("https://127.0.0.1:{port}");
                            let path = req.uri().path().to_string();
                            let (start, end) = *w.lock().unwrap();
                            async move {
                                let rsp = if path == "/dir" {
                                    let dir = serde_json::json!({
                                        "newNonce": format!("{base}/nonce"),
                                        "newAccount": format!("{base}/acct"),
                                        "newOrder": format!("{base}/order"),
                                        "revokeCert": format!("{base}/revoke"),
                                        "renewalInfo": format!("{base}/ari"),
                                    });
                                    hyper::Response::new(Full::new(Bytes::from(dir.to_string())))
                                } else if path.starts_with("/ari/") {
                                    let body = serde_json::json!({
                                        "suggestedWindow": {"start": rfc(start), "end": rfc(end)}
                                    });
                                    hyper::Response::builder()
                                        .header("retry-after", "21600")
                                        .header("content-type", "application/json")
                                        .body(Full::new(Bytes::from(body.to_string())))
                                        .unwrap()
                                } else {
                                    hyper::Response::builder()
                                        .status(404)
                                        .body(Full::new(Bytes::new()))
                                        .unwrap()
                                };
                                Ok::<_, Infallible>(rsp)
                            }
                        },
                    );
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(tls), svc)
                        .await;
                });
            }
        });
        FakeCa {
            port,
            requests,
            window,
            ca_pem: cert.pem(),
            _task: task,
        }
    }

    /// A leaf with an authority key identifier (what ARI identifies it by) and its key.
    fn chain_with_aki(name: &str) -> (String, String) {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::new(ca_params, ca_key);
        let key = CertKey::generate(crate::config::KeyType::EcdsaP256).unwrap();
        let kp = rcgen::KeyPair::from_pem(&key.pem).unwrap();
        let mut params = rcgen::CertificateParams::new(vec![name.to_string()]).unwrap();
        params.use_authority_key_identifier_extension = true;
        let leaf = params.signed_by(&kp, &issuer).unwrap();
        (format!("{}{}", leaf.pem(), ca.pem()), key.pem)
    }

    fn settings(dir: &std::path::Path, ca: &FakeCa) -> Settings {
        let bundle = dir.join("ca.pem");
        std::fs::write(&bundle, &ca.ca_pem).unwrap();
        let text = format!(
            "name = \"box.example.test\"\n[cert]\nca = \"https://127.0.0.1:{}/dir\"\n\
             ca_bundle = \"{}\"\naccept_tos = true\n",
            ca.port,
            bundle.display()
        );
        let config = Config::parse(&text, &dir.join("direkt.toml")).unwrap();
        Settings {
            paths: Paths {
                config_file: dir.join("direkt.toml"),
                state_dir: dir.join("state"),
            },
            config: Some(config),
            secrets: Secrets::default(),
        }
    }

    /// A stored account for the fake CA (the fake never sees a POST in these tests).
    fn store_account(lock: &StateLock, directory: &str) {
        let key = rcgen::KeyPair::generate().unwrap();
        use base64::Engine;
        let pkcs8 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.serialize_der());
        let stored = serde_json::json!({
            "directory": directory,
            "created": 0,
            "email": null,
            "credentials": {"id": format!("{directory}/acct/1"), "key_pkcs8": pkcs8, "directory": directory}
        });
        lock.write_file(
            &client::account_file(directory),
            stored.to_string().as_bytes(),
        )
        .unwrap();
    }

    #[tokio::test]
    async fn only_a_certificate_surely_not_due_runs_beside_the_other_parts() {
        let now = now_unix();
        let ca = fake_ca((now + 30 * 86400, now + 32 * 86400)).await;
        let dir = tempfile::tempdir().unwrap();
        let settings = settings(dir.path(), &ca);
        let lock = StateDir::new(&settings.paths.state_dir)
            .lock(crate::state::DEFAULT_LOCK_WAIT)
            .unwrap();
        let mut state = lock.load().unwrap();
        assert!(
            !surely_not_due(&settings, &state, false, now),
            "no certificate yet: an order follows"
        );
        let (chain, key) = chain_with_aki("box.example.test");
        CertStore::new(lock.dir().path())
            .install("box.example.test", &chain, &key)
            .unwrap();
        state.cert.ari_supported = Some(false);
        assert!(surely_not_due(&settings, &state, false, now));
        assert!(!surely_not_due(&settings, &state, true, now), "--force");
        state.cert.ari_supported = Some(true);
        assert!(
            !surely_not_due(&settings, &state, false, now),
            "the CA's ARI window must be fetched first"
        );
        state.cert.ari_supported = Some(false);
        state.cert.directory = Some("https://another-ca.example/dir".into());
        assert!(!surely_not_due(&settings, &state, false, now), "another CA");
        assert_eq!(ca.requests.load(Ordering::Relaxed), 0, "decided locally");
    }

    #[tokio::test]
    async fn ari_window_is_fetched_cached_and_honoured() {
        let now = now_unix();
        let ca = fake_ca((now + 30 * 86400, now + 32 * 86400)).await;
        let dir = tempfile::tempdir().unwrap();
        let settings = settings(dir.path(), &ca);
        let lock = StateDir::new(&settings.paths.state_dir)
            .lock(crate::state::DEFAULT_LOCK_WAIT)
            .unwrap();
        let directory = format!("https://127.0.0.1:{}/dir", ca.port);
        store_account(&lock, &directory);
        let (chain, key) = chain_with_aki("box.example.test");
        CertStore::new(lock.dir().path())
            .install("box.example.test", &chain, &key)
            .unwrap();
        let mut state = lock.load().unwrap();
        state.cert.ari_supported = Some(true);
        let opts = CertOptions {
            dry_run: true,
            ..Default::default()
        };

        // No window cached: ask the CA (directory + renewalInfo), not due yet.
        let r = renew_if_due(&settings, &lock, &mut state, &opts)
            .await
            .unwrap();
        assert_eq!(r.action, CertAction::NotDue, "{r:?}");
        assert!(r.why.contains("renewal window (ARI)"), "{}", r.why);
        assert_eq!(
            (r.acme_requests, ca.requests.load(Ordering::Relaxed)),
            (2, 2)
        );
        let w = state.cert.ari.clone().unwrap();
        assert!(w.chosen >= now + 30 * 86400 && w.chosen < now + 32 * 86400);
        assert!(
            (w.retry_after - (now + 21600)).abs() <= 5,
            "Retry-After kept"
        );
        // The window was saved with the state.
        assert_eq!(lock.load().unwrap().cert.ari, Some(w.clone()));

        // Cached and fresh: decided without any request.
        let r = renew_if_due(&settings, &lock, &mut state, &opts)
            .await
            .unwrap();
        assert_eq!(r.action, CertAction::NotDue);
        assert_eq!(
            (r.acme_requests, ca.requests.load(Ordering::Relaxed)),
            (0, 2)
        );

        // The CA moves the window into the past (e.g. an incident): after Retry-After the
        // next run asks again and the certificate is due, replacing the old one.
        *ca.window.lock().unwrap() = (now - 3600, now - 60);
        state.cert.ari.as_mut().unwrap().retry_after = now - 1;
        let r = renew_if_due(&settings, &lock, &mut state, &opts)
            .await
            .unwrap();
        assert_eq!(r.action, CertAction::WouldOrder, "{r:?}");
        assert!(
            r.why.contains("inside the CA's renewal window"),
            "{}",
            r.why
        );
        assert_eq!(ca.requests.load(Ordering::Relaxed), 4);
        let stored = CertStore::new(lock.dir().path())
            .read("box.example.test")
            .unwrap()
            .unwrap();
        // (A clock read after the run: the pick inside a past window is the run's "now".)
        assert_eq!(
            renewal::decide(now_unix(), &stored.info, &state.cert),
            Due::Now {
                why: r.why.clone(),
                replaces: stored.info.ari_id.clone()
            }
        );
    }
}
