//! The lab's FRITZ!Box: a closed device, so an emulation (the only kind of fake the lab allows),
//! written from AVM's public documents. `direkt lab up --scenario fritzbox` starts it as
//! `direkt lab fritzbox serve` in the router's namespace (in place of miniupnpd); `lab down`
//! ends it by its PID. It answers SSDP searches, serves the IGD descriptions and the SOAP
//! actions, answers PCP on port 5351, and really installs each port share and pinhole in the router's nftables (the
//! chains the static ruleset already jumps to), so they reach the box from the internet
//! namespace; `direkt lab loopback` mirrors the port shares for the LAN as on any lab router.
//!
//! Which behaviour comes from which document:
//! - AVM, "AVM TR-064 – First Steps" (device and service discovery): the device descriptions
//!   are served over HTTP on port 49000, `igddesc.xml` for the UPnP IGD and `igd2desc.xml` for
//!   IGDv2 (beside `tr64desc.xml` for TR-064, which this emulation does not serve), found by an
//!   SSDP M-SEARCH; manufacturer `AVM`, model and friendly name `FRITZ!Box <model>`.
//! - AVM's UPnP IGD service documents (`igdupnp`/`igd2upnp` control URLs, WANIPConnection
//!   and, in IGDv2, `WANIPv6FirewallControl:1`), and the UPnP Forum's WANIPConnection:2 and
//!   WANIPv6FirewallControl:1 service documents for the actions and error codes.
//! - AVM's help "Port Sharing" (Internet > Permit Access > Port Sharing) and knowledge-base
//!   article "Automatische Portfreigaben einrichten" / "Setting up automatic port sharing": a
//!   device creates port shares itself (UPnP or PCP) only once the owner enabled "Permit
//!   independent port sharing for this device" ("Selbstständige Portfreigaben für dieses Gerät
//!   erlauben"; older FRITZ!OS: "Diesem Netzwerkgerät gestatten, Portfreigaben per Port Control
//!   Protocol (PCP, RFC6887) oder UPnP anzulegen") for it; until then every port share and
//!   pinhole is refused with UPnP error 606 (Action not authorized). `direkt lab fritzbox allow`
//!   is the lab's way of ticking that box (it writes `fritzbox/allowed` in the run directory).
//! - AVM's TR-064 WANIPConnection document (AddPortMapping): "hosts can only add port mapping
//!   entries for themselves and not for other hosts in the LAN" (606 otherwise); the same holds
//!   for pinholes here (as the IGDv2 firewall document recommends).
//!
//! - AVM's knowledge-base article "Automatische Portfreigaben einrichten": the same permission
//!   covers the Port Control Protocol (PCP, RFC 6887), so PCP `MAP` requests (IPv4 port shares
//!   and IPv6 pinholes, on UDP 5351) are answered `NOT_AUTHORIZED` until the device is allowed;
//!   NAT-PMP (version 0) is answered "unsupported version", as a PCP-only server does (RFC 6887
//!   §9).
//!
//! Not emulated: TR-064 with authentication, and eventing.
//!
//! The same emulation plays the router of scenario `dsl-forum` ([`Profile::DslForum`]): a DSL
//! router whose IGD:1 description announces its WAN connection services only under the DSL
//! Forum's names (Broadband Forum TR-064: `urn:dslforum-org:service:WANIPConnection:1` and
//! `WANPPPConnection:1`), as issue 16 reports for some Huawei DSL routers, answers `Up` for the
//! connection status, and needs no permission (tests/fixtures/upnp/README.md names the
//! documents its description follows).

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, TcpListener, TcpStream, UdpSocket};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// The port AVM documents for the descriptions and control URLs.
pub const HTTP_PORT: u16 = 49000;
pub const MODEL: &str = "FRITZ!Box 7590";
const SERVER: &str = "FRITZ!Box 7590 UPnP/1.0 AVM FRITZ!Box 7590 154.07.57";
const UUID: &str = "75802409-bccb-40e7-8e6c-3431c4d1a7e1";
const WAN_IP_1: &str = "urn:schemas-upnp-org:service:WANIPConnection:1";
const WAN_IP_2: &str = "urn:schemas-upnp-org:service:WANIPConnection:2";
const FIREWALL: &str = "urn:schemas-upnp-org:service:WANIPv6FirewallControl:1";
const DSL_WAN_IP_1: &str = "urn:dslforum-org:service:WANIPConnection:1";
const DSL_WAN_PPP_1: &str = "urn:dslforum-org:service:WANPPPConnection:1";

/// Which router the emulation plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Profile {
    /// An AVM FRITZ!Box 7590 (IGDv2, per-device permission).
    Fritzbox,
    /// A DSL router with only the DSL Forum's (TR-064) WAN connection types, status `Up`.
    DslForum,
}

impl Profile {
    pub fn name(self) -> &'static str {
        match self {
            Profile::Fritzbox => "fritzbox",
            Profile::DslForum => "dsl-forum",
        }
    }
}
/// The allowed devices' addresses, one a line, in the lab's run directory.
pub const ALLOWED_FILE: &str = "fritzbox/allowed";

