//! The box's own IPv6 address, from `/proc/net/if_inet6`: with IPv6 there is usually no NAT, so
//! the interface holds the public address. Only stable global addresses count: temporary
//! (privacy) addresses change daily, deprecated ones are on their way out, tentative ones have not
//! passed duplicate address detection, and ULA / link-local ones are not reachable from outside.

use std::net::Ipv6Addr;

// Flags as the kernel prints them (the low byte of ifa_flags).
const IFA_F_TEMPORARY: u8 = 0x01;
const IFA_F_DADFAILED: u8 = 0x08;
const IFA_F_DEPRECATED: u8 = 0x20;
const IFA_F_TENTATIVE: u8 = 0x40;
/// Scope "global" as printed by the kernel.
const SCOPE_GLOBAL: u8 = 0x00;

/// One line of `/proc/net/if_inet6`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceAddress {
    pub address: Ipv6Addr,
    pub prefix_len: u8,
    pub scope: u8,
    pub flags: u8,
    pub interface: String,
}

impl InterfaceAddress {
    /// Stable and global: what may be published.
    pub fn is_stable_global(&self) -> bool {
        let bad_flags = IFA_F_TEMPORARY | IFA_F_DADFAILED | IFA_F_DEPRECATED | IFA_F_TENTATIVE;
        let a = u128::from(self.address);
        let ula = a >> 121 == 0xfc >> 1;
        let link_local = a >> 118 == 0xfe80 >> 6;
        self.scope == SCOPE_GLOBAL
            && self.flags & bad_flags == 0
            && !ula
            && !link_local
            && self.interface != "lo"
    }
}

/// Parse `/proc/net/if_inet6`; malformed lines are skipped.
pub fn parse_if_inet6(text: &str) -> Vec<InterfaceAddress> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.split_whitespace();
            let hex = f.next()?;
            let _index = f.next()?;
            let prefix_len = u8::from_str_radix(f.next()?, 16).ok()?;
            let scope = u8::from_str_radix(f.next()?, 16).ok()?;
            let flags = u8::from_str_radix(f.next()?, 16).ok()?;
            let interface = f.next()?.to_string();
            if hex.len() != 32 {
                return None;
            }
            let address = Ipv6Addr::from(u128::from_str_radix(hex, 16).ok()?);
            Some(InterfaceAddress {
                address,
                prefix_len,
                scope,
                flags,
                interface,
            })
        })
        .collect()
}

/// The stable global address to publish: on `interface` if given, else on any interface. When
/// several qualify, the lowest address wins, so the choice is the same on every run.
pub fn stable_global(
    addresses: &[InterfaceAddress],
    interface: Option<&str>,
) -> Option<InterfaceAddress> {
    addresses
        .iter()
        .filter(|a| a.is_stable_global())
        .filter(|a| interface.is_none_or(|i| a.interface == i))
        .min_by_key(|a| (a.interface.clone(), a.address))
        .cloned()
}

/// Read the system's IPv6 addresses. An empty list when IPv6 is off.
pub fn read_system() -> Vec<InterfaceAddress> {
    std::fs::read_to_string("/proc/net/if_inet6")
        .map(|t| parse_if_inet6(&t))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
00000000000000000000000000000001 01 80 10 80       lo
20010db8000000010000000000000010 02 40 00 80     eth0
20010db80000000155d3a1b2c3d4e5f6 02 40 00 01     eth0
20010db8000000010000000000000020 02 40 00 20     eth0
20010db8000000010000000000000030 02 40 00 c0     eth0
fd000000000000000000000000000001 02 40 00 80     eth0
fe800000000000000000000000000001 02 40 20 80     eth0
20010db8000000020000000000000099 03 40 00 00    wlan0
";

    #[test]
    fn only_stable_global_addresses_qualify() {
        let all = parse_if_inet6(SAMPLE);
        assert_eq!(all.len(), 8);
        let ok: Vec<String> = all
            .iter()
            .filter(|a| a.is_stable_global())
            .map(|a| a.address.to_string())
            .collect();
        // Temporary (01), deprecated (20), tentative (40), ULA, link-local and lo are skipped.
        assert_eq!(ok, vec!["2001:db8:0:1::10", "2001:db8:0:2::99"]);
    }

    #[test]
    fn interface_choice_is_respected_and_stable() {
        let all = parse_if_inet6(SAMPLE);
        assert_eq!(
            stable_global(&all, Some("wlan0")).unwrap().address,
            "2001:db8:0:2::99".parse::<Ipv6Addr>().unwrap()
        );
        assert_eq!(
            stable_global(&all, None).unwrap().address,
            "2001:db8:0:1::10".parse::<Ipv6Addr>().unwrap()
        );
        assert!(stable_global(&all, Some("eth9")).is_none());
    }
}
