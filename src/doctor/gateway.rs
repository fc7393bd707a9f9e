//! The router, through the port-mapping module: which protocols it offers, its WAN address, and
//! whether the configured forwardings are on it and point at this box. One full discovery
//! (every protocol, pinned to the default gateway) serves all these checks.

use std::net::IpAddr;

use crate::config::PortSpec;
use crate::doctor::context::Ctx;
use crate::doctor::network::GatewayView;
use crate::doctor::{CheckResult, Status};
use crate::portmap::{DiscoverOptions, Method, PortMapper, Presence};

/// Discover the gateway once, bounded by the deadline.
pub async fn view<'c>(ctx: &'c Ctx<'_>) -> &'c GatewayView {
    ctx.gateway
        .get_or_init(|| async {
            let opts = DiscoverOptions {
                full: true,
                ..DiscoverOptions::default()
            };
            let limit = ctx
                .remaining()
                .saturating_sub(std::time::Duration::from_millis(150));
            match tokio::time::timeout(limit, crate::portmap::discover(&opts)).await {
                Ok(Ok(d)) => {
                    let wan = d.external_address();
                    GatewayView {
                        available: d.chosen.is_some(),
                        address: Some(IpAddr::V4(d.gateway.address)),
                        protocol: d.chosen.map(|m| m.to_string()),
                        wan: wan.as_ref().map(|w| w.address),
                        wan_protocol: wan.map(|w| w.protocol.to_string()),
                        offered: d.available().iter().map(|m| m.to_string()).collect(),
                        failures: d.failures.clone(),
                        error: None,
                        discovery: Some(d),
                    }
                }
                Ok(Err(e)) => GatewayView {
                    error: Some(e.to_string()),
                    ..GatewayView::default()
                },
                Err(_) => GatewayView {
                    address: ctx
                        .local
                        .route_v4
                        .as_ref()
                        .and_then(|r| r.gateway)
                        .map(IpAddr::from),
                    error: Some(format!(
                        "the router did not answer within {} ms",
                        limit.as_millis()
                    )),
                    ..GatewayView::default()
                },
            }
        })
        .await
}

fn manual_rules(ctx: &Ctx<'_>) -> String {
    let client = ctx
        .local
        .lan_v4()
        .map(IpAddr::V4)
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    let rules: Vec<String> = ctx
        .ports
        .iter()
        .map(|s| crate::portmap::manual_rule(&s.spec, client))
        .collect();
    rules.join("; ")
}

pub async fn found(ctx: &Ctx<'_>) -> CheckResult {
    let id = crate::doctor::CheckId::GatewayFound.as_str();
    let v = view(ctx).await;
    let gw = v
        .address
        .map(|a| a.to_string())
        .unwrap_or_else(|| "the router".into());
    let r = if let Some(e) = &v.error {
        CheckResult::fail(id, format!("cannot talk to the router: {e}"))
            .why("direkt asks the router to forward the ports; without an answer it cannot")
            .fix(format!(
                "enable UPnP or NAT-PMP/PCP on the router, or enter the forwardings by hand: {}",
                manual_rules(ctx)
            ))
    } else if !v.available {
        CheckResult::fail(
            id,
            format!(
                "no port-mapping service on the router {gw}: neither UPnP nor NAT-PMP/PCP answered"
            ),
        )
        .why("without UPnP, NAT-PMP or PCP, direkt cannot open the ports on the router by itself")
        .fix(format!(
            "enable UPnP (or NAT-PMP/PCP) in the router's settings, or enter the forwardings by hand: {}",
            manual_rules(ctx)
        ))
    } else {
        let upnp_off = !v.offered.iter().any(|m| m.starts_with("UPnP"));
        let model = v
            .discovery
            .as_ref()
            .and_then(|d| d.upnp.as_ref())
            .and_then(|u| u.fritzbox.as_deref())
            .map(|m| format!(" (a {m}, says its UPnP description)"))
            .unwrap_or_default();
        CheckResult::pass(
            id,
            format!(
                "router {gw}{model} found: port mapping via {}{}",
                v.protocol.as_deref().unwrap_or("?"),
                if upnp_off {
                    " (UPnP is off on the router; NAT-PMP/PCP work)"
                } else {
                    ""
                }
            ),
        )
    };
    // The router's own description of itself, so support can tell which model it is.
    let upnp = v.discovery.as_ref().and_then(|d| d.upnp.as_ref());
    r.detail("gateway", v.address)
        .detail("upnp_device", upnp.and_then(|u| u.friendly_name.as_deref()))
        .detail("upnp_server", upnp.and_then(|u| u.server.as_deref()))
        .detail("fritzbox", upnp.and_then(|u| u.fritzbox.as_deref()))
        .detail("offered", &v.offered)
        .detail("chosen", &v.protocol)
        .detail("not_found", &v.failures)
}

