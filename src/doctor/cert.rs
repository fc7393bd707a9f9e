//! The certificate on disk and the one actually served: names, chain, expiry, key match.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use serde::Serialize;

use crate::doctor::context::Ctx;
use crate::doctor::{CheckResult, Status};

/// The facts doctor needs about one certificate.
#[derive(Debug, Clone, Serialize)]
pub struct CertFacts {
    pub names: Vec<String>,
    pub subject: String,
    pub issuer: String,
    /// The start of its validity (notBefore).
    pub not_before: String,
    #[serde(skip)]
    pub not_before_unix: i64,
    pub not_after: String,
    #[serde(skip)]
    pub not_after_unix: i64,
    pub sha256: String,
    pub self_signed: bool,
}

pub fn facts(der: &[u8]) -> Result<CertFacts, String> {
    use sha2::Digest;
    let (_, c) = x509_parser::parse_x509_certificate(der).map_err(|e| e.to_string())?;
    let mut names = vec![];
    if let Ok(Some(san)) = c.subject_alternative_name() {
        for n in &san.value.general_names {
            if let x509_parser::extensions::GeneralName::DNSName(d) = n {
                names.push(d.to_ascii_lowercase());
            }
        }
    }
    let not_after_unix = c.validity().not_after.timestamp();
    let not_before_unix = c.validity().not_before.timestamp();
    Ok(CertFacts {
        names,
        subject: c.subject().to_string(),
        issuer: c.issuer().to_string(),
        not_before: crate::net::time::format_time(not_before_unix),
        not_before_unix,
        not_after: crate::net::time::format_time(not_after_unix),
        not_after_unix,
        sha256: hex(&sha2::Sha256::digest(der)),
        self_signed: c.subject().as_raw() == c.issuer().as_raw(),
    })
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Does a certificate name (possibly a wildcard) cover `name`?
pub fn covers(cert_name: &str, name: &str) -> bool {
    if cert_name == name {
        return true;
    }
    match (cert_name.strip_prefix("*."), name.split_once('.')) {
        (Some(base), Some((_, rest))) => base == rest,
        _ => false,
    }
}

/// The names the certificate must cover: the name and the aliases.
fn wanted(ctx: &Ctx<'_>) -> Vec<String> {
    ctx.config
        .map(crate::acme::wanted_names)
        .unwrap_or_default()
}

fn live_dir(ctx: &Ctx<'_>, name: &str) -> std::path::PathBuf {
    crate::acme::store::CertStore::new(&ctx.settings.paths.state_dir)
        .paths(name)
        .dir
}

fn pem_certs(pem: &str) -> Vec<Vec<u8>> {
    x509_parser::pem::Pem::iter_from_buffer(pem.as_bytes())
        .filter_map(|p| p.ok())
        .filter(|p| p.label == "CERTIFICATE")
        .map(|p| p.contents)
        .collect()
}

/// Problems common to a certificate on disk and a served one.
/// Why a certificate check is not a pass, for the summary's one word and the fix; the text is
/// for people only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cause {
    Expired,
    /// Its start date (notBefore) is still ahead: this box's clock, or a certificate dated ahead.
    NotYetValid,
    Mismatched,
    /// The web server serves an older certificate than the one on disk (never reloaded).
    Stale,
    Faulty,
}

type Problem = (Status, Cause, String);

fn judge(f: &CertFacts, want: &[String], now: i64) -> Vec<Problem> {
    let mut p = vec![];
    if f.not_before_unix > now {
        p.push((
            Status::Fail,
            Cause::NotYetValid,
            format!(
                "it is valid only from {} ({} from now by this box's clock)",
                f.not_before,
                crate::net::time::human_secs(f.not_before_unix - now)
            ),
        ));
    }
    if f.not_after_unix <= now {
        p.push((
            Status::Fail,
            Cause::Expired,
            format!("it expired on {}", f.not_after),
        ));
    } else if f.not_after_unix - now < 14 * 86400 {
        p.push((
            Status::Warn,
            Cause::Faulty,
            format!(
                "it expires in {} days ({})",
                (f.not_after_unix - now) / 86400,
                f.not_after
            ),
        ));
    }
    let missing: Vec<&String> = want
        .iter()
        .filter(|w| !f.names.iter().any(|n| covers(n, w)))
        .collect();
    if !missing.is_empty() {
        let m: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
        p.push((
            Status::Fail,
            Cause::Mismatched,
            format!(
                "it does not match {}: it is for {}",
                m.join(", "),
                if f.names.is_empty() {
                    f.subject.clone()
                } else {
                    f.names.join(", ")
                }
            ),
        ));
    }
    if f.self_signed {
        p.push((
            Status::Fail,
            Cause::Faulty,
            "it is self-signed: browsers will warn every visitor".into(),
        ));
    }
    p
}

