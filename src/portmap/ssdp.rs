//! SSDP search for the router's Internet Gateway Device, pinned to the default gateway.
//!
//! The M-SEARCH goes unicast to `gateway:1900` first (the router answers in tens of ms), is
//! resent because UDP gets lost, and falls back to multicast only when the gateway stays
//! silent. An answer counts only when it comes from the gateway's address AND its LOCATION names
//! the gateway's address: a neighbour answering first (or one naming another host) is ignored
//! and reported, so nobody on the LAN can steer direkt to a fake router or a forged external IP.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::time::Instant;

pub const SSDP_PORT: u16 = 1900;
pub const SSDP_MULTICAST: Ipv4Addr = Ipv4Addr::new(239, 255, 255, 250);
/// Search targets: IGDv2 first, IGDv1 for older routers (IGDv2 routers answer both).
pub const SEARCH_TARGETS: [&str; 2] = [
    "urn:schemas-upnp-org:device:InternetGatewayDevice:2",
    "urn:schemas-upnp-org:device:InternetGatewayDevice:1",
];
/// SSDP answers fit in one datagram; larger ones are cut and then fail to parse.
const MAX_DATAGRAM: usize = 2048;

/// When to (re)send: unicast at once and again shortly after, multicast only later.
#[derive(Debug, Clone)]
pub struct SearchPlan {
    pub unicast_at: Vec<Duration>,
    pub multicast_at: Vec<Duration>,
    pub deadline: Duration,
}

impl Default for SearchPlan {
    fn default() -> Self {
        SearchPlan {
            unicast_at: vec![Duration::ZERO, Duration::from_millis(150)],
            multicast_at: vec![Duration::from_millis(300), Duration::from_millis(650)],
            deadline: Duration::from_millis(1200),
        }
    }
}

/// One parsed SSDP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SsdpAnswer {
    pub location: String,
    pub location_addr: SocketAddr,
    pub location_path: String,
    pub search_target: String,
    pub server: Option<String>,
}

/// The gateway's answer, plus what was ignored on the way.
#[derive(Debug, Clone)]
pub struct SearchOutcome {
    pub answer: Option<SsdpAnswer>,
    /// Whether multicast had to be used.
    pub used_multicast: bool,
    pub ignored: Vec<String>,
}

pub fn m_search(host: SocketAddr, target: &str, mx: Option<u8>) -> String {
    let mx = mx.map(|m| format!("MX: {m}\r\n")).unwrap_or_default();
    format!(
        "M-SEARCH * HTTP/1.1\r\nHOST: {host}\r\nMAN: \"ssdp:discover\"\r\n{mx}ST: {target}\r\nUSER-AGENT: {}\r\n\r\n",
        crate::net::http::SSDP_USER_AGENT
    )
}

/// Parse an SSDP search answer (`HTTP/1.1 200 OK` with a LOCATION header).
pub fn parse_answer(data: &[u8]) -> Result<SsdpAnswer, String> {
    let text = std::str::from_utf8(data).map_err(|_| "answer is not text".to_string())?;
    let mut lines = text.split("\r\n").flat_map(|l| l.split('\n'));
    let status = lines.next().unwrap_or_default();
    if !status.starts_with("HTTP/1.1 200") && !status.starts_with("HTTP/1.0 200") {
        return Err(format!("not a search answer: `{}`", status.trim()));
    }
    let (mut location, mut st, mut server) = (None, String::new(), None);
    for line in lines {
        let Some((k, v)) = line.split_once(':') else {
            continue;
        };
        let v = v.trim();
        match k.trim().to_ascii_lowercase().as_str() {
            "location" => location = Some(v.to_string()),
            "st" => st = v.to_string(),
            "server" => server = Some(v.to_string()),
            _ => {}
        }
    }
    let location = location.ok_or("no LOCATION header")?;
    let (addr, path) = super::http::split_url(&location)
        .map_err(|_| format!("LOCATION `{location}` is not http://IP:port/..."))?;
    Ok(SsdpAnswer {
        location,
        location_addr: addr,
        location_path: path,
        search_target: st,
        server,
    })
}

