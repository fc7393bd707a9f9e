//! One UDP request/response exchange with one resend schedule, used by STUN, PCP/NAT-PMP, the
//! RFC 2136 UPDATE and doctor's DNS queries.
//!
//! The request goes out at once and again after 250 ms, 500 ms, 1 s, 2 s, 2 s, ... (doubling up
//! to 2 s between copies) until the overall timeout. The socket is connected to the peer, so the
//! kernel drops datagrams from anyone else and an ICMP "port unreachable" ends the wait at once;
//! of the peer's datagrams only one the caller's matcher accepts ends the exchange (a late answer
//! to an earlier copy, or anything else, is skipped).
//!
//! Written by hand because each protocol crate brings its own loop (hickory's client resends
//! after 333 ms and hides error answers, crab_nat waits ~15 s by default); one schedule here
//! keeps the wire behaviour the same everywhere.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::time::Instant;

/// The first copy is resent after this long without an answer.
pub const FIRST_RESEND: Duration = Duration::from_millis(250);
/// The gap between copies doubles up to this.
pub const MAX_RESEND_GAP: Duration = Duration::from_secs(2);

/// Whether lost datagrams are made up for by sending copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resend {
    /// The one schedule (see the module doc).
    Schedule,
    /// Send once and wait: for requests that must not reach the server twice.
    Never,
}

/// Why an exchange gave no answer. Callers word it for their protocol.
#[derive(Debug, thiserror::Error)]
pub enum UdpError {
    #[error("cannot open a UDP socket towards {peer}: {source}")]
    Socket {
        peer: SocketAddr,
        source: std::io::Error,
    },
    #[error("nothing listens on {0} (ICMP port unreachable)")]
    Refused(SocketAddr),
    #[error("no answer from {peer} within {} ms", timeout.as_millis())]
    Timeout { peer: SocketAddr, timeout: Duration },
    #[error("{peer}: {source}")]
    Io {
        peer: SocketAddr,
        source: std::io::Error,
    },
}

/// The offsets (from the first send) at which copies go out before `timeout`.
pub fn resend_offsets(timeout: Duration, resend: Resend) -> Vec<Duration> {
    let mut out = vec![];
    if resend == Resend::Never {
        return out;
    }
    let (mut at, mut gap) = (FIRST_RESEND, FIRST_RESEND);
    while at < timeout {
        out.push(at);
        gap = (gap * 2).min(MAX_RESEND_GAP);
        at += gap;
    }
    out
}

/// A UDP socket connected to one peer.
pub struct Peer {
    sock: UdpSocket,
    peer: SocketAddr,
}

impl Peer {
    /// Open a socket towards `peer`, bound to `bind` if given (the unspecified address of the
    /// peer's family otherwise).
    pub async fn connect(peer: SocketAddr, bind: Option<IpAddr>) -> Result<Peer, UdpError> {
        let local = bind.unwrap_or(if peer.is_ipv4() {
            IpAddr::V4(Ipv4Addr::UNSPECIFIED)
        } else {
            IpAddr::V6(Ipv6Addr::UNSPECIFIED)
        });
        let socket_err = |source| UdpError::Socket { peer, source };
        let sock = UdpSocket::bind((local, 0)).await.map_err(socket_err)?;
        sock.connect(peer).await.map_err(socket_err)?;
        Ok(Peer { sock, peer })
    }

    /// Send `request` (and copies of it per `resend`) until `accept` takes an answer or
    /// `timeout` has passed since the first send.
    pub async fn exchange<T>(
        &self,
        request: &[u8],
        timeout: Duration,
        resend: Resend,
        mut accept: impl FnMut(&[u8]) -> Option<T>,
    ) -> Result<T, UdpError> {
        let peer = self.peer;
        let io = |e: std::io::Error| match e.kind() {
            std::io::ErrorKind::ConnectionRefused => UdpError::Refused(peer),
            _ => UdpError::Io { peer, source: e },
        };
        let start = Instant::now();
        let deadline = start + timeout;
        let mut copies = resend_offsets(timeout, resend).into_iter();
        let mut next_copy = copies.next().map(|d| start + d);
        self.sock.send(request).await.map_err(io)?;
        let mut buf = vec![0u8; 4096];
        loop {
            let until = next_copy.unwrap_or(deadline).min(deadline);
            match tokio::time::timeout_at(until, self.sock.recv(&mut buf)).await {
                Ok(Ok(n)) => {
                    if let Some(answer) = accept(&buf[..n]) {
                        return Ok(answer);
                    }
                }
                Ok(Err(e)) => return Err(io(e)),
                Err(_) if Instant::now() >= deadline => {
                    return Err(UdpError::Timeout { peer, timeout });
                }
                Err(_) => {
                    next_copy = copies.next().map(|d| start + d);
                    // A failed copy is no reason to stop: the answer to an earlier one may come.
                    let _ = self.sock.send(request).await;
                }
            }
        }
    }
}

