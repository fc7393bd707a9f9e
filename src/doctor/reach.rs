//! Reachability from outside, through a probe server: the probe connects back to this box's
//! public address on each forwarded port. When nothing listens on a port, doctor answers it
//! itself for the duration of the run with a nonce, so "open" proves the connection reached
//! this box and not some other host. Also hairpin (labelled as such: never proof).

use std::net::SocketAddr;
use std::time::Duration;

use serde::Serialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::OnceCell;

use crate::config::{Config, PortSpec, Protocol};
use crate::doctor::context::Ctx;
use crate::doctor::local::{Listening, listening};
use crate::doctor::network::Family;
use crate::doctor::{CheckResult, Planned};
use crate::probe::api::{CheckKind, CheckRequest, CheckResponse, Outcome, new_nonce};
use crate::probe::client::{Bind, ProbeCause, ProbeClient};

/// One forwarded port and what was learned about it.
pub struct PortSlot {
    pub spec: PortSpec,
    /// The address family the probe connects back over.
    pub family: Family,
    listening: OnceCell<Listening>,
    reach: OnceCell<PortReach>,
}

impl PortSlot {
    pub fn new(spec: PortSpec, family: Family) -> Self {
        PortSlot {
            spec,
            family,
            listening: OnceCell::new(),
            reach: OnceCell::new(),
        }
    }

    /// Whether a service listens on the internal port, judged before any responder starts.
    pub async fn listening(&self, ctx: &Ctx<'_>) -> Listening {
        *self
            .listening
            .get_or_init(|| listening(ctx, self.spec.internal, self.spec.protocol))
            .await
    }

    pub async fn reach(&self, ctx: &Ctx<'_>) -> &PortReach {
        self.reach.get_or_init(|| probe_port(ctx, self)).await
    }

    /// `reach.tcp.443` (IPv4), `reach.tcp6.443` (IPv6).
    pub fn id(&self) -> String {
        crate::doctor::CheckId::reach(
            self.spec.protocol,
            self.family == Family::Ipv6,
            self.spec.external,
        )
        .to_string()
    }
}

/// What the probe saw for one port.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PortReach {
    pub probe: Option<String>,
    pub kind: Option<CheckKind>,
    /// doctor answered the port itself (nothing else listened).
    pub responder: bool,
    pub response: Option<CheckResponse>,
    pub error: Option<String>,
    pub skipped: Option<String>,
    /// A probe server asked to wait (rate limit, overload): nothing was learned about the box.
    #[serde(skip)]
    pub probe_busy: bool,
    #[serde(skip)]
    pub nonce: String,
    /// An echoip-style port check's answer (used when no probe server is configured).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_check: Option<crate::doctor::outside::PortCheckSeen>,
    /// The port checks were asked, and none answered.
    #[serde(skip)]
    pub port_check_failed: bool,
    /// Connections doctor's own responder accepted on this port.
    #[serde(skip)]
    pub accepted: Option<std::sync::Arc<std::sync::atomic::AtomicUsize>>,
}

impl PortReach {
    pub fn outcome(&self) -> Option<Outcome> {
        self.response.as_ref().map(|r| r.outcome)
    }
}

/// The forwarded ports of the config; without a config, the web's 443 and 80.
pub fn ports_to_check(config: Option<&Config>) -> Vec<PortSlot> {
    let specs: Vec<PortSpec> = match config.and_then(|c| c.ports.as_ref()) {
        Some(p) if !p.forward.is_empty() => p.forward.clone(),
        _ => ["443", "80"]
            .iter()
            .map(|s| s.parse().expect("literal port"))
            .collect(),
    };
    let ipv6 = config.is_some_and(|c| c.ip.ipv6);
    let mut slots: Vec<PortSlot> = specs
        .iter()
        .map(|s| PortSlot::new(*s, Family::Ipv4))
        .collect();
    if ipv6 {
        slots.extend(specs.iter().map(|s| PortSlot::new(*s, Family::Ipv6)));
    }
    slots
}

