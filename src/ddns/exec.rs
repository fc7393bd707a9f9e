//! The `exec` provider: a program of the owner's choosing writes the records. Written after the
//! hook contracts of lego's `exec` provider (https://go-acme.github.io/lego/dns/exec/: a program
//! called per action, non-zero exit = failure) and acme.sh's DNS API hooks
//! (https://github.com/acmesh-official/acme.sh/wiki/DNS-API-Dev-Guide: 0 = success), with
//! sysexits(3) codes added so the program can say "try later" or "refused".
//!
//! # The contract
//!
//! `[ddns] command` is the absolute path of the program. It is run directly (no shell: its path
//! is never split or interpreted, and it gets no arguments), with stdin closed, in its own
//! process group, and these variables in its environment (inherited `DIREKT_*` variables are
//! removed, so no other direkt secret reaches it):
//!
//! | variable | value |
//! | --- | --- |
//! | `DIREKT_ACTION` | `set` (A/AAAA: make the record set exactly this address; TXT: add this value, keep others), `remove` (TXT: remove exactly this value), `verify` (check the credentials, change nothing) |
//! | `DIREKT_NAME` | the full name (`box.example.org`, `_acme-challenge.box.example.org`) |
//! | `DIREKT_TYPE` | `A`, `AAAA` or `TXT` (empty for `verify`) |
//! | `DIREKT_VALUE` | the address or TXT value (empty for `verify`) |
//! | `DIREKT_TTL` | `[ddns] ttl`, seconds |
//! | `DIREKT_SECRET` | the secret `ddns.secret`, when one is set (never on the command line) |
//!
//! Exit codes: 0 done; 75 (`EX_TEMPFAIL`) back off (30 min, doubling); 77 (`EX_NOPERM`) and 78
//! (`EX_CONFIG`) latch (exit 4 until the config changes or `--force`); 64 (`EX_USAGE`) "this
//! action or type is not supported" (for `verify`: no check without a write; exit 2 otherwise);
//! any other code backs off like 75 (a script that fails with 1 for everything is neither
//! hammered every run nor stopped for good). Killed by a signal, or over `[ddns] timeout`
//! (default 30 s; the whole process group is killed): transient, the next run retries.
//!
//! Output: stdout is discarded. Of stderr, only the first line is shown (at most 200
//! characters), after every occurrence of the secret was replaced by `***`; the rest is never
//! shown or logged.

use std::net::IpAddr;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncReadExt;

use super::registry::{Builtin, Key, Kind, RecordType, SecretKey, Spec};
use super::{BoxFuture, Provider, ProviderError};
use crate::config::{DdnsConfig, HumanDuration, Secret, Settings};
use crate::error::{Error, Result};

const HELP: &str = "The absolute path of a program that writes the records (run without a \
     shell; it reads DIREKT_ACTION, DIREKT_NAME, DIREKT_TYPE, DIREKT_VALUE, DIREKT_TTL and \
     DIREKT_SECRET from its environment; see the README, \"The exec provider\").";

const SECRET_HELP: &str = "Optional: a credential the program needs (an API token), handed to it \
     as DIREKT_SECRET in its environment, never on its command line. The setup wizard asks for \
     one; a program that needs none may be given any placeholder.";

/// The program's exit codes (sysexits.h) that mean something particular.
pub const EX_USAGE: i32 = 64;
pub const EX_TEMPFAIL: i32 = 75;
pub const EX_NOPERM: i32 = 77;
pub const EX_CONFIG: i32 = 78;

/// How long the program may run unless `[ddns] timeout` says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How much of the first stderr line is shown.
const SHOWN: usize = 200;

fn absolute_path(s: &str) -> std::result::Result<(), String> {
    if s.starts_with('/') && !s.contains('\0') {
        Ok(())
    } else {
        Err(format!("`{s}` is not an absolute path"))
    }
}

