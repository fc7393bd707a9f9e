//! The common path of [`super::refresh`] (cron, `renew`): every mapping is recorded as
//! configured and no lease is due, so the router only has to confirm that it still holds them.
//! No SSDP search, no description, no new mapping.
//!
//! The cheapest reliable signal is used per mapping:
//! - PCP / NAT-PMP: one datagram per gateway; its epoch going back shows a restart.
//! - UPnP, read recently: the same datagram. A read of the router's table
//!   (`GetSpecificPortMappingEntry`, several ms each on miniupnpd, which answers them one after
//!   the other) showed the mapping less than [`READ_AGAIN_AFTER`] ago, and the gateway's
//!   PCP/NAT-PMP epoch did not go back since: a reboot shows at once.
//! - UPnP otherwise (never read since it was granted, read too long ago, no epoch, or the epoch
//!   went back): one SOAP call, with the epoch asked alongside and recorded for next time.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};

use super::lease::Confirmation;
use super::{
    Action, Family, LeaseDecision, MappingOutcome, MappingRecord, Method, PMP_DEADLINE, Target,
    gateway, http, lease_decision, outcome, pcp, upnp,
};
use crate::state::State;

/// How long a UPnP mapping is kept on the strength of the gateway's epoch alone after a read of
/// the router's table showed it. A router reboot shows in the epoch at the next run; a mapping
/// lost without one (deleted by hand, a UPnP daemon restarted without its epoch going back) is
/// found within this time, or at the next lease extension (half the lease) if sooner.
pub const READ_AGAIN_AFTER: i64 = 3600;

/// What the router confirmed without a discovery.
pub(super) struct Confirmed {
    pub mappings: Vec<MappingOutcome>,
    /// Records read from the router's table just now, with the new [`Confirmation`]: to save.
    pub read: Vec<MappingRecord>,
}

/// May a UPnP mapping be kept without reading the router's table? Only when a read showed it
/// less than [`READ_AGAIN_AFTER`] ago and the gateway's epoch, asked now the same way as then
/// (`epoch_now`), did not go back since.
pub(super) fn kept_by_epoch(
    confirmed: Option<&Confirmation>,
    epoch_now: Option<u32>,
    now: i64,
) -> bool {
    let (Some(c), Some(epoch)) = (confirmed, epoch_now) else {
        return false;
    };
    let age = now - c.at;
    (0..READ_AGAIN_AFTER).contains(&age) && !pcp::gateway_restarted(c.epoch, age as u64, epoch)
}

/// The records for `targets`, each as configured (same internal port), on the gateway and local
/// address this box still has, with no lease due; `None` as soon as one is not.
fn recorded<'s>(state: &'s State, targets: &[Target], now: i64) -> Option<Vec<&'s MappingRecord>> {
    let v4 = gateway::default_gateway().map(|g| (IpAddr::from(g.address), g.local_address.into()));
    let v6 = if targets.iter().any(|t| t.family == Family::Ipv6) {
        gateway::default_gateway6().map(|g| (IpAddr::from(g.address), g.local_address.into()))
    } else {
        None
    };
    let mut records = Vec::with_capacity(targets.len());
    for t in targets {
        let r = state
            .ports
            .find(t.spec.external, t.spec.protocol, t.family)?;
        let (gw, local): (IpAddr, IpAddr) = match t.family {
            Family::Ipv4 => v4?,
            Family::Ipv6 => v6?,
        };
        if r.gateway != gw
            || r.internal_client != local
            || r.internal_port != t.spec.internal
            || lease_decision(r, now) == LeaseDecision::Extend
        {
            return None;
        }
        records.push(r);
    }
    Some(records)
}

/// A gateway's PCP or NAT-PMP server, as (protocol, gateway, the box's address).
type EpochSource = (Method, IpAddr, IpAddr);

/// The epoch `source` reports now, or `None` when it does not answer.
async fn epoch_of((via, gw, client): EpochSource) -> Option<u32> {
    let info = match (via, gw) {
        (Method::NatPmp, IpAddr::V4(g)) => pcp::probe_natpmp(g, PMP_DEADLINE).await,
        _ => pcp::probe_pcp(gw, client, PMP_DEADLINE).await,
    };
    info.ok().map(|i| i.epoch)
}

/// Ask each source once, whatever the number of its mappings.
async fn epochs(mut sources: Vec<EpochSource>) -> Vec<(EpochSource, Option<u32>)> {
    sources.sort();
    sources.dedup();
    let answers = futures_util::future::join_all(sources.iter().map(|&s| epoch_of(s))).await;
    sources.into_iter().zip(answers).collect()
}

fn lookup(epochs: &[(EpochSource, Option<u32>)], source: EpochSource) -> Option<u32> {
    epochs
        .iter()
        .find(|(s, _)| *s == source)
        .and_then(|(_, e)| *e)
}

