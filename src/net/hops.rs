//! The first hops of the IPv4 path, as `tracepath` finds them, without root: one UDP socket per
//! TTL (1..=N) with `IP_RECVERR`, one datagram each towards an outside server; the kernel hands
//! the ICMP "time exceeded" each hop sends back to the socket's error queue, with the hop's
//! address as the offender. Raw sockets (what `traceroute -I` uses) would need root; this does
//! not. A hop that sends no ICMP (many do not) stays unknown.
//!
//! DS-Lite shows here: the hop after the home router is the provider's AFTR, which answers
//! from its address in 192.0.0.0/29 (RFC 6333).

use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

/// A port no server listens on (traceroute's first one).
const PORT: u16 = 33434;
const ICMP_TIME_EXCEEDED: u8 = 11;
const SO_EE_ORIGIN_ICMP: u8 = 2;

/// What hop `ttl` answered, when it did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hop {
    pub ttl: u8,
    pub address: Ipv4Addr,
}

/// Send one datagram per TTL 1..=`max_ttl` towards `target` and collect the hops that answered
/// "time exceeded" within `wait`. Blocking: call it from `spawn_blocking`.
pub fn first_hops(target: Ipv4Addr, max_ttl: u8, wait: Duration) -> Vec<Hop> {
    let mut socks = vec![];
    for ttl in 1..=max_ttl {
        let Ok(s) = UdpSocket::bind("0.0.0.0:0") else {
            continue;
        };
        let on: libc::c_int = 1;
        // SAFETY: plain setsockopt on an open socket with a c_int option value.
        let ok = unsafe {
            libc::setsockopt(
                s.as_raw_fd(),
                libc::SOL_IP,
                libc::IP_RECVERR,
                (&on as *const libc::c_int).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        } == 0;
        if !ok || s.set_ttl(u32::from(ttl)).is_err() {
            continue;
        }
        if s.send_to(b"direkt", SocketAddrV4::new(target, PORT + u16::from(ttl)))
            .is_ok()
        {
            socks.push((ttl, s));
        }
    }
    let deadline = Instant::now() + wait;
    let mut hops = vec![];
    while !socks.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        let mut fds: Vec<libc::pollfd> = socks
            .iter()
            .map(|(_, s)| libc::pollfd {
                fd: s.as_raw_fd(),
                events: 0,
                revents: 0,
            })
            .collect();
        // SAFETY: fds is a valid array of pollfd of the given length.
        let n = unsafe {
            libc::poll(
                fds.as_mut_ptr(),
                fds.len() as libc::nfds_t,
                left.as_millis().max(1) as libc::c_int,
            )
        };
        if n <= 0 {
            break;
        }
        let mut done = vec![];
        for (i, p) in fds.iter().enumerate() {
            if p.revents & libc::POLLERR != 0 {
                let (ttl, s) = &socks[i];
                if let Some(address) = read_offender(s) {
                    hops.push(Hop { ttl: *ttl, address });
                }
                done.push(i);
            }
        }
        for i in done.into_iter().rev() {
            socks.remove(i);
        }
    }
    hops.sort_by_key(|h| h.ttl);
    hops
}

/// The offender of a "time exceeded" on the socket's error queue.
fn read_offender(s: &UdpSocket) -> Option<Ipv4Addr> {
    let mut data = [0u8; 64];
    let mut control = [0u64; 64];
    let mut iov = libc::iovec {
        iov_base: data.as_mut_ptr().cast(),
        iov_len: data.len(),
    };
    // SAFETY: msghdr is plain data; every pointer set below outlives the call.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control) as _;
    // SAFETY: a valid socket and msghdr; MSG_ERRQUEUE never blocks.
    let r = unsafe { libc::recvmsg(s.as_raw_fd(), &mut msg, libc::MSG_ERRQUEUE) };
    if r < 0 {
        return None;
    }
    // SAFETY: walking the control messages the kernel wrote into `control`.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(&msg);
        while !c.is_null() {
            if (*c).cmsg_level == libc::SOL_IP && (*c).cmsg_type == libc::IP_RECVERR {
                let ee = libc::CMSG_DATA(c) as *const libc::sock_extended_err;
                let e = std::ptr::read_unaligned(ee);
                if e.ee_origin == SO_EE_ORIGIN_ICMP && e.ee_type == ICMP_TIME_EXCEEDED {
                    let from = ee.add(1) as *const libc::sockaddr_in;
                    let sin = std::ptr::read_unaligned(from);
                    if sin.sin_family == libc::AF_INET as libc::sa_family_t {
                        return Some(Ipv4Addr::from(u32::from_be(sin.sin_addr.s_addr)));
                    }
                }
                return None;
            }
            c = libc::CMSG_NXTHDR(&msg, c);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_has_no_hops_to_report() {
        // 127.0.0.1 is reached at TTL 1: "port unreachable", never "time exceeded".
        let hops = first_hops(Ipv4Addr::LOCALHOST, 2, Duration::from_millis(200));
        assert!(hops.is_empty(), "{hops:?}");
    }
}
