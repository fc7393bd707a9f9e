//! UPnP IGD (v1 and v2): the device description (fetched by direkt, bounded, pinned to the
//! gateway), the choice of WAN connection service (a connected one first), and the SOAP calls.
//! igd-next performs the standard calls through direkt's own HTTP transport ([`RouterHttp`]);
//! the two calls it lacks (GetStatusInfo, GetSpecificPortMappingEntry) are done here.

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use igd_next::aio::Gateway as IgdGateway;
use igd_next::{AddPortError, PortMappingProtocol, RemovePortError, RequestError};
use serde::Serialize;

use super::http::{self, RouterHttp};
use super::ssdp::{self, SearchPlan};
use super::{MapError, Method};
use crate::config::Protocol;

const WAN_IP_1: &str = "urn:schemas-upnp-org:service:WANIPConnection:1";
const WAN_IP_2: &str = "urn:schemas-upnp-org:service:WANIPConnection:2";
const WAN_PPP_1: &str = "urn:schemas-upnp-org:service:WANPPPConnection:1";
/// The DSL Forum's (Broadband Forum TR-064) names for the same services: some DSL routers
/// (Huawei's among them) announce only these in their IGD description.
const DSL_WAN_IP_1: &str = "urn:dslforum-org:service:WANIPConnection:1";
const DSL_WAN_PPP_1: &str = "urn:dslforum-org:service:WANPPPConnection:1";
/// Every WAN connection service type direkt maps ports through, best first.
pub const WAN_SERVICE_TYPES: [&str; 5] =
    [WAN_IP_2, WAN_IP_1, WAN_PPP_1, DSL_WAN_IP_1, DSL_WAN_PPP_1];

/// A WAN connection status that means the line is up: the IGD spec's `Connected`, and `Up`,
/// which some routers answer instead.
pub fn is_connected(status: &str) -> bool {
    status.eq_ignore_ascii_case("Connected") || status.eq_ignore_ascii_case("Up")
}
pub(super) const IPV6_FIREWALL: &str = "urn:schemas-upnp-org:service:WANIPv6FirewallControl:1";
/// The router's own table is read entry by entry; no real router holds more.
pub const MAX_TABLE_ENTRIES: u32 = 256;

/// A WAN connection service found in the description.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WanService {
    pub service_type: String,
    /// Absolute `http://ip:port/path`, checked to be on the gateway.
    pub control_url: String,
}

/// What a device description offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Description {
    pub device_type: String,
    pub friendly_name: Option<String>,
    pub manufacturer: Option<String>,
    pub model_name: Option<String>,
    pub wan_services: Vec<WanService>,
    pub ipv6_firewall_url: Option<String>,
}

/// The router's model when its description says it is an AVM FRITZ!Box (manufacturer AVM,
/// or a model or friendly name "FRITZ!Box ..."): for advice in the words of AVM's documents.
pub fn fritzbox_model(
    manufacturer: Option<&str>,
    model_name: Option<&str>,
    friendly_name: Option<&str>,
) -> Option<String> {
    fn named(s: Option<&str>) -> Option<&str> {
        s.filter(|s| s.to_ascii_uppercase().contains("FRITZ!BOX"))
    }
    let avm = manufacturer.is_some_and(|m| {
        m.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w.eq_ignore_ascii_case("AVM"))
    });
    named(model_name)
        .or(named(friendly_name))
        .map(str::to_string)
        .or_else(|| avm.then(|| model_name.unwrap_or("FRITZ!Box").to_string()))
}

impl Description {
    /// 2 for an IGDv2 device (or one offering WANIPConnection:2), else 1.
    pub fn igd_version(&self) -> u8 {
        if self.device_type.ends_with("InternetGatewayDevice:2")
            || self.wan_services.iter().any(|s| s.service_type == WAN_IP_2)
        {
            2
        } else {
            1
        }
    }
}

