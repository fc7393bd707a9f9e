//! What the box itself shows: its addresses, its default routes (from the kernel, through
//! [`crate::net::routes`], the same reader portmap uses), and whether the service behind each
//! forwarded port is listening.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use serde::Serialize;

use crate::config::Protocol;
use crate::doctor::context::Ctx;
use crate::doctor::{CheckResult, Status};
use crate::net::routes::{self, DefaultRoute, InterfaceAddress, interface_addresses};

/// The box's own network view, read once from the kernel.
#[derive(Debug, Clone, Default)]
pub struct LocalNet {
    pub addresses: Vec<InterfaceAddress>,
    pub route_v4: Option<DefaultRoute<Ipv4Addr>>,
    pub route_v6: Option<DefaultRoute<Ipv6Addr>>,
    pub error: Option<String>,
}

impl LocalNet {
    pub fn read() -> LocalNet {
        let (addresses, error) = match interface_addresses() {
            Ok(a) => (a, None),
            Err(e) => (vec![], Some(e.to_string())),
        };
        LocalNet {
            addresses,
            route_v4: routes::default_route_v4(),
            route_v6: routes::default_route_v6(),
            error,
        }
    }

    /// Non-loopback, non-link-local addresses.
    pub fn usable(&self) -> impl Iterator<Item = &InterfaceAddress> {
        self.addresses.iter().filter(|a| match a.address {
            IpAddr::V4(v4) => !v4.is_loopback() && !v4.is_link_local(),
            IpAddr::V6(v6) => !v6.is_loopback() && !v6.is_unicast_link_local(),
        })
    }

    /// The IPv4 address on the default route's interface (the box's LAN address).
    pub fn lan_v4(&self) -> Option<Ipv4Addr> {
        let iface = self.route_v4.as_ref().map(|r| r.interface.as_str());
        let mut candidates = self.usable().filter_map(|a| match a.address {
            IpAddr::V4(v4) => Some((a.interface.as_str(), v4)),
            _ => None,
        });
        let all: Vec<_> = candidates.by_ref().collect();
        all.iter()
            .find(|(i, _)| Some(*i) == iface)
            .or(all.first())
            .map(|(_, a)| *a)
    }

    /// A global unicast IPv6 address (not ULA, not link-local).
    pub fn global_v6(&self) -> Option<Ipv6Addr> {
        self.usable().find_map(|a| match a.address {
            IpAddr::V6(v6) if (v6.segments()[0] & 0xe000) == 0x2000 => Some(v6),
            _ => None,
        })
    }
}

pub async fn addresses(ctx: &Ctx<'_>) -> CheckResult {
    let id = crate::doctor::CheckId::LocalAddresses.as_str();
    let l = &ctx.local;
    if let Some(e) = &l.error {
        return CheckResult::fail(id, format!("cannot list this box's network addresses: {e}"))
            .why("without its own address the box cannot talk to anything")
            .fix("check that the network interface is up (`ip addr`)");
    }
    let usable: Vec<_> = l.usable().collect();
    let list: Vec<String> = usable
        .iter()
        .map(|a| format!("{}/{} on {}", a.address, a.prefix, a.interface))
        .collect();
    if usable.is_empty() {
        return CheckResult::fail(id, "this box has no network address besides loopback")
            .why("without an address on a network the box cannot be reached at all")
            .fix("connect the box to the network and check it gets an address (DHCP)")
            .detail("addresses", &l.addresses);
    }
    CheckResult::pass(
        id,
        format!("this box has the addresses {}", list.join(", ")),
    )
    .detail("addresses", usable)
}

pub async fn route(ctx: &Ctx<'_>) -> CheckResult {
    let id = crate::doctor::CheckId::LocalRoute.as_str();
    let l = &ctx.local;
    let want_v4 = ctx.family_enabled(crate::doctor::network::Family::Ipv4);
    fn describe<A: std::fmt::Display>(r: &DefaultRoute<A>) -> String {
        match &r.gateway {
            Some(g) => format!("via {g} on {}", r.interface),
            None => format!("on {}", r.interface),
        }
    }
    let r = match (&l.route_v4, &l.route_v6) {
        (Some(v4), v6) => {
            let mut s = format!("default route {}", describe(v4));
            if let Some(v6) = v6 {
                s.push_str(&format!("; IPv6 default route {}", describe(v6)));
            }
            CheckResult::pass(id, s)
        }
        (None, Some(v6)) if !want_v4 => {
            CheckResult::pass(id, format!("IPv6 default route {}", describe(v6)))
        }
        (None, Some(v6)) => CheckResult::fail(
            id,
            format!(
                "no IPv4 default route (only IPv6 {}): this box cannot reach the IPv4 internet",
                describe(v6)
            ),
        )
        .why("without a default route no packet leaves the local network")
        .fix("check the network settings (DHCP, or the gateway address if set by hand)"),
        (None, None) => CheckResult::fail(
            id,
            "no default route: this box cannot reach the internet at all",
        )
        .why("without a default route no packet leaves the local network")
        .fix("check the network settings (DHCP, or the gateway address if set by hand)"),
    };
    r.detail("ipv4", &l.route_v4).detail("ipv6", &l.route_v6)
}