fn timeout_check(s: &str) -> std::result::Result<(), String> {
    let d = s.parse::<HumanDuration>()?.0;
    if d.is_zero() || d > Duration::from_secs(3600) {
        return Err(format!("`{s}` is not between 1 ms and 1 h"));
    }
    Ok(())
}

pub const SPEC: Spec = Spec {
    name: "exec",
    aliases: &[],
    title: "A program of your own",
    kind: Kind::Exec,
    summary: "exec: a program of your own writes the records (no shell; env contract)",
    help: HELP,
    keys: &[
        Key {
            name: "command",
            required: true,
            prompt: "Program (absolute path)",
            help: HELP,
            default: Builtin::None,
            check: absolute_path,
            hint: "set command to the absolute path of the program, e.g. \"/usr/local/bin/dns-update\"",
        },
        Key {
            name: "timeout",
            required: false,
            prompt: "How long the program may run",
            help: "Killed (with everything it started) after this long; default 30s.",
            default: Builtin::Text("30s"),
            check: timeout_check,
            hint: "write a duration such as 30s or 2m (at most 1h)",
        },
    ],
    secrets: &[SecretKey {
        name: "secret",
        prompt: "Secret for the program (optional)",
        help: SECRET_HELP,
    }],
    records: &[RecordType::A, RecordType::Aaaa, RecordType::Txt],
    docs: "https://go-acme.github.io/lego/dns/exec/",
    name_suffix: None,
    guess_suffixes: &[],
    build: |d, s| Ok(Box::new(Exec::from_config(d, s)?)),
};

pub struct Exec {
    command: String,
    timeout: Duration,
    ttl: u32,
    secret: Option<Secret>,
    requests: std::sync::atomic::AtomicU32,
}

/// One run of the program.
struct Call<'a> {
    action: &'a str,
    name: &'a str,
    rtype: &'a str,
    value: &'a str,
}

/// How a run ended.
#[derive(Debug, PartialEq)]
enum Outcome {
    Exited(i32),
    Signalled,
    TimedOut,
}

/// Kills the program's process group unless it was reaped (a timeout, or the caller dropping
/// the future, e.g. doctor's own time limit).
struct Group {
    pid: Option<u32>,
    reaped: bool,
}

impl Drop for Group {
    fn drop(&mut self) {
        if let (Some(pid), false) = (self.pid, self.reaped) {
            // SAFETY: signalling the process group we created; no memory is involved.
            unsafe {
                libc::kill(-(pid as i32), libc::SIGKILL);
            }
        }
    }
}

impl Exec {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<Exec> {
        let command = ddns.get("command").ok_or_else(|| {
            Error::usage("provider exec needs `command` in [ddns]")
                .hint("set command to the absolute path of the program that writes the records")
        })?;
        absolute_path(&command).map_err(|e| {
            Error::usage(format!("ddns.command: {e}"))
                .hint("write the program's absolute path (it is run without a shell)")
        })?;
        let timeout = match ddns.get("timeout") {
            Some(t) => {
                timeout_check(&t).map_err(|e| Error::usage(format!("ddns.timeout: {e}")))?;
                t.parse::<HumanDuration>().map_err(Error::usage)?.0
            }
            None => DEFAULT_TIMEOUT,
        };
        let secret = settings
            .secrets
            .get("ddns", "secret", ddns.secret_file("secret"))?;
        Ok(Exec {
            command,
            timeout,
            ttl: ddns.ttl,
            secret,
            requests: std::sync::atomic::AtomicU32::new(0),
        })
    }

