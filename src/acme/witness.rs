//! The CA as a witness of reachability: a successful HTTP-01 or TLS-ALPN-01 validation means
//! the CA connected to the box's name from outside, on port 80 or 443. direkt records which
//! address and port and when, so doctor has outside evidence even without a probe server.
//!
//! Where it comes from: the challenge objects of the authorization after validation. Boulder
//! (Let's Encrypt) adds a `validationRecord` to them (`url`, `hostname`, `port`,
//! `addressesResolved`, `addressUsed`; not part of RFC 8555, whose section 8.3 leaves it to the
//! CA), and RFC 8555 gives `validated`, the time. instant-acme's `Challenge` type drops both
//! fields and it has no raw POST-as-GET, so direkt's HTTP client for the CA ([`Tap`]) keeps
//! the JSON of every answer that carries a valid challenge, and the order refreshes each
//! authorization it validated once more (one signed POST-as-GET per name, through the
//! account, after the order became ready). A CA without `validationRecord` (Pebble, others)
//! still proves the port: the address is then the one the name resolved to when ordering, and
//! once a CA is known to give none (`CertState::validation_records`), the extra request is
//! left out.

use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One port the CA reached from outside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaWitness {
    /// The name the CA validated.
    pub name: String,
    /// `http-01` or `tls-alpn-01`.
    pub challenge: String,
    /// The address the CA connected to (its `addressUsed`; else the name's address when
    /// ordering). None when neither is known.
    pub address: Option<IpAddr>,
    pub port: u16,
    /// Unix seconds of the validation (the challenge's `validated`, else when direkt saw it).
    pub at: i64,
    /// The URL the CA fetched (HTTP-01 with a validation record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Address and port come from the CA's own `validationRecord`.
    #[serde(default)]
    pub from_record: bool,
}

/// The answers of the CA that hold a valid challenge, as JSON, collected by the HTTP client;
/// and whether the order should fetch the authorizations once more for their records.
#[derive(Debug, Clone, Default)]
pub struct Tap {
    seen: Arc<Mutex<Vec<Value>>>,
    /// Skip the extra POST-as-GET: this CA is known to give no `validationRecord`.
    no_records: Arc<AtomicBool>,
}

impl Tap {
    /// Whether the extra request per validated authorization is worth it.
    pub fn wants_records(&self) -> bool {
        !self.no_records.load(Ordering::Relaxed)
    }

    pub fn set_wants_records(&self, yes: bool) {
        self.no_records.store(!yes, Ordering::Relaxed);
    }

    /// A validation seen without its authorization's JSON (not fetched again): the name and
    /// the challenge type, as an authorization of one valid challenge.
    pub fn note_validated(&self, name: &str, challenge: &str) {
        self.push(serde_json::json!({
            "identifier": {"type": "dns", "value": name},
            "status": "valid",
            "challenges": [{"type": challenge, "status": "valid"}],
        }));
    }

