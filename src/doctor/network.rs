//! The network between the box and the internet: the gateway, its WAN address, the public
//! address seen from outside, CGNAT and double NAT, the router's mappings, the DNS provider's
//! credentials and the last renew.

use std::net::IpAddr;

use serde::Serialize;

use crate::doctor::context::Ctx;
use crate::doctor::{CheckResult, Status};
use crate::probe::client::{Bind, ProbeClient};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    pub fn label(self) -> &'static str {
        match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        }
    }
    pub fn matches(self, ip: &IpAddr) -> bool {
        matches!(
            (self, ip),
            (Family::V4, IpAddr::V4(_)) | (Family::V6, IpAddr::V6(_))
        )
    }
}

/// One outside source's answer.
#[derive(Debug, Clone, Serialize)]
pub struct SourceAnswer {
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<IpAddr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The public address of one family as seen from outside.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PublicView {
    pub address: Option<IpAddr>,
    pub sources: Vec<SourceAnswer>,
    /// The sources disagree.
    pub conflict: bool,
}

/// Ask every probe server (bound to the family) for our address, concurrently.
pub async fn find_public(ctx: &Ctx<'_>, family: Family) -> PublicView {
    let bind = match family {
        Family::V4 => Bind::V4,
        Family::V6 => Bind::V6,
    };
    let timeout = ctx.step_timeout(3);
    let asks = ctx.probes.iter().map(|url| async move {
        let r = match ProbeClient::new(url, bind, timeout) {
            Ok(c) => c.my_address().await,
            Err(e) => Err(e),
        };
        match r {
            Ok(a) if family.matches(&a.address) => SourceAnswer {
                source: url.clone(),
                address: Some(a.address),
                error: None,
            },
            Ok(a) => SourceAnswer {
                source: url.clone(),
                address: None,
                error: Some(format!("answered a {} address", a.address)),
            },
            Err(e) => SourceAnswer {
                source: url.clone(),
                address: None,
                error: Some(e.to_string()),
            },
        }
    });
    let sources = futures_util::future::join_all(asks).await;
    let mut seen: Vec<IpAddr> = sources.iter().filter_map(|s| s.address).collect();
    seen.sort();
    seen.dedup();
    PublicView {
        address: seen.first().copied(),
        conflict: seen.len() > 1,
        sources,
    }
}

/// Reserved ranges are never public, except prefixes the config declares public (the lab's
/// documentation ranges).
pub fn is_public(ip: IpAddr, extra: &[ipnet::IpNet]) -> bool {
    if extra.iter().any(|n| n.contains(&ip)) {
        return true;
    }
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_multicast()
                || is_cgnat(ip)
                || o[0] == 0
                || o[0] >= 240
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || (o[0] == 198 && (o[1] & 0xfe) == 18))
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            (s[0] & 0xe000) == 0x2000 && !(s[0] == 0x2001 && s[1] == 0x0db8)
        }
    }
}

pub fn is_cgnat(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            o[0] == 100 && (o[1] & 0xc0) == 64
        }
        IpAddr::V6(_) => false,
    }
}

pub fn is_rfc1918(ip: IpAddr) -> bool {
    matches!(ip, IpAddr::V4(v4) if v4.is_private())
}

pub async fn public_address(ctx: &Ctx<'_>, family: Family) -> CheckResult {
    let id = match family {
        Family::V4 => "public.ipv4",
        Family::V6 => "public.ipv6",
    };
    if !ctx.family_enabled(family) {
        return CheckResult::skip(
            id,
            match family {
                Family::V4 => "IPv4 is turned off ([ip] ipv4 = false)",
                Family::V6 => "IPv6 is not in use ([ip] ipv6 = false, or no global IPv6 address)",
            },
        );
    }
    if ctx.probes.is_empty() {
        return CheckResult::skip(
            id,
            format!(
                "no probe server is configured to tell the {} address the internet sees ([ip] probe)",
                family.label()
            ),
        )
        .fix("add a direkt probe server URL to [ip] probe, or pass --probe URL");
    }
    let view = ctx.public(family).await;
    let r = match (view.address, view.conflict) {
        (Some(a), false) => CheckResult::pass(id, format!("the internet sees this box as {a}")),
        (Some(_), true) => {
            let list: Vec<String> = view
                .sources
                .iter()
                .filter_map(|s| s.address.map(|a| format!("{} says {a}", s.source)))
                .collect();
            CheckResult::warn(
                id,
                format!("outside sources disagree about the {} address: {}", family.label(), list.join("; ")),
            )
            .why("direkt publishes an address only when independent sources agree")
            .fix("check that no VPN or proxy is in the way; several uplinks (load balancing) cause this too")
        }
        (None, _) => {
            let errs: Vec<String> = view
                .sources
                .iter()
                .filter_map(|s| s.error.as_ref().map(|e| e.to_string()))
                .collect();
            let status = if family == Family::V6 {
                Status::Warn
            } else {
                Status::Fail
            };
            CheckResult::new(
                id,
                status,
                format!(
                    "no outside source could tell the {} address: {}",
                    family.label(),
                    errs.join("; ")
                ),
            )
            .why("without the outside view nothing can say whether the box is reachable, and the DNS record cannot be checked")
            .fix("check that the box can reach the internet and that the probe server runs")
        }
    };
    r.detail("address", view.address)
        .detail("sources", &view.sources)
}

/// The gateway and its port-mapping service, as found by the port-mapping module.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GatewayView {
    pub available: bool,
    pub address: Option<IpAddr>,
    pub protocol: Option<String>,
    pub wan: Option<IpAddr>,
    pub error: Option<String>,
}

const NO_PORTMAP: &str = "this build of direkt has no port-mapping module yet";

