//! The DS-Lite softwire of the `ds-lite` scenario (RFC 6333): IPv4 packets carried inside IPv6
//! packets (next header 4, IPv4-in-IPv6) between the router's B4 and the provider's AFTR.
//!
//! The kernel's own tunnel (`ip -6 tunnel add ... mode ipip6`) needs the ip6_tunnel module, which
//! many machines that run the lab (containers, minimal kernels) lack and cannot load. So
//! `direkt lab softwire` does the same in user space, one process at each end (started by
//! `lab up` in the router's and the AFTR's namespace, ended by `lab down` by its PID):
//!
//! - the TUN device `sw0` (created by `lab up` with `ip tuntap`, addressed there, so the rest of
//!   the lab can bind to its addresses before this process attaches) hands over every IPv4
//!   packet routed into it, and takes the ones that come back;
//! - a raw IPv6 socket of protocol 4 (IPPROTO_IPIP) sends each one to the other end as the
//!   payload of an IPv6 packet with next header 4, exactly what the kernel tunnel puts on the
//!   wire; the same socket receives the packets of protocol 4 addressed to this end (without
//!   a kernel handler for protocol 4 the raw socket is the only taker) and only those from the
//!   other end's address go into the TUN device.
//!
//! The pinned `tun` crate opens the device; no ioctl code of our own.

use std::io::{Read, Write};
use std::mem::MaybeUninit;
use std::net::{Ipv6Addr, SocketAddr, SocketAddrV6};

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use crate::error::{Error, Result};

/// The softwire's TUN device in both namespaces.
pub const TUN: &str = "sw0";
/// Payload MTU of the softwire: a 1500-byte link minus the 40-byte IPv6 header.
pub const MTU: u16 = 1460;
/// IPPROTO_IPIP: the IPv6 next header value of IPv4-in-IPv6.
const IPIP: i32 = 4;

/// Whether `packet` (the payload of a received IPv6 packet) looks like an IPv4 packet.
pub fn is_ipv4(packet: &[u8]) -> bool {
    packet.len() >= 20 && packet[0] >> 4 == 4
}

/// The end of the softwire this process is: its own IPv6 address and the other end's.
#[derive(Debug, Clone, Copy)]
pub struct Ends {
    pub local: Ipv6Addr,
    pub remote: Ipv6Addr,
}

fn open_socket(ends: Ends) -> Result<Socket> {
    let sock = Socket::new(
        Domain::IPV6,
        Type::from(libc::SOCK_RAW),
        Some(Protocol::from(IPIP)),
    )
    .map_err(|e| {
        Error::failed(format!(
            "cannot open a raw IPv6 socket for protocol 4 (IPv4-in-IPv6): {e}"
        ))
        .hint("the softwire needs root (CAP_NET_RAW) in the lab's namespace")
    })?;
    sock.bind(&SockAddr::from(SocketAddrV6::new(ends.local, 0, 0, 0)))
        .map_err(|e| Error::failed(format!("cannot bind the softwire to {}: {e}", ends.local)))?;
    Ok(sock)
}

/// Run until killed: carry IPv4 between the TUN device [`TUN`] and the other end.
pub fn run(tun_name: &str, ends: Ends) -> Result<()> {
    let mut cfg = tun::Configuration::default();
    cfg.tun_name(tun_name);
    let dev = tun::create(&cfg).map_err(|e| {
        Error::failed(format!("cannot attach to the TUN device {tun_name}: {e}")).hint(
            "`lab up` creates it with `ip tuntap add dev sw0 mode tun`; /dev/net/tun must exist",
        )
    })?;
    let (mut from_tun, mut to_tun) = dev.split();
    let sock = open_socket(ends)?;
    let out = sock.try_clone()?;
    let remote = SockAddr::from(SocketAddrV6::new(ends.remote, 0, 0, 0));
    eprintln!(
        "softwire up: {tun_name} <-> IPv6 {} -> {} (next header 4)",
        ends.local, ends.remote
    );
    let sender = std::thread::spawn(move || -> Result<()> {
        let mut buf = vec![0u8; 65536];
        loop {
            let n = from_tun.read(&mut buf)?;
            if is_ipv4(&buf[..n])
                && let Err(e) = out.send_to(&buf[..n], &remote)
            {
                eprintln!("softwire: sending {n} bytes to {}: {e}", ends.remote);
            }
        }
    });
    let mut buf = vec![MaybeUninit::<u8>::uninit(); 65536];
    loop {
        if sender.is_finished() {
            return match sender.join() {
                Ok(Err(e)) => Err(e),
                _ => Err(Error::failed("the softwire's sending thread ended")),
            };
        }
        let (n, from) = sock.recv_from(&mut buf)?;
        // SAFETY: recv_from initialised the first n bytes.
        let packet: &[u8] = unsafe { std::slice::from_raw_parts(buf.as_ptr().cast(), n) };
        let from_remote =
            matches!(from.as_socket(), Some(SocketAddr::V6(a)) if *a.ip() == ends.remote);
        if from_remote
            && is_ipv4(packet)
            && let Err(e) = to_tun.write(packet)
        {
            eprintln!("softwire: writing {n} bytes to {tun_name}: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ipv4_packets_cross() {
        let mut v4 = [0u8; 20];
        v4[0] = 0x45;
        assert!(is_ipv4(&v4));
        assert!(!is_ipv4(&v4[..19]));
        let mut v6 = [0u8; 40];
        v6[0] = 0x60;
        assert!(!is_ipv4(&v6));
    }
}