/// Whether something listens on a local port, seen before doctor starts any responder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Listening {
    Yes,
    No,
    /// UDP: a socket holds the port (we cannot bind it).
    InUse,
    Unknown,
}

/// Is a TCP service listening on `port` (loopback or the LAN address)? For UDP: is the port
/// taken?
pub async fn listening(ctx: &Ctx<'_>, port: u16, proto: Protocol) -> Listening {
    match proto {
        Protocol::Udp => match std::net::UdpSocket::bind(("0.0.0.0", port)) {
            Ok(_) => Listening::No,
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => Listening::InUse,
            Err(_) => Listening::Unknown,
        },
        Protocol::Tcp => {
            let t = Duration::from_millis(300).min(ctx.step_timeout(8));
            let mut targets = vec![SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port)];
            if let Some(lan) = ctx.local.lan_v4() {
                targets.push(SocketAddr::new(IpAddr::V4(lan), port));
            }
            let attempts = targets.into_iter().map(|a| async move {
                matches!(
                    tokio::time::timeout(t, tokio::net::TcpStream::connect(a)).await,
                    Ok(Ok(_))
                )
            });
            let any = futures_util::future::join_all(attempts).await;
            if any.into_iter().any(|x| x) {
                Listening::Yes
            } else {
                Listening::No
            }
        }
    }
}

pub async fn service(ctx: &Ctx<'_>) -> CheckResult {
    let id = crate::doctor::CheckId::ServiceLocal.as_str();
    if ctx.ports.is_empty() {
        return CheckResult::skip(id, "no forwarded ports configured");
    }
    let http01_standalone = ctx.config.and_then(|c| c.cert.as_ref()).is_some_and(|c| {
        c.webroot.is_none() && c.challenges.contains(&crate::config::ChallengeKind::Http01)
    });
    let mut up = vec![];
    let mut down = vec![];
    let mut fine_free = vec![];
    for slot in ctx
        .ports
        .iter()
        .filter(|s| s.family == crate::doctor::network::Family::Ipv4)
    {
        let s = slot.spec;
        match slot.listening(ctx).await {
            Listening::Yes | Listening::InUse => up.push(s.internal),
            Listening::No if s.internal == 80 && http01_standalone => fine_free.push(s.internal),
            _ => down.push(s.internal),
        }
    }
    let r = if down.is_empty() {
        let mut s = format!("a service is listening on port {}", join_ports(&up));
        if up.is_empty() {
            s = String::from("nothing needs to listen yet");
        }
        if !fine_free.is_empty() {
            s.push_str(&format!(
                "; port {} is free for direkt's HTTP-01 challenge responder",
                join_ports(&fine_free)
            ));
        }
        CheckResult::pass(id, s)
    } else {
        let status = if down.contains(&443) && ctx.config.is_some() {
            Status::Fail
        } else {
            Status::Warn
        };
        CheckResult::new(
            id,
            status,
            format!("nothing is listening on port {} on this box", join_ports(&down)),
        )
        .why("even a perfect forwarding leads nowhere when no program answers on the box")
        .fix("start the web server (or whatever serves these ports) and check it listens on all addresses, not only 127.0.0.1")
    };
    r.detail("listening", up)
        .detail("not_listening", down)
        .detail("free_for_http01", fine_free)
}

pub fn join_ports(ports: &[u16]) -> String {
    let v: Vec<String> = ports.iter().map(|p| p.to_string()).collect();
    v.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_machine_has_loopback() {
        let l = LocalNet::read();
        assert!(l.addresses.iter().any(|a| a.address.is_loopback()), "{l:?}");
    }
}
