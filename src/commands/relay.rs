//! `direkt relay setup|status|remove`: flags to options, the state lock, printing. The work is
//! in [`crate::relay`].

use std::io::IsTerminal;
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::cli::GlobalArgs;
use crate::config::Settings;
use crate::error::{Error, Result};
use crate::output::{Printer, Style};
use crate::prompt::{Prompter, Question, TerminalPrompter};
use crate::relay::{self, SetupOptions, remote::HostKeyPolicy};
use crate::state::{DEFAULT_LOCK_WAIT, StateDir, now_unix};

#[derive(Debug, clap::Args)]
pub struct RelayArgs {
    #[command(subcommand)]
    pub command: RelayCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum RelayCommand {
    /// Set up the VPS (WireGuard, nftables forwarding) and the tunnel on this box, over SSH
    #[command(
        long_about = "Over SSH (the system's OpenSSH client, your key and known_hosts) bring the \
                      VPS into a known state with standard parts only: WireGuard (the kernel's, \
                      or wireguard-go), nftables DNAT of the chosen ports to this box's tunnel \
                      address, IPv4 forwarding; and the same tunnel on this box. Layer 3/4 \
                      only: TLS stays on the box. Visitors' addresses are kept (no SNAT). What \
                      it changed on the VPS is recorded in /var/lib/direkt-relay there, so \
                      `relay remove` restores it. Afterwards `ddns update`/`renew` publish the \
                      VPS's IPv4 as the A record. Exit 2: bad input, the VPS refused the key, its \
                      host key is unknown, no root or no WireGuard there (nothing changed on \
                      either side); 1: unreachable or failed (rolled back)."
    )]
    Setup(SetupArgs),
    /// Show the relay and its tunnel: handshake age, ports, source addresses kept
    Status(StatusArgs),
    /// Undo the relay on the VPS (as far as direkt changed it) and on this box
    Remove(RemoveArgs),
}

#[derive(Debug, clap::Args)]
pub struct SetupArgs {
    /// The VPS to log in to, `USER@HOST` (root, or a user with password-less sudo)
    #[arg(long, value_name = "USER@HOST")]
    pub host: String,
    /// Ports to pass through, TCP unless `/udp`: e.g. `80,443,51413/udp`
    #[arg(long, default_value = "80,443", value_name = "LIST")]
    pub ports: String,
    /// The SSH key to use (only it); default: ssh's own choice (its config, agent, ~/.ssh)
    #[arg(long, value_name = "FILE")]
    pub ssh_key: Option<PathBuf>,
    /// The VPS's SSH port
    #[arg(long, value_name = "PORT")]
    pub ssh_port: Option<u16>,
    /// The VPS's public IPv4 (the A record), when HOST is not it or does not resolve to it
    #[arg(long, value_name = "IPV4")]
    pub address: Option<Ipv4Addr>,
    /// Masquerade on the VPS: the box then sees the VPS as every visitor's address (only where
    /// keeping visitors' addresses cannot work)
    #[arg(long)]
    pub snat: bool,
    /// Accept and remember the VPS's host key if ssh does not know it yet (say so; a changed
    /// key is still refused)
    #[arg(long)]
    pub accept_host_key: bool,
    /// Do not ask (scripts): go ahead with the flags given
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct RemoveArgs {
    /// Remove the box's side even when the VPS cannot be reached (its side then stays)
    #[arg(long)]
    pub keep_going: bool,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

pub async fn run(global: &GlobalArgs, args: &RelayArgs, p: &Printer) -> Result<ExitCode> {
    let settings = Settings::load(global)?;
    let state_dir = settings.paths.state_dir.clone();
    let global_color = p.color;
    match &args.command {
        RelayCommand::Setup(a) => {
            let a = SetupArgsOwned::from(a);
            let p2 = p.clone();
            blocking(move || setup(&state_dir, &a, &p2, global_color)).await
        }
        RelayCommand::Status(a) => {
            let json = a.json;
            let p2 = p.clone();
            blocking(move || status(&state_dir, json, &p2)).await
        }
        RelayCommand::Remove(a) => {
            let (keep, json) = (a.keep_going, a.json);
            let p2 = p.clone();
            blocking(move || remove(&state_dir, keep, json, &p2)).await
        }
    }
}

/// SSH, `wg` and `ip` are blocking programs: run them off the runtime's threads.
async fn blocking<F>(f: F) -> Result<ExitCode>
where
    F: FnOnce() -> Result<ExitCode> + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| Error::failed("the relay task panicked"))?
}

