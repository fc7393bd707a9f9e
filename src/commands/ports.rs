//! `direkt ports ...`: router port forwarding, one part at a time. Thin wrappers around
//! [`crate::portmap`].

use std::net::Ipv4Addr;
use std::process::ExitCode;

use crate::cli::GlobalArgs;
use crate::config::{HumanDuration, PortSpec, Settings};
use crate::error::{Error, Result};
use crate::output::{Printer, Style};
use crate::portmap::{
    self, Action, DiscoverOptions, Family, MappingOutcome, PortsOptions, PortsReport, Target, Via,
};
use crate::state::{DEFAULT_LOCK_WAIT, StateDir, now_unix};

#[derive(Debug, clap::Args)]
pub struct PortsArgs {
    #[command(subcommand)]
    pub command: PortsCommand,
}

/// How to reach the gateway (shared by the subcommands that talk to it).
#[derive(Debug, Clone, clap::Args)]
pub struct GatewayArgs {
    /// Use only this protocol (default: UPnP IGD, then PCP, then NAT-PMP)
    #[arg(long, value_enum, default_value_t = Via::Auto)]
    pub via: Via,
    /// Ask this gateway instead of the default route's (it must be on the LAN)
    #[arg(long, value_name = "IP")]
    pub gateway: Option<Ipv4Addr>,
}

impl GatewayArgs {
    fn discover_options(&self) -> DiscoverOptions {
        DiscoverOptions {
            gateway: self.gateway,
            via: self.via,
            full: false,
            ipv6: false,
        }
    }
}

