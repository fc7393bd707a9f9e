//! Network namespaces: creating links and addresses with `ip -batch`, entering a namespace from
//! one thread (so direkt itself can probe daemons inside the lab without spawning anything),
//! finding every process inside a namespace, and ending them by PID.

use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// Where `ip netns add` pins namespaces.
pub const NETNS_DIR: &str = "/run/netns";
/// Files here are bind-mounted over /etc by `ip netns exec` (we put resolv.conf there).
pub const ETC_NETNS_DIR: &str = "/etc/netns";

/// Run `ip [-n NS] -batch -` with `lines` as commands; one process for many changes.
pub fn ip_batch(netns: Option<&str>, lines: &[String]) -> Result<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let mut cmd = Command::new("ip");
    if let Some(ns) = netns {
        cmd.args(["-n", ns]);
    }
    cmd.args(["-batch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .map_err(|e| Error::failed(format!("cannot run `ip`: {e}")))?;
    let script = lines.join("\n") + "\n";
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(script.as_bytes())?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(Error::failed(format!(
            "`ip{} -batch` failed: {}\ncommands:\n{script}",
            netns.map(|n| format!(" -n {n}")).unwrap_or_default(),
            err.trim()
        ))
        .hint("run `direkt lab down` for this lab name and try again; check `ip netns list`"));
    }
    Ok(())
}

pub fn path(name: &str) -> PathBuf {
    Path::new(NETNS_DIR).join(name)
}

pub fn exists(name: &str) -> bool {
    path(name).exists()
}

/// The inode that identifies a namespace (what /proc/PID/ns/net links to).
pub fn inode(name: &str) -> Option<u64> {
    std::fs::metadata(path(name)).ok().map(|m| m.ino())
}

/// Move the calling thread into namespace `name`. Only this thread changes; sockets it opens
/// afterwards live in the lab.
pub fn enter(name: &str) -> Result<()> {
    use std::os::fd::AsRawFd;
    let f = std::fs::File::open(path(name))
        .map_err(|e| Error::failed(format!("cannot open namespace {name}: {e}")))?;
    // SAFETY: setns on a valid fd we own; it affects only the calling thread's network namespace.
    let rc = unsafe { libc::setns(f.as_raw_fd(), libc::CLONE_NEWNET) };
    if rc != 0 {
        return Err(Error::failed(format!(
            "cannot enter namespace {name}: {}",
            std::io::Error::last_os_error()
        )));
    }
    Ok(())
}

/// Run `f` on a new thread inside namespace `name` and return its result.
pub fn run_in<T, F>(name: &str, f: F) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T> + Send + 'static,
{
    spawn_in(name, f)
        .join()
        .map_err(|_| Error::failed(format!("a thread inside namespace {name} panicked")))?
}

/// Start `f` on a new thread inside namespace `name`.
pub fn spawn_in<T, F>(name: &str, f: F) -> std::thread::JoinHandle<Result<T>>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T> + Send + 'static,
{
    let name = name.to_string();
    std::thread::spawn(move || {
        enter(&name)?;
        f()
    })
}

/// Write a sysctl inside the namespace the calling thread is in (`key` like
/// `net/ipv4/ip_forward`). /proc/sys/net follows the opening thread's namespace.
pub fn sysctl(key: &str, value: &str) -> Result<()> {
    let p = Path::new("/proc/sys").join(key);
    std::fs::write(&p, value).map_err(|e| {
        Error::failed(format!("cannot set {}: {e}", p.display()))
            .hint("the kernel needs network namespace support (CONFIG_NET_NS)")
    })
}

/// Every process whose network namespace is one of `inodes` (what `ip netns pids` does, for
/// several namespaces in one pass over /proc).
pub fn pids_in(inodes: &[u64]) -> Vec<i32> {
    let mut out = vec![];
    if inodes.is_empty() {
        return out;
    }
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for e in dir.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        if let Ok(m) = std::fs::metadata(e.path().join("ns/net"))
            && inodes.contains(&m.ino())
        {
            out.push(pid);
        }
    }
    out
}

/// Alive and not a zombie (a reparented zombie may linger if nobody reaps it).
pub fn alive(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => {
            // The state follows the parenthesised command name, which may contain spaces.
            let state = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next());
            !matches!(state, Some("Z") | Some("X") | None)
        }
        Err(_) => false,
    }
}

/// End processes: SIGTERM, wait up to `grace`, then SIGKILL the rest and wait for them.
/// Returns the PIDs that still live (should be none).
pub fn terminate(pids: &[i32], grace: Duration) -> Vec<i32> {
    let signal_all = |sig: i32, pids: &[i32]| {
        for &pid in pids {
            if pid > 1 {
                // SAFETY: kill with a positive pid and a valid signal number.
                unsafe { libc::kill(pid, sig) };
            }
        }
    };
    let wait = |pids: &[i32], limit: Duration| -> Vec<i32> {
        let start = Instant::now();
        loop {
            let left: Vec<i32> = pids.iter().copied().filter(|&p| alive(p)).collect();
            if left.is_empty() || start.elapsed() >= limit {
                return left;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    signal_all(libc::SIGTERM, pids);
    let left = wait(pids, grace);
    if left.is_empty() {
        return left;
    }
    signal_all(libc::SIGKILL, &left);
    wait(&left, Duration::from_secs(2))
}
