//! The outside view without a probe server of one's own, in this order:
//! 1. a port check in the style of echoip (`[ip] port_check`, by default ifconfig.co), asked
//!    only while no direkt probe server is configured;
//! 2. the CA as a witness: the last HTTP-01 / TLS-ALPN-01 validation reached the port from
//!    outside (recorded in the state by `cert issue` / `renew` / `setup`), shown when no probe
//!    answers: pass while fresh, warn when the address changed since;
//! 3. only without both: "not checked from outside", saying how to get an outside view.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use crate::acme::witness::CaWitness;
use crate::config::Protocol;
use crate::doctor::context::Ctx;
use crate::doctor::local::Listening;
use crate::doctor::network::Family;
use crate::doctor::reach::{PortReach, PortSlot, mapping_fix, tcp_responder};
use crate::doctor::{CheckId, CheckResult};
use crate::probe::api::new_nonce;
use crate::probe::client::{Bind, ProbeCause};
use crate::probe::echoip::PortAnswer;

/// The skip reason of a port nobody outside can check.
pub const NOTHING_CONFIGURED: &str =
    "no probe server ([ip] probe) and no port check ([ip] port_check) is configured";

/// How to get an outside view, for the fix of every "not checked from outside".
pub const HOW_TO_SEE_FROM_OUTSIDE: &str = "get an outside view: add a port check to [ip] port_check (its default is https://ifconfig.co), or a direkt probe server to [ip] probe (or pass --probe URL); or let the CA witness port 80/443 by issuing a certificate with http-01 or tls-alpn-01 (`direkt cert issue`)";

/// What one port check said about one port.
#[derive(Debug, Clone, Serialize)]
pub struct PortCheckSeen {
    pub url: String,
    pub answer: PortAnswer,
    /// doctor answered the port itself and saw the connection arrive (Some(false): it did
    /// not: whatever accepted it is not this box).
    pub arrived: Option<bool>,
}

/// Ask the port checks about one TCP port (doctor answers the port itself while nothing
/// listens, and counts what arrives).
pub async fn probe_port(ctx: &Ctx<'_>, slot: &PortSlot) -> PortReach {
    let mut r = PortReach::default();
    let spec = slot.spec;
    if spec.protocol == Protocol::Udp {
        r.skipped = Some(
            "port checks (echoip style) test TCP only; UDP needs a direkt probe server ([ip] probe)"
                .into(),
        );
        return r;
    }
    let v4 = ctx
        .ports
        .iter()
        .find(|s| s.family == Family::Ipv4 && s.spec == spec);
    let accepted = match v4 {
        // The IPv4 check of the same port started the responder (and ran first, so the two
        // never count each other's connections).
        Some(v4) if slot.family == Family::Ipv6 => {
            let first: std::pin::Pin<Box<dyn std::future::Future<Output = &PortReach> + '_>> =
                Box::pin(v4.reach(ctx));
            let first = first.await;
            r.responder = first.responder;
            first.accepted.clone()
        }
        _ => start_responder(ctx, slot, &mut r).await,
    };
    let bind = match slot.family {
        Family::Ipv4 => Bind::V4,
        Family::Ipv6 => Bind::V6,
    };
    let count = |a: &Option<Arc<AtomicUsize>>| a.as_ref().map(|c| c.load(Ordering::SeqCst));
    let mut errors = vec![];
    for url in &ctx.port_checks {
        let before = count(&accepted);
        match crate::probe::echoip::check(url, bind, ctx.remaining(), spec.external).await {
            Ok(answer) => {
                let arrived = before.zip(count(&accepted)).map(|(b, a)| a > b);
                r.probe = Some(url.clone());
                r.port_check = Some(PortCheckSeen {
                    url: url.clone(),
                    answer,
                    arrived,
                });
                r.accepted = accepted;
                return r;
            }
            Err(e) => {
                r.probe_busy |= e.cause == ProbeCause::Busy;
                errors.push(e.to_string());
            }
        }
    }
    r.accepted = accepted;
    r.port_check_failed = true;
    r.error = Some(errors.join("; "));
    r
}

async fn start_responder(
    ctx: &Ctx<'_>,
    slot: &PortSlot,
    r: &mut PortReach,
) -> Option<Arc<AtomicUsize>> {
    if slot.listening(ctx).await != Listening::No {
        return None;
    }
    r.nonce = new_nonce();
    match tcp_responder(ctx, slot.spec.internal, &r.nonce).await {
        Ok(c) => {
            r.responder = true;
            Some(c)
        }
        Err(e) => {
            tracing::debug!("cannot answer port {} myself: {e}", slot.spec.internal);
            None
        }
    }
}

