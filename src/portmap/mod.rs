//! Router port forwarding: UPnP IGD v2/v1, PCP and NAT-PMP behind one [`PortMapper`] trait,
//! always talking to the default gateway and nobody else.
//!
//! [`discover`] probes all three protocols at once (unicast SSDP to the gateway, a PCP
//! ANNOUNCE and a NAT-PMP request to its port 5351) and picks, in this order, UPnP IGD
//! (v2, then v1: it can name the host holding a port and list the router's table), PCP, then
//! NAT-PMP. IPv6 pinholes go through PCP over IPv6 on the IPv6 router, else through UPnP
//! IGDv2's `WANIPv6FirewallControl` ([`pinhole`]). [`add`], [`refresh`] and [`remove`] work on
//! the state's record of what direkt created, so nobody else's mapping is ever touched.

mod confirm;
pub mod gateway;
pub mod http;
pub mod lease;
pub mod pcp;
pub mod pinhole;
pub mod ssdp;
pub mod upnp;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

pub use self::gateway::{Gateway, Gateway6};
pub use self::lease::{Family, LeaseDecision, MappingRecord, PortsState, lease_decision};
pub use self::upnp::RouterEntry;
use self::upnp::UpnpGateway;
use crate::config::{PortSpec, Protocol, Settings};
use crate::error::{Error, ErrorKind, Result};
use crate::state::{State, StateLock, now_unix};

/// How a mapping was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    UpnpIgd2,
    UpnpIgd1,
    Pcp,
    NatPmp,
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Method::UpnpIgd2 => "UPnP IGDv2",
            Method::UpnpIgd1 => "UPnP IGDv1",
            Method::Pcp => "PCP",
            Method::NatPmp => "NAT-PMP",
        })
    }
}

impl std::str::FromStr for Method {
    type Err = String;
    /// The spelling of [`Display`](std::fmt::Display) (doctor's `offered`, saved reports).
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        [
            Method::UpnpIgd2,
            Method::UpnpIgd1,
            Method::Pcp,
            Method::NatPmp,
        ]
        .into_iter()
        .find(|m| m.to_string() == s)
        .ok_or_else(|| format!("unknown port-mapping protocol `{s}`"))
    }
}

impl Method {
    pub fn is_upnp(self) -> bool {
        matches!(self, Method::UpnpIgd2 | Method::UpnpIgd1)
    }
}

/// Which protocol to use: the best one found, or only one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Via {
    #[default]
    Auto,
    Upnp,
    Pcp,
    NatPmp,
}

/// Why a mapping could not be made, before it is put into words for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MapError {
    /// Another host holds the external port (UPnP names it).
    Conflict {
        holder: Option<String>,
        description: Option<String>,
    },
    /// PCP / NAT-PMP offered another external port: ours is taken.
    PortTaken { offered: u16 },
    /// Permission denied, secure mode, or a port range the router does not allow.
    NotAuthorized { code: Option<u16>, detail: String },
    /// A FRITZ!Box refused (606): this device is not allowed to create port shares itself.
    DeviceNotAllowed { router: String, answer: String },
    /// UPnP 724: the router wants external = internal port.
    SamePortRequired,
    /// Any other refusal.
    Refused { code: Option<u16>, detail: String },
    /// The gateway stopped answering, or answered garbage.
    Unreachable(String),
    /// No protocol answered on the gateway.
    NoService { tried: Vec<String> },
}

/// "external port 443/tcp to 192.168.77.10 port 443": the rule to enter on the router by hand.
pub fn manual_rule(spec: &PortSpec, client: IpAddr) -> String {
    format!(
        "forward external port {} ({}) to {} port {}",
        spec.external,
        spec.protocol.to_string().to_uppercase(),
        client,
        spec.internal
    )
}

impl MapError {
    /// Words for the user: what happened and what to do, with the manual rule where the router
    /// will not do it.
    pub fn to_error(
        &self,
        spec: &PortSpec,
        family: Family,
        client: IpAddr,
        gateway: IpAddr,
    ) -> Error {
        let rule = manual_rule(spec, client);
        let what = match family {
            Family::Ipv4 => format!("port {spec}"),
            Family::Ipv6 => format!(
                "an IPv6 pinhole for {}/{} to {client}",
                spec.internal, spec.protocol
            ),
        };
        let high = high_port_advice(spec, family);
        match self {
            MapError::Conflict {
                holder,
                description,
            } => conflict_error(holder.as_deref(), description.as_deref(), &what, spec, client),
            MapError::PortTaken { offered } => Error::failed(format!(
                "the router ({gateway}) cannot give {what}: it offered external port {offered} \
                 instead, so the port is taken (probably forwarded to another host; PCP and \
                 NAT-PMP do not say which)"
            ))
            .hint(format!(
                "free it in the router's settings, or use another external port (direkt ports add \
                 {offered}:{}/{})",
                spec.internal, spec.protocol
            )),
            MapError::NotAuthorized { code, detail } => {
                let code = code.map(|c| format!(" (UPnP error {c})")).unwrap_or_default();
                let low = if spec.external < 1024 {
                    " Many routers refuse ports below 1024 or run UPnP in secure mode."
                } else {
                    ""
                };
                Error::failed(format!(
                    "the router ({gateway}) refused to forward {what}: permission denied{code}: \
                     {detail}.{low}"
                ))
                .hint(either(
                    high,
                    format!(
                        "allow it in the router's UPnP/NAT-PMP settings, or enter the rule by \
                         hand: {rule}"
                    ),
                ))
            }
            MapError::DeviceNotAllowed { router, answer } => {
                fritzbox_error(router, answer, &what, (client, gateway), &rule)
            }
            MapError::SamePortRequired => Error::failed(format!(
                "the router ({gateway}) only forwards a port to the same port number (UPnP 724)"
            ))
            .hint(format!(
                "use the same external and internal port (direkt ports add {0}:{0}/{1}), or enter the \
                 rule by hand: {rule}",
                spec.internal, spec.protocol
            )),
            MapError::Refused { code, detail } => {
                let code = code.map(|c| format!(" (UPnP error {c})")).unwrap_or_default();
                Error::failed(format!("the router ({gateway}) refused {what}{code}: {detail}"))
                    .hint(either(
                        high,
                        format!("enter the rule by hand on the router: {rule}"),
                    ))
            }
            MapError::Unreachable(why) => Error::failed(format!(
                "the router ({gateway}) stopped answering while mapping {what}: {why}"
            ))
            .hint(format!("try again; if it persists, enter the rule by hand on the router: {rule}")),
            MapError::NoService { tried } => {
                no_service_error(tried, spec, family, client, gateway, &rule)
            }
        }
    }
}

/// For a port below 1024: how to do without it (a high external port for IPv4; a pinhole opens
/// the box's own port, so the service itself moves for IPv6).
fn high_port_advice(spec: &PortSpec, family: Family) -> Option<String> {
    if spec.internal >= 1024 && spec.external >= 1024 {
        return None;
    }
    match family {
        Family::Ipv4 if spec.external < 1024 => Some(format!(
            "use a high external port instead (direkt ports add {}:{}/{}) and DNS-01 for the \
             certificate, which needs no open port",
            8000 + spec.external,
            spec.internal,
            spec.protocol
        )),
        Family::Ipv6 => Some(format!(
            "let the service listen on a port from 1024 up as well (e.g. {}) and open that one, \
             and use DNS-01 for the certificate, which needs no open port",
            8000 + spec.internal
        )),
        Family::Ipv4 => None,
    }
}

/// `first`, or else `rest`, as one sentence: "A; or B" / "B".
fn either(first: Option<String>, rest: String) -> String {
    match first {
        Some(f) => format!("{f}; or {rest}"),
        None => rest,
    }
}

/// The words of AVM's documents for a FRITZ!Box that refused a device its own port shares.
pub const FRITZBOX_SETTING: &str = "Internet > Permit Access > Port Sharing, edit this device \
     (or add it with \"Add Device for Sharing\") and enable \"Permit independent port sharing \
     for this device\" (German interface: Internet > Freigaben > Portfreigaben, \"Selbstständige \
     Portfreigaben für dieses Gerät erlauben\"), then OK";
/// What to do when that option is greyed out.
pub const FRITZBOX_GREYED_OUT: &str = "if that option is greyed out, first enable \
     \"Transmit status information over UPnP\" under Home Network > Network > Network Settings; \
     older FRITZ!OS versions have the permission under Home Network > Home Network Overview > \
     Network Connections > (device) > Edit: \"Permit this network device to create port sharing \
     via PCP or UPnP\"";

/// A FRITZ!Box answered 606: the device is not allowed to create port shares itself.
fn fritzbox_error(
    router: &str,
    answer: &str,
    what: &str,
    (client, gateway): (IpAddr, IpAddr),
    rule: &str,
) -> Error {
    Error::failed(format!(
        "the {router} ({gateway}) refused to forward {what} ({answer}): a FRITZ!Box creates port shares and IPv6 pinholes only for devices its \
         owner allowed to, and this box ({client}) is not one of them yet"
    ))
    .hint(format!(
        "in the FRITZ!Box user interface open {FRITZBOX_SETTING}, and run the command again; \
         {FRITZBOX_GREYED_OUT}. Or create the port share by hand on that page: {rule}"
    ))
}

/// The mapping is held by another host (UPnP 718).
fn conflict_error(
    holder: Option<&str>,
    description: Option<&str>,
    what: &str,
    spec: &PortSpec,
    client: IpAddr,
) -> Error {
    let who = match (holder, description) {
        (Some(h), Some(d)) => format!("{h} (\"{d}\")"),
        (Some(h), None) => h.to_string(),
        _ => "another host".into(),
    };
    let other = if spec.external < 1024 {
        8000 + spec.external
    } else {
        spec.external.saturating_add(1)
    };
    Error::failed(format!(
        "the router already forwards {what} to {who}, not to this box ({client})"
    ))
    .hint(format!(
        "free it on the router or on {who}, or use another external port \
         (direkt ports add {other}:{}/{})",
        spec.internal, spec.protocol
    ))
}

