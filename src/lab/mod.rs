//! `direkt lab`: a home network in network namespaces, for the end-to-end tests and for support.
//!
//! Topology (addresses are documentation prefixes only; nothing is ever linked to a host
//! interface or given a route out):
//!
//! ```text
//!  <p>-inet  isp0 203.0.113.1   lo: DNS .53 (Knot), Pebble .14, STUN .34/.35, probe .80 (198.51.100.x)
//!     |  [<p>-cgn  wan0 203.0.113.100, sub0 100.64.0.1 or 192.168.1.1   (cgnat / double-nat)]
//!  <p>-router  wan0 203.0.113.2 (or 100.64.0.2 / 192.168.1.2), bridge lan0 192.168.77.1, NAT, miniupnpd
//!     |-- <p>-box    eth0 192.168.77.10
//!     `-- <p>-rogue  eth0 192.168.77.66 (a LAN host tests use for forged responders)
//! ```
//!
//! Everything a lab generates lives in `/run/direkt-lab/<p>/`; `lab.json` there is what
//! `direkt lab status --json` prints.

pub mod acme2certifier;
pub mod box_config;
pub mod daemons;
pub mod dslite;
pub mod fritzbox;
pub mod loopback;
pub mod netns;
pub mod packages;
pub mod scenario;
pub mod softwire;
mod topology;
pub mod vps;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::error::{Context, Error, Result};
use crate::fsutil::write_atomic;

pub use box_config::{BoxCert, BoxSettings, box_config_text};
pub use scenario::Scenario;

/// Parent of every lab's run directory.
pub const RUN_BASE: &str = "/run/direkt-lab";
pub const DEFAULT_NAME: &str = "dk";
pub const ZONE: &str = "example.test";
pub const BOX_NAME: &str = "box.example.test";
pub const TSIG_KEY_NAME: &str = "ddns-key";
pub const TSIG_ALGORITHM: &str = "hmac-sha256";
pub const MAX_NAME_LEN: usize = 12;

/// The lab's fixed addresses (lab-notes.md).
pub mod addr {
    pub const ISP: &str = "203.0.113.1";
    pub const ROUTER_WAN: &str = "203.0.113.2";
    pub const ROUTER_LAN: &str = "192.168.77.1";
    pub const LAN_NET: &str = "192.168.77.0/24";
    pub const BOX: &str = "192.168.77.10";
    pub const ROGUE: &str = "192.168.77.66";
    pub const DNS: &str = "198.51.100.53";
    pub const PEBBLE: &str = "198.51.100.14";
    pub const STUN1: &str = "198.51.100.34";
    pub const STUN2: &str = "198.51.100.35";
    pub const PROBE: &str = "198.51.100.80";
    /// acme2certifier, the second ACME server (`lab up --ca acme2certifier`).
    pub const ACME2: &str = "198.51.100.15";
    /// The inet services, on `lo`.
    pub const SERVICES: [&str; 6] = [DNS, PEBBLE, STUN1, STUN2, PROBE, ACME2];

    pub const ISP6: &str = "2001:db8:113::1";
    pub const ROUTER_WAN6: &str = "2001:db8:113::2";
    pub const ROUTER_LAN6: &str = "2001:db8:77::1";
    pub const LAN_NET6: &str = "2001:db8:77::/64";
    pub const BOX6: &str = "2001:db8:77::10";
    pub const DNS6: &str = "2001:db8:5100::53";
    pub const PROBE6: &str = "2001:db8:5100::80";
    pub const SERVICES6: [&str; 2] = [DNS6, PROBE6];

    /// The rented server of scenarios with a `vps` (cgnat): its public address, and the
    /// internet's side of the link to it (192.0.2.64/29).
    pub const VPS: &str = "192.0.2.70";
    pub const VPS_GW: &str = "192.0.2.65";
    pub const VPS_PREFIX: u8 = 29;
}

/// The CA the box's config uses. Pebble runs in every lab; acme2certifier runs beside it when
/// chosen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LabCa {
    /// Pebble (Let's Encrypt's test server)
    #[default]
    Pebble,
    /// acme2certifier with its openssl CA handler (PyPI, in a venv; see tests/run)
    Acme2certifier,
}

/// A namespace's part in the lab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The box (direkt's host)
    Box,
    /// The home router (NAT, miniupnpd)
    Router,
    /// The internet (Pebble, Knot, STUN, probe server)
    Inet,
    /// The carrier NAT or upstream router (cgnat, double-nat), the AFTR (ds-lite)
    Cgn,
    /// Another host on the LAN (192.168.77.66)
    Rogue,
    /// A rented server on the internet side (cgnat: sshd, WireGuard; `direkt relay`)
    Vps,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Inet,
        Role::Cgn,
        Role::Router,
        Role::Box,
        Role::Rogue,
        Role::Vps,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Role::Box => "box",
            Role::Router => "router",
            Role::Inet => "inet",
            Role::Cgn => "cgn",
            Role::Rogue => "rogue",
            Role::Vps => "vps",
        }
    }
}

/// The namespace of `role` in lab `name`.
pub fn ns_name(name: &str, role: Role) -> String {
    format!("{name}-{}", role.name())
}

