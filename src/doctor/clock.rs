//! `local.clock`: this box's clock against the `Date` header of servers direkt talks to anyway
//! (the probe server, the CA's directory). A clock off by minutes breaks TSIG (BADTIME), makes
//! a fresh certificate look not yet valid and TLS fail.

use std::time::Duration;

use serde::Serialize;

use crate::doctor::CheckResult;
use crate::doctor::context::Ctx;
use crate::net::time::{human_secs, parse_http_date};

/// Off by more than this: a warning.
pub const WARN_SKEW: i64 = 60;
/// Off by more than this: a failure (TSIG allows 300 s; ACME and TLS stop working soon after).
pub const FAIL_SKEW: i64 = 300;

/// One server's time against ours.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sample {
    pub server: String,
    /// Server time minus this box's time, seconds: positive when this box is behind.
    pub skew: i64,
}

pub async fn check(ctx: &Ctx<'_>) -> CheckResult {
    let t = ctx.step_timeout(4);
    let mut urls = vec![];
    if let Some(p) = ctx.probes.first() {
        urls.push((format!("{}/v1/ip", p.trim_end_matches('/')), None));
    }
    if let Some(cert) = ctx.config.and_then(|c| c.cert.as_ref()) {
        urls.push((
            crate::acme::client::directory_url(&cert.ca),
            cert.ca_bundle.clone(),
        ));
    }
    let asks = urls
        .into_iter()
        .map(|(url, bundle)| async move { sample(&url, bundle.as_deref(), t).await });
    let samples: Vec<Sample> = futures_util::future::join_all(asks)
        .await
        .into_iter()
        .flatten()
        .collect();
    verdict(&samples)
}

/// Ask `url` and compare its `Date` with the middle of the request.
async fn sample(url: &str, bundle: Option<&std::path::Path>, t: Duration) -> Option<Sample> {
    let mut b = crate::net::http::builder(t).redirect(reqwest::redirect::Policy::none());
    if let Some(path) = bundle {
        let pem = std::fs::read(path).ok()?;
        for c in reqwest::Certificate::from_pem_bundle(&pem).ok()? {
            b = b.add_root_certificate(c);
        }
    }
    let client = b.build().ok()?;
    let t0 = crate::state::now_unix_f64();
    let resp = client.get(url).send().await.ok()?;
    let t1 = crate::state::now_unix_f64();
    let date = resp.headers().get(reqwest::header::DATE)?.to_str().ok()?;
    let server = parse_http_date(date)?;
    // The Date is whole seconds, taken somewhere in the request: compare with its middle.
    let skew = (server as f64 + 0.5 - (t0 + t1) / 2.0).round() as i64;
    let host = reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| url.to_string());
    Some(Sample { server: host, skew })
}

/// The verdict from the samples: the one closest to this box's time decides (one server with
/// a wrong clock does not make this box's clock wrong).
pub fn verdict(samples: &[Sample]) -> CheckResult {
    let id = crate::doctor::CheckId::LocalClock.as_str();
    let Some(best) = samples.iter().min_by_key(|s| s.skew.abs()) else {
        return CheckResult::skip(
            id,
            "not checked: no probe server or CA answered with its time",
        );
    };
    let off = best.skew.abs();
    let how = if best.skew > 0 { "behind" } else { "ahead of" };
    let said = format!(
        "this box's clock is {} {how} {}'s",
        human_secs(off),
        best.server
    );
    let r = if off > FAIL_SKEW {
        CheckResult::fail(id, said)
    } else if off > WARN_SKEW {
        CheckResult::warn(id, said)
    } else {
        let servers: Vec<&str> = samples.iter().map(|s| s.server.as_str()).collect();
        return CheckResult::pass(
            id,
            format!(
                "this box's clock agrees with {} (within {} s)",
                servers.join(", "),
                off
            ),
        )
        .detail("samples", samples);
    };
    r.why("a wrong clock makes DNS updates fail (TSIG BADTIME beyond 300 s), a new certificate look not yet valid, and TLS fail")
        .fix("set the clock and keep it right with NTP: `timedatectl set-ntp true` (systemd-timesyncd) or chrony")
        .detail("samples", samples)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Status;

    fn s(server: &str, skew: i64) -> Sample {
        Sample {
            server: server.into(),
            skew,
        }
    }

    #[test]
    fn the_clock_warns_over_a_minute_and_fails_over_five() {
        assert_eq!(verdict(&[]).status, Status::Skip);
        assert_eq!(verdict(&[s("probe", 3)]).status, Status::Pass);
        assert_eq!(verdict(&[s("probe", 60)]).status, Status::Pass);
        let w = verdict(&[s("probe", -61)]);
        assert_eq!(w.status, Status::Warn);
        assert!(
            w.summary.contains("1 min 1 s ahead of probe's"),
            "{}",
            w.summary
        );
        let f = verdict(&[s("acme", 2 * 86_400)]);
        assert_eq!(f.status, Status::Fail);
        assert!(f.summary.contains("2 d 0 h behind acme's"), "{}", f.summary);
        assert!(f.fix.as_deref().unwrap().contains("NTP"));
        // The server closest to our time decides.
        assert_eq!(verdict(&[s("a", 900), s("b", 2)]).status, Status::Pass);
        // The clock is the cause before the certificate and the credentials it breaks.
        let p = |id: &str| {
            id.parse::<crate::doctor::CheckId>()
                .unwrap()
                .priority(false)
        };
        assert!(p("local.clock") < p("cert.disk"));
        assert!(p("local.clock") < p("provider.credentials"));
    }
}