/// No protocol on the gateway maps ports (IPv4) or opens pinholes (IPv6).
fn no_service_error(
    tried: &[String],
    spec: &PortSpec,
    family: Family,
    client: IpAddr,
    gateway: IpAddr,
    rule: &str,
) -> Error {
    match family {
        Family::Ipv4 => Error::failed(format!(
            "no port-mapping service on the gateway {gateway}: {}",
            tried.join("; ")
        ))
        .hint(format!(
            "enable UPnP (IGD) or NAT-PMP/PCP in the router's settings (often under \
         \"Network\", \"NAT\" or \"Port forwarding\"), or enter the rule by hand: {rule}"
        )),
        Family::Ipv6 => Error::failed(format!(
            "the router ({gateway}) cannot open IPv6 pinholes: {}",
            tried.join("; ")
        ))
        .hint(format!(
            "allow inbound {}/{} to [{client}] in the router's IPv6 firewall by hand",
            spec.internal, spec.protocol
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Discovery

/// How to look for the gateway's port-mapping services.
#[derive(Debug, Clone, Default)]
pub struct DiscoverOptions {
    /// Use this gateway instead of the default route's.
    pub gateway: Option<Ipv4Addr>,
    pub via: Via,
    /// Wait for every probe (doctor) instead of stopping at the first usable protocol.
    pub full: bool,
    /// Also look for an IPv6 router that opens pinholes (PCP over IPv6).
    pub ipv6: bool,
}

/// UPnP as found, for reports and doctor.
#[derive(Debug, Clone, Serialize)]
pub struct UpnpInfo {
    pub version: u8,
    pub location: String,
    pub service_type: String,
    pub control_url: String,
    pub friendly_name: Option<String>,
    /// The model, when the description names an AVM FRITZ!Box.
    pub fritzbox: Option<String>,
    pub server: Option<String>,
    pub connection_status: Option<String>,
    pub external_address: Option<IpAddr>,
    pub ipv6_firewall: bool,
    /// The gateway answered only the multicast search.
    pub used_multicast: bool,
}

/// IPv6 pinhole support as found.
#[derive(Debug, Clone, Serialize)]
pub struct Ipv6Info {
    pub router: Gateway6,
    pub pcp: Option<pcp::PmpInfo>,
    pub failure: Option<String>,
}

/// What the gateway offers. Reusable by doctor: which protocols answered, the WAN address each
/// reported, what was ignored and why.
#[derive(Debug, Clone, Serialize)]
pub struct Discovery {
    pub gateway: Gateway,
    pub upnp: Option<UpnpInfo>,
    pub pcp: Option<pcp::PmpInfo>,
    pub natpmp: Option<pcp::PmpInfo>,
    pub ipv6: Option<Ipv6Info>,
    /// The protocol mappings will use.
    pub chosen: Option<Method>,
    /// Why a protocol was not found, one line each.
    pub failures: Vec<String>,
    /// SSDP answers ignored (not the gateway, LOCATION elsewhere) and similar.
    pub warnings: Vec<String>,
    pub elapsed_ms: u64,
    #[serde(skip)]
    upnp_gateway: Option<UpnpGateway>,
}

/// The gateway's external address and who said so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GatewayAddress {
    pub address: IpAddr,
    pub protocol: Method,
    pub gateway: IpAddr,
}

impl Discovery {
    /// The external address the gateway reports (UPnP first, then NAT-PMP).
    pub fn external_address(&self) -> Option<GatewayAddress> {
        let gw = IpAddr::V4(self.gateway.address);
        if let Some(u) = &self.upnp
            && let Some(a) = u.external_address
        {
            let protocol = if u.version >= 2 {
                Method::UpnpIgd2
            } else {
                Method::UpnpIgd1
            };
            return Some(GatewayAddress {
                address: a,
                protocol,
                gateway: gw,
            });
        }
        self.natpmp
            .as_ref()
            .and_then(|n| n.external_address)
            .map(|address| GatewayAddress {
                address,
                protocol: Method::NatPmp,
                gateway: gw,
            })
    }

    /// Protocols available, best first.
    pub fn available(&self) -> Vec<Method> {
        let mut out = vec![];
        if let Some(u) = &self.upnp_gateway {
            out.push(u.method());
        }
        if self.pcp.is_some() {
            out.push(Method::Pcp);
        }
        if self.natpmp.is_some() {
            out.push(Method::NatPmp);
        }
        out
    }

    /// The mapper for `method`, if it was found.
    pub fn mapper(&self, method: Method) -> Option<Mapper<'_>> {
        match method {
            Method::UpnpIgd2 | Method::UpnpIgd1 => self
                .upnp_gateway
                .as_ref()
                .filter(|u| u.method() == method)
                .map(Mapper::Upnp),
            Method::Pcp | Method::NatPmp => {
                let info = if method == Method::Pcp {
                    &self.pcp
                } else {
                    &self.natpmp
                };
                info.as_ref().map(|i| {
                    Mapper::Pmp(PmpMapper {
                        method,
                        gateway: crab_nat::GatewayAddress::IpV4(self.gateway.address),
                        client: self.gateway.local_address.into(),
                        epoch: i.epoch,
                        external_address: i.external_address,
                    })
                })
            }
        }
    }

    /// The IPv6 pinhole mapper: PCP over IPv6 when the router answered it, else UPnP IGDv2's
    /// `WANIPv6FirewallControl` when its description offers that.
    pub fn mapper6(&self) -> Option<Mapper<'_>> {
        let v6 = self.ipv6.as_ref()?;
        let Some(info) = v6.pcp.as_ref() else {
            return self.pinhole_mapper();
        };
        Some(Mapper::Pmp(PmpMapper {
            method: Method::Pcp,
            gateway: crab_nat::GatewayAddress::IpV6(v6.router.address, Some(v6.router.scope_id)),
            client: v6.router.local_address.into(),
            epoch: info.epoch,
            external_address: None,
        }))
    }

    /// The IPv6 mapper for a pinhole recorded as made `via`: one made through UPnP stays with
    /// UPnP while the router offers it (PCP answering too does not move it).
    pub fn mapper6_for(&self, via: Option<Method>) -> Option<Mapper<'_>> {
        match via {
            Some(v) if v.is_upnp() => self.pinhole_mapper().or_else(|| self.mapper6()),
            _ => self.mapper6(),
        }
    }

    fn pinhole_mapper(&self) -> Option<Mapper<'_>> {
        self.pinhole_service().map(|service| {
            Mapper::Pinhole(PinholeMapper {
                service,
                fritzbox: self.upnp.as_ref().and_then(|u| u.fritzbox.clone()),
            })
        })
    }

    /// The UPnP IPv6 firewall service, addressed at the IPv6 router from the box's global
    /// address, when the gateway's description offers one and the box has IPv6.
    pub fn pinhole_service(&self) -> Option<pinhole::PinholeService> {
        let v6 = self.ipv6.as_ref()?;
        if v6.router.local_address.is_unspecified() {
            return None;
        }
        let url = self.upnp_gateway.as_ref()?.ipv6_firewall_url.as_deref()?;
        let url = pinhole::control_url_v6(url, v6.router.address, v6.router.scope_id)?;
        Some(pinhole::PinholeService::new(url, v6.router.local_address))
    }

    fn no_service(&self) -> MapError {
        MapError::NoService {
            tried: self.failures.clone(),
        }
    }
}

fn search_plan(short: bool) -> ssdp::SearchPlan {
    if short {
        // Another protocol already answered: give UPnP only its unicast chances.
        ssdp::SearchPlan {
            unicast_at: vec![Duration::ZERO, Duration::from_millis(100)],
            multicast_at: vec![],
            // Bounds the whole UPnP probe (search, description, SOAP): generous enough for a
            // loaded box, short against a router that ignores SSDP.
            deadline: Duration::from_millis(500),
        }
    } else {
        ssdp::SearchPlan::default()
    }
}

const PMP_DEADLINE: Duration = Duration::from_millis(1200);

/// The gateway to ask: the one given, else the IPv4 default gateway.
fn find_gateway(opts: &DiscoverOptions) -> Result<Gateway> {
    let gw = match opts.gateway {
        Some(a) => gateway::gateway_at(a),
        None => gateway::default_gateway(),
    }
    .ok_or_else(|| {
        Error::failed("this box has no IPv4 default gateway, so there is no router to ask")
            .hint("check the network settings (ip route); port forwarding needs a router")
    })?;
    tracing::debug!(
        "gateway {} via {}, local address {}",
        gw.address,
        gw.interface,
        gw.local_address
    );
    Ok(gw)
}

/// The IPv6 router and its PCP answer, or why there is no router to ask.
type V6Probe = Result<(Gateway6, Result<pcp::PmpInfo, String>), String>;

/// PCP over IPv6 at the IPv6 default router (for pinholes), when asked for.
async fn probe_v6(enabled: bool, pcp: bool) -> Option<V6Probe> {
    if !enabled {
        return None;
    }
    let Some(router) = gateway::default_gateway6() else {
        return Some(Err(
            "this box has no IPv6 default route or no stable global IPv6 address".to_string(),
        ));
    };
    if !pcp {
        return Some(Ok((router, Err("PCP not asked (--via)".to_string()))));
    }
    let r = pcp::probe_pcp(
        IpAddr::V6(router.address),
        IpAddr::V6(router.local_address),
        PMP_DEADLINE,
    )
    .await;
    Some(Ok((router, r)))
}