/// The reach verdict from a port check's answer.
pub async fn port_check_result(
    ctx: &Ctx<'_>,
    slot: &PortSlot,
    r: &PortReach,
    seen: &PortCheckSeen,
) -> CheckResult {
    let id = slot.id();
    let spec = slot.spec;
    let a = &seen.answer;
    let at = SocketAddr::new(a.ip, a.port);
    let url = &seen.url;
    let res = match (a.reachable, seen.arrived) {
        (true, Some(true)) => CheckResult::pass(
            &id,
            format!(
                "port {spec} is reachable from outside: the port check {url} connected to {at} and reached this box (doctor answered port {} itself, nothing else listens there)",
                spec.internal
            ),
        ),
        (true, Some(false)) => CheckResult::fail(
            &id,
            format!(
                "port {spec} at {at} is answered by another host, not this box: the port check {url} connected, but nothing arrived here"
            ),
        )
        .why("visitors reach some other device (often the router's own web interface) instead of the box")
        .fix(format!(
            "point the router's forwarding of port {} at this box ({}), or free the port on the router (move its remote administration elsewhere)",
            spec.external,
            ctx.local.lan_v4().map(|a| a.to_string()).unwrap_or_else(|| "its LAN address".into())
        )),
        (true, None) => CheckResult::pass(
            &id,
            format!(
                "port {spec} is reachable from outside: the port check {url} connected to {at} (a port check sees only that a connection was accepted, not by which host)"
            ),
        ),
        (false, _) => CheckResult::fail(
            &id,
            format!(
                "port {spec} cannot be reached from outside: the port check {url} could not connect to {at} (refused or timed out; an echoip-style check does not say which)"
            ),
        )
        .why("no forwarding on the router leads to a listening service, or a firewall or the provider drops the connections")
        .fix(mapping_fix(ctx, slot)),
    };
    let public = ctx.public_ip(slot.family).await;
    let res = match public {
        Some(p) if p != a.ip => res.detail("public_address", p),
        _ => res,
    };
    res.detail("port_check", url)
        .detail("address", a.ip)
        .detail("port", a.port)
        .detail("reachable", a.reachable)
        .detail("arrived", seen.arrived)
        .detail("responder", r.responder)
}

/// The reach check of a port the probes did not answer for: the CA's last visit, if one
/// reached this port.
pub async fn witness_result(
    ctx: &Ctx<'_>,
    slot: &PortSlot,
    why_no_probe: &str,
) -> Option<CheckResult> {
    if slot.spec.protocol != Protocol::Tcp {
        return None;
    }
    let state = crate::state::StateDir::new(&ctx.settings.paths.state_dir)
        .read()
        .ok()
        .flatten()?;
    let w = pick_witness(&state.cert.witnesses, slot, ctx.name())?;
    let family = slot.family;
    let changed = state.ddns.changed.get(family).cloned();
    let published = state.ddns.published(family).map(|p| p.address);
    // The address seen now counts first when it is another one (not published yet).
    let current = match (ctx.public_ip(family).await, published) {
        (Some(seen), _) if Some(seen) != w.address => Some(seen),
        (_, p) => p,
    };
    Some(
        witness_verdict(
            &slot.id(),
            slot,
            w,
            changed.map(|c| (c.address, c.at)),
            current,
            crate::state::now_unix(),
        )
        .detail("no_probe_answer", why_no_probe),
    )
}

/// The newest witness of the slot's external port and family, the configured name's first.
pub fn pick_witness<'a>(
    all: &'a [CaWitness],
    slot: &PortSlot,
    name: Option<&str>,
) -> Option<&'a CaWitness> {
    let family_ok = |w: &CaWitness| match w.address {
        Some(a) => (slot.family == Family::Ipv6) == a.is_ipv6(),
        None => slot.family == Family::Ipv4,
    };
    let mut fit: Vec<&CaWitness> = all
        .iter()
        .filter(|w| w.port == slot.spec.external && family_ok(w))
        .collect();
    fit.sort_by_key(|w| (Some(w.name.as_str()) == name, w.at));
    fit.last().copied()
}

/// Pass while the address the CA reached is still the box's; warn when it changed since.
/// `changed`: the current address and when it was first published; `current`: the address
/// published (or seen) now.
pub fn witness_verdict(
    id: &str,
    slot: &PortSlot,
    w: &CaWitness,
    changed: Option<(IpAddr, i64)>,
    current: Option<IpAddr>,
    now: i64,
) -> CheckResult {
    let spec = slot.spec;
    let when = format!(
        "{} ({})",
        crate::net::time::format_time(w.at),
        crate::net::time::relative(w.at, now)
    );
    let target = match w.address {
        Some(a) => SocketAddr::new(a, w.port).to_string(),
        None => format!("{}:{}", w.name, w.port),
    };
    let whose = if w.from_record {
        "the CA's validation record"
    } else {
        "the CA gives no validation record; the address is the one the name had when ordering"
    };
    let moved_after = changed.filter(|(_, since)| *since > w.at);
    let other_now = current.filter(|c| w.address.is_some_and(|a| a != *c));
    let res = match (moved_after, other_now) {
        (None, None) => CheckResult::pass(
            id,
            format!(
                "port {spec} was reachable from outside when the CA validated {} ({}): it connected to {target} at {when}; no probe checked it now ({whose})",
                w.name, w.challenge
            ),
        ),
        (moved, other) => {
            let now_addr = other
                .or(moved.map(|(a, _)| a))
                .map(|a| a.to_string())
                .unwrap_or_else(|| "another address".into());
            let since = moved
                .map(|(_, t)| format!(" on {}", crate::net::time::format_time(t)))
                .unwrap_or_default();
            CheckResult::warn(
                id,
                format!(
                    "not checked from outside since the address changed: the CA last reached port {spec} at {target} at {when} ({}), but the address is {now_addr} now (changed{since})",
                    w.challenge
                ),
            )
            .why("the CA's visit proves the forwarding worked for the old address only; nothing has looked from outside since the change")
            .fix(format!("run `direkt renew --force` (or `direkt cert issue`) so the CA looks again, or {HOW_TO_SEE_FROM_OUTSIDE}"))
        }
    };
    res.detail("witness", w)
        .detail("evidence", "ca")
        .detail("address", w.address)
        .detail("port", w.port)
}

