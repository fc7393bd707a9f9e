//! The `status` job: what the config asks for and what the parts recorded, gathered once as an
//! [`Overview`] (the screen, `--json`'s `overview`) and as the figures `status --prometheus`
//! prints. It decides nothing and prints nothing.

use std::net::IpAddr;

use serde::Serialize;

use crate::acme::certinfo::CertInfo;
use crate::acme::renewal::Planned;
use crate::config::{Config, Protocol, Settings};
use crate::metrics::Snapshot;
use crate::net::Family;
use crate::portmap::Method;
use crate::renew::RenewPart;
use crate::state::{Backoff, Latch, State};

/// Everything `status` shows, at one moment. Fields are only ever added.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Overview {
    /// When it was taken (Unix seconds): the base of "in 3 h" on the screen.
    pub at: i64,
    /// The address last published per family.
    pub addresses: Vec<AddressView>,
    /// Each forwarding direkt made on the router, then each configured one it has not made.
    pub forwardings: Vec<ForwardingView>,
    /// The live certificate (from disk; from the state when the files are unreadable).
    pub certificate: Option<CertView>,
    /// Latches and back-offs that hold a part back.
    pub waits: Vec<WaitView>,
    /// The last result per configured part.
    pub parts: Vec<PartView>,
    /// The relay through a VPS (`direkt relay`), when one is set up (from the state; `direkt
    /// relay status` looks at the tunnel itself).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relay: Option<RelayView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RelayView {
    /// The VPS's public IPv4 (the A record).
    pub address: IpAddr,
    pub host: String,
    /// `TCP 80, 443`.
    pub ports: String,
    pub since: i64,
    /// When `renew` last asked the VPS itself.
    pub vps_checked: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AddressView {
    pub family: Family,
    pub address: IpAddr,
    /// When it was published (Unix seconds).
    pub published_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForwardingView {
    pub family: Family,
    pub protocol: Protocol,
    pub external_port: u16,
    pub internal_port: u16,
    /// Whether the router holds it (a mapping direkt made); false for one only configured.
    pub mapped: bool,
    /// The port-mapping protocol used (UPnP IGDv2, PCP, NAT-PMP, ...).
    pub via: Option<Method>,
    pub gateway: Option<IpAddr>,
    pub external_address: Option<IpAddr>,
    /// When the lease ends unless renewed (Unix seconds); null for a permanent mapping.
    pub lease_end: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CertView {
    pub names: Vec<String>,
    pub not_before: i64,
    pub not_after: i64,
    pub serial: String,
    /// The next renewal `renew` works towards.
    pub renewal: Planned,
}

/// A latch (waits for the user) or a back-off (waits for a time) on one part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaitView {
    pub part: RenewPart,
    /// `latch` or `backoff`.
    pub kind: &'static str,
    pub reason: String,
    /// A latch: since when; a back-off: null.
    pub since: Option<i64>,
    /// A back-off: until when; a latch: null (until the config changes or `--force`).
    pub until: Option<i64>,
    /// A back-off: consecutive failures.
    pub failures: Option<u32>,
    pub hint: Option<String>,
}

/// How a part fared the last time `renew` or `setup` looked at it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartView {
    pub part: RenewPart,
    /// `ok`, `failed`, `latched` or `not-run`.
    pub result: &'static str,
    pub last_attempt: Option<i64>,
    pub last_success: Option<i64>,
    pub last_change: Option<i64>,
    pub error: Option<String>,
}

/// The overview now, reading the live certificate from disk.
pub fn overview(settings: &Settings, state: Option<&State>) -> Overview {
    let leaf = crate::acme::store::live_leaf(settings);
    overview_of(
        settings.config.as_ref(),
        state,
        leaf,
        crate::state::now_unix(),
    )
}

/// The overview from what was read: the config, the state and the certificate's leaf.
pub fn overview_of(
    config: Option<&Config>,
    state: Option<&State>,
    leaf: Option<CertInfo>,
    now: i64,
) -> Overview {
    let empty = State::default();
    let st = state.unwrap_or(&empty);
    Overview {
        at: now,
        addresses: Family::ALL
            .into_iter()
            .filter_map(|f| {
                st.ddns.published(f).map(|p| AddressView {
                    family: f,
                    address: p.address,
                    published_at: p.at,
                })
            })
            .collect(),
        forwardings: forwardings(config, st),
        certificate: certificate(st, leaf),
        waits: waits(st, now),
        parts: parts(config, st),
        relay: st.relay.as_ref().map(|r| RelayView {
            address: IpAddr::V4(r.address),
            host: r.host.clone(),
            ports: r.ports_text(),
            since: r.since,
            vps_checked: r.vps_checked,
        }),
    }
}

fn forwardings(config: Option<&Config>, st: &State) -> Vec<ForwardingView> {
    let mut out: Vec<ForwardingView> = st
        .ports
        .mappings
        .iter()
        .map(|r| ForwardingView {
            family: r.family,
            protocol: r.protocol,
            external_port: r.external_port,
            internal_port: r.internal_port,
            mapped: true,
            via: Some(r.via),
            gateway: Some(r.gateway),
            external_address: r.external_address,
            lease_end: r.expires_at,
        })
        .collect();
    let forward = config
        .and_then(|c| c.ports.as_ref())
        .map(|p| p.forward.clone())
        .unwrap_or_default();
    for spec in forward {
        let made = out
            .iter()
            .any(|f| f.external_port == spec.external && f.protocol == spec.protocol);
        if !made {
            out.push(ForwardingView {
                family: Family::Ipv4,
                protocol: spec.protocol,
                external_port: spec.external,
                internal_port: spec.internal,
                mapped: false,
                via: None,
                gateway: None,
                external_address: None,
                lease_end: None,
            });
        }
    }
    out
}

