//! The `status` job: what the config asks for and what the parts recorded, as the figures
//! `status --prometheus` prints. It decides nothing and prints nothing.

use crate::config::Settings;
use crate::metrics::Snapshot;
use crate::renew::RenewPart;
use crate::state::State;

/// The figures for `--prometheus`, from the config and what the parts recorded in state.
pub fn snapshot(settings: &Settings, state: Option<&State>) -> Snapshot {
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
    s.cert_expiry = crate::acme::store::cert_expiry(settings);
    s.published = published(state);
    s.leases = leases(state);
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

/// Per family (`ipv4`, `ipv6`): when the current address was published.
fn published(state: &State) -> Vec<(String, i64)> {
    let mut out = vec![];
    if let Some(p) = &state.ddns.ipv4 {
        out.push(("ipv4".to_string(), p.at));
    }
    if let Some(p) = &state.ddns.ipv6 {
        out.push(("ipv6".to_string(), p.at));
    }
    out
}

/// Per mapping: (family, protocol, external port, lease end).
fn leases(state: &State) -> Vec<(String, String, u16, i64)> {
    state
        .ports
        .mappings
        .iter()
        .filter_map(|r| {
            let family = match r.family {
                crate::portmap::Family::Ipv4 => "ipv4",
                crate::portmap::Family::Ipv6 => "ipv6",
            };
            r.expires_at.map(|t| {
                (
                    family.to_string(),
                    r.protocol.to_string(),
                    r.external_port,
                    t,
                )
            })
        })
        .collect()
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
