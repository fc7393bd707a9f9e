//! The namespace lab for end-to-end tests: bring a lab up for one test, run direkt (or any
//! client) inside it, and tear it down when the guard drops — also when the test panics.
//!
//! ```ignore
//! mod support;
//! use support::lab::Lab;
//!
//! #[test]
//! #[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
//! fn ddns_update_through_the_nat() {
//!     let lab = Lab::up("direct");
//!     lab.box_direkt(&["ddns", "update"]).code(0);
//!     let dig = lab.exec("inet", &["dig", "+short", "@198.51.100.53", "box.example.test"]);
//!     assert_eq!(dig.stdout.trim(), "203.0.113.2");
//! }
//! ```
//!
//! - Every lab gets a unique name (`t<pid>x<n>`), so lab tests run in parallel.
//! - Lab tests need root and the lab's Debian packages. build.rs sets `cfg(has_lab)` when the
//!   build runs as root with those programs on PATH, and always under `CI`; without it the
//!   attribute above lists the test as `ignored, <reason>`. A test that runs and still lacks
//!   root fails in `Lab::up` (nothing is skipped silently).
//! - `Lab::builder("direct").nonce_reject(30).up()` for options;
//!   `Lab::builder("direct").ca("acme2certifier").up()` gives the box acme2certifier as its
//!   CA (Pebble still runs; `second_ca_root()`, `second_ca_config()`);
//!   `Lab::from_report(path).up()` rebuilds a customer's report (`lab up --from-report`).
//! - `lab.info()` is `direkt lab status --json` (addresses, URLs, files, daemon pids);
//!   the path helpers (`config()`, `ca_bundle()`, `pebble_root()`, `tsig_secret()`, ...) read it.
//! - Labs left by a test process that was killed (no Drop) are torn down by the next test run.
//! - `lab.in_ns("box", || ...)` runs a closure on a thread inside a namespace, for in-process
//!   clients (sockets it opens live in the lab).
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

use super::{Run, bin};

/// A running lab; dropping it runs `direkt lab down`.
pub struct Lab {
    name: String,
    info: serde_json::Value,
}

/// Options for [`Lab::builder`].
pub struct LabBuilder {
    scenario: String,
    nonce_reject: u8,
    ca: &'static str,
    from_report: Option<PathBuf>,
}

impl LabBuilder {
    /// Percentage of nonces Pebble rejects (badNonce); default 0.
    pub fn nonce_reject(mut self, pct: u8) -> Self {
        self.nonce_reject = pct;
        self
    }

    /// The box's CA: `pebble` (default) or `acme2certifier` (`lab up --ca`; tests that use it
    /// carry `#[cfg_attr(not(has_acme2certifier), ignore = ...)]`).
    pub fn ca(mut self, ca: &'static str) -> Self {
        self.ca = ca;
        self
    }

    /// Bring the lab up; None (with a printed reason) when not root outside CI. Prefer `up()`
    /// in a test ignored without `cfg(has_lab)`: a skipped test that returns early shows as
    /// passed.
    pub fn up_or_skip(self) -> Option<Lab> {
        if !can_run_labs() {
            return None;
        }
        Some(self.up())
    }

    /// Bring the lab up; panics when that is impossible.
    #[track_caller]
    pub fn up(self) -> Lab {
        require_root();
        reap_stale_test_labs();
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "t{}x{}",
            radix36(std::process::id()),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let nonce = self.nonce_reject.to_string();
        let mut cmd = clean_cmd();
        cmd.args(["lab", "up", "--json", "--name", &name]);
        match &self.from_report {
            Some(file) => cmd.arg("--from-report").arg(file),
            None => cmd.args(["--scenario", &self.scenario]),
        };
        if self.from_report.is_none() {
            cmd.args(["--ca", self.ca]);
        }
        let run = Run::from(
            cmd.args(["--pebble-nonce-reject", &nonce])
                .output()
                .expect("run direkt lab up"),
        );
        if run.code != 0 {
            // up cleans after itself, but make sure before failing the test.
            let _ = clean_cmd().args(["lab", "down", "--name", &name]).output();
            panic!(
                "direkt lab up {} failed ({}):\n{}\n{}",
                match &self.from_report {
                    Some(f) => format!("--from-report {}", f.display()),
                    None => format!("--scenario {}", self.scenario),
                },
                run.code,
                run.stdout,
                run.stderr
            );
        }
        Lab {
            name,
            info: run.json(),
        }
    }
}

