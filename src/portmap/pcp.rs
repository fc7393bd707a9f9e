//! PCP (RFC 6887) and NAT-PMP (RFC 6886) on the gateway's port 5351.
//!
//! Probing is direkt's own: one PCP ANNOUNCE and one NAT-PMP external-address request, sent
//! concurrently with the UPnP search through [`crate::net::udp`]; both answers carry the
//! gateway's epoch, which tells a later run whether the router restarted (and lost its
//! mappings). Mappings themselves go through crab_nat, whose request/resend loop is inside the
//! crate (it builds and checks the MAP messages and nonces); it always gets [`MAP_TIMEOUTS`],
//! which follows the same 250 ms / doubling schedule, because its defaults wait ~15 s on a
//! silent gateway.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU16;
use std::time::Duration;

use crab_nat::{InternetProtocol, PortMappingOptions, TimeoutConfig, natpmp, pcp};
use serde::Serialize;

use super::{MapError, MapRequest, Method};
use crate::config::Protocol;
use crate::net::udp::{self, Resend, UdpError};

pub const PORT: u16 = 5351;

/// Mapping requests after a successful probe: the gateway is known to answer.
pub const MAP_TIMEOUTS: TimeoutConfig = TimeoutConfig {
    initial_timeout: Duration::from_millis(250),
    max_retries: 2,
    max_retry_timeout: Some(Duration::from_secs(1)),
};

/// What a probe of port 5351 found.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PmpInfo {
    /// Seconds since the gateway's mapping table was (re)started.
    pub epoch: u32,
    /// NAT-PMP only: the gateway's external address.
    pub external_address: Option<IpAddr>,
}

/// Send `request` to the gateway on [`crate::net::udp`]'s schedule (0, 250, 750 ms, ...); give
/// up at `deadline`. The first response (opcode with the response bit, which PCP and NAT-PMP
/// share) is the answer. A closed port (ICMP "port unreachable") ends the wait at once.
async fn request(
    gateway: SocketAddr,
    request: &[u8],
    deadline: Duration,
) -> Result<Vec<u8>, String> {
    let is_response = |b: &[u8]| (b.len() >= 2 && b[1] & 0x80 != 0).then(|| b.to_vec());
    udp::exchange(
        gateway,
        None,
        request,
        deadline,
        Resend::Schedule,
        is_response,
    )
    .await
    .map_err(|e| match e {
        UdpError::Refused(_) => "nothing listens on port 5351 (ICMP port unreachable)".to_string(),
        UdpError::Timeout { .. } => format!("no answer within {} ms", deadline.as_millis()),
        e => e.to_string(),
    })
}

/// A PCP ANNOUNCE request (RFC 6887 §14.1): header only, lifetime 0.
pub fn announce_request(client: IpAddr) -> [u8; 24] {
    let mut r = [0u8; 24];
    r[0] = 2; // version
    r[1] = 0; // opcode ANNOUNCE, R = 0
    let mapped = match client {
        IpAddr::V4(a) => a.to_ipv6_mapped(),
        IpAddr::V6(a) => a,
    };
    r[8..24].copy_from_slice(&mapped.octets());
    r
}

/// Parse an ANNOUNCE answer: the epoch on success, why not otherwise.
pub fn parse_announce(answer: &[u8]) -> Result<u32, String> {
    if answer.len() < 24 {
        // A NAT-PMP-only gateway answers a version-2 request with a short "unsupported version".
        if answer.len() >= 4 && answer[0] == 0 {
            return Err("the gateway speaks NAT-PMP only".into());
        }
        return Err(format!("short PCP answer ({} bytes)", answer.len()));
    }
    if answer[0] != 2 || answer[1] != 0x80 {
        return Err(format!(
            "not a PCP ANNOUNCE answer (version {}, opcode {:#x})",
            answer[0], answer[1]
        ));
    }
    match answer[3] {
        0 => Ok(u32::from_be_bytes([
            answer[8], answer[9], answer[10], answer[11],
        ])),
        code => Err(format!("PCP result code {code}")),
    }
}

/// Parse a NAT-PMP external-address answer: (epoch, address).
pub fn parse_external_address(answer: &[u8]) -> Result<(u32, Ipv4Addr), String> {
    if answer.len() < 12 || answer[0] != 0 || answer[1] != 128 {
        return Err("not a NAT-PMP external address answer".into());
    }
    let code = u16::from_be_bytes([answer[2], answer[3]]);
    if code != 0 {
        return Err(format!("NAT-PMP result code {code}"));
    }
    let epoch = u32::from_be_bytes([answer[4], answer[5], answer[6], answer[7]]);
    Ok((
        epoch,
        Ipv4Addr::new(answer[8], answer[9], answer[10], answer[11]),
    ))
}

