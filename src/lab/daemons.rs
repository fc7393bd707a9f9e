//! The real daemons of the lab: their config files (written from Rust), starting them in their
//! namespace in their own session (so they outlive `direkt lab up`), and waiting until each one
//! answers — by talking to it from a thread inside its namespace, never by sleeping.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{Context, Error, Result};
use crate::fsutil::write_atomic;

use super::{RunDir, addr};

/// How long one daemon may take to become ready before `lab up` gives up.
pub const READY_TIMEOUT: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(5);

/// A daemon started by `lab up`.
#[derive(Debug)]
pub struct Daemon {
    pub name: String,
    pub netns: String,
    pub child: Child,
    pub log: PathBuf,
}

impl Daemon {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

/// Start `program args` inside `netns` in a new session, output to `<run>/logs/<name>.log`,
/// PID recorded in `<run>/pids/<name>` before anything waits on it (so a crashed `up` can still
/// be cleaned by `down`).
pub fn spawn(
    run: &RunDir,
    netns: &str,
    name: &str,
    program: &Path,
    args: &[OsString],
    env: &[(&str, String)],
) -> Result<Daemon> {
    let log = run.path(&format!("logs/{name}.log"));
    let out = fs::File::create(&log).failed(|| format!("creating {}", log.display()))?;
    let err = out.try_clone()?;
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", netns])
        .arg(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .current_dir(run.root());
    for (k, v) in env {
        cmd.env(k, v);
    }
    // SAFETY: setsid is async-signal-safe; it only detaches the child from our session so a
    // Ctrl-C at the terminal of `direkt lab up` does not reach the lab's daemons.
    unsafe {
        cmd.pre_exec(|| {
            libc::setsid();
            Ok(())
        });
    }
    let child = cmd
        .spawn()
        .failed(|| format!("starting {name} ({})", program.display()))?;
    fs::write(
        run.path(&format!("pids/{name}")),
        format!("{}\n", child.id()),
    )?;
    Ok(Daemon {
        name: name.to_string(),
        netns: netns.to_string(),
        child,
        log,
    })
}

/// Poll `ready` (run on the calling thread, which is inside the daemon's namespace) until it
/// says yes, the daemon exits, or the timeout passes.
pub fn wait_ready(d: &mut Daemon, mut ready: impl FnMut() -> bool) -> Result<()> {
    let start = Instant::now();
    loop {
        if ready() {
            tracing::debug!(daemon = %d.name, ms = start.elapsed().as_millis() as u64, "ready");
            return Ok(());
        }
        if let Ok(Some(status)) = d.child.try_wait() {
            return Err(Error::failed(format!(
                "{} exited at start ({status}); its log {}:\n{}",
                d.name,
                d.log.display(),
                log_tail(&d.log)
            ))
            .hint("fix what the log says, then `direkt lab down` and `direkt lab up` again"));
        }
        if start.elapsed() > READY_TIMEOUT {
            return Err(Error::failed(format!(
                "{} did not become ready within {}s; its log {}:\n{}",
                d.name,
                READY_TIMEOUT.as_secs(),
                d.log.display(),
                log_tail(&d.log)
            ))
            .hint("the machine may be overloaded; retry, or read the log"));
        }
        std::thread::sleep(POLL);
    }
}

/// The last lines of a log, for error messages.
pub fn log_tail(path: &Path) -> String {
    let Ok(mut f) = fs::File::open(path) else {
        return "(no log)".into();
    };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let _ = f.seek(SeekFrom::Start(len.saturating_sub(2000)));
    let mut s = String::new();
    let _ = f.read_to_string(&mut s);
    let lines: Vec<&str> = s.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

// ---------------------------------------------------------------------------------------------
// Readiness probes (called from a thread inside the right namespace)

pub fn tcp_open(addr: SocketAddr) -> bool {
    TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
}

/// An SOA query for `zone` answered authoritatively with NOERROR: Knot is up and loaded the zone.
pub fn dns_ready(server: SocketAddr, zone: &str) -> bool {
    use hickory_proto::op::{Message, Query, ResponseCode};
    use hickory_proto::rr::{Name, RecordType};
    let Ok(name) = Name::from_ascii(format!("{zone}.")) else {
        return false;
    };
    let mut msg = Message::query();
    msg.add_query(Query::query(name, RecordType::SOA));
    let Ok(bytes) = msg.to_vec() else {
        return false;
    };
    let Ok(sock) = UdpSocket::bind(if server.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    }) else {
        return false;
    };
    let _ = sock.set_read_timeout(Some(Duration::from_millis(50)));
    if sock.send_to(&bytes, server).is_err() {
        return false;
    }
    let mut buf = [0u8; 1500];
    match sock.recv(&mut buf) {
        Ok(n) => Message::from_vec(&buf[..n])
            .is_ok_and(|m| m.response_code == ResponseCode::NoError && !m.answers.is_empty()),
        Err(_) => false,
    }
}

/// Any answer to a STUN Binding request.
pub fn stun_ready(server: SocketAddr) -> bool {
    let Ok(sock) = UdpSocket::bind("0.0.0.0:0") else {
        return false;
    };
    let _ = sock.set_read_timeout(Some(Duration::from_millis(50)));
    // Binding request: type 0x0001, length 0, magic cookie, 12-byte transaction id.
    let mut req = vec![0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42];
    req.extend_from_slice(&rand::random::<[u8; 12]>());
    if sock.send_to(&req, server).is_err() {
        return false;
    }
    let mut buf = [0u8; 1500];
    sock.recv(&mut buf).is_ok_and(|n| n >= 20)
}

/// A NAT-PMP external-address request (version 0, opcode 0) answered: miniupnpd's NAT-PMP/PCP
/// side is up (it has no HTTP port when UPnP is off).
pub fn natpmp_ready(gateway: SocketAddr) -> bool {
    let Ok(sock) = UdpSocket::bind("0.0.0.0:0") else {
        return false;
    };
    let _ = sock.set_read_timeout(Some(Duration::from_millis(50)));
    if sock.send_to(&[0, 0], gateway).is_err() {
        return false;
    }
    let mut buf = [0u8; 64];
    sock.recv(&mut buf).is_ok_and(|n| n >= 12 && buf[1] == 128)
}

/// GET `url` over TLS trusting only `ca_pem`, from the calling thread's namespace.
pub fn https_get(url: &str, ca_pem: &[u8]) -> Result<Vec<u8>> {
    let ca = reqwest::Certificate::from_pem(ca_pem).failed(|| "reading the lab CA".into())?;
    let client = crate::net::http::builder(Duration::from_secs(5))
        .tls_certs_only([ca])
        .build()
        .failed(|| "building an HTTPS client".into())?;
    let url = url.to_string();
    // Called from a thread inside a lab namespace: it needs a runtime of its own there.
    crate::runtime::block_on_here(async move {
        let resp = client
            .get(&url)
            .send()
            .await
            .failed(|| format!("GET {url}"))?;
        if !resp.status().is_success() {
            return Err(Error::failed(format!("GET {url}: HTTP {}", resp.status())));
        }
        Ok(resp
            .bytes()
            .await
            .failed(|| format!("reading {url}"))?
            .to_vec())
    })?
}

// ---------------------------------------------------------------------------------------------
// Config files

/// Pebble's TLS: a lab CA (ca.pem, what clients trust) and a server certificate for
/// 198.51.100.14 / acme.example.test signed by it.
pub fn write_pebble_tls(run: &RunDir) -> Result<()> {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    };
    let gen_err = |e: rcgen::Error| Error::failed(format!("generating the lab CA: {e}"));
    let ca_key = KeyPair::generate().map_err(gen_err)?;
    let mut ca = CertificateParams::new(Vec::<String>::new()).map_err(gen_err)?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "direkt lab CA (Pebble TLS)");
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca.self_signed(&ca_key).map_err(gen_err)?;
    let issuer = Issuer::new(ca, ca_key);