impl Lab {
    pub fn builder(scenario: &str) -> LabBuilder {
        LabBuilder {
            scenario: scenario.to_string(),
            nonce_reject: 0,
            ca: "pebble",
            from_report: None,
        }
    }

    /// A lab rebuilt from a customer's report: `lab up --from-report FILE`.
    pub fn from_report(file: &std::path::Path) -> LabBuilder {
        LabBuilder {
            scenario: String::new(),
            nonce_reject: 0,
            ca: "pebble",
            from_report: Some(file.to_path_buf()),
        }
    }

    /// A lab of `scenario`; panics when not root.
    #[track_caller]
    pub fn up(scenario: &str) -> Lab {
        Lab::builder(scenario).up()
    }

    /// A lab of `scenario`, or None (printing why) when not root and `CI` is unset. Prefer
    /// `Lab::up` in a test with the `has_lab` ignore attribute.
    pub fn up_or_skip(scenario: &str) -> Option<Lab> {
        Lab::builder(scenario).up_or_skip()
    }

    /// The lab's name (prefix of its namespaces).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The namespace of a role: `box`, `router`, `inet`, `rogue`, `cgn`.
    pub fn ns(&self, role: &str) -> String {
        format!("{}-{role}", self.name)
    }

    /// `direkt lab status --json`, fresh (daemons' `running` filled in).
    pub fn info(&self) -> serde_json::Value {
        self.direkt(&["lab", "status", "--json", "--name", &self.name])
            .code(0)
            .json()
    }

    /// The status JSON as it was right after `lab up` (no process is run).
    pub fn info_at_start(&self) -> &serde_json::Value {
        &self.info
    }

    fn path(&self, pointer: &str) -> PathBuf {
        PathBuf::from(
            self.info
                .pointer(pointer)
                .and_then(|v| v.as_str())
                .unwrap_or_else(|| panic!("lab status lacks {pointer}")),
        )
    }
    pub fn run_dir(&self) -> PathBuf {
        self.path("/run_dir")
    }
    /// The box's direkt config.
    pub fn config(&self) -> PathBuf {
        self.path("/box/config")
    }
    /// Replace the box config's `[ports] forward` list (the lab writes `[443, 80]`), e.g.
    /// `set_forward("[443, 80, \"51820/udp\"]")`; returns the config as it was.
    pub fn set_forward(&self, list: &str) -> String {
        let text = std::fs::read_to_string(self.config()).unwrap();
        let line = text
            .lines()
            .find(|l| l.starts_with("forward = "))
            .unwrap_or_else(|| panic!("the box config has no forward list: {text}"));
        std::fs::write(
            self.config(),
            text.replace(line, &format!("forward = {list}")),
        )
        .unwrap();
        text
    }
    pub fn secrets_file(&self) -> PathBuf {
        self.path("/box/secrets")
    }
    pub fn state_dir(&self) -> PathBuf {
        self.path("/box/state_dir")
    }
    /// PEM to trust for Pebble's HTTPS.
    pub fn ca_bundle(&self) -> PathBuf {
        self.path("/acme/ca_bundle")
    }
    /// Pebble's issuing root (verifies issued certificates).
    pub fn pebble_root(&self) -> PathBuf {
        self.path("/acme/root")
    }
    /// acme2certifier's issuing root (a lab up with `.ca("acme2certifier")`).
    pub fn second_ca_root(&self) -> PathBuf {
        self.path("/acme2certifier/root")
    }
    /// acme2certifier's acme_srv.cfg (re-read by the server when it changes).
    pub fn second_ca_config(&self) -> PathBuf {
        self.path("/acme2certifier/config")
    }
    pub fn second_ca_directory(&self) -> String {
        self.info["acme2certifier"]["directory"]
            .as_str()
            .expect("the lab runs acme2certifier")
            .to_string()
    }
    pub fn acme_directory(&self) -> String {
        self.info["acme"]["directory"].as_str().unwrap().to_string()
    }
    pub fn tsig_secret_file(&self) -> PathBuf {
        self.path("/dns/tsig_secret_file")
    }
    /// The TSIG secret (base64), for nsupdate or in-process clients.
    pub fn tsig_secret(&self) -> String {
        std::fs::read_to_string(self.tsig_secret_file())
            .unwrap()
            .trim()
            .to_string()
    }