fn certificate(st: &State, leaf: Option<CertInfo>) -> Option<CertView> {
    let leaf = leaf.or_else(|| {
        // Without readable files, what the state recorded at issuance.
        st.cert.current.as_ref().map(|c| CertInfo {
            names: c.names.clone(),
            issuer: String::new(),
            not_before: c.not_before,
            not_after: c.not_after,
            serial: c.serial.clone(),
            key_type: c.key_type.clone(),
            ari_id: c.ari_id.clone(),
            spki: vec![],
            der: vec![],
        })
    })?;
    Some(CertView {
        renewal: crate::acme::renewal::planned(&leaf, &st.cert),
        names: leaf.names,
        not_before: leaf.not_before,
        not_after: leaf.not_after,
        serial: leaf.serial,
    })
}

fn waits(st: &State, now: i64) -> Vec<WaitView> {
    let latch = |part, l: &Latch, hint: Option<&String>| WaitView {
        part,
        kind: "latch",
        reason: l.reason.clone(),
        since: Some(l.since),
        until: None,
        failures: None,
        hint: hint.cloned(),
    };
    let backoff = |part, b: &Backoff| WaitView {
        part,
        kind: "backoff",
        reason: b.reason.clone(),
        since: None,
        until: Some(b.until),
        failures: Some(b.failures),
        hint: None,
    };
    let mut out = vec![];
    if let Some(l) = &st.ddns.latch {
        out.push(latch(RenewPart::Dns, l, st.ddns.latch_hint.as_ref()));
    }
    if let Some(b) = st.ddns.backoff.as_ref().and_then(|b| b.active(now)) {
        out.push(backoff(RenewPart::Dns, &b));
    }
    if let Some(l) = &st.cert.latch {
        out.push(latch(RenewPart::Cert, l, None));
    }
    if let Some(b) = st.cert.backoff.as_ref().and_then(|b| b.active(now)) {
        out.push(backoff(RenewPart::Cert, &b));
    }
    out
}

fn parts(config: Option<&Config>, st: &State) -> Vec<PartView> {
    RenewPart::ALL
        .into_iter()
        .filter(|p| config.is_some_and(|c| p.is_configured_in(c)))
        .map(|part| {
            let rec = st.renew.parts.get(part.as_str());
            let own_latch = match part {
                RenewPart::Dns => st.ddns.latch.is_some(),
                RenewPart::Cert => st.cert.latch.is_some(),
                RenewPart::Ports => false,
            };
            let result = match rec {
                _ if own_latch || rec.is_some_and(|r| r.latched) => "latched",
                Some(r) if r.error.is_some() => "failed",
                Some(r) if r.last_attempt.is_some() => "ok",
                _ => "not-run",
            };
            PartView {
                part,
                result,
                last_attempt: rec.and_then(|r| r.last_attempt),
                last_success: rec.and_then(|r| r.last_success),
                last_change: rec.and_then(|r| r.last_change),
                error: rec.and_then(|r| r.error.clone()),
            }
        })
        .collect()
}

/// The figures for `--prometheus`, from the config, what the parts recorded in state and the
/// overview taken from them (so the screen, `--json` and the metrics show the same facts).
pub fn snapshot(settings: &Settings, state: Option<&State>, overview: &Overview) -> Snapshot {
    let mut s = Snapshot {
        name: settings
            .config
            .as_ref()
            .map(|c| c.name.to_string())
            .unwrap_or_default(),
        version: env!("CARGO_PKG_VERSION").into(),
        ..Default::default()
    };
    let Some(state) = state else {
        return s;
    };
    s.last_run = state.last_run.as_ref().map(|r| (r.at, r.ok));
    s.cert_expiry = overview.certificate.as_ref().map(|c| c.not_after);
    s.published = overview
        .addresses
        .iter()
        .map(|a| (a.family.name().to_string(), a.published_at))
        .collect();
    s.leases = overview
        .forwardings
        .iter()
        .filter(|f| f.mapped)
        .filter_map(|f| {
            f.lease_end.map(|t| {
                (
                    f.family.name().to_string(),
                    f.protocol.to_string(),
                    f.external_port,
                    t,
                )
            })
        })
        .collect();
    for (part, rec) in &state.renew.parts {
        if let Some(t) = rec.last_success {
            s.last_success.push((part.clone(), t));
        }
        if let Some(t) = rec.last_attempt {
            s.last_attempt.push((part.clone(), t));
        }
        s.latched.push((part.clone(), rec.latched));
    }
    // A part's own latch (set by `direkt ddns update` etc.) counts too.
    for (part, latched) in latched(settings, state) {
        match s.latched.iter_mut().find(|(p, _)| *p == part) {
            Some(entry) => entry.1 |= latched,
            None => s.latched.push((part, latched)),
        }
    }
    s
}

/// Per configured part: whether the part's own state says it is latched (ports never latch).
fn latched(settings: &Settings, state: &State) -> Vec<(String, bool)> {
    [RenewPart::Dns, RenewPart::Cert, RenewPart::Ports]
        .into_iter()
        .filter(|p| p.is_configured(settings))
        .map(|p| {
            let latched = match p {
                RenewPart::Dns => state.ddns.latch.is_some(),
                RenewPart::Cert => state.cert.latch.is_some(),
                RenewPart::Ports => false,
            };
            (p.to_string(), latched)
        })
        .collect()
}
