//! Checks before an order, so a CA attempt is not wasted: every alias must lead to the box
//! (a CNAME chain to the dynamic name, or the same addresses), and for HTTP-01/TLS-ALPN-01 the
//! dynamic name must resolve at all. Lookups only; no request to the CA.

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_proto::rr::RecordType;

use crate::error::{Error, Result};
use crate::net::dns;

const LOOKUP_TIMEOUT: Duration = Duration::from_secs(3);

/// What one name resolves to: the CNAME chain and the addresses at its end.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolved {
    pub cnames: Vec<String>,
    pub addrs: BTreeSet<IpAddr>,
}

/// A and AAAA of `name` at the recursive resolver `rec`, with the CNAME chain the answers
/// carry ([`dns::to_answer`], the same reading doctor's alias check uses).
async fn resolve(rec: SocketAddr, name: &str) -> Resolved {
    let mut out = Resolved::default();
    let (a, aaaa) = tokio::join!(
        dns::query(rec, name, RecordType::A, true, LOOKUP_TIMEOUT),
        dns::query(rec, name, RecordType::AAAA, true, LOOKUP_TIMEOUT),
    );
    for m in [a, aaaa].into_iter().flatten() {
        let answer = dns::to_answer(&m);
        out.addrs.extend(answer.addresses);
        for c in answer.cnames {
            if !out.cnames.contains(&c) {
                out.cnames.push(c);
            }
        }
    }
    out
}

