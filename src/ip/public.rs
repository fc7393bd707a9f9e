//! Which addresses are public: everything reserved (private, CGNAT, documentation, loopback,
//! link-local, ULA, multicast, benchmarking, ...) is not, unless the config declares a prefix
//! public (`ip.public_prefixes`, as the lab does for its documentation ranges). The CGNAT range
//! is never public: publishing it would always be wrong.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

const V4: &[(u32, u8, &str)] = &[
    (0x0000_0000, 8, "\"this network\" (0.0.0.0/8)"),
    (0x0a00_0000, 8, "private (10.0.0.0/8)"),
    (0x6440_0000, 10, "CGNAT shared space (100.64.0.0/10)"),
    (0x7f00_0000, 8, "loopback (127.0.0.0/8)"),
    (0xa9fe_0000, 16, "link-local (169.254.0.0/16)"),
    (0xac10_0000, 12, "private (172.16.0.0/12)"),
    (0xc000_0000, 24, "IETF protocol assignments (192.0.0.0/24)"),
    (0xc000_0200, 24, "documentation (192.0.2.0/24)"),
    (0xc058_6300, 24, "6to4 relay anycast (192.88.99.0/24)"),
    (0xc0a8_0000, 16, "private (192.168.0.0/16)"),
    (0xc612_0000, 15, "benchmarking (198.18.0.0/15)"),
    (0xc633_6400, 24, "documentation (198.51.100.0/24)"),
    (0xcb00_7100, 24, "documentation (203.0.113.0/24)"),
    (0xe000_0000, 4, "multicast (224.0.0.0/4)"),
    (0xf000_0000, 4, "reserved (240.0.0.0/4)"),
];

const V6: &[(u128, u8, &str)] = &[
    (0, 128, "unspecified (::)"),
    (1, 128, "loopback (::1)"),
    (0xffff_0000_0000, 96, "IPv4-mapped (::ffff:0:0/96)"),
    (0x0064_ff9b_u128 << 96, 96, "NAT64 (64:ff9b::/96)"),
    (
        0x0064_ff9b_0001_u128 << 80,
        48,
        "local NAT64 (64:ff9b:1::/48)",
    ),
    (0x0100_u128 << 112, 64, "discard (100::/64)"),
    (0x2001_0000_u128 << 96, 32, "Teredo (2001::/32)"),
    (
        0x2001_0002_0000_u128 << 80,
        48,
        "benchmarking (2001:2::/48)",
    ),
    (0x2001_0010_u128 << 96, 28, "ORCHID (2001:10::/28)"),
    (0x2001_0020_u128 << 96, 28, "ORCHIDv2 (2001:20::/28)"),
    (0x2001_0db8_u128 << 96, 32, "documentation (2001:db8::/32)"),
    (0x2002_u128 << 112, 16, "6to4 (2002::/16)"),
    (0x3fff_u128 << 112, 20, "documentation (3fff::/20)"),
    (0xfc00_u128 << 112, 7, "unique local (fc00::/7)"),
    (0xfe80_u128 << 112, 10, "link-local (fe80::/10)"),
    (0xfec0_u128 << 112, 10, "site-local (fec0::/10)"),
    (0xff00_u128 << 112, 8, "multicast (ff00::/8)"),
];

/// Why `ip` is not a public address, or `None` when it is one (ignoring declared prefixes).
pub fn reserved_range(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(a) => {
            if a == Ipv4Addr::BROADCAST {
                return Some("broadcast (255.255.255.255)");
            }
            let v = u32::from(a);
            V4.iter()
                .find(|(net, len, _)| v >> (32 - len) == net >> (32 - len))
                .map(|(_, _, why)| *why)
        }
        IpAddr::V6(a) => {
            let v = u128::from(a);
            if let Some((_, _, why)) = V6
                .iter()
                .find(|(net, len, _)| v >> (128 - len) == net >> (128 - len))
            {
                return Some(why);
            }
            // Only 2000::/3 is allocated as global unicast.
            (v >> 125 != 1).then_some("not global unicast (outside 2000::/3)")
        }
    }
}

/// Whether `ip` may be published: not reserved, or inside a declared public prefix. CGNAT
/// addresses never are.
pub fn is_public(ip: IpAddr, declared: &[IpNet]) -> bool {
    if is_cgnat(ip) {
        return false;
    }
    reserved_range(ip).is_none() || declared.iter().any(|n| n.contains(&ip))
}

pub use crate::net::nat::is_cgnat;

/// The /64 of an IPv6 address combined with a fixed interface identifier (its low 64 bits).
pub fn with_interface_id(addr: Ipv6Addr, id: Ipv6Addr) -> Ipv6Addr {
    let mask = u128::MAX << 64;
    Ipv6Addr::from((u128::from(addr) & mask) | (u128::from(id) & !mask))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn reserved_ranges_are_never_public() {
        for a in [
            "10.1.2.3",
            "100.64.0.2",
            "100.127.255.254",
            "127.0.0.1",
            "169.254.1.1",
            "172.31.0.1",
            "192.168.77.1",
            "192.0.2.1",
            "198.51.100.80",
            "203.0.113.2",
            "198.19.0.1",
            "224.0.0.1",
            "240.0.0.1",
            "255.255.255.255",
            "0.1.2.3",
            "::",
            "::1",
            "fd00::1",
            "fe80::1",
            "2001:db8::10",
            "ff02::1",
            "::ffff:1.2.3.4",
            "2002:c000:0204::1",
            "3fff::1",
        ] {
            assert!(!is_public(ip(a), &[]), "{a} must not be public");
            assert!(reserved_range(ip(a)).is_some(), "{a}");
        }
        assert!(reserved_range(ip("100.64.0.2")).unwrap().contains("CGNAT"));
        assert!(
            reserved_range(ip("fd12::1"))
                .unwrap()
                .contains("unique local")
        );
    }

    #[test]
    fn ordinary_addresses_are_public() {
        for a in [
            "1.1.1.1",
            "8.8.8.8",
            "100.63.255.255",
            "100.128.0.1",
            "172.32.0.1",
            "2a00:1450::1",
            "2606:4700::1111",
        ] {
            assert!(is_public(ip(a), &[]), "{a} must be public");
        }
    }

    #[test]
    fn declared_prefixes_are_public_except_cgnat() {
        let declared: Vec<IpNet> = vec![
            "203.0.113.0/24".parse().unwrap(),
            "2001:db8::/32".parse().unwrap(),
            "100.64.0.0/10".parse().unwrap(),
        ];
        assert!(is_public(ip("203.0.113.2"), &declared));
        assert!(is_public(ip("2001:db8:1::10"), &declared));
        assert!(!is_public(ip("198.51.100.1"), &declared));
        assert!(!is_public(ip("100.64.0.2"), &declared));
    }

    #[test]
    fn interface_id_replaces_the_low_64_bits() {
        let a: Ipv6Addr = "2001:db8:1:2:aaaa:bbbb:cccc:dddd".parse().unwrap();
        assert_eq!(
            with_interface_id(a, "::10".parse().unwrap()),
            "2001:db8:1:2::10".parse::<Ipv6Addr>().unwrap()
        );
    }
}