/// [`Peer::connect`] then [`Peer::exchange`], for the common case.
pub async fn exchange<T>(
    peer: SocketAddr,
    bind: Option<IpAddr>,
    request: &[u8],
    timeout: Duration,
    resend: Resend,
    accept: impl FnMut(&[u8]) -> Option<T>,
) -> Result<T, UdpError> {
    Peer::connect(peer, bind)
        .await?
        .exchange(request, timeout, resend, accept)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_doubles_up_to_two_seconds_and_stops_at_the_timeout() {
        let ms = |v: &[u64]| {
            v.iter()
                .map(|m| Duration::from_millis(*m))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            resend_offsets(Duration::from_secs(1), Resend::Schedule),
            ms(&[250, 750])
        );
        assert_eq!(
            resend_offsets(Duration::from_secs(8), Resend::Schedule),
            ms(&[250, 750, 1750, 3750, 5750, 7750])
        );
        assert_eq!(
            resend_offsets(Duration::from_millis(200), Resend::Schedule),
            ms(&[])
        );
        assert!(resend_offsets(Duration::from_secs(5), Resend::Never).is_empty());
    }

    /// A loopback server: drops the first `drop` requests; answers each later one with
    /// `junk` first (if set) and then the request echoed with "ok:" in front.
    async fn server(
        drop: usize,
        junk: Option<&'static [u8]>,
    ) -> (SocketAddr, tokio::task::JoinHandle<usize>) {
        let sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = sock.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let mut buf = [0u8; 512];
            let mut seen = 0;
            loop {
                let Ok(Ok((n, from))) =
                    tokio::time::timeout(Duration::from_secs(3), sock.recv_from(&mut buf)).await
                else {
                    return seen;
                };
                seen += 1;
                if seen <= drop {
                    continue;
                }
                if let Some(j) = junk {
                    sock.send_to(j, from).await.unwrap();
                }
                let mut out = b"ok:".to_vec();
                out.extend_from_slice(&buf[..n]);
                sock.send_to(&out, from).await.unwrap();
            }
        });
        (addr, task)
    }

    fn ok_answer(b: &[u8]) -> Option<Vec<u8>> {
        b.starts_with(b"ok:").then(|| b[3..].to_vec())
    }

    #[tokio::test]
    async fn a_dropped_request_is_resent_after_250_ms() {
        let (addr, _task) = server(1, None).await;
        let start = Instant::now();
        let got = exchange(
            addr,
            None,
            b"hi",
            Duration::from_secs(2),
            Resend::Schedule,
            ok_answer,
        )
        .await
        .unwrap();
        assert_eq!(got, b"hi");
        let took = start.elapsed();
        assert!(
            took >= FIRST_RESEND && took < Duration::from_millis(700),
            "{took:?}"
        );
    }

    #[tokio::test]
    async fn without_resend_a_dropped_request_times_out() {
        let (addr, task) = server(1, None).await;
        let e = exchange(
            addr,
            None,
            b"hi",
            Duration::from_millis(400),
            Resend::Never,
            ok_answer,
        )
        .await
        .unwrap_err();
        assert!(matches!(e, UdpError::Timeout { .. }), "{e}");
        task.abort();
    }

    #[tokio::test]
    async fn silence_times_out_at_the_deadline() {
        let silent = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = silent.local_addr().unwrap();
        let start = Instant::now();
        let e = exchange(
            addr,
            None,
            b"hi",
            Duration::from_millis(600),
            Resend::Schedule,
            ok_answer,
        )
        .await
        .unwrap_err();
        let took = start.elapsed();
        assert!(matches!(e, UdpError::Timeout { .. }), "{e}");
        assert!(e.to_string().contains("no answer"), "{e}");
        assert!(
            took >= Duration::from_millis(600) && took < Duration::from_millis(900),
            "{took:?}"
        );
        // Sent at 0 and 250 ms (the next copy would be at 750 ms, after the deadline).
        let mut buf = [0u8; 16];
        let mut copies = 0;
        while let Ok(Ok(_)) =
            tokio::time::timeout(Duration::from_millis(50), silent.recv_from(&mut buf)).await
        {
            copies += 1;
        }
        assert_eq!(copies, 2);
    }

    #[tokio::test]
    async fn a_reply_the_matcher_rejects_is_skipped() {
        let (addr, _task) = server(0, Some(b"not the answer")).await;
        let mut rejected = 0;
        let got = exchange(
            addr,
            None,
            b"q1",
            Duration::from_secs(1),
            Resend::Schedule,
            |b| {
                let a = ok_answer(b);
                if a.is_none() {
                    rejected += 1;
                }
                a
            },
        )
        .await
        .unwrap();
        assert_eq!((got.as_slice(), rejected), (&b"q1"[..], 1));
    }

    #[tokio::test]
    async fn a_closed_port_ends_the_wait_at_once() {
        let addr = {
            let s = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            s.local_addr().unwrap()
        };
        let start = Instant::now();
        let e = exchange(
            addr,
            None,
            b"hi",
            Duration::from_secs(2),
            Resend::Schedule,
            ok_answer,
        )
        .await
        .unwrap_err();
        assert!(matches!(e, UdpError::Refused(_)), "{e}");
        assert!(start.elapsed() < Duration::from_secs(1));
    }
}
