//! When to renew: the renewal decision, made from the stored certificate and the state alone
//! (no request to the CA unless a cached ARI window has passed its Retry-After), plus the
//! failure back-off.

use serde::{Deserialize, Serialize};

use crate::acme::certinfo::CertInfo;
use crate::state::{Backoff, Latch};

/// The `cert` section of the state file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CertState {
    /// The certificate direkt last installed.
    pub current: Option<IssuedRecord>,
    /// Directory URL of the CA the account and ARI facts below belong to.
    pub directory: Option<String>,
    /// Whether that CA's directory lists `renewalInfo` (learned when issuing, without a
    /// request).
    pub ari_supported: Option<bool>,
    /// The last ARI answer for the current certificate.
    pub ari: Option<AriWindow>,
    /// The CA left `replaces` out of an order (it does not echo it, e.g. acme2certifier): later
    /// orders leave it out rather than be placed twice.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub replaces_ignored: bool,
    /// Unix seconds of the last order whose validation failed at this CA: the next attempt
    /// proves the challenge at the CA's staging environment first (acme::staging). Cleared
    /// when a certificate is issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_validation: Option<i64>,
    pub backoff: Option<Backoff>,
    pub latch: Option<Latch>,
    /// Unix seconds of the last order attempt and its outcome.
    pub last_attempt: Option<i64>,
    pub last_result: Option<String>,
    /// The ports the CA reached from outside when it validated HTTP-01 / TLS-ALPN-01, newest
    /// per name, port and family: doctor's outside evidence without a probe server.
    pub witnesses: Vec<crate::acme::witness::CaWitness>,
    /// Whether the CA of `directory` adds a `validationRecord` to its challenges (learned on
    /// the first order; false: the extra request for it is left out).
    pub validation_records: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuedRecord {
    pub names: Vec<String>,
    pub serial: String,
    pub not_before: i64,
    pub not_after: i64,
    pub issued_at: i64,
    pub key_type: String,
    pub challenge: String,
    pub ari_id: Option<String>,
    #[serde(default)]
    pub revoked: bool,
}

impl CertState {
    /// The ARI identifier an order replacing `cert` names: only at a CA with ARI that takes
    /// `replaces`.
    pub fn replaces(&self, cert: &CertInfo) -> Option<String> {
        cert.ari_id
            .clone()
            .filter(|_| self.ari_supported == Some(true) && !self.replaces_ignored)
    }

    /// Whether the certificate with this serial is the one recorded as revoked.
    pub fn is_revoked(&self, serial: &str) -> bool {
        self.current
            .as_ref()
            .is_some_and(|c| c.revoked && c.serial == serial)
    }
}

/// An ARI suggested window (RFC 9773) with the moment direkt picked inside it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AriWindow {
    /// The certificate it is for (ARI identifier).
    pub cert_id: String,
    pub start: i64,
    pub end: i64,
    /// A uniformly random point in the window, kept while the window is unchanged.
    pub chosen: i64,
    pub fetched_at: i64,
    /// Do not ask the CA again before this (its Retry-After).
    pub retry_after: i64,
    pub explanation: Option<String>,
}

impl AriWindow {
    /// Build from a fresh answer; keep the earlier pick if the window did not move.
    pub fn new(
        cert_id: &str,
        start: i64,
        end: i64,
        now: i64,
        retry_after_secs: i64,
        previous: Option<&AriWindow>,
        explanation: Option<String>,
    ) -> AriWindow {
        let end = end.max(start);
        let chosen = match previous {
            Some(p) if p.cert_id == cert_id && p.start == start && p.end == end => p.chosen,
            // RFC 9773 §4.2: a window that has already begun means renew now.
            _ if start <= now => now,
            _ => {
                let lo = start.max(now);
                if end > lo {
                    rand::random_range(lo..end)
                } else {
                    lo
                }
            }
        };
        // RFC 9773 §4.3: clients should not poll more often than every few hours, nor trust
        // an absurd Retry-After; clamp to 1 h .. 1 d.
        let retry_after = now + retry_after_secs.clamp(3600, 86400);
        AriWindow {
            cert_id: cert_id.to_string(),
            start,
            end,
            chosen,
            fetched_at: now,
            retry_after,
            explanation,
        }
    }
}