    let key = KeyPair::generate().map_err(gen_err)?;
    let mut srv = CertificateParams::new(vec![
        addr::PEBBLE.to_string(),
        "acme.example.test".to_string(),
        // acme2certifier (`lab up --ca acme2certifier`) serves HTTPS with this certificate too.
        addr::ACME2.to_string(),
        "acme2.example.test".to_string(),
        "localhost".to_string(),
    ])
    .map_err(gen_err)?;
    srv.distinguished_name
        .push(DnType::CommonName, "acme.example.test");
    let cert = srv.signed_by(&key, &issuer).map_err(gen_err)?;

    write_atomic(&run.path("ca.pem"), ca_cert.pem().as_bytes(), 0o644)?;
    write_atomic(&run.path("pebble/cert.pem"), cert.pem().as_bytes(), 0o644)?;
    write_atomic(
        &run.path("pebble/key.pem"),
        key.serialize_pem().as_bytes(),
        0o600,
    )?;
    Ok(())
}

pub fn pebble_config(run: &RunDir) -> String {
    serde_json::json!({
        "pebble": {
            "listenAddress": format!("{}:14000", addr::PEBBLE),
            "managementListenAddress": format!("{}:15000", addr::PEBBLE),
            "certificate": run.path("pebble/cert.pem"),
            "privateKey": run.path("pebble/key.pem"),
            "httpPort": 80,
            "tlsPort": 443,
            "ocspResponderURL": "",
            "externalAccountBindingRequired": false
        }
    })
    .to_string()
}

