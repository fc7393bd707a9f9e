//! The schedule for `renew`: a systemd service + timer (randomized, persistent, hardened), or a
//! cron line. `renew` is cheap when nothing is due and locks itself, so running it every few
//! minutes is safe and no `flock` wrapper is needed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config::{HumanDuration, Settings};
use crate::error::{Context, Error, Result};
use crate::fsutil;

/// Which scheduler.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Systemd,
    Cron,
}

/// Everything the unit files are made from.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The direkt binary (absolute).
    pub exe: PathBuf,
    /// `--config` / `--state-dir` to pass, when not the defaults.
    pub args: Vec<String>,
    /// Directories `renew` writes (state, certificates, webroot).
    pub writable: Vec<PathBuf>,
    /// How often.
    pub every: Duration,
    /// A deploy hook is configured: it may need more than the tight capability set.
    pub has_deploy_hook: bool,
    /// A per-host offset (0..every minutes) spreading a fleet's cron runs.
    pub host_offset: u64,
}

pub const SERVICE: &str = "direkt-renew.service";
pub const TIMER: &str = "direkt-renew.timer";
pub const CRON_FILE: &str = "direkt";

/// A file to write: path relative to the root, and contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitFile {
    pub path: PathBuf,
    pub contents: String,
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-=:@+,".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

impl Plan {
    fn command(&self, extra: &[&str]) -> String {
        let mut parts = vec![shell_quote(&self.exe.display().to_string())];
        parts.extend(self.args.iter().map(|a| shell_quote(a)));
        parts.push("renew".into());
        parts.extend(extra.iter().map(|s| s.to_string()));
        parts.join(" ")
    }

    fn minutes(&self) -> u64 {
        (self.every.as_secs() / 60).clamp(1, 60)
    }

    /// The files for `kind`, paths relative to `/`.
    pub fn files(&self, kind: Kind) -> Vec<UnitFile> {
        match kind {
            Kind::Systemd => vec![
                UnitFile {
                    path: PathBuf::from("etc/systemd/system").join(SERVICE),
                    contents: self.service(),
                },
                UnitFile {
                    path: PathBuf::from("etc/systemd/system").join(TIMER),
                    contents: self.timer(),
                },
            ],
            Kind::Cron => vec![UnitFile {
                path: PathBuf::from("etc/cron.d").join(CRON_FILE),
                contents: self.cron(),
            }],
        }
    }

    pub fn service(&self) -> String {
        let writable: Vec<String> = self
            .writable
            .iter()
            .map(|p| format!("-{}", p.display()))
            .collect();
        // Without a deploy hook direkt needs no capability but binding :80/:443 for ACME
        // challenges; a hook (e.g. reloading a web server) may need more, so it keeps root's.
        let caps = if self.has_deploy_hook {
            "# A deploy hook is configured, so root's capabilities are kept for it.\n".to_string()
        } else {
            "CapabilityBoundingSet=CAP_NET_BIND_SERVICE\n".to_string()
        };
        format!(
            "# Written by `direkt schedule install --systemd`; remove with `direkt schedule remove`.
[Unit]
Description=direkt renew: keep the DNS name, port forwarding and certificate current
Documentation=man:direkt-renew(1)
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart={cmd}
# Hardening: renew needs the network (netlink for the default route, :80/:443 for ACME
# challenges) and writes only its own state and certificates.
NoNewPrivileges=yes
ProtectSystem=strict
ReadWritePaths={writable}
ProtectHome=read-only
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
MemoryDenyWriteExecute=yes
SystemCallArchitectures=native
{caps}UMask=0077
TimeoutStartSec=15min
",
            cmd = self.command(&[]),
            writable = writable.join(" "),
        )
    }

    pub fn timer(&self) -> String {
        format!(
            "# Written by `direkt schedule install --systemd`; remove with `direkt schedule remove`.
[Unit]
Description=Run direkt renew every {m} minutes

[Timer]
OnCalendar=*:0/{m}
# Spread a fleet of boxes over the interval, at a stable offset per host.
RandomizedDelaySec={delay}
FixedRandomDelay=true
# Catch up after the machine was off.
Persistent=true

[Install]
WantedBy=timers.target
",
            m = self.minutes(),
            delay = self.minutes() * 60,
        )
    }

    pub fn cron(&self) -> String {
        let m = self.minutes();
        let minute = if m >= 60 {
            format!("{}", self.host_offset % 60)
        } else {
            format!("{}-59/{m}", self.host_offset % m)
        };
        format!(
            "# Written by `direkt schedule install --cron`; remove with `direkt schedule remove --cron`.
# direkt renew locks itself and is silent when nothing changed: cron mails only errors.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
{minute} * * * * root {cmd}
",
            cmd = self.command(&["-q"]),
        )
    }
}

/// A stable number per host (from /etc/machine-id or the host name) to spread cron runs.
pub fn host_offset() -> u64 {
    use sha2::{Digest, Sha256};
    let id = std::fs::read_to_string("/etc/machine-id")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .unwrap_or_default();
    let h = Sha256::digest(id.trim().as_bytes());
    u64::from_be_bytes(h[..8].try_into().expect("8 bytes"))
}

/// `root` joined with a path relative to `/`.
pub fn under(root: &Path, rel: &Path) -> PathBuf {
    root.join(rel)
}

/// Which of the global path flags were given: those are passed on to `renew` even when they
/// name the defaults.
#[derive(Debug, Clone, Copy, Default)]
pub struct PassPaths {
    pub config: bool,
    pub state_dir: bool,
}

/// Whether systemd runs this machine.
pub fn systemd_runs() -> bool {
    Path::new("/run/systemd/system").is_dir()
}

