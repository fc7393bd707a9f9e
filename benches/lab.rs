//! direkt side by side with the tools users would pick instead, in one namespace lab.
//!
//! `cargo bench --bench lab -- [--iterations N] [--acme-iterations N] [--json] [--only LIST]`
//! (root; the lab's Debian packages plus lego, certbot, ddclient, inadyn, miniupnpc). It brings
//! up a `direct` lab, runs each scenario several times alternating direkt and its peers, prints
//! a table (median, min-max wall, peak RSS, requests, direkt/peer ratio) and tears the lab down.
//! Wall time and peak RSS are taken inside the namespace by this binary re-invoked as a timing
//! wrapper (`--timed`: spawn, wait4, rusage), so `ip netns exec` is not in the figures.
//! Under `cargo test` (no `--bench` argument) it does nothing: it is not part of the test suite.
//!
//! `--realtime` runs every timed command (direkt and peers alike) and the lab's daemons under
//! SCHED_FIFO, so other work on the machine (a build on the other core) cannot preempt them:
//! on a 2-core machine that is shared, the figures otherwise measure the neighbours.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

type Res<T> = Result<T, String>;

/// `--realtime` was given (read by [`Lab::timed`]).
static REALTIME: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

const DOMAIN: &str = "box.example.test";
const BOX_IP: &str = "192.168.77.10";
const WAN_A: &str = "203.0.113.2";
const WAN_B: &str = "203.0.113.3";
/// Where inadyn would send an update: nothing listens there, a counter sees any attempt.
const DYNDNS_SERVER: &str = "198.51.100.81";
/// The TCP port the port-mapping scenario maps.
const MAP_PORT: &str = "8443";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--timed") => return timed_wrapper(&args[1..]),
        Some("--serve") => return relay_rows::serve(&args[1..]),
        Some("--connect") => return relay_rows::connect_many(&args[1..]),
        Some("--fetch") => return relay_rows::fetch(&args[1..]),
        _ => {}
    }
    if !args.iter().any(|a| a == "--bench") {
        println!("lab bench: not a test; run it with `cargo bench --bench lab`");
        return ExitCode::SUCCESS;
    }
    let opts = match Opts::parse(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("lab bench: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(ok) => {
            if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("lab bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

struct Opts {
    iterations: usize,
    acme_iterations: usize,
    json: bool,
    direkt: PathBuf,
    only: Option<Vec<String>>,
    json_file: Option<PathBuf>,
    realtime: bool,
}

impl Opts {
    fn parse(args: &[String]) -> Res<Opts> {
        let mut o = Opts {
            iterations: 5,
            acme_iterations: 3,
            json: false,
            direkt: PathBuf::from(env!("CARGO_BIN_EXE_direkt")),
            only: None,
            json_file: None,
            realtime: false,
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut value = |name: &str| {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("{name} needs a value"))
            };
            match a.as_str() {
                "--bench" => {}
                "--json" => o.json = true,
                "--realtime" => o.realtime = true,
                "--iterations" => {
                    o.iterations = parse_count(&value("--iterations")?)?;
                    o.acme_iterations = o.acme_iterations.min(o.iterations);
                }
                "--acme-iterations" => {
                    o.acme_iterations = parse_count(&value("--acme-iterations")?)?
                }
                "--direkt" => o.direkt = PathBuf::from(value("--direkt")?),
                "--json-file" => o.json_file = Some(PathBuf::from(value("--json-file")?)),
                "--only" => {
                    o.only = Some(
                        value("--only")?
                            .split(',')
                            .map(|s| s.trim().to_string())
                            .collect(),
                    )
                }
                other => {
                    return Err(format!(
                        "unknown argument `{other}` (known: --iterations N, \
                         --acme-iterations N, --json, --only acme,ports,ddns,noop,doctor,startup,relay, \
                         --direkt PATH, --json-file PATH, --realtime)"
                    ));
                }
            }
        }
        Ok(o)
    }

    fn wants(&self, group: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|l| l.iter().any(|g| g == group))
    }
}

fn parse_count(s: &str) -> Res<usize> {
    match s.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("`{s}` is not a positive count")),
    }
}

// ---------------------------------------------------------------------------------------------
// The timing wrapper, run inside a namespace: `--timed RESULT_FILE -- CMD ARGS...`.

