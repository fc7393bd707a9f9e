//! What the checks share: the settings, the deadline, and facts several checks need (the public
//! address, the DNS answers, the probe's view of each port), each found once however many
//! checks ask for it.

use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

use crate::config::{Config, Settings};
use crate::doctor::DoctorOptions;
use crate::doctor::local::LocalNet;
use crate::doctor::network::{Family, PublicView};
use crate::doctor::reach::PortSlot;

pub struct Ctx<'a> {
    pub settings: &'a Settings,
    pub config: Option<&'a Config>,
    /// When every check must be done.
    pub deadline: Instant,
    pub budget: Duration,
    pub probes: Vec<String>,
    /// The echoip-style port checks doctor asks: `[ip] port_check`, only while no direkt
    /// probe server is configured (the probe's own checks say more).
    pub port_checks: Vec<String>,
    pub local: LocalNet,
    pub public_v4: OnceCell<PublicView>,
    pub public_v6: OnceCell<PublicView>,
    pub dns: OnceCell<crate::doctor::dns::NameView>,
    pub gateway: OnceCell<crate::doctor::network::GatewayView>,
    /// The config the address detection runs with (`--probe` replaces `[ip] probe`).
    pub detect_config: Option<Config>,
    pub detection: OnceCell<crate::ip::Detection>,
    /// One entry per configured forwarding (or the default 443 and 80 without a config).
    pub ports: Vec<PortSlot>,
    /// The relay `direkt relay setup` set up, if any (from the state).
    pub relay: Option<crate::relay::RelayState>,
    /// Temporary responders doctor started; stopped before it returns.
    pub tasks: Mutex<Vec<tokio::task::JoinHandle<()>>>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        settings: &'a Settings,
        opts: &DoctorOptions,
        deadline: Instant,
        budget: Duration,
    ) -> Ctx<'a> {
        let config = settings.config.as_ref();
        let probes = if opts.probe.is_empty() {
            config.map(|c| c.ip.probe.clone()).unwrap_or_default()
        } else {
            opts.probe.clone()
        };
        let port_checks = match config {
            Some(c) if probes.is_empty() => c.ip.port_check.clone(),
            _ => vec![],
        };
        let ports = crate::doctor::reach::ports_to_check(config);
        let detect_config = config.map(|c| {
            let mut c = c.clone();
            c.ip.probe = probes.clone();
            c
        });
        Ctx {
            settings,
            config,
            deadline,
            budget,
            probes,
            port_checks,
            local: LocalNet::read(),
            public_v4: OnceCell::new(),
            public_v6: OnceCell::new(),
            dns: OnceCell::new(),
            gateway: OnceCell::new(),
            detect_config,
            detection: OnceCell::new(),
            ports,
            relay: crate::state::StateDir::new(&settings.paths.state_dir)
                .read()
                .ok()
                .flatten()
                .and_then(|s| s.relay),
            tasks: Mutex::new(vec![]),
        }
    }

    pub fn name(&self) -> Option<&str> {
        self.config.map(|c| c.name.as_str())
    }

    /// A timeout for one network step: a share of the budget, so a dead server leaves time to
    /// report it, but never past the deadline.
    pub fn step_timeout(&self, share: u32) -> Duration {
        let t = (self.budget / share).clamp(Duration::from_millis(150), Duration::from_secs(3));
        t.min(self.remaining())
    }

    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    pub fn public_prefixes(&self) -> &[ipnet::IpNet] {
        self.config
            .map(|c| c.ip.public_prefixes.as_slice())
            .unwrap_or(&[])
    }

    pub fn family_enabled(&self, family: Family) -> bool {
        match (family, self.config) {
            (Family::Ipv4, Some(c)) => c.ip.ipv4,
            (Family::Ipv6, Some(c)) => c.ip.ipv6,
            (Family::Ipv4, None) => true,
            // Without a config, IPv6 is looked at only when the box has a global address.
            (Family::Ipv6, None) => self.local.global_v6().is_some(),
        }
    }

    pub async fn public(&self, family: Family) -> &PublicView {
        let cell = match family {
            Family::Ipv4 => &self.public_v4,
            Family::Ipv6 => &self.public_v6,
        };
        cell.get_or_init(|| crate::doctor::network::find_public(self, family))
            .await
    }

    /// The public IPv4 address if known (from outside).
    pub async fn public_ip(&self, family: Family) -> Option<IpAddr> {
        self.public(family).await.address
    }

    pub fn spawn(&self, task: tokio::task::JoinHandle<()>) {
        self.tasks.lock().expect("tasks lock").push(task);
    }

    pub async fn cleanup(&self) {
        let tasks = std::mem::take(&mut *self.tasks.lock().expect("tasks lock"));
        for t in tasks {
            t.abort();
            let _ = t.await;
        }
    }
}
