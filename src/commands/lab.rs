//! `direkt lab ...`: build, inspect, use and tear down the namespace lab (see `crate::lab`).

use std::os::unix::process::CommandExt;
use std::process::{Command, ExitCode};
use std::time::Instant;

use crate::error::{Error, Result};
use crate::lab::{self, LabInfo, Role, Scenario, UpOptions, netns, packages};
use crate::output::{Printer, Style};

#[derive(Debug, clap::Args)]
pub struct LabArgs {
    #[command(subcommand)]
    pub command: LabCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum LabCommand {
    /// Build a lab: namespaces, NAT router with miniupnpd, Pebble, Knot, STUN, probe server
    Up(UpArgs),
    /// Tear a lab down: end its processes, delete its namespaces and files (also after a crash)
    Down(DownArgs),
    /// Run a command inside the lab (default: in the box, with the lab's resolver)
    Exec(ExecArgs),
    /// Show every address, URL and file of a running lab
    Status(StatusArgs),
    /// List the scenarios `lab up --scenario` knows
    Scenarios(ScenariosArgs),
    /// The whole job in one command: lab up, unattended setup in the box, doctor, the
    /// certificate, lab down
    Demo(crate::commands::lab_demo::DemoArgs),
    /// The lab router's NAT loopback: mirror miniupnpd's mappings for the LAN (started by `lab
    /// up` in the router's namespace)
    #[command(hide = true)]
    Loopback(LoopbackArgs),
}

#[derive(Debug, clap::Args)]
pub struct LoopbackArgs {
    /// The router's WAN address
    #[arg(long)]
    pub wan: std::net::Ipv4Addr,
    /// The router's LAN interface
    #[arg(long, default_value = "lan0")]
    pub lan_if: String,
}

#[derive(Debug, clap::Args)]
pub struct NameArg {
    /// Lab name: prefix of its namespaces (`<name>-box`, ...) and of /run/direkt-lab/<name>
    #[arg(long, default_value = lab::DEFAULT_NAME, env = "DIREKT_LAB_NAME", value_name = "NAME")]
    pub name: String,
}

#[derive(Debug, clap::Args)]
pub struct UpArgs {
    #[command(flatten)]
    pub name: NameArg,
    /// Network condition to build
    #[arg(long, value_enum, default_value_t = Scenario::Direct, value_name = "NAME")]
    pub scenario: Scenario,
    /// Percentage of nonces Pebble rejects with badNonce (clients must retry)
    #[arg(long, default_value_t = 0, value_name = "PCT", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub pebble_nonce_reject: u8,
    /// Install missing Debian packages with apt-get first
    #[arg(long)]
    pub install: bool,
    /// Print the lab's description as JSON (as `lab status --json`)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct DownArgs {
    #[command(flatten)]
    pub name: NameArg,
}

#[derive(Debug, clap::Args)]
pub struct ExecArgs {
    #[command(flatten)]
    pub name: NameArg,
    /// Namespace to run in
    #[arg(long = "in", value_enum, default_value_t = Role::Box, value_name = "HOST")]
    pub host: Role,
    /// The command and its arguments (`direkt` means this direkt binary)
    #[arg(
        required = true,
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "CMD"
    )]
    pub cmd: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub name: NameArg,
    /// Print JSON (the lab's lab.json, with `running` per daemon)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ScenariosArgs {
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: &LabArgs, p: &Printer) -> Result<ExitCode> {
    match &args.command {
        LabCommand::Up(a) => up(a, p),
        LabCommand::Down(a) => down(a, p),
        LabCommand::Exec(a) => exec(a),
        LabCommand::Status(a) => status(a, p),
        LabCommand::Scenarios(a) => scenarios(a, p),
        LabCommand::Demo(a) => crate::commands::lab_demo::run(a, p),
        LabCommand::Loopback(a) => lab::loopback::run(a.wan, &a.lan_if).map(|()| ExitCode::SUCCESS),
    }
}

