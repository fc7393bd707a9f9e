//! `direkt relay`: behind CGNAT (or DS-Lite's shared IPv4) the box cannot be reached on IPv4.
//! A small server the owner rents and controls (a VPS with a public IPv4) passes the chosen
//! ports through a WireGuard tunnel to the box: layer 3/4 only (nftables DNAT), so TLS, its keys
//! and the certificate stay on the box. The name's A record becomes the VPS's address.
//!
//! Parts:
//! - [`remote`]: the VPS side, a POSIX shell script sent over the system's OpenSSH client
//!   (the owner's key and known_hosts; never copied), idempotent, recording what it changed in
//!   `/var/lib/direkt-relay/` so `relay remove` restores the VPS; rolls a failed first apply
//!   back entirely.
//! - [`tunnel`]: the box side with the system's WireGuard tools.
//!
//! Why the system's tools (`wg`, `ip`, the kernel module or `wireguard-go`) and not an
//! in-process crate such as boringtun: boringtun (Cloudflare) would need direkt to run as a
//! daemon holding the TUN device, while the kernel module or `wireguard-go` keep the tunnel up
//! by themselves between `renew` runs, and `wg show` lets the owner (and support) see the very
//! same tunnel direkt sees. boringtun's upkeep is also uneven for a security component
//! (looked at in December 2026: one commit in 2024, 9 in 2025, then 0.7.0 in January and 0.7.1
//! in May 2026, mostly dependency updates plus a nonce-counter fix), while the kernel's
//! WireGuard and wireguard-go are maintained by WireGuard's author and shipped by every
//! distribution (Debian: wireguard-tools, wireguard-go). The cost: those packages on the box
//! instead of none, named exactly when missing.
//!
//! Visitors' source addresses are kept: the VPS only rewrites the destination (DNAT to the
//! box's tunnel address), and the box routes its answers from the tunnel address back through
//! the tunnel (policy routing, see [`tunnel`]). Where that cannot work (`--snat`, e.g. when the
//! box's tunnel is not direkt's own), the VPS masquerades and the box sees the VPS's tunnel
//! address as every visitor's; `relay status` says which.

pub mod remote;
pub mod tunnel;

use std::net::{IpAddr, Ipv4Addr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::fsutil::write_atomic;
use remote::{HostKeyPolicy, Ssh};

/// The box's WireGuard private key, in the state directory (0600, never printed).
pub const KEY_FILE: &str = "relay-wg.key";
/// How old the latest handshake may be before the tunnel counts as down (the box sends a
/// keep-alive every 25 s; WireGuard re-handshakes every 2 minutes while packets flow).
pub const HANDSHAKE_STALE: Duration = Duration::from_secs(180);
/// How often `renew` asks the VPS itself whether its rules are in place, when the tunnel
/// answers (a VPS that rebooted without them is found at once: its tunnel is gone too).
pub const VPS_CHECK_EVERY: Duration = Duration::from_secs(3600);

/// What direkt remembers about the relay (the `relay` section of `state.json`). No secret: the
/// private key is alone in [`KEY_FILE`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelayState {
    /// `USER@HOST` as given to `relay setup --host`.
    pub host: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh_key: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh_port: Option<u16>,
    /// The VPS's public IPv4: the name's A record.
    pub address: Ipv4Addr,
    pub vps_public_key: String,
    pub box_public_key: String,
    pub tcp: Vec<u16>,
    pub udp: Vec<u16>,
    /// Visitors' source addresses reach the box (no SNAT on the VPS).
    pub source_kept: bool,
    /// `kernel` or `wireguard-go`, on each side.
    pub box_wireguard: String,
    pub vps_wireguard: String,
    /// Unix time of the setup.
    pub since: i64,
    /// Unix time the VPS was last asked (and set right) over SSH.
    #[serde(default)]
    pub vps_checked: Option<i64>,
}

impl RelayState {
    pub fn ssh(&self) -> Ssh {
        Ssh {
            target: self.host.clone(),
            key: self.ssh_key.clone(),
            port: self.ssh_port,
        }
    }
    pub fn endpoint(&self) -> String {
        format!("{}:{}", self.address, tunnel::LISTEN_PORT)
    }
    pub fn plan(&self) -> Plan {
        Plan {
            box_public_key: self.box_public_key.clone(),
            tcp: self.tcp.clone(),
            udp: self.udp.clone(),
            snat: !self.source_kept,
        }
    }
    /// The VPS's host name or address, for messages.
    pub fn vps_name(&self) -> &str {
        self.host.rsplit('@').next().unwrap_or(&self.host)
    }
    /// `TCP 80, 443; UDP 51413`.
    pub fn ports_text(&self) -> String {
        ports_text(&self.tcp, &self.udp)
    }
}

