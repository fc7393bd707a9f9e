//! The default gateway and the box's own address towards it, from the kernel's routes
//! ([`crate::net::routes`]). Every port-mapping request goes to this one address: a LAN neighbour
//! must not be able to pose as the router.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::Serialize;

use crate::net::routes::{self, local_address_towards};

/// The IPv4 default gateway and how the box reaches it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gateway {
    pub address: Ipv4Addr,
    pub interface: String,
    /// The box's own address on that link (the internal client of every mapping).
    pub local_address: Ipv4Addr,
}

/// The IPv6 default router and the box's stable global address (for pinholes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gateway6 {
    pub address: Ipv6Addr,
    pub interface: String,
    #[serde(skip)]
    pub scope_id: u32,
    pub local_address: Ipv6Addr,
}

/// The IPv4 default gateway of this host, or `None` when it has no IPv4 default route.
pub fn default_gateway() -> Option<Gateway> {
    let route = routes::default_route_v4()?;
    let (address, interface) = (route.gateway?, route.interface);
    let local = match local_address_towards(address.into(), 0).ok()? {
        IpAddr::V4(a) => a,
        IpAddr::V6(_) => return None,
    };
    Some(Gateway {
        address,
        interface,
        local_address: local,
    })
}

/// A given gateway address (from the command line or config) with the local address towards it.
pub fn gateway_at(address: Ipv4Addr) -> Option<Gateway> {
    let local = match local_address_towards(address.into(), 0).ok()? {
        IpAddr::V4(a) => a,
        IpAddr::V6(_) => return None,
    };
    let interface = routes::default_route_v4()
        .map(|r| r.interface)
        .unwrap_or_default();
    Some(Gateway {
        address,
        interface,
        local_address: local,
    })
}

/// The IPv6 default router and this host's stable global address, if it has both.
pub fn default_gateway6() -> Option<Gateway6> {
    let route = routes::default_route_v6()?;
    let (address, interface) = (route.gateway?, route.interface);
    let local_address = routes::stable_on(&routes::read_if_inet6(), &interface)?;
    let scope_id = routes::interface_index(&interface);
    Some(Gateway6 {
        address,
        interface,
        scope_id,
        local_address,
    })
}