#[derive(Debug, clap::Subcommand)]
pub enum PortsCommand {
    /// Forward ports on the router to this box, e.g. `direkt ports add 443 8443:443/tcp`
    Add {
        /// Mappings as EXT[:INT][/tcp|udp] (default: the config's [ports] forward)
        #[arg(value_name = "EXT[:INT][/tcp|udp]")]
        specs: Vec<PortSpec>,
        /// Lease asked for (2m-7d); `direkt ports refresh` renews it [default: the config's
        /// [ports] lease, else 1h]
        #[arg(long, value_name = "DURATION")]
        lease: Option<HumanDuration>,
        /// Also open an IPv6 pinhole to this box's global address (PCP over IPv6, else UPnP
        /// IGDv2's WANIPv6FirewallControl)
        #[arg(long)]
        ipv6: bool,
        #[command(flatten)]
        gateway: GatewayArgs,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Show direkt's mappings (from the state), or with --all the router's whole table
    List {
        /// Ask the router for its whole table (UPnP IGD only); direkt's entries are marked
        #[arg(long)]
        all: bool,
        #[command(flatten)]
        gateway: GatewayArgs,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Remove mappings direkt created (never anyone else's)
    Remove {
        /// Mappings as EXT[/tcp|udp]
        #[arg(value_name = "EXT[/tcp|udp]", required_unless_present = "all")]
        specs: Vec<PortSpec>,
        /// Remove every mapping direkt created
        #[arg(long, conflicts_with = "specs")]
        all: bool,
        #[command(flatten)]
        gateway: GatewayArgs,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Keep direkt's mappings alive: re-create lost ones, extend those past half their lease
    Refresh {
        /// Re-add every mapping even when its lease is not due
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        gateway: GatewayArgs,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
    /// Show what the gateway offers: protocols, external address, what was ignored
    Probe {
        /// Also probe IPv6 pinhole support
        #[arg(long)]
        ipv6: bool,
        #[command(flatten)]
        gateway: GatewayArgs,
        /// Print JSON
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(global: &GlobalArgs, args: &PortsArgs, p: &Printer) -> Result<ExitCode> {
    let settings = Settings::load(global)?;
    match &args.command {
        PortsCommand::Add {
            specs,
            lease,
            ipv6,
            gateway,
            json,
        } => add(&settings, specs, *lease, *ipv6, gateway, *json, p).await,
        PortsCommand::List { all, gateway, json } => list(&settings, *all, gateway, *json, p).await,
        PortsCommand::Remove {
            specs,
            all,
            gateway,
            json,
        } => remove(&settings, specs, *all, gateway, *json, p).await,
        PortsCommand::Refresh {
            force,
            gateway,
            json,
        } => refresh(&settings, *force, gateway, *json, p).await,
        PortsCommand::Probe {
            ipv6,
            gateway,
            json,
        } => probe(gateway, *ipv6, *json, p).await,
    }
}

fn lease_secs(settings: &Settings, lease: Option<HumanDuration>) -> Result<u32> {
    let configured = settings
        .config
        .as_ref()
        .and_then(|c| c.ports.as_ref())
        .map(|p| p.lease);
    let lease = lease
        .or(configured)
        .unwrap_or(HumanDuration(std::time::Duration::from_secs(3600)));
    let secs = lease.0.as_secs();
    if !(120..=604_800).contains(&secs) {
        return Err(Error::usage(format!("--lease {lease} is out of range"))
            .hint("use 2m to 7d (routers cap UPnP leases at 7 days); 1h is a good value"));
    }
    Ok(secs as u32)
}

async fn add(
    settings: &Settings,
    specs: &[PortSpec],
    lease: Option<HumanDuration>,
    ipv6: bool,
    gw: &GatewayArgs,
    json: bool,
    p: &Printer,
) -> Result<ExitCode> {
    let lease = lease_secs(settings, lease)?;
    let specs: Vec<PortSpec> = if specs.is_empty() {
        settings
            .config
            .as_ref()
            .and_then(|c| c.ports.as_ref())
            .map(|p| p.forward.clone())
            .unwrap_or_default()
    } else {
        specs.to_vec()
    };
    if specs.is_empty() {
        return Err(Error::usage("no mapping given and none configured").hint(
            "name one, e.g. `direkt ports add 443`, or set [ports] forward = [443] in the config",
        ));
    }
    let mut targets: Vec<Target> = specs
        .iter()
        .map(|s| Target {
            spec: *s,
            family: Family::Ipv4,
            lease,
        })
        .collect();
    if ipv6 {
        let v6: Vec<Target> = targets
            .iter()
            .map(|t| Target {
                family: Family::Ipv6,
                ..*t
            })
            .collect();
        targets.extend(v6);
    }
    let lock = StateDir::new(&settings.paths.state_dir).lock(DEFAULT_LOCK_WAIT)?;
    let mut state = lock.load()?;
    let opts = PortsOptions {
        discover: gw.discover_options(),
        force: true,
    };
    let report = portmap::add(&lock, &mut state, &targets, &opts).await?;
    finish(&report, json, p, None)
}

async fn refresh(
    settings: &Settings,
    force: bool,
    gw: &GatewayArgs,
    json: bool,
    p: &Printer,
) -> Result<ExitCode> {
    let lock = StateDir::new(&settings.paths.state_dir).lock(DEFAULT_LOCK_WAIT)?;
    let mut state = lock.load()?;
    let opts = PortsOptions {
        discover: gw.discover_options(),
        force,
    };
    let report = portmap::refresh(settings, &lock, &mut state, &opts).await?;
    if report.mappings.is_empty() && !json {
        p.status("No mappings to refresh: none configured ([ports] forward) and none added.");
    }
    // Like renew, silent when nothing changed: a kept mapping is no news (`--json` and
    // `ports list` show them all).
    let changes = PortsReport {
        mappings: report
            .mappings
            .iter()
            .filter(|m| json || m.action != Action::Kept)
            .cloned()
            .collect(),
        ..report
    };
    finish(&changes, json, p, None)
}

async fn remove(
    settings: &Settings,
    specs: &[PortSpec],
    all: bool,
    gw: &GatewayArgs,
    json: bool,
    p: &Printer,
) -> Result<ExitCode> {
    let lock = StateDir::new(&settings.paths.state_dir).lock(DEFAULT_LOCK_WAIT)?;
    let mut state = lock.load()?;
    let targets: Vec<(PortSpec, Family)> = if all {
        state
            .ports
            .mappings
            .iter()
            .map(|m| (m.spec(), m.family))
            .collect()
    } else {
        specs
            .iter()
            .flat_map(|s| {
                let found: Vec<(PortSpec, Family)> = state
                    .ports
                    .mappings
                    .iter()
                    .filter(|m| m.external_port == s.external && m.protocol == s.protocol)
                    .map(|m| (m.spec(), m.family))
                    .collect();
                if found.is_empty() {
                    vec![(*s, Family::Ipv4)]
                } else {
                    found
                }
            })
            .collect()
    };
    let configured: Vec<PortSpec> = settings
        .config
        .as_ref()
        .and_then(|c| c.ports.as_ref())
        .map(|p| p.forward.clone())
        .unwrap_or_default();
    // `--all` also looks for the configured ports on the router: a mapping a run made but
    // could not record (a full disk) is removed when it points at this box.
    let sweep: &[PortSpec] = if all { &configured } else { &[] };
    if targets.is_empty() && sweep.is_empty() {
        if json {
            p.json(&serde_json::json!({ "mappings": [] }));
        } else {
            p.status("direkt holds no mappings; nothing to remove.");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let report =
        portmap::remove(&lock, &mut state, &targets, sweep, &gw.discover_options()).await?;
    let note = report
        .mappings
        .iter()
        .filter(|m| m.action == Action::Removed)
        .filter(|m| configured.iter().any(|c| c.to_string() == m.mapping))
        .map(|m| m.mapping.clone())
        .collect::<Vec<_>>();
    let note = (!note.is_empty()).then(|| {
        format!(
            "{} is in the config's [ports] forward: the next `direkt ports refresh` (or renew) \
             adds it again; remove it from the config to keep it closed",
            note.join(", ")
        )
    });
    finish(&report, json, p, note)
}

/// Print a report; exit 1 (with the first error and its hint) when a mapping failed.
fn finish(report: &PortsReport, json: bool, p: &Printer, note: Option<String>) -> Result<ExitCode> {
    for w in &report.warnings {
        p.warn(w);
    }
    if json {
        p.json(report);
    } else {
        let lines: Vec<String> = report
            .mappings
            .iter()
            .filter(|m| m.ok())
            .map(|m| describe(m, report, p))
            .collect();
        if !lines.is_empty() {
            p.data(&lines.join("\n"));
        }
    }
    if let Some(n) = note {
        p.status(&n);
    }
    let failures: Vec<&MappingOutcome> = report.mappings.iter().filter(|m| !m.ok()).collect();
    if failures.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    // Every failure but the last is printed here; the last becomes the command's error.
    for f in &failures[..failures.len() - 1] {
        if let Some(e) = f.to_error() {
            p.error(&e);
        }
    }
    Err(failures[failures.len() - 1]
        .to_error()
        .unwrap_or_else(|| Error::failed("a mapping failed")))
}

fn describe(m: &MappingOutcome, report: &PortsReport, p: &Printer) -> String {
    let what = match m.family {
        Family::Ipv4 => m.mapping.clone(),
        Family::Ipv6 => format!("{} (IPv6 pinhole)", m.mapping),
    };
    let action = match m.action {
        Action::Created => "forwarded",
        Action::Extended => "extended",
        Action::Restored => "restored (the router had lost it)",
        Action::Moved => "re-opened for the box's new IPv6 address",
        Action::Kept => "kept (lease not due)",
        Action::Removed => "removed",
        Action::Failed => "failed",
    };
    let via = match (m.via, report.gateway) {
        (Some(v), Some(g)) => format!(" via {v} on {g}"),
        (Some(v), None) => format!(" via {v}"),
        _ => String::new(),
    };
    let target = match (&m.external, m.action) {
        (_, Action::Removed) => String::new(),
        (Some(e), _) => format!(": {e} → {}", m.internal),
        (None, _) => format!(": → {}", m.internal),
    };
    let lease = match (m.lease, m.expires_at) {
        (_, _) if m.action == Action::Removed => String::new(),
        (Some(0), _) => ", permanent (the router accepts no finite lease)".into(),
        (_, Some(t)) => format!(", lease until {}", crate::net::time::format_time(t)),
        _ => String::new(),
    };
    format!(
        "{} {action}{via}{target}{lease}",
        p.paint(Style::Bold, &what)
    )
}

async fn list(
    settings: &Settings,
    all: bool,
    gw: &GatewayArgs,
    json: bool,
    p: &Printer,
) -> Result<ExitCode> {
    let state = StateDir::new(&settings.paths.state_dir)
        .read()?
        .unwrap_or_default();
    if all {
        let table = portmap::router_table(&state, &gw.discover_options()).await?;
        if json {
            p.json(&table);
            return Ok(ExitCode::SUCCESS);
        }
        let mut out = vec![format!(
            "Router {} ({}), {} mapping(s); * = made by direkt",
            table.gateway,
            table.protocol,
            table.entries.len()
        )];
        for e in &table.entries {
            let lease = if e.entry.lease_remaining == 0 {
                "permanent".to_string()
            } else {
                format!("{} s left", e.entry.lease_remaining)
            };
            out.push(format!(
                "{} {}/{} → {}:{}  \"{}\"  {lease}{}",
                if e.direkt { "*" } else { " " },
                e.entry.external_port,
                e.entry.protocol,
                e.entry.internal_client,
                e.entry.internal_port,
                e.entry.description,
                if e.entry.enabled { "" } else { " (disabled)" }
            ));
        }
        p.data(&out.join("\n"));
        return Ok(ExitCode::SUCCESS);
    }
    if json {
        p.json(&serde_json::json!({ "mappings": state.ports.mappings }));
        return Ok(ExitCode::SUCCESS);
    }
    if state.ports.mappings.is_empty() {
        p.status("direkt holds no mappings (`direkt ports add 443` makes one; `--all` shows the router's table).");
        return Ok(ExitCode::SUCCESS);
    }
    let now = now_unix();
    let lines: Vec<String> = state
        .ports
        .mappings
        .iter()
        .map(|m| {
            let ext = match (m.family, m.external_address) {
                (Family::Ipv4, Some(a)) => format!("{a}:{}", m.external_port),
                (Family::Ipv4, None) => format!("*:{}", m.external_port),
                (Family::Ipv6, _) => "IPv6 pinhole".to_string(),
            };
            let lease = match m.expires_at {
                None => "permanent".to_string(),
                Some(t) if t <= now => "lease ended (refresh re-creates it)".to_string(),
                Some(t) => format!("{} min left", (t - now + 59) / 60),
            };
            format!(
                "{}  {ext} → {}:{}  via {} on {}  {lease}",
                p.paint(Style::Bold, &m.spec().to_string()),
                m.internal_client,
                m.internal_port,
                m.via,
                m.gateway
            )
        })
        .collect();
    p.data(&lines.join("\n"));
    Ok(ExitCode::SUCCESS)
}

async fn probe(gw: &GatewayArgs, ipv6: bool, json: bool, p: &Printer) -> Result<ExitCode> {
    let mut opts = gw.discover_options();
    opts.full = true;
    opts.ipv6 = ipv6;
    let d = portmap::discover(&opts).await?;
    for w in &d.warnings {
        p.warn(w);
    }
    if json {
        p.json(&d);
    } else {
        let mut out = vec![format!(
            "Gateway {} on {} (this box: {}), probed in {} ms",
            d.gateway.address, d.gateway.interface, d.gateway.local_address, d.elapsed_ms
        )];
        if let Some(u) = &d.upnp {
            out.push(format!(
                "UPnP IGDv{}: {} ({}), WAN {}, external address {}",
                u.version,
                u.location,
                u.friendly_name.as_deref().unwrap_or("unnamed"),
                u.connection_status.as_deref().unwrap_or("status unknown"),
                u.external_address
                    .map(|a| a.to_string())
                    .unwrap_or_else(|| "unknown".into())
            ));
        }
        if let Some(i) = &d.pcp {
            out.push(format!("PCP: answers (epoch {} s)", i.epoch));
        }
        if let Some(i) = &d.natpmp {
            out.push(format!(
                "NAT-PMP: answers, external address {}",
                i.external_address
                    .map(|a| a.to_string())
                    .unwrap_or_else(|| "unknown".into())
            ));
        }
        if let Some(v6) = &d.ipv6 {
            let igd2 = d.pinhole_service();
            out.push(match (&v6.pcp, &v6.failure) {
                (Some(_), _) => format!(
                    "IPv6 pinholes: PCP on {} answers; this box: {}",
                    v6.router.address, v6.router.local_address
                ),
                (None, _) if let Some(p) = &igd2 => format!(
                    "IPv6 pinholes: UPnP IGDv2 WANIPv6FirewallControl at {}; this box: {}",
                    p.service.control_url, p.client
                ),
                (None, Some(f)) => format!("IPv6 pinholes: not available ({f})"),
                (None, None) => "IPv6 pinholes: not available".into(),
            });
        }
        for f in &d.failures {
            out.push(format!("not found: {f}"));
        }
        out.push(match d.chosen {
            Some(m) => format!("Mappings would use {m}."),
            None => {
                "No port-mapping protocol answered: forward ports by hand on the router.".into()
            }
        });
        p.data(&out.join("\n"));
    }
    Ok(if d.chosen.is_some() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