/// A port share (IPv4) made through UPnP.
#[derive(Debug, Clone)]
struct Share {
    external: u16,
    proto: &'static str,
    client: Ipv4Addr,
    internal: u16,
    description: String,
    /// `None`: permanent.
    until: Option<Instant>,
}

/// An IPv6 pinhole.
#[derive(Debug, Clone)]
struct Pinhole {
    id: u16,
    client: Ipv6Addr,
    port: u16,
    proto: &'static str,
    until: Instant,
}

#[derive(Debug, Default)]
struct Tables {
    shares: Vec<Share>,
    pinholes: Vec<Pinhole>,
    next_id: u16,
}

/// What the emulation needs to know.
#[derive(Debug, Clone)]
pub struct Config {
    pub run_dir: PathBuf,
    pub wan: Ipv4Addr,
    pub lan: Ipv4Addr,
    pub wan_if: String,
    pub profile: Profile,
}

/// A UPnP error: code and description.
type Fault = (u16, &'static str);
const NOT_AUTHORIZED: Fault = (606, "Action not authorized");

/// Allow `devices` to create port shares and pinholes (the lab's "Permit independent port
/// sharing for this device").
pub fn allow(run_dir: &Path, devices: &[IpAddr]) -> Result<()> {
    let path = run_dir.join(ALLOWED_FILE);
    crate::fsutil::create_dir(path.parent().expect("has a parent"), 0o755)?;
    let mut have = allowed(run_dir);
    for d in devices {
        if !have.contains(d) {
            have.push(*d);
        }
    }
    let text: String = have.iter().map(|a| format!("{a}\n")).collect();
    Ok(crate::fsutil::write_atomic(&path, text.as_bytes(), 0o644)?)
}

/// Take the permission back (all devices).
pub fn deny(run_dir: &Path) -> Result<()> {
    match fs::remove_file(run_dir.join(ALLOWED_FILE)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e.into()),
    }
}

fn allowed(run_dir: &Path) -> Vec<IpAddr> {
    fs::read_to_string(run_dir.join(ALLOWED_FILE))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect()
}

/// Run until killed: SSDP on 1900, HTTP on 49000 (IPv4 and IPv6), expired leases swept.
pub fn serve(cfg: Config) -> Result<()> {
    let tables = Arc::new(Mutex::new(Tables {
        next_id: 1,
        ..Tables::default()
    }));
    let http = TcpListener::bind(("::", HTTP_PORT))
        .map_err(|e| Error::failed(format!("cannot listen on port {HTTP_PORT}: {e}")))?;
    let ssdp = UdpSocket::bind(("0.0.0.0", 1900))
        .map_err(|e| Error::failed(format!("cannot listen on SSDP port 1900: {e}")))?;
    let _ = ssdp.join_multicast_v4(&Ipv4Addr::new(239, 255, 255, 250), &cfg.lan);
    let (lan, profile) = (cfg.lan, cfg.profile);
    std::thread::spawn(move || ssdp_loop(&ssdp, lan, profile));
    if cfg.profile == Profile::Fritzbox {
        let pcp = UdpSocket::bind(("::", PCP_PORT))
            .map_err(|e| Error::failed(format!("cannot listen on PCP port {PCP_PORT}: {e}")))?;
        let (tables, cfg) = (tables.clone(), cfg.clone());
        let started = Instant::now();
        std::thread::spawn(move || pcp_loop(&pcp, &cfg, &tables, started));
    }
    {
        let (tables, cfg) = (tables.clone(), cfg.clone());
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_secs(1));
                let mut t = tables.lock().expect("not poisoned");
                let now = Instant::now();
                let before = (t.shares.len(), t.pinholes.len());
                t.shares.retain(|s| s.until.is_none_or(|u| u > now));
                t.pinholes.retain(|p| p.until > now);
                if before != (t.shares.len(), t.pinholes.len()) {
                    apply(&cfg, &t);
                }
            }
        });
    }
    eprintln!("fritzbox: answering on port {HTTP_PORT} and SSDP");
    for stream in http.incoming().flatten() {
        let (tables, cfg) = (tables.clone(), cfg.clone());
        std::thread::spawn(move || {
            if let Err(e) = handle(stream, &cfg, &tables) {
                eprintln!("fritzbox: {e}");
            }
        });
    }
    Ok(())
}

/// PCP and NAT-PMP's port.
pub const PCP_PORT: u16 = 5351;

/// Answer PCP (RFC 6887) ANNOUNCE and MAP; NAT-PMP gets "unsupported version".
fn pcp_loop(sock: &UdpSocket, cfg: &Config, tables: &Mutex<Tables>, started: Instant) {
    let mut buf = [0u8; 1100];
    loop {
        let Ok((n, from)) = sock.recv_from(&mut buf) else {
            continue;
        };
        let epoch = started.elapsed().as_secs() as u32;
        let peer = from.ip().to_canonical();
        let answer = match buf.first() {
            // NAT-PMP: version 0, opcode 128 + op, result 1 (unsupported version).
            Some(0) if n >= 2 => {
                let mut a = vec![0, 128 | buf[1], 0, 1];
                a.extend_from_slice(&epoch.to_be_bytes());
                a
            }
            Some(2) if n >= 24 => {
                let permitted = allowed(&cfg.run_dir).contains(&peer);
                let mut t = tables.lock().expect("not poisoned");
                let a = pcp_answer(cfg, &mut t, (peer, permitted), &buf[..n], epoch);
                // A MAP that succeeded changed the tables.
                if a.len() == 60 && a[3] == PCP_SUCCESS {
                    apply(cfg, &t);
                }
                a
            }
            _ => continue,
        };
        let _ = sock.send_to(&answer, from);
    }
}