/// The outcome of the decision.
#[derive(Debug, Clone, PartialEq)]
pub enum Due {
    /// Renew now. `replaces` is the ARI identifier of the certificate being replaced.
    Now {
        why: String,
        replaces: Option<String>,
    },
    /// Not yet; `next` is the earliest moment the decision could change (unix seconds).
    Later { why: String, next: i64 },
    /// The CA offers ARI and the cached window is missing or stale: ask it.
    AskAri { cert_id: String },
}

/// Decide for an existing certificate that has the right names and key type.
pub fn decide(now: i64, cert: &CertInfo, state: &CertState) -> Due {
    let replaces = state.replaces(cert);
    if state.is_revoked(&cert.serial) {
        return Due::Now {
            why: "the certificate was revoked".into(),
            replaces: None,
        };
    }
    if now >= cert.not_after {
        return Due::Now {
            why: "the certificate has expired".into(),
            replaces,
        };
    }
    if state.ari_supported == Some(true)
        && let Some(cert_id) = &cert.ari_id
    {
        match &state.ari {
            Some(w) if &w.cert_id == cert_id => {
                if now >= w.chosen {
                    return Due::Now {
                        why: format!(
                            "inside the CA's renewal window (ARI: {} .. {})",
                            super::certinfo::rfc3339(w.start),
                            super::certinfo::rfc3339(w.end)
                        ),
                        replaces,
                    };
                }
                let retry_after = crate::state::clamp_wait(w.retry_after, now);
                if now < retry_after {
                    return Due::Later {
                        why: format!(
                            "the CA's renewal window (ARI) starts {}; renewal is planned for {}",
                            super::certinfo::rfc3339(w.start),
                            super::certinfo::rfc3339(w.chosen)
                        ),
                        next: w.chosen.min(retry_after),
                    };
                }
                return Due::AskAri {
                    cert_id: cert_id.clone(),
                };
            }
            _ => {
                return Due::AskAri {
                    cert_id: cert_id.clone(),
                };
            }
        }
    }
    let renew_at = one_third_left(cert);
    if now >= renew_at {
        Due::Now {
            why: format!(
                "less than a third of its lifetime is left (expires {})",
                super::certinfo::rfc3339(cert.not_after)
            ),
            replaces,
        }
    } else {
        Due::Later {
            why: format!(
                "valid until {}; renewal when a third of its lifetime is left ({})",
                super::certinfo::rfc3339(cert.not_after),
                super::certinfo::rfc3339(renew_at)
            ),
            next: renew_at,
        }
    }
}

/// When `renew` plans to renew a certificate, as `status` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Planned {
    /// Unix seconds; in the past when it is due now.
    pub at: i64,
    /// Why then: `ari` (a moment direkt picked in the CA's window), `one-third` (a third of
    /// the lifetime left) or `revoked` (now).
    pub basis: &'static str,
    /// The CA's suggested window (ARI), when known for this certificate.
    pub ari_start: Option<i64>,
    pub ari_end: Option<i64>,
}

/// The renewal moment [`decide`] works towards: inside the CA's ARI window when one is known
/// for this certificate, else when a third of its lifetime is left (also while the CA has not
/// been asked for its window yet).
pub fn planned(cert: &CertInfo, state: &CertState) -> Planned {
    let plain = |at, basis| Planned {
        at,
        basis,
        ari_start: None,
        ari_end: None,
    };
    if state.is_revoked(&cert.serial) {
        return plain(cert.not_before, "revoked");
    }
    let window = state
        .ari
        .as_ref()
        .filter(|w| state.ari_supported == Some(true) && cert.ari_id.as_ref() == Some(&w.cert_id));
    match window {
        Some(w) => Planned {
            at: w.chosen.min(cert.not_after),
            basis: "ari",
            ari_start: Some(w.start),
            ari_end: Some(w.end),
        },
        None => plain(one_third_left(cert), "one-third"),
    }
}

/// The moment a third of the lifetime is left.
pub fn one_third_left(cert: &CertInfo) -> i64 {
    cert.not_after - cert.lifetime() / 3
}

/// The back-off after `failures` consecutive failures: 10 min doubling up to a day, and never
/// past a tenth of the time the current certificate has left (so an expiring certificate is
/// retried often enough).
pub fn backoff_delay(failures: u32, time_left: Option<i64>) -> i64 {
    let base = 600i64.saturating_mul(1i64 << failures.saturating_sub(1).min(10));
    let mut d = base.min(86400);
    if let Some(left) = time_left {
        d = d.min((left / 10).max(300));
    }
    d
}