pub fn plan<'a>(ctx: &'a Ctx<'a>) -> Vec<Planned<'a>> {
    ctx.ports
        .iter()
        .map(|slot| Planned::new(slot.id(), port_check(ctx, slot)))
        .collect()
}

async fn probe_port(ctx: &Ctx<'_>, slot: &PortSlot) -> PortReach {
    let mut r = PortReach::default();
    if ctx.probes.is_empty() {
        if !ctx.port_checks.is_empty() {
            return crate::doctor::outside::probe_port(ctx, slot).await;
        }
        r.skipped = Some(crate::doctor::outside::NOTHING_CONFIGURED.into());
        return r;
    }
    let spec = slot.spec;
    if slot.family == Family::Ipv6 {
        // The IPv4 check of the same port decides how to test it and starts the responder.
        let Some(v4) = ctx
            .ports
            .iter()
            .find(|s| s.family == Family::Ipv4 && s.spec == spec)
        else {
            r.skipped = Some("no IPv4 check of this port".into());
            return r;
        };
        // Boxed: the IPv4 slot's future is of the same type as this one.
        let first: std::pin::Pin<Box<dyn std::future::Future<Output = &PortReach> + '_>> =
            Box::pin(v4.reach(ctx));
        let first = first.await;
        let Some(kind) = first.kind else {
            r.skipped = first.skipped.clone();
            return r;
        };
        r.kind = Some(kind);
        r.responder = first.responder;
        r.nonce = first.nonce.clone();
        return ask_probes(ctx, slot, r, kind).await;
    }
    let nonce = new_nonce();
    r.nonce = nonce.clone();
    let listening = slot.listening(ctx).await;
    let kind = match (spec.protocol, listening) {
        (Protocol::Udp, Listening::No) => match udp_responder(ctx, spec.internal, &nonce).await {
            Ok(()) => {
                r.responder = true;
                CheckKind::Udp
            }
            Err(e) => {
                r.skipped = Some(format!(
                    "cannot answer UDP port {} myself: {e}",
                    spec.internal
                ));
                return r;
            }
        },
        (Protocol::Udp, _) => {
            r.skipped = Some(format!(
                "UDP port {} is in use by another program; its reachability cannot be tested without knowing its protocol",
                spec.internal
            ));
            return r;
        }
        (Protocol::Tcp, Listening::No) => match tcp_responder(ctx, spec.internal, &nonce).await {
            Ok(accepted) => {
                r.responder = true;
                r.accepted = Some(accepted);
                CheckKind::Http
            }
            Err(e) => {
                r.error = Some(format!("cannot answer port {} myself: {e}", spec.internal));
                CheckKind::Tcp
            }
        },
        (Protocol::Tcp, _) if spec.internal == 443 || spec.external == 443 => CheckKind::Tls,
        (Protocol::Tcp, _) => CheckKind::Tcp,
    };
    r.kind = Some(kind);
    ask_probes(ctx, slot, r, kind).await
}

/// Ask the probe servers, in order, to connect back over the slot's family.
async fn ask_probes(
    ctx: &Ctx<'_>,
    slot: &PortSlot,
    mut r: PortReach,
    kind: CheckKind,
) -> PortReach {
    let req = CheckRequest {
        kind,
        port: slot.spec.external,
        nonce: matches!(kind, CheckKind::Http | CheckKind::Udp).then(|| r.nonce.clone()),
        sni: ctx.name().map(str::to_string),
    };
    let bind = match slot.family {
        // With a relay the request leaves through the tunnel: the probe sees the VPS's
        // address and connects back to it, through the relay.
        Family::Ipv4 if ctx.relay.is_some() => Bind::From(super::relay::probe_source()),
        Family::Ipv4 => Bind::V4,
        Family::Ipv6 => Bind::V6,
    };
    let mut errors = vec![];
    for url in &ctx.probes {
        let client = match ProbeClient::new(url, bind, ctx.remaining()) {
            Ok(c) => c,
            Err(e) => {
                errors.push(e.to_string());
                continue;
            }
        };
        match client.check(&req).await {
            Ok(resp) => {
                r.probe = Some(url.clone());
                r.response = Some(resp);
                return r;
            }
            Err(e) => {
                r.probe_busy |= e.cause == ProbeCause::Busy;
                errors.push(e.to_string());
            }
        }
    }
    r.error = Some(errors.join("; "));
    r
}

