//! The box side of the tunnel, with the system's tools: `ip` and `wg` (wireguard-tools), the
//! kernel's WireGuard or, where the kernel has no module, `wireguard-go` (see the module doc of
//! `relay` for why not an in-process crate).
//!
//! Source addresses are kept by policy routing, not SNAT: a visitor's packet arrives through
//! the tunnel with the visitor's address as source and the box's tunnel address as
//! destination; the box answers from its tunnel address, and `ip rule from BOX_TUN lookup
//! 51820` sends exactly those answers back through the tunnel (table 51820: default dev
//! direkt0). Everything else the box sends keeps its normal route.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::error::{Error, Result};

/// The tunnel interface, on the box and on the VPS.
pub const IFACE: &str = "direkt0";
pub const VPS_TUN: &str = "10.254.77.1";
pub const BOX_TUN: &str = "10.254.77.2";
pub const TUN_PREFIX: u8 = 30;
/// The VPS's WireGuard UDP port.
pub const LISTEN_PORT: u16 = 51820;
/// 1420: the WireGuard default, room for its 80 bytes over an IPv6 underlay of 1500.
pub const MTU: u32 = 1420;
/// The routing table (and rule preference) for answers from the tunnel address.
pub const TABLE: u32 = 51820;
pub const RULE_PREF: u32 = 5182;
/// The box sends a keep-alive every 25 s: the CGNAT's UDP mapping stays open, and a handshake
/// is never older than about 2 minutes while the tunnel works.
pub const KEEPALIVE: u32 = 25;

/// Run a tool, failing with its stderr.
pub fn tool(program: &str, args: &[&str]) -> Result<String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            Error::usage(format!("cannot run `{program}`: {e}")).hint(
                "the relay needs iproute2 and wireguard-tools (and wireguard-go where the kernel \
                 has no wireguard module): apt-get install iproute2 wireguard-tools wireguard-go",
            )
        })?;
    if !out.status.success() {
        return Err(Error::failed(format!(
            "`{program} {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A new private key (`wg genkey`), never printed.
pub fn genkey() -> Result<String> {
    Ok(tool("wg", &["genkey"])?.trim().to_string())
}

/// The public half of the private key in `file`.
pub fn pubkey(file: &Path) -> Result<String> {
    let key = std::fs::read(file)?;
    let mut child = Command::new("wg")
        .arg("pubkey")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::usage(format!("cannot run `wg`: {e}")))?;
    use std::io::Write;
    child.stdin.take().expect("piped").write_all(&key)?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        return Err(Error::failed("`wg pubkey` refused the stored private key"));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

pub fn exists() -> bool {
    Path::new("/sys/class/net").join(IFACE).exists()
}

/// Which WireGuard the box can use: the kernel's, else wireguard-go, else an error naming both.
fn create_interface() -> Result<&'static str> {
    if tool("ip", &["link", "add", IFACE, "type", "wireguard"]).is_ok() {
        return Ok("kernel");
    }
    let _ = std::fs::remove_file(format!("/run/wireguard/{IFACE}.sock"));
    // wireguard-go puts itself in the background (its own session, output to /dev/null).
    let status = Command::new("wireguard-go")
        .arg(IFACE)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|_| {
            Error::usage("this box has no WireGuard: the kernel has no wireguard module and wireguard-go is not installed")
                .hint("apt-get install wireguard-go wireguard-tools (or load the kernel module: modprobe wireguard)")
        })?;
    if !status.success() || !exists() {
        return Err(
            Error::failed(format!("wireguard-go could not create {IFACE} ({status})"))
                .hint("it needs /dev/net/tun (modprobe tun)"),
        );
    }
    Ok("wireguard-go")
}

/// What the box's side needs to be set up.
pub struct BoxSide<'a> {
    pub key_file: &'a Path,
    pub vps_public_key: &'a str,
    /// `ADDRESS:PORT` of the VPS.
    pub endpoint: &'a str,
}

/// Bring the box's side into its state; one line per change made (for renew's repairs).
/// Returns (the WireGuard in use, changes).
pub fn ensure(b: &BoxSide) -> Result<(String, Vec<String>)> {
    let mut did = vec![];
    let implementation = if exists() {
        implementation()
    } else {
        let i = create_interface()?;
        did.push(format!("started the tunnel interface {IFACE} ({i})"));
        i.to_string()
    };
    let key = b.key_file.to_str().unwrap_or_default();
    let ka = KEEPALIVE.to_string();
    let peers = tool("wg", &["show", IFACE, "peers"]).unwrap_or_default();
    if !peers.lines().any(|p| p.trim() == b.vps_public_key) {
        for p in peers.lines().filter(|p| !p.trim().is_empty()) {
            tool("wg", &["set", IFACE, "peer", p.trim(), "remove"])?;
        }
        if did.is_empty() {
            did.push(format!("set the VPS as {IFACE}'s peer again"));
        }
    }
    tool(
        "wg",
        &[
            "set",
            IFACE,
            "private-key",
            key,
            "peer",
            b.vps_public_key,
            "endpoint",
            b.endpoint,
            "allowed-ips",
            "0.0.0.0/0",
            "persistent-keepalive",
            &ka,
        ],
    )?;
    let cidr = format!("{BOX_TUN}/{TUN_PREFIX}");
    let addrs = tool("ip", &["-4", "-o", "addr", "show", "dev", IFACE]).unwrap_or_default();
    if !addrs.contains(&format!("inet {cidr}")) {
        tool("ip", &["addr", "replace", &cidr, "dev", IFACE])?;
    }
    tool("ip", &["link", "set", IFACE, "mtu", &MTU.to_string(), "up"])?;
    // Loose reverse-path filtering: visitors' addresses arrive here, their route is elsewhere.
    let _ = std::fs::write(format!("/proc/sys/net/ipv4/conf/{IFACE}/rp_filter"), "2");
    did.extend(ensure_policy_routing()?);
    Ok((implementation, did))
}

/// `ip rule from BOX_TUN lookup TABLE` and table TABLE's default route through the tunnel.
fn ensure_policy_routing() -> Result<Vec<String>> {
    let mut did = vec![];
    let table = TABLE.to_string();
    let routes = tool("ip", &["-4", "route", "show", "table", &table]).unwrap_or_default();
    if !routes.contains(&format!("dev {IFACE}")) {
        tool(
            "ip",
            &[
                "-4", "route", "replace", "default", "dev", IFACE, "table", &table,
            ],
        )?;
        did.push(format!(
            "routed answers from {BOX_TUN} through the tunnel (table {TABLE})"
        ));
    }
    if !rule_present() {
        tool(
            "ip",
            &[
                "-4",
                "rule",
                "add",
                "pref",
                &RULE_PREF.to_string(),
                "from",
                BOX_TUN,
                "lookup",
                &table,
            ],
        )?;
        if did.is_empty() {
            did.push(format!(
                "added the rule routing answers from {BOX_TUN} through the tunnel"
            ));
        }
    }
    Ok(did)
}

fn rule_present() -> bool {
    tool("ip", &["-4", "rule", "show"])
        .unwrap_or_default()
        .lines()
        .any(|l| l.contains(&format!("from {BOX_TUN} lookup {TABLE}")))
}

/// Remove the box's side (interface, rule, table). Missing parts are fine.
pub fn remove() -> Vec<String> {
    let mut did = vec![];
    while rule_present() {
        if tool(
            "ip",
            &[
                "-4",
                "rule",
                "del",
                "from",
                BOX_TUN,
                "lookup",
                &TABLE.to_string(),
            ],
        )
        .is_err()
        {
            break;
        }
        did.push(format!("removed the rule for answers from {BOX_TUN}"));
    }
    let _ = tool("ip", &["-4", "route", "flush", "table", &TABLE.to_string()]);
    if exists() && tool("ip", &["link", "del", IFACE]).is_ok() {
        did.push(format!("removed the tunnel interface {IFACE}"));
    }
    let _ = std::fs::remove_file(format!("/run/wireguard/{IFACE}.sock"));
    did
}

/// kernel or wireguard-go, for an existing interface.
fn implementation() -> String {
    if Path::new(&format!("/run/wireguard/{IFACE}.sock")).exists() {
        "wireguard-go".into()
    } else {
        "kernel".into()
    }
}

/// What the box's tunnel looks like now.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct TunnelView {
    pub interface: bool,
    /// Unix seconds of the latest handshake with the VPS (None: never).
    pub latest_handshake: Option<i64>,
    pub mtu: Option<u32>,
    pub endpoint: Option<String>,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    pub policy_rule: bool,
}

