//! The default gateway and the box's own address towards it, read from the kernel
//! (`/proc/net/route`, `/proc/net/ipv6_route`, `/proc/net/if_inet6`). Every port-mapping request
//! goes to this one address: a LAN neighbour must not be able to pose as the router.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

use serde::Serialize;

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

/// The lowest-metric IPv4 default route in `/proc/net/route` text: (gateway, interface).
pub fn parse_route_table(text: &str) -> Option<(Ipv4Addr, String)> {
    const RTF_UP: u32 = 0x1;
    const RTF_GATEWAY: u32 = 0x2;
    let mut best: Option<(u32, Ipv4Addr, String)> = None;
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 8 {
            continue;
        }
        let hex = |s: &str| u32::from_str_radix(s, 16).ok();
        let (Some(dest), Some(gw), Some(flags), Some(metric), Some(mask)) = (
            hex(f[1]),
            hex(f[2]),
            hex(f[3]),
            f[6].parse::<u32>().ok(),
            hex(f[7]),
        ) else {
            continue;
        };
        if dest != 0 || mask != 0 || flags & (RTF_UP | RTF_GATEWAY) != (RTF_UP | RTF_GATEWAY) {
            continue;
        }
        // The kernel prints the address as a host-order u32 of network-order bytes.
        let addr = Ipv4Addr::from(gw.to_ne_bytes());
        if best.as_ref().is_none_or(|(m, _, _)| metric < *m) {
            best = Some((metric, addr, f[0].to_string()));
        }
    }
    best.map(|(_, a, i)| (a, i))
}

fn parse_hex_v6(s: &str) -> Option<Ipv6Addr> {
    if s.len() != 32 {
        return None;
    }
    u128::from_str_radix(s, 16).ok().map(Ipv6Addr::from)
}

/// The lowest-metric IPv6 default route in `/proc/net/ipv6_route` text: (router, interface).
pub fn parse_ipv6_route_table(text: &str) -> Option<(Ipv6Addr, String)> {
    let mut best: Option<(u32, Ipv6Addr, String)> = None;
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 10 {
            continue;
        }
        let (Some(dest), Some(next_hop)) = (parse_hex_v6(f[0]), parse_hex_v6(f[4])) else {
            continue;
        };
        if !dest.is_unspecified() || f[1] != "00" || next_hop.is_unspecified() || f[9] == "lo" {
            continue;
        }
        let metric = u32::from_str_radix(f[5], 16).unwrap_or(u32::MAX);
        if best.as_ref().is_none_or(|(m, _, _)| metric < *m) {
            best = Some((metric, next_hop, f[9].to_string()));
        }
    }
    best.map(|(_, a, i)| (a, i))
}

/// A stable global IPv6 address of `interface` from `/proc/net/if_inet6` text: not temporary,
/// deprecated, tentative or failed; global unicast preferred over unique-local.
pub fn parse_if_inet6(text: &str, interface: &str) -> Option<Ipv6Addr> {
    const TEMPORARY: u32 = 0x01;
    const DADFAILED: u32 = 0x08;
    const DEPRECATED: u32 = 0x20;
    const TENTATIVE: u32 = 0x40;
    let mut candidates = vec![];
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 6 || f[5] != interface {
            continue;
        }
        let (Some(addr), Ok(scope), Ok(flags)) = (
            parse_hex_v6(f[0]),
            u32::from_str_radix(f[3], 16),
            u32::from_str_radix(f[4], 16),
        ) else {
            continue;
        };
        if scope != 0 || flags & (TEMPORARY | DADFAILED | DEPRECATED | TENTATIVE) != 0 {
            continue;
        }
        candidates.push(addr);
    }
    let unique_local = |a: &Ipv6Addr| (a.segments()[0] & 0xfe00) == 0xfc00;
    candidates
        .iter()
        .find(|a| !unique_local(a))
        .or(candidates.first())
        .copied()
}