    fn push(&self, v: Value) {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).push(v);
    }

    /// Look at one answer body; kept when it is an authorization with a valid challenge.
    pub fn observe(&self, body: &[u8]) {
        // Cheap test first: most answers (directory, nonces, orders, certificates) are not.
        if !contains(body, b"\"challenges\"") || !contains(body, b"\"valid\"") {
            return;
        }
        if let Ok(v) = serde_json::from_slice::<Value>(body)
            && v.get("challenges").is_some_and(Value::is_array)
        {
            self.push(v);
        }
    }

    /// Everything kept so far, emptied.
    pub fn take(&self) -> Vec<Value> {
        std::mem::take(&mut *self.seen.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// The port a challenge type connects to.
pub fn challenge_port(challenge: &str) -> Option<u16> {
    match challenge {
        "http-01" => Some(80),
        "tls-alpn-01" => Some(443),
        _ => None,
    }
}

/// The witnesses in one authorization's JSON: each valid HTTP-01 / TLS-ALPN-01 challenge,
/// one per validation record (a redirect adds one), or one from the challenge alone when the
/// CA gives no record. `resolved` is what the name resolved to when ordering; `now` stands in
/// for a missing `validated`.
pub fn from_authorization(authz: &Value, resolved: &[IpAddr], now: i64) -> Vec<CaWitness> {
    let name = authz
        .pointer("/identifier/value")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let mut out = vec![];
    for ch in authz["challenges"].as_array().into_iter().flatten() {
        let kind = ch["type"].as_str().unwrap_or_default();
        let Some(default_port) = challenge_port(kind) else {
            continue;
        };
        if ch["status"].as_str() != Some("valid") {
            continue;
        }
        let at = ch["validated"]
            .as_str()
            .and_then(parse_rfc3339)
            .unwrap_or(now);
        let records: Vec<&Value> = ch["validationRecord"]
            .as_array()
            .map(|v| v.iter().collect())
            .unwrap_or_default();
        let inferred = CaWitness {
            name: name.clone(),
            challenge: kind.to_string(),
            address: resolved.first().copied(),
            port: default_port,
            at,
            url: None,
            from_record: false,
        };
        let mut from_records: Vec<CaWitness> = records
            .iter()
            .filter_map(|r| record_witness(r, &inferred))
            .collect();
        if from_records.is_empty() {
            out.push(inferred);
        } else {
            out.append(&mut from_records);
        }
    }
    out
}

/// One `validationRecord` entry: the address used (or the first resolved) and the port
/// (Boulder writes it as a string).
fn record_witness(r: &Value, base: &CaWitness) -> Option<CaWitness> {
    let address = r["addressUsed"]
        .as_str()
        .or_else(|| r["addressesResolved"].get(0).and_then(Value::as_str))
        .and_then(|a| a.parse::<IpAddr>().ok())?;
    let port = match &r["port"] {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64().and_then(|n| u16::try_from(n).ok()),
        _ => None,
    }
    .unwrap_or(base.port);
    let name = r["hostname"].as_str().unwrap_or(&base.name).to_string();
    Some(CaWitness {
        name,
        address: Some(address),
        port,
        url: r["url"].as_str().map(str::to_string),
        from_record: true,
        ..base.clone()
    })
}

fn parse_rfc3339(s: &str) -> Option<i64> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

/// Whether the extra request for the CA's validation records is worth it: not once the CA of
/// `directory` is known to give none.
pub fn records_may_come(st: &crate::acme::renewal::CertState, directory: &str) -> bool {
    !(st.directory.as_deref() == Some(directory) && st.validation_records == Some(false))
}

/// Keep what the tap saw of this order's validations in the state (and whether the CA gives
/// validation records, when the order asked).
pub fn record(st: &mut crate::acme::renewal::CertState, tap: &Tap, resolved: &[IpAddr], now: i64) {
    let witnessed: Vec<CaWitness> = tap
        .take()
        .iter()
        .flat_map(|authz| from_authorization(authz, resolved, now))
        .collect();
    if tap.wants_records() && !witnessed.is_empty() {
        st.validation_records = Some(witnessed.iter().any(|w| w.from_record));
    }
    merge(&mut st.witnesses, witnessed);
}

/// Fold new witnesses into the stored ones: one per name, port and address family, the
/// newest kept.
pub fn merge(stored: &mut Vec<CaWitness>, new: Vec<CaWitness>) {
    for w in new {
        let family = |a: &Option<IpAddr>| a.map(|a| a.is_ipv6());
        stored.retain(|s| {
            !(s.name == w.name && s.port == w.port && family(&s.address) == family(&w.address))
        });
        stored.push(w);
    }
    stored.sort_by(|a, b| (&a.name, a.port, a.at).cmp(&(&b.name, b.port, b.at)));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An authorization as Boulder (Let's Encrypt) answers it after HTTP-01.
    const BOULDER: &str = r#"{
      "identifier": {"type": "dns", "value": "box.example.org"},
      "status": "valid",
      "expires": "2026-01-05T10:00:00Z",
      "challenges": [
        {
          "type": "http-01",
          "url": "https://acme.example/chall/1",
          "status": "valid",
          "validated": "2025-12-06T18:00:00Z",
          "token": "tok",
          "validationRecord": [
            {
              "url": "http://box.example.org/.well-known/acme-challenge/tok",
              "hostname": "box.example.org",
              "port": "80",
              "addressesResolved": ["203.0.113.7", "2001:db8::7"],
              "addressUsed": "2001:db8::7"
            }
          ]
        }
      ]
    }"#;

    /// Pebble: `validated`, no record.
    const PEBBLE: &str = r#"{
      "status": "valid",
      "identifier": {"type": "dns", "value": "box.example.test"},
      "challenges": [
        {"type": "tls-alpn-01", "url": "u1", "token": "t", "status": "pending"},
        {"type": "http-01", "url": "u2", "token": "t", "status": "valid",
         "validated": "2025-12-06T18:00:00Z"}
      ]
    }"#;

    #[test]
    fn the_validation_record_names_address_and_port() {
        let v: Value = serde_json::from_str(BOULDER).unwrap();
        let w = from_authorization(&v, &["198.51.100.1".parse().unwrap()], 1);
        assert_eq!(w.len(), 1);
        let w = &w[0];
        assert_eq!(w.address, Some("2001:db8::7".parse().unwrap()));
        assert_eq!((w.port, w.name.as_str()), (80, "box.example.org"));
        assert_eq!(w.at, 1_765_044_000);
        assert!(w.from_record);
        assert_eq!(
            w.url.as_deref(),
            Some("http://box.example.org/.well-known/acme-challenge/tok")
        );
    }

    #[test]
    fn without_a_record_the_port_of_the_challenge_and_the_resolved_address_count() {
        let v: Value = serde_json::from_str(PEBBLE).unwrap();
        let w = from_authorization(&v, &["203.0.113.2".parse().unwrap()], 5);
        assert_eq!(w.len(), 1, "only the valid challenge: {w:?}");
        assert_eq!(w[0].challenge, "http-01");
        assert_eq!(w[0].port, 80);
        assert_eq!(w[0].address, Some("203.0.113.2".parse().unwrap()));
        assert!(!w[0].from_record);
        assert_eq!(w[0].at, 1_765_044_000);
        // dns-01 proves nothing about a port.
        let dns = serde_json::json!({"identifier": {"value": "x"}, "challenges": [
            {"type": "dns-01", "status": "valid"}]});
        assert!(from_authorization(&dns, &[], 5).is_empty());
    }

    #[test]
    fn the_tap_keeps_authorizations_only_and_merge_keeps_the_newest() {
        let tap = Tap::default();
        tap.observe(br#"{"newNonce": "x"}"#);
        tap.observe(PEBBLE.as_bytes());
        assert_eq!(tap.take().len(), 1);
        assert!(tap.take().is_empty());
        // Without the authorization's JSON: the challenge's port, the resolved address.
        tap.note_validated("box.example.test", "tls-alpn-01");
        let w = from_authorization(&tap.take()[0], &["203.0.113.2".parse().unwrap()], 7);
        assert_eq!((w[0].port, w[0].at, w[0].from_record), (443, 7, false));
        // A state written before witnesses existed still loads.
        let old: crate::acme::renewal::CertState = serde_json::from_str("{}").unwrap();
        assert!(old.witnesses.is_empty() && old.validation_records.is_none());
        let mk = |at, addr: &str| CaWitness {
            name: "n".into(),
            challenge: "http-01".into(),
            address: Some(addr.parse().unwrap()),
            port: 80,
            at,
            url: None,
            from_record: false,
        };
        let mut stored = vec![mk(1, "203.0.113.1"), mk(1, "2001:db8::1")];
        merge(&mut stored, vec![mk(2, "203.0.113.2")]);
        assert_eq!(stored.len(), 2);
        assert!(stored.contains(&mk(2, "203.0.113.2")));
        assert!(stored.contains(&mk(1, "2001:db8::1")));
    }
}
