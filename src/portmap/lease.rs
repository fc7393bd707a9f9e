//! What direkt remembers about the mappings it created (a section of the state file), and when
//! a lease is due. Only mappings recorded here are ever removed or listed as direkt's.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use super::Method;
use crate::config::{PortSpec, Protocol};

/// IPv4 port forwarding or an IPv6 firewall pinhole.
pub use crate::net::Family;

/// The `ports` section of the state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PortsState {
    pub mappings: Vec<MappingRecord>,
    /// Gateways that refused finite leases (UPnP 725): asked for permanent ones from then on.
    pub permanent_only: Vec<IpAddr>,
}

/// One mapping direkt created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MappingRecord {
    pub external_port: u16,
    pub internal_port: u16,
    pub protocol: Protocol,
    pub family: Family,
    pub internal_client: IpAddr,
    pub gateway: IpAddr,
    pub via: Method,
    /// The lease asked for, seconds.
    pub lease: u32,
    /// The lease the router granted; 0 = permanent.
    pub granted: u32,
    pub created_at: i64,
    pub renewed_at: i64,
    /// When the router drops it unless renewed; `None` for a permanent mapping.
    pub expires_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_address: Option<IpAddr>,
    /// PCP: the nonce that owns the mapping (needed to renew or delete it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pcp_nonce: Option<[u32; 3]>,
    /// PCP / NAT-PMP: the gateway's epoch when last seen, to notice a restart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<u32>,
    /// UPnP: the WAN service that made it, so a later run can check it with one SOAP call
    /// instead of a new search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upnp_service: Option<super::upnp::WanService>,
    /// UPnP: the last read of the router's table that showed this mapping, with the gateway's
    /// PCP/NAT-PMP epoch then; lets a refresh keep it without SOAP for a while (see
    /// `portmap::READ_AGAIN_AFTER`). A new grant clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed: Option<Confirmation>,
    /// UPnP IGDv2 IPv6 pinhole: its UniqueID (`WANIPv6FirewallControl`), to update or delete it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pinhole_id: Option<u16>,
}

/// A read of the router's table (UPnP `GetSpecificPortMappingEntry`) that showed a mapping, and
/// the epoch the gateway's PCP or NAT-PMP server reported at that moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    /// Unix seconds.
    pub at: i64,
    pub epoch: u32,
    /// The protocol that reported the epoch (PCP or NAT-PMP): asked again the same way.
    pub epoch_via: Method,
}

impl MappingRecord {
    pub fn spec(&self) -> PortSpec {
        PortSpec {
            external: self.external_port,
            internal: self.internal_port,
            protocol: self.protocol,
        }
    }
    pub fn matches(&self, external_port: u16, protocol: Protocol, family: Family) -> bool {
        self.external_port == external_port && self.protocol == protocol && self.family == family
    }
}

impl PortsState {
    pub fn find(
        &self,
        external_port: u16,
        protocol: Protocol,
        family: Family,
    ) -> Option<&MappingRecord> {
        self.mappings
            .iter()
            .find(|m| m.matches(external_port, protocol, family))
    }

    /// Insert or replace the record for the same external port, protocol and family.
    pub fn upsert(&mut self, record: MappingRecord) {
        match self
            .mappings
            .iter_mut()
            .find(|m| m.matches(record.external_port, record.protocol, record.family))
        {
            Some(m) => *m = record,
            None => {
                self.mappings.push(record);
                self.mappings
                    .sort_by_key(|m| (m.family, m.external_port, m.protocol));
            }
        }
    }

    pub fn forget(
        &mut self,
        external_port: u16,
        protocol: Protocol,
        family: Family,
    ) -> Option<MappingRecord> {
        let i = self
            .mappings
            .iter()
            .position(|m| m.matches(external_port, protocol, family))?;
        Some(self.mappings.remove(i))
    }
}

/// What `refresh` does with a mapping that is still on the router.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaseDecision {
    /// Less than half the lease is left (or it ended): add it again.
    Extend,
    /// Enough time left.
    Keep,
}

/// Extend when less than half of the granted lease is left, so a run that fails once still
/// has a second chance before the router drops the mapping. Permanent mappings are never due.
pub fn lease_decision(record: &MappingRecord, now: i64) -> LeaseDecision {
    let Some(expires) = record.expires_at else {
        return LeaseDecision::Keep;
    };
    let left = expires - now;
    if left * 2 <= i64::from(record.granted.max(1)) {
        LeaseDecision::Extend
    } else {
        LeaseDecision::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(granted: u32, renewed_at: i64) -> MappingRecord {
        MappingRecord {
            external_port: 443,
            internal_port: 443,
            protocol: Protocol::Tcp,
            family: Family::Ipv4,
            internal_client: "192.168.77.10".parse().unwrap(),
            gateway: "192.168.77.1".parse().unwrap(),
            via: Method::UpnpIgd2,
            lease: 3600,
            granted,
            created_at: renewed_at,
            renewed_at,
            expires_at: (granted > 0).then_some(renewed_at + i64::from(granted)),
            external_address: None,
            pcp_nonce: None,
            epoch: None,
            upnp_service: None,
            confirmed: None,
            pinhole_id: None,
        }
    }

    #[test]
    fn due_when_half_the_lease_is_gone() {
        let r = record(3600, 1000);
        assert_eq!(lease_decision(&r, 1000), LeaseDecision::Keep);
        assert_eq!(lease_decision(&r, 1000 + 1799), LeaseDecision::Keep);
        assert_eq!(lease_decision(&r, 1000 + 1800), LeaseDecision::Extend);
        assert_eq!(lease_decision(&r, 1000 + 9999), LeaseDecision::Extend);
    }

    #[test]
    fn permanent_mappings_are_never_due() {
        assert_eq!(
            lease_decision(&record(0, 0), 10_000_000),
            LeaseDecision::Keep
        );
    }

    #[test]
    fn upsert_replaces_the_same_mapping_only() {
        let mut s = PortsState::default();
        s.upsert(record(3600, 1));
        s.upsert(record(3600, 2));
        assert_eq!(s.mappings.len(), 1);
        assert_eq!(s.mappings[0].renewed_at, 2);
        let mut udp = record(3600, 3);
        udp.protocol = Protocol::Udp;
        s.upsert(udp);
        let mut v6 = record(3600, 4);
        v6.family = Family::Ipv6;
        s.upsert(v6);
        assert_eq!(s.mappings.len(), 3);
        assert!(s.find(443, Protocol::Udp, Family::Ipv4).is_some());
        assert!(s.forget(443, Protocol::Tcp, Family::Ipv4).is_some());
        assert!(s.find(443, Protocol::Tcp, Family::Ipv4).is_none());
        assert!(s.find(443, Protocol::Tcp, Family::Ipv6).is_some());
    }

    #[test]
    fn old_states_without_the_section_load() {
        let s: PortsState = serde_json::from_str("{}").unwrap();
        assert!(s.mappings.is_empty());
        let r = record(3600, 5);
        let text = serde_json::to_string(&r).unwrap();
        assert!(!text.contains("pcp_nonce"));
        assert!(!text.contains("confirmed"));
        assert_eq!(serde_json::from_str::<MappingRecord>(&text).unwrap(), r);
    }
}