fn up(a: &UpArgs, p: &Printer) -> Result<ExitCode> {
    lab::validate_name(&a.name.name)?;
    lab::preflight()?;
    let required = packages::missing(packages::REQUIRED);
    let clients = packages::missing(packages::CLIENTS);
    if a.install && (!required.is_empty() || !clients.is_empty()) {
        let all: Vec<&str> = required.iter().chain(&clients).copied().collect();
        p.status(&format!("installing {}", all.join(" ")));
        packages::install(&all)?;
    } else if !required.is_empty() {
        let all: Vec<&str> = required.iter().chain(&clients).copied().collect();
        return Err(packages::missing_error(&all));
    } else if !clients.is_empty() {
        p.warn(&format!(
            "the lab's client tools are missing (tests and `lab exec` use them): {}",
            packages::install_line(&clients)
        ));
    }
    let still = packages::missing(packages::REQUIRED);
    if !still.is_empty() {
        return Err(packages::missing_error(&still));
    }
    let start = Instant::now();
    let info = lab::up(&UpOptions {
        name: a.name.name.clone(),
        scenario: a.scenario,
        nonce_reject: a.pebble_nonce_reject,
    })?;
    p.status(&format!(
        "lab {} ({}) is up in {:.2} s",
        info.name,
        info.scenario,
        start.elapsed().as_secs_f64()
    ));
    if a.json {
        p.json(&info);
    } else {
        p.data(&render(&info, p));
    }
    Ok(ExitCode::SUCCESS)
}

fn down(a: &DownArgs, p: &Printer) -> Result<ExitCode> {
    lab::validate_name(&a.name.name)?;
    lab::preflight()?;
    let start = Instant::now();
    let r = lab::down(&a.name.name)?;
    if r.namespaces.is_empty() && !r.run_dir_removed {
        p.status(&format!("no lab named `{}`: nothing to do", a.name.name));
    } else {
        p.status(&format!(
            "lab {} is down in {:.2} s ({} processes ended, namespaces deleted: {})",
            a.name.name,
            start.elapsed().as_secs_f64(),
            r.processes,
            if r.namespaces.is_empty() {
                "none".to_string()
            } else {
                r.namespaces.join(", ")
            }
        ));
    }
    Ok(ExitCode::SUCCESS)
}

fn exec(a: &ExecArgs) -> Result<ExitCode> {
    let name = &a.name.name;
    lab::validate_name(name)?;
    lab::preflight()?;
    let ns = lab::ns_name(name, a.host);
    if !netns::exists(&ns) {
        let why = if netns::exists(&lab::ns_name(name, Role::Inet)) {
            format!(
                "lab `{name}` has no {} namespace in this scenario",
                a.host.name()
            )
        } else {
            format!("no lab named `{name}` is up")
        };
        return Err(Error::usage(why).hint(format!(
            "see `direkt lab status --name {name}`, or start one with `direkt lab up --name {name}`"
        )));
    }
    let program = if a.cmd[0] == "direkt" {
        std::env::current_exe()?.into_os_string()
    } else {
        a.cmd[0].clone().into()
    };
    let mut cmd = Command::new("ip");
    cmd.args(["netns", "exec", &ns])
        .arg(program)
        .args(&a.cmd[1..]);
    let box_config = lab::RunDir::for_name(name).path("box/direkt.toml");
    if a.host == Role::Box && box_config.exists() {
        // Inside the box, a bare `direkt ...` uses the lab's box config, never the host's.
        cmd.env("DIREKT_CONFIG", &box_config)
            .env_remove("DIREKT_STATE_DIR");
    }
    cmd.env("DIREKT_LAB_NAME", name);
    let err = cmd.exec();
    Err(Error::failed(format!(
        "cannot run `ip netns exec {ns}`: {err}"
    )))
}

fn status(a: &StatusArgs, p: &Printer) -> Result<ExitCode> {
    let info = lab::status(&a.name.name)?;
    if a.json {
        p.json(&info);
    } else {
        p.data(&render(&info, p));
    }
    Ok(ExitCode::SUCCESS)
}

fn scenarios(a: &ScenariosArgs, p: &Printer) -> Result<ExitCode> {
    if a.json {
        let list: Vec<_> = Scenario::ALL
            .iter()
            .map(|s| serde_json::json!({ "name": s.name(), "description": s.description() }))
            .collect();
        p.json(&list);
    } else {
        let lines: Vec<String> = Scenario::ALL
            .iter()
            .map(|s| format!("{:<15} {}", s.name(), s.description()))
            .collect();
        p.data(&lines.join("\n"));
    }
    Ok(ExitCode::SUCCESS)
}