/// Resolve a URL from the description against the base, and refuse any that leaves the gateway.
fn resolve_url(base: &str, reference: &str, gateway: IpAddr) -> Result<String, String> {
    let reference = reference.trim();
    let url = if reference.starts_with("http://") {
        reference.to_string()
    } else {
        let (addr, base_path) = http::split_url(base).map_err(|e| e.to_string())?;
        let path = if reference.starts_with('/') {
            reference.to_string()
        } else {
            let dir = &base_path[..base_path.rfind('/').map(|i| i + 1).unwrap_or(0)];
            format!("{}{reference}", if dir.is_empty() { "/" } else { dir })
        };
        let host = match addr {
            SocketAddr::V4(a) => a.to_string(),
            SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
        };
        format!("http://{host}{path}")
    };
    let (addr, _) = http::split_url(&url).map_err(|e| e.to_string())?;
    if addr.ip() != gateway {
        return Err(format!(
            "the description points to {} instead of the gateway {gateway}",
            addr.ip()
        ));
    }
    Ok(url)
}

fn text_of(e: &xmltree::Element, child: &str) -> Option<String> {
    e.get_child(child)
        .and_then(|c| c.get_text())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// Parse a device description (bounded by the HTTP layer). `location` is where it came from.
pub fn parse_description(
    xml: &[u8],
    location: &str,
    gateway: IpAddr,
) -> Result<(Description, Vec<String>), String> {
    let root = xmltree::Element::parse(xml).map_err(|e| format!("unreadable description: {e}"))?;
    let base = match text_of(&root, "URLBase") {
        Some(b) => resolve_url(location, &b, gateway)?,
        None => location.to_string(),
    };
    let device = root
        .get_child("device")
        .ok_or("the description has no device")?;
    let mut out = Description {
        device_type: text_of(device, "deviceType").unwrap_or_default(),
        friendly_name: text_of(device, "friendlyName"),
        manufacturer: text_of(device, "manufacturer"),
        model_name: text_of(device, "modelName"),
        wan_services: vec![],
        ipv6_firewall_url: None,
    };
    let mut problems = vec![];
    // Depth-first over the device tree, bounded (descriptions are a few levels deep).
    let mut pending = vec![(device, 0usize)];
    while let Some((dev, depth)) = pending.pop() {
        if depth > 8 {
            continue;
        }
        if let Some(list) = dev.get_child("serviceList") {
            for svc in list.children.iter().filter_map(|c| c.as_element()) {
                if svc.name != "service" {
                    continue;
                }
                let (Some(st), Some(ctl)) =
                    (text_of(svc, "serviceType"), text_of(svc, "controlURL"))
                else {
                    continue;
                };
                let wanted = WAN_SERVICE_TYPES.contains(&st.as_str());
                if !wanted && st != IPV6_FIREWALL {
                    // `urn:...:service:WAN<kind>Connection:<version>`: a connection service.
                    let name = st.rsplit(':').nth(1).unwrap_or_default();
                    if name.starts_with("WAN") && name.ends_with("Connection") {
                        problems.push(format!(
                            "skipped service {st}: not a WAN connection type direkt knows ({})",
                            WAN_SERVICE_TYPES.join(", ")
                        ));
                    }
                    continue;
                }
                match resolve_url(&base, &ctl, gateway) {
                    Ok(url) if wanted => out.wan_services.push(WanService {
                        service_type: st,
                        control_url: url,
                    }),
                    Ok(url) => out.ipv6_firewall_url = Some(url),
                    Err(e) => problems.push(format!("ignored service {st}: {e}")),
                }
            }
        }
        if let Some(list) = dev.get_child("deviceList") {
            for child in list.children.iter().rev().filter_map(|c| c.as_element()) {
                if child.name == "device" {
                    pending.push((child, depth + 1));
                }
            }
        }
    }
    // IGDv2's WANIPConnection:2 first, then v1, then PPP, then the DSL Forum's names.
    let rank = |s: &WanService| {
        WAN_SERVICE_TYPES
            .iter()
            .position(|t| *t == s.service_type)
            .unwrap_or(WAN_SERVICE_TYPES.len())
    };
    out.wan_services.sort_by_key(rank);
    Ok((out, problems))
}

/// The arguments of the standard actions, in the order the IGD specs give them. Knowing them
/// saves fetching and parsing one SCPD document per run.
fn standard_schema(v2: bool) -> HashMap<String, Vec<String>> {
    let add: Vec<String> = [
        "NewRemoteHost",
        "NewExternalPort",
        "NewProtocol",
        "NewInternalPort",
        "NewInternalClient",
        "NewEnabled",
        "NewPortMappingDescription",
        "NewLeaseDuration",
    ]
    .map(String::from)
    .to_vec();
    let delete: Vec<String> = ["NewRemoteHost", "NewExternalPort", "NewProtocol"]
        .map(String::from)
        .to_vec();
    let mut m = HashMap::new();
    if v2 {
        m.insert("AddAnyPortMapping".into(), add.clone());
    }
    m.insert("AddPortMapping".into(), add);
    m.insert("DeletePortMapping".into(), delete);
    m
}

/// A UPnP error or a transport failure from a SOAP call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SoapError {
    Upnp { code: u16, description: String },
    Transport(String),
}