pub async fn wan(ctx: &Ctx<'_>) -> CheckResult {
    let id = crate::doctor::CheckId::GatewayWan.as_str();
    let v = view(ctx).await;
    match (&v.wan, &v.error) {
        (Some(w), _) => CheckResult::pass(
            id,
            format!(
                "the router reports its WAN address as {w} ({})",
                v.wan_protocol.as_deref().unwrap_or("?")
            ),
        )
        .detail("wan", w),
        (None, Some(e)) => CheckResult::skip(id, format!("not checked: {e}")),
        (None, None) if !v.available => CheckResult::skip(
            id,
            "not checked: the router offers no port-mapping service to ask",
        ),
        (None, None) => CheckResult::warn(
            id,
            "the router does not say its WAN address (PCP only tells it with a mapping)",
        ),
    }
}

pub async fn mapped(ctx: &Ctx<'_>) -> CheckResult {
    let id = crate::doctor::CheckId::PortsMapped.as_str();
    if ctx.config.and_then(|c| c.ports.as_ref()).is_none() {
        return CheckResult::skip(id, "no port forwarding configured ([ports])");
    }
    let v = view(ctx).await;
    let Some(d) = &v.discovery else {
        return CheckResult::skip(
            id,
            "not checked: no port-mapping service (see gateway.found)",
        );
    };
    if !v.available {
        return CheckResult::skip(
            id,
            "not checked: no port-mapping service (see gateway.found)",
        );
    }
    let state = crate::state::StateDir::new(&ctx.settings.paths.state_dir)
        .read()
        .ok()
        .flatten()
        .unwrap_or_default();
    let me = IpAddr::V4(d.gateway.local_address);
    let mut good = vec![];
    let mut bad: Vec<(Status, String)> = vec![];
    for slot in ctx
        .ports
        .iter()
        .filter(|s| s.family == crate::doctor::network::Family::Ipv4)
    {
        let spec: PortSpec = slot.spec;
        let record = state.ports.mappings.iter().find(|r| {
            r.family == crate::portmap::Family::Ipv4
                && r.external_port == spec.external
                && r.protocol == spec.protocol
        });
        let Some(rec) = record else {
            bad.push((
                Status::Fail,
                format!("port {spec} is not forwarded by direkt"),
            ));
            continue;
        };
        if rec.internal_client != me || rec.internal_port != spec.internal {
            bad.push((
                Status::Fail,
                format!(
                    "port {spec} was forwarded to {}:{}, not to this box ({me}:{})",
                    rec.internal_client, rec.internal_port, spec.internal
                ),
            ));
            continue;
        }
        let Some(mapper) = d.mapper(rec.via) else {
            bad.push((
                Status::Fail,
                format!(
                    "port {spec} was forwarded with {}, which the router no longer offers",
                    rec.via
                ),
            ));
            continue;
        };
        match mapper.presence(rec).await {
            Ok(Presence::Present) => {
                good.push(format!("{spec} → {me}:{} ({})", spec.internal, rec.via))
            }
            Ok(Presence::Unknown) => good.push(format!(
                "{spec} → {me}:{} ({}, lease recorded; the protocol cannot list it)",
                spec.internal, rec.via
            )),
            Ok(Presence::Missing) => bad.push((
                Status::Fail,
                format!("the router lost the forwarding of port {spec} (restarted?)"),
            )),
            Ok(Presence::TakenBy(h)) => bad.push((
                Status::Fail,
                format!("port {spec} on the router now goes to another host, {h}"),
            )),
            Err(e) => bad.push((
                Status::Warn,
                format!("cannot ask the router about port {spec}: {e:?}"),
            )),
        }
    }
    let worst = bad.iter().map(|b| b.0).max();
    let r = match worst {
        None => CheckResult::pass(id, format!("the router forwards {}", good.join(", "))),
        Some(s) => {
            let msgs: Vec<String> = bad.iter().map(|b| b.1.clone()).collect();
            CheckResult::new(id, s, msgs.join("; "))
                .why("without the forwarding, connections from outside stop at the router")
                .fix("run `direkt ports refresh` (or `direkt renew`); if another host holds the port, free it on the router or use another external port")
        }
    };
    r.detail("forwarded", good)
        .detail("protocol", v.protocol.as_deref().unwrap_or(""))
        .detail("chosen_method", d.chosen.map(|m: Method| m.to_string()))
}