/// Record a failure in the back-off.
pub fn record_failure(state: &mut CertState, now: i64, reason: &str, time_left: Option<i64>) {
    let failures = state.backoff.as_ref().map_or(0, |b| b.failures) + 1;
    state.backoff = Some(Backoff {
        failures,
        until: now + backoff_delay(failures, time_left),
        reason: reason.to_string(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86400;

    fn cert(not_before: i64, days: i64) -> CertInfo {
        CertInfo {
            names: vec!["box.example.test".into()],
            issuer: "CN=test".into(),
            not_before,
            not_after: not_before + days * DAY,
            serial: "01".into(),
            key_type: "ecdsa-p256".into(),
            ari_id: Some("aki.serial".into()),
            spki: vec![],
            der: vec![],
        }
    }

    #[test]
    fn without_ari_renewal_starts_when_a_third_is_left() {
        let c = cert(0, 90);
        let st = CertState::default();
        assert!(matches!(decide(59 * DAY, &c, &st), Due::Later { next, .. } if next == 60 * DAY));
        assert!(matches!(
            decide(60 * DAY, &c, &st),
            Due::Now { replaces: None, .. }
        ));
        // A 6-day certificate renews after 4 days.
        let short = cert(0, 6);
        assert!(matches!(
            decide(4 * DAY - 1, &short, &st),
            Due::Later { .. }
        ));
        assert!(matches!(decide(4 * DAY, &short, &st), Due::Now { .. }));
        assert!(
            matches!(decide(91 * DAY, &c, &st), Due::Now { why, .. } if why.contains("expired"))
        );
    }

    #[test]
    fn a_ca_that_ignores_replaces_is_not_sent_it_again() {
        let c = cert(0, 90);
        let mut st = CertState {
            ari_supported: Some(true),
            ..Default::default()
        };
        assert_eq!(st.replaces(&c).as_deref(), Some("aki.serial"));
        assert!(matches!(
            decide(91 * DAY, &c, &st),
            Due::Now {
                replaces: Some(_),
                ..
            }
        ));
        st.replaces_ignored = true;
        assert_eq!(st.replaces(&c), None);
        assert!(matches!(
            decide(91 * DAY, &c, &st),
            Due::Now { replaces: None, .. }
        ));
        // Stored only when set: older state files read as before.
        let json = serde_json::to_value(CertState::default()).unwrap();
        assert!(json.get("replaces_ignored").is_none());
        let back: CertState = serde_json::from_value(serde_json::json!({})).unwrap();
        assert!(!back.replaces_ignored);
    }

    #[test]
    fn with_ari_and_no_cached_window_the_ca_is_asked() {
        let c = cert(0, 90);
        let st = CertState {
            ari_supported: Some(true),
            ..Default::default()
        };
        assert_eq!(
            decide(10 * DAY, &c, &st),
            Due::AskAri {
                cert_id: "aki.serial".into()
            }
        );
    }

    #[test]
    fn a_cached_window_decides_without_the_ca_until_its_retry_after() {
        let c = cert(0, 90);
        let now = 10 * DAY;
        let w = AriWindow::new("aki.serial", 55 * DAY, 57 * DAY, now, 6 * 3600, None, None);
        assert!(w.chosen >= 55 * DAY && w.chosen < 57 * DAY);
        let st = CertState {
            ari_supported: Some(true),
            ari: Some(w.clone()),
            ..Default::default()
        };
        // Fresh: no request, not due.
        assert!(matches!(
            decide(now + 3600, &st_cert(&c), &st),
            Due::Later { .. }
        ));
        // Retry-After passed, window not reached: ask again.
        assert!(matches!(
            decide(now + 7 * 3600, &c, &st),
            Due::AskAri { .. }
        ));
        // The chosen moment reached: renew, replacing this certificate.
        assert_eq!(
            decide(w.chosen, &c, &st),
            Due::Now {
                why: format!(
                    "inside the CA's renewal window (ARI: {} .. {})",
                    crate::acme::certinfo::rfc3339(w.start),
                    crate::acme::certinfo::rfc3339(w.end)
                ),
                replaces: Some("aki.serial".into())
            }
        );
        // A window for another certificate does not count.
        let other = CertState {
            ari_supported: Some(true),
            ari: Some(AriWindow {
                cert_id: "other".into(),
                ..w
            }),
            ..Default::default()
        };
        assert!(matches!(decide(now, &c, &other), Due::AskAri { .. }));
    }

    fn st_cert(c: &CertInfo) -> CertInfo {
        c.clone()
    }

    #[test]
    fn an_ari_retry_after_written_under_a_clock_ahead_waits_at_most_a_day() {
        let c = cert(0, 90);
        let now = 10 * DAY;
        let mut w = AriWindow::new("aki.serial", 60 * DAY, 62 * DAY, now, 3600, None, None);
        // Written when the clock was 3 days ahead.
        w.retry_after = now + 3 * DAY;
        let st = CertState {
            ari_supported: Some(true),
            ari: Some(w),
            ..Default::default()
        };
        match decide(now, &c, &st) {
            Due::Later { next, .. } => assert_eq!(next, now + DAY),
            other => panic!("{other:?}"),
        }
        // Loading the state anchors the clamp: a day later the CA is asked again.
        let mut state = crate::state::State {
            cert: st,
            ..Default::default()
        };
        state.clamp_waits(now);
        assert!(matches!(
            decide(now + DAY, &c, &state.cert),
            Due::AskAri { .. }
        ));
    }

    #[test]
    fn ari_window_math() {
        let now = 1000;
        // A window in the past means now.
        let w = AriWindow::new("x", 10, 20, now, 0, None, None);
        assert_eq!(w.chosen, now);
        // Retry-After is clamped to 1 h .. 1 d.
        assert_eq!(w.retry_after, now + 3600);
        let w = AriWindow::new("x", 0, 10, now, 10 * DAY, None, None);
        assert_eq!(w.retry_after, now + DAY);
        // A window that started already means now too (RFC 9773 §4.2), not a pick later in it.
        let w = AriWindow::new("x", 500, 5000, now, 3600, None, None);
        assert_eq!(w.chosen, now);
        // A future window: a uniform pick inside it.
        for _ in 0..50 {
            let w = AriWindow::new("x", 1500, 5000, now, 3600, None, None);
            assert!((1500..5000).contains(&w.chosen), "{}", w.chosen);
        }
        // An unchanged window keeps its pick; a moved one is picked again.
        let a = AriWindow::new("x", 2000, 900_000, now, 3600, None, None);
        let b = AriWindow::new("x", 2000, 900_000, now + 50, 3600, Some(&a), None);
        assert_eq!(a.chosen, b.chosen);
        let c = AriWindow::new("x", 1500, 1600, now, 3600, Some(&a), None);
        assert!((1500..1600).contains(&c.chosen));
        // An inverted window is treated as its start.
        let d = AriWindow::new("x", 3000, 2000, now, 3600, None, None);
        assert_eq!(d.chosen, 3000);
    }

    #[test]
    fn revoked_certificate_is_due() {
        let c = cert(0, 90);
        let st = CertState {
            current: Some(IssuedRecord {
                names: c.names.clone(),
                serial: "01".into(),
                not_before: 0,
                not_after: 90 * DAY,
                issued_at: 0,
                key_type: "ecdsa-p256".into(),
                challenge: "http-01".into(),
                ari_id: None,
                revoked: true,
            }),
            ..Default::default()
        };
        assert!(matches!(decide(DAY, &c, &st), Due::Now { why, .. } if why.contains("revoked")));
    }

    #[test]
    fn backoff_doubles_is_capped_and_shrinks_near_expiry() {
        assert_eq!(backoff_delay(1, None), 600);
        assert_eq!(backoff_delay(2, None), 1200);
        assert_eq!(backoff_delay(4, None), 4800);
        assert_eq!(backoff_delay(30, None), 86400);
        assert_eq!(backoff_delay(30, Some(2 * DAY)), 2 * DAY / 10);
        assert_eq!(backoff_delay(30, Some(60)), 300);
        let mut st = CertState::default();
        record_failure(&mut st, 100, "timeout", None);
        record_failure(&mut st, 200, "timeout", None);
        let b = st.backoff.unwrap();
        assert_eq!((b.failures, b.until), (2, 200 + 1200));
    }
}
