//! The programs `direkt lab up` runs, the Debian packages that ship them, and installing the
//! missing ones (`--install`) without letting their scripts start host daemons.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::prompt::{Prompter, Question};

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
    missing_by(programs, &installed)
}

/// Whether `program` (shipped by `package`) is installed: found in PATH. (The tests see the
/// refusal with `PATH=/nonexistent`, without uninstalling anything.)
pub fn installed(program: &str, _package: &str) -> bool {
    which(program).is_some()
}

/// [`missing`] with the installed check passed in.
pub fn missing_by(
    programs: &[(&str, &'static str)],
    installed: &dyn Fn(&str, &str) -> bool,
) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = vec![];
    for (prog, pkg) in programs {
        if !installed(prog, pkg) && !out.contains(pkg) {
            out.push(pkg);
        }
    }
    out
}

pub fn install_line(pkgs: &[&str]) -> String {
    format!("apt-get install --no-install-recommends {}", pkgs.join(" "))
}

/// The usage error for missing packages: names them and the exact commands, `command` being
/// the direkt command that needs them (`direkt lab demo`).
pub fn missing_error(pkgs: &[&str], command: &str) -> Error {
    Error::usage(format!(
        "the lab needs Debian packages that are not installed: {}",
        pkgs.join(", ")
    ))
    .hint(format!(
        "run: apt-get update && {}\n  or let direkt do it: {command} --install",
        install_line(pkgs)
    ))
}

/// How the lab's packages get installed: `flag` is `--install`; `prompter` is there on a
/// terminal; `install` runs apt-get ([`install`] outside tests); `say` reports.
pub struct Ensure<'a, 'p> {
    /// The direkt command that needs the packages, for the hint: `direkt lab up`.
    pub command: &'a str,
    pub flag: bool,
    pub installed: &'a dyn Fn(&str, &str) -> bool,
    pub prompter: Option<&'p mut dyn Prompter>,
    pub install: &'a mut dyn FnMut(&[&str]) -> Result<()>,
    pub say: &'a mut dyn FnMut(String),
}

/// Make sure the lab's programs are installed: with `--install` install the missing packages;
/// on a terminal ask (y/N) first; otherwise refuse with exit 2 and the exact command line.
/// Missing client tools alone are only reported (and installed with `--install`).
pub fn ensure(e: Ensure) -> Result<()> {
    let required = missing_by(REQUIRED, e.installed);
    let clients = missing_by(CLIENTS, e.installed);
    let mut all: Vec<&str> = required.clone();
    all.extend(clients.iter().filter(|c| !required.contains(c)));
    if all.is_empty() {
        return Ok(());
    }
    let go = if e.flag {
        true
    } else if required.is_empty() {
        (e.say)(format!(
            "the lab's client tools are missing (tests and `lab exec` use them): {}",
            install_line(&clients)
        ));
        return Ok(());
    } else if let Some(prompter) = e.prompter {
        let help = format!(
            "The lab needs Debian packages that are not installed: {}.",
            all.join(" ")
        );
        let q = Question {
            key: "lab.install",
            prompt: "Install them now with apt-get?",
            help: &help,
        };
        prompter.confirm(q, false)?
    } else {
        false
    };
    if !go {
        return Err(missing_error(&all, e.command));
    }
    (e.say)(format!("installing {}", all.join(" ")));
    (e.install)(&all)?;
    let still = missing_by(REQUIRED, e.installed);
    if !still.is_empty() {
        return Err(missing_error(&still, e.command));
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::ScriptedPrompter;

    /// Runs `ensure` with pebble and natpmpc missing (natpmpc only until "installed"); returns
    /// the result, what was installed and what was said.
    fn run(
        flag: bool,
        prompter: Option<&mut dyn Prompter>,
    ) -> (Result<()>, Vec<Vec<String>>, Vec<String>) {
        let done = std::cell::RefCell::new(vec![]);
        let installed = |_: &str, pkg: &str| {
            !["pebble", "natpmpc"].contains(&pkg) || done.borrow().iter().any(|p| p == pkg)
        };
        let mut calls = vec![];
        let mut said = vec![];
        let r = ensure(Ensure {
            command: "direkt lab demo",
            flag,
            installed: &installed,
            prompter,
            install: &mut |pkgs| {
                calls.push(pkgs.iter().map(|p| p.to_string()).collect());
                done.borrow_mut().extend(pkgs.iter().map(|p| p.to_string()));
                Ok(())
            },
            say: &mut |l| said.push(l),
        });
        (r, calls, said)
    }

    #[test]
    fn the_flag_installs_without_asking() {
        let mut never = ScriptedPrompter::new([]);
        let (r, calls, said) = run(true, Some(&mut never));
        r.unwrap();
        assert_eq!(calls, vec![vec!["pebble", "natpmpc"]]);
        assert!(never.asked.is_empty());
        assert!(said[0].contains("installing pebble natpmpc"), "{said:?}");
    }

    #[test]
    fn a_terminal_asks_and_installs_on_yes_only() {
        let mut yes = ScriptedPrompter::new([("lab.install", Some("yes"))]);
        let (r, calls, _) = run(false, Some(&mut yes));
        r.unwrap();
        assert!(yes.finished());
        assert_eq!(calls.len(), 1);
        // The default (an empty answer) is no.
        let mut default = ScriptedPrompter::new([("lab.install", None)]);
        let (r, calls, _) = run(false, Some(&mut default));
        assert!(calls.is_empty());
        assert_eq!(r.unwrap_err().exit_code(), 2);
    }

    #[test]
    fn neither_terminal_nor_flag_refuses_with_the_exact_lines() {
        let (r, calls, _) = run(false, None);
        assert!(calls.is_empty());
        let e = r.unwrap_err();
        assert_eq!(e.exit_code(), 2);
        let text = format!("{e} {}", e.hint_text().unwrap_or_default());
        assert!(
            text.contains("apt-get install --no-install-recommends pebble natpmpc"),
            "{text}"
        );
        assert!(text.contains("direkt lab demo --install"), "{text}");
    }

    #[test]
    fn missing_clients_alone_are_only_reported() {
        let installed = |_: &str, pkg: &str| pkg != "natpmpc";
        let mut said = vec![];
        ensure(Ensure {
            command: "direkt lab up",
            flag: false,
            installed: &installed,
            prompter: None,
            install: &mut |_| panic!("nothing to install"),
            say: &mut |l| said.push(l),
        })
        .unwrap();
        assert!(said[0].contains("natpmpc"), "{said:?}");
    }
}
