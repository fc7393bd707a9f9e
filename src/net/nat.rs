//! What stands between the router and the internet, judged from the router's WAN address and
//! the address the internet sees: the one classification (and the one wording of it) that
//! address detection (`ip`), doctor, `renew`'s network look and the ACME failure explanation
//! share. Decisions use the [`NatClass`] value, never the text.

use std::net::IpAddr;

/// Whether `ip` is in the carrier-grade NAT shared address space (100.64.0.0/10, RFC 6598).
pub fn is_cgnat(ip: IpAddr) -> bool {
    matches!(ip, IpAddr::V4(v4) if v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64)
}

/// A private (RFC 1918) or link-local IPv4 address: a network of the customer's own.
pub fn is_private_v4(ip: IpAddr) -> bool {
    matches!(ip, IpAddr::V4(v4) if v4.is_private() || v4.is_link_local())
}

/// The NAT situation of the box's router.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NatClass {
    /// The router's WAN address is the address the internet sees (or nothing says otherwise):
    /// the router's own NAT only, which port forwarding opens.
    Direct,
    /// The WAN address is in the carrier-grade NAT range: the provider's NAT is in front.
    Cgnat,
    /// The WAN address is private: another router (often the provider's modem) is in front.
    DoubleNat,
    /// The WAN address is public but not the one the internet sees: some other NAT in between
    /// (a carrier NAT on public addresses), or the comparison address is stale.
    Elsewhere,
}

impl NatClass {
    /// Classify the router's `wan` address against `outside`, the address the internet sees
    /// (or the one DNS points to), when known.
    pub fn of(wan: IpAddr, outside: Option<IpAddr>) -> NatClass {
        if is_cgnat(wan) {
            NatClass::Cgnat
        } else if is_private_v4(wan) {
            NatClass::DoubleNat
        } else if outside.is_some_and(|o| o != wan) {
            NatClass::Elsewhere
        } else {
            NatClass::Direct
        }
    }

    /// Whether inbound connections cannot reach the box through port forwarding alone.
    pub fn blocks_inbound(self) -> bool {
        self != NatClass::Direct
    }

    /// Why this matters, in plain words (None for [`NatClass::Direct`]).
    pub fn explain(self) -> Option<&'static str> {
        match self {
            NatClass::Direct => None,
            // A carrier NAT on public addresses is still a carrier NAT.
            NatClass::Cgnat | NatClass::Elsewhere => Some(CGNAT_WHY),
            NatClass::DoubleNat => Some(
                "the outer router (often the provider's modem) does not know about the mappings made on the inner one",
            ),
        }
    }

    /// What to do about it (None for [`NatClass::Direct`]).
    pub fn fix(self) -> Option<&'static str> {
        match self {
            NatClass::Direct => None,
            NatClass::Cgnat | NatClass::Elsewhere => Some(CGNAT_FIX),
            NatClass::DoubleNat => Some(
                "put the provider's modem into bridge mode, or forward the ports on it to the inner router's WAN address, or enable \"exposed host\"/DMZ for the inner router",
            ),
        }
    }
}

/// The one explanation of carrier-grade NAT.
pub const CGNAT_WHY: &str = "the provider shares one public address among many customers and forwards nothing inbound: no router setting can make the box reachable on IPv4";
/// What to do behind carrier-grade NAT.
pub const CGNAT_FIX: &str = "ask the provider for a public IPv4 address (often free, sometimes called \"dual stack\" instead of \"DS-Lite\"), or use IPv6, or a tunnel/VPS";

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_wan_address_decides_the_class() {
        let public = Some(ip("203.0.113.100"));
        assert_eq!(NatClass::of(ip("100.64.0.2"), public), NatClass::Cgnat);
        assert_eq!(NatClass::of(ip("100.127.255.1"), None), NatClass::Cgnat);
        assert_eq!(NatClass::of(ip("100.128.0.1"), None), NatClass::Direct);
        assert_eq!(NatClass::of(ip("192.168.1.2"), public), NatClass::DoubleNat);
        assert_eq!(NatClass::of(ip("169.254.0.2"), None), NatClass::DoubleNat);
        assert_eq!(NatClass::of(ip("203.0.113.9"), public), NatClass::Elsewhere);
        assert_eq!(NatClass::of(ip("203.0.113.100"), public), NatClass::Direct);
        assert_eq!(NatClass::of(ip("203.0.113.100"), None), NatClass::Direct);
    }

    #[test]
    fn every_blocking_class_is_explained() {
        for c in [NatClass::Cgnat, NatClass::DoubleNat, NatClass::Elsewhere] {
            assert!(c.blocks_inbound() && c.explain().is_some() && c.fix().is_some());
        }
        assert!(!NatClass::Direct.blocks_inbound());
        assert!(
            NatClass::Cgnat
                .explain()
                .unwrap()
                .contains("forwards nothing inbound")
        );
    }
}
