//! The probe server's HTTP API, shared by the server and its client.
//!
//! `GET /v1/ip` answers the caller's address. `POST /v1/check` asks the server to connect back
//! to the caller: the request has no target address field at all, so the server can only ever
//! connect to the address the request came from.

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

/// `GET /v1/ip`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpResponse {
    pub address: IpAddr,
    pub port: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckKind {
    /// TCP connect (with a nonce: read what the box sends and look for it).
    Tcp,
    /// `GET /.well-known/direkt-probe/<nonce>`; the box's answer must contain the nonce.
    Http,
    /// TLS handshake with `sni`; the served certificate chain comes back.
    Tls,
    /// A datagram holding the nonce; the box must echo it.
    Udp,
}

impl CheckKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::Tcp => "tcp",
            CheckKind::Http => "http",
            CheckKind::Tls => "tls",
            CheckKind::Udp => "udp",
        }
    }
}

/// `POST /v1/check`. Unknown fields are refused, so a client cannot smuggle in a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    pub kind: CheckKind,
    pub port: u16,
    /// Up to 64 letters/digits/`-_`; required for `http` and `udp`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// Server name for `tls` (and the Host header for `http`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sni: Option<String>,
}

/// What the probe saw when it connected back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Connected (and, with a nonce, the nonce came back).
    Open,
    /// Actively refused (TCP RST or ICMP port unreachable).
    Refused,
    /// No answer at all within the probe's timeout: dropped by a firewall or the ISP.
    Timeout,
    /// Connected, but what answered did not know the nonce: another host (or program).
    OtherHost,
    /// ICMP host/network unreachable.
    Unreachable,
    /// Connected, but the protocol failed (TLS handshake error, not HTTP).
    Error,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Open => "open",
            Outcome::Refused => "refused",
            Outcome::Timeout => "timeout",
            Outcome::OtherHost => "other-host",
            Outcome::Unreachable => "unreachable",
            Outcome::Error => "error",
        }
    }
}

/// The certificate chain a TLS check saw, as sent (leaf first), base64 DER.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct TlsSeen {
    pub chain_der_b64: Vec<String>,
    #[serde(default)]
    pub version: Option<String>,
}

/// The answer to `POST /v1/check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResponse {
    pub outcome: Outcome,
    pub kind: CheckKind,
    /// The address connected to: always the requester's own.
    pub address: IpAddr,
    pub port: u16,
    pub elapsed_ms: u64,
    /// The nonce was seen in the answer (checks that send one).
    #[serde(default)]
    pub nonce_matched: Option<bool>,
    /// HTTP status line of an `http` check.
    #[serde(default)]
    pub http_status: Option<u16>,
    #[serde(default)]
    pub tls: Option<TlsSeen>,
    /// Free text: the error seen, bytes received, ...
    #[serde(default)]
    pub details: BTreeMap<String, String>,
}

/// Error bodies (`4xx`/`5xx`): `{"error": "...", "retry_after": N}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// A nonce is short and plain so it fits a URL path and a datagram unescaped.
pub fn valid_nonce(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 64
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A fresh random nonce.
pub fn new_nonce() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..24)
        .map(|_| {
            let n: u8 = rng.random_range(0..36);
            (if n < 10 { b'0' + n } else { b'a' + n - 10 }) as char
        })
        .collect()
}

/// The path the `http` check fetches.
pub fn nonce_path(nonce: &str) -> String {
    format!("/.well-known/direkt-probe/{nonce}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_field_is_refused() {
        for extra in [
            r#""target":"192.0.2.1""#,
            r#""address":"192.0.2.1""#,
            r#""host":"192.0.2.1""#,
        ] {
            let body = format!(r#"{{"kind":"tcp","port":443,{extra}}}"#);
            let e = serde_json::from_str::<CheckRequest>(&body).unwrap_err();
            assert!(e.to_string().contains("unknown field"), "{e}");
        }
        assert!(serde_json::from_str::<CheckRequest>(r#"{"kind":"tcp","port":443}"#).is_ok());
    }

    #[test]
    fn nonces() {
        let n = new_nonce();
        assert!(valid_nonce(&n), "{n}");
        assert!(!valid_nonce("a/b"));
        assert!(!valid_nonce(""));
        assert!(!valid_nonce(&"a".repeat(65)));
    }
}
