//! DNS questions asked by hand: one query helper (hickory-proto messages over
//! [`crate::net::udp`]), the system's resolver, the one CNAME chain reading ([`to_answer`]) and
//! the one search for a zone's authoritative servers. doctor and ACME (DNS-01 propagation,
//! the alias pre-flight) both use these.
//!
//! By hand rather than through a caching resolver: callers must see exactly what each server
//! answers right now, with its TTL and response code.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_proto::op::{Message, MessageType, OpCode, Query, ResponseCode};
use hickory_proto::rr::{Name, RData, RecordType};
use serde::Serialize;

use crate::net::udp::{self, Resend, UdpError};

/// One answer to one question.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Answer {
    pub rcode: String,
    pub addresses: Vec<IpAddr>,
    /// CNAME chain seen in the answer, in order.
    pub cnames: Vec<String>,
    pub ttl: Option<u32>,
    pub authoritative: bool,
}

impl Answer {
    pub fn ok(&self) -> bool {
        self.rcode == "NOERROR" || self.rcode == "NXDOMAIN"
    }
}

/// Send one query to one server, resent on [`crate::net::udp`]'s schedule (UDP may drop).
pub async fn query(
    server: SocketAddr,
    name: &str,
    rtype: RecordType,
    recurse: bool,
    timeout: Duration,
) -> Result<Message, String> {
    let qname = Name::from_ascii(format!("{}.", name.trim_end_matches('.')))
        .map_err(|e| format!("bad name {name}: {e}"))?;
    let id: u16 = rand::random();
    let mut msg = Message::new(id, MessageType::Query, OpCode::Query);
    msg.metadata.recursion_desired = recurse;
    msg.add_query(Query::query(qname, rtype));
    let bytes = msg.to_vec().map_err(|e| e.to_string())?;
    let is_answer = |b: &[u8]| Message::from_vec(b).ok().filter(|m| m.metadata.id == id);
    udp::exchange(server, None, &bytes, timeout, Resend::Schedule, is_answer)
        .await
        .map_err(|e| match e {
            UdpError::Refused(_) => {
                format!("{server} refused the query (nothing listens on port 53)")
            }
            UdpError::Timeout { .. } => format!(
                "{} did not answer within {} ms",
                server.ip(),
                timeout.as_millis()
            ),
            e => e.to_string(),
        })
}

/// The answer section of `m`: addresses, the CNAME chain in the order the server gave it (the
/// one CNAME follower: a recursive server returns the whole chain in one answer), lowest TTL.
pub fn to_answer(m: &Message) -> Answer {
    let mut a = Answer {
        rcode: rcode_name(m.metadata.response_code),
        authoritative: m.metadata.authoritative,
        ..Answer::default()
    };
    for r in &m.answers {
        match &r.data {
            RData::A(x) => a.addresses.push(IpAddr::V4(x.0)),
            RData::AAAA(x) => a.addresses.push(IpAddr::V6(x.0)),
            RData::CNAME(c) => a.cnames.push(trim_dot(&c.0.to_ascii())),
            _ => continue,
        }
        a.ttl = Some(a.ttl.map_or(r.ttl, |t: u32| t.min(r.ttl)));
    }
    a.addresses.sort();
    a
}

pub fn rcode_name(rc: ResponseCode) -> String {
    match rc {
        ResponseCode::NoError => "NOERROR".into(),
        ResponseCode::NXDomain => "NXDOMAIN".into(),
        ResponseCode::ServFail => "SERVFAIL".into(),
        ResponseCode::Refused => "REFUSED".into(),
        ResponseCode::NotAuth => "NOTAUTH".into(),
        ResponseCode::FormErr => "FORMERR".into(),
        other => format!("{other:?}").to_uppercase(),
    }
}

/// The name to ask for when checking `name`: for a wildcard (`*.example.org`) a random label
/// under its base, which only the `*` record (or a CNAME) can answer.
pub fn probe_name(name: &str) -> String {
    match name.strip_prefix("*.") {
        Some(base) => format!("direkt-{:08x}.{base}", rand::random::<u32>()),
        None => name.to_string(),
    }
}

/// A DNS name as shown and compared: lower case, no trailing dot.
pub fn trim_dot(s: &str) -> String {
    s.trim_end_matches('.').to_ascii_lowercase()
}

