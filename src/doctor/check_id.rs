//! Doctor's check IDs, once: their spelling (the `id` of `doctor --json`, stable), and their
//! place in the chain of causes that picks the verdict. The plan, every check and the verdict
//! read them from here.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

use crate::config::Protocol;

/// One check's identity. `Reach` stands for the per-port checks (`reach.tcp.443`,
/// `reach.tcp6.443`), one per forwarded port and family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CheckId {
    /// doctor itself could not run.
    Doctor,
    LocalAddresses,
    LocalRoute,
    /// This box's clock against the `Date` of the probe server's and the CA's answers.
    LocalClock,
    DnsResolver,
    GatewayFound,
    GatewayWan,
    PublicIpv4,
    PublicIpv6,
    /// The probe servers answer (the outside vantage point the reach checks need).
    ProbeReachable,
    /// The echoip-style port checks answer (used when no probe server is configured).
    ProbePortCheck,
    NatCgnat,
    /// DS-Lite: shared IPv4 through the provider's AFTR, reachable over IPv6 only.
    NatDslite,
    NatDouble,
    PortsMapped,
    DnsAuthoritative,
    DnsRecursive,
    DnsAlias,
    /// acme-dns: `_acme-challenge.<name>` is a CNAME to the registered full domain.
    DnsAcmeChallengeCname,
    DnsCaa,
    ServiceLocal,
    Reach(Reach),
    ReachHairpin,
    CertDisk,
    CertServed,
    ProviderCredentials,
    RenewLast,
    /// The relay's WireGuard tunnel to the VPS (only with a relay).
    RelayTunnel,
    /// The relay's VPS forwards the ports (asked over SSH; only with a relay).
    RelayForward,
}

/// A per-port reachability check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Reach {
    pub protocol: Protocol,
    pub ipv6: bool,
    pub port: u16,
}

/// Every check with a fixed ID.
const FIXED: &[CheckId] = {
    use CheckId::*;
    &[
        Doctor,
        LocalAddresses,
        LocalRoute,
        LocalClock,
        DnsResolver,
        GatewayFound,
        GatewayWan,
        PublicIpv4,
        PublicIpv6,
        ProbeReachable,
        ProbePortCheck,
        NatCgnat,
        NatDslite,
        NatDouble,
        PortsMapped,
        DnsAuthoritative,
        DnsRecursive,
        DnsAlias,
        DnsAcmeChallengeCname,
        DnsCaa,
        ServiceLocal,
        ReachHairpin,
        CertDisk,
        CertServed,
        ProviderCredentials,
        RenewLast,
        RelayTunnel,
        RelayForward,
    ]
};

/// A place in the chain of causes.
#[derive(Debug, Clone, Copy)]
enum Cause {
    Check(CheckId),
    /// A port check whose probe saw the ISP block HTTP (port 80 over IPv4).
    IspBlockedHttp,
    /// Any per-port check.
    AnyReach,
}

/// Checks by how far down the chain of causes they sit: a route problem explains DNS failing,
/// DNS failing explains the probe failing, CGNAT explains every port timing out, and so on.
/// Checks not listed come after, in the order they ran.
const PRIORITY: &[Cause] = {
    use Cause::*;
    use CheckId as C;
    &[
        Check(C::Doctor),
        Check(C::LocalAddresses),
        Check(C::LocalRoute),
        Check(C::LocalClock),
        Check(C::DnsResolver),
        // With a relay, a broken tunnel or VPS explains every port failing.
        Check(C::RelayTunnel),
        Check(C::RelayForward),
        Check(C::NatCgnat),
        Check(C::NatDslite),
        Check(C::NatDouble),
        Check(C::GatewayFound),
        Check(C::PortsMapped),
        Check(C::PublicIpv4),
        Check(C::ProbeReachable),
        Check(C::ProbePortCheck),
        IspBlockedHttp,
        Check(C::DnsAuthoritative),
        Check(C::CertDisk),
        Check(C::CertServed),
        AnyReach,
        Check(C::ServiceLocal),
        Check(C::ProviderCredentials),
        Check(C::DnsRecursive),
        Check(C::DnsAlias),
        Check(C::DnsAcmeChallengeCname),
        Check(C::DnsCaa),
        Check(C::GatewayWan),
        Check(C::PublicIpv6),
        Check(C::RenewLast),
        Check(C::ReachHairpin),
    ]
};

impl CheckId {
    /// The per-port check of `port`/`protocol` over IPv4 or IPv6.
    pub fn reach(protocol: Protocol, ipv6: bool, port: u16) -> CheckId {
        CheckId::Reach(Reach {
            protocol,
            ipv6,
            port,
        })
    }

