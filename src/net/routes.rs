//! The box's routes and addresses as the kernel shows them: the one reader of
//! `/proc/net/route`, `/proc/net/ipv6_route` and `/proc/net/if_inet6`, and of the interface list
//! (getifaddrs). portmap (which router to ask), ip (which IPv6 address to publish) and doctor
//! (what the box sees) all read it here, so they can never see different routers.
//!
//! Read by hand rather than over netlink (rtnetlink crates): three small text files cover what
//! direkt needs, without a netlink socket and its async runtime plumbing.
//!
//! The default route is the kernel's choice: the up, non-reject route to 0.0.0.0/0 (::/0) with
//! the lowest metric. It has a gateway only when the kernel marks one (RTF_GATEWAY, or a next hop
//! for IPv6); a route straight onto a link (PPP, a tunnel) has none, and then there is no router
//! to ask for port mappings either.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, UdpSocket};

use serde::Serialize;

const RTF_UP: u32 = 0x0001;
const RTF_GATEWAY: u32 = 0x0002;
/// Unreachable/prohibit routes (the kernel always lists a few on `lo` for IPv6).
const RTF_REJECT: u32 = 0x0200;

/// A default route: the interface it leaves by and the router it goes through, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DefaultRoute<A> {
    pub interface: String,
    /// None for a route straight onto a link (point-to-point, or IPv6 without a next hop).
    pub gateway: Option<A>,
}

/// The IPv4 default route in `/proc/net/route` text.
///
/// The kernel prints addresses as the u32 it holds in memory (network byte order) formatted in
/// hex in host order, so the address bytes are the parsed number's native-endian bytes (a byte
/// swap would only be right on little-endian machines). The metric column is decimal.
pub fn parse_route_v4(text: &str) -> Option<DefaultRoute<Ipv4Addr>> {
    let mut best: Option<(u32, DefaultRoute<Ipv4Addr>)> = None;
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
        if dest != 0 || mask != 0 || flags & RTF_UP == 0 || flags & RTF_REJECT != 0 {
            continue;
        }
        let gateway =
            (flags & RTF_GATEWAY != 0 && gw != 0).then(|| Ipv4Addr::from(gw.to_ne_bytes()));
        if best.as_ref().is_none_or(|(m, _)| metric < *m) {
            let route = DefaultRoute {
                interface: f[0].to_string(),
                gateway,
            };
            best = Some((metric, route));
        }
    }
    best.map(|(_, r)| r)
}

fn parse_hex_v6(s: &str) -> Option<Ipv6Addr> {
    if s.len() != 32 {
        return None;
    }
    u128::from_str_radix(s, 16).ok().map(Ipv6Addr::from)
}

/// The IPv6 default route in `/proc/net/ipv6_route` text (no header; metric and flags in hex),
/// skipping reject routes and `lo`.
pub fn parse_route_v6(text: &str) -> Option<DefaultRoute<Ipv6Addr>> {
    let mut best: Option<(u32, DefaultRoute<Ipv6Addr>)> = None;
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 10 {
            continue;
        }
        let (Some(dest), Some(next_hop)) = (parse_hex_v6(f[0]), parse_hex_v6(f[4])) else {
            continue;
        };
        let flags = u32::from_str_radix(f[8], 16).unwrap_or(0);
        if !dest.is_unspecified() || f[1] != "00" || f[9] == "lo" || flags & RTF_REJECT != 0 {
            continue;
        }
        let metric = u32::from_str_radix(f[5], 16).unwrap_or(u32::MAX);
        if best.as_ref().is_none_or(|(m, _)| metric < *m) {
            let route = DefaultRoute {
                interface: f[9].to_string(),
                gateway: (!next_hop.is_unspecified()).then_some(next_hop),
            };
            best = Some((metric, route));
        }
    }
    best.map(|(_, r)| r)
}

/// The IPv4 default route of this host, if it has one.
pub fn default_route_v4() -> Option<DefaultRoute<Ipv4Addr>> {
    parse_route_v4(&std::fs::read_to_string("/proc/net/route").ok()?)
}

/// The IPv6 default route of this host, if it has one.
pub fn default_route_v6() -> Option<DefaultRoute<Ipv6Addr>> {
    parse_route_v6(&std::fs::read_to_string("/proc/net/ipv6_route").ok()?)
}