pub async fn disk(ctx: &Ctx<'_>) -> CheckResult {
    let id = crate::doctor::CheckId::CertDisk.as_str();
    let Some(c) = ctx.config else {
        return CheckResult::skip(id, "no name configured");
    };
    if c.cert.is_none() {
        return CheckResult::skip(id, "no certificate configured ([cert])");
    }
    let dir = live_dir(ctx, c.name.as_str());
    let full = dir.join("fullchain.pem");
    let pem = match std::fs::read_to_string(&full) {
        Ok(p) => p,
        Err(e) => {
            return CheckResult::fail(
                id,
                format!(
                    "no certificate on disk for {} ({}: {e})",
                    c.name,
                    full.display()
                ),
            )
            .why("without a certificate, browsers refuse or warn on https://")
            .fix("run `direkt cert issue` (or `direkt renew`)");
        }
    };
    let chain = pem_certs(&pem);
    let Some(leaf) = chain.first() else {
        return CheckResult::fail(id, format!("{} holds no certificate", full.display()))
            .fix("run `direkt cert issue --force`");
    };
    let f = match facts(leaf) {
        Ok(f) => f,
        Err(e) => {
            return CheckResult::fail(
                id,
                format!("cannot read the certificate {}: {e}", full.display()),
            )
            .fix("run `direkt cert issue --force`");
        }
    };
    let mut problems = judge(&f, &wanted(ctx), crate::state::now_unix());
    // The chain: each certificate must be issued by the next one.
    let parsed: Vec<CertFacts> = chain.iter().filter_map(|d| facts(d).ok()).collect();
    if parsed.len() < 2 && !f.self_signed {
        problems.push((
            Status::Warn,
            Cause::Faulty,
            "the file has no intermediate certificate: some clients cannot verify it".into(),
        ));
    }
    for w in parsed.windows(2) {
        if w[0].issuer != w[1].subject {
            problems.push((
                Status::Fail,
                Cause::Faulty,
                format!(
                    "the chain is broken: \"{}\" is not issued by \"{}\"",
                    w[0].subject, w[1].subject
                ),
            ));
        }
    }
    // The private key must belong to the certificate.
    let key_path = dir.join("privkey.pem");
    let key_match = match std::fs::read_to_string(&key_path) {
        Ok(k) => match crate::acme::certinfo::parse_der(leaf) {
            Ok(info) => {
                let ok = crate::acme::certinfo::key_matches(&info, &k);
                if !ok {
                    problems.push((
                        Status::Fail,
                        Cause::Faulty,
                        "the private key does not belong to the certificate".into(),
                    ));
                }
                Some(ok)
            }
            Err(e) => {
                problems.push((
                    Status::Warn,
                    Cause::Faulty,
                    format!("cannot read the certificate: {e}"),
                ));
                None
            }
        },
        Err(e) => {
            problems.push((
                Status::Fail,
                Cause::Faulty,
                format!("the private key is missing ({}: {e})", key_path.display()),
            ));
            None
        }
    };
    result(id, "the certificate on disk", problems, &f)
        .detail("path", full.display().to_string())
        .detail("key_matches", key_match)
        .detail("chain_length", chain.len())
}

fn result(id: &str, what: &str, problems: Vec<Problem>, f: &CertFacts) -> CheckResult {
    let worst = problems.iter().map(|p| p.0).max();
    let r = match worst {
        None => CheckResult::pass(
            id,
            format!(
                "{what} is valid for {} until {} (issued by {})",
                f.names.join(", "),
                f.not_after,
                short_dn(&f.issuer)
            ),
        ),
        Some(s) => {
            let worst: Vec<&Problem> = problems.iter().filter(|p| p.0 == s).collect();
            let msgs: Vec<String> = worst.iter().map(|p| p.2.clone()).collect();
            let not_yet = worst.iter().any(|p| p.1 == Cause::NotYetValid);
            let cause = if worst.iter().any(|p| p.1 == Cause::Expired) {
                "expired"
            } else if not_yet {
                "not yet valid"
            } else if worst.iter().any(|p| p.1 == Cause::Mismatched) {
                "mismatched"
            } else {
                "faulty"
            };
            let fix = if not_yet {
                "check this box's clock (NTP: `timedatectl set-ntp true`): a clock that is behind makes a new certificate look not yet valid; if the clock is right, run `direkt cert issue --force`"
            } else {
                "run `direkt cert issue --force`, then reload the web server (or set [cert] deploy_hook)"
            };
            CheckResult::new(id, s, format!("{what} is {cause}: {}", msgs.join("; ")))
                .why("browsers and apps refuse a certificate that is expired, not yet valid, for another name, or incomplete")
                .fix(fix)
        }
    };
    r.detail("certificate", f)
}