    fn command(&self, call: &Call<'_>) -> tokio::process::Command {
        let mut cmd = tokio::process::Command::new(&self.command);
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("DIREKT_") {
                cmd.env_remove(k);
            }
        }
        cmd.env("DIREKT_ACTION", call.action)
            .env("DIREKT_NAME", call.name)
            .env("DIREKT_TYPE", call.rtype)
            .env("DIREKT_VALUE", call.value)
            .env("DIREKT_TTL", self.ttl.to_string());
        if let Some(s) = &self.secret {
            cmd.env("DIREKT_SECRET", s.expose());
        }
        cmd.stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true);
        cmd
    }

    /// Run the program once: how it ended and its stderr.
    async fn run(&self, call: &Call<'_>) -> Result<(Outcome, Vec<u8>), ProviderError> {
        self.requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut child = self.command(call).spawn().map_err(|e| {
            ProviderError::unsupported(
                format!("cannot start the exec program {}: {e}", self.command),
                "set ddns.command to the absolute path of an executable program (chmod +x)",
            )
        })?;
        let mut group = Group {
            pid: child.id(),
            reaped: false,
        };
        let mut stderr = child.stderr.take();
        // Read stderr beside the wait; a daemon the program leaves may hold the pipe open, so
        // after the exit it gets at most a second more.
        let reader = tokio::spawn(async move {
            let mut buf = Vec::new();
            if let Some(e) = stderr.as_mut() {
                let _ = e.take(64 * 1024).read_to_end(&mut buf).await;
            }
            buf
        });
        let outcome = match tokio::time::timeout(self.timeout, child.wait()).await {
            Ok(Ok(status)) => {
                group.reaped = true;
                match status.code() {
                    Some(c) => Outcome::Exited(c),
                    None => Outcome::Signalled,
                }
            }
            Ok(Err(e)) => {
                return Err(ProviderError::transient(format!(
                    "waiting for the exec program failed: {e}"
                )));
            }
            Err(_) => Outcome::TimedOut,
        };
        drop(group);
        let err = match outcome {
            Outcome::TimedOut => {
                reader.abort();
                vec![]
            }
            _ => tokio::time::timeout(Duration::from_secs(1), reader)
                .await
                .ok()
                .and_then(|r| r.ok())
                .unwrap_or_default(),
        };
        Ok((outcome, err))
    }

    async fn call(&self, call: Call<'_>) -> Result<(), ProviderError> {
        let (outcome, stderr) = self.run(&call).await?;
        let said = first_line(&stderr, self.secret.as_ref().map(|s| s.expose()));
        classify(&outcome, &said, &call, self.timeout)
    }
}

/// The first line of `stderr`, the secret masked, at most [`SHOWN`] characters.
fn first_line(stderr: &[u8], secret: Option<&str>) -> String {
    let text = String::from_utf8_lossy(stderr);
    let mut line = text.lines().next().unwrap_or("").trim().to_string();
    if let Some(s) = secret.filter(|s| !s.is_empty()) {
        line = line.replace(s, "***");
    }
    line.chars()
        .filter(|c| !c.is_control())
        .take(SHOWN)
        .collect()
}

/// The contract's exit-code mapping.
fn classify(
    outcome: &Outcome,
    said: &str,
    call: &Call<'_>,
    timeout: Duration,
) -> Result<(), ProviderError> {
    let what = format!(
        "the exec program ({} {}{})",
        call.action,
        call.rtype,
        if call.rtype.is_empty() { "" } else { " record" }
    );
    let said = if said.is_empty() {
        String::new()
    } else {
        format!(": {said}")
    };
    let code = match outcome {
        Outcome::Exited(0) => return Ok(()),
        Outcome::Exited(c) => *c,
        Outcome::Signalled => {
            return Err(ProviderError::transient(format!(
                "{what} was killed by a signal{said}"
            )));
        }
        Outcome::TimedOut => {
            return Err(ProviderError::transient(format!(
                "{what} ran longer than {} ms and was killed",
                timeout.as_millis()
            ))
            .with_hint("make the program faster, or raise ddns.timeout; the next run retries"));
        }
    };
    Err(match code {
        EX_NOPERM | EX_CONFIG => ProviderError::latch(
            format!("{what} was refused (exit {code}){said}"),
            "fix the credentials or settings the program uses (ddns.secret, its own config); \
             direkt asks again after a config change or --force",
        ),
        EX_USAGE => ProviderError::unsupported(
            format!("{what} does not support this (exit {code}){said}"),
            "use a program that handles this DIREKT_ACTION and DIREKT_TYPE",
        ),
        _ => ProviderError::backoff(format!("{what} failed (exit {code}){said}"), None),
    })
}

