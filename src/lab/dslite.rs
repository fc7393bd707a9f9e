//! The `ds-lite` scenario's network (RFC 6333) and `lab renumber`.
//!
//! ```text
//!  <p>-inet  isp0 203.0.113.1, 2001:db8:113::1   (services as in every lab, also over IPv6)
//!     |
//!  <p>-cgn   the provider's edge: AFTR + IPv6 router
//!            wan0 203.0.113.100 (the one shared public IPv4), 2001:db8:113::100
//!            sub0 2001:db8:100::1 (access network, IPv6 only; softwire end)
//!            sw0  192.0.0.1 <-> 192.0.0.2 (userspace softwire), lo 192.0.0.3 (STUN for miniupnpd)
//!            NAT44 of 192.0.0.0/29 to 203.0.113.100, nothing inbound
//!     |   IPv6 only; IPv4 only inside the softwire
//!  <p>-router  wan0 2001:db8:100::2, sw0 192.0.0.2 (B4), default IPv4 route into sw0, NAT44 to
//!            192.0.0.2, miniupnpd (IPv4 on sw0, IPv6 pinholes on wan0)
//!            lan0 192.168.77.1, <delegated prefix>::1/64
//!     |-- <p>-box    192.168.77.10, <delegated prefix>::10/64
//!     `-- <p>-rogue  192.168.77.66
//! ```
//!
//! The delegated prefix of generation `n` is `2001:db8:(4400+n)::/48`, the LAN its first /64.
//! `lab renumber` moves to generation n+1 as a reconnect does: the box keeps its interface ID
//! (`::10`) in the new prefix and loses its address in the old one; the provider routes the new
//! prefix to the router, the router's LAN address and the box's default route follow.

use std::fs;
use std::net::Ipv6Addr;

use crate::error::{Context, Error, Result};
use crate::fsutil::write_atomic;

use super::scenario::Upstream;
use super::{LabInfo, Role, RunDir, Scenario, addr, netns, ns_name, softwire};

/// The AFTR: shared public IPv4, the B4-side IPv4 (RFC 6333 192.0.0.0/29).
pub const UPSTREAM: Upstream = Upstream {
    wan: "203.0.113.100",
    inside: "192.0.0.1",
    inside_alt: "192.0.0.3",
    router_wan: B4,
    masquerade: "192.0.0.0/29",
};
/// The router's IPv4 address: the B4 element's well-known address.
pub const B4: &str = "192.0.0.2";
/// The AFTR's addresses on the internet side.
pub const AFTR_WAN6: &str = "2001:db8:113::100";
/// The softwire's IPv6 ends on the access network.
pub const AFTR6: &str = "2001:db8:100::1";
pub const ROUTER_WAN6: &str = "2001:db8:100::2";
/// Every delegated prefix of the lab lies in here (inet routes it to the provider's edge).
const DELEGATION_POOL: &str = "2001:db8:4400::/38";
/// The interface IDs of the router and the box in the LAN /64.
const ROUTER_IID: u16 = 1;
const BOX_IID: u16 = 0x10;
/// The run directory's record of the current prefix generation.
const GENERATION_FILE: &str = "dslite-generation";

/// The delegated /48 of generation `n`.
pub fn delegated(n: u16) -> String {
    format!("2001:db8:{:x}::/48", 0x4400 + n)
}

fn lan_host(n: u16, iid: u16) -> Ipv6Addr {
    Ipv6Addr::new(0x2001, 0xdb8, 0x4400 + n, 0, 0, 0, 0, iid)
}

/// The box's IPv6 address in generation `n`.
pub fn box6(n: u16) -> String {
    lan_host(n, BOX_IID).to_string()
}

/// The router's LAN IPv6 address in generation `n`.
pub fn router_lan6(n: u16) -> String {
    lan_host(n, ROUTER_IID).to_string()
}

