//! The VPS side, over the system's OpenSSH client: `ssh -o BatchMode=yes USER@HOST` runs
//! `remote.sh` (sent on stdin) as root, or through `sudo -n`. The owner's key and known_hosts
//! are ssh's own (its config, its agent, or `--ssh-key`); direkt never copies the key. A host
//! key ssh does not know yet is never accepted silently: see [`HostKeyPolicy`].

use std::io::Write;
use std::process::{Command, Stdio};

use crate::error::{Error, Result};

use super::{Plan, tunnel};

/// The script run on the VPS.
pub const SCRIPT: &str = include_str!("remote.sh");

/// What to do about a host key ssh does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostKeyPolicy {
    /// Only known keys (ssh's `StrictHostKeyChecking=yes`): renew, doctor, remove.
    KnownOnly,
    /// Accept a new key and remember it (`accept-new`): the user passed `--accept-host-key`,
    /// or confirmed the fingerprint on a terminal. A changed key is still refused.
    AcceptNew,
}

/// How to reach the VPS.
#[derive(Debug, Clone)]
pub struct Ssh {
    /// `USER@HOST` (or `HOST`), as the user gave it.
    pub target: String,
    /// `--ssh-key`: used alone (`IdentitiesOnly`).
    pub key: Option<std::path::PathBuf>,
    pub port: Option<u16>,
}

/// What the script said: `did:` lines (changes) and `have:` facts.
#[derive(Debug, Default, Clone)]
pub struct Outcome {
    pub did: Vec<String>,
    pub have: Vec<(String, String)>,
}

impl Outcome {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.have
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// `apply`, `check` or `remove`.
pub fn run(ssh: &Ssh, policy: HostKeyPolicy, action: &str, plan: &Plan) -> Result<Outcome> {
    let mut cmd = ssh_command(ssh, policy);
    cmd.arg(
        "if [ \"$(id -u)\" = 0 ]; then exec sh -s; \
         elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then exec sudo -n sh -s; \
         else echo 'direkt-error: neither root nor password-less sudo' >&2; exit 10; fi",
    );
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| {
        Error::usage(format!("cannot run ssh: {e}"))
            .hint("install the OpenSSH client (Debian: apt-get install openssh-client)")
    })?;
    let script = format!("{}{SCRIPT}", header(action, plan));
    if let Some(mut stdin) = child.stdin.take() {
        // A failed write shows as ssh's own error below.
        let _ = stdin.write_all(script.as_bytes());
    }
    let out = child.wait_with_output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code().unwrap_or(255);
    if code != 0 {
        return Err(map_error(ssh, code, &stderr));
    }
    let mut o = Outcome::default();
    for line in stdout.lines() {
        if let Some(d) = line.strip_prefix("did: ") {
            o.did.push(d.to_string());
        } else if let Some(h) = line.strip_prefix("have: ")
            && let Some((k, v)) = h.split_once('=')
        {
            o.have.push((k.to_string(), v.to_string()));
        }
    }
    Ok(o)
}

/// The ssh command line: batch mode (never a password prompt), the host key policy, a
/// connect timeout, keep-alives so a dead link ends the session.
pub fn ssh_command(ssh: &Ssh, policy: HostKeyPolicy) -> Command {
    let mut cmd = Command::new("ssh");
    cmd.args(["-o", "BatchMode=yes", "-o", "ConnectTimeout=10"])
        .args(["-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3"])
        .args(["-o", "LogLevel=ERROR"]);
    cmd.args([
        "-o",
        match policy {
            HostKeyPolicy::KnownOnly => "StrictHostKeyChecking=yes",
            HostKeyPolicy::AcceptNew => "StrictHostKeyChecking=accept-new",
        },
    ]);
    if let Some(k) = &ssh.key {
        cmd.arg("-i").arg(k).args(["-o", "IdentitiesOnly=yes"]);
    }
    if let Some(p) = ssh.port {
        cmd.arg("-p").arg(p.to_string());
    }
    cmd.arg("--").arg(&ssh.target);
    cmd
}