/// The zone file: SOA, NS and the lab's service names. `box` itself is left to direkt.
/// The lab zone; each alias label is a CNAME to the box.
pub fn zone_file(ipv6: bool, aliases: &[&str]) -> String {
    let mut z = String::from(
        "$ORIGIN example.test.\n$TTL 60\n\
         @ SOA ns1 hostmaster 1 3600 600 86400 60\n\
         @ NS ns1\n",
    );
    for (name, ip) in [
        ("ns1", addr::DNS),
        ("acme", addr::PEBBLE),
        ("acme2", addr::ACME2),
        ("stun", addr::STUN1),
        ("stun2", addr::STUN2),
        ("probe", addr::PROBE),
        ("whoami", addr::PROBE),
    ] {
        let _ = writeln!(z, "{name} A {ip}");
    }
    if ipv6 {
        let _ = writeln!(z, "ns1 AAAA {}", addr::DNS6);
        let _ = writeln!(z, "probe AAAA {}", addr::PROBE6);
        let _ = writeln!(z, "whoami AAAA {}", addr::PROBE6);
    }
    for a in aliases {
        let _ = writeln!(z, "{a} CNAME box");
    }
    z
}

/// The owner names the box's TSIG key may update: the box, its ACME challenge name, and the
/// challenge name of each alias.
pub fn updatable_labels(aliases: &[&str]) -> Vec<String> {
    let mut out = vec!["box".to_string(), "_acme-challenge.box".to_string()];
    out.extend(aliases.iter().map(|a| format!("_acme-challenge.{a}")));
    out
}

pub fn knot_config(run: &RunDir, tsig_secret: &str, ipv6: bool, aliases: &[&str]) -> String {
    let k = |p: &str| run.path(&format!("knot/{p}")).display().to_string();
    let mut listen = format!("{}@53", addr::DNS);
    if ipv6 {
        listen = format!("[ {listen}, {}@53 ]", addr::DNS6);
    }
    format!(
        r#"server:
    rundir: "{rundir}"
    pidfile: "{pidfile}"
    listen: {listen}
    background-workers: 1
    udp-workers: 1
    tcp-workers: 1

log:
  - target: stderr
    any: info

database:
    storage: "{db}"

control:
    listen: "{sock}"

key:
  - id: {key}
    algorithm: hmac-sha256
    secret: {tsig_secret}

acl:
  - id: ddns-box
    key: {key}
    action: update
    update-type: [A, AAAA, TXT]
    update-owner: name
    update-owner-match: equal
    update-owner-name: [{owners}]

template:
  - id: default
    storage: "{zones}"
    file: "%s.zone"
    zonefile-sync: -1
    journal-content: none

zone:
  - domain: {zone}
    acl: ddns-box
"#,
        rundir = k(""),
        pidfile = k("knot.pid"),
        db = k("db"),
        sock = k("knot.sock"),
        zones = k("zones"),
        key = super::TSIG_KEY_NAME,
        zone = super::ZONE,
        owners = updatable_labels(aliases).join(", "),
    )
}

/// miniupnpd on the router: LAN lan0, WAN wan0; it learns its public address by STUN (it refuses
/// to forward for a "reserved" WAN address otherwise, see lab-notes).
///
/// `system_uptime=yes` stays although it makes the PCP/NAT-PMP epoch the host's uptime, so a
/// daemon restarted by a test does not move it back: tests/lab_ports.rs expects a PCP mapping to
/// come back as "extended" (the epoch shows no restart) after such a restart. The UPnP mappings
/// those tests restart under were granted seconds before, and `ports refresh` reads the table
/// once after every grant before the epoch alone may vouch for a mapping (portmap::confirm).
pub fn miniupnpd_config(
    run: &RunDir,
    upnp: bool,
    igd_v1_only: bool,
    (ipv6, natpmp): (bool, bool),
    stun_host: &str,
) -> String {
    let yes = |b: bool| if b { "yes" } else { "no" };
    let mut c = format!(
        "ext_ifname=wan0\n\
         listening_ip=lan0\n\
         http_port=5000\n\
         enable_upnp={upnp}\n\
         enable_natpmp={natpmp}\n\
         ipv6_disable={v6off}\n\
         ext_perform_stun=yes\n\
         ext_stun_host={stun_host}\n\
         ext_stun_port=3478\n\
         secure_mode=yes\n\
         system_uptime=yes\n\
         notify_interval=60\n\
         clean_ruleset_interval=600\n\
         lease_file={lease}\n\
         uuid=3c1d1a4e-7a1b-4c3e-9d2f-6c61625f6c61\n\
         serial=direkt-lab\n\
         friendly_name=direkt lab router\n\
         upnp_table_name=filter\n\
         upnp_nat_table_name=filter\n\
         upnp_forward_chain=miniupnpd\n\
         upnp_nat_chain=prerouting_miniupnpd\n\
         upnp_nat_postrouting_chain=postrouting_miniupnpd\n",
        upnp = yes(upnp),
        natpmp = yes(natpmp),
        v6off = yes(!ipv6),
        lease = run.path("miniupnpd/leases").display(),
    );
    if igd_v1_only {
        c.push_str("force_igd_desc_v1=yes\n");
    }
    c.push_str("allow 1-65535 192.168.77.0/24 1-65535\ndeny 0-65535 0.0.0.0/0 0-65535\n");
    c
}
