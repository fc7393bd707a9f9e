//! The relay's checks (planned only when `direkt relay setup` set one up): `relay.tunnel` (the
//! WireGuard tunnel to the VPS: interface, latest handshake, MTU, an answer through it) and
//! `relay.forward` (the VPS itself, asked over SSH without changing anything: its interface,
//! its nftables forwarding of the ports, IPv4 forwarding). Reach through the relay from outside
//! is the per-port `reach.*` checks: with a relay, the probe request leaves through the tunnel,
//! so the probe server sees, and connects back to, the VPS's address.

use std::time::Duration;

use crate::doctor::CheckResult;
use crate::doctor::check_id::CheckId;
use crate::doctor::context::Ctx;
use crate::relay::{self, HANDSHAKE_STALE, RelayState, remote, tunnel};

fn age_text(s: i64) -> String {
    if s >= 120 {
        format!("{} min", s / 60)
    } else {
        format!("{s} s")
    }
}

pub async fn tunnel_check(ctx: &Ctx<'_>) -> CheckResult {
    let id = CheckId::RelayTunnel.as_str();
    let Some(r) = ctx.relay.clone() else {
        return CheckResult::skip(id, "no relay is set up");
    };
    let wait = ctx.step_timeout(3).min(Duration::from_secs(1));
    let (view, alive) = tokio::task::spawn_blocking(move || {
        let v = tunnel::view();
        let alive = v.interface && tunnel::alive(wait);
        (v, alive)
    })
    .await
    .unwrap_or_default();
    tunnel_verdict(&r, &view, alive, crate::state::now_unix())
}

/// The verdict from what the box's tunnel looks like.
pub fn tunnel_verdict(
    r: &RelayState,
    v: &tunnel::TunnelView,
    alive: bool,
    now: i64,
) -> CheckResult {
    let id = CheckId::RelayTunnel.as_str();
    let vps = r.vps_name();
    let base = |c: CheckResult| {
        c.detail("vps", r.address)
            .detail("host", &r.host)
            .detail("interface", tunnel::IFACE)
            .detail("mtu", v.mtu)
            .detail("latest_handshake", v.latest_handshake)
    };
    if !v.interface {
        return base(CheckResult::fail(
            id,
            format!("the tunnel to {vps} is down: the interface {} is missing on this box", tunnel::IFACE),
        ))
        .why("the relay's VPS passes visitors through this tunnel; without it nothing reaches the box on IPv4")
        .fix("run `direkt renew` (it restores the tunnel), or `direkt relay setup` again");
    }
    let age = v.latest_handshake.map(|h| (now - h).max(0));
    let stale = age.is_none_or(|a| a > HANDSHAKE_STALE.as_secs() as i64);
    if stale && !alive {
        let what = match age {
            Some(a) => format!("has had no handshake for {}", age_text(a)),
            None => "has never had a handshake".into(),
        };
        return base(CheckResult::fail(id, format!("the tunnel to {vps} {what}")))
            .why("the VPS does not answer through the tunnel (it may have rebooted, or its UDP port is blocked), so nothing reaches the box through the relay")
            .fix(format!(
                "run `direkt renew` (it restores the VPS's side over SSH); check that the VPS is up and accepts UDP port {}",
                tunnel::LISTEN_PORT
            ))
            .detail("handshake_age_s", age);
    }
    let mtu = v.mtu.unwrap_or(0);
    let hs = age.map_or("no handshake yet".into(), |a| {
        format!("latest handshake {} ago", age_text(a))
    });
    if !(1280..=tunnel::MTU).contains(&mtu) {
        return base(CheckResult::warn(
            id,
            format!("the tunnel to {vps} works ({hs}), but its MTU is {mtu}"),
        ))
        .why("WireGuard adds 60-80 bytes: above 1420 large packets are fragmented or lost, below 1280 IPv6 cannot use it")
        .fix(format!("ip link set {} mtu {}", tunnel::IFACE, tunnel::MTU))
        .detail("handshake_age_s", age);
    }
    base(CheckResult::pass(
        id,
        format!(
            "the tunnel to {vps}{} is up: {hs}, MTU {mtu}{}",
            if vps == r.address.to_string() {
                String::new()
            } else {
                format!(" ({})", r.address)
            },
            if alive {
                ", the VPS answers through it"
            } else {
                ""
            }
        ),
    ))
    .detail("handshake_age_s", age)
    .detail("answers", alive)
}

