//! One order with one challenge type, from `newOrder` to the PEM chain, with the fewest
//! requests: authorizations fetched once, `finalize_csr` (plain `finalize()` re-reads them),
//! a short first poll that follows Retry-After, and badNonce answers retried in place.

use std::borrow::Cow;
use std::collections::HashSet;
use std::time::Duration;

use instant_acme::{
    AuthorizationStatus, CertificateIdentifier, ChallengeType, Identifier, NewOrder, OrderStatus,
    Problem, RetryPolicy,
};

use crate::acme::challenge::{AlpnResponder, HttpResponder, Webroot};
use crate::acme::client::AcmeSession;
use crate::acme::dns01::DnsChallenge;
use crate::acme::keys::CertKey;
use crate::config::ChallengeKind;
use crate::error::Error;

/// How many times a request refused with badNonce is sent again (on top of instant-acme's own
/// retries), so a CA rejecting half of all nonces still issues.
const NONCE_RETRIES: u32 = 8;

/// Polling: first look after 10 ms (in the lab Pebble has validated by then: 9 requests, the
/// protocol floor), then double the wait (a CA that takes seconds costs a few polls more);
/// Retry-After from the CA wins. `DIREKT_ACME_FIRST_POLL_MS` overrides the first wait.
fn poll_policy() -> RetryPolicy {
    let first = std::env::var("DIREKT_ACME_FIRST_POLL_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    RetryPolicy::new()
        .initial_delay(Duration::from_millis(first))
        .backoff(2.0)
        .timeout(Duration::from_secs(120))
}

pub fn is_bad_nonce(e: &instant_acme::Error) -> bool {
    matches!(e, instant_acme::Error::Api(p) if p.r#type.as_deref() == Some("urn:ietf:params:acme:error:badNonce"))
}

/// Evaluate `$e` again while it fails with badNonce.
macro_rules! retry_nonce {
    ($e:expr) => {{
        let mut tries = 0u32;
        loop {
            match $e {
                Err(err) if is_bad_nonce(&err) && tries < NONCE_RETRIES => {
                    tries += 1;
                    tracing::debug!("badNonce, sending again ({tries})");
                }
                other => break other,
            }
        }
    }};
}

/// The short problem type (`connection` for `urn:ietf:params:acme:error:connection`).
pub fn problem_kind(p: &Problem) -> &str {
    p.r#type
        .as_deref()
        .and_then(|t| t.rsplit(':').next())
        .unwrap_or("")
}

/// A readable text for an instant-acme error (the CA's detail, not Rust type names).
pub fn error_text(e: &instant_acme::Error) -> String {
    use instant_acme::Error as E;
    match e {
        E::Api(p) => problem_text(p),
        E::Json(j) => format!("the CA's answer is not what ACME expects ({j})"),
        E::Timeout(_) => "the CA did not finish the order in time".into(),
        E::Unsupported(what) => format!("the CA does not offer {what}"),
        E::Str(what) => format!("the CA's answer lacks {what}"),
        E::InvalidUri(u) => format!("the CA named an unusable URL ({u})"),
        instant_acme::Error::Other(inner) => {
            // hyper's errors hide the interesting part in the source chain.
            let mut s = inner.to_string();
            let mut src = inner.source();
            while let Some(c) = src {
                s = format!("{s}: {c}");
                src = c.source();
            }
            s
        }
        other => other.to_string(),
    }
}

/// A problem document in words: the sentence for its type and the CA's detail.
pub fn problem_text(p: &Problem) -> String {
    super::problems::sentence(p)
}

/// Problems retrying cannot fix: the user must act (exit 4, latched).
pub fn needs_user(p: &Problem) -> bool {
    matches!(
        problem_kind(p),
        "unauthorized"
            | "rejectedIdentifier"
            | "caa"
            | "externalAccountRequired"
            | "userActionRequired"
            | "unsupportedContact"
            | "invalidContact"
            | "badCSR"
            | "unsupportedIdentifier"
    )
}

pub fn account_error(directory: &str, e: instant_acme::Error) -> Error {
    match &e {
        instant_acme::Error::Api(p) if needs_user(p) || problem_kind(p) == "malformed" => {
            Error::needs_user(format!(
                "the CA ({directory}) refused to create an account: {}",
                problem_text(p)
            ))
            .hint("check cert.email, cert.eab_kid and the secret cert.eab_hmac_key, then run again")
        }
        instant_acme::Error::Api(p) => Error::failed(format!(
            "the CA ({directory}) refused to create an account: {}",
            problem_text(p)
        ))
        .hint("try again later"),
        _ => super::client::ca_unreachable(directory, e),
    }
}

/// A challenge responder, set up (ports bound, DNS provider ready) before the order exists.
pub enum Responder {
    Http(HttpResponder),
    Webroot(Webroot),
    Alpn(AlpnResponder),
    Dns(DnsChallenge),
}

impl Responder {
    /// Clean up and release what it holds: the DNS TXT values removed, the listeners closed
    /// (awaited, so the next responder of the same run can bind the same port).
    pub async fn stop(self) {
        match self {
            Responder::Http(h) => h.stop().await,
            Responder::Alpn(a) => a.stop().await,
            Responder::Dns(mut d) => d.cleanup().await,
            Responder::Webroot(w) => drop(w),
        }
    }

    pub fn kind(&self) -> ChallengeKind {
        match self {
            Responder::Http(_) | Responder::Webroot(_) => ChallengeKind::Http01,
            Responder::Alpn(_) => ChallengeKind::TlsAlpn01,
            Responder::Dns(_) => ChallengeKind::Dns01,
        }
    }
}

pub fn challenge_type(kind: ChallengeKind) -> ChallengeType {
    match kind {
        ChallengeKind::Http01 => ChallengeType::Http01,
        ChallengeKind::TlsAlpn01 => ChallengeType::TlsAlpn01,
        ChallengeKind::Dns01 => ChallengeType::Dns01,
    }
}

pub fn kind_name(kind: ChallengeKind) -> &'static str {
    kind.as_str()
}

/// Why an order did not produce a certificate.
#[derive(Debug)]
pub enum OrderFailure {
    /// The CA tried the challenge and it failed for `name`.
    Validation {
        kind: ChallengeKind,
        name: String,
        problem: Problem,
    },
    /// The CA does not offer this challenge type.
    NotOffered { kind: ChallengeKind, name: String },
    /// The stored account is unknown to the CA (e.g. a test CA was reset).
    AccountGone(Problem),
    /// The CA says the certificate named in `replaces` was replaced already.
    AlreadyReplaced,
    /// The CA does not take `replaces`: it left it out of the order (RFC 9773 asks it to echo
    /// it), or it has no ARI at all.
    ReplacesIgnored,
    /// Anything else; stops the run.
    Other(Error),
}

impl From<Error> for OrderFailure {
    fn from(e: Error) -> Self {
        OrderFailure::Other(e)
    }
}

fn ca_error(step: &str, e: instant_acme::Error) -> OrderFailure {
    match &e {
        instant_acme::Error::Api(p) if problem_kind(p) == "accountDoesNotExist" => {
            OrderFailure::AccountGone(p.clone())
        }
        instant_acme::Error::Api(p) if problem_kind(p) == "alreadyReplaced" => {
            OrderFailure::AlreadyReplaced
        }
        // `replaces` sent to a CA without ARI (instant-acme refuses before any request):
        // order again without it.
        instant_acme::Error::Unsupported(_) => OrderFailure::ReplacesIgnored,
        // A CA that ignores `replaces` (does not echo it, as RFC 9773 asks; acme2certifier):
        // instant-acme refuses the order with an untyped error, its only way to say so; order
        // again without it.
        instant_acme::Error::Other(o)
            if step == "new order" && o.to_string().starts_with("replaces field mismatch") =>
        {
            OrderFailure::ReplacesIgnored
        }
        instant_acme::Error::Api(p)
            if p.detail.as_deref().is_some_and(|d| {
                d.contains("already been replaced") || d.contains("already replaced")
            }) =>
        {
            OrderFailure::AlreadyReplaced
        }
        instant_acme::Error::Api(p) if needs_user(p) => OrderFailure::Other(
            Error::needs_user(format!("the CA refused ({step}): {}", problem_text(p))).hint(
                "the CA will not issue for these names as configured: check the names, their \
                 CAA records and the account, then run again with --force",
            ),
        ),
        instant_acme::Error::Api(p) if problem_kind(p) == "rateLimited" => OrderFailure::Other(
            Error::failed(format!(
                "the CA rate-limits this account ({step}): {}",
                problem_text(p)
            ))
            .hint("direkt backs off and tries again later; do not force repeated orders"),
        ),
        instant_acme::Error::Api(p) => OrderFailure::Other(
            Error::failed(format!("the CA refused the {step}: {}", problem_text(p)))
                .hint(super::problems::next_step(p)),
        ),
        _ => OrderFailure::Other(
            Error::failed(format!("the {step} failed: {}", error_text(&e)))
                .hint("direkt retries on the next run; -v shows each request"),
        ),
    }
}

pub fn parse_cert_id(s: &str) -> Option<CertificateIdentifier<'static>> {
    let (aki, serial) = s.split_once('.')?;
    Some(CertificateIdentifier {
        authority_key_identifier: Cow::Owned(aki.to_string()),
        serial: Cow::Owned(serial.to_string()),
    })
}