/// `ip -n NS -batch` lines per namespace for the whole ds-lite network, generation 0.
pub(super) fn address_batches(
    inet: &str,
    cgn: &str,
    router: &str,
    boxn: &str,
    rogue: &str,
) -> Vec<(String, Vec<String>)> {
    let u = UPSTREAM;
    let mut inet_cmds = vec!["link set lo up".to_string()];
    for a in addr::SERVICES {
        inet_cmds.push(format!("addr add {a}/32 dev lo"));
    }
    for a in addr::SERVICES6 {
        inet_cmds.push(format!("addr add {a}/128 dev lo nodad"));
    }
    inet_cmds.extend([
        "link set isp0 up".into(),
        format!("addr add {}/24 dev isp0", addr::ISP),
        format!("addr add {}/64 dev isp0 nodad", addr::ISP6),
        format!("route add {DELEGATION_POOL} via {AFTR_WAN6}"),
        format!("route add 2001:db8:100::/64 via {AFTR_WAN6}"),
    ]);
    let tun = softwire::TUN;
    let mtu = softwire::MTU;
    let cgn_cmds = vec![
        "link set lo up".into(),
        format!("addr add {}/32 dev lo", u.inside_alt),
        "link set wan0 up".into(),
        format!("addr add {}/24 dev wan0", u.wan),
        format!("addr add {AFTR_WAN6}/64 dev wan0 nodad"),
        "link set sub0 up".into(),
        format!("addr add {AFTR6}/64 dev sub0 nodad"),
        format!("tuntap add dev {tun} mode tun"),
        format!("link set {tun} mtu {mtu} up"),
        format!("addr add {} peer {B4}/32 dev {tun}", u.inside),
        format!("route add default via {}", addr::ISP),
        format!("route add ::/0 via {}", addr::ISP6),
        format!("route add {} via {ROUTER_WAN6}", delegated(0)),
    ];
    let mut router_cmds = super::topology::router_lan();
    router_cmds.extend([
        format!("addr add {}/64 dev lan0 nodad", router_lan6(0)),
        "link set wan0 up".into(),
        format!("addr add {ROUTER_WAN6}/64 dev wan0 nodad"),
        format!("route add ::/0 via {AFTR6}"),
        format!("tuntap add dev {tun} mode tun"),
        format!("link set {tun} mtu {mtu} up"),
        format!("addr add {B4} peer {}/32 dev {tun}", u.inside),
        format!("route add default dev {tun}"),
    ]);
    let mut box_cmds = host_cmds(addr::BOX);
    box_cmds.push(format!("addr add {}/64 dev eth0 nodad", box6(0)));
    box_cmds.push(format!("route add ::/0 via {}", router_lan6(0)));
    vec![
        (inet.to_string(), inet_cmds),
        (cgn.to_string(), cgn_cmds),
        (router.to_string(), router_cmds),
        (boxn.to_string(), box_cmds),
        (rogue.to_string(), host_cmds(addr::ROGUE)),
    ]
}

fn host_cmds(ip4: &str) -> Vec<String> {
    vec![
        "link set lo up".to_string(),
        "link set eth0 up".into(),
        format!("addr add {ip4}/24 dev eth0"),
        format!("route add default via {}", addr::ROUTER_LAN),
    ]
}

/// The softwire processes of lab `name`: (daemon name, namespace, args after `direkt`).
pub(super) fn softwire_daemons(name: &str) -> Vec<(&'static str, String, Vec<String>)> {
    let args = |local: &str, remote: &str| {
        ["lab", "softwire", "--local", local, "--remote", remote]
            .map(String::from)
            .to_vec()
    };
    vec![
        (
            "softwire-b4",
            ns_name(name, Role::Router),
            args(ROUTER_WAN6, AFTR6),
        ),
        (
            "softwire-aftr",
            ns_name(name, Role::Cgn),
            args(AFTR6, ROUTER_WAN6),
        ),
    ]
}

/// miniupnpd on a B4 router: IPv4 mappings on the softwire, IPv6 pinholes on the WAN link.
pub(super) fn miniupnpd_config(common: &str) -> String {
    common.replacen(
        "ext_ifname=wan0\n",
        &format!("ext_ifname={}\next_ifname6=wan0\n", softwire::TUN),
        1,
    )
}

/// In `ds-lite`, start both ends of the softwire and wait until each has attached to its TUN
/// device (other scenarios: nothing).
pub(super) fn start_softwires(
    sc: Scenario,
    run: &RunDir,
    name: &str,
    exe: &std::path::Path,
) -> Result<Vec<super::daemons::Daemon>> {
    let mut started = vec![];
    if !sc.softwire() {
        return Ok(started);
    }
    for (dname, ns, args) in softwire_daemons(name) {
        let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
        started.push(super::daemons::spawn(run, &ns, dname, exe, &args, &[])?);
    }
    for d in &mut started {
        let log = d.log.clone();
        super::daemons::wait_ready(d, || {
            fs::read_to_string(&log).is_ok_and(|t| t.contains("softwire up"))
        })?;
    }
    Ok(started)
}

fn generation(run: &RunDir) -> u16 {
    fs::read_to_string(run.path(GENERATION_FILE))
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0)
}

/// What `lab renumber` did.
#[derive(Debug, serde::Serialize)]
pub struct Renumbered {
    pub old_prefix: String,
    pub new_prefix: String,
    pub old_box_ipv6: String,
    pub new_box_ipv6: String,
}

