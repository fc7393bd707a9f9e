//! What the REST providers share: the mapping of an HTTP answer to ok / back off / latch, the
//! provider's own words from an error body, and the name inside the configured zone.
//!
//! Each provider keeps a [`Wording`] table (its name, what its credential is called, where to
//! get one, what to fix) and handles its special codes before it falls back to
//! [`classify_rest`].

use serde_json::Value;

use super::{HttpAnswer, ProviderError};
use crate::config::{DdnsConfig, Secret, Settings};
use crate::error::{Error, Result};

/// How many characters of a provider's words an error message quotes at most.
pub(crate) const DETAIL_MAX: usize = 200;

/// A provider's words for the shared mapping. `{zone}` in any text stands for the zone.
pub(crate) struct Wording {
    /// The provider as messages name it ("deSEC", "bunny.net").
    pub provider: &'static str,
    /// What its credential is called ("token", "API key").
    pub credential: &'static str,
    /// 401 (and 403 without `forbidden_hint`): where to get a credential that works.
    pub token_hint: &'static str,
    /// 403 when it means a credential without the permission: what to grant. `None`: 403 is
    /// a refused credential, like 401.
    pub forbidden_hint: Option<&'static str>,
    /// 404: the message (before the provider's words) and the hint. `None`: 404 is one of the
    /// other 4xx.
    pub not_found: Option<(&'static str, &'static str)>,
    /// 429: what the message says ("rate-limits us").
    pub rate_limited: &'static str,
    /// Other 4xx: what to fix.
    pub invalid_hint: &'static str,
}

impl Wording {
    /// The defaults most providers share; a provider's table overrides what differs.
    pub const fn new(provider: &'static str, token_hint: &'static str) -> Wording {
        Wording {
            provider,
            credential: "token",
            token_hint,
            forbidden_hint: None,
            not_found: None,
            rate_limited: "rate-limits us",
            invalid_hint: "fix what it names and run again",
        }
    }
}

/// What a REST provider reads from `[ddns]`: the API base (`server`, else `default`, without a
/// trailing `/`), the zone (else a usage error saying `missing`) and its main secret.
pub(crate) fn api_config(
    ddns: &DdnsConfig,
    settings: &Settings,
    default: &str,
    missing: &str,
) -> Result<(String, String, Secret)> {
    let base = super::base_url(ddns.server.as_deref(), default)?;
    let zone = ddns.zone.as_ref().ok_or_else(|| Error::usage(missing))?;
    let secret = super::require_secret(settings, ddns)?;
    let base = base.as_str().trim_end_matches('/').to_string();
    Ok((base, zone.to_string(), secret))
}

/// The shared mapping: 2xx ok; 401 latch (the credential, with where to get one); 403 latch
/// (forbidden, with the permission to grant, or like 401); 404 latch (unknown zone or record);
/// 429 and 5xx back off (with Retry-After); any other status latches with the provider's words.
pub(crate) fn classify_rest(
    answer: &HttpAnswer,
    detail: &str,
    zone: &str,
    w: &Wording,
) -> Result<(), ProviderError> {
    classify_as(answer.status, answer, detail, zone, w)
}

/// [`classify_rest`] with the status the provider meant (one its body or error code says),
/// which may not be the answer's.
pub(crate) fn classify_as(
    status: u16,
    answer: &HttpAnswer,
    detail: &str,
    zone: &str,
    w: &Wording,
) -> Result<(), ProviderError> {
    let p = w.provider;
    let fill = |text: &str| text.replace("{zone}", zone);
    Err(match (status, w.forbidden_hint, w.not_found) {
        (200..=299, _, _) => return Ok(()),
        (403, Some(hint), _) => ProviderError::latch(
            format!("{p} forbids this with that {}: {detail}", w.credential),
            fill(hint),
        ),
        (401 | 403, _, _) => ProviderError::latch(
            format!("{p} refused the {}: {detail}", w.credential),
            fill(w.token_hint),
        ),
        (404, _, Some((message, hint))) => {
            ProviderError::latch(format!("{}: {detail}", fill(message)), fill(hint))
        }
        (429, _, _) => ProviderError::backoff(
            format!("{p} {}: {detail}", w.rate_limited),
            answer.retry_after,
        ),
        (s, _, _) if s >= 500 => {
            ProviderError::backoff(format!("{p} failed: {detail}"), answer.retry_after)
        }
        (s, _, _) => ProviderError::latch(
            format!("{p} refused the request (HTTP {s}): {detail}"),
            fill(w.invalid_hint),
        ),
    })
}

/// The provider's words from a JSON error body: the strings at `fields` (dotted paths such as
/// `error.message`) that are there, joined by a space; see [`words_or_status`].
pub(crate) fn json_detail(body: &str, fields: &[&str], status: u16) -> String {
    let words = serde_json::from_str::<Value>(body)
        .map(|v| {
            fields
                .iter()
                .map(|f| text_at(&v, f))
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    words_or_status(&words, status)
}

/// The string at the dotted `path` of `v`, or `""`.
pub(crate) fn text_at<'v>(v: &'v Value, path: &str) -> &'v str {
    path.split('.')
        .try_fold(v, |v, k| v.get(k))
        .and_then(|x| x.as_str())
        .unwrap_or("")
}