impl Provider for Exec {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn set_address<'a>(
        &'a self,
        name: &'a str,
        address: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let value = address.to_string();
            let rtype = if address.is_ipv4() { "A" } else { "AAAA" };
            self.call(Call {
                action: "set",
                name,
                rtype,
                value: &value,
            })
            .await
        })
    }

    fn set_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(self.call(Call {
            action: "set",
            name: fqdn,
            rtype: "TXT",
            value,
        }))
    }

    fn remove_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(self.call(Call {
            action: "remove",
            name: fqdn,
            rtype: "TXT",
            value,
        }))
    }

    /// `DIREKT_ACTION=verify`: the program checks its credentials without a write, or exits 64
    /// when it cannot (doctor then adds and removes a TXT value instead).
    fn verify<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            self.call(Call {
                action: "verify",
                name,
                rtype: "",
                value: "",
            })
            .await?;
            Ok("the exec program's verify succeeded (no record changed)".to_string())
        })
    }

    fn requests(&self) -> u32 {
        self.requests.load(std::sync::atomic::Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddns::Failure;

    fn c(outcome: Outcome, said: &str) -> Result<(), ProviderError> {
        let call = Call {
            action: "set",
            name: "box.example.org",
            rtype: "A",
            value: "192.0.2.1",
        };
        classify(&outcome, said, &call, Duration::from_secs(30))
    }

    #[test]
    fn exit_codes_map_as_documented() {
        assert!(c(Outcome::Exited(0), "").is_ok());
        assert_eq!(
            c(Outcome::Exited(75), "").unwrap_err().failure,
            Failure::Backoff
        );
        assert_eq!(
            c(Outcome::Exited(1), "").unwrap_err().failure,
            Failure::Backoff
        );
        assert_eq!(
            c(Outcome::Exited(77), "").unwrap_err().failure,
            Failure::Latch
        );
        assert_eq!(
            c(Outcome::Exited(78), "").unwrap_err().failure,
            Failure::Latch
        );
        assert_eq!(
            c(Outcome::Exited(64), "").unwrap_err().failure,
            Failure::Unsupported
        );
        assert_eq!(
            c(Outcome::TimedOut, "").unwrap_err().failure,
            Failure::Transient
        );
        assert_eq!(
            c(Outcome::Signalled, "").unwrap_err().failure,
            Failure::Transient
        );
        let e = c(Outcome::Exited(77), "token refused").unwrap_err();
        assert!(e.message.contains("set A record"), "{}", e.message);
        assert!(e.message.contains("token refused"), "{}", e.message);
    }

    #[test]
    fn only_the_first_stderr_line_is_shown_with_the_secret_masked() {
        let out = b"bad token s3cr3t for you\nsecond line s3cr3t\n";
        assert_eq!(first_line(out, Some("s3cr3t")), "bad token *** for you");
        assert_eq!(first_line(b"", Some("s3cr3t")), "");
        let long = "x".repeat(500);
        assert_eq!(first_line(long.as_bytes(), None).len(), SHOWN);
        assert_eq!(first_line(b"a\x1b[31mb", None), "a[31mb");
    }

    #[test]
    fn keys_are_checked() {
        assert!(absolute_path("/usr/local/bin/dns update").is_ok());
        assert!(absolute_path("dns-update").is_err());
        assert!(timeout_check("30s").is_ok());
        assert!(timeout_check("0s").is_err());
        assert!(timeout_check("2h").is_err());
    }
}
