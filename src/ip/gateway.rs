//! The router's external (WAN) address as an address source. The port-mapping code asks it
//! (UPnP GetExternalIPAddress, NAT-PMP), pinned to the default gateway. NAT-PMP answers in a few
//! milliseconds where UPnP first needs an SSDP search, so both are asked at once and the first
//! address wins.

use std::net::IpAddr;
use std::time::Duration;

use super::{AddressSource, Family, SourceKind};
use crate::ddns::BoxFuture;
use crate::portmap::{DiscoverOptions, Via, gateway_external_address};

/// Long enough for an SSDP search plus the SOAP call on a slow router.
pub const GATEWAY_TIMEOUT: Duration = Duration::from_millis(3000);

pub struct GatewaySource;

impl AddressSource for GatewaySource {
    fn describe(&self) -> String {
        match crate::portmap::gateway::default_gateway() {
            Some(g) => format!("gateway {}", g.address),
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
            let upnp = ask(Via::Upnp);
            tokio::pin!(natpmp, upnp);
            let (mut natpmp_done, mut upnp_done) = (false, false);
            let mut errors = vec![];
            loop {
                let r = tokio::select! {
                    r = &mut natpmp, if !natpmp_done => { natpmp_done = true; r }
                    r = &mut upnp, if !upnp_done => { upnp_done = true; r }
                    else => break,
                };
                match r {
                    Ok((address, gateway, protocol)) => {
                        tracing::debug!(%address, %gateway, protocol, "gateway external address");
                        return Ok(address);
                    }
                    Err(e) => errors.push(e),
                }
            }
            Err(errors.join("; "))
        })
    }
}