/// `probe.port_check`: the echoip-style port checks answer.
pub async fn port_check_reachable(ctx: &Ctx<'_>) -> CheckResult {
    let id = CheckId::ProbePortCheck.as_str();
    if ctx.port_checks.is_empty() {
        let why = if !ctx.probes.is_empty() {
            "not used: a direkt probe server is configured ([ip] probe), whose checks say more"
        } else {
            "no port check configured ([ip] port_check)"
        };
        return CheckResult::skip(id, why);
    }
    let mut errors: Vec<String> = vec![];
    let mut busy = false;
    let mut asked = false;
    for slot in &ctx.ports {
        let r = slot.reach(ctx).await;
        if let Some(seen) = &r.port_check {
            return CheckResult::pass(id, format!("the port check {} answered", seen.url))
                .detail("port_checks", &ctx.port_checks);
        }
        if r.port_check_failed {
            asked = true;
            busy |= r.probe_busy;
            errors.extend(r.error.clone());
        }
    }
    if !asked {
        return CheckResult::skip(id, "no TCP port to check");
    }
    errors.dedup();
    let errors = errors.join("; ");
    let res = if busy {
        CheckResult::warn(id, format!("the port check asks to wait ({errors})"))
            .why("port checks limit how often one address may ask")
            .fix("run doctor again in a minute")
            .detail("rate_limited", true)
    } else {
        CheckResult::fail(
            id,
            format!(
                "no port check answered ({}): {errors}",
                ctx.port_checks.join(", ")
            ),
        )
        .why("without a vantage point outside, doctor cannot tell whether the box is reachable from the internet")
        .fix("check the URLs in [ip] port_check and that this box can reach them; or configure a direkt probe server in [ip] probe")
    };
    res.detail("port_checks", &ctx.port_checks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Status;

    fn slot(port: u16) -> PortSlot {
        PortSlot::new(port.to_string().parse().unwrap(), Family::Ipv4)
    }

    fn witness(at: i64) -> CaWitness {
        CaWitness {
            name: "box.example.test".into(),
            challenge: "http-01".into(),
            address: Some("203.0.113.2".parse().unwrap()),
            port: 80,
            at,
            url: None,
            from_record: false,
        }
    }

    #[test]
    fn the_cas_visit_passes_while_fresh_and_warns_after_an_address_change() {
        let s = slot(80);
        let a: IpAddr = "203.0.113.2".parse().unwrap();
        let w = witness(1_000);
        let r = witness_verdict("reach.tcp.80", &s, &w, Some((a, 500)), Some(a), 2_000);
        assert_eq!(r.status, Status::Pass, "{}", r.summary);
        assert!(r.summary.contains("203.0.113.2:80"), "{}", r.summary);
        assert_eq!(r.details["evidence"], "ca");
        // Published anew after the visit.
        let b: IpAddr = "203.0.113.9".parse().unwrap();
        let r = witness_verdict("reach.tcp.80", &s, &w, Some((b, 1_500)), Some(b), 2_000);
        assert_eq!(r.status, Status::Warn, "{}", r.summary);
        assert!(r.summary.contains("203.0.113.9"), "{}", r.summary);
        // Seen elsewhere now, without a recorded change (an older state).
        let r = witness_verdict("reach.tcp.80", &s, &w, None, Some(b), 2_000);
        assert_eq!(r.status, Status::Warn);
    }

    #[test]
    fn the_witness_of_the_port_and_family_is_picked_newest_first() {
        let mut v6 = witness(3_000);
        v6.address = Some("2001:db8::2".parse().unwrap());
        let mut tls = witness(4_000);
        tls.port = 443;
        let all = vec![witness(1_000), witness(2_000), v6, tls];
        let w = pick_witness(&all, &slot(80), Some("box.example.test")).unwrap();
        assert_eq!(w.at, 2_000);
        assert_eq!(pick_witness(&all, &slot(443), None).unwrap().at, 4_000);
        assert!(pick_witness(&all, &slot(8443), None).is_none());
    }
}
