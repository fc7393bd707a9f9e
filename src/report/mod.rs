//! The support bundle and its redaction. Redaction works in three layers, so a secret that one
//! layer misses is caught by the next: fields whose names say "secret" are blanked in the JSON
//! tree; passwords in URLs and PEM private keys are cut out of every string; and finally every
//! known secret value (secrets file, `*_file`, environment) is replaced wherever it appears in
//! the finished text.
//!
//! `rebuild`: a report rebuilt in the lab (`lab up --from-report`, `lab replay`).

pub(crate) mod rebuild;

use serde_json::Value;

pub const REDACTED: &str = "***";

/// Field names whose string values are secrets, whatever section they are in.
fn is_secret_field(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    if k.ends_with("_file") || k == "key_name" || k == "key" || k == "eab_kid" {
        return false;
    }
    [
        "password",
        "passwd",
        "token",
        "secret",
        "hmac",
        "private",
        "privkey",
        "credential",
        "pkcs8",
        "account_key",
        "api_key",
        "apikey",
        "consumer_key",
    ]
    .iter()
    .any(|s| k.contains(s))
}

/// Blank secret-named fields and scrub every string in a JSON tree.
pub fn redact_value(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, item) in map.iter_mut() {
                if is_secret_field(k) && (item.is_string() || item.is_number()) {
                    *item = Value::String(REDACTED.into());
                } else {
                    redact_value(item);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_value),
        Value::String(s) => *s = scrub_text(s),
        _ => {}
    }
}

/// Cut passwords out of URLs (`https://user:pass@host` -> `https://user:***@host`) and replace
/// PEM private key blocks.
pub fn scrub_text(text: &str) -> String {
    redact_pem_keys(&redact_url_passwords(text))
}

fn redact_url_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        // The authority ends at the first '/', '?', '#', whitespace or quote.
        let end = tail
            .find(|c: char| matches!(c, '/' | '?' | '#' | '"' | '\'') || c.is_whitespace())
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(at) => {
                let userinfo = &authority[..at];
                match userinfo.split_once(':') {
                    Some((user, _pass)) => {
                        out.push_str(user);
                        out.push(':');
                        out.push_str(REDACTED);
                    }
                    // A lone user part can be a token (`https://TOKEN@host`).
                    None if userinfo.len() >= 16 => out.push_str(REDACTED),
                    None => out.push_str(userinfo),
                }
                out.push_str(&authority[at..]);
            }
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn redact_pem_keys(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let header_end = rest[start..]
            .find("-----\n")
            .or(rest[start + 11..].find("-----").map(|i| i + 11));
        let Some(header_end) = header_end else { break };
        let header = &rest[start..start + header_end];
        if !header.contains("PRIVATE KEY") {
            out.push_str(&rest[..start + header_end]);
            rest = &rest[start + header_end..];
            continue;
        }
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("-----END ")
            .and_then(|e| {
                rest[start + e + 9..]
                    .find("-----")
                    .map(|f| start + e + 9 + f + 5)
            })
            .unwrap_or(rest.len());
        out.push_str("[private key redacted]");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Replace every known secret value wherever it appears, also JSON-escaped.
pub fn scrub_known(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_string();
    let mut secrets: Vec<&String> = secrets.iter().filter(|s| s.len() >= 4).collect();
    // Longest first, so a secret containing another is replaced whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for s in secrets {
        out = out.replace(s.as_str(), REDACTED);
        let escaped = serde_json::to_string(s).unwrap_or_default();
        let escaped = escaped.trim_matches('"');
        if escaped != s.as_str() && !escaped.is_empty() {
            out = out.replace(escaped, REDACTED);
        }
    }
    out
}

/// The OS name from /etc/os-release (PRETTY_NAME), if any.
pub fn os_name() -> Option<String> {
    let text = std::fs::read_to_string("/etc/os-release").ok()?;
    text.lines().find_map(|l| {
        l.strip_prefix("PRETTY_NAME=")
            .map(|v| v.trim_matches('"').to_string())
    })
}

/// Kernel name, release and machine, as `uname -srm` prints them.
pub fn kernel() -> Option<String> {
    // SAFETY: uname fills a zeroed struct we own; the fields are NUL-terminated C strings.
    unsafe {
        let mut u: libc::utsname = std::mem::zeroed();
        if libc::uname(&mut u) != 0 {
            return None;
        }
        let s = |f: &[libc::c_char]| {
            std::ffi::CStr::from_ptr(f.as_ptr())
                .to_string_lossy()
                .into_owned()
        };
        Some(format!(
            "{} {} {}",
            s(&u.sysname),
            s(&u.release),
            s(&u.machine)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_passwords_are_cut() {
        assert_eq!(
            redact_url_passwords("server = \"https://user:hunter2@dyn.example/nic?x=1\""),
            "server = \"https://user:***@dyn.example/nic?x=1\""
        );
        assert_eq!(
            redact_url_passwords("https://dyn.example/a@b"),
            "https://dyn.example/a@b"
        );
        assert_eq!(
            redact_url_passwords("see https://0123456789abcdef0123@host/x"),
            "see https://***@host/x"
        );
    }

    #[test]
    fn pem_private_keys_are_cut_but_certificates_stay() {
        let t = "a\n-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----\nz";
        let r = redact_pem_keys(t);
        assert!(r.contains("BEGIN CERTIFICATE"), "{r}");
        assert!(!r.contains("MHcCAQEE"), "{r}");
        assert!(r.ends_with("[private key redacted]\nz"), "{r}");
    }

    #[test]
    fn secret_fields_and_known_values_are_replaced() {
        let mut v = serde_json::json!({
            "ddns": {"token": "abc", "key_name": "ddns-key", "token_file": "/etc/t"},
            "acme": {"account": {"private_key_pkcs8": "MIGH"}},
            "note": "the secret is Zm9vYmFy\"x"
        });
        redact_value(&mut v);
        assert_eq!(v["ddns"]["token"], REDACTED);
        assert_eq!(v["ddns"]["key_name"], "ddns-key");
        assert_eq!(v["ddns"]["token_file"], "/etc/t");
        assert_eq!(v["acme"]["account"]["private_key_pkcs8"], REDACTED);
        let text = serde_json::to_string(&v).unwrap();
        let out = scrub_known(&text, &["Zm9vYmFy\"x".to_string()]);
        assert!(!out.contains("Zm9vYmFy"), "{out}");
    }
}