impl std::fmt::Display for SoapError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SoapError::Upnp { code, description } => write!(f, "UPnP error {code} ({description})"),
            SoapError::Transport(t) => f.write_str(t),
        }
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn soap_envelope(service_type: &str, action: &str, args: &[(&str, String)]) -> String {
    let args: String = args
        .iter()
        .map(|(k, v)| format!("<{k}>{}</{k}>", xml_escape(v)))
        .collect();
    format!(
        "<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" \
         s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body>\
         <u:{action} xmlns:u=\"{service_type}\">{args}</u:{action}></s:Body></s:Envelope>\r\n"
    )
}

/// Parse a SOAP answer: the response's arguments, or the UPnP fault.
pub fn parse_soap_answer(body: &str, action: &str) -> Result<BTreeMap<String, String>, SoapError> {
    let root = xmltree::Element::parse(body.as_bytes())
        .map_err(|e| SoapError::Transport(format!("unreadable SOAP answer: {e}")))?;
    let body = root
        .get_child("Body")
        .ok_or_else(|| SoapError::Transport("SOAP answer without a Body".into()))?;
    if let Some(resp) = body.get_child(format!("{action}Response").as_str()) {
        return Ok(resp
            .children
            .iter()
            .filter_map(|c| c.as_element())
            .map(|e| {
                (
                    e.name.clone(),
                    e.get_text()
                        .map(|t| t.trim().to_string())
                        .unwrap_or_default(),
                )
            })
            .collect());
    }
    let err = body
        .get_child("Fault")
        .and_then(|f| f.get_child("detail"))
        .and_then(|d| d.get_child("UPnPError"));
    match err {
        Some(e) => Err(SoapError::Upnp {
            code: text_of(e, "errorCode")
                .and_then(|c| c.parse().ok())
                .unwrap_or(0),
            description: text_of(e, "errorDescription").unwrap_or_default(),
        }),
        None => Err(SoapError::Transport(
            "SOAP answer is neither a response nor a fault".into(),
        )),
    }
}

async fn soap_call(
    service: &WanService,
    action: &str,
    args: &[(&str, String)],
) -> Result<BTreeMap<String, String>, SoapError> {
    soap_call_from(None, service, action, args).await
}

/// One SOAP action on `service`, sent from the local address `from` when given.
pub(super) async fn soap_call_from(
    from: Option<IpAddr>,
    service: &WanService,
    action: &str,
    args: &[(&str, String)],
) -> Result<BTreeMap<String, String>, SoapError> {
    let body = soap_envelope(&service.service_type, action, args);
    let header = format!("\"{}#{action}\"", service.service_type);
    let text = http::soap_from(from, &service.control_url, &header, &body)
        .await
        .map_err(|e| SoapError::Transport(e.to_string()))?;
    parse_soap_answer(&text, action)
}

/// GetSpecificPortMappingEntry on `service`: who holds this external port, if anyone. Needs no
/// search: a later run asks the service recorded with the mapping.
pub async fn entry(
    service: &WanService,
    external_port: u16,
    protocol: Protocol,
) -> Result<Option<RouterEntry>, MapError> {
    let args = [
        ("NewRemoteHost", String::new()),
        ("NewExternalPort", external_port.to_string()),
        ("NewProtocol", proto_arg(protocol)),
    ];
    match soap_call(service, "GetSpecificPortMappingEntry", &args).await {
        Ok(m) => {
            let get = |k: &str| m.get(k).cloned().unwrap_or_default();
            Ok(Some(RouterEntry {
                external_port,
                protocol,
                internal_client: get("NewInternalClient"),
                internal_port: get("NewInternalPort").parse().unwrap_or(0),
                description: get("NewPortMappingDescription"),
                enabled: get("NewEnabled") != "0",
                lease_remaining: get("NewLeaseDuration").parse().unwrap_or(0),
                remote_host: get("NewRemoteHost"),
            }))
        }
        // 714 NoSuchEntryInArray; some routers answer 713 or 402 for a missing entry.
        Err(SoapError::Upnp {
            code: 714 | 713, ..
        }) => Ok(None),
        Err(SoapError::Upnp { code, description }) => Err(MapError::Refused {
            code: Some(code),
            detail: description,
        }),
        Err(SoapError::Transport(t)) => Err(MapError::Unreachable(t)),
    }
}