/// The variable lines the script starts with. Every value is checked to hold only safe
/// characters (they come from direkt, not from the VPS).
fn header(action: &str, plan: &Plan) -> String {
    let join = |v: &[u16]| v.iter().map(u16::to_string).collect::<Vec<_>>().join(" ");
    let vars = [
        ("ACTION", action.to_string()),
        ("IFACE", tunnel::IFACE.to_string()),
        ("VPS_TUN", tunnel::VPS_TUN.to_string()),
        ("BOX_TUN", tunnel::BOX_TUN.to_string()),
        ("TUN_PREFIX", tunnel::TUN_PREFIX.to_string()),
        ("LISTEN_PORT", tunnel::LISTEN_PORT.to_string()),
        ("BOX_PUB", plan.box_public_key.clone()),
        ("TCP_PORTS", join(&plan.tcp)),
        ("UDP_PORTS", join(&plan.udp)),
        ("MTU", tunnel::MTU.to_string()),
        ("SNAT", if plan.snat { "1" } else { "0" }.to_string()),
    ];
    let mut h = String::new();
    for (k, v) in vars {
        debug_assert!(
            v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b" +/=.-_".contains(&b)),
            "{k}={v}"
        );
        h.push_str(&format!("{k}='{v}'\n"));
    }
    h
}

/// ssh's or the script's failure as a plain message: which of unreachable, refused key,
/// unknown host key, no root, no WireGuard.
pub fn map_error(ssh: &Ssh, code: i32, stderr: &str) -> Error {
    let host = &ssh.target;
    let said = stderr
        .lines()
        .find_map(|l| l.strip_prefix("direkt-error: "))
        .unwrap_or_else(|| stderr.trim())
        .to_string();
    let lower = stderr.to_ascii_lowercase();
    match code {
        10 => Error::usage(format!(
            "the VPS {host} cannot be set up: the SSH user is not root and has no password-less sudo"
        ))
        .hint("log in as root (--host root@...), or allow the user `sudo` without a password"),
        11 => Error::usage(format!("the VPS {host} has no WireGuard: {said}")).hint(
            "install it on the VPS (Debian/Ubuntu: apt-get install wireguard-tools, and \
             wireguard-go where the kernel has no wireguard module), then run the setup again",
        ),
        12 => Error::usage(format!("the VPS {host} has no nftables: {said}"))
            .hint("install it on the VPS (Debian/Ubuntu: apt-get install nftables)"),
        13 => Error::usage(format!("the VPS {host} has no `ip`: {said}"))
            .hint("install iproute2 on the VPS"),
        14 => Error::usage(format!("refusing to forward: {said}"))
            .hint("forwarding the SSH port would cut the VPS off; choose other --ports"),
        20 | 21 => Error::failed(format!("setting up the VPS {host} failed: {said}"))
            .hint("see the message; run the command again once it is fixed"),
        _ if lower.contains("host key verification failed")
            || lower.contains("no matching host key") =>
        {
            Error::usage(format!(
                "the VPS {host}'s SSH host key is not known (or has changed)"
            ))
            .hint(format!(
                "check its fingerprint (on the VPS: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), \
                 then run `direkt relay setup --host {host} --accept-host-key`, or run it on a \
                 terminal to be asked; a changed key needs `ssh-keygen -R HOST` first"
            ))
        }
        _ if lower.contains("permission denied") => Error::usage(format!(
            "the VPS {host} refused the SSH key ({})",
            stderr.trim()
        ))
        .hint("make sure your public key is in the VPS user's ~/.ssh/authorized_keys, or name the key with --ssh-key"),
        _ if lower.contains("could not resolve") => Error::usage(format!(
            "the VPS's name in {host} does not resolve: {}",
            stderr.trim()
        ))
        .hint("check the host name (or use its IPv4 address)"),
        _ => Error::failed(format!(
            "cannot reach the VPS {host} over SSH: {}",
            if stderr.trim().is_empty() {
                format!("ssh exited with {code}")
            } else {
                stderr.trim().to_string()
            }
        ))
        .hint("check that the VPS is up and its SSH port open (try `ssh` yourself); nothing was changed"),
    }
}