/// Serve the nonce on a TCP port until doctor ends: the probe's `http` (and `tcp`) checks read
/// it, so an open port is proven to lead to this box. Returns the count of connections
/// accepted (a port check's connection arriving proves the same).
pub(crate) async fn tcp_responder(
    ctx: &Ctx<'_>,
    port: u16,
    nonce: &str,
) -> std::io::Result<std::sync::Arc<std::sync::atomic::AtomicUsize>> {
    let listener = match tokio::net::TcpListener::bind(("::", port)).await {
        Ok(l) => l,
        Err(_) => tokio::net::TcpListener::bind(("0.0.0.0", port)).await?,
    };
    let body = format!("{nonce}\n");
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\nServer: direkt-doctor\r\n\r\n{body}",
        body.len()
    );
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = accepted.clone();
    let task = tokio::spawn(async move {
        loop {
            let (mut s, _) = crate::net::tcp::accept(&listener).await;
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let response = response.clone();
            tokio::spawn(async move {
                let _ = s.write_all(response.as_bytes()).await;
                // Read the request so closing does not reset the connection under the reply.
                let mut buf = [0u8; 1024];
                let _ = tokio::time::timeout(Duration::from_millis(300), s.read(&mut buf)).await;
                let _ = s.shutdown().await;
            });
        }
    });
    ctx.spawn(task);
    Ok(accepted)
}

/// Echo datagrams that carry the nonce (and only those) until doctor ends.
async fn udp_responder(ctx: &Ctx<'_>, port: u16, nonce: &str) -> std::io::Result<()> {
    let sock = match tokio::net::UdpSocket::bind(("::", port)).await {
        Ok(s) => s,
        Err(_) => tokio::net::UdpSocket::bind(("0.0.0.0", port)).await?,
    };
    let nonce = nonce.as_bytes().to_vec();
    let task = tokio::spawn(async move {
        let mut buf = [0u8; 512];
        loop {
            let Ok((n, from)) = sock.recv_from(&mut buf).await else {
                continue;
            };
            if buf[..n].windows(nonce.len()).any(|w| w == nonce.as_slice()) {
                let _ = sock.send_to(&buf[..n], from).await;
            }
        }
    });
    ctx.spawn(task);
    Ok(())
}