/// Lab names end up in namespace and directory names: short, lower-case letters and digits.
pub fn validate_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && name.as_bytes()[0].is_ascii_lowercase();
    if ok {
        Ok(())
    } else {
        Err(Error::usage(format!("invalid lab name `{name}`")).hint(format!(
            "use 1-{MAX_NAME_LEN} lower-case letters and digits, starting with a letter, e.g. --name dk2"
        )))
    }
}

/// `/run/direkt-lab/<name>/`.
#[derive(Debug, Clone)]
pub struct RunDir(PathBuf);

impl RunDir {
    pub fn for_name(name: &str) -> RunDir {
        RunDir(Path::new(RUN_BASE).join(name))
    }
    pub fn root(&self) -> &Path {
        &self.0
    }
    pub fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }
}

// ---------------------------------------------------------------------------------------------
// What `lab status` reports

/// Everything a client needs to use a running lab. Written to `lab.json`; fields are only added.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LabInfo {
    pub name: String,
    pub scenario: String,
    pub run_dir: PathBuf,
    /// Unix time the lab came up.
    pub started: i64,
    /// Namespace per role (`box`, `router`, `inet`, `rogue`, and `cgn` when present).
    pub namespaces: BTreeMap<String, String>,
    /// The address an outside observer sees for the box's IPv4 traffic.
    pub public_address: String,
    #[serde(rename = "box")]
    pub box_: BoxInfo,
    pub router: RouterInfo,
    /// The carrier NAT / upstream router (cgnat, double-nat).
    pub upstream: Option<UpstreamInfo>,
    pub rogue: HostInfo,
    pub inet: InetInfo,
    pub acme: AcmeInfo,
    /// The second ACME server, when the lab runs it (`lab up --ca acme2certifier`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acme2certifier: Option<SecondCaInfo>,
    pub dns: DnsInfo,
    /// STUN servers (`ip:port`), stund answering CHANGE-REQUEST from two addresses x two ports.
    pub stun: Vec<String>,
    /// Probe server URLs (address echo at `GET /v1/ip`).
    pub probe: Vec<String>,
    pub daemons: Vec<DaemonInfo>,
    /// The rented server (`direkt relay setup --host USER@ADDRESS`), in scenarios that have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vps: Option<vps::VpsInfo>,
    /// The customer report the lab was built from (`lab up --from-report`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_report: Option<FromReport>,
}