/// What the probes found, as one [`Discovery`] (nothing chosen yet).
fn discovery_from(
    gw: Gateway,
    upnp_probe: Option<upnp::UpnpProbe>,
    pcp_r: Option<Result<pcp::PmpInfo, String>>,
    natpmp_r: Option<Result<pcp::PmpInfo, String>>,
    v6: Option<V6Probe>,
) -> Discovery {
    let mut d = Discovery {
        gateway: gw,
        upnp: None,
        pcp: None,
        natpmp: None,
        ipv6: None,
        chosen: None,
        failures: vec![],
        warnings: vec![],
        elapsed_ms: 0,
        upnp_gateway: None,
    };
    if let Some(p) = upnp_probe {
        d.warnings.extend(p.warnings);
        if let Some(f) = p.failure {
            d.failures.push(format!("UPnP: {f}"));
        }
        if let Some(g) = p.gateway {
            d.upnp = Some(UpnpInfo {
                version: g.version,
                location: g.location.clone(),
                service_type: g.service.service_type.clone(),
                control_url: g.service.control_url.clone(),
                friendly_name: g.friendly_name.clone(),
                fritzbox: g.fritzbox.clone(),
                server: g.server.clone(),
                connection_status: g.connection_status.clone(),
                external_address: g.external_address,
                ipv6_firewall: g.ipv6_firewall_url.is_some(),
                used_multicast: g.used_multicast,
            });
            d.upnp_gateway = Some(g);
        }
    }
    match pcp_r {
        Some(Ok(i)) => d.pcp = Some(i),
        Some(Err(e)) => d.failures.push(format!("PCP: {e}")),
        None => {}
    }
    match natpmp_r {
        Some(Ok(i)) => d.natpmp = Some(i),
        Some(Err(e)) => d.failures.push(format!("NAT-PMP: {e}")),
        None => {}
    }
    d.ipv6 = v6.map(|v6| match v6 {
        Err(e) => Ipv6Info {
            router: Gateway6 {
                address: std::net::Ipv6Addr::UNSPECIFIED,
                interface: String::new(),
                scope_id: 0,
                local_address: std::net::Ipv6Addr::UNSPECIFIED,
            },
            pcp: None,
            failure: Some(e),
        },
        Ok((router, Ok(i))) => Ipv6Info {
            router,
            pcp: Some(i),
            failure: None,
        },
        Ok((router, Err(e))) => Ipv6Info {
            router,
            pcp: None,
            failure: Some(format!("PCP over IPv6: {e}")),
        },
    });
    d
}

/// Probe the gateway. Errors only when there is no IPv4 default gateway at all; a gateway
/// without any service is a [`Discovery`] with `chosen == None` and the reasons in `failures`.
pub async fn discover(opts: &DiscoverOptions) -> Result<Discovery> {
    let start = Instant::now();
    let gw = find_gateway(opts)?;
    let want_upnp = matches!(opts.via, Via::Auto | Via::Upnp);
    let want_pcp = matches!(opts.via, Via::Auto | Via::Pcp);
    let want_natpmp = matches!(opts.via, Via::Auto | Via::NatPmp);

    let upnp_fut = async {
        if want_upnp {
            Some(upnp::probe(gw.address, &search_plan(false)).await)
        } else {
            None
        }
    };
    let pmp_fut = async {
        let pcp = async {
            if want_pcp {
                Some(pcp::probe_pcp(gw.address.into(), gw.local_address.into(), PMP_DEADLINE).await)
            } else {
                None
            }
        };
        let natpmp = async {
            if want_natpmp {
                Some(pcp::probe_natpmp(gw.address, PMP_DEADLINE).await)
            } else {
                None
            }
        };
        tokio::join!(pcp, natpmp)
    };
    // `--via upnp` leaves PCP out for IPv6 too: pinholes then go through UPnP IGDv2.
    let v6_fut = probe_v6(opts.ipv6, want_pcp);
    tokio::pin!(upnp_fut);
    tokio::pin!(pmp_fut);

    // Stop early once the preferred protocol is known: UPnP answers within ~60 ms; when only
    // PCP/NAT-PMP answer, UPnP gets a short grace period, not its whole multicast fallback.
    let (upnp_probe, (pcp_r, natpmp_r), v6) = if opts.full {
        tokio::join!(upnp_fut, pmp_fut, v6_fut)
    } else {
        let both = async {
            tokio::select! {
                u = &mut upnp_fut => {
                    let usable = u.as_ref().is_some_and(|p| p.gateway.is_some());
                    if usable {
                        // PCP/NAT-PMP answers come within ms when they come at all.
                        let p = tokio::time::timeout(Duration::from_millis(30), &mut pmp_fut)
                            .await
                            .unwrap_or((None, None));
                        (u, p)
                    } else {
                        (u, pmp_fut.await)
                    }
                }
                p = &mut pmp_fut => {
                    let any = matches!(p.0, Some(Ok(_))) || matches!(p.1, Some(Ok(_)));
                    let grace = search_plan(true).deadline.saturating_sub(start.elapsed());
                    let u = if any {
                        tokio::time::timeout(grace, &mut upnp_fut).await.unwrap_or_else(|_| {
                            Some(upnp::UpnpProbe {
                                gateway: None,
                                failure: Some(format!(
                                    "no UPnP answer from the gateway {} within {} ms",
                                    gw.address,
                                    search_plan(true).deadline.as_millis()
                                )),
                                warnings: vec![],
                            })
                        })
                    } else {
                        upnp_fut.await
                    };
                    (u, p)
                }
            }
        };
        let ((u, p), v6) = tokio::join!(both, v6_fut);
        (u, p, v6)
    };

    let mut d = discovery_from(gw.clone(), upnp_probe, pcp_r, natpmp_r, v6);
    d.chosen = d.available().first().copied();
    d.elapsed_ms = start.elapsed().as_millis() as u64;
    tracing::debug!(
        "discovery took {} ms: chosen {:?}, failures {:?}",
        d.elapsed_ms,
        d.chosen,
        d.failures
    );
    Ok(d)
}

/// The gateway's external (WAN) address, from UPnP or NAT-PMP, pinned to the default gateway.
/// For the public-address sources: a WAN address that differs from what the outside sees means
/// CGNAT or double NAT.
pub async fn gateway_external_address(opts: &DiscoverOptions) -> Result<GatewayAddress> {
    let d = discover(opts).await?;
    d.external_address().ok_or_else(|| {
        let why = if d.failures.is_empty() {
            "the gateway answered PCP only, which reports no address without a mapping".to_string()
        } else {
            d.failures.join("; ")
        };
        Error::failed(format!(
            "the gateway {} did not report its external address: {why}",
            d.gateway.address
        ))
        .hint("enable UPnP or NAT-PMP on the router, or rely on the other address sources")
    })
}

// ---------------------------------------------------------------------------------------------
// The one trait

/// A mapping to make or extend.
#[derive(Debug, Clone)]
pub struct MapRequest {
    pub external_port: u16,
    pub internal_port: u16,
    pub protocol: Protocol,
    pub client: IpAddr,
    /// Seconds; 0 asks for a permanent mapping.
    pub lease: u32,
    pub description: String,
    /// PCP: renew with the nonce that created it.
    pub nonce: Option<[u32; 3]>,
    /// UPnP IPv6 pinhole: update this one instead of adding another.
    pub pinhole_id: Option<u16>,
}

/// What the router granted.
#[derive(Debug, Clone)]
pub struct MapGrant {
    /// Seconds; 0 = permanent.
    pub lease: u32,
    pub external_address: Option<IpAddr>,
    pub nonce: Option<[u32; 3]>,
    pub epoch: Option<u32>,
    /// UPnP IPv6 pinhole: its UniqueID.
    pub pinhole_id: Option<u16>,
}

/// Whether a recorded mapping is still on the router.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presence {
    Present,
    Missing,
    /// Someone else holds the port now.
    TakenBy(String),
    /// The protocol cannot tell (PCP/NAT-PMP without a restart seen): assumed present.
    Unknown,
}

/// One port-mapping protocol on the gateway.
#[allow(async_fn_in_trait)]
pub trait PortMapper {
    fn method(&self) -> Method;
    async fn map(&self, req: &MapRequest) -> Result<MapGrant, MapError>;
    async fn unmap(&self, record: &MappingRecord) -> Result<(), MapError>;
    async fn presence(&self, record: &MappingRecord) -> Result<Presence, MapError>;
}

impl PortMapper for UpnpGateway {
    fn method(&self) -> Method {
        UpnpGateway::method(self)
    }
    async fn map(&self, req: &MapRequest) -> Result<MapGrant, MapError> {
        let internal = SocketAddr::new(req.client, req.internal_port);
        let lease = self
            .add(
                req.external_port,
                internal,
                req.protocol,
                req.lease,
                &req.description,
            )
            .await?;
        Ok(MapGrant {
            lease,
            external_address: self.external_address,
            nonce: None,
            epoch: None,
            pinhole_id: None,
        })
    }
    async fn unmap(&self, record: &MappingRecord) -> Result<(), MapError> {
        // Never delete what is no longer ours.
        match self.entry(record.external_port, record.protocol).await? {
            Some(e) if e.internal_client != record.internal_client.to_string() => Ok(()),
            None => Ok(()),
            Some(_) => self.remove(record.external_port, record.protocol).await,
        }
    }
    async fn presence(&self, record: &MappingRecord) -> Result<Presence, MapError> {
        Ok(
            match self.entry(record.external_port, record.protocol).await? {
                None => Presence::Missing,
                Some(e) if e.internal_client == record.internal_client.to_string() => {
                    Presence::Present
                }
                Some(e) => Presence::TakenBy(format!("{}:{}", e.internal_client, e.internal_port)),
            },
        )
    }
}