/// A mapping as the router reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RouterEntry {
    pub external_port: u16,
    pub protocol: Protocol,
    pub internal_client: String,
    pub internal_port: u16,
    pub description: String,
    pub enabled: bool,
    /// Seconds left; 0 = permanent.
    pub lease_remaining: u32,
    pub remote_host: String,
}

/// The found IGD, ready for calls.
#[derive(Debug, Clone)]
pub struct UpnpGateway {
    pub igd: IgdGateway<RouterHttp>,
    pub service: WanService,
    pub version: u8,
    pub location: String,
    pub friendly_name: Option<String>,
    /// "FRITZ!Box 7590" when the description names an AVM FRITZ!Box (see [`fritzbox_model`]).
    pub fritzbox: Option<String>,
    pub server: Option<String>,
    pub connection_status: Option<String>,
    pub external_address: Option<IpAddr>,
    pub ipv6_firewall_url: Option<String>,
    pub used_multicast: bool,
}

/// Result of looking for the gateway's IGD.
pub struct UpnpProbe {
    pub gateway: Option<UpnpGateway>,
    /// Why nothing usable was found (when `gateway` is `None`).
    pub failure: Option<String>,
    pub warnings: Vec<String>,
}

/// Every WAN service's connection status and external address, asked at once (the first
/// connected one wins).
async fn wan_states(services: &[WanService]) -> Vec<(Option<String>, Option<IpAddr>)> {
    futures_util::future::join_all(services.iter().map(|s| async move {
        let status = async {
            soap_call(s, "GetStatusInfo", &[])
                .await
                .ok()
                .and_then(|m| m.get("NewConnectionStatus").cloned())
        };
        let address = async {
            soap_call(s, "GetExternalIPAddress", &[])
                .await
                .ok()
                .and_then(|m| {
                    m.get("NewExternalIPAddress")
                        .and_then(|a| a.parse::<IpAddr>().ok())
                })
        };
        tokio::join!(status, address)
    }))
    .await
}

/// The WAN service to use: the best-ranked connected one (else the best-ranked one), with a
/// line for each better-ranked service skipped and why, and one when the chosen service's line
/// is down.
fn choose_service(services: &[WanService], statuses: &[Option<String>]) -> (usize, Vec<String>) {
    let chosen = statuses
        .iter()
        .position(|s| s.as_deref().is_some_and(is_connected))
        .unwrap_or(0);
    let mut notes: Vec<String> = services[..chosen]
        .iter()
        .zip(statuses)
        .map(|(s, st)| {
            format!(
                "skipped the router's {} service: its connection status is {}; using {}",
                s.service_type,
                st.as_deref().unwrap_or("unknown (GetStatusInfo failed)"),
                services[chosen].service_type
            )
        })
        .collect();
    const DOWN: [&str; 5] = [
        "Unconfigured",
        "Connecting",
        "PendingDisconnect",
        "Disconnecting",
        "Disconnected",
    ];
    if let Some(s) = &statuses[chosen]
        && DOWN.iter().any(|d| d.eq_ignore_ascii_case(s))
    {
        notes.push(format!(
            "the router reports its WAN connection as {s}; mappings may not work until it is \
             connected"
        ));
    }
    (chosen, notes)
}