/// Run one order to the end. Returns the PEM chain.
pub async fn obtain(
    session: &AcmeSession,
    names: &[String],
    responder: &mut Responder,
    key: &CertKey,
    replaces: Option<&str>,
    profile: Option<&str>,
) -> std::result::Result<String, OrderFailure> {
    let mut order = authorize(session, names, responder, replaces, profile).await?;
    let csr = key.csr_der(names)?;
    retry_nonce!(order.finalize_csr(&csr).await).map_err(|e| ca_error("finalize", e))?;
    let chain = if order.state().status == OrderStatus::Valid {
        retry_nonce!(order.certificate().await)
            .map_err(|e| ca_error("certificate download", e))?
            .ok_or_else(|| Error::failed("the CA sent no certificate"))?
    } else {
        retry_nonce!(order.poll_certificate(&poll_policy()).await)
            .map_err(|e| ca_error("certificate download", e))?
    };
    Ok(chain)
}

/// Prove the challenge for `names` at a CA (the staging one) without a certificate: an order
/// whose authorizations all become valid; it is never finalized.
pub async fn prove(
    session: &AcmeSession,
    names: &[String],
    responder: &mut Responder,
) -> std::result::Result<(), OrderFailure> {
    authorize(session, names, responder, None, None)
        .await
        .map(|_| ())
}