/// Where a record's epoch is asked: PCP/NAT-PMP mappings their own protocol, UPnP mappings the
/// protocol that answered at their last read, if that read is recent enough to matter.
fn epoch_source(r: &MappingRecord, now: i64) -> Option<EpochSource> {
    let via = if r.via.is_upnp() {
        let c = r.confirmed.as_ref()?;
        if !(0..READ_AGAIN_AFTER).contains(&(now - c.at)) {
            return None;
        }
        c.epoch_via
    } else {
        r.via
    };
    Some((via, r.gateway, r.internal_client))
}

/// Run `main` to its end with `side` alongside; `side` is dropped if it has not finished by
/// then, so a gateway that ignores PCP/NAT-PMP costs no more than the SOAP calls themselves.
async fn alongside<M: Future, S: Future>(main: M, side: S) -> (M::Output, Option<S::Output>) {
    use futures_util::FutureExt;
    let mut main = std::pin::pin!(main);
    let mut side = std::pin::pin!(side);
    tokio::select! {
        m = &mut main => (m, (&mut side).now_or_never()),
        s = &mut side => (main.await, Some(s)),
    }
}

/// The epoch of the gateway `gw` now, by PCP if it answers, else NAT-PMP: to record with a read.
async fn fresh_epoch(gw: IpAddr, client: IpAddr) -> Option<(Method, u32)> {
    let (p, n) = tokio::join!(
        epoch_of((Method::Pcp, gw, client)),
        epoch_of((Method::NatPmp, gw, client))
    );
    p.map(|e| (Method::Pcp, e))
        .or(n.map(|e| (Method::NatPmp, e)))
}

/// One SOAP read per record, to the service recorded with it: does the router still forward
/// the port to this box?
async fn read_table(records: &[&MappingRecord]) -> Vec<bool> {
    futures_util::future::join_all(records.iter().map(|r| async move {
        let Some(service) = r.upnp_service.as_ref().filter(|_| r.via.is_upnp()) else {
            return false;
        };
        // Only ever the gateway itself, whatever the state file says.
        match http::split_url(&service.control_url) {
            Ok((addr, _)) if addr.ip() == r.gateway => {}
            _ => return false,
        }
        upnp::entry(service, r.external_port, r.protocol)
            .await
            .ok()
            .flatten()
            .is_some_and(|e| {
                e.internal_client == r.internal_client.to_string()
                    && e.internal_port == r.internal_port
            })
    }))
    .await
}

/// Does the router still hold each of these UPnP IPv6 pinholes? A router that cannot say
/// (GetPinholePackets is optional) counts as no: the full refresh updates them.
async fn pinholes_there(records: &[&MappingRecord]) -> bool {
    let answers = futures_util::future::join_all(records.iter().map(|r| async move {
        let (Some(service), Some(id), IpAddr::V6(client)) =
            (r.upnp_service.as_ref(), r.pinhole_id, r.internal_client)
        else {
            return false;
        };
        match http::split_url(&service.control_url) {
            Ok((addr, _)) if addr.ip() == r.gateway => {}
            _ => return false,
        }
        let svc = super::pinhole::PinholeService::new(service.control_url.clone(), client);
        matches!(svc.exists(id).await, Ok(Some(true)))
    }))
    .await;
    answers.into_iter().all(|ok| ok)
}