/// The source address the kernel picks towards `peer` (no packet is sent).
pub fn local_address_towards(peer: IpAddr, scope_id: u32) -> std::io::Result<IpAddr> {
    let (bind, target): (SocketAddr, SocketAddr) = match peer {
        IpAddr::V4(a) => (
            (Ipv4Addr::UNSPECIFIED, 0).into(),
            SocketAddr::new(a.into(), 1900),
        ),
        IpAddr::V6(a) => (
            (Ipv6Addr::UNSPECIFIED, 0).into(),
            std::net::SocketAddrV6::new(a, 1900, 0, scope_id).into(),
        ),
    };
    let s = UdpSocket::bind(bind)?;
    s.connect(target)?;
    Ok(s.local_addr()?.ip())
}

/// The IPv4 default gateway of this host, or `None` when it has no IPv4 default route.
pub fn default_gateway() -> Option<Gateway> {
    let text = std::fs::read_to_string("/proc/net/route").ok()?;
    let (address, interface) = parse_route_table(&text)?;
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
    let interface = std::fs::read_to_string("/proc/net/route")
        .ok()
        .and_then(|t| parse_route_table(&t))
        .map(|(_, i)| i)
        .unwrap_or_default();
    Some(Gateway {
        address,
        interface,
        local_address: local,
    })
}

/// The IPv6 default router and this host's stable global address, if it has both.
pub fn default_gateway6() -> Option<Gateway6> {
    let routes = std::fs::read_to_string("/proc/net/ipv6_route").ok()?;
    let (address, interface) = parse_ipv6_route_table(&routes)?;
    let addrs = std::fs::read_to_string("/proc/net/if_inet6").ok()?;
    let local_address = parse_if_inet6(&addrs, &interface)?;
    let scope_id = interface_index(&interface);
    Some(Gateway6 {
        address,
        interface,
        scope_id,
        local_address,
    })
}

pub fn interface_index(name: &str) -> u32 {
    let Ok(c) = std::ffi::CString::new(name) else {
        return 0;
    };
    // SAFETY: a valid NUL-terminated string; the call only reads it.
    unsafe { libc::if_nametoindex(c.as_ptr()) }
}

/// Whether `ip` is a link-local IPv6 address (fe80::/10), which needs a scope to be reached.
pub fn is_link_local6(ip: &Ipv6Addr) -> bool {
    (ip.segments()[0] & 0xffc0) == 0xfe80
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROUTE: &str = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
eth0\t00000000\t014DA8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n\
eth0\t004DA8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n\
wlan0\t00000000\t0102A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n";

    #[test]
    fn default_route_with_lowest_metric_wins() {
        let (gw, iface) = parse_route_table(ROUTE).unwrap();
        if cfg!(target_endian = "little") {
            assert_eq!(gw, Ipv4Addr::new(192, 168, 77, 1));
        }
        assert_eq!(iface, "eth0");
    }

    #[test]
    fn no_default_route_is_none() {
        let text = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
eth0\t004DA8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";
        assert_eq!(parse_route_table(text), None);
        assert_eq!(parse_route_table(""), None);
    }

    #[test]
    fn ipv6_default_route_and_stable_address() {
        let routes = "20010db8000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n\
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000002 00000000 00000003     eth0\n\
00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";
        let (r, i) = parse_ipv6_route_table(routes).unwrap();
        assert_eq!(r, "fe80::1".parse::<Ipv6Addr>().unwrap());
        assert_eq!(i, "eth0");
        assert!(is_link_local6(&r));

        let addrs = "fd000000000000000000000000000010 02 40 00 80     eth0\n\
20010db80000000000000000000000aa 02 40 00 01     eth0\n\
20010db8000000000000000000000010 02 40 00 80     eth0\n\
fe800000000000000000000000000010 02 40 20 80     eth0\n\
20010db8000000000000000000000099 03 40 00 80     wlan0\n";
        // The temporary (flag 0x01) address is skipped, the ULA loses to the global one.
        assert_eq!(
            parse_if_inet6(addrs, "eth0").unwrap(),
            "2001:db8::10".parse::<Ipv6Addr>().unwrap()
        );
        assert_eq!(parse_if_inet6(addrs, "eth1"), None);
    }
}
