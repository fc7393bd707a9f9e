//! The lab's rented server (`vps` namespace, in scenarios whose [`Scenario::has_vps`] is true):
//! a public documentation address on the internet side, sshd with a lab host key that accepts
//! a lab user key for root, and the WireGuard tools (`wireguard-go`, this kernel having no
//! module). `direkt relay setup --host root@192.0.2.70 --yes` inside the box runs as-is:
//!
//! - the box's `/etc/ssh/` (through `/etc/netns/<lab>-box/ssh/`, which `ip netns exec`
//!   bind-mounts over `/etc/ssh`) holds an `ssh_config` naming the lab user key and a
//!   `known_hosts` with the VPS's host key; nothing is written to the host's `/root/.ssh`;
//! - the VPS is another machine: its `/var/lib` (where the relay keeps its state) is a lab
//!   directory, and so is `/run/wireguard` (wireguard-go's control sockets) on the VPS and in
//!   the box, each bind-mounted in the private mount namespace `ip netns exec` gives them; two
//!   labs (or the box and its VPS) never see each other's interfaces' sockets.
//!
//! sshd runs in the foreground (`-D`) as a lab daemon, so `lab down` ends it by PID with the
//! rest; so are the wireguard-go processes the relay starts (they live in lab namespaces).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::error::{Context, Error, Result};
use crate::fsutil::write_atomic;

use super::{Role, RunDir, addr, daemons, netns, ns_name, packages};

/// The VPS's login user (root: the relay needs it).
pub const USER: &str = "root";
/// A second login with the same key that is not root and has no sudo (the "VPS without root"
/// case); it exists only inside the VPS (`/etc/netns/<lab>-vps/passwd`).
pub const UNPRIVILEGED_USER: &str = "direktlab";
const UNPRIVILEGED_UID: u32 = 60999;

/// What `lab status --json` says about the VPS (`vps.address`, `vps.user`, `vps.ssh_key`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VpsInfo {
    pub namespace: String,
    /// Its public IPv4 address.
    pub address: String,
    pub user: String,
    /// A login that is neither root nor allowed sudo (same key).
    pub unprivileged_user: String,
    /// The box owner's SSH key (private; the VPS has its public half in authorized_keys).
    pub ssh_key: PathBuf,
    /// The box's known_hosts, holding the VPS's host key.
    pub known_hosts: PathBuf,
    /// SHA256 fingerprint of the VPS's host key.
    pub host_key_fingerprint: String,
    /// sshd is running (false when openssh-server is not installed).
    pub sshd: bool,
    /// `wireguard-go` is installed (the VPS's WireGuard, the kernel having no module).
    pub wireguard_go: bool,
}

/// Programs the VPS and the relay need: (program, Debian package).
pub const PROGRAMS: &[(&str, &str)] = &[
    ("sshd", "openssh-server"),
    ("ssh", "openssh-client"),
    ("ssh-keygen", "openssh-client"),
    ("wg", "wireguard-tools"),
    ("wireguard-go", "wireguard-go"),
];

fn dir(run: &RunDir) -> PathBuf {
    run.path("vps")
}

/// The directories bind-mounted over `/run/wireguard` and `/var/lib` in namespace `role`.
pub fn private_mounts(run: &RunDir, role: Role) -> Vec<(PathBuf, &'static str)> {
    match role {
        Role::Vps => vec![
            (run.path("vps/run-wireguard"), "/run/wireguard"),
            (run.path("vps/var-lib"), "/var/lib"),
        ],
        Role::Box => vec![(run.path("box/run-wireguard"), "/run/wireguard")],
        _ => vec![],
    }
    .into_iter()
    .filter(|(src, _)| src.is_dir())
    .collect()
}

