//! The network between the box and the internet: the gateway, its WAN address, the public
//! address seen from outside, CGNAT and double NAT, the router's mappings, the DNS provider's
//! credentials and the last renew.

use std::net::IpAddr;

use serde::Serialize;

use crate::doctor::context::Ctx;
use crate::doctor::{CheckResult, Status};
use crate::probe::client::{Bind, ProbeClient};

pub use crate::net::Family;

pub use crate::ip::SourceAnswer;

/// The public address of one family as seen from outside.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PublicView {
    pub address: Option<IpAddr>,
    pub sources: Vec<SourceAnswer>,
    /// The sources disagree.
    pub conflict: bool,
    /// Fewer sources than the quorum answered (but those that did agree).
    pub quorum_short: bool,
    /// The detection's own sentence.
    pub message: Option<String>,
}

/// The public address of one family: with a config, direkt's own address detection (STUN,
/// probe servers, echo services, the interface; see `crate::ip`); without one, the probe
/// servers given with `--probe`.
pub async fn find_public(ctx: &Ctx<'_>, family: Family) -> PublicView {
    let mut view = find_public_of_line(ctx, family).await;
    if family == Family::Ipv4
        && let Some(r) = &ctx.relay
    {
        // With a relay the world reaches the box at the VPS's address.
        view.message = Some(format!(
            "{} is the relay's VPS{}",
            r.address,
            view.address
                .map(|a| format!(" (the line's own IPv4 is {a})"))
                .unwrap_or_default()
        ));
        view.address = Some(IpAddr::V4(r.address));
        view.conflict = false;
        view.quorum_short = false;
    }
    view
}

async fn find_public_of_line(ctx: &Ctx<'_>, family: Family) -> PublicView {
    if let Some(config) = &ctx.detect_config {
        let det = ctx
            .detection
            .get_or_init(|| crate::ip::detect(config, vec![]))
            .await;
        let Some(fd) = det.get(family) else {
            return PublicView::default();
        };
        let sources = fd.sources.clone();
        let mut public: Vec<IpAddr> = fd
            .sources
            .iter()
            .filter(|a| a.public)
            .filter_map(|a| a.address)
            .collect();
        public.sort();
        public.dedup();
        // Doctor shows the outside view even when fewer sources than the quorum answered.
        let address = fd
            .address
            .or_else(|| (public.len() == 1).then(|| public[0]));
        return PublicView {
            address,
            conflict: fd.verdict == crate::ip::Verdict::Disagree,
            quorum_short: fd.verdict == crate::ip::Verdict::NoQuorum && address.is_some(),
            message: Some(fd.message.clone()),
            sources,
        };
    }
    let bind = match family {
        Family::Ipv4 => Bind::V4,
        Family::Ipv6 => Bind::V6,
    };
    let timeout = ctx.step_timeout(3);
    let asks = ctx.probes.iter().map(|url| async move {
        let start = std::time::Instant::now();
        let r = match ProbeClient::new(url, bind, timeout) {
            Ok(c) => c.my_address().await,
            Err(e) => Err(e),
        };
        let result = r.map(|a| a.address).map_err(|e| e.to_string());
        let kind = crate::ip::SourceKind::Probe;
        SourceAnswer::new(url.clone(), kind, family, result, &[], start.elapsed())
    });
    let sources = futures_util::future::join_all(asks).await;
    // Without a config every answer of the right family counts, public or not.
    let mut seen: Vec<IpAddr> = sources
        .iter()
        .filter(|s| s.error.is_none())
        .filter_map(|s| s.address)
        .collect();
    seen.sort();
    seen.dedup();
    PublicView {
        address: seen.first().copied(),
        conflict: seen.len() > 1,
        quorum_short: false,
        message: None,
        sources,
    }
}

pub use crate::ip::public::{is_cgnat, is_public};

pub fn is_rfc1918(ip: IpAddr) -> bool {
    matches!(ip, IpAddr::V4(v4) if v4.is_private())
}