/// Confirm every target's recorded mapping on the router (see the module doc); `None` as soon
/// as anything is off or unsure: the caller then does the whole refresh.
pub(super) async fn confirm_recorded(
    state: &State,
    targets: &[Target],
    now: i64,
) -> Option<Confirmed> {
    let records = recorded(state, targets, now)?;
    let epochs = epochs(
        records
            .iter()
            .filter_map(|r| epoch_source(r, now))
            .collect(),
    )
    .await;
    let epoch_for = |r: &MappingRecord| epoch_source(r, now).and_then(|s| lookup(&epochs, s));

    // PCP/NAT-PMP: the epoch alone decides (they cannot be asked for one mapping).
    for r in records.iter().filter(|r| !r.via.is_upnp()) {
        let elapsed = (now - r.renewed_at).max(0) as u64;
        match (epoch_for(r), r.epoch) {
            (Some(epoch), Some(then)) if !pcp::gateway_restarted(then, elapsed, epoch) => {}
            _ => return None,
        }
    }
    // UPnP IPv6 pinholes: one GetPinholePackets each (a read, sent from the pinhole's address).
    let pinholes: Vec<&MappingRecord> = records
        .iter()
        .copied()
        .filter(|r| r.pinhole_id.is_some())
        .collect();
    if !pinholes_there(&pinholes).await {
        return None;
    }
    let to_read: Vec<&MappingRecord> = records
        .iter()
        .copied()
        .filter(|r| {
            r.via.is_upnp()
                && r.pinhole_id.is_none()
                && !kept_by_epoch(r.confirmed.as_ref(), epoch_for(r), now)
        })
        .collect();
    let (found, epoch_now) = match to_read.first() {
        None => (vec![], None),
        Some(first) => {
            // UPnP mappings are IPv4, on the one default gateway: one epoch for all of them.
            let (found, e) = alongside(
                read_table(&to_read),
                fresh_epoch(first.gateway, first.internal_client),
            )
            .await;
            (found, e.flatten())
        }
    };
    if found.iter().any(|ok| !ok) {
        return None;
    }

    let read = to_read
        .iter()
        .map(|r| {
            let mut r = (*r).clone();
            // Without an epoch now, the old one must not vouch for this read.
            r.confirmed = epoch_now.map(|(epoch_via, epoch)| Confirmation {
                at: now,
                epoch,
                epoch_via,
            });
            r
        })
        .collect();
    let mappings = targets
        .iter()
        .zip(&records)
        .map(|(t, r)| {
            let internal = SocketAddr::new(r.internal_client, r.internal_port).to_string();
            outcome(t, Action::Kept, Some(r.via), Some(r), internal)
        })
        .collect();
    Some(Confirmed { mappings, read })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_at(at: i64, epoch: u32) -> Confirmation {
        Confirmation {
            at,
            epoch,
            epoch_via: Method::NatPmp,
        }
    }

    #[test]
    fn a_recent_read_and_an_epoch_that_went_on_keep_the_mapping_without_soap() {
        let c = read_at(10_000, 500);
        assert!(kept_by_epoch(Some(&c), Some(500), 10_000));
        assert!(kept_by_epoch(Some(&c), Some(800), 10_300));
        assert!(kept_by_epoch(
            Some(&c),
            Some(500 + READ_AGAIN_AFTER as u32 - 1),
            10_000 + READ_AGAIN_AFTER - 1
        ));
    }

    #[test]
    fn an_epoch_that_went_back_reads_the_table() {
        let c = read_at(10_000, 500);
        // The router rebooted 20 s ago.
        assert!(!kept_by_epoch(Some(&c), Some(20), 10_300));
        // It rebooted longer ago, but its epoch grew less than the time since the read.
        assert!(!kept_by_epoch(Some(&c), Some(600), 11_000));
    }

    #[test]
    fn an_old_read_no_read_or_no_epoch_reads_the_table() {
        let c = read_at(10_000, 500);
        assert!(!kept_by_epoch(
            Some(&c),
            Some(500 + READ_AGAIN_AFTER as u32),
            10_000 + READ_AGAIN_AFTER
        ));
        // Never read since it was granted.
        assert!(!kept_by_epoch(None, Some(600), 10_100));
        // The gateway did not answer PCP/NAT-PMP this time.
        assert!(!kept_by_epoch(Some(&c), None, 10_100));
        // A read "in the future" (the clock went back): not trusted.
        assert!(!kept_by_epoch(Some(&c), Some(500), 9_000));
    }

    /// A UPnP mapping's epoch is asked only when its last read is recent enough to count, so a
    /// gateway that went silent on PCP costs no wait once the read is too old anyway.
    #[test]
    fn the_epoch_is_asked_where_it_was_answered_and_only_while_the_read_counts() {
        let mut r: MappingRecord = serde_json::from_value(serde_json::json!({
            "external_port": 443, "internal_port": 443, "protocol": "tcp", "family": "ipv4",
            "internal_client": "192.168.77.10", "gateway": "192.168.77.1", "via": "upnp-igd2",
            "lease": 3600, "granted": 3600, "created_at": 0, "renewed_at": 0,
            "expires_at": 3600, "epoch": 4,
        }))
        .unwrap();
        let (gw, client) = (r.gateway, r.internal_client);
        assert_eq!(epoch_source(&r, 100), None);
        r.confirmed = Some(read_at(100, 50));
        assert_eq!(epoch_source(&r, 200), Some((Method::NatPmp, gw, client)));
        assert_eq!(epoch_source(&r, 100 + READ_AGAIN_AFTER), None);
        r.via = Method::Pcp;
        assert_eq!(
            epoch_source(&r, 100 + READ_AGAIN_AFTER),
            Some((Method::Pcp, gw, client))
        );
    }

    #[tokio::test]
    async fn the_side_question_is_dropped_when_the_main_one_ends() {
        let t = std::time::Instant::now();
        let slow = tokio::time::sleep(std::time::Duration::from_secs(5));
        let (m, s) = alongside(async { 1 }, slow).await;
        assert_eq!((m, s), (1, None));
        let (m, s) = alongside(
            async {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                2
            },
            async { 3 },
        )
        .await;
        assert_eq!((m, s), (2, Some(3)));
        assert!(t.elapsed() < std::time::Duration::from_secs(2));
    }
}