pub async fn probe_pcp(
    gateway: IpAddr,
    client: IpAddr,
    deadline: Duration,
) -> Result<PmpInfo, String> {
    let answer = request(
        SocketAddr::new(gateway, PORT),
        &announce_request(client),
        deadline,
    )
    .await?;
    parse_announce(&answer).map(|epoch| PmpInfo {
        epoch,
        external_address: None,
    })
}

pub async fn probe_natpmp(gateway: Ipv4Addr, deadline: Duration) -> Result<PmpInfo, String> {
    let answer = request(SocketAddr::new(gateway.into(), PORT), &[0, 0], deadline).await?;
    parse_external_address(&answer).map(|(epoch, a)| PmpInfo {
        epoch,
        external_address: Some(a.into()),
    })
}

fn crab_protocol(p: Protocol) -> InternetProtocol {
    match p {
        Protocol::Tcp => InternetProtocol::Tcp,
        Protocol::Udp => InternetProtocol::Udp,
    }
}

/// A mapping the gateway granted over PCP or NAT-PMP.
#[derive(Debug, Clone)]
pub struct Granted {
    pub lifetime: u32,
    pub external_address: Option<IpAddr>,
    pub nonce: Option<[u32; 3]>,
}

fn pcp_error(e: pcp::Failure) -> MapError {
    match e {
        pcp::Failure::NotAuthorized(_) => MapError::NotAuthorized {
            code: None,
            detail: "PCP NOT_AUTHORIZED".into(),
        },
        pcp::Failure::Timeout => MapError::Unreachable("the gateway stopped answering PCP".into()),
        pcp::Failure::Socket(e) => MapError::Unreachable(e.to_string()),
        pcp::Failure::CannotProvideExternal(_) => MapError::Conflict {
            holder: None,
            description: None,
        },
        other => MapError::Refused {
            code: None,
            detail: format!("PCP: {other}"),
        },
    }
}

fn natpmp_error(e: natpmp::Failure) -> MapError {
    match e {
        natpmp::Failure::NotAuthorized => MapError::NotAuthorized {
            code: None,
            detail: "NAT-PMP: not authorized".into(),
        },
        natpmp::Failure::Timeout => {
            MapError::Unreachable("the gateway stopped answering NAT-PMP".into())
        }
        natpmp::Failure::Socket(e) => MapError::Unreachable(e.to_string()),
        other => MapError::Refused {
            code: None,
            detail: format!("NAT-PMP: {other}"),
        },
    }
}

/// Map (or renew, with the same nonce) `external_port` → `client:internal_port`. A gateway that
/// hands out another external port means ours is taken: that mapping is dropped again.
pub async fn map(
    method: Method,
    gateway: crab_nat::GatewayAddress,
    req: &MapRequest,
    lifetime: u32,
) -> Result<Granted, MapError> {
    let (client, external_port, internal_port, protocol, nonce) = (
        req.client,
        req.external_port,
        req.internal_port,
        req.protocol,
        req.nonce,
    );
    let internal = NonZeroU16::new(internal_port).ok_or(MapError::Refused {
        code: None,
        detail: "internal port 0".into(),
    })?;
    let options = PortMappingOptions {
        external_port: NonZeroU16::new(external_port),
        lifetime_seconds: Some(lifetime.max(1)),
        timeout_config: Some(MAP_TIMEOUTS),
    };
    let proto = crab_protocol(protocol);
    let mapping = match method {
        Method::Pcp => pcp::port_mapping(
            pcp::BaseMapRequest::new(gateway, client, proto, internal),
            nonce,
            None,
            options,
        )
        .await
        .map_err(pcp_error)?,
        _ => natpmp::port_mapping(gateway, proto, internal, options)
            .await
            .map_err(natpmp_error)?,
    };
    let (nonce, external_address) = match mapping.mapping_type() {
        crab_nat::PortMappingType::Pcp {
            nonce, external_ip, ..
        } => (Some(nonce), Some(external_ip)),
        crab_nat::PortMappingType::NatPmp => (None, None),
    };
    // For an IPv6 pinhole the "external" port is the internal one.
    if mapping.external_port().get() != external_port {
        let got = mapping.external_port().get();
        let _ = mapping.try_drop().await;
        return Err(MapError::PortTaken { offered: got });
    }
    Ok(Granted {
        lifetime: mapping.lifetime(),
        external_address,
        nonce,
    })
}