/// The reach check of one port.
async fn port_check(ctx: &Ctx<'_>, slot: &PortSlot) -> CheckResult {
    let id = slot.id();
    let spec = slot.spec;
    let r = slot.reach(ctx).await;
    let Some(resp) = &r.response else {
        return without_probe_answer(ctx, slot, r).await;
    };
    let at = SocketAddr::new(resp.address, resp.port).to_string();
    if let Some(skip) = dslite_v4(ctx, slot, resp.outcome, &at).await {
        return skip;
    }
    let res = match resp.outcome {
        Outcome::Open => {
            let how = if r.responder {
                format!(
                    " and reached this box (doctor answered port {} itself, nothing else listens there)",
                    spec.internal
                )
            } else if resp.kind == CheckKind::Tls {
                " (TLS handshake completed)".to_string()
            } else {
                String::new()
            };
            CheckResult::pass(
                &id,
                format!("port {spec} is reachable from outside: the probe connected to {at}{how}"),
            )
        }
        Outcome::OtherHost => CheckResult::fail(
            &id,
            format!("port {spec} at {at} is answered by another host, not this box"),
        )
        .why("visitors reach some other device (often the router's own web interface) instead of the box")
        .fix(format!(
            "point the router's forwarding of port {} at this box ({}), or free the port on the router (move its remote administration elsewhere)",
            spec.external,
            ctx.local.lan_v4().map(|a| a.to_string()).unwrap_or_else(|| "its LAN address".into())
        )),
        Outcome::Refused => CheckResult::fail(
            &id,
            format!("port {spec} is closed from outside: {at} refused the connection"),
        )
        .why("the router (or the box) actively rejects connections: no forwarding leads to a listening service")
        .fix(mapping_fix(ctx, slot)),
        Outcome::Timeout => timeout_result(ctx, &id, slot, &at).await,
        Outcome::Unreachable => CheckResult::fail(
            &id,
            format!("port {spec} cannot be reached: {at} is unreachable from outside"),
        )
        .why("the network says the address does not exist or is not routed")
        .fix("check the public address (public.ipv4) and the DNS record"),
        Outcome::Error => CheckResult::warn(
            &id,
            format!(
                "port {spec} at {at} accepts connections, but the {} exchange failed: {}",
                resp.kind.as_str(),
                resp.details.get("error").map(String::as_str).unwrap_or("unknown error")
            ),
        )
        .why("something answers, but not as expected (TLS misconfigured, or a different service)")
        .fix("check the web server's TLS configuration and certificate"),
    };
    res.detail("outcome", resp.outcome)
        .detail("kind", resp.kind)
        .detail("address", resp.address)
        .detail("port", resp.port)
        .detail("probe", &r.probe)
        .detail("responder", r.responder)
        .detail("probe_elapsed_ms", resp.elapsed_ms)
        .detail("nonce_matched", resp.nonce_matched)
}

/// A port no probe server answered for: the port check's answer, the CA's last visit, or why
/// it was not checked.
async fn without_probe_answer(ctx: &Ctx<'_>, slot: &PortSlot, r: &PortReach) -> CheckResult {
    let id = slot.id();
    if let Some(seen) = &r.port_check {
        return crate::doctor::outside::port_check_result(ctx, slot, r, seen).await;
    }
    let why = r
        .skipped
        .as_deref()
        .or(r.error.as_deref())
        .unwrap_or("no probe answered");
    if let Some(res) = crate::doctor::outside::witness_result(ctx, slot, why).await {
        return res;
    }
    if let Some(why) = &r.skipped {
        if why == crate::doctor::outside::NOTHING_CONFIGURED {
            return CheckResult::skip(
                &id,
                format!("not checked from outside: {why}, and no CA has validated this port yet"),
            )
            .fix(crate::doctor::outside::HOW_TO_SEE_FROM_OUTSIDE)
            .detail("not_checked_from_outside", true);
        }
        return CheckResult::skip(&id, format!("not checked: {why}"))
            .fix("add a direkt probe server URL to [ip] probe, or pass --probe URL");
    }
    let err = r.error.as_deref().unwrap_or("no probe answered");
    if r.port_check_failed && !r.probe_busy {
        return CheckResult::skip(
            &id,
            format!(
                "not checked from outside: no port check answered (see probe.port_check): {err}"
            ),
        )
        .fix(crate::doctor::outside::HOW_TO_SEE_FROM_OUTSIDE)
        .detail("port_check_unreachable", true);
    }
    // The probe refusing to work for us says nothing about the box.
    if r.probe_busy {
        return CheckResult::warn(
            &id,
            format!("not checked: the probe server asks to wait ({err})"),
        )
        .why("probe servers limit how often one address may ask, to stay safe for everyone")
        .fix("run doctor again in a minute")
        .detail("rate_limited", true);
    }
    // The probe server down says nothing about the port: probe.reachable names it.
    CheckResult::skip(
        &id,
        format!("not checked: no probe server answered (see probe.reachable): {err}"),
    )
    .detail("probe_unreachable", true)
}