fn short_dn(dn: &str) -> String {
    dn.split(',')
        .find_map(|p| p.trim().strip_prefix("CN="))
        .unwrap_or(dn)
        .to_string()
}

pub async fn served(ctx: &Ctx<'_>) -> CheckResult {
    let id = crate::doctor::CheckId::CertServed.as_str();
    let Some(c) = ctx.config else {
        return CheckResult::skip(id, "no name configured");
    };
    if c.cert.is_none() {
        return CheckResult::skip(id, "no certificate configured ([cert])");
    }
    let name = c.name.as_str();
    let local_addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 443);
    let t = ctx.step_timeout(3);
    let (outside, local) = tokio::join!(
        crate::doctor::reach::served_chain(ctx),
        crate::probe::tlsgrab::grab_chain(local_addr, Some(name), t)
    );
    let local_leaf = local.as_ref().ok().and_then(|g| g.chain.first().cloned());
    let (chain, seen_by) = match (outside, &local_leaf) {
        (Some((chain, by)), _) if !chain.is_empty() => (chain, by),
        (_, Some(_)) => (
            local.as_ref().map(|g| g.chain.clone()).unwrap_or_default(),
            "a local connection to port 443 (not seen from outside)".to_string(),
        ),
        _ => {
            return CheckResult::skip(
                id,
                format!(
                    "not checked: no TLS service answers on port 443 ({})",
                    local.err().map(|e| e.to_string()).unwrap_or_default()
                ),
            );
        }
    };
    let f = match facts(&chain[0]) {
        Ok(f) => f,
        Err(e) => {
            return CheckResult::fail(id, format!("the served certificate cannot be read: {e}"));
        }
    };
    let mut problems = judge(&f, &wanted(ctx), crate::state::now_unix());
    if let Some(l) = &local_leaf
        && l != &chain[0]
    {
        problems.push((
            Status::Fail,
            Cause::Faulty,
            "from outside, port 443 shows a different certificate than this box serves: another host answers".into(),
        ));
    }
    // The web server must serve what direkt renewed: else it was never reloaded.
    let disk = std::fs::read_to_string(live_dir(ctx, name).join("fullchain.pem"))
        .ok()
        .and_then(|p| pem_certs(&p).into_iter().next());
    if let Some(d) = &disk
        && d != &chain[0]
        && problems.is_empty()
    {
        problems.push((
            Status::Warn,
            Cause::Stale,
            "it is not the certificate direkt has on disk: the web server still serves an older one".into(),
        ));
    }
    let stale = problems.iter().any(|p| p.1 == Cause::Stale);
    let mut r = result(
        id,
        &format!("the certificate served on port 443 (seen by {seen_by})"),
        problems,
        &f,
    );
    if r.status == Status::Warn && stale {
        r = r.fix("reload the web server after each renewal: set [cert] deploy_hook (e.g. \"systemctl reload nginx\")");
    }
    r.detail("seen_by", seen_by)
        .detail("matches_disk", disk.map(|d| d == chain[0]))
        .detail("chain_length", chain.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn cert(not_before: i64, not_after: i64) -> CertFacts {
        CertFacts {
            names: vec!["box.example.test".into()],
            subject: "CN=box.example.test".into(),
            issuer: "CN=Pebble Intermediate".into(),
            not_before: crate::net::time::format_time(not_before),
            not_before_unix: not_before,
            not_after: crate::net::time::format_time(not_after),
            not_after_unix: not_after,
            sha256: String::new(),
            self_signed: false,
        }
    }

    #[test]
    fn a_certificate_whose_start_date_is_ahead_fails_as_not_yet_valid() {
        let want = vec!["box.example.test".to_string()];
        let f = cert(NOW + 2 * 86_400, NOW + 90 * 86_400);
        let p = judge(&f, &want, NOW);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!((p[0].0, p[0].1), (Status::Fail, Cause::NotYetValid));
        let r = result("cert.disk", "the certificate on disk", p, &f);
        assert_eq!(r.status, Status::Fail);
        assert!(
            r.summary
                .contains("is not yet valid: it is valid only from"),
            "{}",
            r.summary
        );
        assert!(r.summary.contains("2 d 0 h from now"), "{}", r.summary);
        assert!(r.fix.as_deref().unwrap().contains("clock"), "{:?}", r.fix);
        // Started a minute ago: fine.
        assert!(judge(&cert(NOW - 60, NOW + 90 * 86_400), &want, NOW).is_empty());
    }
}
