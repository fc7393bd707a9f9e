//! Namespaces, links, addresses, routes, sysctls and nftables rules of one lab. Each veth is
//! created with both ends directly inside lab namespaces: nothing appears in the host namespace.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::error::{Error, Result};
use crate::fsutil::write_atomic;

use super::scenario::Scenario;
use super::{Role, RunDir, addr, netns, ns_name};

/// The lab's namespace names, by role.
#[derive(Clone)]
struct Names {
    inet: String,
    router: String,
    boxn: String,
    rogue: String,
    cgn: String,
    vps: String,
}

pub fn build(name: &str, sc: Scenario, run: &RunDir) -> Result<()> {
    let ns = |r| ns_name(name, r);
    let nm = Names {
        inet: ns(Role::Inet),
        router: ns(Role::Router),
        boxn: ns(Role::Box),
        rogue: ns(Role::Rogue),
        cgn: ns(Role::Cgn),
        vps: ns(Role::Vps),
    };
    create_links(&nm, sc)?;
    set_sysctls(&nm, sc)?;
    let threads: Vec<_> = address_batches(&nm, sc)
        .into_iter()
        .map(|(n, cmds)| std::thread::spawn(move || netns::ip_batch(Some(&n), &cmds)))
        .collect();
    for t in threads {
        t.join()
            .map_err(|_| Error::failed("an ip thread panicked"))??;
    }
    load_firewalls(&nm, sc, run)?;
    write_resolvers(name)
}

fn create_links(nm: &Names, sc: Scenario) -> Result<()> {
    let Names {
        inet,
        router,
        boxn,
        rogue,
        cgn,
        vps,
    } = nm.clone();
    let upstream = sc.upstream();
    // 1. Namespaces and veth pairs, one `ip -batch` in the host namespace.
    let mut host = vec![];
    for n in [&inet, &router, &boxn, &rogue] {
        host.push(format!("netns add {n}"));
    }
    if upstream.is_some() {
        host.push(format!("netns add {cgn}"));
        host.push(format!(
            "link add wan0 netns {cgn} type veth peer name isp0 netns {inet}"
        ));
        host.push(format!(
            "link add wan0 netns {router} type veth peer name sub0 netns {cgn}"
        ));
    } else {
        host.push(format!(
            "link add wan0 netns {router} type veth peer name isp0 netns {inet}"
        ));
    }
    if sc.has_vps() {
        host.push(format!("netns add {vps}"));
        host.push(format!(
            "link add vps0 netns {inet} type veth peer name eth0 netns {vps}"
        ));
    }
    host.push(format!(
        "link add lanbox netns {router} type veth peer name eth0 netns {boxn}"
    ));
    host.push(format!(
        "link add lanrogue netns {router} type veth peer name eth0 netns {rogue}"
    ));
    netns::ip_batch(None, &host)?;
    Ok(())
}