    /// Run `argv` in namespace `role` through `direkt lab exec` (lab resolver).
    pub fn exec(&self, role: &str, argv: &[&str]) -> Run {
        Run::from(
            self.exec_cmd(role, argv)
                .output()
                .expect("run direkt lab exec"),
        )
    }

    /// The command `exec` would run, to add environment or stdin.
    pub fn exec_cmd(&self, role: &str, argv: &[&str]) -> Command {
        let mut c = clean_cmd();
        c.args(["lab", "exec", "--name", &self.name, "--in", role, "--"])
            .args(argv);
        c
    }

    /// `direkt --config <box config> args` inside the box.
    pub fn box_direkt(&self, args: &[&str]) -> Run {
        Run::from(
            self.box_direkt_cmd(args)
                .output()
                .expect("run direkt in the box"),
        )
    }

    pub fn box_direkt_cmd(&self, args: &[&str]) -> Command {
        let config = self.config();
        let bin = bin();
        let mut argv = vec![bin.to_str().unwrap(), "--config", config.to_str().unwrap()];
        argv.extend_from_slice(args);
        self.exec_cmd("box", &argv)
    }

    /// Run direkt on the host (e.g. `lab status`).
    pub fn direkt(&self, args: &[&str]) -> Run {
        Run::from(clean_cmd().args(args).output().expect("run direkt"))
    }

    /// Run `f` on a thread inside namespace `role`; sockets it opens are in the lab.
    pub fn in_ns<T, F>(&self, role: &str, f: F) -> T
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        direkt::lab::netns::run_in(&self.ns(role), move || Ok(f()))
            .unwrap_or_else(|e| panic!("in namespace {role}: {e:?}"))
    }

    /// Tear down now and report the result (Drop does it too, silently).
    pub fn down(mut self) -> Run {
        let run = self.direkt(&["lab", "down", "--name", &self.name]);
        self.name.clear();
        run
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        if self.name.is_empty() {
            return;
        }
        let out = clean_cmd()
            .args(["lab", "down", "--name", &self.name])
            .output();
        match out {
            Ok(o) if o.status.success() => {}
            Ok(o) => eprintln!(
                "direkt lab down --name {} failed: {}",
                self.name,
                String::from_utf8_lossy(&o.stderr)
            ),
            Err(e) => eprintln!("cannot run direkt lab down: {e}"),
        }
    }
}

/// direkt with an environment free of the developer's DIREKT_* variables.
fn clean_cmd() -> Command {
    let mut c = Command::new(bin());
    for (k, _) in std::env::vars() {
        if k.starts_with("DIREKT_") || k == "NO_COLOR" {
            c.env_remove(k);
        }
    }
    c
}

pub fn is_root() -> bool {
    // SAFETY: geteuid cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// The second line of defence in a test that build.rs did not mark ignored: fail when not
/// root (built as root, run as another user; or under `CI`, which never ignores).
#[track_caller]
pub fn require_root() {
    assert!(
        is_root(),
        "lab tests need root (direkt lab creates network namespaces): run the tests as root, \
         or build them as another user so they are listed as ignored"
    );
}

/// Root: yes. Not root: fail under CI, else print why and skip. For tests without the
/// `has_lab` ignore attribute only.
pub fn can_run_labs() -> bool {
    if is_root() {
        return true;
    }
    if super::in_ci() {
        panic!("lab tests need root, and CI must not skip them: run the test suite as root");
    }
    eprintln!("skipping: lab tests need root");
    false
}

/// Labs of earlier test processes that were killed before their guard could drop (the name
/// holds the PID): tear them down, once per test process.
fn reap_stale_test_labs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        for name in direkt::lab::list() {
            let Some((pid36, n)) = name.strip_prefix('t').and_then(|r| r.rsplit_once('x')) else {
                continue;
            };
            let Ok(pid) = u32::from_str_radix(pid36, 36) else {
                continue;
            };
            if n.parse::<u32>().is_ok()
                && pid != std::process::id()
                && !std::path::Path::new(&format!("/proc/{pid}")).exists()
            {
                eprintln!("tearing down lab {name} left by a killed test process {pid}");
                let _ = clean_cmd().args(["lab", "down", "--name", &name]).output();
            }
        }
    });
}

fn radix36(mut n: u32) -> String {
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut s = vec![];
    loop {
        s.push(digits[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    s.reverse();
    String::from_utf8(s).unwrap()
}