/// PCP result codes (RFC 6887 §7.4).
const PCP_SUCCESS: u8 = 0;
const PCP_NOT_AUTHORIZED: u8 = 2;
const PCP_MALFORMED: u8 = 3;
const PCP_UNSUPP_OPCODE: u8 = 4;
const PCP_ADDRESS_MISMATCH: u8 = 12;
const PCP_CANNOT_PROVIDE_EXTERNAL: u8 = 11;

/// The answer to one PCP request (`req` is the whole datagram); the caller installs the
/// tables after a successful MAP.
fn pcp_answer(
    cfg: &Config,
    t: &mut Tables,
    (peer, permitted): (IpAddr, bool),
    req: &[u8],
    epoch: u32,
) -> Vec<u8> {
    let opcode = req[1] & 0x7f;
    let lifetime = u32::from_be_bytes([req[4], req[5], req[6], req[7]]);
    let client = Ipv6Addr::from(<[u8; 16]>::try_from(&req[8..24]).expect("16 bytes"));
    let header = |result: u8, lifetime: u32| {
        let mut h = vec![2, 0x80 | opcode, 0, result];
        h.extend_from_slice(&lifetime.to_be_bytes());
        h.extend_from_slice(&epoch.to_be_bytes());
        h.extend_from_slice(&[0; 12]);
        h
    };
    if opcode == 0 {
        return header(PCP_SUCCESS, 0);
    }
    if opcode != 1 {
        return header(PCP_UNSUPP_OPCODE, 0);
    }
    if req.len() < 60 {
        return header(PCP_MALFORMED, 0);
    }
    if IpAddr::V6(client).to_canonical() != peer {
        return header(PCP_ADDRESS_MISMATCH, 0);
    }
    let map = &req[24..60];
    let proto = match map[12] {
        6 => "tcp",
        17 => "udp",
        _ => return header(PCP_MALFORMED, 0),
    };
    let internal = u16::from_be_bytes([map[16], map[17]]);
    let suggested = u16::from_be_bytes([map[18], map[19]]);
    let (result, external, address) = if !permitted {
        (PCP_NOT_AUTHORIZED, 0, Ipv6Addr::UNSPECIFIED)
    } else {
        match pcp_map(t, peer, proto, (internal, suggested), lifetime) {
            Ok((port, addr)) => (PCP_SUCCESS, port, addr.unwrap_or(cfg.wan.to_ipv6_mapped())),
            Err(code) => (code, 0, Ipv6Addr::UNSPECIFIED),
        }
    };
    let mut a = header(result, if result == PCP_SUCCESS { lifetime } else { 0 });
    a.extend_from_slice(&map[..18]);
    a.extend_from_slice(&external.to_be_bytes());
    a.extend_from_slice(&address.octets());
    a
}

/// A PCP MAP from `peer`: an IPv4 port share or an IPv6 pinhole (lifetime 0 deletes it).
/// Returns the external port and, for a pinhole, the box's own address as the external one.
fn pcp_map(
    t: &mut Tables,
    peer: IpAddr,
    proto: &'static str,
    (internal, suggested): (u16, u16),
    lifetime: u32,
) -> std::result::Result<(u16, Option<Ipv6Addr>), u8> {
    let until = Instant::now() + Duration::from_secs(u64::from(lifetime.min(86_400)));
    match peer {
        IpAddr::V4(client) => {
            let external = if suggested == 0 { internal } else { suggested };
            if let Some(s) = t
                .shares
                .iter()
                .find(|s| s.external == external && s.proto == proto)
                && s.client != client
            {
                return Err(PCP_CANNOT_PROVIDE_EXTERNAL);
            }
            t.shares
                .retain(|s| !(s.external == external && s.proto == proto));
            if lifetime > 0 {
                t.shares.push(Share {
                    external,
                    proto,
                    client,
                    internal,
                    description: "PCP".into(),
                    until: Some(until),
                });
            }
            Ok((external, None))
        }
        IpAddr::V6(client) => {
            t.pinholes
                .retain(|p| !(p.client == client && p.port == internal && p.proto == proto));
            if lifetime > 0 {
                let id = t.next_id;
                t.next_id = t.next_id.wrapping_add(1).max(1);
                t.pinholes.push(Pinhole {
                    id,
                    client,
                    port: internal,
                    proto,
                    until,
                });
            }
            Ok((internal, Some(client)))
        }
    }
}

