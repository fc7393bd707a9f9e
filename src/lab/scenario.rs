//! The named network conditions `direkt lab up --scenario` can build, and what each one changes
//! in the common topology (inet, router with miniupnpd, box, rogue LAN host).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One network condition support may need to rebuild.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    Direct,
    Cgnat,
    DoubleNat,
    NoUpnp,
    NoPortmap,
    Igdv1,
    Port80Blocked,
    DualStack,
    DualStackUpnp,
    Fritzbox,
    DslForum,
    DsLite,
}

/// A NAT between the internet and the customer's router (carrier-grade or a second home router).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Upstream {
    /// Its address on the internet side, the one every outside observer sees.
    pub wan: &'static str,
    /// Its address on the subscriber side (the router's gateway).
    pub inside: &'static str,
    /// A second subscriber-side address, for the STUN server miniupnpd asks.
    pub inside_alt: &'static str,
    /// The router's WAN address behind it.
    pub router_wan: &'static str,
    /// The subscriber network it masquerades.
    pub masquerade: &'static str,
}

/// What miniupnpd on the router offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortMapService {
    pub upnp: bool,
    /// Announce a v1-only IGD (`force_igd_desc_v1`).
    pub igd_v1_only: bool,
    /// NAT-PMP and PCP (`enable_natpmp`).
    pub pcp: bool,
}

pub const CGNAT: Upstream = Upstream {
    wan: "203.0.113.100",
    inside: "100.64.0.1",
    inside_alt: "100.64.0.3",
    router_wan: "100.64.0.2",
    masquerade: "100.64.0.0/10",
};

pub const SECOND_NAT: Upstream = Upstream {
    wan: "203.0.113.100",
    inside: "192.168.1.1",
    inside_alt: "192.168.1.3",
    router_wan: "192.168.1.2",
    masquerade: "192.168.1.0/24",
};