/// A reconnect: the provider delegates the next prefix. The box's address in the old prefix
/// goes away and the same interface ID appears in the new one; the provider's route, the
/// router's LAN address and the box's default route follow. lab.json is updated.
pub fn renumber(name: &str) -> Result<Renumbered> {
    let mut info = super::status(name)?;
    if info.scenario != Scenario::DsLite.name() {
        return Err(Error::usage(format!(
            "lab `{name}` runs scenario {}; only ds-lite has a delegated IPv6 prefix to change",
            info.scenario
        ))
        .hint(format!(
            "start one with `direkt lab up --name {name} --scenario ds-lite`"
        )));
    }
    let run = RunDir::for_name(name);
    let (old, new) = {
        let n = generation(&run);
        (n, n.checked_add(1).filter(|m| *m < 0x400).unwrap_or(0))
    };
    let ns = |r| ns_name(name, r);
    netns::ip_batch(
        Some(&ns(Role::Cgn)),
        &[
            format!("route del {}", delegated(old)),
            format!("route add {} via {ROUTER_WAN6}", delegated(new)),
        ],
    )?;
    netns::ip_batch(
        Some(&ns(Role::Router)),
        &[
            format!("addr del {}/64 dev lan0", router_lan6(old)),
            format!("addr add {}/64 dev lan0 nodad", router_lan6(new)),
        ],
    )?;
    netns::ip_batch(
        Some(&ns(Role::Box)),
        &[
            format!("addr del {}/64 dev eth0", box6(old)),
            format!("addr add {}/64 dev eth0 nodad", box6(new)),
            format!("route replace ::/0 via {}", router_lan6(new)),
        ],
    )?;
    drop_pinholes(&ns(Role::Router), old)?;
    write_atomic(
        &run.path(GENERATION_FILE),
        format!("{new}\n").as_bytes(),
        0o644,
    )?;
    update_info(&mut info, new);
    let json = serde_json::to_vec_pretty(&info).expect("plain data");
    write_atomic(&run.path("lab.json"), &json, 0o644).failed(|| "updating lab.json".into())?;
    Ok(Renumbered {
        old_prefix: delegated(old),
        new_prefix: delegated(new),
        old_box_ipv6: box6(old),
        new_box_ipv6: box6(new),
    })
}

/// The router forgets the pinholes of a prefix it no longer has, as home routers do on a
/// reconnect: miniupnpd's IPv6 rules whose destination is in generation `n`'s /48 go.
fn drop_pinholes(router: &str, n: u16) -> Result<()> {
    let out = std::process::Command::new("ip")
        .args([
            "netns",
            "exec",
            router,
            "nft",
            "-a",
            "list",
            "chain",
            "inet",
            "filter",
            "miniupnpd",
        ])
        .output()
        .map_err(|e| Error::failed(format!("cannot run nft: {e}")))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let prefix = format!("0x20010db8{:04x}", 0x4400 + n);
    for handle in stale_handles(&text, &prefix) {
        let _ = std::process::Command::new("ip")
            .args([
                "netns",
                "exec",
                router,
                "nft",
                "delete",
                "rule",
                "inet",
                "filter",
                "miniupnpd",
                "handle",
                &handle,
            ])
            .status();
    }
    Ok(())
}

/// Handles of the rules in an `nft -a list chain` text that match IPv6 destinations starting
/// with `prefix_hex` (miniupnpd writes them as `@nh,192,128 0x2001...`).
fn stale_handles(text: &str, prefix_hex: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.contains("@nh,192,128") && l.contains(prefix_hex))
        .filter_map(|l| {
            l.rsplit_once("# handle ")
                .map(|(_, h)| h.trim().to_string())
        })
        .collect()
}

fn update_info(info: &mut LabInfo, n: u16) {
    info.box_.ipv6 = Some(box6(n));
    info.router.lan_ipv6 = Some(router_lan6(n));
    for d in &mut info.daemons {
        d.running = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_old_prefix_pinholes_are_found_by_handle() {
        let text = "table inet filter {\n\tchain miniupnpd { # handle 5\n\
            \t\tiif \"sw0\" th dport 443 @nh,128,32 0xc0a84d0a @nh,72,8 0x6 accept # handle 9\n\
            \t\tiif \"wan0\" th dport 443 @nh,192,128 0x20010db8440000000000000000000010 @nh,48,8 0x6 accept # handle 11\n\
            \t\tiif \"wan0\" th dport 443 @nh,192,128 0x20010db8440100000000000000000010 @nh,48,8 0x6 accept # handle 12\n\t}\n}\n";
        assert_eq!(stale_handles(text, "0x20010db84400"), vec!["11"]);
    }

    #[test]
    fn generations_keep_the_interface_id_in_a_new_prefix() {
        assert_eq!(delegated(0), "2001:db8:4400::/48");
        assert_eq!(box6(0), "2001:db8:4400::10");
        assert_eq!(box6(1), "2001:db8:4401::10");
        assert_eq!(router_lan6(1), "2001:db8:4401::1");
        let pool: ipnet::Ipv6Net = DELEGATION_POOL.parse().unwrap();
        for n in [0, 1, 0x3ff] {
            let d: ipnet::Ipv6Net = delegated(n).parse().unwrap();
            assert!(pool.contains(&d), "{d}");
        }
    }
}
