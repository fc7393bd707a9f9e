//! STUN (RFC 5389) binding requests: the server answers with the address and port it saw our
//! packet come from (XOR-MAPPED-ADDRESS). UDP, resent on the one schedule of [`crate::net::udp`].

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use bytecodec::{DecodeExt, EncodeExt};
use stun_codec::rfc5389::Attribute;
use stun_codec::rfc5389::attributes::{MappedAddress, XorMappedAddress};
use stun_codec::rfc5389::methods::BINDING;
use stun_codec::{Message, MessageClass, MessageDecoder, MessageEncoder, TransactionId};

use crate::net::udp::{self, Resend};

/// Ask `server` which address it sees. `bind` pins the local address (for IPv6: the stable
/// address, so the server sees that one and not a temporary one). Lost requests are resent on
/// [`crate::net::udp`]'s schedule until `timeout`.
pub async fn mapped_address(
    server: SocketAddr,
    bind: Option<IpAddr>,
    timeout: Duration,
) -> Result<SocketAddr, String> {
    let id = TransactionId::new(rand::random());
    let request = Message::<Attribute>::new(MessageClass::Request, BINDING, id);
    let bytes = MessageEncoder::new()
        .encode_into_bytes(request)
        .map_err(|e| format!("cannot encode the STUN request: {e}"))?;
    udp::exchange(server, bind, &bytes, timeout, Resend::Schedule, |b| {
        parse_response(b, id).transpose()
    })
    .await
    .map_err(|e| match e {
        udp::UdpError::Timeout { timeout, .. } => {
            format!("no answer within {} ms", timeout.as_millis())
        }
        e => e.to_string(),
    })?
}

/// The mapped address in a binding success response for `id`; `Ok(None)` for packets that are
/// not the answer (ignored), `Err` for an error response.
fn parse_response(bytes: &[u8], id: TransactionId) -> Result<Option<SocketAddr>, String> {
    let Ok(Ok(m)) = MessageDecoder::<Attribute>::new().decode_from_bytes(bytes) else {
        return Ok(None);
    };
    if m.transaction_id() != id || m.method() != BINDING {
        return Ok(None);
    }
    match m.class() {
        MessageClass::SuccessResponse => {
            if let Some(a) = m.get_attribute::<XorMappedAddress>() {
                return Ok(Some(a.address()));
            }
            // RFC 3489 servers only send MAPPED-ADDRESS.
            if let Some(a) = m.get_attribute::<MappedAddress>() {
                return Ok(Some(a.address()));
            }
            Err("the STUN answer holds no mapped address".into())
        }
        MessageClass::ErrorResponse => Err("the STUN server answered with an error".into()),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;
    use tokio::net::UdpSocket;

    /// A minimal STUN server on loopback answering one binding request per packet.
    async fn serve(sock: UdpSocket, drop_first: bool) {
        let mut buf = [0u8; 1024];
        let mut dropped = !drop_first;
        loop {
            let Ok((n, peer)) = sock.recv_from(&mut buf).await else {
                return;
            };
            if !dropped {
                dropped = true;
                continue;
            }
            let req = MessageDecoder::<Attribute>::new()
                .decode_from_bytes(&buf[..n])
                .unwrap()
                .unwrap();
            let mut resp = Message::<Attribute>::new(
                MessageClass::SuccessResponse,
                BINDING,
                req.transaction_id(),
            );
            resp.add_attribute(XorMappedAddress::new(peer));
            let out = MessageEncoder::new().encode_into_bytes(resp).unwrap();
            sock.send_to(&out, peer).await.unwrap();
        }
    }

    #[tokio::test]
    async fn binding_request_returns_the_mapped_address_even_after_a_lost_packet() {
        for drop_first in [false, true] {
            let server = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            let addr = server.local_addr().unwrap();
            let task = tokio::spawn(serve(server, drop_first));
            let got = mapped_address(addr, None, Duration::from_millis(1000))
                .await
                .unwrap();
            assert_eq!(got.ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
            task.abort();
        }
    }

    #[tokio::test]
    async fn silence_times_out() {
        let server = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = server.local_addr().unwrap();
        let e = mapped_address(addr, None, Duration::from_millis(200))
            .await
            .unwrap_err();
        assert!(e.contains("no answer"), "{e}");
        drop(server);
    }
}