pub async fn gateway_found(ctx: &Ctx<'_>) -> CheckResult {
    let gw = ctx.local.route_v4.as_ref().and_then(|r| r.gateway);
    CheckResult::skip("gateway.found", format!("not checked: {NO_PORTMAP}"))
        .detail("default_gateway", gw)
}

pub async fn gateway_wan(_ctx: &Ctx<'_>) -> CheckResult {
    CheckResult::skip("gateway.wan", format!("not checked: {NO_PORTMAP}"))
}

pub async fn ports_mapped(_ctx: &Ctx<'_>) -> CheckResult {
    CheckResult::skip("ports.mapped", format!("not checked: {NO_PORTMAP}"))
}

pub async fn cgnat(ctx: &Ctx<'_>) -> CheckResult {
    let id = "nat.cgnat";
    // The box itself on a carrier-grade NAT address (mobile routers do this).
    if let Some(a) = ctx.local.usable().find(|a| is_cgnat(a.address)) {
        return CheckResult::fail(
            id,
            format!(
                "behind CGNAT: this box's own address {} is a carrier-grade NAT address (100.64.0.0/10)",
                a.address
            ),
        )
        .why(CGNAT_WHY)
        .fix(CGNAT_FIX)
        .detail("local", a.address);
    }
    let view = ctx.gateway.get().cloned().unwrap_or_default();
    match (view.wan, ctx.public_ip(Family::V4).await) {
        (Some(wan), Some(public)) if is_cgnat(wan) || wan != public => CheckResult::fail(
            id,
            format!(
                "behind CGNAT: router WAN {wan} is not the address the internet sees, {public}"
            ),
        )
        .why(CGNAT_WHY)
        .fix(CGNAT_FIX)
        .detail("wan", wan)
        .detail("public", public),
        (Some(wan), Some(public)) => CheckResult::pass(
            id,
            format!("no carrier-grade NAT: the router's WAN address {wan} is the public address"),
        )
        .detail("wan", wan)
        .detail("public", public),
        _ => CheckResult::skip(
            id,
            "not checked: the router's WAN address is unknown (needs the port-mapping module)",
        ),
    }
}

pub const CGNAT_WHY: &str = "the provider shares one public address among many customers and forwards nothing inbound: no router setting can make the box reachable on IPv4";
pub const CGNAT_FIX: &str = "ask the provider for a public IPv4 address (often free, sometimes called \"dual stack\" instead of \"DS-Lite\"), or use IPv6, or a tunnel/VPS";

pub async fn double_nat(ctx: &Ctx<'_>) -> CheckResult {
    let id = "nat.double";
    let view = ctx.gateway.get().cloned().unwrap_or_default();
    match view.wan {
        Some(wan) if is_rfc1918(wan) => CheckResult::fail(
            id,
            format!(
                "double NAT: the router's WAN address {wan} is itself a private address behind another router"
            ),
        )
        .why("the outer router (often the provider's modem) does not know about the mappings made on the inner one")
        .fix("put the provider's modem into bridge mode, or forward the ports on it to the inner router's WAN address, or enable \"exposed host\"/DMZ for the inner router")
        .detail("wan", wan),
        Some(wan) => CheckResult::pass(id, format!("no double NAT: the router's WAN address {wan} is not a private address"))
            .detail("wan", wan),
        None => CheckResult::skip(
            id,
            "not checked: the router's WAN address is unknown (needs the port-mapping module)",
        ),
    }
}

pub async fn provider_credentials(ctx: &Ctx<'_>) -> CheckResult {
    let id = "provider.credentials";
    match ctx.config.and_then(|c| c.ddns.as_ref()) {
        None => CheckResult::skip(id, "no DNS provider configured"),
        Some(d) => CheckResult::skip(
            id,
            format!(
                "not checked: this build of direkt has no {} provider client yet",
                d.provider
            ),
        ),
    }
}

pub async fn renew_last(ctx: &Ctx<'_>) -> CheckResult {
    let id = "renew.last";
    let state = match crate::state::StateDir::new(&ctx.settings.paths.state_dir).read() {
        Ok(s) => s,
        Err(e) => {
            return CheckResult::warn(id, format!("cannot read the state: {e}"))
                .fix("check the state directory's permissions (--state-dir)");
        }
    };
    let Some(run) = state.and_then(|s| s.last_run) else {
        return CheckResult::skip(id, "direkt has not run yet (no state)");
    };
    let when = crate::commands::status::format_time(run.at);
    let r = if run.ok {
        CheckResult::pass(
            id,
            format!(
                "the last run ({} at {when}) succeeded: {}",
                run.command, run.summary
            ),
        )
    } else {
        CheckResult::fail(
            id,
            format!("the last run ({} at {when}) failed: {}", run.command, run.summary),
        )
        .why("a failed renew means the DNS record, the mappings or the certificate may be out of date")
        .fix("run `direkt renew -v` to see the error and its hint")
    };
    r.detail("command", &run.command)
        .detail("at", when)
        .detail("ok", run.ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_ranges() {
        let p = |s: &str| is_public(s.parse().unwrap(), &[]);
        assert!(p("8.8.8.8"));
        assert!(!p("100.64.0.2"));
        assert!(!p("192.168.1.1"));
        assert!(!p("203.0.113.5"));
        assert!(p("2a00:1450::1"));
        assert!(!p("fd00::1"));
        let lab: Vec<ipnet::IpNet> = vec!["203.0.113.0/24".parse().unwrap()];
        assert!(is_public("203.0.113.5".parse().unwrap(), &lab));
        assert!(is_cgnat("100.127.255.255".parse().unwrap()));
        assert!(!is_cgnat("100.128.0.1".parse().unwrap()));
    }
}