// Flags as the kernel prints them in if_inet6 (the low byte of ifa_flags).
const IFA_F_TEMPORARY: u8 = 0x01;
const IFA_F_DADFAILED: u8 = 0x08;
const IFA_F_DEPRECATED: u8 = 0x20;
const IFA_F_TENTATIVE: u8 = 0x40;
/// Scope "global" as printed by the kernel.
const SCOPE_GLOBAL: u8 = 0x00;

/// One line of `/proc/net/if_inet6`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inet6Address {
    pub address: Ipv6Addr,
    pub prefix_len: u8,
    pub scope: u8,
    pub flags: u8,
    pub interface: String,
}

impl Inet6Address {
    /// Global scope and settled: not temporary (privacy addresses change daily), deprecated (on
    /// its way out), tentative (duplicate address detection still running) or failed.
    pub fn is_stable(&self) -> bool {
        let bad_flags = IFA_F_TEMPORARY | IFA_F_DADFAILED | IFA_F_DEPRECATED | IFA_F_TENTATIVE;
        self.scope == SCOPE_GLOBAL && self.flags & bad_flags == 0
    }

    /// A unique-local address (fc00::/7): routable on the LAN only.
    pub fn is_unique_local(&self) -> bool {
        u128::from(self.address) >> 121 == 0xfc >> 1
    }

    /// Stable and reachable from the internet: what may be published.
    pub fn is_stable_global(&self) -> bool {
        let link_local = u128::from(self.address) >> 118 == 0xfe80 >> 6;
        self.is_stable() && !self.is_unique_local() && !link_local && self.interface != "lo"
    }
}

/// Parse `/proc/net/if_inet6`; malformed lines are skipped.
pub fn parse_if_inet6(text: &str) -> Vec<Inet6Address> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split_whitespace();
            let address = parse_hex_v6(f.next()?)?;
            let _index = f.next()?;
            let prefix_len = u8::from_str_radix(f.next()?, 16).ok()?;
            let scope = u8::from_str_radix(f.next()?, 16).ok()?;
            let flags = u8::from_str_radix(f.next()?, 16).ok()?;
            let interface = f.next()?.to_string();
            Some(Inet6Address {
                address,
                prefix_len,
                scope,
                flags,
                interface,
            })
        })
        .collect()
}

/// The system's IPv6 addresses. An empty list when IPv6 is off.
pub fn read_if_inet6() -> Vec<Inet6Address> {
    std::fs::read_to_string("/proc/net/if_inet6")
        .map(|t| parse_if_inet6(&t))
        .unwrap_or_default()
}

/// The stable global address to publish: on `interface` if given, else on any interface. When
/// several qualify, the lowest address wins, so the choice is the same on every run.
pub fn stable_global(addresses: &[Inet6Address], interface: Option<&str>) -> Option<Inet6Address> {
    addresses
        .iter()
        .filter(|a| a.is_stable_global())
        .filter(|a| interface.is_none_or(|i| a.interface == i))
        .min_by_key(|a| (a.interface.clone(), a.address))
        .cloned()
}

