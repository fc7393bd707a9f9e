//! `direkt lab ...`: build, inspect, use and tear down the namespace lab (see `crate::lab`).

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use crate::error::{Error, Result};
use crate::lab::{self, LabInfo, Role, Scenario, UpOptions, packages};
use crate::output::{Printer, Style};
use crate::report::rebuild::{self, Rebuild, Replay};

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
    /// Run doctor in the box of a lab built with `lab up --from-report` and set its verdict
    /// beside the report's: same root cause or not, and the checks that differ
    Replay(ReplayArgs),
    /// The whole job in one command: lab up, unattended setup in the box, doctor, the
    /// certificate, lab down
    Demo(crate::commands::lab_demo::DemoArgs),
    /// The lab router's NAT loopback: mirror miniupnpd's mappings for the LAN (started by `lab
    /// up` in the router's namespace)
    #[command(hide = true)]
    Loopback(LoopbackArgs),
    /// The FRITZ!Box emulation of the `fritzbox` scenario: allow or deny a device's own port
    /// shares (the router's "Permit independent port sharing for this device")
    Fritzbox(FritzboxArgs),
    /// One end of the ds-lite scenario's IPv4-in-IPv6 softwire over the TUN device sw0
    /// (started by `lab up` in the router's and the AFTR's namespace)
    #[command(hide = true)]
    Softwire(SoftwireArgs),
    /// ds-lite: the provider delegates a new IPv6 prefix, as on a reconnect (the box keeps its
    /// interface ID in the new prefix and loses its address in the old one)
    Renumber(RenumberArgs),
}