/// Answer M-SEARCHes for the IGD (v1 at igddesc.xml, v2 at igd2desc.xml).
fn ssdp_loop(sock: &UdpSocket, lan: Ipv4Addr, profile: Profile) {
    let mut buf = [0u8; 2048];
    loop {
        let Ok((n, from)) = sock.recv_from(&mut buf) else {
            continue;
        };
        let text = String::from_utf8_lossy(&buf[..n]);
        if !text.starts_with("M-SEARCH") {
            continue;
        }
        let st = text
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.trim()
                    .eq_ignore_ascii_case("st")
                    .then(|| v.trim().to_string())
            })
            .unwrap_or_default();
        let v2 = profile == Profile::Fritzbox
            && (st.ends_with("InternetGatewayDevice:2") || st.ends_with("WANIPConnection:2"));
        let v1 = st.ends_with("InternetGatewayDevice:1")
            || st.ends_with("WANIPConnection:1")
            || st == "ssdp:all"
            || st == "upnp:rootdevice";
        if !v1 && !v2 {
            continue;
        }
        let doc = if v2 { "igd2desc.xml" } else { "igddesc.xml" };
        let answer = format!(
            "HTTP/1.1 200 OK\r\nLOCATION: http://{lan}:{HTTP_PORT}/{doc}\r\nSERVER: {SERVER}\r\n\
             CACHE-CONTROL: max-age=1800\r\nEXT:\r\nST: {st}\r\nUSN: uuid:{UUID}::{st}\r\n\r\n"
        );
        let _ = sock.send_to(answer.as_bytes(), from);
    }
}