/// Place an order and see every authorization through to `ready`.
async fn authorize(
    session: &AcmeSession,
    names: &[String],
    responder: &mut Responder,
    replaces: Option<&str>,
    profile: Option<&str>,
) -> std::result::Result<instant_acme::Order, OrderFailure> {
    let kind = responder.kind();
    let ids: Vec<Identifier> = names.iter().map(|n| Identifier::Dns(n.clone())).collect();
    let mut new = NewOrder::new(&ids);
    if let Some(id) = replaces.and_then(parse_cert_id) {
        new = new.replaces(id);
    }
    if let Some(p) = profile {
        new = new.profile(p);
    }
    let mut order = retry_nonce!(session.account.new_order(&new).await)
        .map_err(|e| ca_error("new order", e))?;
    tracing::info!(url = order.url(), "order placed");

    // Set up every pending authorization's challenge and tell the CA to validate it.
    let mut done: HashSet<String> = HashSet::new();
    let mut validated: Vec<String> = vec![];
    let mut tries = 0;
    'fetch: loop {
        let mut authzs = order.authorizations();
        while let Some(next) = authzs.next().await {
            let mut handle = match next {
                Err(e) if is_bad_nonce(&e) && tries < NONCE_RETRIES => {
                    tries += 1;
                    continue 'fetch;
                }
                Err(e) => return Err(ca_error("authorization", e)),
                Ok(h) => h,
            };
            let url = handle.url().to_string();
            if handle.status == AuthorizationStatus::Valid || done.contains(&url) {
                continue;
            }
            let name = handle.identifier().to_string();
            let Some(mut challenge) = handle.challenge(challenge_type(kind)) else {
                return Err(OrderFailure::NotOffered { kind, name });
            };
            let key_auth = challenge.key_authorization();
            match responder {
                Responder::Http(r) => r.set(&challenge.token, key_auth.as_str()),
                Responder::Webroot(w) => w.set(&challenge.token, key_auth.as_str())?,
                Responder::Alpn(r) => r.set(&name, key_auth.digest().as_ref())?,
                Responder::Dns(d) => d.set(&name, &key_auth.dns_value()).await?,
            }
            if let Responder::Dns(d) = responder {
                d.wait_visible().await?;
            }
            retry_nonce!(challenge.set_ready().await).map_err(|e| ca_error("challenge", e))?;
            done.insert(url);
            validated.push(name);
        }
        break;
    }

    let status = wait_ready(&mut order).await;
    match status {
        Ok(OrderStatus::Ready) => {}
        Ok(_) | Err(instant_acme::Error::Api(_)) => {
            return Err(why_not_valid(&mut order, kind, &status).await);
        }
        Err(e) => return Err(ca_error("waiting for validation", e)),
    }
    if kind != ChallengeKind::Dns01 && session.tap.wants_records() {
        refresh_validated(&mut order, &done).await;
    } else if kind != ChallengeKind::Dns01 {
        for name in &validated {
            session.tap.note_validated(name, kind_name(kind));
        }
    }
    Ok(order)
}