fn timed_wrapper(args: &[String]) -> ExitCode {
    let (Some(out), Some("--")) = (args.first(), args.get(1).map(String::as_str)) else {
        eprintln!("usage: --timed RESULT_FILE -- CMD ARGS...");
        return ExitCode::from(2);
    };
    let argv = &args[2..];
    if argv.is_empty() {
        eprintln!("--timed: no command");
        return ExitCode::from(2);
    }
    if std::env::var_os("DIREKT_BENCH_REALTIME").is_some() {
        realtime(0, 50);
    }
    let start = Instant::now();
    let child = match Command::new(&argv[0])
        .args(&argv[1..])
        .env_remove("DIREKT_BENCH_REALTIME")
        .stdin(Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("--timed: cannot run {}: {e}", argv[0]);
            return ExitCode::from(127);
        }
    };
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: the pid is our child's; status and usage point to live locals.
    let r = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if r < 0 {
        eprintln!("--timed: wait4: {}", std::io::Error::last_os_error());
        return ExitCode::FAILURE;
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        128 + libc::WTERMSIG(status)
    };
    // ru_maxrss is in KiB on Linux: the largest of the child and its waited-for descendants.
    let line = format!("{} {} {}\n", wall.as_nanos(), usage.ru_maxrss, code);
    match std::fs::write(out, line) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("--timed: cannot write {out}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Put `pid` (0: this process; the children it spawns inherit it) under SCHED_FIFO at `prio`.
fn realtime(pid: libc::pid_t, prio: libc::c_int) {
    let param = libc::sched_param {
        sched_priority: prio,
    };
    // SAFETY: a plain system call with a valid, live parameter struct.
    if unsafe { libc::sched_setscheduler(pid, libc::SCHED_FIFO, &param) } != 0 {
        eprintln!(
            "lab bench: SCHED_FIFO for pid {pid}: {}",
            std::io::Error::last_os_error()
        );
    }
}

/// Every thread of the lab's daemons under SCHED_FIFO above the timed commands, so an answer
/// is never late because the machine is busy.
fn realtime_daemons(info: &Value) {
    let daemons = info["daemons"].as_array().cloned().unwrap_or_default();
    // Not Pebble: the Go runtime's spinning threads have no business above everything else,
    // and the ACME rows are hundreds of milliseconds anyway.
    let pids = daemons
        .iter()
        .filter(|d| d["name"] != "pebble")
        .filter_map(|d| d["pid"].as_i64());
    for pid in pids {
        let tasks = std::fs::read_dir(format!("/proc/{pid}/task"));
        for t in tasks.into_iter().flatten().flatten() {
            if let Ok(tid) = t.file_name().to_string_lossy().parse::<libc::pid_t>() {
                realtime(tid, 60);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The lab.

struct Lab {
    name: String,
    direkt: PathBuf,
    info: Value,
    work: PathBuf,
    me: PathBuf,
}

struct Sample {
    wall_ms: f64,
    rss_kb: u64,
    code: i32,
    output: String,
}

impl Lab {
    fn up(direkt: &Path) -> Res<Lab> {
        Lab::up_as(direkt, &format!("bench{}", std::process::id()), "direct")
    }

    fn up_as(direkt: &Path, name: &str, scenario: &str) -> Res<Lab> {
        let name = name.to_string();
        let out = Command::new(direkt)
            .args([
                "-q",
                "lab",
                "up",
                "--json",
                "--name",
                &name,
                "--scenario",
                scenario,
            ])
            .args(["--pebble-nonce-reject", "0"])
            .output()
            .map_err(|e| format!("cannot run {}: {e}", direkt.display()))?;
        if !out.status.success() {
            let _ = Command::new(direkt)
                .args(["-q", "lab", "down", "--name", &name])
                .output();
            return Err(format!(
                "direkt lab up failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let info: Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("lab up --json printed no JSON: {e}"))?;
        let run_dir = PathBuf::from(info["run_dir"].as_str().unwrap_or_default());
        let work = run_dir.join("bench");
        std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
        let me = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
        Ok(Lab {
            name,
            direkt: direkt.to_path_buf(),
            info,
            work,
            me,
        })
    }

    fn ns(&self, role: &str) -> String {
        format!("{}-{role}", self.name)
    }

    fn file(&self, pointer: &str) -> String {
        self.info
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    }

    /// Run a command in a namespace, untimed (setup); fails on a non-zero exit.
    fn sh(&self, role: &str, script: &str) -> Res<String> {
        let out = Command::new("ip")
            .args(["netns", "exec", &self.ns(role), "sh", "-c", script])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("ip netns exec: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "in {role}: `{script}` failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Run `argv` in the box under the timing wrapper (under SCHED_FIFO with `--realtime`, which
    /// the wrapper learns from `DIREKT_BENCH_REALTIME` in its own environment only).
    fn timed(&self, role: &str, env: &[(&str, &str)], argv: &[String]) -> Res<Sample> {
        let result = self.work.join("timed.out");
        let _ = std::fs::remove_file(&result);
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.ns(role)])
            .arg(&self.me)
            .arg("--timed")
            .arg(&result)
            .arg("--")
            .args(argv)
            .stdin(Stdio::null());
        for (k, _) in std::env::vars() {
            if k.starts_with("DIREKT_") || k == "NO_COLOR" {
                c.env_remove(k);
            }
        }
        c.envs(env.iter().copied());
        if REALTIME.load(std::sync::atomic::Ordering::Relaxed) {
            c.env("DIREKT_BENCH_REALTIME", "1");
        }
        let out = c.output().map_err(|e| format!("ip netns exec: {e}"))?;
        let text = std::fs::read_to_string(&result).map_err(|_| {
            format!(
                "the timing wrapper produced no result for `{}`: {}",
                argv.join(" "),
                String::from_utf8_lossy(&out.stderr)
            )
        })?;
        let f: Vec<&str> = text.split_whitespace().collect();
        let num = |i: usize| f.get(i).and_then(|s| s.parse::<i64>().ok()).unwrap_or(-1);
        Ok(Sample {
            wall_ms: num(0) as f64 / 1e6,
            rss_kb: num(1).max(0) as u64,
            code: num(2) as i32,
            output: format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        })
    }

    /// Counters of requests the box sent: nft counters at the router's LAN side, and the
    /// number of requests Pebble has handled (its log has one line per request).
    fn counters(&self) -> Res<BTreeMap<String, u64>> {
        let mut m = BTreeMap::new();
        {
            let text = self.sh("router", "nft -j list counters table inet direkt_bench")?;
            let v: Value = serde_json::from_str(&text).map_err(|e| format!("nft -j: {e}"))?;
            for item in v["nftables"].as_array().into_iter().flatten() {
                if let Some(c) = item.get("counter") {
                    let name = c["name"].as_str().unwrap_or_default().to_string();
                    m.insert(name, c["packets"].as_u64().unwrap_or(0));
                }
            }
        }
        let log = PathBuf::from(self.file("/run_dir")).join("logs/pebble.log");
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        m.insert(
            "acme".into(),
            text.lines()
                .filter(|l| l.contains("-> calling handler()"))
                .count() as u64,
        );
        Ok(m)
    }

    fn install_counters(&self) -> Res<()> {
        // At the router's LAN side, before NAT: only what the box sends is counted (the router's
        // own STUN probes and Pebble's validation traffic are not), including packets to an
        // address nobody serves.
        let rules = format!(
            "table inet direkt_bench {{
  counter dns {{}}
  counter echo {{}}
  counter stun {{}}
  counter dyndns {{}}
  counter ssdp {{}}
  counter upnp_http {{}}
  counter natpmp_pcp {{}}
  chain pre {{
    type filter hook prerouting priority -300; policy accept;
    iifname != \"lan0\" return
    ip saddr != {BOX_IP} return
    ip daddr 198.51.100.53 udp dport 53 counter name dns
    ip daddr 198.51.100.53 tcp dport 53 tcp flags & (syn | ack) == syn counter name dns
    ip daddr 198.51.100.80 tcp dport 80 tcp flags & (syn | ack) == syn counter name echo
    ip daddr {{ 198.51.100.34, 198.51.100.35 }} udp dport {{ 3478, 3479 }} counter name stun
    ip daddr {DYNDNS_SERVER} tcp flags & (syn | ack) == syn counter name dyndns
    udp dport 1900 counter name ssdp
    tcp dport 5000 tcp flags & (syn | ack) == syn counter name upnp_http
    udp dport {{ 5350, 5351 }} counter name natpmp_pcp
  }}
}}
"
        );
        let path = self.work.join("counters.nft");
        std::fs::write(&path, rules).map_err(|e| format!("{}: {e}", path.display()))?;
        self.sh("router", &format!("nft -f {}", path.display()))?;
        Ok(())
    }

    fn direkt_argv(&self, args: &[&str]) -> Vec<String> {
        let mut v = vec![
            self.direkt.display().to_string(),
            "--config".into(),
            self.file("/box/config"),
        ];
        v.extend(args.iter().map(|s| s.to_string()));
        v
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let out = Command::new(&self.direkt)
            .args(["-q", "lab", "down", "--name", &self.name])
            .output();
        if !matches!(out, Ok(ref o) if o.status.success()) {
            eprintln!(
                "lab bench: `direkt lab down --name {}` failed; run it by hand",
                self.name
            );
        }
    }
}

/// Labs of earlier bench runs that were interrupted (Ctrl-C, kill) before their guard could tear
/// them down: the name holds the PID, so a lab whose process is gone is torn down now.
fn reap_stale_labs(direkt: &Path) {
    let Ok(dir) = std::fs::read_dir("/run/direkt-lab") else {
        return;
    };
    for entry in dir.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix("bench")
            .or_else(|| name.strip_prefix("brly"))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            eprintln!("lab bench: tearing down lab {name} left by an interrupted run");
            let _ = Command::new(direkt)
                .args(["-q", "lab", "down", "--name", &name])
                .output();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Rows of the table.

/// One contender in one scenario.
struct Tool {
    label: String,
    /// Is this direkt (ratios are direkt/peer)?
    direkt: bool,
    role: &'static str,
    env: Vec<(String, String)>,
    argv: Vec<String>,
    /// Exit codes that count as a successful run.
    ok_codes: Vec<i32>,
    /// Counters that make up "requests" for this scenario.
    counted: &'static [&'static str],
    /// Why the row has no figures (command missing), instead of faking them.
    unavailable: Option<String>,
}

impl Tool {
    fn new(label: &str, direkt: bool, argv: Vec<String>, counted: &'static [&'static str]) -> Tool {
        Tool {
            label: label.into(),
            direkt,
            role: "box",
            env: vec![],
            argv,
            ok_codes: vec![0],
            counted,
            unavailable: None,
        }
    }
    fn env(mut self, k: &str, v: &str) -> Tool {
        self.env.push((k.into(), v.into()));
        self
    }
    fn ok_codes(mut self, codes: &[i32]) -> Tool {
        self.ok_codes = codes.to_vec();
        self
    }
    fn unavailable_if(mut self, why: Option<String>) -> Tool {
        self.unavailable = why;
        self
    }
}

#[derive(Default)]
struct Row {
    scenario: String,
    label: String,
    direkt: bool,
    command: String,
    walls: Vec<f64>,
    rss_kb: Vec<u64>,
    requests: Vec<BTreeMap<String, u64>>,
    failures: Vec<String>,
    unavailable: Option<String>,
    note: Option<String>,
}

fn median(v: &[f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    Some(if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    })
}

impl Row {
    fn median_wall(&self) -> Option<f64> {
        median(&self.walls)
    }
    fn peak_rss_mb(&self) -> Option<f64> {
        self.rss_kb.iter().max().map(|k| *k as f64 / 1024.0)
    }
    /// Median per counter over the runs.
    fn request_medians(&self) -> BTreeMap<String, f64> {
        let mut keys: Vec<&String> = self.requests.iter().flat_map(|m| m.keys()).collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .map(|k| {
                let vals: Vec<f64> = self
                    .requests
                    .iter()
                    .map(|m| *m.get(k).unwrap_or(&0) as f64)
                    .collect();
                (k.clone(), median(&vals).unwrap_or(0.0))
            })
            .collect()
    }
    fn requests_text(&self) -> String {
        if self.requests.is_empty() {
            return "-".into();
        }
        let m = self.request_medians();
        let parts: Vec<String> = m
            .iter()
            .filter(|(_, v)| **v > 0.0)
            .map(|(k, v)| format!("{k} {}", fmt_count(*v)))
            .collect();
        if parts.is_empty() {
            "0".into()
        } else {
            parts.join(", ")
        }
    }
}

fn fmt_count(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

/// Run every tool of a scenario `iterations` times, rotating which one goes first, with
/// `between` (untimed) before each single run (to reset what the previous run changed).
fn scenario(
    lab: &Lab,
    name: &str,
    tools: Vec<Tool>,
    iterations: usize,
    mut before_each: impl FnMut(&Lab, &Tool) -> Res<()>,
    mut after_each: impl FnMut(&Lab, &Tool) -> Res<()>,
) -> Res<Vec<Row>> {
    let mut rows: Vec<Row> = tools
        .iter()
        .map(|t| Row {
            scenario: name.into(),
            label: t.label.clone(),
            direkt: t.direkt,
            command: shell_line(&t.env, &t.argv),
            unavailable: t.unavailable.clone(),
            ..Row::default()
        })
        .collect();
    let live: Vec<usize> = (0..tools.len())
        .filter(|i| tools[*i].unavailable.is_none())
        .collect();
    for it in 0..iterations {
        for k in 0..live.len() {
            let i = live[(k + it) % live.len()];
            let t = &tools[i];
            before_each(lab, t)?;
            let before = lab.counters()?;
            let env: Vec<(&str, &str)> = t
                .env
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let s = lab.timed(t.role, &env, &t.argv)?;
            let after = lab.counters()?;
            after_each(lab, t)?;
            let row = &mut rows[i];
            if !t.ok_codes.contains(&s.code) {
                let tail: Vec<&str> = s.output.lines().rev().take(8).collect();
                let tail: Vec<&str> = tail.into_iter().rev().collect();
                eprintln!(
                    "lab bench: {name} / {}: exit {} (run {}):\n  {}",
                    t.label,
                    s.code,
                    it + 1,
                    tail.join("\n  ")
                );
                row.failures.push(format!("exit {}", s.code));
                continue;
            }
            row.walls.push(s.wall_ms);
            row.rss_kb.push(s.rss_kb);
            row.requests.push(
                t.counted
                    .iter()
                    .map(|c| {
                        let d = after.get(*c).unwrap_or(&0) - before.get(*c).unwrap_or(&0);
                        (c.to_string(), d)
                    })
                    .collect(),
            );
        }
    }
    Ok(rows)
}

fn shell_line(env: &[(String, String)], argv: &[String]) -> String {
    let quote = |s: &str| {
        if s.is_empty()
            || s.chars()
                .any(|c| !(c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c)))
        {
            format!("'{}'", s.replace('\'', "'\\''"))
        } else {
            s.to_string()
        }
    };
    env.iter()
        .map(|(k, v)| format!("{k}={}", quote(v)))
        .chain(argv.iter().map(|a| quote(a)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
            .map(|d| d.join(program))
            .find(|p| p.is_file())
    })
}

fn missing(program: &str) -> Option<String> {
    which(program)
        .is_none()
        .then(|| format!("`{program}` is not installed"))
}

fn argv(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

/// Does this direkt know the subcommand (it may not have landed yet)?
fn direkt_has(lab: &Lab, sub: &str) -> Option<String> {
    let ok = Command::new(&lab.direkt)
        .args([sub, "--help"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    (!ok).then(|| format!("`direkt {sub}` is not in this build"))
}

fn none(_: &Lab, _: &Tool) -> Res<()> {
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The scenarios.

fn run(o: &Opts) -> Res<bool> {
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        return Err("the lab needs root (network namespaces)".into());
    }
    if !o.direkt.is_file() {
        return Err(format!("no direkt binary at {}", o.direkt.display()));
    }
    let started = Instant::now();
    eprintln!(
        "lab bench: {} with {} iterations (ACME {}), lab up ...",
        o.direkt.display(),
        o.iterations,
        o.acme_iterations
    );
    reap_stale_labs(&o.direkt);
    let lab = Lab::up(&o.direkt)?;
    if o.realtime {
        REALTIME.store(true, std::sync::atomic::Ordering::Relaxed);
        realtime_daemons(&lab.info);
    }
    lab.install_counters()?;
    let mut rows = vec![];

    // Publish the address and map port 80 once (untimed): ACME and the no-op need both.
    lab.sh(
        "box",
        &format!(
            "DIREKT_CONFIG={} {} ddns update --force >/dev/null",
            lab.file("/box/config"),
            lab.direkt.display()
        ),
    )?;
    lab.sh(
        "box",
        &format!("upnpc -i -a {BOX_IP} 80 80 TCP 86400 >/dev/null"),
    )?;

    if o.wants("startup") {
        eprintln!("lab bench: 6 start-up ...");
        rows.extend(startup(&lab, o.iterations)?);
    }
    if o.wants("noop") || o.wants("ddns") {
        let peers = DdnsPeers::new(&lab)?;
        if o.wants("ddns") {
            eprintln!("lab bench: 3 DNS update on address change ...");
            rows.extend(ddns_change(&lab, &peers, o.iterations)?);
        }
        if o.wants("noop") {
            eprintln!("lab bench: 4 cron no-op ...");
            rows.extend(noop(&lab, &peers, o.iterations)?);
        }
    }
    if o.wants("ports") {
        eprintln!("lab bench: 2 port mapping ...");
        rows.extend(ports(&lab, o.iterations)?);
    }
    if o.wants("acme") {
        eprintln!("lab bench: 1 ACME issuance ...");
        rows.extend(acme(&lab, o.acme_iterations)?);
    }
    if o.wants("doctor") {
        eprintln!("lab bench: 5 doctor ...");
        rows.extend(doctor(&lab, o.iterations)?);
    }
    if o.wants("relay") {
        eprintln!("lab bench: 7 relay (cgnat lab with a VPS) ...");
        rows.extend(relay_rows::rows(&lab, o.iterations)?);
    }
    let size = std::fs::metadata(&lab.direkt).map(|m| m.len()).unwrap_or(0);
    let machine = machine();
    let total_s = started.elapsed().as_secs_f64();
    drop(lab);

    let failed = rows.iter().any(|r| !r.failures.is_empty());
    let json = serde_json::to_string_pretty(&to_json(&rows, o, size, &machine, total_s))
        .unwrap_or_default();
    if let Some(path) = &o.json_file {
        std::fs::write(path, format!("{json}\n"))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    if o.json {
        println!("{json}");
    } else {
        print!("{}", render(&rows, o, size, &machine, total_s));
    }
    Ok(!failed)
}

fn startup(lab: &Lab, n: usize) -> Res<Vec<Row>> {
    let tools = vec![
        Tool::new(
            "direkt --version",
            true,
            argv(&[&lab.direkt.display().to_string(), "--version"]),
            &[],
        ),
        Tool::new(
            "inadyn --version",
            false,
            argv(&["inadyn", "--version"]),
            &[],
        )
        .unavailable_if(missing("inadyn")),
        Tool::new("lego --version", false, argv(&["lego", "--version"]), &[])
            .unavailable_if(missing("lego")),
        // ddclient has no --version; -help prints its version and usage without network.
        Tool::new("ddclient -help", false, argv(&["ddclient", "-help"]), &[])
            .ok_codes(&[0, 1])
            .unavailable_if(missing("ddclient")),
        Tool::new(
            "certbot --version",
            false,
            argv(&["certbot", "--version"]),
            &[],
        )
        .unavailable_if(missing("certbot")),
    ];
    scenario(lab, "6 start-up", tools, n, none, none)
}

/// Configurations of ddclient and inadyn, written once into the lab's run directory.
struct DdnsPeers {
    ddclient: Vec<String>,
    ddclient_cache: PathBuf,
    inadyn: Vec<String>,
    inadyn_cache: PathBuf,
}

impl DdnsPeers {
    fn new(lab: &Lab) -> Res<DdnsPeers> {
        let dir = lab.work.join("ddns");
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let w = |name: &str, text: &str| -> Res<PathBuf> {
            let p = dir.join(name);
            std::fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display()))?;
            // ddclient refuses a world-readable config; keys are 0600 anyway.
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))
                .map_err(|e| e.to_string())?;
            Ok(p)
        };
        let secret = std::fs::read_to_string(lab.file("/dns/tsig_secret_file"))
            .map_err(|e| format!("TSIG secret: {e}"))?;
        let key = w(
            "tsig.key",
            &format!(
                "key \"ddns-key\" {{\n  algorithm hmac-sha256;\n  secret \"{}\";\n}};\n",
                secret.trim()
            ),
        )?;
        // The same job as direkt's [ddns]: RFC 2136 + TSIG at Knot, the address from the lab's
        // echo server. min-interval=0 and min-error-interval=0 so back-to-back runs are not
        // skipped (ddclient 3.10 records a successful nsupdate as "noconnect", an error).
        let ddclient_conf = w(
            "ddclient.conf",
            &format!(
                "daemon=0\nsyslog=no\nssl=no\nmin-interval=0\nmin-error-interval=0\n\
                 use=web, web=http://198.51.100.80/\n\
                 protocol=nsupdate, server=198.51.100.53, zone=example.test, ttl=60, \
                 login=/usr/bin/nsupdate, password={} {DOMAIN}\n",
                key.display()
            ),
        )?;
        let ddclient_cache = dir.join("ddclient.cache");
        // inadyn has no RFC 2136: a dyndns2-style custom provider whose update server is a lab
        // address nobody serves (counted by nft); the address check goes to the echo server.
        let inadyn_conf = w(
            "inadyn.conf",
            &format!(
                "period = 300\ncustom bench {{\n  username = bench\n  password = bench\n  \
                 checkip-server = 198.51.100.80\n  checkip-path = /\n  checkip-ssl = false\n  \
                 ssl = false\n  ddns-server = {DYNDNS_SERVER}\n  \
                 ddns-path = \"/nic/update?hostname=%h&myip=%i\"\n  hostname = {DOMAIN}\n}}\n"
            ),
        )?;
        let inadyn_dir = dir.join("inadyn-cache");
        std::fs::create_dir_all(&inadyn_dir).map_err(|e| e.to_string())?;
        Ok(DdnsPeers {
            ddclient: argv(&[
                "ddclient",
                "-daemon=0",
                "-foreground",
                "-file",
                &ddclient_conf.display().to_string(),
                "-cache",
                &ddclient_cache.display().to_string(),
                "-pid",
                &dir.join("ddclient.pid").display().to_string(),
            ]),
            ddclient_cache,
            inadyn: argv(&[
                "inadyn",
                "--once",
                "--foreground",
                "--no-pidfile",
                "-f",
                &inadyn_conf.display().to_string(),
                "--cache-dir",
                &inadyn_dir.display().to_string(),
            ]),
            inadyn_cache: inadyn_dir.join(format!("{DOMAIN}.cache")),
        })
    }

    /// Bring each peer's memory up to date with `addr` (what a previous successful run leaves).
    fn seed(&self, lab: &Lab, addr: &str) -> Res<()> {
        // inadyn's cache is the bare address (no newline) and its mtime is the last update.
        std::fs::write(&self.inadyn_cache, addr).map_err(|e| e.to_string())?;
        if which("ddclient").is_some() {
            let _ = std::fs::remove_file(&self.ddclient_cache);
            lab.sh(
                "box",
                &format!("{} >/dev/null", shell_line(&[], &self.ddclient)),
            )?;
        }
        Ok(())
    }
}

const DDNS_COUNTERS: &[&str] = &["stun", "echo", "dns", "dyndns"];

/// Give the router another WAN address (what the echo and STUN servers see changes), then
/// wait (untimed) until the router has settled: miniupnpd re-learns its public address by STUN
/// after a change and answers nothing on the LAN until then (up to ~3 s). A cron job runs
/// minutes after an ISP's change, so the measured run sees a settled router; without `natpmpc`
/// the wait is a fixed 4 s.
fn set_wan(lab: &Lab, addr: &str) -> Res<()> {
    lab.sh(
        "router",
        &format!(
            "ip addr flush dev wan0 && ip addr add {addr}/24 dev wan0 && \
             ip route replace default via 203.0.113.1 dev wan0 && conntrack -F 2>/dev/null; true"
        ),
    )?;
    if which("natpmpc").is_none() {
        std::thread::sleep(Duration::from_secs(4));
        return Ok(());
    }
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        let said = lab
            .sh("box", "timeout 2 natpmpc 2>&1 || true")
            .unwrap_or_default();
        if said.contains(&format!("Public IP address : {addr}")) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!(
        "the router did not report {addr} within 10 s after the change"
    ))
}

fn ddns_change(lab: &Lab, peers: &DdnsPeers, n: usize) -> Res<Vec<Row>> {
    let tools = vec![
        Tool::new(
            "direkt ddns update",
            true,
            lab.direkt_argv(&["ddns", "update"]),
            DDNS_COUNTERS,
        ),
        Tool::new(
            "ddclient (nsupdate)",
            false,
            peers.ddclient.clone(),
            DDNS_COUNTERS,
        )
        .unavailable_if(missing("ddclient").or(missing("nsupdate"))),
    ];
    // Each run first moves the WAN address to the other one, so every run has a change to
    // publish (each tool remembers the address of its own previous run).
    let mut current = WAN_A.to_string();
    let flip = move |lab: &Lab, _: &Tool| -> Res<()> {
        current = if current == WAN_A { WAN_B } else { WAN_A }.to_string();
        set_wan(lab, &current)
    };
    let rows = scenario(lab, "3 DNS update, address changed", tools, n, flip, none);
    // Back to the lab's address whatever happened, and publish it again.
    set_wan(lab, WAN_A)?;
    lab.sh(
        "box",
        &format!(
            "{} >/dev/null",
            shell_line(&[], &lab.direkt_argv(&["ddns", "update"]))
        ),
    )?;
    rows
}

fn noop(lab: &Lab, peers: &DdnsPeers, n: usize) -> Res<Vec<Row>> {
    peers.seed(lab, WAN_A)?;
    // renew's no-op needs a certificate that is not due and the mappings in place: one
    // untimed run sets everything up.
    let mut renew_missing = direkt_has(lab, "renew");
    if renew_missing.is_none() {
        let warm_up = format!("{} 2>&1", shell_line(&[], &lab.direkt_argv(&["renew"])));
        if let Err(e) = lab.sh("box", &warm_up) {
            // A part that has not landed in this build is "not available", never a figure.
            match e
                .lines()
                .find(|l| l.contains("not available in this build"))
            {
                Some(line) => renew_missing = Some(format!("`direkt renew`: {}", line.trim())),
                None => eprintln!("lab bench: warm-up `direkt renew` failed: {e}"),
            }
        }
    }
    let tools = vec![
        Tool::new(
            "direkt ddns update",
            true,
            lab.direkt_argv(&["ddns", "update"]),
            DDNS_COUNTERS,
        ),
        Tool::new(
            "direkt renew",
            true,
            lab.direkt_argv(&["renew"]),
            &[
                "stun",
                "echo",
                "dns",
                "dyndns",
                "acme",
                "ssdp",
                "upnp_http",
                "natpmp_pcp",
            ],
        )
        .unavailable_if(renew_missing.clone()),
        // renew's parts alone, for "at most the slowest part" (the mappings are in place and
        // the certificate from the warm-up is not due).
        Tool::new(
            "direkt ports refresh",
            true,
            lab.direkt_argv(&["ports", "refresh"]),
            PORT_COUNTERS,
        )
        .unavailable_if(direkt_has(lab, "ports")),
        Tool::new(
            "direkt cert renew",
            true,
            lab.direkt_argv(&["cert", "renew"]),
            &["acme", "dns"],
        )
        .unavailable_if(direkt_has(lab, "cert").or(renew_missing)),
        Tool::new("ddclient", false, peers.ddclient.clone(), DDNS_COUNTERS)
            .unavailable_if(missing("ddclient").or(missing("nsupdate"))),
        Tool::new("inadyn --once", false, peers.inadyn.clone(), DDNS_COUNTERS)
            .unavailable_if(missing("inadyn")),
    ];
    scenario(lab, "4 cron no-op, nothing changed", tools, n, none, none)
}

const PORT_COUNTERS: &[&str] = &["ssdp", "upnp_http", "natpmp_pcp"];

fn ports(lab: &Lab, n: usize) -> Res<Vec<Row>> {
    let ports_missing = direkt_has(lab, "ports");
    let tools = vec![
        Tool::new(
            &format!("direkt ports add {MAP_PORT}"),
            true,
            lab.direkt_argv(&["ports", "add", MAP_PORT]),
            PORT_COUNTERS,
        )
        .unavailable_if(ports_missing),
        // -i: miniupnpd's WAN is a documentation address upnpc would call "not connected".
        Tool::new(
            "upnpc -i -a",
            false,
            argv(&[
                "upnpc", "-i", "-a", BOX_IP, MAP_PORT, MAP_PORT, "TCP", "3600",
            ]),
            PORT_COUNTERS,
        )
        .unavailable_if(missing("upnpc")),
        // No discovery to speak of: NAT-PMP goes to the default gateway. The fastest peer.
        Tool::new(
            "natpmpc -a",
            false,
            argv(&["natpmpc", "-a", MAP_PORT, MAP_PORT, "tcp", "3600"]),
            PORT_COUNTERS,
        )
        .unavailable_if(missing("natpmpc")),
    ];
    // Each run starts with the mapping absent; the tool that made it removes it (untimed).
    let direkt_remove = shell_line(&[], &lab.direkt_argv(&["ports", "remove", MAP_PORT]));
    let remove = move |lab: &Lab, t: &Tool| -> Res<()> {
        let cmd = if t.direkt {
            format!(
                "{direkt_remove} >/dev/null 2>&1; upnpc -i -d {MAP_PORT} TCP >/dev/null 2>&1; true"
            )
        } else {
            format!("upnpc -i -d {MAP_PORT} TCP >/dev/null 2>&1; true")
        };
        lab.sh("box", &cmd).map(|_| ())
    };
    scenario(
        lab,
        "2 port mapping incl. discovery",
        tools,
        n,
        none,
        remove,
    )
}

// `dns`: lookups the tool makes from the box itself (the URLs are addresses, so none are needed).
const ACME_COUNTERS: &[&str] = &["acme", "dns"];

fn acme(lab: &Lab, n: usize) -> Res<Vec<Row>> {
    let dir = lab.work.join("acme");
    let ca = lab.file("/acme/ca_bundle");
    let url = lab.file("/acme/directory");
    let cert_missing = direkt_has(lab, "cert");
    let path = |p: &str| dir.join(p).display().to_string();
    let lego = |p: &str| {
        Tool::new(
            "lego --http",
            false,
            argv(&[
                "lego",
                "--server",
                &url,
                "--email",
                "admin@example.test",
                "--accept-tos",
                "--domains",
                DOMAIN,
                "--http",
                "--http.port",
                ":80",
                "--path",
                &path(p),
                "run",
            ]),
            ACME_COUNTERS,
        )
        .env("LEGO_CA_CERTIFICATES", &ca)
        .unavailable_if(missing("lego"))
    };
    let certbot = |p: &str| {
        Tool::new(
            "certbot standalone",
            false,
            argv(&[
                "certbot",
                "certonly",
                "--standalone",
                "--non-interactive",
                "--agree-tos",
                "-m",
                "admin@example.test",
                "--no-eff-email",
                "--server",
                &url,
                "-d",
                DOMAIN,
                "--cert-name",
                "box",
                "--force-renewal",
                "--http-01-port",
                "80",
                "--no-random-sleep-on-renew",
                "--config-dir",
                &path(&format!("{p}/etc")),
                "--work-dir",
                &path(&format!("{p}/work")),
                "--logs-dir",
                &path(&format!("{p}/logs")),
            ]),
            ACME_COUNTERS,
        )
        .env("REQUESTS_CA_BUNDLE", &ca)
        .unavailable_if(missing("certbot"))
    };
    let direkt_new = || {
        Tool::new(
            "direkt cert issue",
            true,
            lab.direkt_argv(&[
                "--state-dir",
                &path("direkt-new"),
                "cert",
                "issue",
                "--force",
            ]),
            ACME_COUNTERS,
        )
        .unavailable_if(cert_missing.clone())
    };
    let direkt_existing = Tool::new(
        "direkt cert issue --force",
        true,
        lab.direkt_argv(&["--state-dir", &path("direkt"), "cert", "issue", "--force"]),
        ACME_COUNTERS,
    )
    .unavailable_if(cert_missing.clone());

    // New account: every run starts from an empty account/state directory.
    let fresh = {
        let dir = dir.clone();
        move |_: &Lab, t: &Tool| -> Res<()> {
            for p in ["direkt-new", "lego-new", "certbot-new"] {
                let d = dir.join(p);
                if d.exists() && t.argv.iter().any(|a| a.contains(p)) {
                    std::fs::remove_dir_all(&d).map_err(|e| e.to_string())?;
                }
            }
            Ok(())
        }
    };
    let mut rows = scenario(
        lab,
        "1a ACME issuance, new account",
        vec![direkt_new(), lego("lego-new"), certbot("certbot-new")],
        n,
        fresh,
        none,
    )?;

    // Existing account: one untimed issuance per tool creates the account first.
    let existing = vec![direkt_existing, lego("lego"), certbot("certbot")];
    for t in existing.iter().filter(|t| t.unavailable.is_none()) {
        let env: Vec<(&str, &str)> = t
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let s = lab.timed("box", &env, &t.argv)?;
        if s.code != 0 {
            eprintln!("lab bench: warm-up of {} failed:\n{}", t.label, s.output);
        }
    }
    rows.extend(scenario(
        lab,
        "1b ACME issuance, existing account",
        existing,
        n,
        none,
        none,
    )?);
    for r in rows.iter_mut().filter(|r| r.direkt) {
        let floor = if r.scenario.starts_with("1a") { 10 } else { 9 };
        let m = r.request_medians().get("acme").copied();
        r.note = m.map(|m| {
            format!(
                "ACME requests {} vs protocol floor {floor} (+{})",
                fmt_count(m),
                fmt_count(m - floor as f64)
            )
        });
    }
    Ok(rows)
}

const ALL_COUNTERS: &[&str] = &[
    "stun",
    "echo",
    "dns",
    "dyndns",
    "acme",
    "ssdp",
    "upnp_http",
    "natpmp_pcp",
];

fn doctor(lab: &Lab, n: usize) -> Res<Vec<Row>> {
    let missing = direkt_has(lab, "doctor");
    // doctor exits 3 when a check fails: that is a result, not a broken run.
    let direct = Tool::new(
        "direkt doctor",
        true,
        lab.direkt_argv(&["doctor"]),
        ALL_COUNTERS,
    )
    .ok_codes(&[0, 3])
    .unavailable_if(missing.clone());
    let mut rows = scenario(lab, "5a doctor, direct", vec![direct], n, none, none)?;
    // Worst case: the box's packets all vanish (no answer, no ICMP): every check runs into
    // its timeout.
    let blackhole = "nft add table inet direkt_bench_blackhole && \
        nft add chain inet direkt_bench_blackhole out '{ type filter hook output priority 0; policy accept; }' && \
        nft add rule inet direkt_bench_blackhole out oifname != lo drop";
    let worst = Tool::new(
        "direkt doctor",
        true,
        lab.direkt_argv(&["doctor"]),
        ALL_COUNTERS,
    )
    .ok_codes(&[0, 1, 3])
    .unavailable_if(missing);
    if worst.unavailable.is_none() {
        lab.sh("box", blackhole)?;
    }
    let r = scenario(
        lab,
        "5b doctor, everything unreachable",
        vec![worst],
        n,
        none,
        none,
    );
    let _ = lab.sh(
        "box",
        "nft delete table inet direkt_bench_blackhole 2>/dev/null; true",
    );
    rows.extend(r?);
    Ok(rows)
}

// ---------------------------------------------------------------------------------------------
// Output.

struct Machine {
    nproc: String,
    cpu: String,
    kernel: String,
    date: String,
}

fn machine() -> Machine {
    let cmd = |c: &str, a: &[&str]| {
        Command::new(c)
            .args(a)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_default()
    };
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default();
    Machine {
        nproc: cmd("nproc", &[]),
        cpu,
        kernel: cmd("uname", &["-r"]),
        date: cmd("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
    }
}

/// direkt/peer ratios of a direkt row against each available peer of its scenario.
fn ratios<'a>(rows: &'a [Row], r: &Row) -> Vec<(&'a str, f64, Option<f64>)> {
    let (true, Some(mine), Some(my_rss)) = (r.direkt, r.median_wall(), r.peak_rss_mb()) else {
        return vec![];
    };
    rows.iter()
        .filter(|p| !p.direkt && p.scenario == r.scenario)
        .filter_map(|p| {
            let w = p.median_wall()?;
            Some((
                p.label.as_str(),
                mine / w,
                p.peak_rss_mb().map(|m| my_rss / m),
            ))
        })
        .collect()
}

fn render(rows: &[Row], o: &Opts, size: u64, m: &Machine, total_s: f64) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "direkt lab bench: {} iterations (ACME {}), {} cores, {}, kernel {}, {}; took {:.0} s",
        o.iterations, o.acme_iterations, m.nproc, m.cpu, m.kernel, m.date, total_s
    );
    let _ = writeln!(
        s,
        "direkt binary: {} ({:.1} MB)\n",
        o.direkt.display(),
        size as f64 / 1e6
    );
    let _ = writeln!(
        s,
        "| scenario | tool | median ms | min-max ms | peak RSS MB | requests (median) | direkt/peer wall (RSS) |"
    );
    let _ = writeln!(s, "|---|---|---:|---:|---:|---|---|");
    for r in rows {
        let (med, range, rss) = if let Some(why) = &r.unavailable {
            (format!("not available: {why}"), "".into(), "".into())
        } else if r.walls.is_empty() {
            (
                format!("failed ({})", r.failures.join(", ")),
                "".into(),
                "".into(),
            )
        } else {
            let min = r.walls.iter().copied().fold(f64::INFINITY, f64::min);
            let max = r.walls.iter().copied().fold(0.0, f64::max);
            (
                fmt_ms(r.median_wall().unwrap_or(0.0)),
                format!("{}-{}", fmt_ms(min), fmt_ms(max)),
                format!("{:.1}", r.peak_rss_mb().unwrap_or(0.0)),
            )
        };
        let mut ratio = ratios(rows, r)
            .iter()
            .map(|(p, w, m)| match m {
                Some(m) => format!("{w:.2} ({m:.2}) vs {p}"),
                None => format!("{w:.2} vs {p}"),
            })
            .collect::<Vec<_>>()
            .join("; ");
        if let Some(n) = &r.note {
            if !ratio.is_empty() {
                ratio.push_str("; ");
            }
            ratio.push_str(n);
        }
        if !r.failures.is_empty() && !r.walls.is_empty() {
            let _ = write!(ratio, "; {} failed run(s)", r.failures.len());
        }
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.scenario,
            r.label,
            med,
            range,
            rss,
            if r.unavailable.is_some() {
                String::new()
            } else {
                r.requests_text()
            },
            ratio
        );
    }
    let _ = writeln!(s, "\nCommands (run inside the lab's box namespace):");
    let mut seen = std::collections::BTreeSet::new();
    for r in rows {
        if seen.insert((r.label.clone(), r.command.clone())) {
            let _ = writeln!(s, "- {} [{}]: `{}`", r.label, r.scenario, r.command);
        }
    }
    s
}

fn fmt_ms(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn to_json(rows: &[Row], o: &Opts, size: u64, m: &Machine, total_s: f64) -> Value {
    json!({
        "machine": { "nproc": m.nproc, "cpu": m.cpu, "kernel": m.kernel, "date": m.date },
        "iterations": o.iterations,
        "acme_iterations": o.acme_iterations,
        "direkt_binary": o.direkt.display().to_string(),
        "direkt_binary_bytes": size,
        "seconds": total_s,
        "rows": rows.iter().map(|r| {
            let min = r.walls.iter().copied().reduce(f64::min);
            let max = r.walls.iter().copied().reduce(f64::max);
            json!({
                "scenario": r.scenario,
                "tool": r.label,
                "direkt": r.direkt,
                "command": r.command,
                "available": r.unavailable.is_none(),
                "unavailable_reason": r.unavailable,
                "wall_ms": { "median": r.median_wall(), "min": min, "max": max, "runs": r.walls },
                "peak_rss_mb": r.peak_rss_mb(),
                "requests": r.request_medians(),
                "failures": r.failures,
                "note": r.note,
                "ratios": ratios(rows, r).iter().map(|(p, w, m)| json!({
                    "peer": p, "wall": w, "rss": m,
                })).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
    })
}

// ---------------------------------------------------------------------------------------------
// 7: the relay (`direkt relay`) against a direct connection.

mod relay_rows {
    use super::*;
    use std::io::{Read, Write};
    use std::net::{SocketAddr, TcpListener, TcpStream};

    /// The transfer's size: 50 MB.
    pub const BYTES: u64 = 50 * 1024 * 1024;
    /// Connections per timed run (set-up cost, divided out in the note).
    pub const CONNECTIONS: usize = 200;
    const VPS: &str = "192.0.2.70";

    /// `--serve PORT BYTES`: answer every connection with an HTTP response of BYTES bytes.
    pub fn serve(args: &[String]) -> ExitCode {
        let (Some(port), Some(bytes)) = (args.first(), args.get(1)) else {
            return ExitCode::from(2);
        };
        let bytes: u64 = bytes.parse().unwrap_or(BYTES);
        let Ok(l) = TcpListener::bind(format!("0.0.0.0:{port}")) else {
            return ExitCode::FAILURE;
        };
        for c in l.incoming().flatten() {
            std::thread::spawn(move || answer(c, bytes));
        }
        ExitCode::SUCCESS
    }

    fn answer(mut c: TcpStream, bytes: u64) {
        let mut req = [0u8; 2048];
        let n = c.read(&mut req).unwrap_or(0);
        if n == 0 {
            return;
        }
        let _ = write!(c, "HTTP/1.0 200 OK\r\nContent-Length: {bytes}\r\n\r\n");
        let chunk = vec![0x5a; 64 * 1024];
        let mut left = bytes;
        while left > 0 {
            let k = left.min(chunk.len() as u64) as usize;
            if c.write_all(&chunk[..k]).is_err() {
                return;
            }
            left -= k as u64;
        }
    }

    /// `--connect ADDR:PORT N`: N TCP connections, one after the other, each closed at once.
    pub fn connect_many(args: &[String]) -> ExitCode {
        let (Some(Ok(addr)), Some(Ok(n))) = (
            args.first().map(|a| a.parse::<SocketAddr>()),
            args.get(1).map(|n| n.parse::<usize>()),
        ) else {
            return ExitCode::from(2);
        };
        for _ in 0..n {
            if TcpStream::connect_timeout(&addr, Duration::from_secs(3)).is_err() {
                return ExitCode::FAILURE;
            }
        }
        ExitCode::SUCCESS
    }

    /// `--fetch ADDR:PORT BYTES`: one HTTP GET, read to the end; fails unless BYTES arrived.
    pub fn fetch(args: &[String]) -> ExitCode {
        let (Some(Ok(addr)), Some(Ok(want))) = (
            args.first().map(|a| a.parse::<SocketAddr>()),
            args.get(1).map(|n| n.parse::<u64>()),
        ) else {
            return ExitCode::from(2);
        };
        let Ok(mut c) = TcpStream::connect_timeout(&addr, Duration::from_secs(3)) else {
            return ExitCode::FAILURE;
        };
        let _ = c.set_read_timeout(Some(Duration::from_secs(30)));
        if c.write_all(b"GET / HTTP/1.0\r\n\r\n").is_err() {
            return ExitCode::FAILURE;
        }
        let mut buf = vec![0u8; 256 * 1024];
        let mut total: u64 = 0;
        loop {
            match c.read(&mut buf) {
                Ok(0) => break,
                Ok(k) => total += k as u64,
                Err(_) => return ExitCode::FAILURE,
            }
        }
        if total >= want {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }

    /// A server started in a lab namespace, ended by PID.
    struct Server(std::process::Child);

    impl Server {
        fn start(lab: &Lab, bytes: u64) -> Res<Server> {
            let child = Command::new("ip")
                .args(["netns", "exec", &lab.ns("box")])
                .arg(&lab.me)
                .args(["--serve", "80", &bytes.to_string()])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("starting the transfer server: {e}"))?;
            let server = Server(child);
            let t0 = Instant::now();
            loop {
                let up = Command::new("ip")
                    .args(["netns", "exec", &lab.ns("box")])
                    .arg(&lab.me)
                    .args(["--connect", &format!("{BOX_IP}:80"), "1"])
                    .status()
                    .is_ok_and(|s| s.success());
                if up {
                    return Ok(server);
                }
                if t0.elapsed() > Duration::from_secs(5) {
                    return Err("the transfer server in the box did not listen on port 80".into());
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }

    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    fn missing_tools() -> Option<String> {
        let missing: Vec<&str> = ["sshd", "wg", "wireguard-go", "ssh"]
            .into_iter()
            .filter(|p| which(p).is_none())
            .collect();
        (!missing.is_empty()).then(|| {
            format!(
                "needs {} (openssh-server, wireguard-tools, wireguard-go)",
                missing.join(", ")
            )
        })
    }

    /// 7a connection set-up and 7b a 50 MB transfer, from the internet namespace: to the box
    /// through the router's port forwarding (the `direct` lab, port 80 mapped in `run`), and
    /// to the box behind CGNAT through the relay's VPS (a `cgnat` lab). The relay row's ratio
    /// is relay/direct; its note gives the added latency per connection and the throughputs.
    pub fn rows(direct: &Lab, n: usize) -> Res<Vec<Row>> {
        let why = missing_tools();
        // The one-iteration smoke (CI) moves 5 MB: the userspace WireGuard of the lab needs
        // seconds for 50.
        let size = if n == 1 { BYTES / 10 } else { BYTES };
        let relay_lab = match &why {
            None => Some(Lab::up_as(
                &direct.direkt,
                &format!("brly{}", std::process::id()),
                "cgnat",
            )?),
            Some(_) => None,
        };
        let _servers = match &relay_lab {
            Some(r) => {
                r.install_counters()?;
                let out = Command::new(&r.direkt)
                    .args([
                        "-q", "lab", "exec", "--name", &r.name, "--", "direkt", "relay", "setup",
                    ])
                    .args(["--host", &format!("root@{VPS}"), "--yes"])
                    .output()
                    .map_err(|e| format!("direkt relay setup: {e}"))?;
                if !out.status.success() {
                    return Err(format!(
                        "direkt relay setup failed in the bench's cgnat lab: {}",
                        String::from_utf8_lossy(&out.stderr)
                    ));
                }
                vec![Server::start(direct, size)?, Server::start(r, size)?]
            }
            None => vec![Server::start(direct, size)?],
        };
        let me = direct.me.display().to_string();
        let wan = format!("{WAN_A}:80");
        let vps = format!("{VPS}:80");
        let conns = CONNECTIONS.to_string();
        let bytes = size.to_string();
        let tool = |label: &str, relay: bool, argv: Vec<String>| {
            let mut t = Tool::new(label, relay, argv, &[]);
            t.role = "inet";
            if relay {
                t = t.unavailable_if(why.clone());
            }
            t
        };
        let mut rows = vec![];
        let name_a = format!("7a {CONNECTIONS} TCP connections from the internet");
        let name_b = format!("7b {} MB transfer from the box to the internet", size >> 20);
        let direct_a = tool(
            "direct (router forwarding)",
            false,
            argv(&[&me, "--connect", &wan, &conns]),
        );
        let direct_b = tool(
            "direct (router forwarding)",
            false,
            argv(&[&me, "--fetch", &wan, &bytes]),
        );
        let relay_a = tool(
            "through the relay (WireGuard to a VPS)",
            true,
            argv(&[&me, "--connect", &vps, &conns]),
        );
        let relay_b = tool(
            "through the relay (WireGuard to a VPS)",
            true,
            argv(&[&me, "--fetch", &vps, &bytes]),
        );
        let mut a = scenario(direct, &name_a, vec![direct_a], n, none, none)?;
        let mut b = scenario(direct, &name_b, vec![direct_b], n, none, none)?;
        match &relay_lab {
            Some(r) => {
                a.extend(scenario(r, &name_a, vec![relay_a], n, none, none)?);
                b.extend(scenario(r, &name_b, vec![relay_b], n, none, none)?);
            }
            None => {
                a.extend(scenario(direct, &name_a, vec![relay_a], n, none, none)?);
                b.extend(scenario(direct, &name_b, vec![relay_b], n, none, none)?);
            }
        }
        if let (Some(d), Some(r)) = (a[0].median_wall(), a.get(1).and_then(Row::median_wall)) {
            a[1].note = Some(format!(
                "the relay adds {:.2} ms per connection set-up ({:.2} vs {:.2} ms)",
                (r - d) / CONNECTIONS as f64,
                r / CONNECTIONS as f64,
                d / CONNECTIONS as f64
            ));
        }
        let mbps = |ms: f64| size as f64 / 1e6 / (ms / 1e3);
        if let Some(d) = b[0].median_wall() {
            b[0].note = Some(format!("{:.0} MB/s", mbps(d)));
        }
        if let Some(r) = b.get(1).and_then(Row::median_wall) {
            b[1].note = Some(format!("{:.0} MB/s", mbps(r)));
        }
        rows.extend(a);
        rows.extend(b);
        Ok(rows)
    }
}