#[derive(Debug, clap::Args)]
pub struct FritzboxArgs {
    #[command(subcommand)]
    pub command: FritzboxCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum FritzboxCommand {
    /// Tick "Permit independent port sharing for this device" for the box (or --device):
    /// its UPnP port shares and IPv6 pinholes are accepted from now on
    Allow(FritzboxAllowArgs),
    /// Untick it for every device: port shares and pinholes are refused with UPnP error 606
    Deny(FritzboxDenyArgs),
    /// The emulation itself (started by `lab up --scenario fritzbox` in the router's namespace)
    #[command(hide = true)]
    Serve(FritzboxServeArgs),
}

#[derive(Debug, clap::Args)]
pub struct FritzboxAllowArgs {
    #[command(flatten)]
    pub name: NameArg,
    /// The device's address (repeatable) [default: the box, 192.168.77.10 and 2001:db8:77::10]
    #[arg(long, value_name = "IP")]
    pub device: Vec<std::net::IpAddr>,
}

#[derive(Debug, clap::Args)]
pub struct FritzboxDenyArgs {
    #[command(flatten)]
    pub name: NameArg,
}

#[derive(Debug, clap::Args)]
pub struct FritzboxServeArgs {
    /// The lab's run directory
    #[arg(long)]
    pub run_dir: std::path::PathBuf,
    /// The router's WAN address
    #[arg(long)]
    pub wan: std::net::Ipv4Addr,
    /// The router's LAN address
    #[arg(long)]
    pub lan: std::net::Ipv4Addr,
    /// Which router to be
    #[arg(long, value_enum, default_value = "fritzbox")]
    pub profile: lab::fritzbox::Profile,
}

#[derive(Debug, clap::Args)]
pub struct SoftwireArgs {
    /// This end's IPv6 address
    #[arg(long)]
    pub local: std::net::Ipv6Addr,
    /// The other end's IPv6 address
    #[arg(long)]
    pub remote: std::net::Ipv6Addr,
    /// The TUN device (created beforehand with `ip tuntap add dev NAME mode tun`)
    #[arg(long, default_value = lab::softwire::TUN)]
    pub tun: String,
}

#[derive(Debug, clap::Args)]
pub struct RenumberArgs {
    #[command(flatten)]
    pub name: NameArg,
    /// Print JSON: old and new prefix, the box's old and new address
    #[arg(long)]
    pub json: bool,
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
    /// Rebuild a customer's network and setup from their `direkt report` (or `doctor --json`):
    /// the scenario and the box config come from it
    #[arg(long, value_name = "FILE", conflicts_with = "scenario")]
    pub from_report: Option<PathBuf>,
    /// Percentage of nonces Pebble rejects with badNonce (clients must retry)
    #[arg(long, default_value_t = 0, value_name = "PCT", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub pebble_nonce_reject: u8,
    /// The CA of the box's config: Pebble, or acme2certifier (a second, independent ACME
    /// server, started beside Pebble; needs its venv, see tests/run)
    #[arg(long, value_enum, default_value_t = lab::LabCa::Pebble, value_name = "CA")]
    pub ca: lab::LabCa,
    /// Install missing Debian packages with apt-get first, without asking (on a terminal
    /// direkt asks; without one and without this flag it exits 2 with the command to run)
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
pub struct ReplayArgs {
    #[command(flatten)]
    pub name: NameArg,
    /// Print JSON: `same_root_cause`, both verdicts, `differences`, the steps run and the
    /// lab's full doctor results
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
        LabCommand::Replay(a) => replay(a, p),
        LabCommand::Demo(a) => crate::commands::lab_demo::run(a, p),
        LabCommand::Loopback(a) => lab::loopback::run(a.wan, &a.lan_if).map(|()| ExitCode::SUCCESS),
        LabCommand::Fritzbox(a) => fritzbox(a, p),
        LabCommand::Softwire(a) => {
            let ends = lab::softwire::Ends {
                local: a.local,
                remote: a.remote,
            };
            lab::softwire::run(&a.tun, ends).map(|()| ExitCode::SUCCESS)
        }
        LabCommand::Renumber(a) => renumber(a, p),
    }
}

fn renumber(a: &RenumberArgs, p: &Printer) -> Result<ExitCode> {
    lab::preflight()?;
    let r = lab::dslite::renumber(&a.name.name)?;
    if a.json {
        p.json(&r);
    } else {
        p.data(&format!(
            "delegated prefix {} -> {}: the box is now {} ({} is gone)",
            r.old_prefix, r.new_prefix, r.new_box_ipv6, r.old_box_ipv6
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// `lab fritzbox allow|deny|serve`.
fn fritzbox(a: &FritzboxArgs, p: &Printer) -> Result<ExitCode> {
    use lab::fritzbox;
    let lab_of = |name: &str| -> Result<lab::LabInfo> {
        let info = lab::status(name)?;
        if info.scenario != lab::Scenario::Fritzbox.name() {
            return Err(Error::usage(format!(
                "lab `{name}` runs scenario {}, which has no FRITZ!Box",
                info.scenario
            ))
            .hint(format!(
                "start one with `direkt lab up --name {name} --scenario fritzbox`"
            )));
        }
        Ok(info)
    };
    match &a.command {
        FritzboxCommand::Allow(x) => {
            let info = lab_of(&x.name.name)?;
            let devices = if x.device.is_empty() {
                let mut d = vec![info.box_.ipv4.parse().expect("lab address")];
                d.extend(
                    info.box_
                        .ipv6
                        .as_ref()
                        .and_then(|a| a.parse::<std::net::IpAddr>().ok()),
                );
                d
            } else {
                x.device.clone()
            };
            fritzbox::allow(&info.run_dir, &devices)?;
            let list: Vec<String> = devices.iter().map(|d| d.to_string()).collect();
            p.status(&format!(
                "FRITZ!Box of lab {}: \"Permit independent port sharing for this device\" is on for {}",
                x.name.name,
                list.join(", ")
            ));
        }
        FritzboxCommand::Deny(x) => {
            let info = lab_of(&x.name.name)?;
            fritzbox::deny(&info.run_dir)?;
            p.status(&format!(
                "FRITZ!Box of lab {}: no device may create port shares any more (606)",
                x.name.name
            ));
        }
        FritzboxCommand::Serve(x) => fritzbox::serve(fritzbox::Config {
            run_dir: x.run_dir.clone(),
            wan: x.wan,
            lan: x.lan,
            wan_if: "wan0".into(),
            profile: x.profile,
        })?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The lab's Debian packages: installed with `--install`, after a y/N question on a terminal,
/// else refused with exit 2 and the exact command line (`packages::ensure` decides).
pub(crate) fn ensure_packages(command: &str, flag: bool, p: &Printer) -> Result<()> {
    use std::io::IsTerminal;
    let tty = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    let mut terminal = tty.then(|| crate::prompt::TerminalPrompter::new(p.color));
    packages::ensure(packages::Ensure {
        command,
        flag,
        installed: &packages::installed,
        prompter: terminal
            .as_mut()
            .map(|t| t as &mut dyn crate::prompt::Prompter),
        install: &mut |pkgs| packages::install(pkgs),
        say: &mut |line| p.status(&line),
    })
}

/// The customer's report, read and planned before anything is created.
fn read_report(file: &Path) -> Result<(Rebuild, (lab::FromReport, Vec<u8>))> {
    let origin = file.display().to_string();
    let text = std::fs::read_to_string(file).map_err(|e| {
        Error::usage(format!("cannot read {origin}: {e}"))
            .hint("pass a file written by `direkt report` (or `direkt doctor --json`)")
    })?;
    let report = rebuild::read(&text, &origin)?;
    let plan = rebuild::plan(&report);
    let remember = plan.remember(&origin, &report);
    Ok((plan, remember))
}

fn up(a: &UpArgs, p: &Printer) -> Result<ExitCode> {
    lab::validate_name(&a.name.name)?;
    let from = a.from_report.as_deref().map(read_report).transpose()?;
    lab::preflight()?;
    ensure_packages("direkt lab up", a.install, p)?;
    let start = Instant::now();
    let (scenario, box_settings, from_report) = match from {
        Some((plan, remember)) => (plan.scenario, plan.box_settings, Some(remember)),
        None => (a.scenario, lab::BoxSettings::default(), None),
    };
    let info = lab::up(&UpOptions {
        name: a.name.name.clone(),
        scenario,
        nonce_reject: a.pebble_nonce_reject,
        ca: a.ca,
        box_settings,
        from_report,
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
    lab::validate_name(&a.name.name)?;
    lab::preflight()?;
    let mut cmd = lab::command_in(&a.name.name, a.host, &a.cmd)?;
    let err = cmd.exec();
    Err(Error::failed(format!(
        "cannot run `ip netns exec {}`: {err}",
        lab::ns_name(&a.name.name, a.host)
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
        // ds-lite: the AFTR, reached through the IPv4-in-IPv6 softwire.
        let what = if u.kind == Scenario::DsLite.name() {
            "ds-lite AFTR (softwire)"
        } else {
            u.kind.as_str()
        };
        o.push(format!(
            "  {:<7} {:<12} {what} NAT: outside {}, inside {}; forwards nothing inbound",
            "cgn", u.namespace, u.wan, u.inside
        ));
    }
    o.push(format!(
        "  rogue   {:<12} {}",
        i.rogue.namespace, i.rogue.ipv4
    ));
    if let Some(v) = &i.vps {
        o.push(format!(
            "  vps     {:<12} {}; ssh {}@{} (key {}){}",
            v.namespace,
            v.address,
            v.user,
            v.address,
            v.ssh_key.display(),
            if v.sshd {
                ""
            } else {
                "; sshd NOT running (install openssh-server)"
            }
        ));
    }
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
    if let Some(a2) = &i.acme2certifier {
        o.push(format!(
            "{} {} (acme2certifier {}, the box's CA)",
            b("Second ACME directory:"),
            a2.directory,
            a2.version
        ));
        o.push(format!("  issuing root: {}", a2.root.display()));
    }
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
    if let Some(f) = &i.from_report {
        o.extend(render_from_report(f, &i.name, p));
    }
    o.join("\n")
}

/// What a lab built from a report took over, replaced and could not reproduce.
fn render_from_report(f: &lab::FromReport, name: &str, p: &Printer) -> Vec<String> {
    let mut o = vec![format!(
        "{} {}",
        p.paint(Style::Bold, "Built from report:"),
        f.file
    )];
    for (title, lines) in [
        ("why", &f.why),
        ("carried over", &f.carried),
        ("replaced by the lab's", &f.replaced),
        ("could not reproduce", &f.not_reproduced),
        ("missing from the report", &f.missing),
    ] {
        if !lines.is_empty() {
            o.push(format!("  {title}:"));
            o.extend(lines.iter().map(|l| format!("    - {l}")));
        }
    }
    let steps = if f.steps.is_empty() {
        String::new()
    } else {
        format!(
            " (first, as the customer's state shows done: {})",
            f.steps.join(", ")
        )
    };
    o.push(format!("  compare: direkt lab replay --name {name}{steps}"));
    o
}

fn replay(a: &ReplayArgs, p: &Printer) -> Result<ExitCode> {
    lab::validate_name(&a.name.name)?;
    lab::preflight()?;
    let r = rebuild::replay(&a.name.name)?;
    if a.json {
        p.json(&r);
    } else {
        p.data(&render_replay(&r, p));
    }
    Ok(ExitCode::SUCCESS)
}

fn verdict_line(v: &crate::doctor::Verdict) -> String {
    format!(
        "{} {} [{}]",
        v.status.symbol(),
        v.summary,
        v.cause.as_deref().unwrap_or("no failing check")
    )
}

/// The lab's verdict beside the report's, and the checks that differ.
fn render_replay(r: &Replay, p: &Printer) -> String {
    let b = |s: &str| p.paint(Style::Bold, s);
    let mut o = vec![format!(
        "{} lab {} (scenario {}), built from {}",
        b("Replay:"),
        r.lab,
        r.scenario,
        r.report_file
    )];
    for s in &r.steps {
        let how = match &s.error {
            None => "done".to_string(),
            Some(e) => format!("exit {}: {e}", s.exit_code),
        };
        o.push(format!("  ran `direkt {}`: {how}", s.step.args().join(" ")));
    }
    let Some(c) = &r.comparison else {
        o.push(format!(
            "{} {}",
            b("Lab:"),
            verdict_line(&r.lab_doctor.verdict)
        ));
        o.push("The report has no doctor results to compare with.".into());
        return o.join("\n");
    };
    o.push(format!("{}  {}", b("Report:"), verdict_line(&c.report)));
    o.push(format!("{}     {}", b("Lab:"), verdict_line(&c.lab)));
    o.push(if c.same_root_cause {
        format!(
            "{} {}",
            b("Same root cause:"),
            c.lab
                .cause
                .as_deref()
                .unwrap_or("none (no check failed or warned)")
        )
    } else {
        format!(
            "{} the report names {}, the lab {}",
            b("Different root cause:"),
            c.report.cause.as_deref().unwrap_or("none"),
            c.lab.cause.as_deref().unwrap_or("none")
        )
    });
    if c.differences.is_empty() {
        o.push("Every check ended the same.".into());
    } else {
        o.push(format!(
            "{} ({}):",
            b("Checks that differ"),
            c.differences.len()
        ));
        let st = |s: Option<crate::doctor::Status>| {
            s.map_or("-".to_string(), |s| format!("{s:?}").to_lowercase())
        };
        for d in &c.differences {
            o.push(format!(
                "  {:<22} report {:<5} lab {:<5} {}",
                d.id,
                st(d.report),
                st(d.lab),
                d.lab_summary
                    .as_deref()
                    .or(d.report_summary.as_deref())
                    .unwrap_or("")
            ));
        }
    }
    o.join("\n")
}