struct SetupArgsOwned {
    host: String,
    ports: String,
    ssh_key: Option<PathBuf>,
    ssh_port: Option<u16>,
    address: Option<Ipv4Addr>,
    snat: bool,
    accept_host_key: bool,
    yes: bool,
    json: bool,
}

impl From<&SetupArgs> for SetupArgsOwned {
    fn from(a: &SetupArgs) -> Self {
        SetupArgsOwned {
            host: a.host.clone(),
            ports: a.ports.clone(),
            ssh_key: a.ssh_key.clone(),
            ssh_port: a.ssh_port,
            address: a.address,
            snat: a.snat,
            accept_host_key: a.accept_host_key,
            yes: a.yes,
            json: a.json,
        }
    }
}

fn setup(
    state_dir: &std::path::Path,
    a: &SetupArgsOwned,
    p: &Printer,
    color: bool,
) -> Result<ExitCode> {
    let (tcp, udp) = relay::parse_ports(&a.ports)?;
    let mut o = SetupOptions {
        host: a.host.clone(),
        ssh_key: a.ssh_key.clone(),
        ssh_port: a.ssh_port,
        address: a.address,
        tcp,
        udp,
        snat: a.snat,
        host_key: HostKeyPolicy::KnownOnly,
    };
    relay::validate(&o)?;
    let terminal = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    if !a.yes && !terminal {
        return Err(Error::usage(
            "relay setup changes the VPS and this box, and there is no terminal to ask",
        )
        .hint(format!(
            "run it on a terminal, or confirm with --yes: direkt relay setup --host {} --yes",
            a.host
        )));
    }
    let ssh = relay::remote::Ssh {
        target: o.host.clone(),
        key: o.ssh_key.clone(),
        port: o.ssh_port,
    };
    // The VPS first: unreachable, refused key or unknown host key end here, nothing changed.
    o.host_key = host_key_policy(&ssh, a, terminal, color, p)?;
    if !a.yes {
        confirm_plan(&o, color)?;
    }
    let lock = StateDir::new(state_dir).lock(DEFAULT_LOCK_WAIT)?;
    let mut state = lock.load()?;
    let report = relay::setup(&o, state_dir, state.relay.as_ref())?;
    state.relay = Some(report.relay.clone());
    lock.save(&state)?;
    if a.json {
        p.json(&report);
        return Ok(ExitCode::SUCCESS);
    }
    let r = &report.relay;
    let mut lines: Vec<String> = report.steps.iter().map(|s| format!("  {s}")).collect();
    if lines.is_empty() {
        lines.push("  nothing to change: the relay was already in place".into());
    }
    lines.push(format!(
        "{} {} passes {} through WireGuard ({} on the VPS, {} here) to this box; the tunnel answered after {} ms",
        p.paint(Style::Green, "relay:"),
        r.address,
        r.ports_text(),
        r.vps_wireguard,
        r.box_wireguard,
        report.handshake_after_ms
    ));
    lines.push(source_line(r));
    lines.push(format!(
        "next: `direkt ddns update` (or `direkt setup`) publishes {} as the A record; `direkt renew` keeps the tunnel working",
        r.address
    ));
    p.data(&lines.join("\n"));
    Ok(ExitCode::SUCCESS)
}

/// Whether ssh knows the VPS's host key; if not, accept it only with `--accept-host-key` or
/// when the user confirms its fingerprint on a terminal.
fn host_key_policy(
    ssh: &relay::remote::Ssh,
    a: &SetupArgsOwned,
    terminal: bool,
    color: bool,
    p: &Printer,
) -> Result<HostKeyPolicy> {
    let e = match relay::probe(ssh, HostKeyPolicy::KnownOnly) {
        Ok(()) => return Ok(HostKeyPolicy::KnownOnly),
        Err(e) if relay::is_unknown_host_key(&e) => e,
        Err(e) => return Err(e),
    };
    let fp_text =
        relay::remote::scan_fingerprint(ssh).unwrap_or_else(|| "(could not be read)".into());
    if a.accept_host_key {
        p.status(&format!(
            "accepting the VPS's new SSH host key {fp_text} (--accept-host-key); ssh remembers it in your known_hosts"
        ));
    } else if terminal && !a.yes {
        let help = format!(
            "ssh does not know {}'s host key yet. Its fingerprint is {fp_text}. Compare it with \
             what your VPS provider shows (or `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` \
             on the VPS's console).",
            a.host
        );
        let ok = TerminalPrompter::new(color).confirm(
            Question {
                key: "relay.accept_host_key",
                prompt: "Accept and remember this host key?",
                help: &help,
            },
            false,
        )?;
        if !ok {
            return Err(e);
        }
    } else {
        return Err(e);
    }
    relay::probe(ssh, HostKeyPolicy::AcceptNew)?;
    Ok(HostKeyPolicy::AcceptNew)
}