fn set_sysctls(nm: &Names, sc: Scenario) -> Result<()> {
    let Names {
        inet,
        router,
        boxn,
        rogue,
        cgn,
        vps,
    } = nm.clone();
    let upstream = sc.upstream();
    let v6 = sc.ipv6();
    // 2. Sysctls before any link is up: no DAD (addresses usable at once), forwarding.
    let mut sysctl_threads = vec![];
    // With a VPS the internet routes between the customer's line and the VPS's link.
    let mut all: Vec<(&String, bool)> = vec![
        (&inet, sc.has_vps()),
        (&router, true),
        (&boxn, false),
        (&rogue, false),
    ];
    if upstream.is_some() {
        all.push((&cgn, true));
    }
    if sc.has_vps() {
        // IP forwarding on the VPS is the relay's to switch on (and to restore).
        all.push((&vps, false));
    }
    for (n, forward) in all {
        sysctl_threads.push(netns::spawn_in(n, move || {
            for k in ["all", "default"] {
                netns::sysctl(&format!("net/ipv6/conf/{k}/accept_dad"), "0")?;
            }
            // Links created before `default` changed keep the old value: set them too.
            for e in fs::read_dir("/proc/sys/net/ipv6/conf")?.flatten() {
                let iface = e.file_name();
                let iface = iface.to_string_lossy();
                if iface != "all" && iface != "default" {
                    netns::sysctl(&format!("net/ipv6/conf/{iface}/accept_dad"), "0")?;
                }
            }
            if forward {
                // Frames bridged inside the router (LAN to LAN) skip nftables, as in a home
                // switch, whatever the host's br_netfilter does: LAN traffic to the router's
                // public address is then routed, and NAT loopback works (see `loopback`).
                for f in ["bridge-nf-call-iptables", "bridge-nf-call-ip6tables"] {
                    if Path::new("/proc/sys/net/bridge").join(f).exists() {
                        netns::sysctl(&format!("net/bridge/{f}"), "0")?;
                    }
                }
                netns::sysctl("net/ipv4/ip_forward", "1")?;
                if v6 {
                    netns::sysctl("net/ipv6/conf/all/forwarding", "1")?;
                }
            }
            Ok(())
        }));
    }
    for t in sysctl_threads {
        t.join()
            .map_err(|_| Error::failed("a sysctl thread panicked"))??;
    }
    Ok(())
}

/// One `ip -n NS -batch` per namespace (run all at once).
fn address_batches(nm: &Names, sc: Scenario) -> Vec<(String, Vec<String>)> {
    let Names {
        inet,
        router,
        boxn,
        rogue,
        cgn,
        vps,
    } = nm.clone();
    if sc.softwire() {
        return softwire_batches(nm, sc);
    }
    let upstream = sc.upstream();
    let v6 = sc.ipv6();
    // 3. Addresses and routes, one `ip -n NS -batch` per namespace, all at once.
    let mut batches: Vec<(String, Vec<String>)> = vec![];
    let mut inet_cmds = vec!["link set lo up".to_string()];
    for a in addr::SERVICES {
        inet_cmds.push(format!("addr add {a}/32 dev lo"));
    }
    inet_cmds.push("link set isp0 up".into());
    inet_cmds.push(format!("addr add {}/24 dev isp0", addr::ISP));
    if v6 {
        for a in addr::SERVICES6 {
            inet_cmds.push(format!("addr add {a}/128 dev lo nodad"));
        }
        inet_cmds.push(format!("addr add {}/64 dev isp0 nodad", addr::ISP6));
        inet_cmds.push(format!(
            "route add {} via {}",
            addr::LAN_NET6,
            addr::ROUTER_WAN6
        ));
    }
    if sc.has_vps() {
        batches.push(vps_batch(&vps, &mut inet_cmds));
    }
    batches.push((inet.clone(), inet_cmds));

    let mut router_cmds = router_lan();
    router_cmds.push("link set wan0 up".into());
    match upstream {
        Some(u) => {
            router_cmds.push(format!("addr add {}/24 dev wan0", u.router_wan));
            router_cmds.push(format!("route add default via {}", u.inside));
            batches.push((
                cgn.clone(),
                vec![
                    "link set lo up".into(),
                    "link set wan0 up".into(),
                    format!("addr add {}/24 dev wan0", u.wan),
                    "link set sub0 up".into(),
                    format!("addr add {}/24 dev sub0", u.inside),
                    format!("addr add {}/24 dev sub0", u.inside_alt),
                    format!("route add default via {}", addr::ISP),
                ],
            ));
        }
        None => {
            router_cmds.push(format!("addr add {}/24 dev wan0", addr::ROUTER_WAN));
            router_cmds.push(format!("route add default via {}", addr::ISP));
        }
    }
    if v6 {
        router_cmds.push(format!("addr add {}/64 dev lan0 nodad", addr::ROUTER_LAN6));
        router_cmds.push(format!("addr add {}/64 dev wan0 nodad", addr::ROUTER_WAN6));
        router_cmds.push(format!("route add ::/0 via {}", addr::ISP6));
    }
    batches.push((router.clone(), router_cmds));

    for (n, ip4, ip6) in [
        (&boxn, addr::BOX, v6.then_some(addr::BOX6)),
        (&rogue, addr::ROGUE, None),
    ] {
        let mut c = vec![
            "link set lo up".to_string(),
            "link set eth0 up".into(),
            format!("addr add {ip4}/24 dev eth0"),
            format!("route add default via {}", addr::ROUTER_LAN),
        ];
        if let Some(ip6) = ip6 {
            c.push(format!("addr add {ip6}/64 dev eth0 nodad"));
            c.push(format!("route add ::/0 via {}", addr::ROUTER_LAN6));
        }
        batches.push((n.clone(), c));
    }
    batches
}