/// The stable address of `interface` for a pinhole's internal client: global unicast preferred,
/// else unique-local (a router may pinhole towards either); the first the kernel lists wins.
pub fn stable_on(addresses: &[Inet6Address], interface: &str) -> Option<Ipv6Addr> {
    let stable: Vec<&Inet6Address> = addresses
        .iter()
        .filter(|a| a.interface == interface && a.is_stable())
        .collect();
    stable
        .iter()
        .find(|a| !a.is_unique_local())
        .or(stable.first())
        .map(|a| a.address)
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

/// The kernel's index of interface `name` (0 when there is no such interface).
pub fn interface_index(name: &str) -> u32 {
    let Ok(c) = std::ffi::CString::new(name) else {
        return 0;
    };
    // SAFETY: a valid NUL-terminated string; the call only reads it.
    unsafe { libc::if_nametoindex(c.as_ptr()) }
}

/// One address of one interface, as getifaddrs lists it.
#[derive(Debug, Clone, Serialize)]
pub struct InterfaceAddress {
    pub interface: String,
    pub address: IpAddr,
    pub prefix: u8,
}

/// Every interface's addresses, IPv4 and IPv6 (getifaddrs).
pub fn interface_addresses() -> std::io::Result<Vec<InterfaceAddress>> {
    let mut out = vec![];
    let mut head: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `head` with a list we free below with freeifaddrs; we only read
    // it in between, following ifa_next and checking every pointer for null.
    unsafe {
        if libc::getifaddrs(&mut head) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        let mut cur = head;
        while !cur.is_null() {
            let ifa = &*cur;
            cur = ifa.ifa_next;
            if ifa.ifa_addr.is_null() || ifa.ifa_name.is_null() {
                continue;
            }
            let name = std::ffi::CStr::from_ptr(ifa.ifa_name)
                .to_string_lossy()
                .into_owned();
            let Some((address, prefix)) = sockaddr_and_prefix(ifa.ifa_addr, ifa.ifa_netmask) else {
                continue;
            };
            out.push(InterfaceAddress {
                interface: name,
                address,
                prefix,
            });
        }
        libc::freeifaddrs(head);
    }
    Ok(out)
}

/// The address and prefix length of one getifaddrs entry; None for other families.
///
/// # Safety
/// `addr` must point to a valid sockaddr; `mask` must be null or point to one of the same family.
unsafe fn sockaddr_and_prefix(
    addr: *const libc::sockaddr,
    mask: *const libc::sockaddr,
) -> Option<(IpAddr, u8)> {
    // SAFETY: guaranteed by the caller; each cast matches the family the kernel wrote.
    unsafe {
        let family = (*addr).sa_family as i32;
        if family == libc::AF_INET {
            let sin = &*(addr as *const libc::sockaddr_in);
            let a = Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr));
            let prefix = if mask.is_null() {
                32
            } else {
                let m = &*(mask as *const libc::sockaddr_in);
                u32::from_be(m.sin_addr.s_addr).count_ones() as u8
            };
            Some((IpAddr::V4(a), prefix))
        } else if family == libc::AF_INET6 {
            let sin6 = &*(addr as *const libc::sockaddr_in6);
            let a = Ipv6Addr::from(sin6.sin6_addr.s6_addr);
            let prefix = if mask.is_null() {
                128
            } else {
                let m = &*(mask as *const libc::sockaddr_in6);
                m.sin6_addr
                    .s6_addr
                    .iter()
                    .map(|b| b.count_ones())
                    .sum::<u32>() as u8
            };
            Some((IpAddr::V6(a), prefix))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n";

    /// An address as the kernel prints it on this machine (native byte order of the u32).
    fn k(a: Ipv4Addr) -> String {
        format!("{:08X}", u32::from_ne_bytes(a.octets()))
    }

    fn line(iface: &str, dest: &str, gw: Ipv4Addr, flags: u32, metric: u32, mask: &str) -> String {
        format!(
            "{iface}\t{dest}\t{}\t{flags:04X}\t0\t0\t{metric}\t{mask}\t0\t0\t0\n",
            k(gw)
        )
    }

    #[test]
    fn the_lowest_metric_default_route_wins_in_any_order() {
        let gw1 = Ipv4Addr::new(192, 168, 77, 1);
        let gw2 = Ipv4Addr::new(192, 168, 2, 1);
        let text = format!(
            "{HEADER}{}{}{}",
            line("wlan0", "00000000", gw2, 3, 600, "00000000"),
            line(
                "eth0",
                &k(Ipv4Addr::new(192, 168, 77, 0)),
                Ipv4Addr::UNSPECIFIED,
                1,
                0,
                "00FFFFFF"
            ),
            line("eth0", "00000000", gw1, 3, 100, "00000000"),
        );
        let r = parse_route_v4(&text).unwrap();
        assert_eq!(r.interface, "eth0");
        assert_eq!(r.gateway, Some(gw1));
    }

    #[test]
    fn the_address_bytes_are_the_kernels_native_order() {
        // The old doctor parser swapped bytes, right on little-endian only. On a little-endian
        // machine the kernel prints 192.168.77.1 as 014DA8C0.
        let text = format!("{HEADER}eth0\t00000000\t014DA8C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n");
        let gw = parse_route_v4(&text).unwrap().gateway.unwrap();
        let want = Ipv4Addr::from(0x014D_A8C0u32.to_ne_bytes());
        assert_eq!(gw, want);
        if cfg!(target_endian = "little") {
            assert_eq!(gw, Ipv4Addr::new(192, 168, 77, 1));
        }
    }

    #[test]
    fn flags_decide_up_gateway_and_reject() {
        let gw = Ipv4Addr::new(10, 0, 0, 1);
        // Down (no RTF_UP): not a route at all (the old doctor parser agreed, portmap too).
        let down = format!(
            "{HEADER}{}",
            line("eth0", "00000000", gw, 0x2, 0, "00000000")
        );
        assert_eq!(parse_route_v4(&down), None);
        // Up without RTF_GATEWAY (PPP): a default route without a router. The old portmap
        // parser skipped it and took a worse route with a gateway; the kernel does not.
        let ppp = format!(
            "{HEADER}{}{}",
            line(
                "ppp0",
                "00000000",
                Ipv4Addr::UNSPECIFIED,
                0x1,
                0,
                "00000000"
            ),
            line("eth0", "00000000", gw, 0x3, 100, "00000000"),
        );
        let r = parse_route_v4(&ppp).unwrap();
        assert_eq!((r.interface.as_str(), r.gateway), ("ppp0", None));
        // An unreachable default route is not the way out.
        let reject = format!(
            "{HEADER}{}{}",
            line(
                "lo",
                "00000000",
                Ipv4Addr::UNSPECIFIED,
                0x201,
                0,
                "00000000"
            ),
            line("eth0", "00000000", gw, 0x3, 100, "00000000"),
        );
        assert_eq!(parse_route_v4(&reject).unwrap().gateway, Some(gw));
    }

    #[test]
    fn no_default_route_is_none() {
        let text = format!(
            "{HEADER}{}",
            line(
                "eth0",
                "0000000A",
                Ipv4Addr::new(10, 0, 0, 1),
                3,
                0,
                "00000000"
            )
        );
        assert_eq!(parse_route_v4(&text), None);
        assert_eq!(parse_route_v4(""), None);
        assert_eq!(parse_route_v4(HEADER), None);
    }

    const V6_LO: &str = "00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";

    #[test]
    fn ipv6_default_route_lowest_metric_without_reject_or_lo() {
        let routes = format!(
            "20010db8000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n\
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000002 00000600 00000002 00000000 00000003    wlan0\n\
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000002 00000000 00000003     eth0\n{V6_LO}"
        );
        let r = parse_route_v6(&routes).unwrap();
        assert_eq!(r.gateway, Some("fe80::1".parse().unwrap()));
        assert_eq!(r.interface, "eth0");
        // The old doctor parser took the first line, the old portmap parser the lowest metric.
        assert_eq!(parse_route_v6(V6_LO), None);
    }

    #[test]
    fn ipv6_default_route_onto_a_link_has_no_gateway() {
        let t = "00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 00000400 00000001 00000000 00000001     wg0\n";
        let r = parse_route_v6(t).unwrap();
        assert_eq!((r.interface.as_str(), r.gateway), ("wg0", None));
    }

    const INET6: &str = "\
00000000000000000000000000000001 01 80 10 80       lo
fd000000000000000000000000000010 02 40 00 80     eth0
20010db8000000010000000000000010 02 40 00 80     eth0
20010db80000000155d3a1b2c3d4e5f6 02 40 00 01     eth0
20010db8000000010000000000000020 02 40 00 20     eth0
20010db8000000010000000000000030 02 40 00 c0     eth0
fe800000000000000000000000000001 02 40 20 80     eth0
20010db8000000020000000000000099 03 40 00 00    wlan0
fd000000000000000000000000000077 04 40 00 80     ula0
";

    #[test]
    fn only_stable_global_addresses_are_published() {
        let all = parse_if_inet6(INET6);
        assert_eq!(all.len(), 9);
        let ok: Vec<String> = all
            .iter()
            .filter(|a| a.is_stable_global())
            .map(|a| a.address.to_string())
            .collect();
        // Temporary (01), deprecated (20), tentative (40), ULA, link-local and lo are skipped.
        assert_eq!(ok, vec!["2001:db8:0:1::10", "2001:db8:0:2::99"]);
        let on = |i| stable_global(&all, i).map(|a| a.address.to_string());
        assert_eq!(on(Some("wlan0")).as_deref(), Some("2001:db8:0:2::99"));
        assert_eq!(on(None).as_deref(), Some("2001:db8:0:1::10"));
        assert_eq!(on(Some("eth9")), None);
    }

    #[test]
    fn a_pinhole_uses_the_global_address_over_the_ula_and_never_a_temporary_one() {
        let all = parse_if_inet6(INET6);
        assert_eq!(
            stable_on(&all, "eth0"),
            Some("2001:db8:0:1::10".parse().unwrap())
        );
        assert_eq!(stable_on(&all, "ula0"), Some("fd00::77".parse().unwrap()));
        assert_eq!(stable_on(&all, "eth1"), None);
    }

    #[test]
    fn this_machine_lists_loopback() {
        let all = interface_addresses().unwrap();
        assert!(all.iter().any(|a| a.address.is_loopback()), "{all:?}");
    }
}