/// The plan for this machine's config and state paths.
pub fn plan_for(settings: &Settings, pass: PassPaths, every: HumanDuration) -> Result<Plan> {
    let minutes = every.0.as_secs() / 60;
    if !(1..=60).contains(&minutes) || !every.0.as_secs().is_multiple_of(60) {
        return Err(Error::usage(format!(
            "--every {every} is not a whole number of minutes from 1m to 60m"
        ))
        .hint("use e.g. --every 5m"));
    }
    let exe = std::env::current_exe().failed(|| "cannot find the direkt binary".into())?;
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut args = vec![];
    if pass.config || settings.paths.config_file != crate::config::default_config_file() {
        args.push("--config".into());
        args.push(abs(&settings.paths.config_file).display().to_string());
    }
    if pass.state_dir {
        args.push("--state-dir".into());
        args.push(abs(&settings.paths.state_dir).display().to_string());
    }
    let mut writable = vec![abs(&settings.paths.state_dir)];
    let cert = settings.config.as_ref().and_then(|c| c.cert.as_ref());
    if let Some(w) = cert.and_then(|c| c.webroot.as_ref()) {
        writable.push(abs(w));
    }
    Ok(Plan {
        exe,
        args,
        writable,
        every: every.0,
        has_deploy_hook: cert.is_some_and(|c| c.deploy_hook.is_some()),
        host_offset: host_offset(),
    })
}

/// Write the files for `kind` below `root`; on the real root with systemd, enable the timer.
/// Each step is told to `say` (the command prints it).
pub fn install(
    plan: &Plan,
    kind: Kind,
    root: &Path,
    say: &mut dyn FnMut(String),
) -> Result<Vec<PathBuf>> {
    let mut written = vec![];
    for f in plan.files(kind) {
        let path = under(root, &f.path);
        if std::fs::read_to_string(&path).is_ok_and(|old| old == f.contents) {
            say(format!("{} is already up to date", path.display()));
            continue;
        }
        if let Some(dir) = path.parent() {
            fsutil::create_dir(dir, 0o755).failed(|| format!("cannot create {}", dir.display()))?;
        }
        fsutil::write_atomic(&path, f.contents.as_bytes(), 0o644)
            .failed(|| format!("cannot write {}", path.display()))?;
        say(format!("wrote {}", path.display()));
        written.push(path);
    }
    if kind == Kind::Systemd {
        if root == Path::new("/") && systemd_runs() {
            systemctl(&["daemon-reload"])?;
            systemctl(&["enable", "--now", TIMER])?;
            say(format!("enabled {}", TIMER));
        } else {
            say(format!(
                "to start it: systemctl daemon-reload && systemctl enable --now {}",
                TIMER
            ));
        }
    }
    Ok(written)
}

/// Remove the files for `kind` below `root` (and disable the timer on the real root).
pub fn remove(kind: Kind, root: &Path, say: &mut dyn FnMut(String)) -> Result<()> {
    if kind == Kind::Systemd && root == Path::new("/") && systemd_runs() {
        // Disabling a timer that was never enabled is fine; ignore its complaint.
        let _ = systemctl(&["disable", "--now", TIMER]);
    }
    let dummy = Plan {
        exe: PathBuf::new(),
        args: vec![],
        writable: vec![],
        every: std::time::Duration::from_secs(300),
        has_deploy_hook: false,
        host_offset: 0,
    };
    let mut removed = 0;
    for f in dummy.files(kind) {
        let path = under(root, &f.path);
        match std::fs::remove_file(&path) {
            Ok(()) => {
                say(format!("removed {}", path.display()));
                removed += 1;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(Error::failed(format!(
                    "cannot remove {}: {e}",
                    path.display()
                )));
            }
        }
    }
    if removed == 0 {
        say("nothing to remove: no schedule was installed there".into());
    } else if kind == Kind::Systemd && root == Path::new("/") && systemd_runs() {
        systemctl(&["daemon-reload"])?;
    }
    Ok(())
}

fn systemctl(args: &[&str]) -> Result<()> {
    let status = std::process::Command::new("systemctl")
        .args(args)
        .status()
        .failed(|| "cannot run systemctl".into())?;
    if !status.success() {
        return Err(
            Error::failed(format!("systemctl {} failed ({status})", args.join(" ")))
                .hint("see `journalctl -xe`; or use --cron"),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Plan {
        Plan {
            exe: "/usr/bin/direkt".into(),
            args: vec!["--config".into(), "/srv/my direkt.toml".into()],
            writable: vec!["/var/lib/direkt".into()],
            every: Duration::from_secs(300),
            has_deploy_hook: false,
            host_offset: 7,
        }
    }

    #[test]
    fn cron_line_is_offset_per_host_and_quoted() {
        let c = plan().cron();
        assert!(
            c.contains(
                "2-59/5 * * * * root /usr/bin/direkt --config '/srv/my direkt.toml' renew -q\n"
            ),
            "{c}"
        );
    }

    #[test]
    fn service_is_hardened_and_timer_randomized() {
        let p = plan();
        let s = p.service();
        for want in [
            "NoNewPrivileges=yes",
            "ProtectSystem=strict",
            "ReadWritePaths=-/var/lib/direkt",
            "PrivateTmp=yes",
            "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
            "AF_NETLINK",
        ] {
            assert!(s.contains(want), "{want} missing:\n{s}");
        }
        let t = p.timer();
        assert!(t.contains("OnCalendar=*:0/5"));
        assert!(t.contains("RandomizedDelaySec=300"));
        assert!(t.contains("Persistent=true"));
        let hooked = Plan {
            has_deploy_hook: true,
            ..plan()
        };
        assert!(!hooked.service().contains("CapabilityBoundingSet"));
    }
}