/// PCP or NAT-PMP on the gateway (or PCP on the IPv6 router, for pinholes).
#[derive(Debug, Clone)]
pub struct PmpMapper {
    pub method: Method,
    pub gateway: crab_nat::GatewayAddress,
    pub client: IpAddr,
    /// The epoch the probe just saw.
    pub epoch: u32,
    pub external_address: Option<IpAddr>,
}

impl PortMapper for PmpMapper {
    fn method(&self) -> Method {
        self.method
    }
    async fn map(&self, req: &MapRequest) -> Result<MapGrant, MapError> {
        // PCP and NAT-PMP have no permanent mappings: a day is their practical maximum.
        let lifetime = if req.lease == 0 { 86_400 } else { req.lease };
        let g = pcp::map(self.method, self.gateway, req, lifetime).await?;
        Ok(MapGrant {
            lease: g.lifetime,
            external_address: g.external_address.or(self.external_address),
            nonce: g.nonce,
            epoch: Some(self.epoch),
            pinhole_id: None,
        })
    }
    async fn unmap(&self, record: &MappingRecord) -> Result<(), MapError> {
        pcp::unmap(
            self.method,
            self.gateway,
            record.internal_client,
            record.internal_port,
            record.protocol,
            record.pcp_nonce,
        )
        .await
    }
    async fn presence(&self, record: &MappingRecord) -> Result<Presence, MapError> {
        // Neither protocol can list mappings; a gateway epoch that went back means the router
        // restarted and lost them.
        let elapsed = (now_unix() - record.renewed_at).max(0) as u64;
        Ok(match record.epoch {
            Some(then) if pcp::gateway_restarted(then, elapsed, self.epoch) => Presence::Missing,
            _ => Presence::Unknown,
        })
    }
}

/// An IPv6 pinhole through UPnP IGDv2's `WANIPv6FirewallControl` (see [`pinhole`]).
#[derive(Debug, Clone)]
pub struct PinholeMapper {
    pub service: pinhole::PinholeService,
    /// The router's model when it is a FRITZ!Box (its 606 means "device not allowed").
    pub fritzbox: Option<String>,
}

impl PortMapper for PinholeMapper {
    fn method(&self) -> Method {
        Method::UpnpIgd2
    }
    async fn map(&self, req: &MapRequest) -> Result<MapGrant, MapError> {
        // Pinholes have no permanent lease: a day is the service's maximum.
        let lease = if req.lease == 0 {
            pinhole::MAX_LEASE
        } else {
            req.lease.min(pinhole::MAX_LEASE)
        };
        let grant = |id| MapGrant {
            lease,
            external_address: None,
            nonce: None,
            epoch: None,
            pinhole_id: Some(id),
        };
        if let Some(id) = req.pinhole_id
            && self.service.update(id, lease).await?
        {
            return Ok(grant(id));
        }
        // A new pinhole: a firewall that allows none says so before AddPinhole.
        if let Ok((enabled, allowed)) = self.service.status().await {
            if !enabled {
                tracing::info!(
                    "the router reports its IPv6 firewall as off; opening a pinhole anyway"
                );
            } else if !allowed {
                return Err(MapError::NotAuthorized {
                    code: None,
                    detail: "the router's IPv6 firewall allows no inbound pinholes \
                             (GetFirewallStatus: InboundPinholeAllowed 0)"
                        .into(),
                });
            }
        }
        let id = self
            .service
            .add(req.internal_port, req.protocol, lease)
            .await
            .map_err(|e| match (e, &self.fritzbox) {
                (
                    MapError::NotAuthorized {
                        code: Some(606), ..
                    },
                    Some(model),
                ) => MapError::DeviceNotAllowed {
                    router: model.clone(),
                    answer: "UPnP error 606, Action not authorized".into(),
                },
                (e, _) => e,
            })?;
        Ok(grant(id))
    }
    async fn unmap(&self, record: &MappingRecord) -> Result<(), MapError> {
        match record.pinhole_id {
            Some(id) => self.service.delete(id).await,
            None => Ok(()),
        }
    }
    async fn presence(&self, record: &MappingRecord) -> Result<Presence, MapError> {
        let Some(id) = record.pinhole_id else {
            return Ok(Presence::Missing);
        };
        Ok(match self.service.exists(id).await? {
            Some(true) => Presence::Present,
            Some(false) => Presence::Missing,
            None => Presence::Unknown,
        })
    }
}

/// The protocol a mapping goes through.
pub enum Mapper<'a> {
    Upnp(&'a UpnpGateway),
    Pmp(PmpMapper),
    Pinhole(PinholeMapper),
}

impl PortMapper for Mapper<'_> {
    fn method(&self) -> Method {
        match self {
            Mapper::Upnp(u) => PortMapper::method(*u),
            Mapper::Pmp(p) => p.method(),
            Mapper::Pinhole(p) => p.method(),
        }
    }
    async fn map(&self, req: &MapRequest) -> Result<MapGrant, MapError> {
        match self {
            Mapper::Upnp(u) => u.map(req).await,
            Mapper::Pmp(p) => p.map(req).await,
            Mapper::Pinhole(p) => p.map(req).await,
        }
    }
    async fn unmap(&self, record: &MappingRecord) -> Result<(), MapError> {
        match self {
            Mapper::Upnp(u) => u.unmap(record).await,
            Mapper::Pmp(p) => p.unmap(record).await,
            Mapper::Pinhole(p) => p.unmap(record).await,
        }
    }
    async fn presence(&self, record: &MappingRecord) -> Result<Presence, MapError> {
        match self {
            Mapper::Upnp(u) => u.presence(record).await,
            Mapper::Pmp(p) => p.presence(record).await,
            Mapper::Pinhole(p) => p.presence(record).await,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Operations on direkt's mappings

/// What happened to one mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// Made now (it was not in the state).
    Created,
    /// Added again before its lease ended.
    Extended,
    /// Was in the state but gone from the router (restart, reboot): made again.
    Restored,
    /// An IPv6 pinhole whose address changed (a new delegated prefix): opened for the new
    /// address, the one for the old address removed (or left to lapse, `stale` says which).
    Moved,
    /// On the router with enough lease left: nothing sent.
    Kept,
    Removed,
    Failed,
}

/// One mapping's outcome, for the command's output and for `renew`.
#[derive(Debug, Clone, Serialize)]
pub struct MappingOutcome {
    pub mapping: String,
    pub family: Family,
    pub action: Action,
    pub via: Option<Method>,
    /// `203.0.113.2:443`, when the external address is known.
    pub external: Option<String>,
    pub internal: String,
    /// Seconds granted; 0 = permanent.
    pub lease: Option<u32>,
    pub expires_at: Option<i64>,
    pub error: Option<String>,
    pub hint: Option<String>,
    #[serde(skip)]
    pub error_kind: Option<ErrorKind>,
    /// [`Action::Moved`]: what became of the pinhole for the old address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stale: Option<String>,
}

impl MappingOutcome {
    pub fn ok(&self) -> bool {
        self.action != Action::Failed
    }
    /// The failure as an [`Error`] (for the exit code and hint).
    pub fn to_error(&self) -> Option<Error> {
        let msg = self.error.as_ref()?;
        let mut e = Error::new(self.error_kind.unwrap_or(ErrorKind::Failed), msg.clone());
        if let Some(h) = &self.hint {
            e = e.hint(h.clone());
        }
        Some(e)
    }
}

/// The result of `ports add` / `ports refresh` / `ports remove`.
#[derive(Debug, Clone, Serialize)]
pub struct PortsReport {
    pub gateway: Option<IpAddr>,
    /// The protocol used for new mappings.
    pub protocol: Option<Method>,
    pub external_address: Option<IpAddr>,
    pub mappings: Vec<MappingOutcome>,
    pub warnings: Vec<String>,
    pub discovery_ms: Option<u64>,
}

/// Kept for `renew`: the name the other parts use.
pub type RefreshReport = PortsReport;

impl PortsReport {
    pub fn first_error(&self) -> Option<Error> {
        self.mappings.iter().find_map(MappingOutcome::to_error)
    }
    fn empty() -> PortsReport {
        PortsReport {
            gateway: None,
            protocol: None,
            external_address: None,
            mappings: vec![],
            warnings: vec![],
            discovery_ms: None,
        }
    }
}

/// One mapping direkt should hold.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub spec: PortSpec,
    pub family: Family,
    /// Seconds; 0 = permanent.
    pub lease: u32,
}

/// Options for [`add`] and [`refresh`].
#[derive(Debug, Clone, Default)]
pub struct PortsOptions {
    pub discover: DiscoverOptions,
    /// Re-add every mapping even when its lease is not due.
    pub force: bool,
}

fn outcome(
    target: &Target,
    action: Action,
    via: Option<Method>,
    record: Option<&MappingRecord>,
    internal: String,
) -> MappingOutcome {
    MappingOutcome {
        mapping: target.spec.to_string(),
        family: target.family,
        action,
        via,
        external: record.and_then(|r| {
            r.external_address
                .map(|a| SocketAddr::new(a, r.external_port).to_string())
        }),
        internal,
        lease: record.map(|r| r.granted),
        expires_at: record.and_then(|r| r.expires_at),
        error: None,
        hint: None,
        error_kind: None,
        stale: None,
    }
}

fn failed(target: &Target, via: Option<Method>, internal: String, err: Error) -> MappingOutcome {
    let mut o = outcome(target, Action::Failed, via, None, internal);
    o.error = Some(err.message().to_string());
    o.hint = err.hint_text().map(str::to_string);
    o.error_kind = Some(err.kind());
    o
}