pub fn ports_text(tcp: &[u16], udp: &[u16]) -> String {
    let list = |v: &[u16]| v.iter().map(u16::to_string).collect::<Vec<_>>().join(", ");
    let mut parts = vec![];
    if !tcp.is_empty() {
        parts.push(format!("TCP {}", list(tcp)));
    }
    if !udp.is_empty() {
        parts.push(format!("UDP {}", list(udp)));
    }
    parts.join("; ")
}

/// What the VPS script is told.
#[derive(Debug, Clone)]
pub struct Plan {
    pub box_public_key: String,
    pub tcp: Vec<u16>,
    pub udp: Vec<u16>,
    pub snat: bool,
}

/// `relay setup`'s input.
#[derive(Debug, Clone)]
pub struct SetupOptions {
    pub host: String,
    pub ssh_key: Option<PathBuf>,
    pub ssh_port: Option<u16>,
    /// The VPS's public IPv4 when the host is a name that does not resolve to it.
    pub address: Option<Ipv4Addr>,
    pub tcp: Vec<u16>,
    pub udp: Vec<u16>,
    pub snat: bool,
    pub host_key: HostKeyPolicy,
}

/// What setup did, for the command to print.
#[derive(Debug, Clone, Serialize)]
pub struct SetupReport {
    pub relay: RelayState,
    /// One line per change, on the VPS and on the box.
    pub steps: Vec<String>,
    pub handshake_after_ms: u64,
}

/// Split `USER@HOST` and find the VPS's IPv4: the host itself when it is an address, else
/// its name's first IPv4 address (`--address` overrides).
pub fn vps_address(host: &str, given: Option<Ipv4Addr>) -> Result<Ipv4Addr> {
    if let Some(a) = given {
        return Ok(a);
    }
    let h = host.rsplit('@').next().unwrap_or(host);
    if let Ok(a) = h.parse::<Ipv4Addr>() {
        return Ok(a);
    }
    let found = (h, 22)
        .to_socket_addrs()
        .map_err(|e| {
            Error::usage(format!("the VPS's name `{h}` does not resolve: {e}"))
                .hint("check --host, or give the VPS's public IPv4 with --address")
        })?
        .find_map(|sa| match sa.ip() {
            IpAddr::V4(a) => Some(a),
            IpAddr::V6(_) => None,
        });
    found.ok_or_else(|| {
        Error::usage(format!("the VPS's name `{h}` has no IPv4 address"))
            .hint("the relay gives the box an IPv4 address: give the VPS's with --address")
    })
}

/// Check the input before anything is touched (exit 2, nothing changed).
pub fn validate(o: &SetupOptions) -> Result<()> {
    let h = o.host.rsplit('@').next().unwrap_or("");
    if h.is_empty()
        || o.host.starts_with('-')
        || o.host.chars().any(|c| c.is_whitespace() || c == '\'')
    {
        return Err(
            Error::usage(format!("--host `{}` is not USER@HOST", o.host))
                .hint("e.g. --host root@vps.example.org"),
        );
    }
    if o.tcp.is_empty() && o.udp.is_empty() {
        return Err(Error::usage("--ports names no port").hint("e.g. --ports 80,443,51413/udp"));
    }
    let ssh_port = o.ssh_port.unwrap_or(22);
    if o.tcp.contains(&ssh_port) || o.tcp.contains(&0) || o.udp.contains(&0) {
        return Err(Error::usage(format!(
            "--ports: TCP {ssh_port} is the VPS's SSH port (forwarding it would cut the VPS off), and 0 is no port"
        ))
        .hint("leave the SSH port out of --ports"));
    }
    if o.udp.contains(&tunnel::LISTEN_PORT) {
        return Err(Error::usage(format!(
            "--ports: UDP {} is the tunnel's own port on the VPS",
            tunnel::LISTEN_PORT
        ))
        .hint("choose another UDP port"));
    }
    Ok(())
}

