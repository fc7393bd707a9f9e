//! Why the CA could not connect to the box: after a failed HTTP-01/TLS-ALPN-01 validation,
//! compare the router's WAN address (from `portmap`) with the address the name points to. Behind a carrier NAT
//! (or a second router) nothing reaches the box, whatever port is tried; the user needs to
//! hear that, not only the CA's "connection timed out".

use std::net::IpAddr;

use crate::net::nat::{CGNAT_WHY, NatClass};

/// The router's WAN address as the gateway reports it (UPnP or NAT-PMP, pinned to the default
/// gateway), if it answers quickly.
async fn gateway_wan() -> Option<IpAddr> {
    let opts = crate::portmap::DiscoverOptions::default();
    let found = tokio::time::timeout(
        std::time::Duration::from_secs(3),
        crate::portmap::gateway_external_address(&opts),
    )
    .await
    .ok()?;
    match found {
        Ok(g) => Some(g.address),
        Err(e) => {
            tracing::debug!("no WAN address from the gateway: {}", e.message());
            None
        }
    }
}

/// The explanation, when the gateway's view shows there is no inbound path.
pub async fn diagnose(name: &str, name_addrs: &[IpAddr]) -> Option<String> {
    let wan = gateway_wan().await?;
    explain(name, wan, name_addrs)
}

pub fn explain(name: &str, wan: IpAddr, name_addrs: &[IpAddr]) -> Option<String> {
    if name_addrs.contains(&wan) {
        // The name points at the router itself: the path exists up to it.
        return None;
    }
    let pointed = name_addrs.iter().find(|a| a.is_ipv4() == wan.is_ipv4());
    let points = match pointed {
        Some(a) => a.to_string(),
        None => "no address of that family".to_string(),
    };
    Some(match NatClass::of(wan, pointed.copied()) {
        NatClass::Cgnat => format!(
            "no inbound path to this box: the router's WAN address is {wan}, a carrier-grade NAT \
             address (100.64.0.0/10), while {name} points to {points}, the carrier's NAT \
             (CGNAT): {}",
            CGNAT_WHY
        ),
        NatClass::DsLite => format!(
            "no inbound IPv4 path to this box: the router's WAN address is {wan}, a DS-Lite B4 \
             address (192.0.0.0/29), while {name} points to {points}, the provider's shared \
             address: {}",
            crate::net::nat::DSLITE_WHY
        ),
        NatClass::DoubleNat => format!(
            "no inbound path to this box: the router's WAN address is {wan}, a private address \
             (double NAT), while {name} points to {points}, an upstream router that does not \
             forward to this one"
        ),
        // A public WAN that is not where the name points: DNS or something in between is off.
        NatClass::Elsewhere | NatClass::Direct => format!(
            "no inbound path to this box: {name} points to {points}, but the router's WAN \
             address is {wan} (stale DNS record, or another NAT in between)"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn cgnat_is_named_with_both_addresses() {
        let m = explain("box.example.test", ip("100.64.0.2"), &[ip("203.0.113.100")]).unwrap();
        assert!(m.contains("no inbound path"), "{m}");
        assert!(
            m.contains("100.64.0.2") && m.contains("203.0.113.100"),
            "{m}"
        );
        assert!(m.contains("CGNAT"), "{m}");
    }

    #[test]
    fn double_nat_and_stale_dns_are_told_apart() {
        let m = explain("b.example.test", ip("192.168.1.2"), &[ip("203.0.113.100")]).unwrap();
        assert!(m.contains("double NAT"), "{m}");
        let m = explain("b.example.test", ip("203.0.113.2"), &[ip("203.0.113.9")]).unwrap();
        assert!(m.contains("stale DNS"), "{m}");
    }

    #[test]
    fn a_name_on_the_router_itself_is_no_inbound_problem() {
        assert!(explain("b.example.test", ip("203.0.113.2"), &[ip("203.0.113.2")]).is_none());
    }
}