/// The first nameserver of /etc/resolv.conf (what every program on the box uses).
/// `DIREKT_RESOLV_CONF` names another file (tests point it at loopback).
pub fn system_resolver() -> Result<IpAddr, String> {
    let path = std::env::var("DIREKT_RESOLV_CONF").unwrap_or_else(|_| "/etc/resolv.conf".into());
    let text = std::fs::read(&path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let (cfg, _) = hickory_resolver::system_conf::parse_resolv_conf(text)
        .map_err(|e| format!("cannot parse {path}: {e}"))?;
    cfg.name_servers()
        .first()
        .map(|n| n.ip)
        .ok_or_else(|| format!("{path} names no nameserver"))
}

/// The authoritative servers' IPv4 addresses for the zone of `name`, asked through the
/// recursive resolver `rec`: the zone is `zone` if known, else the owner of the SOA record
/// above `name`; then its NS records, their glue, or else their A records. Returns the zone
/// (when found) with the servers or why there are none.
pub async fn authoritative(
    rec: SocketAddr,
    name: &str,
    zone: Option<&str>,
    t: Duration,
) -> (Option<String>, Result<Vec<IpAddr>, String>) {
    let mut zone = zone.map(str::to_string);
    let servers = async {
        if zone.is_none() {
            let m = query(rec, name, RecordType::SOA, true, t).await?;
            let soa_owner = m
                .answers
                .iter()
                .chain(m.authorities.iter())
                .find(|r| matches!(r.data, RData::SOA(_)))
                .map(|r| trim_dot(&r.name.to_ascii()));
            zone = soa_owner;
        }
        let Some(z) = zone.clone() else {
            return Err(format!("no SOA record found above {name}"));
        };
        let m = query(rec, &z, RecordType::NS, true, t).await?;
        let ns_names: Vec<String> = m
            .answers
            .iter()
            .filter_map(|r| match &r.data {
                RData::NS(ns) => Some(trim_dot(&ns.0.to_ascii())),
                _ => None,
            })
            .collect();
        let glue: Vec<IpAddr> = m
            .additionals
            .iter()
            .filter_map(|r| match &r.data {
                RData::A(a) => Some(IpAddr::V4(a.0)),
                _ => None,
            })
            .collect();
        let mut ips = glue;
        if ips.is_empty() {
            let lookups = ns_names
                .iter()
                .map(|n| query(rec, n, RecordType::A, true, t));
            for m in futures_util::future::join_all(lookups)
                .await
                .into_iter()
                .flatten()
            {
                ips.extend(to_answer(&m).addresses);
            }
        }
        Ok::<_, String>(ips)
    }
    .await;
    (zone, servers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hickory_proto::rr::rdata::{A, CNAME, NS, SOA};
    use hickory_proto::rr::{Record, RecordType};
    use std::net::Ipv4Addr;

    fn n(s: &str) -> Name {
        Name::from_ascii(s).unwrap()
    }

    #[test]
    fn the_cname_chain_is_read_in_order_with_the_lowest_ttl() {
        let mut m = Message::new(1, MessageType::Response, OpCode::Query);
        m.add_answer(Record::from_rdata(
            n("www.owner.test."),
            300,
            RData::CNAME(CNAME(n("Fwd.Owner.test."))),
        ));
        m.add_answer(Record::from_rdata(
            n("fwd.owner.test."),
            60,
            RData::CNAME(CNAME(n("box.example.test."))),
        ));
        m.add_answer(Record::from_rdata(
            n("box.example.test."),
            120,
            RData::A(A(Ipv4Addr::new(203, 0, 113, 2))),
        ));
        let a = to_answer(&m);
        assert_eq!(a.cnames, vec!["fwd.owner.test", "box.example.test"]);
        assert_eq!(a.addresses, vec![IpAddr::V4(Ipv4Addr::new(203, 0, 113, 2))]);
        assert_eq!((a.ttl, a.rcode.as_str()), (Some(60), "NOERROR"));
    }

    /// A recursive resolver on loopback: SOA above any name is example.test, whose NS is
    /// ns1.example.test (without glue), which is 192.0.2.53.
    async fn fake_resolver() -> SocketAddr {
        let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let addr = sock.local_addr().unwrap();
        tokio::spawn(async move {
            let mut buf = [0u8; 1500];
            while let Ok((len, from)) = sock.recv_from(&mut buf).await {
                let q = Message::from_vec(&buf[..len]).unwrap();
                let query = q.queries[0].clone();
                let mut r = Message::new(q.metadata.id, MessageType::Response, OpCode::Query);
                let zone = n("example.test.");
                match query.query_type() {
                    RecordType::SOA => {
                        let soa =
                            SOA::new(n("ns1.example.test."), n("h.example.test."), 1, 1, 1, 1, 1);
                        r.add_authority(Record::from_rdata(zone, 60, RData::SOA(soa)));
                    }
                    RecordType::NS => {
                        r.add_answer(Record::from_rdata(
                            zone,
                            60,
                            RData::NS(NS(n("ns1.example.test."))),
                        ));
                    }
                    RecordType::A => {
                        let a = A(Ipv4Addr::new(192, 0, 2, 53));
                        r.add_answer(Record::from_rdata(query.name().clone(), 60, RData::A(a)));
                    }
                    _ => {}
                }
                r.add_query(query);
                let _ = sock.send_to(&r.to_vec().unwrap(), from).await;
            }
        });
        addr
    }

    #[tokio::test]
    async fn authoritative_servers_by_soa_ns_and_address() {
        let rec = fake_resolver().await;
        let t = Duration::from_secs(1);
        let (zone, servers) = authoritative(rec, "box.example.test", None, t).await;
        assert_eq!(zone.as_deref(), Some("example.test"));
        assert_eq!(
            servers.unwrap(),
            vec![IpAddr::V4(Ipv4Addr::new(192, 0, 2, 53))]
        );
        let (zone, servers) = authoritative(rec, "box.example.test", Some("example.test"), t).await;
        assert_eq!(zone.as_deref(), Some("example.test"));
        assert_eq!(servers.unwrap().len(), 1);
    }
}