/// Search the gateway's IGD, fetch its description, choose the WAN service (connected first)
/// and read its external address.
pub async fn probe(gateway: Ipv4Addr, plan: &SearchPlan) -> UpnpProbe {
    let mut warnings = vec![];
    let outcome = match ssdp::search(gateway, plan).await {
        Ok(o) => o,
        Err(e) => {
            return UpnpProbe {
                gateway: None,
                failure: Some(format!("SSDP search failed: {e}")),
                warnings,
            };
        }
    };
    warnings.extend(outcome.ignored);
    let Some(answer) = outcome.answer else {
        return UpnpProbe {
            gateway: None,
            failure: Some(format!(
                "no UPnP answer from the gateway {gateway} within {} ms",
                plan.deadline.as_millis()
            )),
            warnings,
        };
    };
    let fail = |why: String, warnings: Vec<String>| UpnpProbe {
        gateway: None,
        failure: Some(why),
        warnings,
    };
    let xml = match http::get(answer.location_addr, &answer.location_path).await {
        Ok(x) => x,
        Err(e) => return fail(format!("cannot read {}: {e}", answer.location), warnings),
    };
    let (desc, problems) = match parse_description(&xml, &answer.location, gateway.into()) {
        Ok(d) => d,
        Err(e) => return fail(format!("{}: {e}", answer.location), warnings),
    };
    warnings.extend(problems);
    if desc.wan_services.is_empty() {
        return fail(
            format!(
                "{} offers no WAN connection service direkt can use (it looks for {})",
                answer.location,
                WAN_SERVICE_TYPES.join(", ")
            ),
            warnings,
        );
    }
    let answers = wan_states(&desc.wan_services).await;
    let statuses: Vec<Option<String>> = answers.iter().map(|a| a.0.clone()).collect();
    let (chosen, notes) = choose_service(&desc.wan_services, &statuses);
    warnings.extend(notes);
    let service = desc.wan_services[chosen].clone();
    let status = statuses[chosen].clone();
    let version = desc.igd_version();
    let igd = IgdGateway {
        addr: answer.location_addr,
        root_url: answer.location_path.clone(),
        control_url: service.control_url.clone(),
        control_schema_url: String::new(),
        control_schema: standard_schema(service.service_type == WAN_IP_2),
        service_type: service.service_type.clone(),
        ipv6_firewall_control_url: desc.ipv6_firewall_url.clone(),
        provider: RouterHttp,
    };
    let external_address = answers[chosen].1;
    UpnpProbe {
        gateway: Some(UpnpGateway {
            igd,
            service,
            version,
            location: answer.location,
            fritzbox: fritzbox_model(
                desc.manufacturer.as_deref(),
                desc.model_name.as_deref(),
                desc.friendly_name.as_deref(),
            ),
            friendly_name: desc.friendly_name,
            server: answer.server,
            connection_status: status,
            external_address,
            ipv6_firewall_url: desc.ipv6_firewall_url,
            used_multicast: outcome.used_multicast,
        }),
        failure: None,
        warnings,
    }
}

fn igd_protocol(p: Protocol) -> PortMappingProtocol {
    match p {
        Protocol::Tcp => PortMappingProtocol::TCP,
        Protocol::Udp => PortMappingProtocol::UDP,
    }
}

fn proto_arg(p: Protocol) -> String {
    match p {
        Protocol::Tcp => "TCP".into(),
        Protocol::Udp => "UDP".into(),
    }
}

impl UpnpGateway {
    pub fn method(&self) -> Method {
        if self.version >= 2 {
            Method::UpnpIgd2
        } else {
            Method::UpnpIgd1
        }
    }

    /// GetSpecificPortMappingEntry: who holds this external port, if anyone.
    pub async fn entry(
        &self,
        external_port: u16,
        protocol: Protocol,
    ) -> Result<Option<RouterEntry>, MapError> {
        entry(&self.service, external_port, protocol).await
    }

    /// AddPortMapping (also extends an existing mapping of ours). Returns the lease granted:
    /// 0 when the router only accepts permanent leases (725) and the call was repeated with 0.
    pub async fn add(
        &self,
        external_port: u16,
        internal: SocketAddr,
        protocol: Protocol,
        lease: u32,
        description: &str,
    ) -> Result<u32, MapError> {
        let proto = igd_protocol(protocol);
        let first = self
            .igd
            .add_port(proto, external_port, internal, lease, description)
            .await;
        let err = match first {
            Ok(()) => return Ok(lease),
            Err(AddPortError::OnlyPermanentLeasesSupported) if lease != 0 => {
                tracing::info!("router accepts only permanent leases (725); asking for lease 0");
                return match self
                    .igd
                    .add_port(proto, external_port, internal, 0, description)
                    .await
                {
                    Ok(()) => Ok(0),
                    Err(e) => Err(self.explain(e, external_port, protocol, internal).await),
                };
            }
            Err(e) => e,
        };
        Err(self.explain(err, external_port, protocol, internal).await)
    }

