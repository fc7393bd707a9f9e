//! The deploy hook: a shell command run after a new certificate is live, with the paths in
//! environment variables, killed (with its whole process group) when it overruns its timeout.
//! Its failure is reported; the new certificate stays.

use std::process::Stdio;
use std::time::Duration;

use serde::Serialize;
use tokio::io::AsyncReadExt;

use crate::acme::store::CertPaths;

/// What the hook did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HookReport {
    pub command: String,
    pub ok: bool,
    /// Exit code; `None` when it was killed or could not start.
    pub exit_code: Option<i32>,
    pub timed_out: bool,
    pub millis: u64,
    /// The last lines it printed (stdout and stderr), for the failure message.
    pub output_tail: String,
}

const TAIL: usize = 2000;

/// Output is read by a task of its own: a daemon the hook starts may keep the pipes open long
/// after the hook itself has exited. Stdout, then stderr.
fn collect(
    mut out: Option<tokio::process::ChildStdout>,
    mut err: Option<tokio::process::ChildStderr>,
) -> tokio::task::JoinHandle<Vec<u8>> {
    tokio::spawn(async move {
        let mut a = Vec::new();
        let mut b = Vec::new();
        let ra = async {
            if let Some(o) = out.as_mut() {
                let _ = o.read_to_end(&mut a).await;
            }
        };
        let rb = async {
            if let Some(e) = err.as_mut() {
                let _ = e.read_to_end(&mut b).await;
            }
        };
        tokio::join!(ra, rb);
        a.extend_from_slice(&b);
        a
    })
}

pub async fn run(
    command: &str,
    timeout: Duration,
    name: &str,
    domains: &[String],
    paths: &CertPaths,
) -> HookReport {
    let start = std::time::Instant::now();
    let mut cmd = tokio::process::Command::new("sh");
    cmd.arg("-c")
        .arg(command)
        .env("DIREKT_NAME", name)
        .env("DIREKT_DOMAINS", domains.join(" "))
        .env("DIREKT_CERT_DIR", &paths.dir)
        .env("DIREKT_FULLCHAIN", &paths.fullchain)
        .env("DIREKT_PRIVKEY", &paths.privkey)
        .env("DIREKT_CERT", &paths.cert)
        .env("DIREKT_CHAIN", &paths.chain)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so a timeout kills everything it started.
        .process_group(0)
        .kill_on_drop(true);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return HookReport {
                command: command.to_string(),
                ok: false,
                exit_code: None,
                timed_out: false,
                millis: start.elapsed().as_millis() as u64,
                output_tail: format!("cannot start sh: {e}"),
            };
        }
    };
    let pid = child.id();
    let collector = collect(child.stdout.take(), child.stderr.take());
    let waited = tokio::time::timeout(timeout, child.wait()).await;
    let output = match &waited {
        Ok(_) => tokio::time::timeout(Duration::from_millis(200), collector)
            .await
            .ok()
            .and_then(|r| r.ok())
            .unwrap_or_default(),
        Err(_) => {
            collector.abort();
            vec![]
        }
    };
    let millis = start.elapsed().as_millis() as u64;
    match waited {
        Ok(status) => {
            let code = status.ok().and_then(|s| s.code());
            HookReport {
                command: command.to_string(),
                ok: code == Some(0),
                exit_code: code,
                timed_out: false,
                millis,
                output_tail: tail(&output),
            }
        }
        Err(_) => {
            if let Some(pid) = pid {
                // SAFETY: signalling a process group we created; no memory is involved.
                unsafe {
                    libc::kill(-(pid as i32), libc::SIGKILL);
                }
            }
            HookReport {
                command: command.to_string(),
                ok: false,
                exit_code: None,
                timed_out: true,
                millis,
                output_tail: String::new(),
            }
        }
    }
}

fn tail(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    let s = s.trim_end();
    let start = s.len().saturating_sub(TAIL);
    let start = (start..=s.len())
        .find(|i| s.is_char_boundary(*i))
        .unwrap_or(s.len());
    s[start..].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(dir: &std::path::Path) -> CertPaths {
        CertPaths {
            dir: dir.to_path_buf(),
            fullchain: dir.join("fullchain.pem"),
            privkey: dir.join("privkey.pem"),
            cert: dir.join("cert.pem"),
            chain: dir.join("chain.pem"),
        }
    }

    #[tokio::test]
    async fn the_hook_gets_every_variable() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("env.txt");
        let cmd = format!(
            "echo \"$DIREKT_NAME|$DIREKT_DOMAINS|$DIREKT_CERT_DIR|$DIREKT_FULLCHAIN|$DIREKT_PRIVKEY|$DIREKT_CERT|$DIREKT_CHAIN\" > {}",
            out.display()
        );
        let p = paths(dir.path());
        let r = run(
            &cmd,
            Duration::from_secs(5),
            "box.example.test",
            &["box.example.test".into(), "www.example.test".into()],
            &p,
        )
        .await;
        assert!(r.ok, "{r:?}");
        let got = std::fs::read_to_string(&out).unwrap();
        let d = dir.path().display();
        assert_eq!(
            got.trim(),
            format!(
                "box.example.test|box.example.test www.example.test|{d}|{d}/fullchain.pem|{d}/privkey.pem|{d}/cert.pem|{d}/chain.pem"
            )
        );
    }

    #[tokio::test]
    async fn a_failing_hook_reports_its_code_and_output() {
        let dir = tempfile::tempdir().unwrap();
        let r = run(
            "echo nginx: bad config >&2; exit 3",
            Duration::from_secs(5),
            "n.example.test",
            &[],
            &paths(dir.path()),
        )
        .await;
        assert!(!r.ok);
        assert_eq!(r.exit_code, Some(3));
        assert_eq!(r.output_tail, "nginx: bad config");
    }

    #[tokio::test]
    async fn a_hanging_hook_is_killed_with_its_children() {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("child.pid");
        // The child sleeps in the background: it must die with the group.
        let cmd = format!("sleep 30 & echo $! > {}; wait", pidfile.display());
        let t = std::time::Instant::now();
        let r = run(
            &cmd,
            Duration::from_millis(300),
            "n.example.test",
            &[],
            &paths(dir.path()),
        )
        .await;
        assert!(r.timed_out && !r.ok, "{r:?}");
        assert!(t.elapsed() < Duration::from_secs(5));
        let pid: i32 = std::fs::read_to_string(&pidfile)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        // Killed means gone or a zombie waiting for its new parent to reap it.
        let alive = std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
            s.rsplit(')')
                .next()
                .is_some_and(|rest| !rest.trim_start().starts_with('Z'))
        });
        assert!(!alive, "the hook's child {pid} survived");
    }
}