/// Poll the order until it is ready (or invalid): first after 10 ms, doubling up to 4 s, for
/// at most 120 s. A CA that marks a failed authorization invalid but leaves its order pending
/// (acme2certifier; RFC 8555 7.1.6 says the order becomes invalid) is caught by looking at the
/// authorizations once the order is still pending at the third poll.
async fn wait_ready(
    order: &mut instant_acme::Order,
) -> std::result::Result<OrderStatus, instant_acme::Error> {
    let first = std::env::var("DIREKT_ACME_FIRST_POLL_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let mut delay = Duration::from_millis(first);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    let mut polls = 0u32;
    loop {
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(4));
        polls += 1;
        let state = retry_nonce!(order.refresh().await)?;
        if let Some(error) = &state.error {
            return Err(instant_acme::Error::Api(error.clone()));
        }
        let status = state.status;
        match status {
            OrderStatus::Ready | OrderStatus::Invalid | OrderStatus::Valid => return Ok(status),
            OrderStatus::Pending if polls >= 3 && any_authorization_invalid(order).await => {
                return Ok(OrderStatus::Invalid);
            }
            _ => {}
        }
        if tokio::time::Instant::now() + delay > deadline {
            return Err(instant_acme::Error::Str(
                "the CA did not finish validating within 120 s",
            ));
        }
    }
}

async fn any_authorization_invalid(order: &mut instant_acme::Order) -> bool {
    let mut authzs = order.authorizations();
    while let Some(next) = authzs.next().await {
        if next.is_ok_and(|h| h.status == AuthorizationStatus::Invalid) {
            return true;
        }
    }
    false
}

/// Fetch each authorization validated here once more (a POST-as-GET through the account), so
/// the CA's account of the validation (address, port, time) passes the session's witness tap
/// ([`crate::acme::witness`]): instant-acme's types drop those fields. Best effort: a failure
/// costs the record, never the certificate.
async fn refresh_validated(order: &mut instant_acme::Order, done: &HashSet<String>) {
    let mut authzs = order.authorizations();
    while let Some(Ok(mut h)) = authzs.next().await {
        if done.contains(h.url()) {
            let _ = retry_nonce!(h.refresh().await);
        }
    }
}

/// Why the order did not become ready: the first failed authorization's problem, or the
/// order's own state.
async fn why_not_valid(
    order: &mut instant_acme::Order,
    kind: ChallengeKind,
    status: &std::result::Result<OrderStatus, instant_acme::Error>,
) -> OrderFailure {
    // Find which name failed and why: one request per failed authorization.
    let mut invalid_name: Option<String> = None;
    let mut authzs = order.authorizations();
    while let Some(Ok(mut h)) = authzs.next().await {
        let _ = retry_nonce!(h.refresh().await);
        let name = h.identifier().to_string();
        if h.status == AuthorizationStatus::Valid {
            continue;
        }
        if h.status == AuthorizationStatus::Invalid {
            invalid_name.get_or_insert_with(|| name.clone());
        }
        let problem = h
            .challenges
            .iter()
            .find(|c| c.r#type == challenge_type(kind))
            .and_then(|c| c.error.clone());
        if let Some(problem) = problem {
            return OrderFailure::Validation {
                kind,
                name,
                problem,
            };
        }
    }
    // An invalid authorization whose challenge carries no error (acme2certifier keeps the
    // reason on the challenge resource only): say what the CA checked.
    if let Some(name) = invalid_name {
        return OrderFailure::Validation {
            kind,
            problem: silent_problem(kind, &name),
            name,
        };
    }
    let text = match status {
        Err(e) => error_text(e),
        Ok(s) => format!("the order became {}", status_word(*s)),
    };
    OrderFailure::Other(Error::failed(format!(
        "the CA did not validate the order: {text}"
    )))
}

/// The problem of an authorization the CA marked invalid without a reason in it.
fn silent_problem(kind: ChallengeKind, name: &str) -> Problem {
    let checked = match kind {
        ChallengeKind::Http01 => format!("port 80 of {name}"),
        ChallengeKind::TlsAlpn01 => format!("port 443 of {name}"),
        ChallengeKind::Dns01 => format!("the TXT record _acme-challenge.{name}"),
    };
    Problem {
        r#type: None,
        detail: Some(format!(
            "the CA marked the authorization invalid without saying why (it checked {checked})"
        )),
        status: None,
        subproblems: vec![],
    }
}

/// An order status in the RFC's word.
pub fn status_word(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::Pending => "pending",
        OrderStatus::Ready => "ready",
        OrderStatus::Processing => "processing",
        OrderStatus::Valid => "valid",
        OrderStatus::Invalid => "invalid",
    }
}