/// On a DS-Lite line an IPv4 port that is not open is expected, not a failure.
async fn dslite_v4(
    ctx: &Ctx<'_>,
    slot: &PortSlot,
    outcome: Outcome,
    at: &str,
) -> Option<CheckResult> {
    if slot.family != Family::Ipv4
        || outcome == Outcome::Open
        || !crate::doctor::dslite::on_dslite(ctx).await
    {
        return None;
    }
    Some(
        CheckResult::skip(
            &slot.id(),
            format!(
                "not reachable over IPv4, as expected on a DS-Lite line: {at} is the provider's shared address (see nat.dslite); the IPv6 check of port {} is the one that counts",
                slot.spec
            ),
        )
        .detail("outcome", outcome)
        .detail("dslite", true),
    )
}

pub(crate) fn mapping_fix(ctx: &Ctx<'_>, slot: &PortSlot) -> String {
    let spec = slot.spec;
    if let (Family::Ipv4, Some(r)) = (slot.family, &ctx.relay) {
        return super::relay::reach_fix(r);
    }
    if slot.family == Family::Ipv6 {
        let me = ctx
            .local
            .global_v6()
            .map(|a| a.to_string())
            .unwrap_or_else(|| "this box".into());
        return format!(
            "open the router's IPv6 firewall for {} port {} to {me} (a \"pinhole\"; `direkt ports add {}` asks for one where the router allows it)",
            spec.protocol.to_string().to_uppercase(),
            spec.external,
            spec
        );
    }
    let lan = ctx
        .local
        .lan_v4()
        .map(|a| a.to_string())
        .unwrap_or_else(|| "this box".into());
    format!(
        "forward {} port {} on the router to {lan} port {} (`direkt ports add {}`, or by hand in the router's settings)",
        spec.protocol.to_string().to_uppercase(),
        spec.external,
        spec.internal,
        spec
    )
}

/// A port that gets no answer at all. Port 80 silent while another port on the same address
/// works is the classic ISP block.
async fn timeout_result(ctx: &Ctx<'_>, id: &str, slot: &PortSlot, at: &str) -> CheckResult {
    let spec = slot.spec;
    if spec.external == 80 && spec.protocol == Protocol::Tcp {
        for other in &ctx.ports {
            if other.spec.external == 80
                || other.spec.protocol != Protocol::Tcp
                || other.family != slot.family
            {
                continue;
            }
            if other.reach(ctx).await.outcome() == Some(Outcome::Open) {
                let mapped = ctx.gateway.get().map(|g| g.available).unwrap_or(false);
                let probably = if mapped { "" } else { "probably " };
                return CheckResult::fail(
                    id,
                    format!(
                        "port 80 is {probably}blocked by the ISP: 80 gets no answer from outside at {at}, while port {} on the same address works",
                        other.spec.external
                    ),
                )
                .why("many providers drop inbound port 80 on home lines; HTTP-01 certificate validation needs it")
                .fix("use the dns-01 (or tls-alpn-01) challenge in [cert] challenges, or ask the provider to unblock port 80")
                .detail("isp_block", true)
                .detail("working_port", other.spec.external);
            }
        }
    }
    if slot.family == Family::Ipv6 && !pinhole_recorded(ctx, slot) {
        return CheckResult::fail(
            id,
            format!(
                "port {spec} is blocked by the router's IPv6 firewall: no pinhole is open for it, so connections to {at} time out"
            ),
        )
        .why("home routers drop unsolicited inbound IPv6 until a pinhole is opened for the box's address and port; this is the router, not the provider")
        .fix(mapping_fix(ctx, slot))
        .detail("ipv6_firewall", true);
    }
    CheckResult::fail(
        id,
        format!("port {spec} gets no answer from outside: connections to {at} time out"),
    )
    .why("packets are dropped on the way: no forwarding on the router, a firewall, or the provider blocks the port")
    .fix(mapping_fix(ctx, slot))
}