pub async fn public_address(ctx: &Ctx<'_>, family: Family) -> CheckResult {
    let id = match family {
        Family::Ipv4 => crate::doctor::CheckId::PublicIpv4.as_str(),
        Family::Ipv6 => crate::doctor::CheckId::PublicIpv6.as_str(),
    };
    if !ctx.family_enabled(family) {
        return CheckResult::skip(
            id,
            match family {
                Family::Ipv4 => "IPv4 is turned off ([ip] ipv4 = false)",
                Family::Ipv6 => "IPv6 is not in use ([ip] ipv6 = false, or no global IPv6 address)",
            },
        );
    }
    let has_sources = ctx
        .config
        .is_some_and(|c| !c.ip.stun.is_empty() || !c.ip.echo.is_empty() || c.ip.gateway)
        || !ctx.probes.is_empty();
    if !has_sources {
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
        (Some(a), false) if view.quorum_short => CheckResult::warn(
            id,
            format!(
                "the internet sees this box as {a}, but fewer sources answered than [ip] quorum asks for"
            ),
        )
        .why("direkt publishes an address only when enough independent sources agree")
        .fix("check the sources that failed (details), or lower [ip] quorum"),
        (Some(a), false) => CheckResult::pass(id, format!("the internet sees this box as {a}")),
        (Some(_), true) => {
            // Every source's answer, also the failed ones; never an empty list.
            let mut list: Vec<String> = view.sources.iter().map(crate::ip::said).collect();
            if list.is_empty() {
                list.extend(view.message.clone());
            }
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
                .filter_map(|s| s.problem().map(|e| e.to_string()))
                .collect();
            let status = if family == Family::Ipv6 {
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
        .detail("detection", &view.message)
}

/// The gateway and its port-mapping service, as found by the port-mapping module.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GatewayView {
    pub available: bool,
    pub address: Option<IpAddr>,
    pub protocol: Option<String>,
    pub wan: Option<IpAddr>,
    pub wan_protocol: Option<String>,
    pub offered: Vec<String>,
    pub failures: Vec<String>,
    pub error: Option<String>,
    #[serde(skip)]
    pub discovery: Option<crate::portmap::Discovery>,
}

pub async fn gateway_found(ctx: &Ctx<'_>) -> CheckResult {
    crate::doctor::gateway::found(ctx).await
}

pub async fn gateway_wan(ctx: &Ctx<'_>) -> CheckResult {
    crate::doctor::gateway::wan(ctx).await
}

pub async fn ports_mapped(ctx: &Ctx<'_>) -> CheckResult {
    crate::doctor::gateway::mapped(ctx).await
}

pub async fn cgnat(ctx: &Ctx<'_>) -> CheckResult {
    let id = crate::doctor::CheckId::NatCgnat.as_str();
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
    if let Some(r) = &ctx.relay {
        let wan = crate::doctor::gateway::view(ctx).await.wan;
        return CheckResult::pass(
            id,
            format!(
                "the line's IPv4 cannot be reached from outside{}, but the relay bridges it: the internet reaches this box at the VPS {}",
                wan.map(|w| format!(" (router WAN {w})")).unwrap_or_default(),
                r.address
            ),
        )
        .detail("relay", r.address)
        .detail("wan", wan);
    }
    let view = crate::doctor::gateway::view(ctx).await;
    let skip = || {
        CheckResult::skip(
            id,
            "not checked: the router does not report its WAN address (see gateway.found)",
        )
    };
    let Some(wan) = view.wan else {
        return skip();
    };
    let public = ctx.public_ip(Family::Ipv4).await;
    match (NatClass::of(wan, public), public) {
        // A private WAN is another router of the customer's own: double NAT, its own check.
        (NatClass::DoubleNat, public) => CheckResult::pass(
            id,
            format!(
                "no carrier-grade NAT address: the router's WAN {wan} is a private address (see nat.double)"
            ),
        )
        .detail("wan", wan)
        .detail("public", public),
        (class @ (NatClass::Cgnat | NatClass::Elsewhere), Some(public)) => CheckResult::fail(
            id,
            format!(
                "behind CGNAT: router WAN {wan} is not the address the internet sees, {public}"
            ),
        )
        .why(class.explain().unwrap_or_default())
        .fix(class.fix().unwrap_or_default())
        .detail("wan", wan)
        .detail("public", public),
        (NatClass::Direct, Some(_)) => CheckResult::pass(
            id,
            format!("no carrier-grade NAT: the router's WAN address {wan} is the public address"),
        )
        .detail("wan", wan),
        (NatClass::DsLite, public) => CheckResult::pass(
            id,
            format!(
                "not carrier-grade NAT: the router's WAN {wan} is a DS-Lite B4 address (see nat.dslite)"
            ),
        )
        .detail("wan", wan)
        .detail("public", public),
        (NatClass::Cgnat, None) => CheckResult::fail(
            id,
            format!("behind CGNAT: the router's WAN address {wan} is a carrier-grade NAT address (100.64.0.0/10)"),
        )
        .why(CGNAT_WHY)
        .fix(CGNAT_FIX)
        .detail("wan", wan),
        _ => skip(),
    }
}

pub use crate::net::nat::{CGNAT_FIX, CGNAT_WHY, NatClass};

pub async fn double_nat(ctx: &Ctx<'_>) -> CheckResult {
    let id = crate::doctor::CheckId::NatDouble.as_str();
    let view = crate::doctor::gateway::view(ctx).await;
    let double = NatClass::DoubleNat;
    match view.wan {
        Some(wan) if NatClass::of(wan, None) == double => CheckResult::fail(
            id,
            format!(
                "double NAT: the router's WAN address {wan} is itself a private address behind another router"
            ),
        )
        .why(double.explain().unwrap_or_default())
        .fix(double.fix().unwrap_or_default())
        .detail("wan", wan),
        Some(wan) => CheckResult::pass(id, format!("no double NAT: the router's WAN address {wan} is not a private address"))
            .detail("wan", wan),
        None => CheckResult::skip(
            id,
            "not checked: the router does not report its WAN address (see gateway.found)",
        ),
    }
}

pub async fn renew_last(ctx: &Ctx<'_>) -> CheckResult {
    let id = crate::doctor::CheckId::RenewLast.as_str();
    let state = match crate::state::StateDir::new(&ctx.settings.paths.state_dir).read() {
        Ok(s) => s,
        Err(e) => {
            return CheckResult::warn(id, format!("cannot read the state: {e}"))
                .fix("check the state directory's permissions (--state-dir)");
        }
    };
    let Some(state) = state else {
        return CheckResult::skip(id, "direkt has not run yet (no state)");
    };
    let parts = &state.renew.parts;
    let failed: Vec<String> = parts
        .iter()
        .filter_map(|(name, p)| {
            p.error.as_ref().map(|e| {
                let latched = if p.latched {
                    " (stopped until you act)"
                } else {
                    ""
                };
                format!("{name}: {e}{latched}")
            })
        })
        .collect();
    let last = parts.values().filter_map(|p| p.last_attempt).max();
    let r = if !failed.is_empty() {
        CheckResult::fail(id, format!("the last renew failed: {}", failed.join("; ")))
            .why("a failed renew means the DNS record, the mappings or the certificate may go out of date")
            .fix("run `direkt renew -v` to see the error and its hint")
    } else if let Some(at) = last {
        CheckResult::pass(
            id,
            format!(
                "the last renew ({}) succeeded for {}",
                crate::net::time::format_time(at),
                parts.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        )
    } else if let Some(run) = &state.last_run {
        let when = crate::net::time::format_time(run.at);
        if run.ok {
            CheckResult::pass(
                id,
                format!(
                    "the last run ({} at {when}) succeeded: {}",
                    run.command, run.summary
                ),
            )
        } else {
            CheckResult::fail(id, format!("the last run ({} at {when}) failed: {}", run.command, run.summary))
                .why("a failed run means the DNS record, the mappings or the certificate may be out of date")
                .fix("run `direkt renew -v` to see the error and its hint")
        }
    } else {
        CheckResult::skip(id, "`direkt renew` has not run yet")
    };
    r.detail("parts", parts).detail("last_run", &state.last_run)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1918() {
        assert!(is_rfc1918("192.168.1.1".parse().unwrap()));
        assert!(!is_rfc1918("100.64.0.2".parse().unwrap()));
    }
}