/// Delete a mapping (PCP needs the nonce it was created with).
pub async fn unmap(
    method: Method,
    gateway: crab_nat::GatewayAddress,
    client: IpAddr,
    internal_port: u16,
    protocol: Protocol,
    nonce: Option<[u32; 3]>,
) -> Result<(), MapError> {
    let Some(internal) = NonZeroU16::new(internal_port) else {
        return Ok(());
    };
    let proto = crab_protocol(protocol);
    match (method, nonce) {
        (Method::Pcp, Some(nonce)) => pcp::try_drop_mapping(
            gateway,
            client,
            nonce,
            pcp::DropMappingRange::Single {
                protocol: proto,
                internal_port: internal,
            },
            Some(MAP_TIMEOUTS),
        )
        .await
        .map_err(pcp_error),
        _ => natpmp::try_drop_mapping(gateway, proto, Some(internal), Some(MAP_TIMEOUTS))
            .await
            .map_err(natpmp_error),
    }
}

/// Did the gateway restart since `epoch_then` was seen `elapsed` seconds ago? RFC 6887 §8.5:
/// the epoch must have grown by at least 7/8 of the elapsed time minus 2 s.
pub fn gateway_restarted(epoch_then: u32, elapsed: u64, epoch_now: u32) -> bool {
    let expected = u64::from(epoch_then) + elapsed;
    let now = u64::from(epoch_now);
    if now + 2 < u64::from(epoch_then) {
        return true;
    }
    now + 2 + elapsed / 8 < expected
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announce_request_layout() {
        let r = announce_request("192.168.77.10".parse().unwrap());
        assert_eq!(&r[..4], &[2, 0, 0, 0]);
        assert_eq!(
            &r[8..24],
            &"::ffff:192.168.77.10"
                .parse::<std::net::Ipv6Addr>()
                .unwrap()
                .octets()
        );
    }

    #[test]
    fn announce_answers() {
        let mut a = [0u8; 24];
        a[0] = 2;
        a[1] = 0x80;
        a[8..12].copy_from_slice(&1234u32.to_be_bytes());
        assert_eq!(parse_announce(&a), Ok(1234));
        a[3] = 8;
        assert_eq!(parse_announce(&a).unwrap_err(), "PCP result code 8");
        assert!(
            parse_announce(&[0, 128, 0, 1, 0, 0, 0, 0])
                .unwrap_err()
                .contains("NAT-PMP only")
        );
        assert!(parse_announce(&[1, 2]).is_err());
    }

    #[test]
    fn natpmp_external_address_answer() {
        let a = [0, 128, 0, 0, 0, 0, 0, 9, 203, 0, 113, 2];
        assert_eq!(
            parse_external_address(&a),
            Ok((9, Ipv4Addr::new(203, 0, 113, 2)))
        );
        let refused = [0, 128, 0, 3, 0, 0, 0, 9, 0, 0, 0, 0];
        assert!(parse_external_address(&refused).unwrap_err().contains("3"));
    }

    #[test]
    fn epoch_going_back_means_restart() {
        // Seen at epoch 1000, 600 s ago: now 1600 is fine, 1590 is within tolerance.
        assert!(!gateway_restarted(1000, 600, 1600));
        assert!(!gateway_restarted(1000, 600, 1560));
        // The router restarted 30 s ago.
        assert!(gateway_restarted(1000, 600, 30));
        // Restarted long enough ago to be past the old value, but less than expected.
        assert!(gateway_restarted(1000, 3600, 1200));
    }

    /// A silent gateway costs the deadline, not crab_nat's 15 s; a refusing one ends at once.
    #[tokio::test]
    async fn silent_and_closed_ports_end_quickly() {
        let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = silent.local_addr().unwrap();
        let t = std::time::Instant::now();
        let e = request(addr, &[0, 0], Duration::from_millis(300))
            .await
            .unwrap_err();
        assert!(e.contains("no answer"), "{e}");
        assert!(t.elapsed() < Duration::from_secs(2));
        drop(silent);
        let e = request(addr, &[0, 0], Duration::from_millis(3000))
            .await
            .unwrap_err();
        assert!(e.contains("unreachable"), "{e}");
    }
}