/// `words` cut to [`DETAIL_MAX`] characters, or `HTTP <status>` when there are none.
pub(crate) fn words_or_status(words: &str, status: u16) -> String {
    if words.trim().is_empty() {
        format!("HTTP {status}")
    } else {
        truncate(words)
    }
}

/// `s` cut to [`DETAIL_MAX`] characters.
pub(crate) fn truncate(s: &str) -> String {
    s.chars().take(DETAIL_MAX).collect()
}

/// `name` relative to `zone` (`""` for the apex), or Unsupported: the name is not inside the
/// `what` (the provider's word for a zone: "deSEC domain", "Bunny DNS zone").
pub(crate) fn zone_sub(name: &str, zone: &str, what: &str) -> Result<String, ProviderError> {
    super::subname(name, zone).ok_or_else(|| {
        ProviderError::unsupported(
            format!("{name} is not inside the {what} {zone}"),
            format!("set ddns.zone to the {what} that holds the name"),
        )
    })
}

/// What `verify` saw, saying that it changed nothing.
pub(crate) fn read_only(saw: String) -> String {
    format!("{saw} (no record changed)")
}

/// The record name for APIs that write the apex as `@`.
pub(crate) fn at_apex(sub: String) -> String {
    if sub.is_empty() { "@".into() } else { sub }
}

/// An answer for the providers' unit tests of their mapping.
#[cfg(test)]
pub(crate) fn answer(status: u16, body: &str, retry_after_secs: u64) -> HttpAnswer {
    HttpAnswer {
        status,
        retry_after: Some(std::time::Duration::from_secs(retry_after_secs)),
        body: body.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddns::Failure;

    const W: Wording = Wording {
        forbidden_hint: Some("grant DNS write on {zone}"),
        not_found: Some(("Acme does not know zone {zone}", "check ddns.zone")),
        ..Wording::new("Acme", "get a token")
    };

    fn c(status: u16) -> Result<(), ProviderError> {
        classify_rest(&answer(status, "", 6), "its words", "example.org", &W)
    }

    #[test]
    fn the_shared_mapping() {
        assert!(c(204).is_ok());
        let e = c(401).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert_eq!(e.message, "Acme refused the token: its words");
        assert_eq!(e.hint.as_deref(), Some("get a token"));
        let e = c(403).unwrap_err();
        assert_eq!(e.message, "Acme forbids this with that token: its words");
        assert_eq!(e.hint.as_deref(), Some("grant DNS write on example.org"));
        let e = c(404).unwrap_err();
        assert_eq!(e.message, "Acme does not know zone example.org: its words");
        let e = c(429).unwrap_err();
        assert_eq!(e.failure, Failure::Backoff);
        assert_eq!(e.retry_after, Some(std::time::Duration::from_secs(6)));
        assert_eq!(c(503).unwrap_err().failure, Failure::Backoff);
        let e = c(422).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert_eq!(e.message, "Acme refused the request (HTTP 422): its words");
        let plain = Wording::new("Acme", "get a token");
        let e = classify_rest(&answer(403, "", 1), "x", "z", &plain).unwrap_err();
        assert_eq!(e.message, "Acme refused the token: x");
        let e = classify_rest(&answer(404, "", 1), "x", "z", &plain).unwrap_err();
        assert_eq!(e.message, "Acme refused the request (HTTP 404): x");
    }

    #[test]
    fn words_from_a_json_body() {
        let body = r#"{"id":"not_found","message":"gone","error":{"code":"x"}}"#;
        assert_eq!(json_detail(body, &["id", "message"], 404), "not_found gone");
        assert_eq!(json_detail(body, &["error.code", "nope"], 404), "x");
        assert_eq!(json_detail("<html>", &["message"], 502), "HTTP 502");
        assert_eq!(json_detail("{}", &["message"], 400), "HTTP 400");
        let long = format!(r#"{{"message":"{}"}}"#, "a".repeat(500));
        assert_eq!(json_detail(&long, &["message"], 400).len(), DETAIL_MAX);
    }

    #[test]
    fn a_name_outside_the_zone_is_unsupported() {
        assert_eq!(
            zone_sub("box.example.org", "example.org", "x").unwrap(),
            "box"
        );
        assert_eq!(
            at_apex(zone_sub("example.org", "example.org", "x").unwrap()),
            "@"
        );
        let e = zone_sub("box.other.org", "example.org", "Acme domain").unwrap_err();
        assert_eq!(e.failure, Failure::Unsupported);
        assert_eq!(
            e.message,
            "box.other.org is not inside the Acme domain example.org"
        );
    }
}