    /// Turn an AddPortMapping error into what happened. 718 means "conflict" in the spec but
    /// miniupnpd also sends it for permission denials: the table tells the two apart.
    async fn explain(
        &self,
        err: AddPortError,
        external_port: u16,
        protocol: Protocol,
        internal: SocketAddr,
    ) -> MapError {
        match err {
            AddPortError::PortInUse => match self.entry(external_port, protocol).await {
                Ok(Some(e)) if e.internal_client != internal.ip().to_string() => {
                    MapError::Conflict {
                        holder: Some(format!("{}:{}", e.internal_client, e.internal_port)),
                        description: Some(e.description).filter(|d| !d.is_empty()),
                    }
                }
                // A FRITZ!Box shares a port only once, and its UPnP table does not list the
                // shares set up by hand (AVM help "Port Sharing").
                _ if self.fritzbox.is_some() => MapError::Conflict {
                    holder: Some(format!(
                        "a port share the {} does not list over UPnP (one set up by hand under \
                         Internet > Permit Access > Port Sharing: a FRITZ!Box shares a port only \
                         once)",
                        self.fritzbox.as_deref().unwrap_or("FRITZ!Box")
                    )),
                    description: None,
                },
                _ => MapError::NotAuthorized {
                    code: Some(718),
                    detail: "the router refused the mapping (ConflictInMappingEntry, sent by \
                             routers for denied ports too)"
                        .into(),
                },
            },
            AddPortError::ActionNotAuthorized => match &self.fritzbox {
                Some(model) => MapError::DeviceNotAllowed {
                    router: model.clone(),
                    answer: "UPnP error 606, Action not authorized".into(),
                },
                None => MapError::NotAuthorized {
                    code: Some(606),
                    detail: "action not authorized".into(),
                },
            },
            AddPortError::SamePortValuesRequired => MapError::SamePortRequired,
            AddPortError::OnlyPermanentLeasesSupported => MapError::Refused {
                code: Some(725),
                detail: "only permanent leases supported".into(),
            },
            AddPortError::RequestError(RequestError::ErrorCode(code, detail)) => match code {
                // 729 ConflictWithOtherMechanisms, 606 variants, 718/726/727 wildcard refusals
                726..=729 => MapError::NotAuthorized {
                    code: Some(code),
                    detail,
                },
                _ => MapError::Refused {
                    code: Some(code),
                    detail,
                },
            },
            AddPortError::RequestError(e) => MapError::Unreachable(e.to_string()),
            other => MapError::Refused {
                code: None,
                detail: other.to_string(),
            },
        }
    }

    pub async fn remove(&self, external_port: u16, protocol: Protocol) -> Result<(), MapError> {
        match self
            .igd
            .remove_port(igd_protocol(protocol), external_port)
            .await
        {
            Ok(()) | Err(RemovePortError::NoSuchPortMapping) => Ok(()),
            Err(RemovePortError::ActionNotAuthorized) => Err(MapError::NotAuthorized {
                code: Some(606),
                detail: "the router refused to delete the mapping".into(),
            }),
            Err(RemovePortError::RequestError(RequestError::ErrorCode(714, _))) => Ok(()),
            Err(RemovePortError::RequestError(RequestError::ErrorCode(code, detail))) => {
                Err(MapError::Refused {
                    code: Some(code),
                    detail,
                })
            }
            Err(e) => Err(MapError::Unreachable(e.to_string())),
        }
    }

