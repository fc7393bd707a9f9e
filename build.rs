//! Build script: which needs of the integration tests this machine meets, as cfg flags.
//!
//! Tests that need root (the namespace lab) or a host tool (tmux, promtool, systemd-analyze)
//! carry e.g. `#[cfg_attr(not(has_lab), ignore = "needs root and ...")]`, so a run that lacks
//! the need lists them as `ignored, <reason>` instead of passing without doing anything.
//! libtest takes an ignore reason only at compile time, which is why the probe runs here, at
//! build time: whether the build runs as root, and which tools are on PATH. A test that is not
//! ignored still meets its need at run time or fails (e.g. built as root, run as another user).
//!
//! With `CI` set to any non-empty value every flag is emitted: CI never ignores a test, and a
//! test whose need is missing there fails loudly.
//!
//! To see the ignored tests on a machine that has everything (has no effect under `CI`):
//! - `DIREKT_TEST_PRETEND_NO_ROOT=1`: probe as if not root (no `has_root`, no `has_lab`);
//! - `DIREKT_TEST_PRETEND_MISSING=tmux,promtool`: probe as if those programs were missing.
//!
//! The flags reach every target of the package (the library too, which ignores them), so a
//! change in what is found recompiles direkt once. The probe re-runs when CI, PATH, USER (su
//! and sudo set it) or a pretend variable changes and, while something is missing, when a
//! PATH directory changes (installing a program changes its directory's mtime), so a test
//! ignored for a missing tool runs as soon as the tool is installed.

use std::path::{Path, PathBuf};

/// Programs the lab tests run: those `direkt lab up` starts (src/lab/packages.rs REQUIRED)
/// and the clients the tests call inside the lab. tests/run installs their packages.
const LAB_PROGRAMS: &[&str] = &[
    "ip",
    "nft",
    "pebble",
    "knotd",
    "stund",
    "miniupnpd",
    "knotc",
    "dig",
    "nsupdate",
    "upnpc",
    "natpmpc",
    "openssl",
    // tests/lab_ddns.rs: a box clock days ahead (libfaketime).
    "faketime",
];

/// tests/lab_relay.rs and the relay's bench rows: the VPS's sshd and WireGuard in the lab
/// (wireguard-go: this kernel may have no wireguard module), and the box's ssh client.
/// Debian: openssh-server, openssh-client, wireguard-tools, wireguard-go.
const RELAY_PROGRAMS: &[&str] = &[
    "sshd",
    "ssh",
    "ssh-keygen",
    "ssh-keyscan",
    "wg",
    "wireguard-go",
    "curl",
];
/// acme2certifier's venv (src/lab/acme2certifier.rs): where tests/run creates it, the variable
/// that overrides it, and the pinned release.
const A2C_DEFAULT_VENV: &str = "/opt/direkt-lab/acme2certifier";
const A2C_VENV_ENV: &str = "DIREKT_LAB_ACME2CERTIFIER_VENV";
const A2C_VERSION: &str = "0.46.3";

/// (cfg flag, program) for tests that need one host tool.
const TOOLS: &[(&str, &str)] = &[
    ("has_tmux", "tmux"),
    ("has_promtool", "promtool"),
    ("has_systemd_analyze", "systemd-analyze"),
    // tests/lab_setup_lastmile.rs: a real web server on 443 in the lab's box.
    ("has_nginx", "nginx"),
];

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    for var in [
        "CI",
        "PATH",
        "USER",
        "DIREKT_TEST_PRETEND_NO_ROOT",
        "DIREKT_TEST_PRETEND_MISSING",
    ] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    println!("cargo::rerun-if-env-changed={A2C_VENV_ENV}");
    let mut flags = vec!["has_root", "has_lab", "has_relay_lab", "has_acme2certifier"];
    flags.extend(TOOLS.iter().map(|(flag, _)| *flag));
    println!("cargo::rustc-check-cfg=cfg({})", flags.join(", "));

    let path_dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();

    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty());
    let pretend_missing = std::env::var("DIREKT_TEST_PRETEND_MISSING").unwrap_or_default();
    let found = |program: &str| {
        !pretend_missing.split(',').any(|p| p.trim() == program) && on_path(&path_dirs, program)
    };
    let root = is_root() && std::env::var_os("DIREKT_TEST_PRETEND_NO_ROOT").is_none();

    let mut met = vec![];
    if ci || root {
        met.push("has_root");
    }
    if ci || (root && LAB_PROGRAMS.iter().all(|p| found(p))) {
        met.push("has_lab");
    }
    if ci || (met.contains(&"has_lab") && RELAY_PROGRAMS.iter().all(|p| found(p))) {
        met.push("has_relay_lab");
    }
    for (flag, program) in TOOLS {
        if ci || found(program) {
            met.push(flag);
        }
    }
    // The second ACME server: acme2certifier in the venv tests/run creates.
    let a2c_venv = std::env::var_os(A2C_VENV_ENV)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(A2C_DEFAULT_VENV));
    // Not watched (cargo would scan a directory tree on every build): tests/run touches this
    // file when it creates the venv, so the ignore is lifted at once.
    if ci || (met.contains(&"has_lab") && a2c_installed(&a2c_venv)) {
        met.push("has_acme2certifier");
    }
    // Watch the PATH directories only while a program that would lift an ignore is missing:
    // each re-run recompiles direkt, and a program removed later fails its tests loudly anyway.
    let lab_missing = root && !(met.contains(&"has_lab") && met.contains(&"has_relay_lab"));
    let tool_missing = TOOLS.iter().any(|(flag, _)| !met.contains(flag));
    if !ci && (lab_missing || tool_missing) {
        for dir in path_dirs.iter().filter(|d| d.is_absolute() && d.is_dir()) {
            // A path that does not exist would make cargo re-run the script on every build.
            println!("cargo::rerun-if-changed={}", dir.display());
        }
    }
    for flag in met {
        println!("cargo::rustc-cfg={flag}");
    }
}

/// The effective user ID is 0, read from /proc (a build script has no libc without a
/// build-dependency, and the lab is Linux-only anyway).
fn is_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        == Some("0")
}

/// `program` is an executable file in one of the PATH directories (as the tests' Command
/// lookups and `ip netns exec` find it).
fn on_path(dirs: &[PathBuf], program: &str) -> bool {
    dirs.iter().any(|d| is_executable(&d.join(program)))
}

/// The venv has a Python and the pinned acme2certifier (its dist-info directory).
fn a2c_installed(venv: &Path) -> bool {
    let dist = format!("site-packages/acme2certifier-{A2C_VERSION}.dist-info");
    is_executable(&venv.join("bin/python"))
        && std::fs::read_dir(venv.join("lib"))
            .is_ok_and(|d| d.flatten().any(|e| e.path().join(&dist).is_dir()))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