/// On a terminal without `--yes`: say what will change and ask.
fn confirm_plan(o: &SetupOptions, color: bool) -> Result<()> {
    let help = format!(
        "On {}: WireGuard interface {}, nftables table inet direkt_relay forwarding {} to this \
         box, IPv4 forwarding on; recorded in /var/lib/direkt-relay so `direkt relay remove` \
         restores it. On this box: the tunnel and a routing rule for its answers.",
        o.host,
        relay::tunnel::IFACE,
        relay::ports_text(&o.tcp, &o.udp)
    );
    let go = TerminalPrompter::new(color).confirm(
        Question {
            key: "relay.setup",
            prompt: "Set up the relay?",
            help: &help,
        },
        true,
    )?;
    if go {
        Ok(())
    } else {
        Err(Error::usage("relay setup cancelled; nothing was changed"))
    }
}

fn source_line(r: &relay::RelayState) -> String {
    if r.source_kept {
        "visitors' addresses are kept: the VPS only rewrites the destination, answers return through the tunnel by policy routing".into()
    } else {
        "visitors' addresses are NOT kept (--snat): the box sees the VPS's tunnel address as every visitor's".into()
    }
}

fn status(state_dir: &std::path::Path, json: bool, p: &Printer) -> Result<ExitCode> {
    let state = StateDir::new(state_dir).read()?.unwrap_or_default();
    let now = now_unix();
    let v = relay::status(state.relay.as_ref(), now);
    if json {
        p.json(&v);
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(r), Some(t)) = (&v.relay, &v.tunnel) else {
        p.data("no relay is set up (direkt relay setup --host USER@VPS)");
        return Ok(ExitCode::SUCCESS);
    };
    let hs = match v.handshake_age_s {
        Some(s) => format!("latest handshake {s} s ago"),
        None => "no handshake yet".into(),
    };
    let lines = [
        format!(
            "relay: {} ({}) passes {} to this box",
            r.address,
            r.host,
            r.ports_text()
        ),
        format!(
            "tunnel: {} {}; {hs}; MTU {}; {}",
            relay::tunnel::IFACE,
            if t.interface { "up" } else { "MISSING" },
            t.mtu.map_or("?".into(), |m| m.to_string()),
            if v.answers {
                "the VPS answers through it"
            } else {
                "the VPS does NOT answer through it (`direkt renew` repairs what it can)"
            }
        ),
        format!(
            "WireGuard: {} on the VPS, {} here; set up {}",
            r.vps_wireguard,
            r.box_wireguard,
            crate::net::time::format_time(r.since)
        ),
        source_line(r),
    ];
    p.data(&lines.join("\n"));
    Ok(ExitCode::SUCCESS)
}

fn remove(
    state_dir: &std::path::Path,
    keep_going: bool,
    json: bool,
    p: &Printer,
) -> Result<ExitCode> {
    let lock = StateDir::new(state_dir).lock(DEFAULT_LOCK_WAIT)?;
    let mut state = lock.load()?;
    let Some(r) = state.relay.clone() else {
        if json {
            p.json(&serde_json::json!({ "removed": false, "steps": [] }));
        } else {
            p.data("no relay is set up: nothing to remove");
        }
        return Ok(ExitCode::SUCCESS);
    };
    let steps = relay::remove(&r, state_dir, keep_going)?;
    state.relay = None;
    lock.save(&state)?;
    if json {
        p.json(&serde_json::json!({ "removed": true, "steps": steps }));
    } else {
        let mut lines: Vec<String> = steps.iter().map(|s| format!("  {s}")).collect();
        lines.push(format!(
            "relay removed; the A record still names {} until `direkt ddns update` publishes the box's own address",
            r.address
        ));
        p.data(&lines.join("\n"));
    }
    Ok(ExitCode::SUCCESS)
}