/// The box's address and the router's for `target`'s family, or why there is no IPv6 router
/// to ask.
fn endpoints(d: &Discovery, target: &Target) -> Result<(IpAddr, IpAddr)> {
    match target.family {
        Family::Ipv4 => Ok((d.gateway.local_address.into(), d.gateway.address.into())),
        Family::Ipv6 => match &d.ipv6 {
            Some(v6) if !v6.router.local_address.is_unspecified() => {
                Ok((v6.router.local_address.into(), v6.router.address.into()))
            }
            _ => {
                let why = d
                    .ipv6
                    .as_ref()
                    .and_then(|v| v.failure.clone())
                    .unwrap_or_else(|| "IPv6 was not probed".into());
                Err(
                    Error::failed(format!("no IPv6 pinhole for {}: {why}", target.spec))
                        .hint("give the box a global IPv6 address and an IPv6 default route, or leave IPv6 off"),
                )
            }
        },
    }
}

/// Why no protocol can map `family` on this gateway.
fn no_mapper(d: &Discovery, family: Family) -> MapError {
    match family {
        Family::Ipv4 => d.no_service(),
        Family::Ipv6 => MapError::NoService {
            tried: vec![
                d.ipv6
                    .as_ref()
                    .and_then(|v| v.failure.clone())
                    .unwrap_or_else(|| "PCP over IPv6 did not answer".into())
                    + match &d.upnp {
                        Some(u) if u.ipv6_firewall => {
                            "; UPnP IGDv2 offers WANIPv6FirewallControl, but the box has no IPv6 router to send it to"
                        }
                        Some(_) => {
                            "; UPnP on the gateway offers no IPv6 firewall control (WANIPv6FirewallControl, IGDv2)"
                        }
                        None => "; no UPnP IGDv2 with WANIPv6FirewallControl either",
                    },
            ],
        },
    }
}

/// For a mapping direkt made through `mapper`: what to send now, or None to keep it as it is.
async fn still_there(
    d: &Discovery,
    lock: &StateLock,
    state: &mut State,
    mapper: &Mapper<'_>,
    r: &MappingRecord,
) -> Result<Option<Action>, MapError> {
    match mapper.presence(r).await? {
        Presence::Missing => Ok(Some(Action::Restored)),
        Presence::TakenBy(holder) => Err(MapError::Conflict {
            holder: Some(holder),
            description: None,
        }),
        // PCP/NAT-PMP cannot be asked; re-mapping with the same nonce costs one datagram
        // and puts back a mapping a restarted daemon lost (its epoch may not go back).
        Presence::Unknown => Ok(Some(Action::Extended)),
        Presence::Present if lease_decision(r, now_unix()) == LeaseDecision::Extend => {
            Ok(Some(Action::Extended))
        }
        Presence::Present => {
            // Recorded before direkt kept the service: keep it now, for the cheap check; and
            // this read of the router's table with the gateway's epoch, for the cheaper one.
            let service = upnp_service(d, mapper.method(), r.family);
            let confirmed = match r.family {
                Family::Ipv4 => confirmation(d, mapper.method()).or(r.confirmed),
                Family::Ipv6 => None,
            };
            if r.upnp_service != service || r.confirmed != confirmed {
                let mut updated = r.clone();
                updated.upnp_service = service;
                updated.confirmed = confirmed;
                state.ports.upsert(updated);
                if let Err(e) = lock.save(state) {
                    tracing::debug!("could not save the UPnP service: {}", e.message());
                }
            }
            Ok(None)
        }
    }
}

/// A UPnP mapping just read from the router's table, with the gateway's epoch as the discovery
/// saw it (PCP first, else NAT-PMP); `None` when neither answered or `via` is not UPnP.
fn confirmation(d: &Discovery, via: Method) -> Option<lease::Confirmation> {
    if !via.is_upnp() {
        return None;
    }
    let (epoch_via, info) = match (&d.pcp, &d.natpmp) {
        (Some(p), _) => (Method::Pcp, p),
        (None, Some(n)) => (Method::NatPmp, n),
        (None, None) => return None,
    };
    Some(lease::Confirmation {
        at: now_unix(),
        epoch: info.epoch,
        epoch_via,
    })
}

/// The record of a mapping the router granted: `previous` is the record it replaces.
fn granted_record(
    d: &Discovery,
    target: &Target,
    (client, gateway_ip): (IpAddr, IpAddr),
    via: Method,
    grant: MapGrant,
    previous: Option<&MappingRecord>,
) -> MappingRecord {
    let now = now_unix();
    MappingRecord {
        external_port: target.spec.external,
        internal_port: target.spec.internal,
        protocol: target.spec.protocol,
        family: target.family,
        internal_client: client,
        gateway: gateway_ip,
        via,
        lease: target.lease,
        granted: grant.lease,
        created_at: previous.map(|r| r.created_at).unwrap_or(now),
        renewed_at: now,
        expires_at: (grant.lease > 0).then_some(now + i64::from(grant.lease)),
        external_address: match target.family {
            Family::Ipv4 => grant.external_address,
            Family::Ipv6 => Some(client),
        },
        pcp_nonce: grant.nonce,
        epoch: grant.epoch,
        upnp_service: upnp_service(d, via, target.family),
        pinhole_id: grant.pinhole_id,
        // A grant says the router accepted it, not that it kept it: the next refresh reads
        // the table once before the epoch alone may vouch for it.
        confirmed: None,
    }
}

/// The request for `target` towards `client`; `permanent`: the gateway refuses finite leases.
fn map_request(
    target: &Target,
    client: IpAddr,
    permanent: bool,
    (nonce, pinhole_id): (Option<[u32; 3]>, Option<u16>),
) -> MapRequest {
    MapRequest {
        external_port: match target.family {
            Family::Ipv4 => target.spec.external,
            // A pinhole opens the box's own port.
            Family::Ipv6 => target.spec.internal,
        },
        internal_port: target.spec.internal,
        protocol: target.spec.protocol,
        client,
        lease: if permanent { 0 } else { target.lease },
        description: format!("direkt {}", target.spec),
        nonce,
        pinhole_id,
    }
}

/// Make or keep one mapping: the heart of `add` (force) and `refresh` (only when due/missing).
async fn ensure(
    d: &Discovery,
    lock: &StateLock,
    state: &mut State,
    target: &Target,
    force: bool,
) -> MappingOutcome {
    let (client, gateway_ip) = match endpoints(d, target) {
        Ok(x) => x,
        Err(e) => return failed(target, None, format!("[::]:{}", target.spec.internal), e),
    };
    let internal = SocketAddr::new(client, target.spec.internal).to_string();
    let record = state
        .ports
        .find(target.spec.external, target.spec.protocol, target.family)
        .cloned();

    let Some(mapper) = mapper_for(d, target.family, record.as_ref(), (client, gateway_ip)) else {
        let err = no_mapper(d, target.family);
        return failed(
            target,
            None,
            internal,
            err.to_error(&target.spec, target.family, client, gateway_ip),
        );
    };
    let via = mapper.method();
    let same_owner = record
        .as_ref()
        .is_some_and(|r| r.via == via && r.gateway == gateway_ip && r.internal_client == client);

    // The box's IPv6 address changed (a new prefix): the old pinhole is stale.
    let moved = record
        .as_ref()
        .filter(|r| target.family == Family::Ipv6 && r.internal_client != client);
    let stale = match moved {
        Some(old) => Some(remove_stale(&mapper, old).await),
        None => None,
    };
    // Decide.
    let action = match (&record, same_owner) {
        (None, _) => Action::Created,
        (Some(_), false) if moved.is_some() => Action::Moved,
        (Some(_), false) => Action::Restored,
        // `add` sends the mapping anyway (a conflict shows in its answer): no need to ask first.
        (Some(_), true) if force => Action::Extended,
        // The config now forwards the port to another internal port: send the new mapping.
        (Some(r), true) if r.internal_port != target.spec.internal => Action::Extended,
        (Some(r), true) => match still_there(d, lock, state, &mapper, r).await {
            Ok(Some(action)) => action,
            Ok(None) => return outcome(target, Action::Kept, Some(via), Some(r), internal),
            Err(e) => {
                return failed(
                    target,
                    Some(via),
                    internal,
                    e.to_error(&target.spec, target.family, client, gateway_ip),
                );
            }
        },
    };

    let permanent_only = state.ports.permanent_only.contains(&gateway_ip);
    let owned = record.as_ref().filter(|_| same_owner);
    let ids = (
        owned.and_then(|r| r.pcp_nonce),
        owned.and_then(|r| r.pinhole_id),
    );
    let req = map_request(
        target,
        client,
        permanent_only && via.is_upnp() && target.family == Family::Ipv4,
        ids,
    );
    match mapper.map(&req).await {
        Ok(grant) => {
            if grant.lease == 0 && req.lease != 0 && via.is_upnp() && !permanent_only {
                state.ports.permanent_only.push(gateway_ip);
            }
            let previous = record.as_ref().filter(|_| action != Action::Created);
            let rec = granted_record(d, target, (client, gateway_ip), via, grant, previous);
            state.ports.upsert(rec.clone());
            let mut out = outcome(target, action, Some(via), Some(&rec), internal);
            out.stale = stale;
            record_or_undo(lock, state, &mapper, &rec, out).await
        }
        Err(e) => failed(
            target,
            Some(via),
            internal,
            for_this_router(d, via, e).to_error(&target.spec, target.family, client, gateway_ip),
        ),
    }
}

