//! IPv6 pinholes through UPnP IGDv2's `WANIPv6FirewallControl:1` service (UPnP Forum,
//! "WANIPv6FirewallControl:1 Service", part of IGD:2): `GetFirewallStatus`, `AddPinhole`,
//! `UpdatePinhole`, `DeletePinhole` and `GetPinholePackets` (a read that tells whether a
//! pinhole still exists). Used for IPv6 when the router does not offer PCP.
//!
//! The SOAP is written here rather than through igd-next (whose 0.18 has pinhole calls):
//! igd-next sends them to the address the description came from, the router's IPv4 address,
//! from whatever source address the kernel picks. The service document recommends, and
//! miniupnpd enforces (`PinholeVerification` in its upnpsoap.c: "Pinhole InternalClient
//! address must match the action sender", else 606), that a control point opens pinholes only
//! for its own address: so every call here goes to the router's IPv6 address, on the port and
//! path of the control URL, from the box's global address the pinhole is for. The same check
//! guards `UpdatePinhole`, `DeletePinhole` and `GetPinholePackets`. miniupnpd also refuses
//! (606) an `InternalPort` below 1024 from an unauthenticated control point, as the service
//! document recommends; the error message says so. A pinhole the router no longer holds is
//! answered 704 (NoSuchEntry) by the document and 402 by miniupnpd 2.3.1: both mean "gone".

use std::net::{IpAddr, Ipv6Addr, SocketAddr, SocketAddrV6};

use super::MapError;
use super::upnp::{IPV6_FIREWALL, SoapError, WanService, soap_call_from};
use crate::config::Protocol;

/// 704 NoSuchEntry, the document's answer for an unknown UniqueID.
const NO_SUCH_ENTRY: u16 = 704;
/// 402 Invalid Args: miniupnpd 2.3.1's answer to `UpdatePinhole` and `GetPinholePackets` for a
/// UniqueID it does not hold (seen in the lab), where the document says 704. direkt only ever
/// sends IDs the router gave it, so for those calls it means the same.
const INVALID_ARGS: u16 = 402;

/// The longest lease the service allows (`LeaseTime` is 1..86400 seconds).
pub const MAX_LEASE: u32 = 86_400;

/// The firewall service as seen from the box: control URL on the router's IPv6 address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinholeService {
    pub service: WanService,
    /// The box's global address: the pinholes' InternalClient and the calls' source.
    pub client: Ipv6Addr,
}

/// The control URL `url` (on the router's IPv4 address, from the description) moved to the
/// router's IPv6 address `router` (with its scope for a link-local one), same port and path.
pub fn control_url_v6(url: &str, router: Ipv6Addr, scope_id: u32) -> Option<String> {
    let (addr, path) = super::http::split_url(url).ok()?;
    let scope = if router.is_unicast_link_local() {
        scope_id
    } else {
        0
    };
    let v6 = SocketAddrV6::new(router, addr.port(), 0, scope);
    Some(format!("http://{}{path}", SocketAddr::V6(v6)))
}

impl PinholeService {
    pub fn new(control_url: String, client: Ipv6Addr) -> PinholeService {
        PinholeService {
            service: WanService {
                service_type: IPV6_FIREWALL.to_string(),
                control_url,
            },
            client,
        }
    }

    async fn call(
        &self,
        action: &str,
        args: &[(&str, String)],
    ) -> Result<std::collections::BTreeMap<String, String>, SoapError> {
        soap_call_from(Some(IpAddr::V6(self.client)), &self.service, action, args).await
    }

    /// `GetFirewallStatus`: (FirewallEnabled, InboundPinholeAllowed).
    pub async fn status(&self) -> Result<(bool, bool), MapError> {
        let m = self
            .call("GetFirewallStatus", &[])
            .await
            .map_err(|e| to_map_error(e, 0))?;
        let flag = |k: &str| m.get(k).is_some_and(|v| v == "1" || v == "true");
        Ok((flag("FirewallEnabled"), flag("InboundPinholeAllowed")))
    }

