//! The command line: clap types only. Each subcommand's arguments live beside its code in
//! `commands/`; this file joins them.

use std::path::PathBuf;

use clap::{ArgAction, Parser, Subcommand, ValueEnum};

use crate::commands;

#[derive(Debug, Parser)]
#[command(
    name = "direkt",
    version,
    about = "Make a self-hosted box reachable from the internet on its own",
    long_about = "direkt makes a self-hosted box reachable from the internet without a vendor's \
                  reverse proxy: a dynamic DNS name, port forwarding on the router and a TLS \
                  certificate, kept working from cron, with a doctor that says precisely why the \
                  box is not reachable.",
    after_help = "Exit codes: 0 success (also when nothing was due), 1 an operation failed, \
                  2 usage or configuration error, 3 doctor found a failing check, \
                  4 needs the user (a provider or CA refused; latched until the config changes \
                  or --force).",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, clap::Args)]
pub struct GlobalArgs {
    /// Configuration file [default: /etc/direkt/direkt.toml as root, else
    /// $XDG_CONFIG_HOME/direkt/direkt.toml]
    #[arg(long, global = true, env = "DIREKT_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// State directory [default: /var/lib/direkt as root, else $XDG_STATE_HOME/direkt]
    #[arg(long, global = true, env = "DIREKT_STATE_DIR", value_name = "DIR")]
    pub state_dir: Option<PathBuf>,

    /// More log output on stderr (-v info, -vv debug, -vvv trace); DIREKT_LOG takes filter
    /// directives
    #[arg(short, long, global = true, action = ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Print nothing but errors
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// When to use colour (NO_COLOR in the environment means never)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what is configured and its state
    Status(commands::status::StatusArgs),

    /// Router port forwarding: add, list, remove and refresh mappings (UPnP IGD, PCP, NAT-PMP)
    Ports(commands::ports::PortsArgs),

    /// Say exactly why the box is or is not reachable: all checks, one verdict (exit 3 when a
    /// check fails)
    Doctor(commands::doctor::DoctorArgs),

    /// Set this box up: name, DNS provider, port forwarding, certificate (asks, or unattended)
    Setup(Box<commands::setup::SetupArgs>),

    /// Keep DNS, port mappings and the certificate current; silent when nothing was due
    Renew(commands::renew::RenewArgs),
    /// Dynamic DNS: update the name's A/AAAA records, show what was published
    Ddns(commands::ddns::DdnsArgs),

    /// Certificates: issue, renew when due, show, revoke
    Cert(commands::cert::CertArgs),

    /// Behind CGNAT / DS-Lite: pass ports through a WireGuard tunnel from a VPS you control
    Relay(commands::relay::RelayArgs),

    /// A home network in namespaces for tests and support (Linux, root)
    Lab(commands::lab::LabArgs),

    /// Run a probe server: tells clients their address and connects back to them (only to
    /// them) to prove reachability from outside
    ProbeServer(commands::probe_server::ProbeServerArgs),

    /// Write a support bundle: config, state, versions, doctor; every secret redacted
    Report(commands::report::ReportArgs),

    /// Run `renew` from a systemd timer or cron: install, remove or show it
    Schedule(commands::schedule::ScheduleArgs),

    /// Write shell completions and man pages (used to refresh completions/ and man/)
    #[command(hide = true)]
    Generate(commands::generate::GenerateArgs),

    /// Internal helpers for the test suite
    #[command(hide = true)]
    Debug(commands::debug::DebugArgs),
}