/// Parse `--ports`: `80,443,51413/udp` (TCP unless `/udp`).
pub fn parse_ports(list: &str) -> Result<(Vec<u16>, Vec<u16>)> {
    let (mut tcp, mut udp) = (vec![], vec![]);
    for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (num, proto) = match item.split_once('/') {
            Some((n, p)) => (n, p.to_ascii_lowercase()),
            None => (item, "tcp".to_string()),
        };
        let port: u16 = num.parse().map_err(|_| {
            Error::usage(format!("--ports: `{item}` is not a port"))
                .hint("e.g. --ports 80,443,51413/udp")
        })?;
        let v = match proto.as_str() {
            "tcp" => &mut tcp,
            "udp" => &mut udp,
            _ => {
                return Err(Error::usage(format!(
                    "--ports: `{item}`: protocol must be tcp or udp"
                ))
                .hint("e.g. --ports 80,443,51413/udp"));
            }
        };
        if !v.contains(&port) {
            v.push(port);
        }
    }
    Ok((tcp, udp))
}

/// The box can run WireGuard: `wg` and `ip` work, and the kernel module or wireguard-go is
/// there. Checked before the VPS is touched.
pub fn box_preflight() -> Result<()> {
    tunnel::tool("wg", &["--version"])?;
    tunnel::tool("ip", &["-V"])?;
    if tunnel::exists() {
        return Ok(());
    }
    if tunnel::tool(
        "ip",
        &["link", "add", "direkt-wgprobe", "type", "wireguard"],
    )
    .is_ok()
    {
        let _ = tunnel::tool("ip", &["link", "del", "direkt-wgprobe"]);
        return Ok(());
    }
    if which("wireguard-go") && Path::new("/dev/net/tun").exists() {
        return Ok(());
    }
    Err(Error::usage(
        "this box has no WireGuard: the kernel has no wireguard module and wireguard-go is not installed",
    )
    .hint("apt-get install wireguard-go (or load the kernel module: modprobe wireguard); nothing was changed"))
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

/// Set the relay up, both sides; on any failure undo what this run changed on both.
/// `state_dir` holds the key; the caller stores the returned state.
pub fn setup(
    o: &SetupOptions,
    state_dir: &Path,
    previous: Option<&RelayState>,
) -> Result<SetupReport> {
    validate(o)?;
    let address = vps_address(&o.host, o.address)?;
    box_preflight()?;
    let ssh = Ssh {
        target: o.host.clone(),
        key: o.ssh_key.clone(),
        port: o.ssh_port,
    };
    let key_file = state_dir.join(KEY_FILE);
    let new_key = !key_file.exists();
    if new_key {
        std::fs::create_dir_all(state_dir)?;
        write_atomic(
            &key_file,
            format!("{}\n", tunnel::genkey()?).as_bytes(),
            0o600,
        )?;
    }
    let undo_key = || {
        if new_key {
            let _ = std::fs::remove_file(&key_file);
        }
    };
    let plan = Plan {
        box_public_key: tunnel::pubkey(&key_file)?,
        tcp: o.tcp.clone(),
        udp: o.udp.clone(),
        snat: o.snat,
    };
    let vps_was_set_up = previous.is_some();
    let applied = match remote::run(&ssh, o.host_key, "apply", &plan) {
        Ok(a) => a,
        Err(e) => {
            undo_key();
            return Err(e);
        }
    };
    let Some(vps_key) = applied.get("vps_public_key").map(str::to_string) else {
        undo_key();
        return Err(Error::failed("the VPS did not report its WireGuard key"));
    };
    let mut steps: Vec<String> = applied.did.iter().map(|d| format!("VPS: {d}")).collect();
    let rollback = |why: Error| {
        let _ = tunnel::remove();
        if !vps_was_set_up {
            let _ = remote::run(&ssh, HostKeyPolicy::KnownOnly, "remove", &plan);
        }
        undo_key();
        why
    };
    let endpoint = format!("{address}:{}", tunnel::LISTEN_PORT);
    let side = tunnel::BoxSide {
        key_file: &key_file,
        vps_public_key: &vps_key,
        endpoint: &endpoint,
    };
    let (box_wg, did) = tunnel::ensure(&side).map_err(rollback)?;
    steps.extend(did.iter().map(|d| format!("box: {d}")));
    let t0 = Instant::now();
    if !wait_up(crate::state::now_unix(), Duration::from_secs(8)) {
        return Err(rollback(
            Error::failed(format!(
                "the tunnel to {address} did not come up: no answer through it within 8 s; both sides were undone"
            ))
            .hint(format!(
                "the VPS must accept UDP port {} (its provider's firewall too); then run the setup again",
                tunnel::LISTEN_PORT
            )),
        ));
    }
    let now = crate::state::now_unix();
    Ok(SetupReport {
        relay: RelayState {
            host: o.host.clone(),
            ssh_key: o.ssh_key.clone(),
            ssh_port: o.ssh_port,
            address,
            vps_public_key: vps_key,
            box_public_key: plan.box_public_key.clone(),
            tcp: o.tcp.clone(),
            udp: o.udp.clone(),
            source_kept: !o.snat,
            box_wireguard: box_wg,
            vps_wireguard: applied
                .get("implementation")
                .unwrap_or("unknown")
                .to_string(),
            since: previous.map_or(now, |p| p.since),
            vps_checked: Some(now),
        },
        steps,
        handshake_after_ms: t0.elapsed().as_millis() as u64,
    })
}

/// Poll the tunnel until the VPS answers through it.
pub fn wait_alive(limit: Duration) -> bool {
    wait_up(i64::MAX, limit)
}

/// Poll until the VPS answers through the tunnel, or a handshake newer than `since` (Unix
/// seconds) shows the tunnel is up although the VPS's firewall drops the probe.
pub fn wait_up(since: i64, limit: Duration) -> bool {
    let t0 = Instant::now();
    loop {
        if tunnel::alive(Duration::from_millis(500)) {
            return true;
        }
        if tunnel::view().latest_handshake.is_some_and(|h| h >= since) {
            return true;
        }
        if t0.elapsed() >= limit {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// First make sure the VPS is reachable with the host key policy: unknown host keys are
/// found here, before any key is made.
pub fn probe(ssh: &Ssh, policy: HostKeyPolicy) -> Result<()> {
    let out = remote::ssh_command(ssh, policy)
        .arg("true")
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| Error::usage(format!("cannot run ssh: {e}")))?;
    if out.status.success() {
        return Ok(());
    }
    Err(remote::map_error(
        ssh,
        out.status.code().unwrap_or(255),
        &String::from_utf8_lossy(&out.stderr),
    ))
}

/// Whether an error from [`probe`] is "the host key is not known".
pub fn is_unknown_host_key(e: &Error) -> bool {
    e.message().contains("SSH host key is not known")
}

/// Remove the relay from both sides. `keep_going`: remove the box's side even when the VPS
/// cannot be reached (its side then stays; said in the steps).
pub fn remove(r: &RelayState, state_dir: &Path, keep_going: bool) -> Result<Vec<String>> {
    let mut steps = vec![];
    match remote::run(&r.ssh(), HostKeyPolicy::KnownOnly, "remove", &r.plan()) {
        Ok(o) => steps.extend(o.did.iter().map(|d| format!("VPS: {d}"))),
        Err(e) if keep_going => steps.push(format!(
            "VPS: NOT restored ({}); run `direkt relay remove` again when it is reachable, or undo /var/lib/direkt-relay/changed by hand",
            e.message()
        )),
        Err(e) => {
            return Err(e.hint(
                "nothing was removed; `direkt relay remove --keep-going` removes the box's side anyway",
            ));
        }
    }
    steps.extend(tunnel::remove().into_iter().map(|d| format!("box: {d}")));
    if std::fs::remove_file(state_dir.join(KEY_FILE)).is_ok() {
        steps.push("box: deleted the tunnel's private key".into());
    }
    Ok(steps)
}

/// `renew`'s care of the relay: the box's side put right at once, the VPS asked over SSH when
/// the tunnel does not answer (or once an hour, or `force`). One line per repair.
pub fn repair(r: &mut RelayState, state_dir: &Path, force: bool, now: i64) -> Result<Vec<String>> {
    let key_file = state_dir.join(KEY_FILE);
    if !key_file.exists() {
        return Err(Error::usage(format!(
            "the relay's private key {} is gone",
            key_file.display()
        ))
        .hint("run `direkt relay setup` again"));
    }
    let endpoint = r.endpoint();
    let side = tunnel::BoxSide {
        key_file: &key_file,
        vps_public_key: &r.vps_public_key,
        endpoint: &endpoint,
    };
    let (_, mut did) = tunnel::ensure(&side)?;
    did = did.into_iter().map(|d| format!("box: {d}")).collect();
    let alive = wait_alive(Duration::from_secs(if did.is_empty() { 2 } else { 5 }));
    let due = r
        .vps_checked
        .is_none_or(|t| now - t >= VPS_CHECK_EVERY.as_secs() as i64);
    if !alive || due || force {
        let o =
            remote::run(&r.ssh(), HostKeyPolicy::KnownOnly, "apply", &r.plan()).map_err(|e| {
                Error::new(
                    e.kind(),
                    format!(
                        "the tunnel to {} does not answer, and the VPS could not be set right: {}",
                        r.vps_name(),
                        e.message()
                    ),
                )
                .hint(e.hint_text().unwrap_or("check the VPS").to_string())
            })?;
        did.extend(o.did.iter().map(|d| format!("VPS: {d}")));
        if let Some(k) = o.get("vps_public_key")
            && k != r.vps_public_key
        {
            // The VPS lost its key (a new server under the old address): follow it.
            r.vps_public_key = k.to_string();
            let side = tunnel::BoxSide {
                key_file: &key_file,
                vps_public_key: &r.vps_public_key,
                endpoint: &endpoint,
            };
            tunnel::ensure(&side)?;
            did.push("box: took the VPS's new WireGuard key".into());
        }
        r.vps_checked = Some(now);
        if !wait_up(crate::state::now_unix(), Duration::from_secs(8)) {
            return Err(Error::failed(format!(
                "the tunnel to {} does not answer although both sides are set up",
                r.vps_name()
            ))
            .hint(format!(
                "the VPS must accept UDP port {}; see `direkt relay status` and `direkt doctor`",
                tunnel::LISTEN_PORT
            )));
        }
    }
    Ok(did)
}

/// `relay status`: the stored relay and the tunnel as it is now.
#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    pub configured: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relay: Option<RelayState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tunnel: Option<tunnel::TunnelView>,
    /// Seconds since the latest handshake.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handshake_age_s: Option<i64>,
    /// The VPS answers through the tunnel right now.
    pub answers: bool,
}

pub fn status(r: Option<&RelayState>, now: i64) -> StatusView {
    let Some(r) = r else {
        return StatusView {
            configured: false,
            relay: None,
            tunnel: None,
            handshake_age_s: None,
            answers: false,
        };
    };
    let t = tunnel::view();
    StatusView {
        configured: true,
        relay: Some(r.clone()),
        handshake_age_s: t.latest_handshake.map(|h| (now - h).max(0)),
        answers: t.interface && tunnel::alive(Duration::from_secs(1)),
        tunnel: Some(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_parse() {
        assert_eq!(
            parse_ports("80, 443,51413/udp").unwrap(),
            (vec![80, 443], vec![51413])
        );
        assert_eq!(parse_ports("443,443").unwrap().0, vec![443]);
        assert_eq!(parse_ports("x").unwrap_err().exit_code(), 2);
        assert_eq!(parse_ports("53/sctp").unwrap_err().exit_code(), 2);
        assert_eq!(ports_text(&[80, 443], &[51413]), "TCP 80, 443; UDP 51413");
    }

    #[test]
    fn ssh_port_and_tunnel_port_are_refused() {
        let o = SetupOptions {
            host: "root@192.0.2.70".into(),
            ssh_key: None,
            ssh_port: None,
            address: None,
            tcp: vec![22, 443],
            udp: vec![],
            snat: false,
            host_key: HostKeyPolicy::KnownOnly,
        };
        assert_eq!(validate(&o).unwrap_err().exit_code(), 2);
        let o = SetupOptions {
            tcp: vec![443],
            udp: vec![51820],
            ..o
        };
        assert_eq!(validate(&o).unwrap_err().exit_code(), 2);
        let o = SetupOptions {
            host: "-oProxyCommand=x".into(),
            udp: vec![],
            ..o
        };
        assert_eq!(validate(&o).unwrap_err().exit_code(), 2);
    }

    #[test]
    fn address_from_host() {
        assert_eq!(
            vps_address("root@192.0.2.70", None).unwrap(),
            "192.0.2.70".parse::<Ipv4Addr>().unwrap()
        );
        assert_eq!(
            vps_address("vps.invalid", Some("192.0.2.9".parse().unwrap())).unwrap(),
            "192.0.2.9".parse::<Ipv4Addr>().unwrap()
        );
    }

    #[test]
    fn the_script_is_valid_sh() {
        let out = std::process::Command::new("sh")
            .args(["-n", "-c", remote::SCRIPT])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
