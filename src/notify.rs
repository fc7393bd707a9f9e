//! Early warning: the `[notify] command` is run when `renew` fails, when a provider or CA
//! answer is latched, or when the certificate has fewer than 14 days left. CAs no longer mail
//! before expiry, so this is how an owner hears in time. The same reason is sent at most once a
//! day; the reason travels in environment variables, never in the command line.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::config::NotifyConfig;
use crate::renew::RenewState;

/// Days of certificate lifetime below which the owner is warned.
pub const CERT_WARN_DAYS: i64 = 14;
/// The same reason is sent at most this often.
pub const MIN_INTERVAL_SECS: i64 = 86_400;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// A part of `renew` failed (exit 1).
    RenewFailed,
    /// A provider or CA refused in a way retrying cannot fix (exit 4).
    Latched,
    /// The certificate expires in fewer than 14 days.
    CertExpiring,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::RenewFailed => "renew-failed",
            Reason::Latched => "latched",
            Reason::CertExpiring => "cert-expiring",
        }
    }
}

/// Something the owner should hear about.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub reason: Reason,
    /// `dns`, `ports` or `cert`.
    pub part: String,
    /// One plain sentence (never a secret).
    pub message: String,
}

impl Notice {
    pub fn new(reason: Reason, part: &str, message: impl Into<String>) -> Notice {
        Notice {
            reason,
            part: part.to_string(),
            message: message.into(),
        }
    }
    fn key(&self) -> String {
        format!("{}:{}", self.reason.as_str(), self.part)
    }
}

/// What happened to one notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "outcome", content = "detail")]
pub enum Delivery {
    Sent,
    /// Already sent within the last day.
    Suppressed,
    /// The command failed or timed out (it is tried again next run).
    Failed(String),
}

/// A notice and what became of it (`--json`: reason, part, message, outcome, detail).
#[derive(Debug, Clone, Serialize)]
pub struct Notification {
    #[serde(flatten)]
    pub notice: Notice,
    #[serde(flatten)]
    pub sent: Delivery,
}

impl Notification {
    fn new(n: &Notice, sent: Delivery) -> Notification {
        Notification {
            notice: n.clone(),
            sent,
        }
    }
}

/// Run the notify command once per notice not sent within the last day. Records the time of
/// each successful send in `state.notified`.
pub fn dispatch(
    config: &NotifyConfig,
    name: &str,
    notices: &[Notice],
    state: &mut RenewState,
    now: i64,
) -> Vec<Notification> {
    let mut out = vec![];
    for n in notices {
        let key = n.key();
        if state
            .notified
            .get(&key)
            .is_some_and(|&at| now - at < MIN_INTERVAL_SECS && at <= now)
        {
            out.push(Notification::new(n, Delivery::Suppressed));
            continue;
        }
        let timeout = config.timeout.0;
        match run_command(&config.command, name, n, timeout) {
            Ok(()) => {
                state.notified.insert(key, now);
                out.push(Notification::new(n, Delivery::Sent));
            }
            Err(why) => out.push(Notification::new(n, Delivery::Failed(why))),
        }
    }
    out
}

fn run_command(command: &str, name: &str, n: &Notice, timeout: Duration) -> Result<(), String> {
    let mut child = Command::new("/bin/sh")
        .arg("-c")
        .arg(command)
        .env("DIREKT_NOTIFY_REASON", n.reason.as_str())
        .env("DIREKT_NOTIFY_PART", &n.part)
        .env("DIREKT_NOTIFY_MESSAGE", &n.message)
        .env("DIREKT_NOTIFY_NAME", name)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start the notify command: {e}"))?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("the notify command failed ({status})")),
            Ok(None) if start.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "the notify command did not finish within {} s and was stopped",
                    timeout.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("cannot wait for the notify command: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::HumanDuration;

    fn config(command: String) -> NotifyConfig {
        NotifyConfig {
            command,
            timeout: HumanDuration(Duration::from_secs(5)),
        }
    }

    #[test]
    fn sends_reason_in_env_and_at_most_once_a_day() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log");
        let cfg = config(format!(
            "echo \"$DIREKT_NOTIFY_REASON|$DIREKT_NOTIFY_PART|$DIREKT_NOTIFY_MESSAGE|$DIREKT_NOTIFY_NAME\" >> {}",
            log.display()
        ));
        let mut st = RenewState::default();
        let n = [Notice::new(Reason::Latched, "dns", "bad credentials")];
        let r = dispatch(&cfg, "box.example.org", &n, &mut st, 1_000_000);
        assert_eq!(r[0].sent, Delivery::Sent);
        let r = dispatch(&cfg, "box.example.org", &n, &mut st, 1_000_000 + 3600);
        assert_eq!(r[0].sent, Delivery::Suppressed);
        // A different reason is not held back by the first.
        let other = [Notice::new(Reason::CertExpiring, "cert", "9 days left")];
        assert_eq!(
            dispatch(&cfg, "b.example.org", &other, &mut st, 1_000_100)[0].sent,
            Delivery::Sent
        );
        // A day later the first is sent again.
        let r = dispatch(&cfg, "box.example.org", &n, &mut st, 1_000_000 + 86_400);
        assert_eq!(r[0].sent, Delivery::Sent);
        let text = std::fs::read_to_string(&log).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "latched|dns|bad credentials|box.example.org",
                "cert-expiring|cert|9 days left|b.example.org",
                "latched|dns|bad credentials|box.example.org"
            ]
        );
    }

    #[test]
    fn a_failing_or_hanging_command_is_reported_and_retried_next_time() {
        let mut st = RenewState::default();
        let n = [Notice::new(Reason::RenewFailed, "cert", "CA down")];
        let r = dispatch(&config("exit 3".into()), "b.example.org", &n, &mut st, 10);
        assert!(matches!(&r[0].sent, Delivery::Failed(m) if m.contains("failed")));
        assert!(st.notified.is_empty());
        let mut cfg = config("sleep 5".into());
        cfg.timeout = HumanDuration(Duration::from_millis(200));
        let t = Instant::now();
        let r = dispatch(&cfg, "b.example.org", &n, &mut st, 10);
        assert!(matches!(&r[0].sent, Delivery::Failed(m) if m.contains("did not finish")));
        assert!(t.elapsed() < Duration::from_secs(4));
    }
}