/// What a lab built from a customer's report remembers of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FromReport {
    /// The report file as it was given.
    pub file: String,
    /// The lab's copy of what `lab replay` needs (in the run directory).
    pub stored: PathBuf,
    /// Why the scenario was chosen.
    pub why: Vec<String>,
    /// The customer's settings the box config takes over.
    pub carried: Vec<String>,
    /// What the lab puts in place of the customer's (name, DNS provider, CA).
    pub replaced: Vec<String>,
    /// What of the customer's network and setup the lab does not reproduce.
    pub not_reproduced: Vec<String>,
    /// Facts the report lacks.
    pub missing: Vec<String>,
    /// What `lab replay` does in the box before doctor runs.
    pub steps: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BoxInfo {
    pub namespace: String,
    pub ipv4: String,
    pub ipv6: Option<String>,
    pub gateway: String,
    /// The ready direkt config for the box.
    pub config: PathBuf,
    /// Its secrets file (0600, holds the TSIG secret).
    pub secrets: PathBuf,
    pub state_dir: PathBuf,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RouterInfo {
    pub namespace: String,
    pub wan: String,
    pub lan: String,
    pub wan_ipv6: Option<String>,
    pub lan_ipv6: Option<String>,
    /// UPnP IGD on the LAN (`v2`, `v1`), or null when off.
    pub upnp: Option<String>,
    /// UPnP root description URL, when UPnP is on.
    pub upnp_url: Option<String>,
    /// NAT-PMP and PCP on 192.168.77.1:5351.
    pub natpmp_pcp: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UpstreamInfo {
    pub namespace: String,
    pub kind: String,
    pub wan: String,
    pub inside: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HostInfo {
    pub namespace: String,
    pub ipv4: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InetInfo {
    pub namespace: String,
    pub isp: String,
    /// Inbound traffic the ISP drops, e.g. `tcp/80 to 203.0.113.2`.
    pub blocked: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AcmeInfo {
    pub directory: String,
    pub management: String,
    /// PEM bundle to trust for Pebble's own TLS.
    pub ca_bundle: PathBuf,
    /// Pebble's issuing root (new at every start), from its management API.
    pub root: PathBuf,
    /// Percentage of nonces Pebble rejects (badNonce).
    pub nonce_reject: u8,
}

/// acme2certifier in the lab: the box's CA when chosen.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SecondCaInfo {
    pub directory: String,
    /// PEM bundle to trust for its HTTPS (the lab's TLS CA, as for Pebble).
    pub ca_bundle: PathBuf,
    /// Its issuing root (verifies issued certificates).
    pub root: PathBuf,
    /// Its acme_srv.cfg (re-read when it changes).
    pub config: PathBuf,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DnsInfo {
    pub server: String,
    pub server_ipv6: Option<String>,
    pub zone: String,
    pub name: String,
    pub tsig_key_name: String,
    pub tsig_algorithm: String,
    /// The base64 TSIG secret, alone in a 0600 file.
    pub tsig_secret_file: PathBuf,
    /// Names the key may update.
    pub updatable: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DaemonInfo {
    pub name: String,
    pub namespace: String,
    pub pid: u32,
    pub log: PathBuf,
    /// Filled in by `lab status`: whether the process still runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running: Option<bool>,
}

// ---------------------------------------------------------------------------------------------
// Preflight

/// The lab needs root (namespaces, nftables, binding port 53/80) and namespace support.
pub fn preflight() -> Result<()> {
    if !crate::config::is_root() {
        return Err(
            Error::usage("direkt lab needs root (it creates network namespaces)")
                .hint("run it as root, e.g. `sudo direkt lab up`"),
        );
    }
    if !Path::new("/proc/self/ns/net").exists() {
        return Err(
            Error::usage("this kernel has no network namespaces (no /proc/self/ns/net)")
                .hint("use a Linux kernel built with CONFIG_NET_NS (any distribution kernel)"),
        );
    }
    Ok(())
}

/// Options of `lab up`.
#[derive(Debug, Clone)]
pub struct UpOptions {
    pub name: String,
    pub scenario: Scenario,
    pub nonce_reject: u8,
    /// The CA the box uses.
    pub ca: LabCa,
    /// The box's config choices.
    pub box_settings: BoxSettings,
    /// Built from a customer's report: what to remember, and the document to keep (written to
    /// `FromReport::stored`).
    pub from_report: Option<(FromReport, Vec<u8>)>,
}

/// Where a lab keeps the customer report it was built from.
pub const FROM_REPORT_FILE: &str = "from-report.json";

/// Build the lab. On any failure everything already created is torn down again.
pub fn up(opts: &UpOptions) -> Result<LabInfo> {
    validate_name(&opts.name)?;
    if opts.ca == LabCa::Acme2certifier {
        // Before anything is built: the second CA's venv is there.
        acme2certifier::python()?;
    }
    let name = opts.name.as_str();
    let run = RunDir::for_name(name);
    let leftovers: Vec<String> = Role::ALL
        .iter()
        .map(|r| ns_name(name, *r))
        .filter(|n| netns::exists(n))
        .collect();
    let taken = || {
        Error::usage(format!("a lab named `{name}` is already up (or left over)")).hint(format!(
            "run `direkt lab down --name {name}` first, or choose another --name"
        ))
    };
    if !leftovers.is_empty() {
        return Err(taken());
    }
    // Creating the run directory claims the name: of two concurrent `up`s with one name, the
    // second stops here and never tears down the first one's lab.
    fs::create_dir_all(RUN_BASE).failed(|| format!("creating {RUN_BASE}"))?;
    match fs::create_dir(run.root()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(taken()),
        Err(e) => return Err(Error::from(e)),
    }
    match build(opts, &run) {
        Ok(info) => Ok(info),
        Err(e) => {
            let _ = down(name);
            Err(e)
        }
    }
}

fn build(opts: &UpOptions, run: &RunDir) -> Result<LabInfo> {
    let t0 = Instant::now();
    let name = opts.name.as_str();
    let sc = opts.scenario;
    for d in [
        "",
        "pids",
        "logs",
        "knot",
        "knot/zones",
        "knot/db",
        "pebble",
        "miniupnpd",
        "box",
    ] {
        crate::fsutil::create_dir(&run.path(d), 0o755)
            .failed(|| format!("creating {}", run.path(d).display()))?;
    }
    crate::fsutil::create_dir(&run.path("box/state"), 0o700)?;

    // Files first: they cost nothing and the daemons need them at once.
    let aliases = opts.box_settings.alias_labels();
    let tsig_secret = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 32]>())
    };
    write_atomic(
        &run.path("tsig.key"),
        format!("{tsig_secret}\n").as_bytes(),
        0o600,
    )?;
    write_atomic(
        &run.path("knot/knot.conf"),
        daemons::knot_config(run, &tsig_secret, sc.ipv6(), &aliases).as_bytes(),
        0o600,
    )?;
    write_atomic(
        &run.path(&format!("knot/zones/{ZONE}.zone")),
        daemons::zone_file(sc.ipv6(), &aliases).as_bytes(),
        0o644,
    )?;
    daemons::write_pebble_tls(run)?;
    write_atomic(
        &run.path("pebble/pebble.json"),
        daemons::pebble_config(run).as_bytes(),
        0o644,
    )?;
    let stun_for_router = sc.upstream().map(|u| u.inside).unwrap_or(addr::STUN1);
    if let Some(pm) = sc.port_mapping() {
        let mut conf = daemons::miniupnpd_config(
            run,
            pm.upnp,
            pm.igd_v1_only,
            (sc.ipv6(), pm.pcp),
            stun_for_router,
        );
        if sc.softwire() {
            conf = dslite::miniupnpd_config(&conf);
        }
        write_atomic(
            &run.path("miniupnpd/miniupnpd.conf"),
            conf.as_bytes(),
            0o644,
        )?;
    }
    let box_config = run.path("box/direkt.toml");
    let mut box_text = box_config_text(run, sc, &opts.box_settings);
    if opts.ca == LabCa::Acme2certifier {
        acme2certifier::write_files(run)?;
        box_text = box_config::with_directory(&box_text, &acme2certifier::directory_url());
    }
    write_atomic(&box_config, box_text.as_bytes(), 0o644)?;
    if let Some((_, doc)) = &opts.from_report {
        write_atomic(&run.path(FROM_REPORT_FILE), doc, 0o644)?;
    }
    write_atomic(
        &run.path("box/secrets.toml"),
        format!("[ddns]\ntsig_secret = \"{tsig_secret}\"\n").as_bytes(),
        0o600,
    )?;
    tracing::debug!(ms = t0.elapsed().as_millis() as u64, "files written");

    let vps_fingerprint = if sc.has_vps() {
        Some(vps::prepare(name, run)?)
    } else {
        None
    };
    topology::build(name, sc, run)?;
    tracing::debug!(ms = t0.elapsed().as_millis() as u64, "network built");

    let daemons = start_daemons(opts, run, stun_for_router)?;
    tracing::debug!(ms = t0.elapsed().as_millis() as u64, "daemons ready");

    let mut info = describe(opts, run, daemons);
    info.vps = vps_fingerprint.map(|f| vps::info(name, run, f));
    let json = serde_json::to_vec_pretty(&info).expect("plain data");
    write_atomic(&run.path("lab.json"), &json, 0o644)?;
    Ok(info)
}

/// Start every daemon at once, then wait for each (concurrently, each from inside its own
/// namespace). miniupnpd waits for the STUN server it asks at start.
fn start_daemons(opts: &UpOptions, run: &RunDir, stun_for_router: &str) -> Result<Vec<DaemonInfo>> {
    use daemons::{Daemon, dns_ready, spawn, stun_ready, tcp_open, wait_ready};
    let name = opts.name.as_str();
    let sc = opts.scenario;
    let inet = ns_name(name, Role::Inet);
    let [mut knot, mut stund, mut pebble] = spawn_inet_daemons(opts, run, &inet)?;
    let exe = std::env::current_exe().failed(|| "finding the direkt binary".into())?;
    let mut probe_args = os(&["probe-server", "--listen", &format!("{}:80", addr::PROBE)]);
    if sc.ipv6() {
        probe_args.extend(os(&["--listen", &format!("[{}]:80", addr::PROBE6)]));
    }
    let mut probe = spawn(run, &inet, "probe", &exe, &probe_args, &[])?;
    let second_ca_t = start_acme2certifier(opts, run, &inet)?;
    let sub_stund = spawn_sub_stund(run, name, sc)?;

    let zone = ZONE.to_string();
    let knot_t = netns::spawn_in(&inet, move || {
        wait_ready(&mut knot, || {
            dns_ready(sa(format!("{}:53", addr::DNS)), &zone)
        })?;
        Ok(knot)
    });
    let probe_t = netns::spawn_in(&inet, move || {
        wait_ready(&mut probe, || tcp_open(sa(format!("{}:80", addr::PROBE))))?;
        Ok(probe)
    });
    let ca = fs::read(run.path("ca.pem"))?;
    let root_path = run.path("pebble-root.pem");
    let pebble_t = netns::spawn_in(&inet, move || {
        wait_ready(&mut pebble, || {
            tcp_open(sa(format!("{}:14000", addr::PEBBLE)))
                && tcp_open(sa(format!("{}:15000", addr::PEBBLE)))
        })?;
        let root = daemons::https_get(&format!("https://{}:15000/roots/0", addr::PEBBLE), &ca)
            .map_err(|e| {
                e.hint("Pebble's management API did not hand out its root; see logs/pebble.log")
            })?;
        write_atomic(&root_path, &root, 0o644)?;
        Ok(pebble)
    });

    // miniupnpd asks its STUN server at start: that one first.
    let router = ns_name(name, Role::Router);
    let stun_ns = if sc.upstream().is_some() {
        ns_name(name, Role::Cgn)
    } else {
        inet.clone()
    };
    let stun_addr = sa(format!("{stun_for_router}:3478"));
    // ds-lite: the softwire carries the router's IPv4 (miniupnpd's STUN query too).
    let mut ready: Vec<Daemon> = dslite::start_softwires(sc, run, name, &exe)?;
    let mut stun_ts = vec![netns::spawn_in(&inet, move || {
        wait_ready(&mut stund, || {
            stun_ready(sa(format!("{}:3478", addr::STUN1)))
        })?;
        Ok(stund)
    })];
    if let Some(mut d) = sub_stund {
        stun_ts.push(netns::spawn_in(&stun_ns, move || {
            wait_ready(&mut d, || stun_ready(stun_addr))?;
            Ok(d)
        }));
    }
    stun_ts.extend(vps::start(sc, name, run)?);
    let mut first_err: Option<Error> = None;
    for t in stun_ts {
        collect(t.join(), &mut ready, &mut first_err);
    }
    let upnp_t = match first_err {
        None => start_port_mapping(run, &router, &exe, sc)?,
        Some(_) => None,
    };
    let waits = [knot_t, probe_t, pebble_t].into_iter();
    for t in waits.chain(upnp_t).chain(second_ca_t) {
        collect(t.join(), &mut ready, &mut first_err);
    }
    if let Some(e) = first_err {
        return Err(e);
    }
    // NAT loopback for the mappings miniupnpd makes (see `loopback`).
    if sc.port_mapping().is_some() || sc.emulated_router().is_some() {
        let wan = sc.upstream().map_or(addr::ROUTER_WAN, |u| u.router_wan);
        ready.push(spawn(
            run,
            &router,
            "loopback",
            &exe,
            &os(&["lab", "loopback", "--wan", wan, "--lan-if", "lan0"]),
            &[],
        )?);
    }
    Ok(ready.into_iter().map(DaemonInfo::of).collect())
}

/// The carrier NAT's own STUN server (cgnat, double-nat), not yet ready.
fn spawn_sub_stund(run: &RunDir, name: &str, sc: Scenario) -> Result<Option<daemons::Daemon>> {
    let Some(u) = sc.upstream() else {
        return Ok(None);
    };
    let args = os(&["-h", u.inside, "-a", u.inside_alt]);
    let cgn = ns_name(name, Role::Cgn);
    daemons::spawn(run, &cgn, "stund-sub", &prog("stund")?, &args, &[]).map(Some)
}

/// An installed program the lab needs, or the error naming every missing package.
fn prog(p: &str) -> Result<PathBuf> {
    packages::which(p).ok_or_else(|| {
        packages::missing_error(&packages::missing(packages::REQUIRED), "direkt lab up")
    })
}

fn os(v: &[&str]) -> Vec<OsString> {
    v.iter().map(OsString::from).collect()
}

fn sa(s: String) -> SocketAddr {
    s.parse().expect("lab addresses are valid")
}

/// The internet's DNS server, STUN server and CA (not yet ready).
fn spawn_inet_daemons(opts: &UpOptions, run: &RunDir, inet: &str) -> Result<[daemons::Daemon; 3]> {
    use daemons::spawn;
    let knot = spawn(
        run,
        inet,
        "knot",
        &prog("knotd")?,
        &[OsString::from("-c"), run.path("knot/knot.conf").into()],
        &[],
    )?;
    let stund = spawn(
        run,
        inet,
        "stund",
        &prog("stund")?,
        &os(&["-h", addr::STUN1, "-a", addr::STUN2]),
        &[],
    )?;
    let pebble = spawn(
        run,
        inet,
        "pebble",
        &prog("pebble")?,
        &[
            OsString::from("-config"),
            run.path("pebble/pebble.json").into(),
            OsString::from("-dnsserver"),
            OsString::from(format!("{}:53", addr::DNS)),
        ],
        &[
            ("PEBBLE_VA_NOSLEEP", "1".into()),
            ("PEBBLE_WFE_NONCEREJECT", opts.nonce_reject.to_string()),
            ("PEBBLE_AUTHZREUSE", "0".into()),
        ],
    )?;
    Ok([knot, stund, pebble])
}

/// acme2certifier in the inet namespace when chosen, and the thread that waits until its
/// directory answers over HTTPS (Python's imports take a few seconds).
fn start_acme2certifier(
    opts: &UpOptions,
    run: &RunDir,
    inet: &str,
) -> Result<Option<std::thread::JoinHandle<Result<daemons::Daemon>>>> {
    if opts.ca != LabCa::Acme2certifier {
        return Ok(None);
    }
    let python = acme2certifier::python()?;
    let mut d = daemons::spawn(
        run,
        inet,
        "acme2certifier",
        &python,
        &acme2certifier::args(run),
        &[("PYTHONUNBUFFERED", "1".into())],
    )?;
    let ca = fs::read(run.path("ca.pem"))?;
    Ok(Some(netns::spawn_in(inet, move || {
        daemons::wait_ready(&mut d, || {
            daemons::tcp_open(sa(format!("{}:443", addr::ACME2)))
                && daemons::https_get(&acme2certifier::directory_url(), &ca).is_ok()
        })?;
        Ok(d)
    })))
}

/// miniupnpd on the router, and the thread that waits until it answers NAT-PMP (and UPnP).
fn start_miniupnpd(
    run: &RunDir,
    router: &str,
    pm: scenario::PortMapService,
) -> Result<std::thread::JoinHandle<Result<daemons::Daemon>>> {
    use daemons::{tcp_open, wait_ready};
    // `-d` keeps miniupnpd in the foreground (the lab tracks its pid) but also logs every
    // line to syslog; without a syslog daemon glibc falls back to /dev/console, 1-2 ms a line,
    // which made each NAT-PMP/PCP answer take 3-4 ms instead of 0.05 ms. `ip netns exec` gives
    // the daemon a mount namespace of its own, so /dev/null over /dev/console stays in it; the
    // log file (stderr) keeps every line. `exec` keeps the pid.
    let mut d = daemons::spawn(
        run,
        router,
        "miniupnpd",
        Path::new("/bin/sh"),
        &[
            OsString::from("-c"),
            OsString::from("mount --bind /dev/null /dev/console 2>/dev/null; exec \"$0\" \"$@\""),
            prog("miniupnpd")?.into(),
            OsString::from("-d"),
            OsString::from("-f"),
            run.path("miniupnpd/miniupnpd.conf").into(),
            OsString::from("-P"),
            run.path("miniupnpd/miniupnpd.pid").into(),
        ],
        &[],
    )?;
    Ok(netns::spawn_in(router, move || {
        wait_ready(&mut d, || {
            (!pm.pcp || daemons::natpmp_ready(sa(format!("{}:5351", addr::ROUTER_LAN))))
                && (!pm.upnp || tcp_open(sa(format!("{}:5000", addr::ROUTER_LAN))))
        })?;
        Ok(d)
    }))
}

/// The router's port-mapping daemon: miniupnpd, or the emulated router of the scenario.
fn start_port_mapping(
    run: &RunDir,
    router: &str,
    exe: &Path,
    sc: Scenario,
) -> Result<Option<std::thread::JoinHandle<Result<daemons::Daemon>>>> {
    Ok(match (sc.port_mapping(), sc.emulated_router()) {
        (Some(pm), _) => Some(start_miniupnpd(run, router, pm)?),
        (None, Some(profile)) => Some(start_fritzbox(run, router, exe, profile)?),
        (None, None) => None,
    })
}

/// The FRITZ!Box emulation ([`fritzbox`]) on the router, and the thread that waits until it
/// serves its description.
fn start_fritzbox(
    run: &RunDir,
    router: &str,
    exe: &Path,
    profile: fritzbox::Profile,
) -> Result<std::thread::JoinHandle<Result<daemons::Daemon>>> {
    use daemons::{tcp_open, wait_ready};
    let mut args = os(&["lab", "fritzbox", "serve", "--run-dir"]);
    args.push(run.root().into());
    args.extend(os(&[
        "--wan",
        addr::ROUTER_WAN,
        "--lan",
        addr::ROUTER_LAN,
        "--profile",
        profile.name(),
    ]));
    let mut d = daemons::spawn(run, router, "fritzbox", exe, &args, &[])?;
    Ok(netns::spawn_in(router, move || {
        wait_ready(&mut d, || {
            tcp_open(sa(format!("{}:{}", addr::ROUTER_LAN, fritzbox::HTTP_PORT)))
        })?;
        Ok(d)
    }))
}

impl DaemonInfo {
    fn of(d: daemons::Daemon) -> DaemonInfo {
        DaemonInfo {
            pid: d.pid(),
            name: d.name,
            namespace: d.netns,
            log: d.log,
            running: None,
        }
    }
}

/// Keep a ready daemon, or the first error of all readiness threads.
fn collect(
    r: std::thread::Result<Result<daemons::Daemon>>,
    ready: &mut Vec<daemons::Daemon>,
    first_err: &mut Option<Error>,
) {
    match r {
        Ok(Ok(d)) => ready.push(d),
        Ok(Err(e)) => {
            first_err.get_or_insert(e);
        }
        Err(_) => {
            first_err.get_or_insert(Error::failed("a lab readiness thread panicked"));
        }
    }
}

fn describe(opts: &UpOptions, run: &RunDir, daemons: Vec<DaemonInfo>) -> LabInfo {
    let name = opts.name.as_str();
    let sc = opts.scenario;
    let ns = |r| ns_name(name, r);
    let mut namespaces = BTreeMap::new();
    for r in [Role::Inet, Role::Router, Role::Box, Role::Rogue] {
        namespaces.insert(r.name().to_string(), ns(r));
    }
    if sc.has_vps() {
        namespaces.insert("vps".into(), ns(Role::Vps));
    }
    let upstream = sc.upstream().map(|u| {
        namespaces.insert("cgn".into(), ns(Role::Cgn));
        UpstreamInfo {
            namespace: ns(Role::Cgn),
            kind: sc.name().to_string(),
            wan: u.wan.into(),
            inside: u.inside.into(),
        }
    });
    let v6 = sc.ipv6();
    let stun = vec![
        format!("{}:3478", addr::STUN1),
        format!("{}:3479", addr::STUN2),
    ];
    let mut probe = vec![format!("http://{}", addr::PROBE)];
    if v6 {
        probe.push(format!("http://[{}]", addr::PROBE6));
    }
    LabInfo {
        name: name.to_string(),
        scenario: sc.name().to_string(),
        run_dir: run.root().to_path_buf(),
        started: crate::state::now_unix(),
        namespaces,
        public_address: sc
            .upstream()
            .map(|u| u.wan)
            .unwrap_or(addr::ROUTER_WAN)
            .to_string(),
        box_: box_info(sc, run, ns(Role::Box)),
        router: router_info(sc, ns(Role::Router)),
        upstream,
        rogue: HostInfo {
            namespace: ns(Role::Rogue),
            ipv4: addr::ROGUE.into(),
        },
        inet: InetInfo {
            namespace: ns(Role::Inet),
            isp: addr::ISP.into(),
            blocked: if sc.blocks_port_80() {
                vec![format!("tcp/80 to {}", addr::ROUTER_WAN)]
            } else {
                vec![]
            },
        },
        acme: AcmeInfo {
            directory: format!("https://{}:14000/dir", addr::PEBBLE),
            management: format!("https://{}:15000", addr::PEBBLE),
            ca_bundle: run.path("ca.pem"),
            root: run.path("pebble-root.pem"),
            nonce_reject: opts.nonce_reject,
        },
        acme2certifier: (opts.ca == LabCa::Acme2certifier).then(|| SecondCaInfo {
            directory: acme2certifier::directory_url(),
            ca_bundle: run.path("ca.pem"),
            root: run.path("acme2certifier/root.pem"),
            config: run.path("acme2certifier/acme_srv.cfg"),
            version: acme2certifier::VERSION.into(),
        }),
        dns: DnsInfo {
            server: format!("{}:53", addr::DNS),
            server_ipv6: v6.then(|| format!("[{}]:53", addr::DNS6)),
            zone: ZONE.into(),
            name: BOX_NAME.into(),
            tsig_key_name: TSIG_KEY_NAME.into(),
            tsig_algorithm: TSIG_ALGORITHM.into(),
            tsig_secret_file: run.path("tsig.key"),
            updatable: daemons::updatable_labels(&opts.box_settings.alias_labels())
                .iter()
                .map(|l| format!("{l}.{ZONE}"))
                .collect(),
        },
        stun,
        probe,
        daemons,
        vps: None,
        from_report: opts.from_report.as_ref().map(|(f, _)| FromReport {
            stored: run.path(FROM_REPORT_FILE),
            ..f.clone()
        }),
    }
}

fn box_info(sc: Scenario, run: &RunDir, namespace: String) -> BoxInfo {
    BoxInfo {
        namespace,
        ipv4: addr::BOX.into(),
        ipv6: if sc.softwire() {
            Some(dslite::box6(0))
        } else {
            sc.ipv6().then(|| addr::BOX6.to_string())
        },
        gateway: addr::ROUTER_LAN.into(),
        config: run.path("box/direkt.toml"),
        secrets: run.path("box/secrets.toml"),
        state_dir: run.path("box/state"),
    }
}

fn router_info(sc: Scenario, namespace: String) -> RouterInfo {
    let pm = sc.port_mapping();
    let v6 = sc.ipv6();
    RouterInfo {
        namespace,
        wan: sc
            .upstream()
            .map(|u| u.router_wan)
            .unwrap_or(addr::ROUTER_WAN)
            .into(),
        lan: addr::ROUTER_LAN.into(),
        wan_ipv6: if sc.softwire() {
            Some(dslite::ROUTER_WAN6.to_string())
        } else {
            v6.then(|| addr::ROUTER_WAN6.to_string())
        },
        lan_ipv6: if sc.softwire() {
            Some(dslite::router_lan6(0))
        } else {
            v6.then(|| addr::ROUTER_LAN6.to_string())
        },
        upnp: match pm {
            _ if sc.fritzbox() => Some("v2".to_string()),
            _ if sc.emulated_router().is_some() => Some("v1".to_string()),
            Some(p) if p.upnp => Some(if p.igd_v1_only { "v1" } else { "v2" }.to_string()),
            _ => None,
        },
        upnp_url: match pm {
            _ if sc.emulated_router().is_some() => Some(format!(
                "http://{}:{}/{}",
                addr::ROUTER_LAN,
                fritzbox::HTTP_PORT,
                if sc.fritzbox() {
                    "igd2desc.xml"
                } else {
                    "igddesc.xml"
                }
            )),
            Some(p) if p.upnp => Some(format!("http://{}:5000/rootDesc.xml", addr::ROUTER_LAN)),
            _ => None,
        },
        natpmp_pcp: pm.is_some_and(|p| p.pcp) || sc.fritzbox(),
    }
}

/// Read a running lab's description; `running` filled in per daemon.
pub fn status(name: &str) -> Result<LabInfo> {
    validate_name(name)?;
    let run = RunDir::for_name(name);
    let path = run.path("lab.json");
    let text = match fs::read(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let others = list();
            let hint = if others.is_empty() {
                format!("start one with `direkt lab up --name {name}`")
            } else {
                format!(
                    "labs on this machine: {}; pick one with --name, or start one with \
                     `direkt lab up --name {name}`",
                    others.join(", ")
                )
            };
            return Err(Error::failed(format!("no lab named `{name}` is up")).hint(hint));
        }
        Err(e) => return Err(Error::from(e)),
    };
    let mut info: LabInfo =
        serde_json::from_slice(&text).failed(|| format!("reading {}", path.display()))?;
    for d in &mut info.daemons {
        d.running = Some(netns::alive(d.pid as i32));
    }
    Ok(info)
}

/// `ip netns exec <ns> CMD...` for namespace `role` of lab `name` (the lab's resolver comes
/// with it); `direkt` as the program is this binary, and in the box it uses the lab's box
/// config. Fails (exit 2) when that namespace does not exist.
pub fn command_in(name: &str, role: Role, argv: &[String]) -> Result<std::process::Command> {
    validate_name(name)?;
    let ns = ns_name(name, role);
    if !netns::exists(&ns) {
        let why = if netns::exists(&ns_name(name, Role::Inet)) {
            format!(
                "lab `{name}` has no {} namespace in this scenario",
                role.name()
            )
        } else {
            format!("no lab named `{name}` is up")
        };
        return Err(Error::usage(why).hint(format!(
            "see `direkt lab status --name {name}`, or start one with `direkt lab up --name {name}`"
        )));
    }
    let Some((first, rest)) = argv.split_first() else {
        return Err(Error::usage("no command given"));
    };
    let program: OsString = if first == "direkt" {
        std::env::current_exe()?.into_os_string()
    } else {
        first.into()
    };
    let rest: Vec<OsString> = rest.iter().map(OsString::from).collect();
    let argv = vps::wrap(
        &vps::private_mounts(&RunDir::for_name(name), role),
        program,
        &rest,
    );
    let mut cmd = std::process::Command::new("ip");
    cmd.args(["netns", "exec", &ns]).args(argv);
    let box_config = RunDir::for_name(name).path("box/direkt.toml");
    if role == Role::Box && box_config.exists() {
        // Inside the box, a bare `direkt ...` uses the lab's box config, never the host's.
        cmd.env("DIREKT_CONFIG", &box_config)
            .env_remove("DIREKT_STATE_DIR");
    }
    cmd.env("DIREKT_LAB_NAME", name);
    Ok(cmd)
}

/// What `lab down` removed.
#[derive(Debug, Default, Serialize)]
pub struct DownReport {
    pub namespaces: Vec<String>,
    pub processes: usize,
    pub run_dir_removed: bool,
}

/// Tear a lab down, also one half built or left over from a crash: end every process inside
/// its namespaces (TERM, then KILL), delete the namespaces, their /etc/netns entries and the
/// run directory.
pub fn down(name: &str) -> Result<DownReport> {
    validate_name(name)?;
    let run = RunDir::for_name(name);
    let mut report = DownReport::default();
    let present: Vec<String> = Role::ALL
        .iter()
        .map(|r| ns_name(name, *r))
        .filter(|n| netns::exists(n))
        .collect();
    let inodes: Vec<u64> = present.iter().filter_map(|n| netns::inode(n)).collect();
    let mut pids = netns::pids_in(&inodes);
    // Recorded daemons that have not entered their namespace yet (a crash right after spawn).
    if let Ok(entries) = fs::read_dir(run.path("pids")) {
        for e in entries.flatten() {
            if let Some(pid) = fs::read_to_string(e.path())
                .ok()
                .and_then(|s| s.trim().parse::<i32>().ok())
                && is_lab_launcher(pid, name)
                && !pids.contains(&pid)
            {
                pids.push(pid);
            }
        }
    }
    report.processes = pids.len();
    let left = netns::terminate(&pids, Duration::from_millis(1500));
    if !left.is_empty() {
        return Err(
            Error::failed(format!("processes {left:?} in lab `{name}` did not end"))
                .hint("check them with `ps`, end them, then run `direkt lab down` again"),
        );
    }
    let del: Vec<String> = present.iter().map(|n| format!("netns del {n}")).collect();
    netns::ip_batch(None, &del)?;
    for n in Role::ALL.iter().map(|r| ns_name(name, *r)) {
        let _ = fs::remove_dir_all(Path::new(netns::ETC_NETNS_DIR).join(&n));
    }
    report.namespaces = present;
    if run.root().exists() {
        fs::remove_dir_all(run.root()).failed(|| format!("removing {}", run.root().display()))?;
        report.run_dir_removed = true;
    }
    Ok(report)
}

/// A PID from our pids/ files that is still `ip netns exec <name>-...` (not yet exec'd into the
/// daemon): only then is it ours to kill without it being in a lab namespace.
fn is_lab_launcher(pid: i32, name: &str) -> bool {
    let Ok(cmdline) = fs::read(format!("/proc/{pid}/cmdline")) else {
        return false;
    };
    let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
    args.len() > 3
        && args[0].ends_with(b"ip")
        && args[1] == b"netns"
        && args[2] == b"exec"
        && args[3].starts_with(format!("{name}-").as_bytes())
}

/// Names of labs with a run directory or a namespace on this machine.
pub fn list() -> Vec<String> {
    let mut names: Vec<String> = vec![];
    if let Ok(d) = fs::read_dir(RUN_BASE) {
        names.extend(d.flatten().filter_map(|e| e.file_name().into_string().ok()));
    }
    if let Ok(d) = fs::read_dir(netns::NETNS_DIR) {
        for e in d.flatten() {
            if let Some(n) = e.file_name().to_str()
                && let Some((prefix, role)) = n.rsplit_once('-')
                && Role::ALL.iter().any(|r| r.name() == role)
                && validate_name(prefix).is_ok()
            {
                names.push(prefix.to_string());
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_validated() {
        for ok in ["dk", "t123x4", "abcdefghijkl"] {
            validate_name(ok).unwrap();
        }
        for bad in ["", "Dk", "d-k", "1dk", "abcdefghijklm", "d k", "dk/x"] {
            assert_eq!(validate_name(bad).unwrap_err().exit_code(), 2, "{bad}");
        }
    }

    #[test]
    fn process_liveness() {
        assert!(netns::alive(std::process::id() as i32));
        assert!(!netns::alive(i32::MAX));
        // Our own network namespace holds us.
        let me = std::fs::metadata("/proc/self/ns/net").map(|m| {
            use std::os::unix::fs::MetadataExt;
            m.ino()
        });
        let pids = netns::pids_in(&[me.unwrap()]);
        assert!(pids.contains(&(std::process::id() as i32)));
    }
}
