//! The programs `direkt lab up` runs, the Debian packages that ship them, and installing the
//! missing ones (`--install`) without letting their scripts start host daemons.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};

/// (program, Debian package) that `lab up` runs itself.
pub const REQUIRED: &[(&str, &str)] = &[
    ("ip", "iproute2"),
    ("nft", "nftables"),
    ("pebble", "pebble"),
    ("knotd", "knot"),
    ("stund", "stun-server"),
    ("miniupnpd", "miniupnpd-nftables"),
];

/// Clients the lab tests and support use inside the lab (`dig`, `nsupdate`, `upnpc`, ...):
/// missing ones are only a warning.
pub const CLIENTS: &[(&str, &str)] = &[
    ("kdig", "knot-dnsutils"),
    ("dig", "bind9-dnsutils"),
    ("nsupdate", "bind9-dnsutils"),
    ("upnpc", "miniupnpc"),
    ("natpmpc", "natpmpc"),
];

/// Find `program` in PATH, as `ip netns exec` will.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Debian packages of `programs` that are missing, in a stable order without repeats.
pub fn missing(programs: &[(&str, &'static str)]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = vec![];
    for (prog, pkg) in programs {
        if which(prog).is_none() && !out.contains(pkg) {
            out.push(pkg);
        }
    }
    out
}

pub fn install_line(pkgs: &[&str]) -> String {
    format!("apt-get install --no-install-recommends {}", pkgs.join(" "))
}

/// The usage error for missing packages: names them and the exact command.
pub fn missing_error(pkgs: &[&str]) -> Error {
    Error::usage(format!(
        "the lab needs Debian packages that are not installed: {}",
        pkgs.join(", ")
    ))
    .hint(format!(
        "run: apt-get update && {}   (or `direkt lab up --install` does it)",
        install_line(pkgs)
    ))
}

/// Install `pkgs` with apt-get. A temporary policy-rc.d (exit 101) keeps the package scripts
/// from starting knot or miniupnpd on the host: the lab runs them only inside namespaces.
pub fn install(pkgs: &[&str]) -> Result<()> {
    let policy = Path::new("/usr/sbin/policy-rc.d");
    let ours = !policy.exists();
    if ours {
        std::fs::write(
            policy,
            "#!/bin/sh\n# direkt lab --install: start no services\nexit 101\n",
        )?;
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(policy, std::fs::Permissions::from_mode(0o755))?;
    }
    let result = (|| {
        let status = Command::new("apt-get")
            .args(["update", "-qq"])
            .status()
            .map_err(|e| Error::failed(format!("cannot run apt-get: {e}")))?;
        if !status.success() {
            return Err(Error::failed("apt-get update failed")
                .hint("check the package sources and the network, then retry"));
        }
        let status = Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends"])
            .args(pkgs)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .map_err(|e| Error::failed(format!("cannot run apt-get: {e}")))?;
        if !status.success() {
            return Err(Error::failed(format!("{} failed", install_line(pkgs)))
                .hint("read apt-get's message above"));
        }
        Ok(())
    })();
    if ours {
        let _ = std::fs::remove_file(policy);
    }
    result
}