/// The router's LAN: a bridge over the box's and the rogue host's links, with its IPv4 address.
pub(super) fn router_lan() -> Vec<String> {
    vec![
        "link set lo up".to_string(),
        "link add lan0 type bridge forward_delay 0 mcast_snooping 0".into(),
        "link set lanbox master lan0".into(),
        "link set lanrogue master lan0".into(),
        "link set lanbox up".into(),
        "link set lanrogue up".into(),
        "link set lan0 up".into(),
        format!("addr add {}/24 dev lan0", addr::ROUTER_LAN),
    ]
}

/// The ds-lite network's batches (`lab::dslite`), with the VPS's when the scenario has one.
fn softwire_batches(nm: &Names, sc: Scenario) -> Vec<(String, Vec<String>)> {
    let mut batches =
        super::dslite::address_batches(&nm.inet, &nm.cgn, &nm.router, &nm.boxn, &nm.rogue);
    if sc.has_vps() {
        let at = batches
            .iter()
            .position(|(n, _)| *n == nm.inet)
            .expect("inet batch");
        let vps_cmds = vps_batch(&nm.vps, &mut batches[at].1);
        batches.push(vps_cmds);
    }
    batches
}

/// The VPS's link to the internet: its address and route, and the internet's side of it.
fn vps_batch(vps: &str, inet_cmds: &mut Vec<String>) -> (String, Vec<String>) {
    inet_cmds.push("link set vps0 up".into());
    inet_cmds.push(format!(
        "addr add {}/{} dev vps0",
        addr::VPS_GW,
        addr::VPS_PREFIX
    ));
    (
        vps.to_string(),
        vec![
            "link set lo up".into(),
            "link set eth0 up".into(),
            format!("addr add {}/{} dev eth0", addr::VPS, addr::VPS_PREFIX),
            format!("route add default via {}", addr::VPS_GW),
        ],
    )
}