/// Whether direkt holds an IPv6 pinhole for this port for the box's current address.
fn pinhole_recorded(ctx: &Ctx<'_>, slot: &PortSlot) -> bool {
    let me = ctx.local.global_v6().map(std::net::IpAddr::V6);
    crate::state::StateDir::new(&ctx.settings.paths.state_dir)
        .read()
        .ok()
        .flatten()
        .is_some_and(|s| {
            s.ports
                .find(slot.spec.external, slot.spec.protocol, Family::Ipv6)
                .is_some_and(|r| Some(r.internal_client) == me)
        })
}

pub async fn hairpin(ctx: &Ctx<'_>) -> CheckResult {
    let id = crate::doctor::CheckId::ReachHairpin.as_str();
    let Some(slot) = ctx
        .ports
        .iter()
        .find(|s| s.spec.protocol == Protocol::Tcp && s.family == Family::Ipv4)
    else {
        return CheckResult::skip(id, "no TCP port forwarded");
    };
    // Wait for the outside check first: its responder (if any) must be up.
    let reach = slot.reach(ctx).await;
    let public = match ctx.public_ip(Family::Ipv4).await {
        Some(p) => p,
        None => return CheckResult::skip(id, "not checked: the public address is unknown"),
    };
    let target = SocketAddr::new(public, slot.spec.external);
    let t = ctx.step_timeout(4);
    let outcome = match tokio::time::timeout(t, tokio::net::TcpStream::connect(target)).await {
        Ok(Ok(_)) => HairpinOutcome::Connected,
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => HairpinOutcome::Refused,
        Ok(Err(e)) => HairpinOutcome::Failed(e.to_string()),
        Err(_) => HairpinOutcome::Failed("timed out".into()),
    };
    let listening = slot.listening(ctx).await;
    hairpin_verdict(target, slot.spec.internal, &outcome, listening)
        .detail("target", target)
        .detail("outside_outcome", reach.outcome())
}

/// How a connection from inside to the public address ended.
#[derive(Debug, Clone, PartialEq)]
pub enum HairpinOutcome {
    Connected,
    /// A TCP RST came back.
    Refused,
    Failed(String),
}

/// The hairpin verdict. A refusal counts as the hairpin working when nothing listens on the
/// box's `internal` port: the router passed the connection on to the box, whose kernel refused
/// it. Only while the box does listen is a refusal the router's own (no hairpin NAT).
pub fn hairpin_verdict(
    target: SocketAddr,
    internal: u16,
    outcome: &HairpinOutcome,
    listening: Listening,
) -> CheckResult {
    let id = crate::doctor::CheckId::ReachHairpin.as_str();
    let label = "hairpin, from inside the LAN; this is not proof of reachability from outside";
    match (outcome, listening) {
        (HairpinOutcome::Connected, _) => CheckResult::pass(
            id,
            format!("from inside, the public address {target} leads back into the LAN ({label})"),
        ),
        (HairpinOutcome::Refused, Listening::No | Listening::Unknown) => CheckResult::pass(
            id,
            format!(
                "from inside, the public address {target} leads back into the LAN: the \
                 connection was refused there, as nothing listens on port {internal} on this \
                 box ({label})"
            ),
        )
        .detail("refused", true),
        (HairpinOutcome::Refused, _) => hairpin_fail(
            id,
            target,
            &format!("refused by the router itself, while this box listens on port {internal}"),
            label,
        )
        .detail("refused", true),
        (HairpinOutcome::Failed(err), _) => hairpin_fail(id, target, err, label),
    }
}