/// The verdict for one alias.
pub fn alias_problem(
    alias: &str,
    name: &str,
    alias_res: &Resolved,
    name_res: &Resolved,
) -> Option<String> {
    if alias_res.cnames.iter().any(|c| c == name) {
        return None;
    }
    if !alias_res.addrs.is_empty()
        && !name_res.addrs.is_empty()
        && alias_res.addrs.is_subset(&name_res.addrs)
    {
        return None;
    }
    let via = if alias_res.cnames.is_empty() {
        String::new()
    } else {
        format!(" (via CNAME {})", alias_res.cnames.join(" -> "))
    };
    let list = |s: &BTreeSet<IpAddr>| {
        s.iter()
            .map(|a| a.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    Some(if alias_res.addrs.is_empty() {
        format!("alias {alias} does not resolve{via}")
    } else if name_res.addrs.is_empty() {
        format!(
            "alias {alias} points to {}{via}, not to {name} (which does not resolve)",
            list(&alias_res.addrs)
        )
    } else {
        format!(
            "alias {alias} points to {}{via}, not to {name} ({})",
            list(&alias_res.addrs),
            list(&name_res.addrs)
        )
    })
}

/// Check the names before ordering. `need_address`: the challenge connects to the name.
/// Returns notes (e.g. "could not check") and the name's addresses on success.
pub async fn check(
    name: &str,
    aliases: &[String],
    need_address: bool,
) -> Result<(Vec<String>, Vec<IpAddr>)> {
    let Ok(r) = dns::system_resolver() else {
        return Ok((
            vec!["could not read the system's DNS configuration: names not checked".into()],
            vec![],
        ));
    };
    let r = SocketAddr::new(r, 53);
    let name_res = resolve(r, name).await;
    let mut set = tokio::task::JoinSet::new();
    for (i, a) in aliases.iter().enumerate() {
        let a = a.clone();
        // A wildcard: a random name under it must lead to the box.
        set.spawn(async move { (i, resolve(r, &dns::probe_name(&a)).await) });
    }
    let mut alias_res = vec![Resolved::default(); aliases.len()];
    while let Some(Ok((i, res))) = set.join_next().await {
        alias_res[i] = res;
    }
    let problems: Vec<String> = aliases
        .iter()
        .zip(&alias_res)
        .filter_map(|(a, res)| alias_problem(a, name, res, &name_res))
        .collect();
    if !problems.is_empty() {
        return Err(Error::failed(format!(
            "{}; no certificate was ordered",
            problems.join("; ")
        ))
        .hint(format!(
            "point each alias at the box with a CNAME record to {name} (or remove it from \
             `aliases`), wait for DNS to update, then run again"
        )));
    }
    if need_address && name_res.addrs.is_empty() {
        return Err(Error::failed(format!(
            "{name} does not resolve; the CA could not reach the box; no certificate was ordered"
        ))
        .hint("publish the address first (`direkt ddns update`), or use dns-01"));
    }
    let local: Vec<std::net::Ipv6Addr> = crate::net::routes::read_if_inet6()
        .into_iter()
        .map(|a| a.address)
        .collect();
    let notes = if need_address {
        aaaa_note(name, &name_res.addrs, &local)
            .into_iter()
            .collect()
    } else {
        vec![]
    };
    Ok((notes, name_res.addrs.into_iter().collect()))
}

/// CAs validate over IPv6 first and do not fall back to IPv4: an AAAA record that is not this
/// box's address (stale, or another host) makes HTTP-01/TLS-ALPN-01 fail.
pub fn aaaa_note(
    name: &str,
    addrs: &BTreeSet<IpAddr>,
    local: &[std::net::Ipv6Addr],
) -> Option<String> {
    let foreign: Vec<String> = addrs
        .iter()
        .filter_map(|a| match a {
            IpAddr::V6(v6) if !local.contains(v6) => Some(v6.to_string()),
            _ => None,
        })
        .collect();
    (!foreign.is_empty()).then(|| {
        format!(
            "{name} has the AAAA record {} that is not an address of this box; the CA \
             validates over IPv6 first and does not fall back to IPv4, so validation fails \
             unless that address forwards to this box (remove a stale AAAA record)",
            foreign.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(cnames: &[&str], addrs: &[&str]) -> Resolved {
        Resolved {
            cnames: cnames.iter().map(|s| s.to_string()).collect(),
            addrs: addrs.iter().map(|a| a.parse().unwrap()).collect(),
        }
    }

    #[test]
    fn an_alias_is_fine_by_cname_or_by_the_same_address() {
        let name = res(&[], &["203.0.113.2"]);
        assert!(
            alias_problem(
                "www.owner.test",
                "box.example.test",
                &res(&["box.example.test"], &["203.0.113.2"]),
                &name
            )
            .is_none()
        );
        // Chain through another name that ends at the box's address.
        assert!(
            alias_problem(
                "www.owner.test",
                "box.example.test",
                &res(&["fwd.owner.test"], &["203.0.113.2"]),
                &name
            )
            .is_none()
        );
        // An A record with the same address.
        assert!(
            alias_problem(
                "owner.test",
                "box.example.test",
                &res(&[], &["203.0.113.2"]),
                &name
            )
            .is_none()
        );
    }

    #[test]
    fn a_foreign_aaaa_record_is_pointed_out() {
        let local: Vec<std::net::Ipv6Addr> = vec!["2001:db8:77::10".parse().unwrap()];
        let mine = res(&[], &["203.0.113.2", "2001:db8:77::10"]).addrs;
        assert!(aaaa_note("b.example.test", &mine, &local).is_none());
        let stale = res(&[], &["203.0.113.2", "2001:db8:1::5"]).addrs;
        let n = aaaa_note("b.example.test", &stale, &local).unwrap();
        assert!(
            n.contains("2001:db8:1::5") && n.contains("IPv6 first"),
            "{n}"
        );
        assert!(aaaa_note("b.example.test", &res(&[], &["203.0.113.2"]).addrs, &[]).is_none());
    }

    #[test]
    fn a_failing_alias_is_named_with_what_it_points_to() {
        let name = res(&[], &["203.0.113.2"]);
        let p = alias_problem("www.owner.test", "box.example.test", &res(&[], &[]), &name).unwrap();
        assert_eq!(p, "alias www.owner.test does not resolve");
        let p = alias_problem(
            "www.owner.test",
            "box.example.test",
            &res(&["old.host.test"], &["192.0.2.9"]),
            &name,
        )
        .unwrap();
        assert!(p.contains("www.owner.test points to 192.0.2.9 (via CNAME old.host.test), not to box.example.test (203.0.113.2)"), "{p}");
    }
}