fn load_firewalls(nm: &Names, sc: Scenario, run: &RunDir) -> Result<()> {
    let Names {
        inet, router, cgn, ..
    } = nm.clone();
    let upstream = sc.upstream();
    // 4. Firewalls and NAT.
    let mut router_rules = router_ruleset();
    if sc.port_mapping().is_some_and(|p| !p.pcp) {
        router_rules.push_str(NO_PCP_RULESET);
    }
    let mut rulesets = vec![(router.clone(), "router.nft", router_rules)];
    if let Some(u) = upstream {
        rulesets.push((cgn.clone(), "cgn.nft", upstream_ruleset(u.masquerade)));
    }
    if sc.blocks_port_80() {
        rulesets.push((inet.clone(), "inet.nft", isp_block_ruleset()));
    }
    let mut children = vec![];
    for (n, file, text) in rulesets {
        let path = run.path(file);
        write_atomic(&path, text.as_bytes(), 0o644)?;
        let child = Command::new("ip")
            .args(["netns", "exec", &n, "nft", "-f"])
            .arg(&path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Error::failed(format!("cannot run nft: {e}")))?;
        children.push((n, child));
    }
    for (n, child) in children {
        let out = child.wait_with_output()?;
        if !out.status.success() {
            return Err(Error::failed(format!(
                "loading the nftables rules of {n} failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ))
            .hint("the kernel needs nf_tables with NAT (nft_masq, nft_nat)"));
        }
    }
    Ok(())
}

fn write_resolvers(name: &str) -> Result<()> {
    // 5. The lab's resolver for every process `ip netns exec` starts.
    for r in Role::ALL {
        let n = ns_name(name, r);
        if netns::exists(&n) {
            let dir = Path::new(netns::ETC_NETNS_DIR).join(&n);
            fs::create_dir_all(&dir)?;
            write_atomic(
                &dir.join("resolv.conf"),
                format!("nameserver {}\n", addr::DNS).as_bytes(),
                0o644,
            )?;
        }
    }
    Ok(())
}

/// The router: forward LAN to WAN, nothing inbound unless miniupnpd adds it (its own chains);
/// masquerade IPv4 only (IPv6 is routed). Unsolicited inbound IPv6 hits the drop policy.
fn router_ruleset() -> String {
    r#"table inet filter {
    chain forward {
        type filter hook forward priority filter; policy drop;
        ct state established,related accept
        iifname "lan0" oifname "wan0" accept
        # ds-lite: IPv4 leaves through the softwire (lab::dslite)
        iifname "lan0" oifname "sw0" accept
        # LAN to LAN through the router: NAT loopback (a LAN host connecting to the public
        # address), and bridged frames should the host's br_netfilter still pass them here
        iifname "lan0" oifname "lan0" accept
        jump miniupnpd
    }
    chain miniupnpd {
    }
    chain prerouting {
        type nat hook prerouting priority dstnat; policy accept;
        jump loopback_pre
        jump prerouting_miniupnpd
    }
    chain postrouting {
        type nat hook postrouting priority srcnat; policy accept;
        # NAT loopback: the LAN host answers the router, which hands the answer back
        ip saddr 192.168.77.0/24 ip daddr 192.168.77.0/24 ct status dnat masquerade
        jump postrouting_miniupnpd
        meta nfproto ipv4 oifname "wan0" masquerade
        meta nfproto ipv4 oifname "sw0" masquerade
    }
    chain prerouting_miniupnpd {
    }
    chain postrouting_miniupnpd {
    }
    # mirrors of miniupnpd's DNAT rules for the LAN side, kept by `direkt lab loopback`
    chain loopback_pre {
    }
}
"#
    .to_string()
}

/// miniupnpd 2.3.1 opens its PCP socket on [::]:5351 even with `enable_natpmp=no`: a router
/// with PCP off drops it, as one without PCP would not answer.
const NO_PCP_RULESET: &str = r#"table inet nopcp {
    chain input {
        type filter hook input priority filter; policy accept;
        udp dport 5351 drop
    }
}
"#;

/// A carrier NAT or upstream router: masquerades its subscribers, forwards nothing inbound.
fn upstream_ruleset(masquerade: &str) -> String {
    format!(
        r#"table ip upstream {{
    chain forward {{
        type filter hook forward priority filter; policy drop;
        ct state established,related accept
        iifname {{ "sub0", "sw0" }} oifname "wan0" accept
    }}
    chain postrouting {{
        type nat hook postrouting priority srcnat; policy accept;
        oifname "wan0" ip saddr {masquerade} masquerade
    }}
}}
"#
    )
}

/// The ISP drops inbound TCP 80 to the customer's WAN address (from inet's own services and
/// anything it forwards).
fn isp_block_ruleset() -> String {
    format!(
        r#"table ip isp {{
    chain output {{
        type filter hook output priority filter; policy accept;
        ip daddr {wan} tcp dport 80 drop
    }}
    chain forward {{
        type filter hook forward priority filter; policy accept;
        ip daddr {wan} tcp dport 80 drop
    }}
}}
"#,
        wan = addr::ROUTER_WAN
    )
}