/// `program args` behind a shell that first bind-mounts `mounts` (in the mount namespace
/// `ip netns exec` made for it): the argv to pass after `ip netns exec NS`.
pub fn wrap(
    mounts: &[(PathBuf, &'static str)],
    program: OsString,
    args: &[OsString],
) -> Vec<OsString> {
    if mounts.is_empty() {
        let mut v = vec![program];
        v.extend_from_slice(args);
        return v;
    }
    let mut v: Vec<OsString> = vec![
        "/bin/sh".into(),
        "-c".into(),
        "while [ \"$1\" != -- ]; do mkdir -p \"$2\" && mount --bind \"$1\" \"$2\" || exit 125; \
         shift 2; done; shift; exec \"$@\""
            .into(),
        "sh".into(),
    ];
    for (src, dst) in mounts {
        v.push(src.into());
        v.push(dst.into());
    }
    v.push("--".into());
    v.push(program);
    v.extend_from_slice(args);
    v
}

/// Whether everything the VPS needs to run sshd is installed.
pub fn can_run_sshd() -> bool {
    ["sshd", "ssh-keygen"]
        .iter()
        .all(|p| packages::which(p).is_some())
}

/// Keys, sshd's config, the box's ssh_config and known_hosts. Returns the host key's
/// fingerprint ("" without ssh-keygen).
pub fn prepare(name: &str, run: &RunDir) -> Result<String> {
    let d = dir(run);
    for sub in ["", "run-wireguard", "var-lib", "ssh"] {
        crate::fsutil::create_dir(&d.join(sub), 0o755)?;
    }
    crate::fsutil::create_dir(&run.path("box/run-wireguard"), 0o755)?;
    crate::fsutil::create_dir(&run.path("box/ssh"), 0o700)?;
    if !can_run_sshd() {
        return Ok(String::new());
    }
    let host_key = d.join("ssh/ssh_host_ed25519_key");
    let user_key = run.path("box/ssh/id_ed25519");
    keygen(&host_key, "direkt-lab-vps")?;
    keygen(&user_key, "direkt-lab-box-owner")?;
    let user_pub = std::fs::read_to_string(user_key.with_extension("pub"))?;
    // Readable by the unprivileged login too (a public key).
    write_atomic(&d.join("ssh/authorized_keys"), user_pub.as_bytes(), 0o644)?;
    let host_pub = std::fs::read_to_string(host_key.with_extension("pub"))?;
    let host_pub = host_pub
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" ");
    write_atomic(
        &run.path("box/ssh/known_hosts"),
        format!("{} {host_pub}\n", addr::VPS).as_bytes(),
        0o644,
    )?;
    write_atomic(&d.join("sshd_config"), sshd_config(run).as_bytes(), 0o644)?;
    // The box's /etc/ssh (ip netns exec mounts /etc/netns/<ns>/ssh over it).
    let etc = Path::new(netns::ETC_NETNS_DIR)
        .join(ns_name(name, Role::Box))
        .join("ssh");
    std::fs::create_dir_all(&etc)?;
    write_atomic(
        &etc.join("ssh_config"),
        box_ssh_config(run).as_bytes(),
        0o644,
    )?;
    // The VPS's users: the host's, plus one without root (ip netns exec mounts this file over
    // /etc/passwd for sshd and everything else in the VPS namespace).
    let vps_etc = Path::new(netns::ETC_NETNS_DIR).join(ns_name(name, Role::Vps));
    std::fs::create_dir_all(&vps_etc)?;
    let home = d.join("home");
    crate::fsutil::create_dir(&home, 0o755)?;
    let mut passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    if !passwd.ends_with('\n') && !passwd.is_empty() {
        passwd.push('\n');
    }
    passwd.push_str(&format!(
        "{UNPRIVILEGED_USER}:x:{UNPRIVILEGED_UID}:{UNPRIVILEGED_UID}:direkt lab:{}:/bin/sh\n",
        home.display()
    ));
    write_atomic(&vps_etc.join("passwd"), passwd.as_bytes(), 0o644)?;
    fingerprint(&host_key.with_extension("pub"))
}

fn keygen(path: &Path, comment: &str) -> Result<()> {
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f"])
        .arg(path)
        .output()
        .failed(|| "running ssh-keygen".into())?;
    if !out.status.success() {
        return Err(Error::failed(format!(
            "ssh-keygen failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}

/// `SHA256:...` of a public key file.
pub fn fingerprint(pub_file: &Path) -> Result<String> {
    let out = Command::new("ssh-keygen")
        .arg("-lf")
        .arg(pub_file)
        .output()
        .failed(|| "running ssh-keygen -l".into())?;
    Ok(String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .nth(1)
        .unwrap_or_default()
        .to_string())
}

fn sshd_config(run: &RunDir) -> String {
    let d = dir(run);
    format!(
        "ListenAddress {vps}:22\n\
         HostKey {hk}\n\
         PidFile {pid}\n\
         AuthorizedKeysFile {ak}\n\
         PermitRootLogin prohibit-password\n\
         PasswordAuthentication no\n\
         KbdInteractiveAuthentication no\n\
         UsePAM no\n\
         StrictModes no\n\
         PrintMotd no\n\
         PrintLastLog no\n\
         LogLevel VERBOSE\n",
        vps = addr::VPS,
        hk = d.join("ssh/ssh_host_ed25519_key").display(),
        pid = d.join("sshd.pid").display(),
        ak = d.join("ssh/authorized_keys").display(),
    )
}

fn box_ssh_config(run: &RunDir) -> String {
    format!(
        "# direkt lab: the box owner's key and the hosts the box knows (the lab's VPS)\n\
         Host *\n    \
         IdentityFile {key}\n    \
         UserKnownHostsFile {kh}\n    \
         GlobalKnownHostsFile /dev/null\n    \
         ConnectTimeout 5\n",
        key = run.path("box/ssh/id_ed25519").display(),
        kh = run.path("box/ssh/known_hosts").display(),
    )
}

/// sshd of a scenario with a VPS (when openssh-server is installed), and the thread that
/// waits until it accepts connections.
pub fn start(
    sc: super::Scenario,
    name: &str,
    run: &RunDir,
) -> Result<Option<std::thread::JoinHandle<Result<daemons::Daemon>>>> {
    if !sc.has_vps() || !can_run_sshd() {
        return Ok(None);
    }
    let ns = ns_name(name, Role::Vps);
    Ok(Some(wait_sshd(&ns, spawn_sshd(run, &ns)?)))
}

/// Start sshd in the VPS namespace (foreground, logging to its lab log), not yet ready.
pub fn spawn_sshd(run: &RunDir, ns: &str) -> Result<daemons::Daemon> {
    // sshd needs its privilege separation directory; the Debian package makes it at boot.
    std::fs::create_dir_all("/run/sshd")?;
    let sshd = packages::which("sshd").unwrap_or_else(|| PathBuf::from("/usr/sbin/sshd"));
    let args: Vec<OsString> = vec![
        "-D".into(),
        "-e".into(),
        "-f".into(),
        dir(run).join("sshd_config").into(),
    ];
    let argv = wrap(&private_mounts(run, Role::Vps), sshd.into(), &args);
    daemons::spawn(run, ns, "sshd", Path::new(&argv[0]), &argv[1..], &[])
}

/// Wait until sshd accepts connections (from a thread inside the VPS namespace).
pub fn wait_sshd(
    ns: &str,
    mut d: daemons::Daemon,
) -> std::thread::JoinHandle<Result<daemons::Daemon>> {
    netns::spawn_in(ns, move || {
        let a = format!("{}:22", addr::VPS).parse().expect("valid");
        daemons::wait_ready(&mut d, || daemons::tcp_open(a))?;
        Ok(d)
    })
}

/// The VPS part of `lab status`.
pub fn info(name: &str, run: &RunDir, fingerprint: String) -> VpsInfo {
    VpsInfo {
        namespace: ns_name(name, Role::Vps),
        address: addr::VPS.into(),
        user: USER.into(),
        unprivileged_user: UNPRIVILEGED_USER.into(),
        ssh_key: run.path("box/ssh/id_ed25519"),
        known_hosts: run.path("box/ssh/known_hosts"),
        host_key_fingerprint: fingerprint,
        sshd: can_run_sshd(),
        wireguard_go: packages::which("wireguard-go").is_some(),
    }
}