impl Scenario {
    pub const ALL: [Scenario; 12] = [
        Scenario::Direct,
        Scenario::Cgnat,
        Scenario::DoubleNat,
        Scenario::NoUpnp,
        Scenario::NoPortmap,
        Scenario::Igdv1,
        Scenario::Port80Blocked,
        Scenario::DualStack,
        Scenario::DualStackUpnp,
        Scenario::Fritzbox,
        Scenario::DslForum,
        Scenario::DsLite,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::Direct => "direct",
            Scenario::Cgnat => "cgnat",
            Scenario::DoubleNat => "double-nat",
            Scenario::NoUpnp => "no-upnp",
            Scenario::NoPortmap => "no-portmap",
            Scenario::Igdv1 => "igdv1",
            Scenario::Port80Blocked => "port80-blocked",
            Scenario::DualStack => "dual-stack",
            Scenario::DualStackUpnp => "dual-stack-upnp",
            Scenario::Fritzbox => "fritzbox",
            Scenario::DslForum => "dsl-forum",
            Scenario::DsLite => "ds-lite",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Scenario::Direct => {
                "router with a public WAN address, NAT and miniupnpd (UPnP IGDv2, NAT-PMP, PCP)"
            }
            Scenario::Cgnat => {
                "router WAN 100.64.0.2 behind a carrier NAT (203.0.113.100) that forwards nothing inbound; a VPS 192.0.2.70 for `direkt relay`"
            }
            Scenario::DoubleNat => {
                "router WAN 192.168.1.2 behind a second home router (203.0.113.100) that forwards nothing inbound"
            }
            Scenario::NoUpnp => "miniupnpd with UPnP off: only NAT-PMP and PCP",
            Scenario::NoPortmap => "no port-mapping service on the router at all",
            Scenario::Igdv1 => "miniupnpd announcing a v1-only Internet Gateway Device",
            Scenario::Port80Blocked => {
                "the ISP drops inbound TCP port 80 to the router's WAN address"
            }
            Scenario::DualStack => {
                "the box also has a global IPv6 address (2001:db8:77::10), routed without NAT; the router drops unsolicited inbound IPv6; a VPS 192.0.2.70 for `direkt relay`"
            }
            Scenario::DualStackUpnp => {
                "dual-stack, but miniupnpd offers UPnP IGDv2 only (NAT-PMP and PCP off): IPv6 pinholes through WANIPv6FirewallControl"
            }
            Scenario::DslForum => {
                "a DSL router whose UPnP description offers only the DSL Forum's (TR-064) WAN connection types, as some Huawei DSL routers do, and reports its line as Up"
            }
            Scenario::Fritzbox => {
                "dual-stack router answering like a FRITZ!Box (IGD descriptions on port 49000, IGDv2 with WANIPv6FirewallControl, PCP): port shares and pinholes refused (UPnP 606, PCP NOT_AUTHORIZED) until `direkt lab fritzbox allow`"
            }
            Scenario::DsLite => {
                "DS-Lite: router WAN IPv4 is the B4 address 192.0.0.2, a softwire to the provider's AFTR shares 203.0.113.100 and forwards nothing inbound; native IPv6 with a delegated prefix (2001:db8:4400::/48, `lab renumber` changes it), the router drops unsolicited inbound IPv6"
            }
        }
    }

    pub fn upstream(self) -> Option<Upstream> {
        match self {
            Scenario::Cgnat => Some(CGNAT),
            Scenario::DoubleNat => Some(SECOND_NAT),
            Scenario::DsLite => Some(super::dslite::UPSTREAM),
            _ => None,
        }
    }

    pub fn port_mapping(self) -> Option<PortMapService> {
        match self {
            // The FRITZ!Box emulation (`lab::fritzbox`) answers instead of miniupnpd.
            Scenario::NoPortmap | Scenario::Fritzbox | Scenario::DslForum => None,
            Scenario::NoUpnp => Some(PortMapService {
                upnp: false,
                igd_v1_only: false,
                pcp: true,
            }),
            Scenario::Igdv1 => Some(PortMapService {
                upnp: true,
                igd_v1_only: true,
                pcp: true,
            }),
            Scenario::DualStackUpnp => Some(PortMapService {
                upnp: true,
                igd_v1_only: false,
                pcp: false,
            }),
            _ => Some(PortMapService {
                upnp: true,
                igd_v1_only: false,
                pcp: true,
            }),
        }
    }

    pub fn blocks_port_80(self) -> bool {
        self == Scenario::Port80Blocked
    }

    pub fn ipv6(self) -> bool {
        matches!(
            self,
            Scenario::DualStack | Scenario::DualStackUpnp | Scenario::Fritzbox | Scenario::DsLite
        )
    }

    /// The router is the FRITZ!Box emulation (`direkt lab fritzbox`), not miniupnpd.
    pub fn fritzbox(self) -> bool {
        self == Scenario::Fritzbox
    }

    /// The emulated router in place of miniupnpd (`lab::fritzbox`), when there is one.
    pub fn emulated_router(self) -> Option<super::fritzbox::Profile> {
        match self {
            Scenario::Fritzbox => Some(super::fritzbox::Profile::Fritzbox),
            Scenario::DslForum => Some(super::fritzbox::Profile::DslForum),
            _ => None,
        }
    }

    /// IPv4 reaches the upstream only through a DS-Lite softwire (see `lab::dslite`).
    pub fn softwire(self) -> bool {
        self == Scenario::DsLite
    }

    /// A `vps` namespace on the internet side (a rented server with a public address, sshd and
    /// WireGuard) for `direkt relay`: the way out of a line that cannot be reached on IPv4.
    pub fn has_vps(self) -> bool {
        matches!(self, Scenario::Cgnat | Scenario::DsLite)
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Scenario {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Scenario::ALL
            .into_iter()
            .find(|sc| sc.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Scenario::ALL.iter().map(|s| s.name()).collect();
                format!("unknown scenario `{s}`; known: {}", names.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in Scenario::ALL {
            assert_eq!(s.name().parse::<Scenario>().unwrap(), s);
        }
        assert!("cg-nat".parse::<Scenario>().unwrap_err().contains("cgnat"));
    }
}