/// The protocol for a mapping: the one that made it, if still there; else the best available.
fn mapper_for<'a>(
    d: &'a Discovery,
    family: Family,
    record: Option<&MappingRecord>,
    (client, gateway_ip): (IpAddr, IpAddr),
) -> Option<Mapper<'a>> {
    match family {
        Family::Ipv4 => record
            .filter(|r| r.gateway == gateway_ip && r.internal_client == client)
            .and_then(|r| d.mapper(r.via))
            .or_else(|| d.chosen.and_then(|m| d.mapper(m))),
        Family::Ipv6 => d.mapper6_for(record.map(|r| r.via)),
    }
}

/// A PCP NOT_AUTHORIZED from a router whose UPnP description names a FRITZ!Box: the same
/// per-device permission covers PCP (AVM, "Automatische Portfreigaben einrichten").
fn for_this_router(d: &Discovery, via: Method, e: MapError) -> MapError {
    let fritzbox = d.upnp.as_ref().and_then(|u| u.fritzbox.clone());
    match (e, fritzbox) {
        (MapError::NotAuthorized { code: None, .. }, Some(router)) if via == Method::Pcp => {
            MapError::DeviceNotAllowed {
                router,
                answer: "PCP NOT_AUTHORIZED".into(),
            }
        }
        (e, _) => e,
    }
}

/// Remove the pinhole of an address the box no longer has; a router that refuses (or a PCP
/// request that cannot leave from an address that is gone) leaves it to lapse with its lease.
/// Returns what became of it, in words.
async fn remove_stale(mapper: &Mapper<'_>, old: &MappingRecord) -> String {
    let old_internal = SocketAddr::new(old.internal_client, old.internal_port);
    let lapse = || match old.expires_at {
        Some(t) => format!(
            "the stale pinhole for {old_internal} could not be removed (that address is gone); it ends with its lease at {} at the latest",
            crate::net::time::format_time(t)
        ),
        None => format!("the stale pinhole for {old_internal} stays until the router drops it"),
    };
    match tokio::time::timeout(Duration::from_secs(2), mapper.unmap(old)).await {
        Ok(Ok(())) => format!("the stale pinhole for {old_internal} removed"),
        Ok(Err(e)) => {
            tracing::debug!("removing the stale pinhole for {old_internal}: {e:?}");
            lapse()
        }
        Err(_) => lapse(),
    }
}

/// Save the state with a mapping just granted: a mapping direkt made must never be forgotten,
/// even if a later one fails or the run is killed. When the record cannot be written (a full
/// disk) a new mapping is taken off the router again, so the router never holds one direkt has
/// no record of; one that was recorded before stays recorded (the state on disk has it).
async fn record_or_undo(
    lock: &StateLock,
    state: &mut State,
    mapper: &Mapper<'_>,
    rec: &MappingRecord,
    mut out: MappingOutcome,
) -> MappingOutcome {
    let Err(e) = lock.save(state) else {
        return out;
    };
    let what = format!("{} {}", rec.family, rec.spec());
    let created = out.action == Action::Created;
    out.action = Action::Failed;
    out.error_kind = Some(e.kind());
    out.hint = Some(
        "free space in the state directory (or fix its permissions), then run the command \
         again"
            .into(),
    );
    if !created {
        out.error = Some(format!(
            "the router renewed {what}, but the new lease could not be recorded: {}; the \
             earlier record still holds it, so `direkt ports remove` can remove it",
            e.message()
        ));
        return out;
    }
    match mapper.unmap(rec).await {
        Ok(()) => {
            state
                .ports
                .forget(rec.external_port, rec.protocol, rec.family);
            out.error = Some(format!(
                "{what} could not be recorded ({}), so direkt removed it from the router again",
                e.message()
            ));
        }
        Err(undo) => {
            let undo = undo.to_error(&rec.spec(), rec.family, rec.internal_client, rec.gateway);
            out.error = Some(format!(
                "{what} is on the router but could not be recorded ({}), and removing it again \
                 failed ({}); `direkt ports remove {}` removes it later all the same (the \
                 router says it points at this box)",
                e.message(),
                undo.message(),
                rec.spec()
            ));
        }
    }
    out
}

/// The UPnP service a mapping made `via` UPnP went through (for an IPv6 pinhole, the IPv6
/// firewall service at the router's IPv6 address).
fn upnp_service(d: &Discovery, via: Method, family: Family) -> Option<upnp::WanService> {
    if family == Family::Ipv6 {
        return d
            .pinhole_service()
            .filter(|_| via.is_upnp())
            .map(|p| p.service);
    }
    d.upnp_gateway
        .as_ref()
        .filter(|g| via.is_upnp() && g.method() == via)
        .map(|g| g.service.clone())
}

fn report_from(d: &Discovery) -> PortsReport {
    PortsReport {
        gateway: Some(d.gateway.address.into()),
        protocol: d.chosen,
        external_address: d.external_address().map(|a| a.address),
        mappings: vec![],
        warnings: d.warnings.clone(),
        discovery_ms: Some(d.elapsed_ms),
    }
}

/// Add (or re-add) mappings now, whatever their lease.
pub async fn add(
    lock: &StateLock,
    state: &mut State,
    targets: &[Target],
    opts: &PortsOptions,
) -> Result<PortsReport> {
    // `add` sends each mapping anyway (a conflict shows in its answer).
    map_all(lock, state, targets, opts, true).await
}

/// Discover the gateway and [`ensure`] each target (`force`: send it without asking first).
async fn map_all(
    lock: &StateLock,
    state: &mut State,
    targets: &[Target],
    opts: &PortsOptions,
    force: bool,
) -> Result<PortsReport> {
    let mut opts = opts.clone();
    opts.discover.ipv6 |= targets.iter().any(|t| t.family == Family::Ipv6);
    // A mapping made over UPnP is checked over UPnP: wait for its answer instead of switching
    // to PCP because PCP answered a few ms sooner (that would re-create it for nothing).
    opts.discover.full |= targets.iter().any(|t| {
        state
            .ports
            .find(t.spec.external, t.spec.protocol, t.family)
            .is_some_and(|r| matches!(r.via, Method::UpnpIgd2 | Method::UpnpIgd1))
    });
    let d = discover(&opts.discover).await?;
    let mut report = report_from(&d);
    for t in targets {
        let o = ensure(&d, lock, state, t, force).await;
        report.mappings.push(o);
    }
    Ok(report)
}

/// What `refresh` keeps: the configured mappings (IPv6 pinholes too when `[ip] ipv6` is on)
/// plus every mapping direkt created by hand, each with its own lease.
pub fn refresh_targets(settings: &Settings, state: &State) -> Vec<Target> {
    let mut out: Vec<Target> = vec![];
    if let Some(c) = &settings.config
        && let Some(p) = &c.ports
    {
        let lease = p.lease.0.as_secs().min(u64::from(u32::MAX)) as u32;
        for spec in &p.forward {
            out.push(Target {
                spec: *spec,
                family: Family::Ipv4,
                lease,
            });
            if c.ip.ipv6 {
                out.push(Target {
                    spec: *spec,
                    family: Family::Ipv6,
                    lease,
                });
            }
        }
    }
    for r in &state.ports.mappings {
        if !out.iter().any(|t| {
            t.family == r.family
                && t.spec.external == r.external_port
                && t.spec.protocol == r.protocol
        }) {
            out.push(Target {
                spec: r.spec(),
                family: r.family,
                lease: r.lease,
            });
        }
    }
    out
}

/// Keep the new [`lease::Confirmation`]s of mappings just read from the router's table. Only a
/// shortcut for later runs: a failed save costs the next run a SOAP call, nothing else.
fn remember_reads(lock: &StateLock, state: &mut State, read: Vec<MappingRecord>) {
    let changed: Vec<MappingRecord> = read
        .into_iter()
        .filter(|r| {
            state
                .ports
                .find(r.external_port, r.protocol, r.family)
                .is_none_or(|old| old.confirmed != r.confirmed)
        })
        .collect();
    if changed.is_empty() {
        return;
    }
    for r in changed {
        state.ports.upsert(r);
    }
    if let Err(e) = lock.save(state) {
        tracing::debug!(
            "could not save when the router last confirmed its mappings: {}",
            e.message()
        );
    }
}

/// `ports refresh` (and what `renew` calls): every mapping direkt should hold is checked on the
/// router; missing ones are re-created, those with less than half their lease left are
/// extended, the others are left alone. Each change is saved to the state at once.
pub async fn refresh(
    settings: &Settings,
    lock: &StateLock,
    state: &mut State,
    opts: &PortsOptions,
) -> Result<RefreshReport> {
    let targets = refresh_targets(settings, state);
    if targets.is_empty() {
        return Ok(PortsReport::empty());
    }
    if !opts.force
        && opts.discover.gateway.is_none()
        && let Some(confirmed) = confirm::confirm_recorded(state, &targets, now_unix()).await
    {
        let mappings = confirmed.mappings;
        tracing::debug!(
            "{} mapping(s) confirmed on the router ({} read from its table), no discovery",
            mappings.len(),
            confirmed.read.len()
        );
        remember_reads(lock, state, confirmed.read);
        return Ok(PortsReport {
            gateway: state
                .ports
                .mappings
                .iter()
                .find(|r| r.family == Family::Ipv4)
                .map(|r| r.gateway),
            mappings,
            ..PortsReport::empty()
        });
    }
    map_all(lock, state, &targets, opts, opts.force).await
}

/// Forget a removed mapping and save the state; the outcome says if saving failed.
fn forget_removed(
    lock: &StateLock,
    state: &mut State,
    t: &Target,
    rec: &MappingRecord,
    internal: String,
) -> MappingOutcome {
    state
        .ports
        .forget(rec.external_port, rec.protocol, rec.family);
    let mut o = outcome(t, Action::Removed, Some(rec.via), None, internal);
    if let Err(e) = lock.save(state) {
        o.action = Action::Failed;
        o.error = Some(format!(
            "{} {} was removed from the router, but that could not be recorded: {}; the \
             state still lists it",
            rec.family,
            t.spec,
            e.message()
        ));
        o.hint = Some(
            "free space in the state directory, then run `direkt ports remove` again (the \
             router no longer holds it, so that only updates the state)"
                .into(),
        );
        o.error_kind = Some(e.kind());
    }
    o
}