pub async fn forward_check(ctx: &Ctx<'_>) -> CheckResult {
    let id = CheckId::RelayForward.as_str();
    let Some(r) = ctx.relay.clone() else {
        return CheckResult::skip(id, "no relay is set up");
    };
    let r2 = r.clone();
    let asked = tokio::task::spawn_blocking(move || {
        remote::run(
            &r2.ssh(),
            remote::HostKeyPolicy::KnownOnly,
            "check",
            &r2.plan(),
        )
    })
    .await;
    let o = match asked {
        Ok(Ok(o)) => o,
        Ok(Err(e)) => {
            return CheckResult::warn(
                id,
                format!("could not ask the VPS {} whether it forwards the ports: {}", r.vps_name(), e.message()),
            )
            .why("doctor asks the VPS over SSH (read only); the reach checks still show whether the ports work")
            .fix(e.hint_text().unwrap_or("check SSH access to the VPS").to_string());
        }
        Err(_) => return CheckResult::warn(id, "the SSH task failed"),
    };
    forward_verdict(&r, &o)
}

pub fn forward_verdict(r: &RelayState, o: &remote::Outcome) -> CheckResult {
    let id = CheckId::RelayForward.as_str();
    let vps = r.vps_name();
    let mut missing = vec![];
    if o.get("configured") != Some("yes") {
        missing.push("the relay's setup (/var/lib/direkt-relay is gone)".to_string());
    }
    if o.get("iface") != Some("up") {
        missing.push(format!("the WireGuard interface {}", tunnel::IFACE));
    }
    match o.get("rules") {
        Some("present") => {}
        Some("stale") => missing.push(format!("forwarding rules for {}", r.ports_text())),
        _ => missing.push("the forwarding rules (nftables table inet direkt_relay)".into()),
    }
    if o.get("ip_forward") != Some("1") {
        missing.push("IPv4 forwarding (net.ipv4.ip_forward is 0)".into());
    }
    let c = if missing.is_empty() {
        CheckResult::pass(
            id,
            format!(
                "the VPS {vps} forwards {} to this box through the tunnel (nftables DNAT, {})",
                r.ports_text(),
                if r.source_kept {
                    "visitors' addresses kept"
                } else {
                    "SNAT"
                }
            ),
        )
    } else {
        CheckResult::fail(id, format!("the VPS {vps} lacks {}", missing.join(", ")))
            .why("without them the VPS does not pass visitors on to the box (after a reboot, say)")
            .fix("run `direkt renew` (it restores them over SSH), or `direkt relay setup` again")
    };
    c.detail("vps", r.address).detail("ports", r.ports_text())
}

/// The fix for a port the probe could not reach, with a relay: the relay's parts, not the
/// router's.
pub fn reach_fix(r: &RelayState) -> String {
    format!(
        "the relay's VPS {} should pass this port to the box: see relay.tunnel and relay.forward; `direkt renew` repairs them, `direkt relay setup --host {} --ports ...` changes the ports",
        r.vps_name(),
        r.host
    )
}

/// The source address probe requests leave from with a relay: the box's tunnel address (the
/// VPS masquerades the box's own connections, so the probe sees the VPS).
pub fn probe_source() -> std::net::IpAddr {
    relay::tunnel::BOX_TUN.parse().expect("valid")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Status;

    fn state() -> RelayState {
        RelayState {
            host: "root@vps.example.org".into(),
            ssh_key: None,
            ssh_port: None,
            address: "192.0.2.70".parse().unwrap(),
            vps_public_key: "x".into(),
            box_public_key: "y".into(),
            tcp: vec![80, 443],
            udp: vec![],
            source_kept: true,
            box_wireguard: "kernel".into(),
            vps_wireguard: "kernel".into(),
            since: 0,
            vps_checked: None,
        }
    }

    #[test]
    fn a_tunnel_without_handshake_names_the_vps_and_the_time() {
        let v = tunnel::TunnelView {
            interface: true,
            latest_handshake: Some(1000),
            mtu: Some(1420),
            ..Default::default()
        };
        let c = tunnel_verdict(&state(), &v, false, 1600);
        assert_eq!(c.status, Status::Fail);
        assert_eq!(
            c.summary,
            "the tunnel to vps.example.org has had no handshake for 10 min"
        );
        let ok = tunnel_verdict(&state(), &v, false, 1030);
        assert_eq!(ok.status, Status::Pass, "{}", ok.summary);
        let gone = tunnel_verdict(&state(), &tunnel::TunnelView::default(), false, 0);
        assert_eq!(gone.status, Status::Fail);
        let big = tunnel::TunnelView {
            mtu: Some(1500),
            ..v
        };
        assert_eq!(
            tunnel_verdict(&state(), &big, true, 1010).status,
            Status::Warn
        );
    }

    #[test]
    fn missing_rules_fail_the_forward_check() {
        let mut o = remote::Outcome::default();
        for (k, v) in [
            ("configured", "yes"),
            ("iface", "up"),
            ("rules", "missing"),
            ("ip_forward", "1"),
        ] {
            o.have.push((k.into(), v.into()));
        }
        let c = forward_verdict(&state(), &o);
        assert_eq!(c.status, Status::Fail);
        assert!(c.summary.contains("forwarding rules"), "{}", c.summary);
        o.have[2].1 = "present".into();
        assert_eq!(forward_verdict(&state(), &o).status, Status::Pass);
    }
}