    /// The ID as `doctor --json` spells it; per-port checks are spelled by [`fmt::Display`]
    /// (`reach` here).
    pub const fn as_str(self) -> &'static str {
        match self {
            CheckId::Doctor => "doctor",
            CheckId::LocalAddresses => "local.addresses",
            CheckId::LocalRoute => "local.route",
            CheckId::LocalClock => "local.clock",
            CheckId::DnsResolver => "dns.resolver",
            CheckId::GatewayFound => "gateway.found",
            CheckId::GatewayWan => "gateway.wan",
            CheckId::PublicIpv4 => "public.ipv4",
            CheckId::PublicIpv6 => "public.ipv6",
            CheckId::ProbeReachable => "probe.reachable",
            CheckId::ProbePortCheck => "probe.port_check",
            CheckId::NatCgnat => "nat.cgnat",
            CheckId::NatDslite => "nat.dslite",
            CheckId::NatDouble => "nat.double",
            CheckId::PortsMapped => "ports.mapped",
            CheckId::DnsAuthoritative => "dns.authoritative",
            CheckId::DnsRecursive => "dns.recursive",
            CheckId::DnsAlias => "dns.alias",
            CheckId::DnsAcmeChallengeCname => "dns.acme_challenge_cname",
            CheckId::DnsCaa => "dns.caa",
            CheckId::ServiceLocal => "service.local",
            CheckId::Reach(_) => "reach",
            CheckId::ReachHairpin => "reach.hairpin",
            CheckId::CertDisk => "cert.disk",
            CheckId::CertServed => "cert.served",
            CheckId::ProviderCredentials => "provider.credentials",
            CheckId::RenewLast => "renew.last",
            CheckId::RelayTunnel => "relay.tunnel",
            CheckId::RelayForward => "relay.forward",
        }
    }

    /// Its place in the chain of causes (lower: closer to the root); `isp_block` says the
    /// probe saw the ISP block the port.
    pub fn priority(self, isp_block: bool) -> usize {
        PRIORITY
            .iter()
            .position(|c| match (*c, self) {
                (Cause::Check(id), _) => id == self,
                (Cause::IspBlockedHttp, CheckId::Reach(r)) => {
                    isp_block && r.port == 80 && r.protocol == Protocol::Tcp && !r.ipv6
                }
                (Cause::AnyReach, CheckId::Reach(_)) => true,
                _ => false,
            })
            .unwrap_or(PRIORITY.len())
    }

    /// A per-port reachability check (not the hairpin one).
    pub fn is_reach(self) -> bool {
        matches!(self, CheckId::Reach(_))
    }
}

/// Where a check ID that is not known sorts: after every known one.
pub fn unknown_priority() -> usize {
    PRIORITY.len()
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckId::Reach(r) => {
                let six = if r.ipv6 { "6" } else { "" };
                write!(f, "reach.{}{six}.{}", r.protocol, r.port)
            }
            other => f.write_str(other.as_str()),
        }
    }
}

impl FromStr for CheckId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if let Some(id) = FIXED.iter().find(|id| id.as_str() == s) {
            return Ok(*id);
        }
        let unknown = || format!("unknown doctor check `{s}`");
        let rest = s.strip_prefix("reach.").ok_or_else(unknown)?;
        let (proto, port) = rest.split_once('.').ok_or_else(unknown)?;
        let (protocol, ipv6) = match proto {
            "tcp" => (Protocol::Tcp, false),
            "tcp6" => (Protocol::Tcp, true),
            "udp" => (Protocol::Udp, false),
            "udp6" => (Protocol::Udp, true),
            _ => return Err(unknown()),
        };
        let port = port.parse().map_err(|_| unknown())?;
        Ok(CheckId::reach(protocol, ipv6, port))
    }
}

impl From<CheckId> for String {
    fn from(id: CheckId) -> String {
        id.to_string()
    }
}

impl Serialize for CheckId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CheckId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_id_reads_back_as_itself() {
        for id in FIXED {
            assert_eq!(id.as_str().parse::<CheckId>().unwrap(), *id);
            assert_eq!(id.to_string(), id.as_str());
        }
        assert_eq!(CheckId::DnsAuthoritative.to_string(), "dns.authoritative");
        for s in [
            "reach.tcp.443",
            "reach.tcp6.443",
            "reach.udp.51820",
            "reach.udp6.1",
        ] {
            assert_eq!(s.parse::<CheckId>().unwrap().to_string(), s);
        }
        assert!("reach.sctp.1".parse::<CheckId>().is_err());
        assert!("dns.nothing".parse::<CheckId>().is_err());
    }

    #[test]
    fn every_fixed_id_has_a_place_in_the_chain_of_causes() {
        for id in FIXED {
            assert!(id.priority(false) < unknown_priority(), "{id}");
        }
        let http = CheckId::reach(Protocol::Tcp, false, 80);
        assert!(http.priority(true) < CheckId::DnsAuthoritative.priority(false));
        assert!(http.priority(false) > CheckId::DnsAuthoritative.priority(false));
        // Only plain HTTP over IPv4 counts as the ISP's block.
        let https = CheckId::reach(Protocol::Tcp, false, 443);
        assert_eq!(https.priority(true), https.priority(false));
        assert!(CheckId::ReachHairpin.priority(false) > https.priority(false));
    }
}