/// The router would not remove a mapping: say why and what to do by hand.
fn remove_failed(
    t: &Target,
    rec: &MappingRecord,
    internal: String,
    e: &MapError,
) -> MappingOutcome {
    let err = e.to_error(&t.spec, t.family, rec.internal_client, rec.gateway);
    let expired = rec.expires_at.is_some_and(|x| x <= now_unix());
    let hint = if expired {
        "its lease has ended anyway; the router drops it by itself".to_string()
    } else {
        format!(
            "remove it in the router's settings ({}), or try again",
            manual_rule(&t.spec, rec.internal_client).replacen("forward", "the rule forwarding", 1)
        )
    };
    failed(
        t,
        Some(rec.via),
        internal,
        Error::failed(format!("could not remove {}: {}", t.spec, err.message())).hint(hint),
    )
}

/// Remove direkt's mappings: those in the state, and — even without a record (a run that
/// could not write its state) — an IPv4 mapping on a port named in `targets` or in `sweep` (the
/// config's forward list, for `--all`) when the router's UPnP table says it points at this box.
/// Anything pointing elsewhere is never touched; an unrecorded port in `sweep` that the router
/// does not hold is not reported.
pub async fn remove(
    lock: &StateLock,
    state: &mut State,
    targets: &[(PortSpec, Family)],
    sweep: &[PortSpec],
    opts: &DiscoverOptions,
) -> Result<PortsReport> {
    let mut report = PortsReport::empty();
    let known: Vec<(Target, MappingRecord)> = targets
        .iter()
        .filter_map(|(spec, family)| {
            state
                .ports
                .find(spec.external, spec.protocol, *family)
                .map(|r| {
                    (
                        Target {
                            spec: r.spec(),
                            family: *family,
                            lease: r.lease,
                        },
                        r.clone(),
                    )
                })
        })
        .collect();
    let unrecorded = unrecorded_targets(state, targets, sweep, &mut report);
    if known.is_empty() && unrecorded.is_empty() {
        return Ok(report);
    }
    let mut opts = opts.clone();
    opts.ipv6 |= known.iter().any(|(t, _)| t.family == Family::Ipv6);
    let d = discover(&opts).await?;
    let r = report_from(&d);
    report.gateway = r.gateway;
    report.protocol = r.protocol;
    report.external_address = r.external_address;
    report.warnings = r.warnings;
    report.discovery_ms = r.discovery_ms;
    for (spec, explicit) in unrecorded {
        remove_unrecorded(&d, &spec, explicit, &mut report).await;
    }
    for (t, rec) in known {
        let internal = SocketAddr::new(rec.internal_client, rec.internal_port).to_string();
        let mapper = match rec.family {
            Family::Ipv4 if rec.gateway == IpAddr::V4(d.gateway.address) => d.mapper(rec.via),
            Family::Ipv6 => d.mapper6_for(Some(rec.via)),
            _ => None,
        };
        let result = match &mapper {
            Some(m) => m.unmap(&rec).await,
            None => Err(MapError::NoService {
                tried: vec![format!("{} is not available on the gateway now", rec.via)],
            }),
        };
        match result {
            Ok(()) => report
                .mappings
                .push(forget_removed(lock, state, &t, &rec, internal)),
            // miniupnpd refuses to delete an IPv6 PCP pinhole once it was renewed (seen with
            // 2.3.1): it is not renewed any more and closes when its lease ends.
            Err(MapError::NotAuthorized { .. }) if rec.family == Family::Ipv6 => {
                let until = rec
                    .expires_at
                    .map(crate::net::time::format_time)
                    .unwrap_or_else(|| "its lease ends".into());
                report.warnings.push(format!(
                    "the router refused to delete the IPv6 pinhole for {} now; direkt no longer                      renews it, so it closes at {until}",
                    t.spec
                ));
                report
                    .mappings
                    .push(forget_removed(lock, state, &t, &rec, internal));
            }
            Err(e) => report.mappings.push(remove_failed(&t, &rec, internal, &e)),
        }
    }
    Ok(report)
}

/// The ports of `targets` and `sweep` that direkt has no record of, each with whether the user
/// named it; an unrecorded IPv6 pinhole is reported as not direkt's (nothing can be asked).
fn unrecorded_targets(
    state: &State,
    targets: &[(PortSpec, Family)],
    sweep: &[PortSpec],
    report: &mut PortsReport,
) -> Vec<(PortSpec, bool)> {
    let mut unrecorded: Vec<(PortSpec, bool)> = vec![];
    for (spec, family) in targets {
        if state
            .ports
            .find(spec.external, spec.protocol, *family)
            .is_some()
        {
            continue;
        }
        if *family == Family::Ipv4 {
            unrecorded.push((*spec, true));
            continue;
        }
        let t = Target {
            spec: *spec,
            family: *family,
            lease: 0,
        };
        report.mappings.push(failed(
            &t,
            None,
            String::new(),
            Error::failed(format!(
                "direkt did not create {family} {spec}, so it leaves it alone"
            ))
            .hint("`direkt ports list` shows direkt's mappings; others are removed in the router's settings"),
        ));
    }
    for spec in sweep {
        let taken = |s: &PortSpec| s.external == spec.external && s.protocol == spec.protocol;
        if state
            .ports
            .find(spec.external, spec.protocol, Family::Ipv4)
            .is_none()
            && !unrecorded.iter().any(|(s, _)| taken(s))
        {
            unrecorded.push((*spec, false));
        }
    }
    unrecorded
}

/// A mapping direkt has no record of (its state could not be written when it was made): ask
/// the router over UPnP who holds the port and remove it only when that is this box. `None`
/// Nothing is reported for a port of the config's list (`explicit` false) that the router does
/// not hold.
async fn remove_unrecorded(
    d: &Discovery,
    spec: &PortSpec,
    explicit: bool,
    report: &mut PortsReport,
) {
    let o = unrecorded_outcome(d, spec, explicit).await;
    if o.as_ref().is_some_and(|o| o.action == Action::Removed) {
        report.warnings.push(format!(
            "{spec} was not in direkt's state, but the router's \
             entry pointed at this box ({}): removed",
            d.gateway.local_address
        ));
    }
    report.mappings.extend(o);
}

async fn unrecorded_outcome(
    d: &Discovery,
    spec: &PortSpec,
    explicit: bool,
) -> Option<MappingOutcome> {
    let t = Target {
        spec: *spec,
        family: Family::Ipv4,
        lease: 0,
    };
    let me = IpAddr::V4(d.gateway.local_address);
    let internal = SocketAddr::new(me, spec.internal).to_string();
    let not_ours = |why: String| {
        Error::failed(format!(
            "direkt did not create {spec} (it has no record of it), and {why}; it leaves it alone"
        ))
            .hint("`direkt ports list --all` shows the router's table; others' mappings are removed in the router's settings")
    };
    let Some(u) = &d.upnp_gateway else {
        return explicit.then(|| {
            failed(
                &t,
                None,
                internal,
                not_ours("the gateway offers no UPnP to ask who holds it".into()),
            )
        });
    };
    let via = Some(u.method());
    let err = |e: MapError| e.to_error(spec, Family::Ipv4, me, d.gateway.address.into());
    match u.entry(spec.external, spec.protocol).await {
        Ok(Some(e)) if e.internal_client == me.to_string() => {
            match u.remove(spec.external, spec.protocol).await {
                Ok(()) => Some(outcome(&t, Action::Removed, via, None, internal)),
                Err(e) => Some(failed(&t, via, internal, err(e))),
            }
        }
        Ok(Some(e)) => Some(failed(
            &t,
            via,
            internal,
            not_ours(format!(
                "the router forwards it to {}:{}, not to this box",
                e.internal_client, e.internal_port
            )),
        )),
        Ok(None) => explicit.then(|| {
            let e = Error::failed(format!(
                "there is no mapping for {spec} on the router, and none in direkt's state: \
                 nothing to remove"
            ))
            .hint("`direkt ports list --all` shows the router's table");
            failed(&t, via, internal, e)
        }),
        Err(e) => Some(failed(&t, via, internal, err(e))),
    }
}