fn hairpin_fail(id: &str, target: SocketAddr, err: &str, label: &str) -> CheckResult {
    CheckResult::warn(
        id,
        format!("from inside, the public address {target} does not lead back ({err}; {label})"),
    )
    .why("the router does not support \"hairpin NAT\": devices in your own network cannot use the name, even when it works from outside")
    .fix("inside the LAN, resolve the name to the box's LAN address (a local DNS entry on the router), or enable NAT loopback on the router")
}

/// `probe.reachable`: the probe servers answer. The port checks' own requests decide; only
/// when no port was asked about does it ask each probe for this box's address.
pub async fn probe_reachable(ctx: &Ctx<'_>) -> CheckResult {
    let id = crate::doctor::CheckId::ProbeReachable.as_str();
    if ctx.probes.is_empty() {
        return CheckResult::skip(id, "no probe server configured ([ip] probe)")
            .fix("add a direkt probe server URL to [ip] probe, or pass --probe URL");
    }
    let mut seen = ProbeSeen::default();
    for slot in &ctx.ports {
        let r = slot.reach(ctx).await;
        if r.kind.is_none() {
            continue;
        }
        seen.asked = true;
        if let Some(p) = &r.probe {
            seen.answered = Some(p.clone());
            break;
        }
        seen.busy |= r.probe_busy;
        seen.errors.extend(r.error.clone());
    }
    if !seen.asked {
        seen_in_detection(ctx, &mut seen).await;
    }
    if !seen.asked {
        for url in &ctx.probes {
            let asked = match ProbeClient::new(url, Bind::V4, ctx.step_timeout(4)) {
                Ok(c) => c.my_address().await.map(|_| ()),
                Err(e) => Err(e),
            };
            match asked {
                Ok(()) => {
                    seen.answered = Some(url.clone());
                    break;
                }
                Err(e) => seen.errors.push(format!("{url}: {e}")),
            }
        }
    }
    probe_verdict(&ctx.probes, &seen).detail("probes", &ctx.probes)
}

/// The probe servers' answers to the address detection doctor ran already (each probe was
/// asked for the address there): no second request to a rate-limited server.
async fn seen_in_detection(ctx: &Ctx<'_>, seen: &mut ProbeSeen) {
    if !ctx.family_enabled(Family::Ipv4) {
        return;
    }
    let sources = &ctx.public(Family::Ipv4).await.sources;
    let mut errors = vec![];
    for url in &ctx.probes {
        let label = format!("probe {url}");
        // One the detection did not ask: doctor asks them all itself.
        let Some(answer) = sources.iter().find(|s| s.source == label) else {
            return;
        };
        if answer.address.is_some() {
            seen.asked = true;
            seen.answered = Some(url.clone());
            return;
        }
        errors.push(format!(
            "{url}: {}",
            answer.error.as_deref().unwrap_or("no answer")
        ));
    }
    seen.asked = true;
    seen.errors.extend(errors);
}

/// What doctor saw of the probe servers.
#[derive(Debug, Default)]
pub struct ProbeSeen {
    /// A port check asked them (else doctor asked for its address).
    pub asked: bool,
    /// The one that answered.
    pub answered: Option<String>,
    /// One asked to wait (rate limit).
    pub busy: bool,
    pub errors: Vec<String>,
}

/// The `probe.reachable` verdict.
pub fn probe_verdict(probes: &[String], seen: &ProbeSeen) -> CheckResult {
    let id = crate::doctor::CheckId::ProbeReachable.as_str();
    if let Some(url) = &seen.answered {
        return CheckResult::pass(id, format!("the probe server {url} answered"));
    }
    let errors = if seen.errors.is_empty() {
        "no answer".to_string()
    } else {
        seen.errors.join("; ")
    };
    if seen.busy {
        return CheckResult::warn(id, format!("the probe server asks to wait ({errors})"))
            .why("probe servers limit how often one address may ask, to stay safe for everyone")
            .fix("run doctor again in a minute")
            .detail("rate_limited", true);
    }
    CheckResult::fail(
        id,
        format!(
            "no probe server answered ({}): {errors}",
            probes.join(", ")
        ),
    )
    .why("without a vantage point outside, doctor cannot tell whether the box is reachable from the internet")
    .fix("check the URL in [ip] probe (or --probe) and that the probe server runs and is reachable from this network")
}

