//! The router's external (WAN) address as an address source. The port-mapping code asks it
//! (UPnP GetExternalIPAddress, NAT-PMP), pinned to the default gateway. NAT-PMP answers in a few
//! milliseconds where UPnP first needs an SSDP search, a description and a SOAP call, so NAT-PMP
//! gets a head start: UPnP is asked only when NAT-PMP failed or has not answered within
//! [`UPNP_AFTER`], and then the first address wins.

use std::net::IpAddr;
use std::time::Duration;

use super::{AddressSource, Family, SourceKind};
use crate::ddns::BoxFuture;
use crate::portmap::{DiscoverOptions, Via, gateway_external_address};

/// Long enough for an SSDP search plus the SOAP call on a slow router.
pub const GATEWAY_TIMEOUT: Duration = Duration::from_millis(3000);

/// NAT-PMP's head start. On a LAN it answers within a millisecond or two; a router without it
/// answers with ICMP "port unreachable", which ends its wait at once.
pub const UPNP_AFTER: Duration = Duration::from_millis(25);

pub struct GatewaySource;

impl AddressSource for GatewaySource {
    fn describe(&self) -> String {
        match crate::net::routes::default_route_v4().and_then(|r| r.gateway) {
            Some(g) => format!("gateway {g}"),
            None => "gateway".into(),
        }
    }
    fn kind(&self) -> SourceKind {
        SourceKind::Gateway
    }
    fn family(&self) -> Family {
        Family::Ipv4
    }
    fn timeout(&self) -> Duration {
        GATEWAY_TIMEOUT
    }
    fn query(&self) -> BoxFuture<'_, Result<IpAddr, String>> {
        Box::pin(async move {
            let ask = |via: Via| async move {
                let opts = DiscoverOptions {
                    via,
                    ..DiscoverOptions::default()
                };
                gateway_external_address(&opts)
                    .await
                    .map(|g| (g.address, g.gateway, g.protocol.to_string()))
                    .map_err(|e| e.message().to_string())
            };
            let natpmp = ask(Via::NatPmp);
            tokio::pin!(natpmp);
            let mut errors = vec![];
            let mut natpmp_done = false;
            tokio::select! {
                r = &mut natpmp => {
                    natpmp_done = true;
                    match r {
                        Ok(found) => return Ok(found_address(found)),
                        Err(e) => errors.push(e),
                    }
                }
                _ = tokio::time::sleep(UPNP_AFTER) => {}
            }
            let upnp = ask(Via::Upnp);
            tokio::pin!(upnp);
            let mut upnp_done = false;
            loop {
                let r = tokio::select! {
                    r = &mut natpmp, if !natpmp_done => { natpmp_done = true; r }
                    r = &mut upnp, if !upnp_done => { upnp_done = true; r }
                    else => break,
                };
                match r {
                    Ok(found) => return Ok(found_address(found)),
                    Err(e) => errors.push(e),
                }
            }
            Err(errors.join("; "))
        })
    }
}

fn found_address((address, gateway, protocol): (IpAddr, IpAddr, String)) -> IpAddr {
    tracing::debug!(%address, %gateway, protocol, "gateway external address");
    address
}