/// The router's table as UPnP reports it, each entry marked when direkt made it.
#[derive(Debug, Clone, Serialize)]
pub struct RouterTable {
    pub gateway: IpAddr,
    pub protocol: Method,
    pub entries: Vec<TableEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TableEntry {
    #[serde(flatten)]
    pub entry: RouterEntry,
    pub direkt: bool,
}

/// Read the router's whole mapping table (UPnP only: PCP and NAT-PMP cannot list).
pub async fn router_table(state: &State, opts: &DiscoverOptions) -> Result<RouterTable> {
    let mut opts = opts.clone();
    if opts.via == Via::Auto {
        opts.via = Via::Upnp;
    }
    let d = discover(&opts).await?;
    let Some(u) = &d.upnp_gateway else {
        return Err(Error::failed(format!(
            "the gateway {} does not offer UPnP IGD, the only protocol that can list the \
             router's table ({})",
            d.gateway.address,
            d.failures.join("; ")
        ))
        .hint(
            "`direkt ports list` shows direkt's own mappings; the router's settings page shows all",
        ));
    };
    let entries = u
        .table()
        .await
        .map_err(|e| Error::failed(format!("cannot read the router's table: {e:?}")))?;
    let entries = entries
        .into_iter()
        .map(|e| {
            let direkt = state.ports.mappings.iter().any(|r| {
                r.family == Family::Ipv4
                    && r.external_port == e.external_port
                    && r.protocol == e.protocol
                    && r.internal_client.to_string() == e.internal_client
            });
            TableEntry { entry: e, direkt }
        })
        .collect();
    Ok(RouterTable {
        gateway: d.gateway.address.into(),
        protocol: u.method(),
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A read of the table records the epoch the discovery saw (PCP first, else NAT-PMP) for
    /// UPnP mappings only; a grant records none, so the next refresh reads the table once.
    #[test]
    fn a_read_keeps_the_epoch_and_a_grant_does_not() {
        let gw = Gateway {
            address: "192.168.77.1".parse().unwrap(),
            interface: "eth0".into(),
            local_address: "192.168.77.10".parse().unwrap(),
        };
        let info = |epoch| pcp::PmpInfo {
            epoch,
            external_address: None,
        };
        let both = discovery_from(gw.clone(), None, Some(Ok(info(7))), Some(Ok(info(9))), None);
        let c = confirmation(&both, Method::UpnpIgd2).unwrap();
        assert_eq!((c.epoch_via, c.epoch), (Method::Pcp, 7));
        assert!(confirmation(&both, Method::Pcp).is_none());
        let natpmp = discovery_from(gw.clone(), None, None, Some(Ok(info(9))), None);
        let c = confirmation(&natpmp, Method::UpnpIgd1).unwrap();
        assert_eq!((c.epoch_via, c.epoch), (Method::NatPmp, 9));
        let silent = discovery_from(gw, None, None, None, None);
        assert!(confirmation(&silent, Method::UpnpIgd2).is_none());

        let target = Target {
            spec: spec("443"),
            family: Family::Ipv4,
            lease: 3600,
        };
        let grant = MapGrant {
            lease: 3600,
            external_address: None,
            nonce: None,
            epoch: None,
            pinhole_id: None,
        };
        let mut previous = granted_record(
            &both,
            &target,
            (BOX, GW),
            Method::UpnpIgd2,
            grant.clone(),
            None,
        );
        previous.confirmed = confirmation(&both, Method::UpnpIgd2);
        let again = granted_record(
            &both,
            &target,
            (BOX, GW),
            Method::UpnpIgd2,
            grant,
            Some(&previous),
        );
        assert_eq!(again.confirmed, None);
    }

    fn spec(s: &str) -> PortSpec {
        s.parse().unwrap()
    }
    const BOX: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 168, 77, 10));
    const GW: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 168, 77, 1));

    #[test]
    fn manual_rule_names_everything() {
        assert_eq!(
            manual_rule(&spec("443"), BOX),
            "forward external port 443 (TCP) to 192.168.77.10 port 443"
        );
        assert_eq!(
            manual_rule(&spec("8443:443/udp"), BOX),
            "forward external port 8443 (UDP) to 192.168.77.10 port 443"
        );
    }

    #[test]
    fn conflict_names_the_host() {
        let e = MapError::Conflict {
            holder: Some("192.168.77.66:443".into()),
            description: Some("nas".into()),
        }
        .to_error(&spec("443"), Family::Ipv4, BOX, GW);
        assert!(
            e.message().contains("192.168.77.66:443 (\"nas\")"),
            "{}",
            e.message()
        );
        assert!(
            e.hint_text().unwrap().contains("8443:443/tcp"),
            "{:?}",
            e.hint_text()
        );
        assert_eq!(e.exit_code(), 1);
    }

    #[test]
    fn denied_low_port_suggests_high_port_dns01_and_manual_rule() {
        let e = MapError::NotAuthorized {
            code: Some(718),
            detail: "x".into(),
        }
        .to_error(&spec("443"), Family::Ipv4, BOX, GW);
        assert!(
            e.message().contains("permission denied (UPnP error 718)"),
            "{}",
            e.message()
        );
        assert!(e.message().contains("below 1024"));
        let h = e.hint_text().unwrap();
        assert!(h.contains("8443:443/tcp") && h.contains("DNS-01"), "{h}");
        assert!(
            h.contains("forward external port 443 (TCP) to 192.168.77.10 port 443"),
            "{h}"
        );
        // A high port gets no "use a high port" advice.
        let e = MapError::NotAuthorized {
            code: None,
            detail: "x".into(),
        }
        .to_error(&spec("8443:443"), Family::Ipv4, BOX, GW);
        assert!(!e.hint_text().unwrap().contains("DNS-01"));
    }

    /// Issue 16: for ports of 1024 and above the hint began with a dangling "or".
    #[test]
    fn refusal_hints_read_as_sentences() {
        for e in [
            MapError::NotAuthorized {
                code: Some(606),
                detail: "x".into(),
            },
            MapError::Refused {
                code: Some(501),
                detail: "x".into(),
            },
        ] {
            for (s, family) in [
                ("8443", Family::Ipv4),
                ("443", Family::Ipv4),
                ("443", Family::Ipv6),
            ] {
                let client = if family == Family::Ipv6 {
                    "2001:db8::10".parse().unwrap()
                } else {
                    BOX
                };
                let h = e
                    .to_error(&spec(s), family, client, GW)
                    .hint_text()
                    .unwrap()
                    .to_string();
                assert!(!h.starts_with("or ") && !h.contains("; ; "), "{h}");
            }
        }
        // A pinhole opens the box's own port: no "external port" advice for IPv6.
        let h = MapError::NotAuthorized {
            code: Some(606),
            detail: "x".into(),
        }
        .to_error(
            &spec("443"),
            Family::Ipv6,
            "2001:db8::10".parse().unwrap(),
            GW,
        );
        let h = h.hint_text().unwrap();
        assert!(
            h.contains("port from 1024 up") && !h.contains("8443:443"),
            "{h}"
        );
    }

    #[test]
    fn a_fritzbox_refusal_names_its_setting() {
        let e = MapError::DeviceNotAllowed {
            router: "FRITZ!Box 7590".into(),
            answer: "UPnP error 606, Action not authorized".into(),
        }
        .to_error(&spec("443"), Family::Ipv4, BOX, GW);
        assert_eq!(e.exit_code(), 1);
        assert!(
            e.message()
                .starts_with("the FRITZ!Box 7590 (192.168.77.1) refused to forward port 443/tcp"),
            "{}",
            e.message()
        );
        let h = e.hint_text().unwrap();
        for words in [
            "Internet > Permit Access > Port Sharing",
            "\"Permit independent port sharing for this device\"",
            "\"Selbstständige Portfreigaben für dieses Gerät erlauben\"",
            "greyed out",
            "forward external port 443 (TCP) to 192.168.77.10 port 443",
        ] {
            assert!(h.contains(words), "{words}: {h}");
        }
    }

    #[test]
    fn no_service_says_how_to_enable_and_the_rule() {
        let e = MapError::NoService {
            tried: vec!["UPnP: no answer".into(), "PCP: nothing listens".into()],
        }
        .to_error(&spec("443"), Family::Ipv4, BOX, GW);
        assert!(
            e.message()
                .contains("no port-mapping service on the gateway 192.168.77.1")
        );
        assert!(
            e.message()
                .contains("UPnP: no answer; PCP: nothing listens")
        );
        let h = e.hint_text().unwrap();
        assert!(h.contains("enable UPnP") && h.contains("NAT-PMP"), "{h}");
        assert!(
            h.contains("forward external port 443 (TCP) to 192.168.77.10 port 443"),
            "{h}"
        );
        let v6: IpAddr = "2001:db8::10".parse().unwrap();
        let e = MapError::NoService {
            tried: vec!["x".into()],
        }
        .to_error(&spec("443"), Family::Ipv6, v6, GW);
        assert!(
            e.message().contains("cannot open IPv6 pinholes"),
            "{}",
            e.message()
        );
        assert!(e.hint_text().unwrap().contains("[2001:db8::10]"));
    }

    #[test]
    fn port_taken_over_pcp_offers_the_other_port() {
        let e =
            MapError::PortTaken { offered: 40123 }.to_error(&spec("443"), Family::Ipv4, BOX, GW);
        assert!(
            e.message().contains("offered external port 40123"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn refresh_targets_join_config_and_state() {
        let cfg = crate::config::Config::parse(
            "name = \"box.example.org\"\n[ip]\nipv6 = true\n[ports]\nforward = [443, \"80/tcp\"]\nlease = \"2h\"\n",
            std::path::Path::new("x.toml"),
        )
        .unwrap();
        let settings = Settings {
            paths: crate::config::Paths {
                config_file: "x".into(),
                state_dir: "y".into(),
            },
            config: Some(cfg),
            secrets: Default::default(),
        };
        let mut state = State::default();
        state.ports.upsert(MappingRecord {
            external_port: 8080,
            internal_port: 80,
            protocol: Protocol::Tcp,
            family: Family::Ipv4,
            internal_client: BOX,
            gateway: GW,
            via: Method::Pcp,
            lease: 600,
            granted: 600,
            created_at: 0,
            renewed_at: 0,
            expires_at: Some(600),
            external_address: None,
            pcp_nonce: Some([1, 2, 3]),
            epoch: Some(5),
            upnp_service: None,
            confirmed: None,
            pinhole_id: None,
        });
        let t = refresh_targets(&settings, &state);
        let names: Vec<String> = t
            .iter()
            .map(|t| format!("{} {} {}", t.family, t.spec, t.lease))
            .collect();
        assert_eq!(
            names,
            vec![
                "IPv4 443/tcp 7200",
                "IPv6 443/tcp 7200",
                "IPv4 80/tcp 7200",
                "IPv6 80/tcp 7200",
                "IPv4 8080:80/tcp 600"
            ]
        );
    }
}