/// The served certificate chain as the probe saw it (port 443).
pub async fn served_chain(ctx: &Ctx<'_>) -> Option<(Vec<Vec<u8>>, String)> {
    use base64::Engine;
    let slot = ctx.ports.iter().find(|s| {
        s.spec.external == 443 && s.spec.protocol == Protocol::Tcp && s.family == Family::Ipv4
    })?;
    let r = slot.reach(ctx).await;
    let resp = r.response.as_ref()?;
    let tls = resp.tls.as_ref()?;
    let chain = tls
        .chain_der_b64
        .iter()
        .filter_map(|c| base64::engine::general_purpose::STANDARD.decode(c).ok())
        .collect();
    Some((
        chain,
        format!("the probe at {}:{}", resp.address, resp.port),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doctor::Status;

    #[test]
    fn a_probe_server_that_cannot_be_reached_is_its_own_check() {
        let probes = vec!["http://198.51.100.80:8080".to_string()];
        let down = ProbeSeen {
            asked: true,
            errors: vec!["cannot reach the probe server: connection refused".into()],
            ..ProbeSeen::default()
        };
        let r = probe_verdict(&probes, &down);
        assert_eq!((r.id.as_str(), r.status), ("probe.reachable", Status::Fail));
        assert!(
            r.summary.contains("http://198.51.100.80:8080"),
            "{}",
            r.summary
        );
        assert!(r.summary.contains("connection refused"), "{}", r.summary);
        // It sits above the port checks in the chain of causes: it is the verdict's cause.
        let verdict = crate::doctor::verdict::choose(&[
            CheckResult::skip("reach.tcp.443", "not checked: no probe server answered"),
            r,
        ]);
        assert_eq!(verdict.cause.as_deref(), Some("probe.reachable"));
        let p = |id: &str| {
            id.parse::<crate::doctor::CheckId>()
                .unwrap()
                .priority(false)
        };
        assert!(p("probe.reachable") < p("reach.tcp.443"));
        let busy = ProbeSeen { busy: true, ..down };
        assert_eq!(probe_verdict(&probes, &busy).status, Status::Warn);
        let up = ProbeSeen {
            answered: Some(probes[0].clone()),
            ..ProbeSeen::default()
        };
        assert_eq!(probe_verdict(&probes, &up).status, Status::Pass);
    }

    #[test]
    fn a_refusal_through_the_hairpin_counts_as_working_when_nothing_listens() {
        let target: SocketAddr = "203.0.113.2:443".parse().unwrap();
        let v = |o: HairpinOutcome, l: Listening| hairpin_verdict(target, 443, &o, l);
        let r = v(HairpinOutcome::Refused, Listening::No);
        assert_eq!(r.status, Status::Pass, "{}", r.summary);
        assert!(
            r.summary.contains("nothing listens on port 443"),
            "{}",
            r.summary
        );
        assert!(!r.summary.contains("does not lead back"), "{}", r.summary);
        // While the box listens, a refusal is the router's own: no hairpin NAT.
        let r = v(HairpinOutcome::Refused, Listening::Yes);
        assert_eq!(r.status, Status::Warn);
        assert!(
            r.summary.contains("refused by the router itself"),
            "{}",
            r.summary
        );
        assert!(r.why.as_deref().unwrap().contains("hairpin NAT"));
        assert_eq!(
            v(HairpinOutcome::Connected, Listening::No).status,
            Status::Pass
        );
        let r = v(HairpinOutcome::Failed("timed out".into()), Listening::No);
        assert_eq!(r.status, Status::Warn);
        assert!(r.summary.contains("timed out"), "{}", r.summary);
    }
}