/// One HTTP exchange (the connection is closed after it).
fn handle(stream: TcpStream, cfg: &Config, tables: &Mutex<Tables>) -> std::io::Result<()> {
    let peer = stream.peer_addr()?.ip().to_canonical();
    stream.set_read_timeout(Some(Duration::from_secs(3)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let (method, path) = (
        parts.next().unwrap_or_default().to_string(),
        parts.next().unwrap_or_default().to_string(),
    );
    let mut headers = BTreeMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
        .min(64 * 1024);
    let mut body = vec![0u8; len];
    reader.read_exact(&mut body)?;
    let (status, content) = match (method.as_str(), path.as_str()) {
        ("GET", "/igddesc.xml") if cfg.profile == Profile::DslForum => {
            (200, dsl_forum_description(cfg.lan))
        }
        ("GET", "/igddesc.xml") => (200, description(1, cfg.lan)),
        ("GET", "/igd2desc.xml") if cfg.profile == Profile::Fritzbox => {
            (200, description(2, cfg.lan))
        }
        ("POST", _) => {
            let action = headers.get("soapaction").cloned().unwrap_or_default();
            soap(cfg, tables, peer, &action, &String::from_utf8_lossy(&body))
        }
        _ => (404, String::new()),
    };
    let reason = match status {
        200 => "OK",
        500 => "Internal Server Error",
        _ => "Not Found",
    };
    let mut out = stream;
    write!(
        out,
        "HTTP/1.1 {status} {reason}\r\nSERVER: {SERVER}\r\nCONTENT-TYPE: text/xml; charset=\"utf-8\"\r\n\
         CONTENT-LENGTH: {}\r\nCONNECTION: close\r\n\r\n{content}",
        content.len()
    )?;
    out.flush()
}

/// `igddesc.xml` (version 1) or `igd2desc.xml` (version 2), after AVM's layout.
pub fn description(version: u8, lan: Ipv4Addr) -> String {
    let (base, wan_ip) = if version == 2 {
        ("igd2upnp", WAN_IP_2)
    } else {
        ("igdupnp", WAN_IP_1)
    };
    let firewall = if version == 2 {
        format!(
            "<service><serviceType>{FIREWALL}</serviceType>\
             <serviceId>urn:upnp-org:serviceId:WANIPv6Firewall1</serviceId>\
             <controlURL>/{base}/control/WANIPv6Firewall1</controlURL>\
             <eventSubURL>/{base}/control/WANIPv6Firewall1</eventSubURL>\
             <SCPDURL>/{base}/ipv6fwSCPD.xml</SCPDURL></service>"
        )
    } else {
        String::new()
    };
    let v = version;
    format!(
        r#"<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
<specVersion><major>1</major><minor>0</minor></specVersion>
<URLBase>http://{lan}:{HTTP_PORT}</URLBase>
<device>
<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:{v}</deviceType>
<friendlyName>{MODEL}</friendlyName>
<manufacturer>AVM</manufacturer>
<manufacturerURL>http://www.avm.de</manufacturerURL>
<modelDescription>{MODEL}</modelDescription>
<modelName>{MODEL}</modelName>
<modelNumber>avm</modelNumber>
<modelURL>http://www.avm.de</modelURL>
<UDN>uuid:{UUID}</UDN>
<serviceList><service><serviceType>urn:schemas-upnp-org:service:Layer3Forwarding:1</serviceType>
<serviceId>urn:upnp-org:serviceId:L3Forwarding1</serviceId>
<controlURL>/{base}/control/L3Forwarding1</controlURL><eventSubURL>/{base}/control/L3Forwarding1</eventSubURL>
<SCPDURL>/{base}/L3FwdSCPD.xml</SCPDURL></service></serviceList>
<deviceList><device>
<deviceType>urn:schemas-upnp-org:device:WANDevice:{v}</deviceType>
<friendlyName>WANDevice - {MODEL}</friendlyName>
<manufacturer>AVM</manufacturer><modelName>{MODEL}</modelName><UDN>uuid:{UUID}-wan</UDN>
<serviceList><service><serviceType>urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1</serviceType>
<serviceId>urn:upnp-org:serviceId:WANCommonIFC1</serviceId>
<controlURL>/{base}/control/WANCommonIFC1</controlURL><eventSubURL>/{base}/control/WANCommonIFC1</eventSubURL>
<SCPDURL>/{base}/WANCommonIfcSCPD.xml</SCPDURL></service></serviceList>
<deviceList><device>
<deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:{v}</deviceType>
<friendlyName>WANConnectionDevice - {MODEL}</friendlyName>
<manufacturer>AVM</manufacturer><modelName>{MODEL}</modelName><UDN>uuid:{UUID}-conn</UDN>
<serviceList><service><serviceType>{wan_ip}</serviceType>
<serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>
<controlURL>/{base}/control/WANIPConn1</controlURL><eventSubURL>/{base}/control/WANIPConn1</eventSubURL>
<SCPDURL>/{base}/WANIPConnSCPD.xml</SCPDURL></service>{firewall}</serviceList>
</device></deviceList></device></deviceList>
<presentationURL>http://fritz.box</presentationURL>
</device>
</root>
"#
    )
}

/// The DSL router's IGD:1 description: its WAN connection services under the DSL Forum's names
/// only (tests/fixtures/upnp/dslforum-only-igd.xml has the same layout).
pub fn dsl_forum_description(lan: Ipv4Addr) -> String {
    let svc = |t: &str, name: &str| {
        format!(
            "<service><serviceType>urn:dslforum-org:service:{t}</serviceType>\
             <serviceId>urn:dslforum-org:serviceId:{name}</serviceId>\
             <controlURL>/upnp/control/{name}</controlURL><eventSubURL>/upnp/event/{name}</eventSubURL>\
             <SCPDURL>/upnp/{name}.xml</SCPDURL></service>"
        )
    };
    let conn = svc("WANPPPConnection:1", "WANPPPConnection1")
        + &svc("WANIPConnection:1", "WANIPConnection1");
    let dsl = svc("WANDSLInterfaceConfig:1", "WANDSLInterfaceConfig1");
    format!(
        r#"<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
<specVersion><major>1</major><minor>0</minor></specVersion>
<URLBase>http://{lan}:{HTTP_PORT}</URLBase>
<device>
<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
<friendlyName>HG8245H</friendlyName>
<manufacturer>Huawei Technologies Co., Ltd.</manufacturer>
<modelName>HG8245H</modelName>
<UDN>uuid:{UUID}</UDN>
<deviceList><device>
<deviceType>urn:dslforum-org:device:WANDevice:1</deviceType>
<friendlyName>WANDevice</friendlyName><UDN>uuid:{UUID}-wan</UDN>
<serviceList>{dsl}</serviceList>
<deviceList><device>
<deviceType>urn:dslforum-org:device:WANConnectionDevice:1</deviceType>
<friendlyName>WANConnectionDevice</friendlyName><UDN>uuid:{UUID}-conn</UDN>
<serviceList>{conn}</serviceList>
</device></deviceList></device></deviceList>
</device>
</root>
"#
    )
}

/// The arguments of a SOAP request (the children of its action element).
fn args_of(body: &str) -> BTreeMap<String, String> {
    let Ok(root) = xmltree::Element::parse(body.as_bytes()) else {
        return BTreeMap::new();
    };
    let Some(action) = root
        .get_child("Body")
        .and_then(|b| b.children.iter().find_map(|c| c.as_element()))
    else {
        return BTreeMap::new();
    };
    action
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
        .collect()
}

fn envelope(inner: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" \
         s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">\n<s:Body>\n{inner}\n</s:Body>\n</s:Envelope>\n"
    )
}

fn fault((code, description): Fault) -> (u16, String) {
    (
        500,
        envelope(&format!(
            "<s:Fault>\n<faultcode>s:Client</faultcode>\n<faultstring>UPnPError</faultstring>\n<detail>\n\
             <UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\">\n<errorCode>{code}</errorCode>\n\
             <errorDescription>{description}</errorDescription>\n</UPnPError>\n</detail>\n</s:Fault>"
        )),
    )
}

fn response(service: &str, action: &str, out: &[(&str, String)]) -> (u16, String) {
    let args: String = out.iter().map(|(k, v)| format!("<{k}>{v}</{k}>")).collect();
    (
        200,
        envelope(&format!(
            "<u:{action}Response xmlns:u=\"{service}\">{args}</u:{action}Response>"
        )),
    )
}

/// One SOAP action from `peer`.
fn soap(
    cfg: &Config,
    tables: &Mutex<Tables>,
    peer: IpAddr,
    soap_action: &str,
    body: &str,
) -> (u16, String) {
    let (service, action) = soap_action
        .trim_matches('"')
        .rsplit_once('#')
        .unwrap_or(("", ""));
    let args = args_of(body);
    let arg = |k: &str| args.get(k).cloned().unwrap_or_default();
    let permitted = cfg.profile == Profile::DslForum || allowed(&cfg.run_dir).contains(&peer);
    let mut t = tables.lock().expect("not poisoned");
    let result = match (service, action) {
        (WAN_IP_1 | WAN_IP_2, _) if cfg.profile == Profile::Fritzbox => {
            wan_ip_action(cfg, &mut t, (peer, permitted), action, &arg)
        }
        (DSL_WAN_IP_1 | DSL_WAN_PPP_1, _) if cfg.profile == Profile::DslForum => {
            wan_ip_action(cfg, &mut t, (peer, permitted), action, &arg)
        }
        (FIREWALL, _) if cfg.profile == Profile::Fritzbox => {
            firewall_action(cfg, &mut t, (peer, permitted), action, &arg)
        }
        _ => Err((401, "Invalid Action")),
    };
    match result {
        Ok(out) => response(service, action, &out),
        Err(f) => fault(f),
    }
}

fn proto_of(s: &str) -> Option<&'static str> {
    match s.to_ascii_uppercase().as_str() {
        "TCP" | "6" => Some("tcp"),
        "UDP" | "17" => Some("udp"),
        _ => None,
    }
}