    /// `AddPinhole` from any remote host and port to the box's `port`: the pinhole's UniqueID.
    /// The router extends an identical existing pinhole and returns its ID.
    pub async fn add(&self, port: u16, protocol: Protocol, lease: u32) -> Result<u16, MapError> {
        let args = [
            ("RemoteHost", String::new()),
            ("RemotePort", "0".to_string()),
            ("InternalClient", self.client.to_string()),
            ("InternalPort", port.to_string()),
            ("Protocol", protocol_number(protocol).to_string()),
            ("LeaseTime", lease.clamp(1, MAX_LEASE).to_string()),
        ];
        let m = self
            .call("AddPinhole", &args)
            .await
            .map_err(|e| to_map_error(e, port))?;
        m.get("UniqueID")
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| MapError::Unreachable("AddPinhole answered without a UniqueID".into()))
    }

    /// `UpdatePinhole`: a new lease for the pinhole `id`. `Ok(false)`: it no longer exists (704).
    pub async fn update(&self, id: u16, lease: u32) -> Result<bool, MapError> {
        let args = [
            ("UniqueID", id.to_string()),
            ("NewLeaseTime", lease.clamp(1, MAX_LEASE).to_string()),
        ];
        match self.call("UpdatePinhole", &args).await {
            Ok(_) => Ok(true),
            Err(SoapError::Upnp {
                code: NO_SUCH_ENTRY | INVALID_ARGS,
                ..
            }) => Ok(false),
            Err(e) => Err(to_map_error(e, 0)),
        }
    }

    /// `DeletePinhole`; one that no longer exists (704) counts as deleted.
    pub async fn delete(&self, id: u16) -> Result<(), MapError> {
        match self
            .call("DeletePinhole", &[("UniqueID", id.to_string())])
            .await
        {
            Ok(_) | Err(SoapError::Upnp { code: 704, .. }) => Ok(()),
            Err(e) => Err(to_map_error(e, 0)),
        }
    }

    /// `GetPinholePackets`: `Some(true)` the pinhole exists, `Some(false)` it does not (704),
    /// `None` the router cannot say (the action is optional, or it refused).
    pub async fn exists(&self, id: u16) -> Result<Option<bool>, MapError> {
        match self
            .call("GetPinholePackets", &[("UniqueID", id.to_string())])
            .await
        {
            Ok(_) => Ok(Some(true)),
            Err(SoapError::Upnp {
                code: NO_SUCH_ENTRY | INVALID_ARGS,
                ..
            }) => Ok(Some(false)),
            Err(SoapError::Upnp { .. }) => Ok(None),
            Err(SoapError::Transport(t)) => Err(MapError::Unreachable(t)),
        }
    }
}

/// IANA protocol numbers, as `AddPinhole` wants them.
fn protocol_number(p: Protocol) -> u8 {
    match p {
        Protocol::Tcp => 6,
        Protocol::Udp => 17,
    }
}

/// The service document's error codes, in words.
fn to_map_error(e: SoapError, port: u16) -> MapError {
    let (code, description) = match e {
        SoapError::Transport(t) => return MapError::Unreachable(t),
        SoapError::Upnp { code, description } => (code, description),
    };
    let detail = |s: &str| format!("{s} ({description})");
    match code {
        606 => MapError::NotAuthorized {
            code: Some(606),
            detail: if port != 0 && port < 1024 {
                detail(
                    "the router lets a device open pinholes only for its own address and for \
                     ports from 1024 up",
                )
            } else {
                detail("the router lets a device open pinholes only for its own address")
            },
        },
        702 => MapError::NotAuthorized {
            code: Some(702),
            detail: detail("the router's IPv6 firewall is off, so no pinhole is needed or kept"),
        },
        703 => MapError::NotAuthorized {
            code: Some(703),
            detail: detail("the router's IPv6 firewall allows no inbound pinholes"),
        },
        701 => MapError::Refused {
            code: Some(701),
            detail: detail("the router's pinhole table is full"),
        },
        _ => MapError::Refused {
            code: Some(code),
            detail: description,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_control_url_moves_to_the_routers_ipv6_address() {
        let r: Ipv6Addr = "2001:db8:77::1".parse().unwrap();
        assert_eq!(
            control_url_v6("http://192.168.77.1:5000/ctl/IP6FCtl", r, 3).as_deref(),
            Some("http://[2001:db8:77::1]:5000/ctl/IP6FCtl")
        );
        let ll: Ipv6Addr = "fe80::1".parse().unwrap();
        let url = control_url_v6(
            "http://192.168.178.1:49000/igd2upnp/control/WANIPv6Firewall1",
            ll,
            2,
        )
        .unwrap();
        assert_eq!(
            url,
            "http://[fe80::1%2]:49000/igd2upnp/control/WANIPv6Firewall1"
        );
        // The HTTP layer reads it back with its scope.
        let (a, p) = super::super::http::split_url(&url).unwrap();
        assert_eq!(a, SocketAddr::V6(SocketAddrV6::new(ll, 49000, 0, 2)));
        assert_eq!(p, "/igd2upnp/control/WANIPv6Firewall1");
    }

    #[test]
    fn refusals_in_words() {
        let e = to_map_error(
            SoapError::Upnp {
                code: 606,
                description: "Action not authorized".into(),
            },
            443,
        );
        match e {
            MapError::NotAuthorized { code, detail } => {
                assert_eq!(code, Some(606));
                assert!(detail.contains("from 1024 up"), "{detail}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            to_map_error(
                SoapError::Upnp {
                    code: 703,
                    description: "InboundPinholeNotAllowed".into()
                },
                8443
            ),
            MapError::NotAuthorized {
                code: Some(703),
                ..
            }
        ));
    }
}