/// The host key's fingerprint as the VPS presents it (`ssh-keyscan`), for the question on a
/// terminal.
pub fn scan_fingerprint(ssh: &Ssh) -> Option<String> {
    let host = ssh.target.rsplit('@').next()?;
    let mut scan = Command::new("ssh-keyscan");
    scan.args(["-T", "5", "-t", "ed25519,ecdsa,rsa"]);
    if let Some(p) = ssh.port {
        scan.arg("-p").arg(p.to_string());
    }
    let keys = scan.arg(host).stderr(Stdio::null()).output().ok()?;
    let mut lf = Command::new("ssh-keygen")
        .args(["-l", "-f", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    lf.stdin.take()?.write_all(&keys.stdout).ok()?;
    let out = lf.wait_with_output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let fps: Vec<String> = text
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() >= 2).then(|| format!("{} {}", f[1], f.last().unwrap_or(&"")))
        })
        .collect();
    (!fps.is_empty()).then(|| fps.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ssh() -> Ssh {
        Ssh {
            target: "root@vps.example.org".into(),
            key: None,
            port: None,
        }
    }

    #[test]
    fn each_failure_is_named_with_its_exit_code() {
        let cases: &[(i32, &str, u8, &str)] = &[
            (
                255,
                "ssh: connect to host vps.example.org port 22: No route to host",
                1,
                "cannot reach the VPS",
            ),
            (
                255,
                "root@vps.example.org: Permission denied (publickey).",
                2,
                "refused the SSH key",
            ),
            (
                255,
                "Host key verification failed.",
                2,
                "host key is not known",
            ),
            (
                255,
                "ssh: Could not resolve hostname vps.example.org: Name or service not known",
                2,
                "does not resolve",
            ),
            (
                10,
                "direkt-error: neither root nor password-less sudo",
                2,
                "not root",
            ),
            (
                11,
                "direkt-error: the kernel has no wireguard module and wireguard-go is not installed",
                2,
                "has no WireGuard: the kernel",
            ),
            (
                12,
                "direkt-error: nft (nftables) is not installed",
                2,
                "has no nftables",
            ),
            (
                20,
                "direkt-error: applying failed; everything this run changed was undone",
                1,
                "was undone",
            ),
        ];
        for (code, stderr, exit, needle) in cases {
            let e = map_error(&ssh(), *code, stderr);
            assert_eq!(e.exit_code(), *exit, "{stderr}");
            assert!(e.message().contains(needle), "{}", e.message());
        }
    }

    #[test]
    fn the_header_sets_every_variable_the_script_reads() {
        let plan = Plan {
            box_public_key: "abc+/=".into(),
            tcp: vec![80, 443],
            udp: vec![],
            snat: false,
        };
        let h = header("apply", &plan);
        for v in [
            "ACTION",
            "IFACE",
            "VPS_TUN",
            "BOX_TUN",
            "TUN_PREFIX",
            "LISTEN_PORT",
            "BOX_PUB",
            "TCP_PORTS",
            "UDP_PORTS",
            "MTU",
            "SNAT",
        ] {
            assert!(
                h.contains(&format!("\n{v}='")) || h.starts_with(&format!("{v}='")),
                "{v}"
            );
            assert!(
                SCRIPT.contains(&format!("${v}")) || SCRIPT.contains(&format!("${{{v}")),
                "the script does not read {v}"
            );
        }
        assert!(h.contains("TCP_PORTS='80 443'"));
    }
}