type Out = std::result::Result<Vec<(&'static str, String)>, Fault>;

/// WANIPConnection:1/2 (IPv4 port shares).
fn wan_ip_action(
    cfg: &Config,
    t: &mut Tables,
    (peer, permitted): (IpAddr, bool),
    action: &str,
    arg: &dyn Fn(&str) -> String,
) -> Out {
    match action {
        "GetStatusInfo" => Ok(vec![
            (
                "NewConnectionStatus",
                match cfg.profile {
                    Profile::Fritzbox => "Connected".into(),
                    // Some routers say Up (issue 16).
                    Profile::DslForum => "Up".into(),
                },
            ),
            ("NewLastConnectionError", "ERROR_NONE".into()),
            ("NewUptime", "3600".into()),
        ]),
        "GetExternalIPAddress" => Ok(vec![("NewExternalIPAddress", cfg.wan.to_string())]),
        "AddPortMapping" | "AddAnyPortMapping" => {
            let port = add_share(t, (peer, permitted), arg)?;
            apply(cfg, t);
            Ok(if action == "AddAnyPortMapping" {
                vec![("NewReservedPort", port.to_string())]
            } else {
                vec![]
            })
        }
        "DeletePortMapping" => {
            let proto = proto_of(&arg("NewProtocol")).ok_or((402, "Invalid Args"))?;
            let port: u16 = arg("NewExternalPort")
                .parse()
                .map_err(|_| (402, "Invalid Args"))?;
            let i = t
                .shares
                .iter()
                .position(|s| s.external == port && s.proto == proto)
                .ok_or((714, "NoSuchEntryInArray"))?;
            if !permitted || IpAddr::V4(t.shares[i].client) != peer {
                return Err(NOT_AUTHORIZED);
            }
            t.shares.remove(i);
            apply(cfg, t);
            Ok(vec![])
        }
        "GetSpecificPortMappingEntry" => {
            let proto = proto_of(&arg("NewProtocol")).ok_or((402, "Invalid Args"))?;
            let port: u16 = arg("NewExternalPort")
                .parse()
                .map_err(|_| (402, "Invalid Args"))?;
            let s = t
                .shares
                .iter()
                .find(|s| s.external == port && s.proto == proto)
                .ok_or((714, "NoSuchEntryInArray"))?;
            Ok(share_out(s, false))
        }
        "GetGenericPortMappingEntry" => {
            let i: usize = arg("NewPortMappingIndex")
                .parse()
                .map_err(|_| (402, "Invalid Args"))?;
            let s = t.shares.get(i).ok_or((713, "SpecifiedArrayIndexInvalid"))?;
            Ok(share_out(s, true))
        }
        _ => Err((401, "Invalid Action")),
    }
}

fn share_out(s: &Share, generic: bool) -> Vec<(&'static str, String)> {
    let left = s
        .until
        .map(|u| u.saturating_duration_since(Instant::now()).as_secs())
        .unwrap_or(0);
    let mut out = vec![];
    if generic {
        out.push(("NewRemoteHost", String::new()));
        out.push(("NewExternalPort", s.external.to_string()));
        out.push(("NewProtocol", s.proto.to_ascii_uppercase()));
    }
    out.extend([
        ("NewInternalPort", s.internal.to_string()),
        ("NewInternalClient", s.client.to_string()),
        ("NewEnabled", "1".to_string()),
        ("NewPortMappingDescription", s.description.clone()),
        ("NewLeaseDuration", left.to_string()),
    ]);
    out
}

/// AddPortMapping: only for an allowed device, only for itself; a port another device holds is
/// a conflict (718). Returns the external port.
fn add_share(
    t: &mut Tables,
    (peer, permitted): (IpAddr, bool),
    arg: &dyn Fn(&str) -> String,
) -> std::result::Result<u16, Fault> {
    let proto = proto_of(&arg("NewProtocol")).ok_or((402, "Invalid Args"))?;
    let external: u16 = arg("NewExternalPort")
        .parse()
        .map_err(|_| (402, "Invalid Args"))?;
    let internal: u16 = arg("NewInternalPort")
        .parse()
        .map_err(|_| (402, "Invalid Args"))?;
    let client: Ipv4Addr = arg("NewInternalClient")
        .parse()
        .map_err(|_| (402, "Invalid Args"))?;
    let lease: u64 = arg("NewLeaseDuration").parse().unwrap_or(0);
    if !permitted || IpAddr::V4(client) != peer {
        return Err(NOT_AUTHORIZED);
    }
    if let Some(s) = t
        .shares
        .iter()
        .find(|s| s.external == external && s.proto == proto)
        && s.client != client
    {
        return Err((718, "ConflictInMappingEntry"));
    }
    t.shares
        .retain(|s| !(s.external == external && s.proto == proto));
    t.shares.push(Share {
        external,
        proto,
        client,
        internal,
        description: arg("NewPortMappingDescription"),
        until: (lease > 0).then(|| Instant::now() + Duration::from_secs(lease)),
    });
    Ok(external)
}

/// WANIPv6FirewallControl:1 (IPv6 pinholes).
fn firewall_action(
    cfg: &Config,
    t: &mut Tables,
    (peer, permitted): (IpAddr, bool),
    action: &str,
    arg: &dyn Fn(&str) -> String,
) -> Out {
    let lease = |k: &str| -> std::result::Result<Instant, Fault> {
        match arg(k).parse::<u64>() {
            Ok(s @ 1..=86_400) => Ok(Instant::now() + Duration::from_secs(s)),
            _ => Err((402, "Invalid Args")),
        }
    };
    let mine = |t: &Tables| -> std::result::Result<usize, Fault> {
        let id: u16 = arg("UniqueID").parse().map_err(|_| (402, "Invalid Args"))?;
        let i = t
            .pinholes
            .iter()
            .position(|p| p.id == id)
            .ok_or((704, "NoSuchEntry"))?;
        if !permitted || IpAddr::V6(t.pinholes[i].client) != peer {
            return Err(NOT_AUTHORIZED);
        }
        Ok(i)
    };
    match action {
        "GetFirewallStatus" => Ok(vec![
            ("FirewallEnabled", "1".into()),
            ("InboundPinholeAllowed", "1".into()),
        ]),
        "AddPinhole" => {
            let client: Ipv6Addr = arg("InternalClient")
                .parse()
                .map_err(|_| (402, "Invalid Args"))?;
            let port: u16 = arg("InternalPort")
                .parse()
                .map_err(|_| (402, "Invalid Args"))?;
            let proto = proto_of(&arg("Protocol")).ok_or((705, "ProtocolNotSupported"))?;
            let until = lease("LeaseTime")?;
            if !permitted || IpAddr::V6(client) != peer {
                return Err(NOT_AUTHORIZED);
            }
            let id = match t
                .pinholes
                .iter_mut()
                .find(|p| p.client == client && p.port == port && p.proto == proto)
            {
                Some(p) => {
                    p.until = until;
                    p.id
                }
                None => {
                    let id = t.next_id;
                    t.next_id = t.next_id.wrapping_add(1).max(1);
                    t.pinholes.push(Pinhole {
                        id,
                        client,
                        port,
                        proto,
                        until,
                    });
                    id
                }
            };
            apply(cfg, t);
            Ok(vec![("UniqueID", id.to_string())])
        }
        "UpdatePinhole" => {
            let i = mine(t)?;
            t.pinholes[i].until = lease("NewLeaseTime")?;
            Ok(vec![])
        }
        "DeletePinhole" => {
            let i = mine(t)?;
            t.pinholes.remove(i);
            apply(cfg, t);
            Ok(vec![])
        }
        "GetPinholePackets" => {
            mine(t)?;
            Ok(vec![("PinholePackets", "0".into())])
        }
        _ => Err((401, "Invalid Action")),
    }
}

/// The nftables script that makes the router's chains hold exactly `t`'s shares and pinholes.
fn ruleset(cfg: &Config, t: &Tables) -> String {
    let mut s = String::from(
        "flush chain inet filter miniupnpd\nflush chain inet filter prerouting_miniupnpd\n",
    );
    for sh in &t.shares {
        s.push_str(&format!(
            "add rule inet filter prerouting_miniupnpd iif \"{}\" {} dport {} dnat ip to {}:{}\n",
            cfg.wan_if, sh.proto, sh.external, sh.client, sh.internal
        ));
        s.push_str(&format!(
            "add rule inet filter miniupnpd ip daddr {} {} dport {} accept\n",
            sh.client, sh.proto, sh.internal
        ));
    }
    for p in &t.pinholes {
        s.push_str(&format!(
            "add rule inet filter miniupnpd iif \"{}\" ip6 daddr {} {} dport {} accept\n",
            cfg.wan_if, p.client, p.proto, p.port
        ));
    }
    s
}

/// Install `t` in the router's nftables (one atomic `nft -f -`).
fn apply(cfg: &Config, t: &Tables) {
    let script = ruleset(cfg, t);
    let child = std::process::Command::new("nft")
        .args(["-f", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("fritzbox: cannot run nft");
        return;
    };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(script.as_bytes());
    }
    match child.wait_with_output() {
        Ok(o) if o.status.success() => eprintln!(
            "fritzbox: {} port share(s), {} pinhole(s)",
            t.shares.len(),
            t.pinholes.len()
        ),
        Ok(o) => eprintln!(
            "fritzbox: nft: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        ),
        Err(e) => eprintln!("fritzbox: nft: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg() -> Config {
        Config {
            run_dir: std::env::temp_dir().join(format!("direkt-fritz-{}", std::process::id())),
            wan: Ipv4Addr::new(203, 0, 113, 2),
            lan: Ipv4Addr::new(192, 168, 77, 1),
            wan_if: "wan0".into(),
            profile: Profile::Fritzbox,
        }
    }

    #[test]
    fn the_descriptions_parse_as_direkt_reads_them() {
        let gw = IpAddr::V4(Ipv4Addr::new(192, 168, 77, 1));
        let loc = "http://192.168.77.1:49000/igd2desc.xml";
        let (d, problems) =
            crate::portmap::upnp::parse_description(description(2, cfg().lan).as_bytes(), loc, gw)
                .unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(d.igd_version(), 2);
        assert_eq!(
            d.ipv6_firewall_url.as_deref(),
            Some("http://192.168.77.1:49000/igd2upnp/control/WANIPv6Firewall1")
        );
        assert_eq!(d.wan_services[0].service_type, WAN_IP_2);
        let (d, _) =
            crate::portmap::upnp::parse_description(description(1, cfg().lan).as_bytes(), loc, gw)
                .unwrap();
        assert_eq!(d.igd_version(), 1);
        assert!(d.ipv6_firewall_url.is_none());
    }

    /// A PCP MAP for an IPv6 pinhole: NOT_AUTHORIZED until allowed, then the box's own address
    /// and port; a request naming another client address is an ADDRESS_MISMATCH.
    #[test]
    fn pcp_map_needs_the_permission() {
        let boxv6: Ipv6Addr = "2001:db8:77::10".parse().unwrap();
        let mut req = vec![2, 1, 0, 0];
        req.extend_from_slice(&3600u32.to_be_bytes());
        req.extend_from_slice(&boxv6.octets());
        req.extend_from_slice(&[7; 12]); // nonce
        req.extend_from_slice(&[6, 0, 0, 0]); // TCP
        req.extend_from_slice(&443u16.to_be_bytes());
        req.extend_from_slice(&443u16.to_be_bytes());
        req.extend_from_slice(&Ipv6Addr::UNSPECIFIED.octets());
        let mut t = Tables::default();
        let peer = IpAddr::V6(boxv6);
        let a = pcp_answer(&cfg(), &mut t, (peer, false), &req, 5);
        assert_eq!((a[1], a[3]), (0x81, PCP_NOT_AUTHORIZED));
        assert!(t.pinholes.is_empty());
        let other = IpAddr::V6("2001:db8:77::66".parse().unwrap());
        let a = pcp_answer(&cfg(), &mut t, (other, true), &req, 5);
        assert_eq!(a[3], PCP_ADDRESS_MISMATCH);
        let a = pcp_answer(&cfg(), &mut t, (peer, true), &req, 5);
        assert_eq!(a[3], PCP_SUCCESS);
        assert_eq!(a.len(), 60);
        assert_eq!(&a[42..44], &443u16.to_be_bytes());
        assert_eq!(&a[44..60], &boxv6.octets());
        assert_eq!(t.pinholes.len(), 1);
    }

    #[test]
    fn the_dsl_forum_router_offers_only_the_dsl_forum_types() {
        let gw = IpAddr::V4(Ipv4Addr::new(192, 168, 77, 1));
        let (d, problems) = crate::portmap::upnp::parse_description(
            dsl_forum_description(cfg().lan).as_bytes(),
            "http://192.168.77.1:49000/igddesc.xml",
            gw,
        )
        .unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        let types: Vec<&str> = d
            .wan_services
            .iter()
            .map(|s| s.service_type.as_str())
            .collect();
        assert_eq!(types, [DSL_WAN_IP_1, DSL_WAN_PPP_1]);
    }

    #[test]
    fn port_shares_need_the_permission_and_only_for_the_device_itself() {
        let mut t = Tables::default();
        let boxv4: IpAddr = "192.168.77.10".parse().unwrap();
        let args = |client: &'static str| {
            move |k: &str| -> String {
                match k {
                    "NewProtocol" => "TCP".into(),
                    "NewExternalPort" => "443".into(),
                    "NewInternalPort" => "443".into(),
                    "NewInternalClient" => client.into(),
                    "NewLeaseDuration" => "3600".into(),
                    _ => String::new(),
                }
            }
        };
        let a = args("192.168.77.10");
        assert_eq!(add_share(&mut t, (boxv4, false), &a), Err(NOT_AUTHORIZED));
        let other = args("192.168.77.66");
        assert_eq!(
            add_share(&mut t, (boxv4, true), &other),
            Err(NOT_AUTHORIZED)
        );
        assert_eq!(add_share(&mut t, (boxv4, true), &a), Ok(443));
        let rules = ruleset(&cfg(), &t);
        assert!(
            rules.contains("iif \"wan0\" tcp dport 443 dnat ip to 192.168.77.10:443"),
            "{rules}"
        );
        // The loopback mirror understands the rule as written here.
        let listed = "table inet filter {\n chain prerouting_miniupnpd {\n  iif \"wan0\" tcp dport 443 dnat ip to 192.168.77.10:443\n }\n}";
        assert_eq!(
            crate::lab::loopback::mirror(listed, cfg().wan, "lan0").len(),
            1
        );
    }
}