/// Any order failure in one plain sentence (no debug dump).
pub fn failure_text(f: &OrderFailure) -> String {
    match f {
        OrderFailure::Validation {
            kind,
            name,
            problem,
        } => explain_validation(*kind, name, problem).0,
        OrderFailure::NotOffered { kind, name } => {
            format!("the CA offers no {} challenge for {name}", kind_name(*kind))
        }
        OrderFailure::AccountGone(p) => format!(
            "the CA no longer knows the stored account: {}",
            problem_text(p)
        ),
        OrderFailure::AlreadyReplaced => {
            "the CA says the certificate named in `replaces` was already replaced".into()
        }
        OrderFailure::ReplacesIgnored => {
            "the CA does not take `replaces` (ARI) in its orders".into()
        }
        OrderFailure::Other(e) => e.message().to_string(),
    }
}

/// Put a validation failure into words: which port or record, and what to do instead.
pub fn explain_validation(kind: ChallengeKind, name: &str, problem: &Problem) -> (String, String) {
    let detail = super::problems::ca_detail(problem);
    let pk = problem_kind(problem);
    match (kind, pk) {
        (ChallengeKind::Http01, "connection") => (
            format!(
                "HTTP-01 failed for {name}: the CA could not reach port 80 of {name}: {detail}. \
                 Port 80 does not reach this box: blocked on the way (by the provider or the router), or \
                 not forwarded to it"
            ),
            "use dns-01 or tls-alpn-01 (port 443) instead: set [cert] challenges = \
             [\"http-01\", \"tls-alpn-01\", \"dns-01\"] so direkt falls back on its own"
                .into(),
        ),
        (ChallengeKind::TlsAlpn01, "connection") => (
            format!(
                "TLS-ALPN-01 failed for {name}: the CA could not reach port 443 of {name}: \
                 {detail}. Port 443 is blocked on the way to this box or not forwarded to it"
            ),
            "use dns-01 (needs a [ddns] provider that can write TXT records) or http-01".into(),
        ),
        (
            ChallengeKind::Http01 | ChallengeKind::TlsAlpn01,
            "unauthorized" | "incorrectResponse" | "tls",
        ) => (
            format!(
                "{} failed for {name}: the CA reached {name} but got a wrong answer: {detail}. \
                 Another machine or server answers there",
                kind_name(kind).to_uppercase()
            ),
            "check that the router forwards the port to this box and that no other web \
             server answers for this name"
                .into(),
        ),
        (_, "dns") => (
            format!(
                "{} failed for {name}: the CA could not look up the name: {detail}",
                kind_name(kind).to_uppercase()
            ),
            "check that the name is published (`direkt ddns update`) and that its zone answers"
                .into(),
        ),
        (ChallengeKind::Dns01, _) => (
            format!("DNS-01 failed for {name}: {detail}"),
            "check that the DNS provider can write _acme-challenge records for this name".into(),
        ),
        _ => (
            format!(
                "{} failed for {name}: {}",
                kind_name(kind).to_uppercase(),
                problem_text(problem)
            ),
            super::problems::next_step(problem).into(),
        ),
    }
}