pub fn view() -> TunnelView {
    let mut v = TunnelView {
        interface: exists(),
        ..TunnelView::default()
    };
    if !v.interface {
        return v;
    }
    v.mtu = std::fs::read_to_string(format!("/sys/class/net/{IFACE}/mtu"))
        .ok()
        .and_then(|s| s.trim().parse().ok());
    v.policy_rule = rule_present();
    // `wg show IFACE dump`: the interface line, then per peer: public-key preshared-key
    // endpoint allowed-ips latest-handshake rx tx keepalive. The private key is in the first
    // line: it is skipped, never kept.
    if let Ok(dump) = tool("wg", &["show", IFACE, "dump"]) {
        for line in dump.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() >= 7 {
                v.endpoint = (f[2] != "(none)").then(|| f[2].to_string());
                v.latest_handshake = f[4].parse::<i64>().ok().filter(|t| *t > 0);
                v.rx_bytes = f[5].parse().unwrap_or(0);
                v.tx_bytes = f[6].parse().unwrap_or(0);
            }
        }
    }
    v
}

/// Whether the VPS answers through the tunnel right now: a TCP connection to its tunnel
/// address, accepted or refused (a refusal came back through the tunnel too), within `timeout`.
pub fn alive(timeout: Duration) -> bool {
    let addr =
        std::net::SocketAddr::from((VPS_TUN.parse::<std::net::Ipv4Addr>().expect("valid"), 22));
    match std::net::TcpStream::connect_timeout(&addr, timeout) {
        Ok(_) => true,
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionRefused,
    }
}