/// Accept an answer only from the gateway, naming the gateway. Returns why not, for the warning.
pub fn check_pinned(answer: &SsdpAnswer, from: IpAddr, gateway: IpAddr) -> Result<(), String> {
    if from != gateway {
        return Err(format!(
            "ignored an SSDP answer from {from}: only the default gateway {gateway} is asked \
             (LOCATION {})",
            answer.location
        ));
    }
    if answer.location_addr.ip() != gateway {
        return Err(format!(
            "ignored an SSDP answer from {from}: its LOCATION {} points to {} instead of the \
             gateway itself",
            answer.location,
            answer.location_addr.ip()
        ));
    }
    Ok(())
}

/// Search for the gateway's IGD following `plan`.
pub async fn search(gateway: Ipv4Addr, plan: &SearchPlan) -> std::io::Result<SearchOutcome> {
    search_at(SocketAddr::new(gateway.into(), SSDP_PORT), plan).await
}

/// [`search`] with the gateway's SSDP port given (tests run a local fake on another port).
async fn search_at(unicast: SocketAddr, plan: &SearchPlan) -> std::io::Result<SearchOutcome> {
    let gateway = match unicast.ip() {
        IpAddr::V4(a) => a,
        IpAddr::V6(_) => return Err(std::io::Error::other("SSDP search is IPv4 only")),
    };
    let bind = if gateway.is_loopback() {
        Ipv4Addr::LOCALHOST
    } else {
        Ipv4Addr::UNSPECIFIED
    };
    let socket = UdpSocket::bind((bind, 0)).await?;
    let _ = socket.set_multicast_ttl_v4(2);
    let start = Instant::now();
    let multicast = SocketAddr::new(SSDP_MULTICAST.into(), SSDP_PORT);
    // (when, to, multicast?) in time order.
    let mut sends: Vec<(Duration, SocketAddr, bool)> = plan
        .unicast_at
        .iter()
        .map(|d| (*d, unicast, false))
        .chain(plan.multicast_at.iter().map(|d| (*d, multicast, true)))
        .collect();
    sends.sort_by_key(|s| s.0);
    let mut next = 0;
    let mut outcome = SearchOutcome {
        answer: None,
        used_multicast: false,
        ignored: vec![],
    };
    let mut buf = [0u8; MAX_DATAGRAM];
    loop {
        while next < sends.len() && start.elapsed() >= sends[next].0 {
            let (_, to, is_multicast) = sends[next];
            outcome.used_multicast |= is_multicast;
            for st in SEARCH_TARGETS {
                let mx = is_multicast.then_some(1);
                if let Err(e) = socket.send_to(m_search(to, st, mx).as_bytes(), to).await {
                    tracing::debug!("M-SEARCH to {to} failed: {e}");
                }
            }
            tracing::debug!("sent M-SEARCH to {to}");
            next += 1;
        }
        let wake = sends
            .get(next)
            .map(|s| s.0)
            .unwrap_or(plan.deadline)
            .min(plan.deadline);
        let now = start.elapsed();
        if now >= plan.deadline {
            return Ok(outcome);
        }
        let wait = wake.saturating_sub(now).max(Duration::from_millis(1));
        match tokio::time::timeout(wait, socket.recv_from(&mut buf)).await {
            Err(_) => continue,
            Ok(Err(e)) => {
                tracing::debug!("SSDP receive error: {e}");
                continue;
            }
            Ok(Ok((n, from))) => {
                let answer = match parse_answer(&buf[..n]) {
                    Ok(a) => a,
                    Err(why) => {
                        tracing::debug!("unusable SSDP datagram from {from}: {why}");
                        if from.ip() != IpAddr::V4(gateway) {
                            outcome.ignored.push(format!(
                                "ignored an SSDP datagram from {}: {why}",
                                from.ip()
                            ));
                        }
                        continue;
                    }
                };
                match check_pinned(&answer, from.ip(), gateway.into()) {
                    Ok(()) => {
                        tracing::debug!(
                            "gateway answered SSDP after {} ms: {}",
                            start.elapsed().as_millis(),
                            answer.location
                        );
                        outcome.answer = Some(answer);
                        return Ok(outcome);
                    }
                    Err(why) => {
                        if !outcome.ignored.contains(&why) {
                            outcome.ignored.push(why);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIUPNPD: &str = "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nUSN: uuid:x::urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\nEXT:\r\nSERVER: Debian/12 UPnP/1.1 MiniUPnPd/2.3.1\r\nLOCATION: http://192.168.77.1:5000/rootDesc.xml\r\nOPT: \"http://schemas.upnp.org/upnp/1/0/\"; ns=01\r\n\r\n";

    #[test]
    fn m_search_is_well_formed() {
        let m = m_search(
            "192.168.77.1:1900".parse().unwrap(),
            SEARCH_TARGETS[0],
            None,
        );
        assert!(m.starts_with("M-SEARCH * HTTP/1.1\r\nHOST: 192.168.77.1:1900\r\n"));
        assert!(m.contains("MAN: \"ssdp:discover\"\r\n"));
        assert!(!m.contains("MX:"), "unicast searches carry no MX");
        assert!(m.ends_with("\r\n\r\n"));
        let m = m_search(
            "239.255.255.250:1900".parse().unwrap(),
            SEARCH_TARGETS[1],
            Some(1),
        );
        assert!(m.contains("MX: 1\r\n") && m.contains("InternetGatewayDevice:1"));
    }

    #[test]
    fn parses_a_miniupnpd_answer() {
        let a = parse_answer(MINIUPNPD.as_bytes()).unwrap();
        assert_eq!(a.location_addr, "192.168.77.1:5000".parse().unwrap());
        assert_eq!(a.location_path, "/rootDesc.xml");
        assert!(a.server.unwrap().contains("MiniUPnPd"));
        assert!(a.search_target.ends_with("InternetGatewayDevice:1"));
    }

    #[test]
    fn rejects_notifications_and_bad_locations() {
        assert!(
            parse_answer(b"NOTIFY * HTTP/1.1\r\nLOCATION: http://192.168.77.1:5000/\r\n\r\n")
                .is_err()
        );
        assert!(parse_answer(b"HTTP/1.1 200 OK\r\nST: x\r\n\r\n").is_err());
        let e = parse_answer(b"HTTP/1.1 200 OK\r\nLOCATION: http://router.lan:5000/x\r\n\r\n")
            .unwrap_err();
        assert!(e.contains("router.lan"), "{e}");
        assert!(
            parse_answer(b"HTTP/1.1 200 OK\r\nLOCATION: https://192.168.77.1/x\r\n\r\n").is_err()
        );
        assert!(parse_answer(&[0xff, 0xfe]).is_err());
    }

    #[test]
    fn only_the_gateway_naming_itself_is_accepted() {
        let gw: IpAddr = "192.168.77.1".parse().unwrap();
        let rogue: IpAddr = "192.168.77.66".parse().unwrap();
        let good = parse_answer(MINIUPNPD.as_bytes()).unwrap();
        assert!(check_pinned(&good, gw, gw).is_ok());
        // A neighbour answering with the gateway's LOCATION, or its own.
        let e = check_pinned(&good, rogue, gw).unwrap_err();
        assert!(
            e.contains("192.168.77.66") && e.contains("only the default gateway"),
            "{e}"
        );
        // The gateway's address, but LOCATION elsewhere.
        let elsewhere = parse_answer(
            b"HTTP/1.1 200 OK\r\nLOCATION: http://192.168.77.66:5000/rootDesc.xml\r\n\r\n",
        )
        .unwrap();
        let e = check_pinned(&elsewhere, gw, gw).unwrap_err();
        assert!(e.contains("points to 192.168.77.66"), "{e}");
    }

    /// A local "gateway" answering only the second unicast M-SEARCH: the resend is what finds it.
    #[tokio::test]
    async fn resends_the_unicast_search() {
        let gw = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = gw.local_addr().unwrap().port();
        let t = std::thread::spawn(move || {
            let mut buf = [0u8; 2048];
            let mut seen = 0;
            loop {
                let (_, from) = gw.recv_from(&mut buf).unwrap();
                seen += 1;
                // Two targets per round: answer in the second round.
                if seen == 3 {
                    let answer = MINIUPNPD.replace("192.168.77.1:5000", "127.0.0.1:5000");
                    gw.send_to(answer.as_bytes(), from).unwrap();
                    return seen;
                }
            }
        });
        let outcome = search_at(
            SocketAddr::from(([127, 0, 0, 1], port)),
            &SearchPlan {
                unicast_at: vec![Duration::ZERO, Duration::from_millis(50)],
                multicast_at: vec![],
                deadline: Duration::from_millis(1000),
            },
        )
        .await
        .unwrap();
        assert_eq!(t.join().unwrap(), 3);
        assert_eq!(outcome.answer.unwrap().location_path, "/rootDesc.xml");
        assert!(!outcome.used_multicast);
    }
}
