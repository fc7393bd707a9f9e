//! `nat.dslite`: is this a DS-Lite line (shared IPv4 through the provider's AFTR, RFC 6333)?
//! Judged from what the box itself sees (`crate::net::nat::DsLiteSign`): the router's WAN
//! address the gateway checks found, the address detection's signs (a router without IPv4, the
//! AFTR among the first hops of a TTL-limited probe). The verdict says it in plain words: who
//! can reach the box (over IPv6), who cannot (IPv4-only visitors), and the options.

use crate::doctor::CheckResult;
use crate::doctor::context::Ctx;
use crate::doctor::network::Family;
use crate::net::nat::{DSLITE_FIX, DSLITE_WHY, DsLiteSign, NO_WAY_IN, is_dslite, is_dslite_line};

/// Everything that says DS-Lite: the WAN address the gateway checks already found first, then
/// the address detection's own signs.
async fn signs(ctx: &Ctx<'_>) -> Vec<DsLiteSign> {
    let mut out = vec![];
    let view = crate::doctor::gateway::view(ctx).await;
    if let Some(wan) = view.wan.filter(|w| is_dslite(*w)) {
        out.push(DsLiteSign::RouterWan { address: wan });
    }
    // The router answered UPnP or NAT-PMP (both report the WAN address) and had none, while
    // the outside sees this box over IPv4: its IPv4 is somebody else's. (PCP alone reports no
    // address without a mapping, so it says nothing here.)
    let asked_and_empty = view.discovery.as_ref().is_some_and(|d| {
        (d.upnp.is_some() || d.natpmp.is_some()) && d.external_address().is_none()
    });
    if asked_and_empty && ctx.public_ip(Family::Ipv4).await.is_some() {
        out.push(DsLiteSign::RouterHasNoIpv4);
    }
    // The detection ran for public.ipv4 (shared, not asked twice).
    let _ = ctx.public(Family::Ipv4).await;
    if let Some(fd) = ctx.detection.get().and_then(|d| d.ipv4.as_ref()) {
        for s in &fd.dslite_signs {
            if !out.contains(s) {
                out.push(s.clone());
            }
        }
    }
    out
}

/// Whether this is a DS-Lite line (for the checks whose expectations it changes: no A record,
/// no way in over IPv4).
/// A relay bridges the shared IPv4: then the A record is the VPS's and IPv4 ports are reached
/// through it, as on any other line.
pub async fn on_dslite(ctx: &Ctx<'_>) -> bool {
    ctx.relay.is_none() && ctx.family_enabled(Family::Ipv4) && is_dslite_line(&signs(ctx).await)
}

/// The probe server reached a port over IPv6 but not the same port over IPv4 (the port checks'
/// own results, not asked again).
async fn reached_over_ipv6_only(ctx: &Ctx<'_>) -> bool {
    use crate::probe::api::Outcome;
    for v6 in ctx.ports.iter().filter(|s| s.family == Family::Ipv6) {
        let Some(v4) = ctx
            .ports
            .iter()
            .find(|s| s.family == Family::Ipv4 && s.spec == v6.spec)
        else {
            continue;
        };
        if v6.reach(ctx).await.outcome() == Some(Outcome::Open)
            && v4.reach(ctx).await.outcome() != Some(Outcome::Open)
        {
            return true;
        }
    }
    false
}

pub async fn check(ctx: &Ctx<'_>) -> CheckResult {
    let id = crate::doctor::CheckId::NatDslite.as_str();
    if !ctx.family_enabled(Family::Ipv4) {
        return CheckResult::skip(id, "IPv4 is turned off ([ip] ipv4 = false)");
    }
    let mut signs = signs(ctx).await;
    // Weak alone (a missing forwarding looks the same), but worth naming beside the others.
    if !signs.is_empty() && reached_over_ipv6_only(ctx).await {
        signs.push(DsLiteSign::ReachedOverIpv6Only);
    }
    let said: Vec<String> = signs.iter().map(|s| s.to_string()).collect();
    if !is_dslite_line(&signs) {
        return CheckResult::pass(id, "no sign of DS-Lite: the router has IPv4 of its own")
            .detail("signs", &signs);
    }
    if let Some(r) = &ctx.relay {
        return CheckResult::pass(
            id,
            format!(
                "shared IPv4 (DS-Lite), bridged by the relay: IPv4 visitors reach this box through the VPS {}, IPv6 visitors directly",
                r.address
            ),
        )
        .detail("dslite", true)
        .detail("relay", r.address)
        .detail("signs", &signs);
    }
    let shared = ctx.public_ip(Family::Ipv4).await;
    let v6 = if ctx.family_enabled(Family::Ipv6) {
        ctx.public_ip(Family::Ipv6).await
    } else {
        None
    }
    .or_else(|| ctx.local.global_v6().map(Into::into));
    let shared_txt = shared
        .map(|a| {
            format!(" (the internet sees {a}, the provider's AFTR, shared with other customers)")
        })
        .unwrap_or_default();
    let r = match v6 {
        Some(v6) => CheckResult::warn(
            id,
            format!(
                "shared IPv4 (DS-Lite){shared_txt}: the box is reachable over IPv6 only, at {v6}; visitors and networks with IPv4 only cannot reach it"
            ),
        )
        .why(format!("{DSLITE_WHY} (seen: {})", said.join("; ")))
        .fix(format!(
            "{DSLITE_FIX}; direkt publishes AAAA only and opens IPv6 pinholes on the router"
        ))
        .detail("ipv6", v6),
        None => CheckResult::fail(
            id,
            format!("shared IPv4 (DS-Lite){shared_txt} and no IPv6: {NO_WAY_IN}"),
        )
        .why(format!("{DSLITE_WHY} (seen: {})", said.join("; ")))
        .fix("set up `direkt relay` on a server you control, or ask the provider for a public IPv4 address or a dual-stack line; if the router has IPv6, turn it on and set `[ip] ipv6 = true`"),
    };
    r.detail("dslite", true)
        .detail("signs", &signs)
        .detail("shared_ipv4", shared)
}
