//! What stands between the router and the internet, judged from the router's WAN address and
//! the address the internet sees: the one classification (and the one wording of it) that
//! address detection (`ip`), doctor, `renew`'s network look and the ACME failure explanation
//! share. Decisions use the [`NatClass`] value, never the text.

use std::net::IpAddr;

/// Whether `ip` is in the carrier-grade NAT shared address space (100.64.0.0/10, RFC 6598).
pub fn is_cgnat(ip: IpAddr) -> bool {
    matches!(ip, IpAddr::V4(v4) if v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64)
}

/// Whether `ip` is in DS-Lite's B4/AFTR range (192.0.0.0/29, RFC 6333): a router with this
/// WAN address sends IPv4 through a softwire to the provider's AFTR, which shares one public
/// IPv4 address among many customers.
pub fn is_dslite(ip: IpAddr) -> bool {
    matches!(ip, IpAddr::V4(v4) if v4.octets()[..3] == [192, 0, 0] && v4.octets()[3] < 8)
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
    /// DS-Lite: IPv4 goes through a softwire to the provider's AFTR, which shares it; the box
    /// is reachable over IPv6 only.
    DsLite,
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
        if is_dslite(wan) {
            NatClass::DsLite
        } else if is_cgnat(wan) {
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
            NatClass::DsLite => Some(DSLITE_WHY),
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
            NatClass::DsLite => Some(DSLITE_FIX),
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

/// The one explanation of DS-Lite.
pub const DSLITE_WHY: &str = "shared IPv4 (DS-Lite): the provider carries the line's IPv4 through a tunnel to its AFTR, which shares one public IPv4 address among many customers and forwards nothing inbound; the box can be reached over IPv6 only, so visitors and networks with IPv4 only (many mobile, office and hotel networks) cannot reach it";
/// What to do on a DS-Lite line.
pub const DSLITE_FIX: &str = "ask the provider for a public IPv4 address or a dual-stack line (often free on request), or pass IPv4 visitors through a relay on a server you control (`direkt relay`); until then the name gets an AAAA record only";
/// Behind shared IPv4 without any IPv6.
pub const NO_WAY_IN: &str = "nothing can reach the box directly: its IPv4 address is shared by the provider and it has no IPv6 address; only a relay on a server you control (`direkt relay`) can make it reachable, or ask the provider for a public IPv4 address or IPv6";

/// One thing the box can see that says its IPv4 is DS-Lite.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "sign", rename_all = "kebab-case")]
pub enum DsLiteSign {
    /// The router's WAN IPv4 address is in 192.0.0.0/29 (it is a B4).
    RouterWan { address: IpAddr },
    /// A TTL-limited IPv4 probe met a hop in 192.0.0.0/29 (the AFTR).
    FirstHop { ttl: u8, address: IpAddr },
    /// The router reports no IPv4 external address, yet the box reaches the internet over IPv4
    /// (through somebody else's NAT).
    RouterHasNoIpv4,
    /// The probe server reached the box over IPv6 but never over IPv4.
    ReachedOverIpv6Only,
}

impl std::fmt::Display for DsLiteSign {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DsLiteSign::RouterWan { address } => write!(
                f,
                "the router's WAN IPv4 address {address} is a DS-Lite B4 address (192.0.0.0/29)"
            ),
            DsLiteSign::FirstHop { ttl, address } => write!(
                f,
                "hop {ttl} of the IPv4 path is {address}, the provider's AFTR (192.0.0.0/29)"
            ),
            DsLiteSign::RouterHasNoIpv4 => f.write_str(
                "the router reports no IPv4 address of its own, yet IPv4 reaches the internet",
            ),
            DsLiteSign::ReachedOverIpv6Only => {
                f.write_str("the probe server reached the box over IPv6 but not over IPv4")
            }
        }
    }
}

/// Whether these signs say DS-Lite: one that names the B4/AFTR range is enough; a router
/// without IPv4 while IPv4 works is enough (its IPv4 is somebody else's); a probe that got in
/// over IPv6 only is not enough alone (a missing port forwarding looks the same).
pub fn is_dslite_line(signs: &[DsLiteSign]) -> bool {
    signs
        .iter()
        .any(|s| !matches!(s, DsLiteSign::ReachedOverIpv6Only))
}

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
    fn ds_lite_is_told_by_its_range_and_by_what_the_box_sees() {
        assert!(is_dslite(ip("192.0.0.2")) && is_dslite(ip("192.0.0.7")));
        assert!(!is_dslite(ip("192.0.0.8")) && !is_dslite(ip("192.0.2.2")));
        assert!(!is_dslite(ip("2001:db8::2")));
        let public = Some(ip("203.0.113.100"));
        assert_eq!(NatClass::of(ip("192.0.0.2"), public), NatClass::DsLite);
        assert_eq!(NatClass::of(ip("192.0.0.2"), None), NatClass::DsLite);
        assert!(NatClass::DsLite.blocks_inbound());
        assert!(NatClass::DsLite.explain().unwrap().contains("IPv6 only"));
        assert!(NatClass::DsLite.fix().unwrap().contains("direkt relay"));

        let wan = DsLiteSign::RouterWan {
            address: ip("192.0.0.2"),
        };
        let hop = DsLiteSign::FirstHop {
            ttl: 2,
            address: ip("192.0.0.1"),
        };
        assert!(is_dslite_line(std::slice::from_ref(&wan)));
        assert!(is_dslite_line(std::slice::from_ref(&hop)));
        assert!(is_dslite_line(&[DsLiteSign::RouterHasNoIpv4]));
        assert!(!is_dslite_line(&[DsLiteSign::ReachedOverIpv6Only]));
        assert!(!is_dslite_line(&[]));
        assert!(hop.to_string().contains("hop 2") && hop.to_string().contains("AFTR"));
        assert_eq!(
            serde_json::to_value(&wan).unwrap(),
            serde_json::json!({"sign": "router-wan", "address": "192.0.0.2"})
        );
    }

    #[test]
    fn every_blocking_class_is_explained() {
        for c in [
            NatClass::Cgnat,
            NatClass::DoubleNat,
            NatClass::Elsewhere,
            NatClass::DsLite,
        ] {
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