/// One line per namespace: its addresses and what it does.
fn hosts(i: &LabInfo) -> Vec<String> {
    let mut o = vec![];
    let v6 = |s: &Option<String>| s.as_ref().map(|a| format!(", {a}")).unwrap_or_default();
    o.push(format!(
        "  box     {:<12} {}{} via {}",
        i.box_.namespace,
        i.box_.ipv4,
        v6(&i.box_.ipv6),
        i.box_.gateway
    ));
    let mut pm = vec![];
    if let Some(v) = &i.router.upnp {
        pm.push(format!(
            "UPnP IGD{v} {}",
            i.router.upnp_url.as_deref().unwrap_or("")
        ));
    }
    if i.router.natpmp_pcp {
        pm.push("NAT-PMP/PCP".into());
    }
    if pm.is_empty() {
        pm.push("no port mapping".into());
    }
    o.push(format!(
        "  router  {:<12} WAN {}{}, LAN {}{}; {}",
        i.router.namespace,
        i.router.wan,
        v6(&i.router.wan_ipv6),
        i.router.lan,
        v6(&i.router.lan_ipv6),
        pm.join(", ")
    ));
    if let Some(u) = &i.upstream {
        o.push(format!(
            "  {:<7} {:<12} {} NAT: outside {}, inside {}; forwards nothing inbound",
            "cgn", u.namespace, u.kind, u.wan, u.inside
        ));
    }
    o.push(format!(
        "  rogue   {:<12} {}",
        i.rogue.namespace, i.rogue.ipv4
    ));
    let blocked = if i.inet.blocked.is_empty() {
        String::new()
    } else {
        format!("; drops {}", i.inet.blocked.join(", "))
    };
    o.push(format!(
        "  inet    {:<12} ISP {}{blocked}",
        i.inet.namespace, i.inet.isp
    ));
    o
}

/// The human view of a lab: what a client needs, one line each.
pub fn render(i: &LabInfo, p: &Printer) -> String {
    let b = |s: &str| p.paint(Style::Bold, s);
    let mut o = vec![format!(
        "{} {} (scenario {}), run directory {}",
        b("Lab"),
        i.name,
        i.scenario,
        i.run_dir.display()
    )];
    o.extend(hosts(i));
    o.push(format!(
        "{} {}",
        b("Public address (as the internet sees the box):"),
        i.public_address
    ));
    o.push(format!("{} {}", b("ACME directory:"), i.acme.directory));
    o.push(format!(
        "  CA bundle (Pebble's TLS): {}",
        i.acme.ca_bundle.display()
    ));
    o.push(format!("  issuing root: {}", i.acme.root.display()));
    if i.acme.nonce_reject > 0 {
        o.push(format!("  rejects {}% of nonces", i.acme.nonce_reject));
    }
    o.push(format!(
        "{} {}{}, zone {}, name {}",
        b("DNS server:"),
        i.dns.server,
        i.dns
            .server_ipv6
            .as_ref()
            .map(|s| format!(" and {s}"))
            .unwrap_or_default(),
        i.dns.zone,
        i.dns.name
    ));
    o.push(format!(
        "  TSIG key {} ({}), secret file {}",
        i.dns.tsig_key_name,
        i.dns.tsig_algorithm,
        i.dns.tsig_secret_file.display()
    ));
    o.push(format!("{} {}", b("STUN:"), i.stun.join(", ")));
    o.push(format!("{} {}", b("Probe server:"), i.probe.join(", ")));
    o.push(format!("{} {}", b("Box config:"), i.box_.config.display()));
    o.push(format!(
        "  secrets {}, state {}",
        i.box_.secrets.display(),
        i.box_.state_dir.display()
    ));
    o.push(format!(
        "  use it: direkt lab exec --name {} -- direkt --config {} status",
        i.name,
        i.box_.config.display()
    ));
    let daemons: Vec<String> = i
        .daemons
        .iter()
        .map(|d| {
            let state = match d.running {
                Some(true) => ", running",
                Some(false) => ", NOT RUNNING",
                None => "",
            };
            format!("{} in {} (pid {}{state})", d.name, d.namespace, d.pid)
        })
        .collect();
    o.push(format!("{} {}", b("Daemons:"), daemons.join("; ")));
    o.join("\n")
}