    /// The router's whole table (GetGenericPortMappingEntry 0, 1, ... until the end).
    pub async fn table(&self) -> Result<Vec<RouterEntry>, MapError> {
        let mut out = vec![];
        for i in 0..MAX_TABLE_ENTRIES {
            match self.igd.get_generic_port_mapping_entry(i).await {
                Ok(e) => out.push(RouterEntry {
                    external_port: e.external_port,
                    protocol: match e.protocol {
                        PortMappingProtocol::TCP => Protocol::Tcp,
                        PortMappingProtocol::UDP => Protocol::Udp,
                    },
                    internal_client: e.internal_client,
                    internal_port: e.internal_port,
                    description: e.port_mapping_description,
                    enabled: e.enabled,
                    lease_remaining: e.lease_duration,
                    remote_host: e.remote_host,
                }),
                Err(igd_next::GetGenericPortMappingEntryError::SpecifiedArrayIndexInvalid) => break,
                Err(igd_next::GetGenericPortMappingEntryError::RequestError(
                    RequestError::ErrorCode(713 | 714 | 402, _),
                )) => break,
                Err(e) if i == 0 => return Err(MapError::Unreachable(e.to_string())),
                Err(_) => break,
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GW: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 168, 77, 1));
    const LOC: &str = "http://192.168.77.1:5000/rootDesc.xml";

    fn desc(services: &str, extra: &str) -> String {
        format!(
            r#"<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0">{extra}
<device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:2</deviceType>
<friendlyName>Lab router</friendlyName>
<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:2</deviceType>
<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:2</deviceType>
<serviceList>{services}</serviceList></device></deviceList></device></deviceList></device></root>"#
        )
    }

    fn svc(st: &str, ctl: &str) -> String {
        format!(
            "<service><serviceType>{st}</serviceType><controlURL>{ctl}</controlURL><SCPDURL>/x.xml</SCPDURL></service>"
        )
    }

    #[test]
    fn finds_services_v2_first_with_absolute_urls() {
        let xml = desc(
            &(svc(WAN_PPP_1, "/ctl/PPP")
                + &svc(WAN_IP_2, "/ctl/IPConn")
                + &svc(IPV6_FIREWALL, "ctl/IP6FCtl")),
            "",
        );
        let (d, problems) = parse_description(xml.as_bytes(), LOC, GW).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(d.igd_version(), 2);
        assert_eq!(d.friendly_name.as_deref(), Some("Lab router"));
        assert_eq!(d.wan_services[0].service_type, WAN_IP_2);
        assert_eq!(
            d.wan_services[0].control_url,
            "http://192.168.77.1:5000/ctl/IPConn"
        );
        assert_eq!(d.wan_services[1].service_type, WAN_PPP_1);
        assert_eq!(
            d.ipv6_firewall_url.as_deref(),
            Some("http://192.168.77.1:5000/ctl/IP6FCtl")
        );
    }

    #[test]
    fn control_urls_off_the_gateway_are_dropped() {
        let xml = desc(
            &(svc(WAN_IP_1, "http://192.168.77.66:5000/ctl/IPConn") + &svc(WAN_PPP_1, "/ctl/PPP")),
            "",
        );
        let (d, problems) = parse_description(xml.as_bytes(), LOC, GW).unwrap();
        assert_eq!(d.wan_services.len(), 1);
        assert_eq!(d.wan_services[0].service_type, WAN_PPP_1);
        assert!(problems[0].contains("192.168.77.66"), "{problems:?}");
        // A URLBase elsewhere poisons the whole description.
        let xml = desc(
            &svc(WAN_IP_1, "/ctl"),
            "<URLBase>http://198.51.100.80/</URLBase>",
        );
        assert!(parse_description(xml.as_bytes(), LOC, GW).is_err());
    }

    fn fixture(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/upnp")
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// A DSL router announcing only the DSL Forum's (TR-064) names: both are used, IP first.
    #[test]
    fn dsl_forum_service_types_are_accepted() {
        let (d, problems) =
            parse_description(fixture("dslforum-only-igd.xml").as_bytes(), LOC, GW).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        let types: Vec<&str> = d
            .wan_services
            .iter()
            .map(|s| s.service_type.as_str())
            .collect();
        assert_eq!(types, [DSL_WAN_IP_1, DSL_WAN_PPP_1]);
        assert_eq!(
            d.wan_services[0].control_url,
            "http://192.168.77.1:5000/upnp/control/WANIPConnection1"
        );
        assert_eq!(d.igd_version(), 1);
        assert_eq!(
            fritzbox_model(
                d.manufacturer.as_deref(),
                d.model_name.as_deref(),
                d.friendly_name.as_deref()
            ),
            None
        );
    }

    /// An unknown WAN connection type is skipped with its name and the reason.
    #[test]
    fn unknown_wan_types_are_skipped_in_words() {
        let gw = IpAddr::V4(Ipv4Addr::new(192, 168, 77, 1));
        let (d, problems) = parse_description(
            fixture("status-up-igd.xml").as_bytes(),
            "http://192.168.77.1:5555/gatedesc.xml",
            gw,
        )
        .unwrap();
        let types: Vec<&str> = d
            .wan_services
            .iter()
            .map(|s| s.service_type.as_str())
            .collect();
        assert_eq!(types, [WAN_PPP_1, DSL_WAN_IP_1]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with(
                "skipped service urn:schemas-upnp-org:service:WANIPConnection:3: not a WAN \
                 connection type direkt knows"
            ),
            "{problems:?}"
        );
    }

    /// "Up" is connected: no warning, and that service is chosen over a disconnected one.
    #[test]
    fn up_counts_as_connected_and_skipped_services_are_named() {
        let svc = |t: &str| WanService {
            service_type: t.into(),
            control_url: "http://192.168.77.1:5555/x".into(),
        };
        let services = [svc(WAN_PPP_1), svc(DSL_WAN_IP_1)];
        let (i, notes) = choose_service(&services, &[Some("Up".into()), None]);
        assert_eq!((i, notes.len()), (0, 0), "{notes:?}");
        let (i, notes) =
            choose_service(&services, &[Some("Disconnected".into()), Some("Up".into())]);
        assert_eq!(i, 1);
        assert_eq!(
            notes,
            [format!(
                "skipped the router's {WAN_PPP_1} service: its connection status is \
                 Disconnected; using {DSL_WAN_IP_1}"
            )]
        );
        let (i, notes) = choose_service(&services[..1], &[Some("Disconnected".into())]);
        assert_eq!(i, 0);
        assert!(notes[0].contains("as Disconnected"), "{notes:?}");
        // A word the spec does not know, on a router that maps: not a warning.
        let (_, notes) = choose_service(&services[..1], &[Some("IP_Routed".into())]);
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn a_fritzbox_is_named_from_its_description() {
        let (d, _) = parse_description(
            fixture("fritzbox-igd2desc.xml").as_bytes(),
            "http://192.168.178.1:49000/igd2desc.xml",
            IpAddr::V4(Ipv4Addr::new(192, 168, 178, 1)),
        )
        .unwrap();
        assert_eq!(d.igd_version(), 2);
        assert_eq!(
            d.ipv6_firewall_url.as_deref(),
            Some("http://192.168.178.1:49000/igd2upnp/control/WANIPv6Firewall1")
        );
        assert_eq!(
            fritzbox_model(
                d.manufacturer.as_deref(),
                d.model_name.as_deref(),
                d.friendly_name.as_deref()
            )
            .as_deref(),
            Some("FRITZ!Box 7590")
        );
        assert_eq!(
            fritzbox_model(Some("AVM Berlin"), None, None).as_deref(),
            Some("FRITZ!Box")
        );
        assert_eq!(fritzbox_model(Some("AVMAX Ltd"), Some("R1"), None), None);
    }

    #[test]
    fn igd_v1_only() {
        let xml = desc(&svc(WAN_IP_1, "/ctl/IPConn"), "")
            .replace("InternetGatewayDevice:2", "InternetGatewayDevice:1");
        let (d, _) = parse_description(xml.as_bytes(), LOC, GW).unwrap();
        assert_eq!(d.igd_version(), 1);
    }

    #[test]
    fn soap_faults_and_answers() {
        let fault = r#"<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>714</errorCode><errorDescription>NoSuchEntryInArray</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>"#;
        assert_eq!(
            parse_soap_answer(fault, "GetSpecificPortMappingEntry").unwrap_err(),
            SoapError::Upnp {
                code: 714,
                description: "NoSuchEntryInArray".into()
            }
        );
        let ok = r#"<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><u:GetStatusInfoResponse xmlns:u="urn:schemas-upnp-org:service:WANIPConnection:2"><NewConnectionStatus>Connected</NewConnectionStatus><NewLastConnectionError>ERROR_NONE</NewLastConnectionError><NewUptime>5</NewUptime></u:GetStatusInfoResponse></s:Body></s:Envelope>"#;
        let m = parse_soap_answer(ok, "GetStatusInfo").unwrap();
        assert_eq!(m["NewConnectionStatus"], "Connected");
        assert!(parse_soap_answer("<x/>", "GetStatusInfo").is_err());
    }

    #[test]
    fn envelope_escapes_arguments() {
        let e = soap_envelope(
            WAN_IP_1,
            "AddPortMapping",
            &[("NewPortMappingDescription", "a<b>&".into())],
        );
        assert!(
            e.contains("<NewPortMappingDescription>a&lt;b&gt;&amp;</NewPortMappingDescription>")
        );
        assert!(e.contains(
            r#"<u:AddPortMapping xmlns:u="urn:schemas-upnp-org:service:WANIPConnection:1">"#
        ));
    }
}
