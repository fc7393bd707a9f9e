//! Shell completions and man pages, rendered from the clap definitions, and the Debian
//! package's systemd units, rendered like `direkt schedule install` does. The files are
//! committed; `tests/generated.rs` fails when they are stale.

use std::path::PathBuf;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::cli::Cli;

/// Every generated file: path relative to the repository root, and its content.
pub fn files() -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = vec![];
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ] {
        let mut cmd = Cli::command();
        let mut buf = vec![];
        clap_complete::generate(shell, &mut cmd, "direkt", &mut buf);
        let name = match shell {
            Shell::Bash => "direkt.bash",
            Shell::Zsh => "_direkt",
            Shell::Fish => "direkt.fish",
            Shell::Elvish => "direkt.elv",
            Shell::PowerShell => "_direkt.ps1",
            _ => unreachable!("only the shells listed above"),
        };
        out.push((PathBuf::from("completions").join(name), buf));
    }
    let mut cmd = Cli::command();
    cmd.build();
    man_pages(&cmd, "direkt", &mut out);
    // The Debian package's systemd units (Cargo.toml's [package.metadata.deb]).
    let packaged = crate::schedule::Plan::packaged();
    for unit in packaged.files(crate::schedule::Kind::Systemd) {
        let name = unit.path.file_name().expect("a unit's file name");
        out.push((
            PathBuf::from("debian").join(name),
            unit.contents.into_bytes(),
        ));
    }
    out
}

fn man_pages(cmd: &clap::Command, name: &str, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    let mut buf = vec![];
    let page = cmd
        .clone()
        .name(name.to_string())
        .bin_name(name.replace('-', " "));
    clap_mangen::Man::new(page)
        .render(&mut buf)
        .expect("rendering to memory");
    out.push((PathBuf::from("man").join(format!("{name}.1")), buf));
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        man_pages(sub, &format!("{name}-{}", sub.get_name()), out);
    }
}