/// Only a failure to reach the box makes another challenge type worth an order.
pub fn worth_fallback(failure: &OrderFailure) -> bool {
    match failure {
        OrderFailure::NotOffered { .. } => true,
        OrderFailure::Validation { problem, .. } => {
            matches!(
                problem_kind(problem),
                "connection" | "unauthorized" | "incorrectResponse" | "tls" | "dns"
            )
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(kind: &str, detail: &str) -> Problem {
        serde_json::from_value(serde_json::json!({
            "type": format!("urn:ietf:params:acme:error:{kind}"),
            "detail": detail,
            "status": 400
        }))
        .unwrap()
    }

    #[test]
    fn a_blocked_port_80_is_named_and_the_alternatives_offered() {
        let (msg, hint) = explain_validation(
            ChallengeKind::Http01,
            "box.example.test",
            &problem("connection", "203.0.113.2: Connection refused"),
        );
        assert!(msg.contains("port 80"), "{msg}");
        assert!(msg.contains("Connection refused"), "{msg}");
        assert!(
            hint.contains("dns-01") && hint.contains("tls-alpn-01"),
            "{hint}"
        );
        let (msg, _) = explain_validation(
            ChallengeKind::TlsAlpn01,
            "box.example.test",
            &problem("connection", "timeout"),
        );
        assert!(msg.contains("port 443"), "{msg}");
    }

    #[test]
    fn only_reachability_failures_fall_back() {
        let v = |k: &str| OrderFailure::Validation {
            kind: ChallengeKind::Http01,
            name: "x".into(),
            problem: problem(k, "d"),
        };
        assert!(worth_fallback(&v("connection")));
        assert!(worth_fallback(&v("incorrectResponse")));
        assert!(!worth_fallback(&v("rateLimited")));
        assert!(!worth_fallback(&OrderFailure::AlreadyReplaced));
    }

    #[test]
    fn refusals_that_need_the_user_are_recognised() {
        assert!(needs_user(&problem("rejectedIdentifier", "no")));
        assert!(needs_user(&problem("caa", "no")));
        assert!(!needs_user(&problem("connection", "no")));
        assert!(!needs_user(&problem("badNonce", "no")));
        let e = instant_acme::Error::Api(problem("badNonce", "stale"));
        assert!(is_bad_nonce(&e));
    }

    #[test]
    fn already_replaced_is_recognised_by_type_or_text() {
        assert!(matches!(
            ca_error(
                "new order",
                instant_acme::Error::Api(problem("alreadyReplaced", "x"))
            ),
            OrderFailure::AlreadyReplaced
        ));
        assert!(matches!(
            ca_error(
                "new order",
                instant_acme::Error::Api(problem("malformed", "cert has already been replaced"))
            ),
            OrderFailure::AlreadyReplaced
        ));
        assert!(matches!(
            ca_error(
                "new order",
                instant_acme::Error::Unsupported("ACME renewal information (ARI)")
            ),
            OrderFailure::ReplacesIgnored
        ));
        // A CA that does not echo `replaces` (acme2certifier): instant-acme's own refusal,
        // not the CA saying the certificate was replaced.
        assert!(matches!(
            ca_error(
                "new order",
                instant_acme::Error::Other(
                    "replaces field mismatch: expected Some(x), found None".into()
                )
            ),
            OrderFailure::ReplacesIgnored
        ));
        assert!(matches!(
            ca_error(
                "new order",
                instant_acme::Error::Api(problem("accountDoesNotExist", "x"))
            ),
            OrderFailure::AccountGone(_)
        ));
    }

    #[test]
    fn every_order_failure_reads_as_a_sentence() {
        let texts = [
            failure_text(&OrderFailure::Validation {
                kind: ChallengeKind::Http01,
                name: "box.example.test".into(),
                problem: silent_problem(ChallengeKind::Http01, "box.example.test"),
            }),
            failure_text(&OrderFailure::NotOffered {
                kind: ChallengeKind::TlsAlpn01,
                name: "box.example.test".into(),
            }),
            failure_text(&OrderFailure::AccountGone(problem(
                "accountDoesNotExist",
                "gone",
            ))),
            failure_text(&OrderFailure::AlreadyReplaced),
            failure_text(&OrderFailure::ReplacesIgnored),
            failure_text(&OrderFailure::Other(Error::failed("plain"))),
        ];
        assert!(
            texts[0].contains("port 80 of box.example.test"),
            "{}",
            texts[0]
        );
        assert!(texts[0].contains("without saying why"), "{}", texts[0]);
        assert!(texts[1].contains("offers no tls-alpn-01 challenge"));
        for t in &texts {
            assert!(!t.contains('{') && !t.contains("Some("), "debug dump: {t}");
        }
        assert_eq!(status_word(OrderStatus::Invalid), "invalid");
    }

    #[test]
    fn certificate_ids_round_trip() {
        let id = parse_cert_id("aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE").unwrap();
        assert_eq!(id.to_string(), "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE");
        assert!(parse_cert_id("nodot").is_none());
    }
}
