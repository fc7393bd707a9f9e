//! DNS as the world sees it: the resolver works, the name's records at its authoritative
//! servers and at the recursive resolver against the public address, aliases' CNAME chains, and
//! CAA.
//!
//! Queries go through [`crate::net::dns`] (by hand, no cache): doctor must see exactly what
//! each server answers right now, with its TTL and response code.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_proto::rr::{RData, RecordType};
use serde::Serialize;

use crate::doctor::context::Ctx;
use crate::doctor::network::Family;
use crate::doctor::{CheckResult, Status};
use crate::net::dns::{self, Answer, query, system_resolver, to_answer, trim_dot};

/// What several DNS checks share.
#[derive(Debug, Clone, Default, Serialize)]
pub struct NameView {
    pub resolver: Option<IpAddr>,
    pub resolver_error: Option<String>,
    pub zone: Option<String>,
    pub servers: Vec<IpAddr>,
    pub servers_error: Option<String>,
    /// Per authoritative server: A answer (or error), AAAA answer (or error).
    pub auth: Vec<ServerAnswers>,
    pub rec_a: Option<Result<Answer, String>>,
    pub rec_aaaa: Option<Result<Answer, String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServerAnswers {
    pub server: IpAddr,
    pub a: Result<Answer, String>,
    pub aaaa: Result<Answer, String>,
}

async fn resolve_name_view(ctx: &Ctx<'_>) -> NameView {
    let mut v = NameView::default();
    let Some(name) = ctx.name() else {
        return v;
    };
    let t = ctx.step_timeout(5);
    match system_resolver() {
        Ok(ip) => v.resolver = Some(ip),
        Err(e) => v.resolver_error = Some(e),
    }
    let rec = v.resolver.map(|ip| SocketAddr::new(ip, 53));
    // The recursive answers and the search for the authoritative servers run side by side.
    let rec_fut = async {
        match rec {
            Some(r) => {
                let (a, aaaa) = tokio::join!(
                    query(r, name, RecordType::A, true, t),
                    query(r, name, RecordType::AAAA, true, t)
                );
                (
                    Some(a.map(|m| to_answer(&m))),
                    Some(aaaa.map(|m| to_answer(&m))),
                )
            }
            None => (None, None),
        }
    };
    let servers_fut = find_authoritative(ctx, rec, name, t);
    let ((rec_a, rec_aaaa), servers) = tokio::join!(rec_fut, servers_fut);
    v.rec_a = rec_a;
    v.rec_aaaa = rec_aaaa;
    match servers {
        Ok((zone, servers)) => {
            v.zone = zone;
            v.servers = servers;
        }
        Err(e) => v.servers_error = Some(e),
    }
    let asks = v.servers.iter().map(|ip| async move {
        let s = SocketAddr::new(*ip, 53);
        let (a, aaaa) = tokio::join!(
            query(s, name, RecordType::A, false, t),
            query(s, name, RecordType::AAAA, false, t)
        );
        ServerAnswers {
            server: *ip,
            a: a.map(|m| to_answer(&m)),
            aaaa: aaaa.map(|m| to_answer(&m)),
        }
    });
    v.auth = futures_util::future::join_all(asks).await;
    v
}

/// The zone's authoritative servers: the RFC 2136 primary from the config, plus the zone's NS
/// records resolved through the recursive resolver.
async fn find_authoritative(
    ctx: &Ctx<'_>,
    rec: Option<SocketAddr>,
    name: &str,
    t: Duration,
) -> Result<(Option<String>, Vec<IpAddr>), String> {
    let mut servers = vec![];
    let ddns = ctx.config.and_then(|c| c.ddns.as_ref());
    if let Some(d) = ddns
        && d.provider.kind() == crate::ddns::registry::Kind::Rfc2136
        && let Some(s) = &d.server
    {
        if let Ok(sa) = s.parse::<SocketAddr>() {
            servers.push(sa.ip());
        } else if let Ok(ip) = s.parse::<IpAddr>() {
            servers.push(ip);
        }
    }
    let mut zone = ddns.and_then(|d| d.zone.as_ref()).map(|z| z.to_string());
    let Some(rec) = rec else {
        return if servers.is_empty() {
            Err("no resolver to find the authoritative servers with".into())
        } else {
            Ok((zone, servers))
        };
    };
    let (found_zone, found) = dns::authoritative(rec, name, zone.as_deref(), t).await;
    zone = found_zone;
    match found {
        Ok(ips) => {
            for ip in ips {
                if !servers.contains(&ip) {
                    servers.push(ip);
                }
            }
        }
        Err(e) if servers.is_empty() => return Err(e),
        Err(_) => {}
    }
    if servers.is_empty() {
        return Err(format!(
            "no authoritative server found for {}",
            zone.as_deref().unwrap_or(name)
        ));
    }
    Ok((zone, servers))
}

async fn view<'c>(ctx: &'c Ctx<'_>) -> &'c NameView {
    ctx.dns.get_or_init(|| resolve_name_view(ctx)).await
}

pub async fn resolver(ctx: &Ctx<'_>) -> CheckResult {
    let id = crate::doctor::CheckId::DnsResolver.as_str();
    let ip = match system_resolver() {
        Ok(ip) => ip,
        Err(e) => {
            return CheckResult::fail(id, format!("no DNS resolver: {e}"))
                .why("without a resolver the box cannot find any server by name")
                .fix("set a nameserver in /etc/resolv.conf (usually the router's address)");
        }
    };
    let qname = ctx.name().unwrap_or("example.org");
    let t = ctx.step_timeout(3);
    match query(SocketAddr::new(ip, 53), qname, RecordType::A, true, t).await {
        Ok(m) => {
            let a = to_answer(&m);
            if a.ok() {
                CheckResult::pass(id, format!("the DNS resolver {ip} answers ({} for {qname})", a.rcode))
            } else {
                CheckResult::warn(
                    id,
                    format!("the DNS resolver {ip} answers {} for {qname}", a.rcode),
                )
                .why("a resolver that refuses or fails cannot look names up for this box")
                .fix("use a working resolver in /etc/resolv.conf (the router's, or the provider's)")
            }
            .detail("resolver", ip)
            .detail("rcode", &a.rcode)
        }
        Err(e) => CheckResult::fail(id, format!("DNS is broken: the resolver {ip} does not answer: {e}"))
            .why("without DNS the box cannot find the CA, the DNS provider or anything else by name")
            .fix("check the nameserver in /etc/resolv.conf and that the router (or the resolver it names) is up")
            .detail("resolver", ip)
            .detail("error", e),
    }
}

pub async fn authoritative(ctx: &Ctx<'_>) -> CheckResult {
    let id = crate::doctor::CheckId::DnsAuthoritative.as_str();
    let Some(name) = ctx.name() else {
        return CheckResult::skip(id, "no name configured");
    };
    let v = view(ctx).await;
    if v.auth.is_empty() {
        let e = v.servers_error.clone().unwrap_or_default();
        return CheckResult::fail(id, format!("cannot find the authoritative DNS servers of {name}: {e}"))
            .why("the records the world sees come from these servers; they must be reachable")
            .fix("check that the zone is delegated to your DNS provider and that DNS works (dns.resolver)")
            .detail("zone", &v.zone);
    }
    let mut problems: Vec<(Status, String, String)> = vec![];
    let mut seen = vec![];
    let ddns_state = crate::state::StateDir::new(&ctx.settings.paths.state_dir)
        .read()
        .ok()
        .flatten()
        .map(|s| s.ddns)
        .unwrap_or_default();
    let dslite = crate::doctor::dslite::on_dslite(ctx).await;
    for fam in [Family::Ipv4, Family::Ipv6] {
        let public = ctx.public_ip(fam).await;
        // DS-Lite: the IPv4 the internet sees is the provider's, shared: no A record belongs.
        let shared_v4 = dslite && fam == Family::Ipv4;
        let enabled = ctx.family_enabled(fam) && !shared_v4;
        let rtype = if fam == Family::Ipv4 { "A" } else { "AAAA" };
        for s in &v.auth {
            let ans = if fam == Family::Ipv4 { &s.a } else { &s.aaaa };
            let ans = match ans {
                Ok(a) => a,
                Err(e) => {
                    if enabled {
                        problems.push((
                            Status::Fail,
                            format!("the authoritative server {} does not answer: {e}", s.server),
                            "check the DNS provider's status; with RFC 2136, that the server runs"
                                .into(),
                        ));
                    }
                    continue;
                }
            };
            if enabled || !ans.addresses.is_empty() {
                seen.push(format!(
                    "{rtype} {} at {} (TTL {})",
                    fmt_addrs(&ans.addresses),
                    s.server,
                    ans.ttl.map_or("-".into(), |t| t.to_string())
                ));
            }
            if shared_v4 {
                if !ans.addresses.is_empty() {
                    problems.push((
                        Status::Fail,
                        format!("{name} has an A record ({}) on a DS-Lite line: IPv4 visitors reach the provider's shared address, not this box", fmt_addrs(&ans.addresses)),
                        "delete the A record at the DNS provider (direkt publishes AAAA only on a DS-Lite line; see nat.dslite)".into(),
                    ));
                }
                continue;
            }
            if !enabled {
                if !ans.addresses.is_empty() {
                    problems.push((
                        Status::Warn,
                        format!("{name} has an {rtype} record ({}) although {} is not in use by direkt", fmt_addrs(&ans.addresses), fam.label()),
                        format!("a stale {rtype} record sends visitors (and the CA's validation, which tries IPv6 first) to a wrong address: delete it, or enable {} in [ip]", fam.label()),
                    ));
                }
                continue;
            }
            if let Some(p) = record_problem(name, fam, public, s.server, ans, &ddns_state) {
                problems.push(p);
            }
        }
    }
    let worst = problems.iter().map(|p| p.0).max();
    let r = match worst {
        None => CheckResult::pass(
            id,
            format!("{name} at its authoritative servers: {}", seen.join("; ")),
        ),
        Some(status) => {
            let first = problems
                .iter()
                .find(|p| p.0 == status)
                .expect("worst exists");
            CheckResult::new(id, status, first.1.clone())
                .why(
                    "visitors and the CA reach whatever address the authoritative servers give out",
                )
                .fix(first.2.clone())
        }
    };
    r.detail("zone", &v.zone)
        .detail("servers", &v.servers)
        .detail("answers", &v.auth)
        .detail("public_ipv4", ctx.public_ip(Family::Ipv4).await)
}

/// What is wrong with one authoritative server's answer for an enabled family, if anything.
fn record_problem(
    name: &str,
    fam: Family,
    public: Option<IpAddr>,
    server: IpAddr,
    ans: &Answer,
    ddns_state: &crate::ddns::DdnsState,
) -> Option<(Status, String, String)> {
    let rtype = fam.record_type();
    match public {
        _ if ans.addresses.is_empty() => Some((
            Status::Fail,
            format!("{name} has no {rtype} record at its authoritative server {} ({})", server, ans.rcode),
            "run `direkt renew` to publish the address (check [ddns])".into(),
        )),
        Some(p) if !ans.addresses.contains(&p) => Some((
            Status::Fail,
            format!(
                "the DNS record is stale: {name} points to {} at its authoritative server {}, but the internet sees this box as {p}{}",
                fmt_addrs(&ans.addresses),
                server,
                match ddns_state.published(fam) {
                    Some(pb) if !ans.addresses.contains(&pb.address) => format!(
                        " (direkt published {} at {}: the record was changed behind its back)",
                        pb.address,
                        crate::net::time::format_time(pb.at)
                    ),
                    _ => String::new(),
                }
            ),
            "run `direkt renew --force`; if the record keeps changing, another tool (the router's own DDNS client, an old ddclient) updates it too: turn that off".into(),
        )),
        Some(p) if ans.addresses.len() > 1 => Some((
            Status::Warn,
            format!("{name} has several {rtype} records at {} ({}); only {p} is this box", server, fmt_addrs(&ans.addresses)),
            "remove the other records at the DNS provider".into(),
        )),
        _ => None,
    }
}

fn fmt_addrs(a: &[IpAddr]) -> String {
    if a.is_empty() {
        return "nothing".into();
    }
    let v: Vec<String> = a.iter().map(|x| x.to_string()).collect();
    v.join(", ")
}

pub async fn recursive(ctx: &Ctx<'_>) -> CheckResult {
    let id = crate::doctor::CheckId::DnsRecursive.as_str();
    let Some(name) = ctx.name() else {
        return CheckResult::skip(id, "no name configured");
    };
    let v = view(ctx).await;
    let Some(resolver) = v.resolver else {
        return CheckResult::skip(id, "no resolver (see dns.resolver)");
    };
    let mut seen = vec![];
    let mut problem: Option<(String, &str, bool)> = None;
    let dslite = crate::doctor::dslite::on_dslite(ctx).await;
    for fam in [Family::Ipv4, Family::Ipv6] {
        // DS-Lite: no A record belongs (dns.authoritative says so when one is there).
        let enabled = ctx.family_enabled(fam) && !(dslite && fam == Family::Ipv4);
        let (rtype, rec) = match fam {
            Family::Ipv4 => ("A", &v.rec_a),
            Family::Ipv6 => ("AAAA", &v.rec_aaaa),
        };
        let rec = match rec {
            Some(Ok(a)) => a,
            Some(Err(e)) if enabled => {
                problem.get_or_insert((
                    format!("the resolver {resolver} gave no {rtype} answer for {name}: {e}"),
                    "see dns.resolver",
                    false,
                ));
                continue;
            }
            _ => continue,
        };
        let auth = v.auth.iter().find_map(|s| match fam {
            Family::Ipv4 => s.a.as_ref().ok(),
            Family::Ipv6 => s.aaaa.as_ref().ok(),
        });
        if !enabled && rec.addresses.is_empty() && auth.is_none_or(|a| a.addresses.is_empty()) {
            continue;
        }
        match auth {
            Some(auth) if auth.addresses != rec.addresses => {
                problem.get_or_insert((
                    format!(
                        "the resolver {resolver} still answers {rtype} {} for {name}, the authoritative servers already {}: the change is propagating (up to {} s)",
                        fmt_addrs(&rec.addresses),
                        fmt_addrs(&auth.addresses),
                        rec.ttl.or(auth.ttl).unwrap_or(0)
                    ),
                    "wait for the TTL to pass; a short TTL ([ddns] ttl) makes changes visible sooner",
                    true,
                ));
            }
            _ if rec.addresses.is_empty() => {
                problem.get_or_insert((
                    format!(
                        "the resolver {resolver} has no {rtype} record for {name} ({})",
                        rec.rcode
                    ),
                    "see dns.authoritative",
                    false,
                ));
            }
            _ => seen.push(format!(
                "{rtype} {} (TTL {})",
                fmt_addrs(&rec.addresses),
                rec.ttl.unwrap_or(0)
            )),
        }
    }
    let r = match problem {
        Some((summary, fix, propagating)) => {
            let r = CheckResult::warn(id, summary).fix(fix);
            if propagating {
                r.why("resolvers keep an answer for its TTL; visitors using them reach the old address until it runs out")
            } else {
                r
            }
        }
        None if seen.is_empty() => CheckResult::skip(id, "not asked"),
        None => CheckResult::pass(
            id,
            format!(
                "the resolver {resolver} answers {} for {name}",
                seen.join(", ")
            ),
        ),
    };
    r.detail("resolver", resolver)
        .detail("answer", v.rec_a.as_ref().and_then(|a| a.as_ref().ok()))
        .detail(
            "answer_aaaa",
            v.rec_aaaa.as_ref().and_then(|a| a.as_ref().ok()),
        )
}

pub async fn aliases(ctx: &Ctx<'_>) -> CheckResult {
    let id = crate::doctor::CheckId::DnsAlias.as_str();
    let Some(c) = ctx.config else {
        return CheckResult::skip(id, "no name configured");
    };
    if c.aliases.is_empty() {
        return CheckResult::skip(id, "no aliases configured");
    }
    let resolver = match system_resolver() {
        Ok(r) => SocketAddr::new(r, 53),
        Err(e) => return CheckResult::skip(id, format!("no resolver: {e}")),
    };
    let t = ctx.step_timeout(3);
    let name = c.name.as_str();
    // A wildcard alias: a random name under it (only the `*` record or a CNAME answers).
    let asks = c.aliases.iter().map(|a| async move {
        let q = crate::net::dns::probe_name(a.as_str());
        (
            a.as_str(),
            query(resolver, &q, RecordType::A, true, t).await,
        )
    });
    // The box's public addresses, to judge an alias that is an address record.
    let mut mine = vec![];
    for f in [Family::Ipv4, Family::Ipv6] {
        if ctx.family_enabled(f) {
            mine.extend(ctx.public_ip(f).await);
        }
    }
    let mut bad = vec![];
    let mut good = vec![];
    let mut chains = serde_json::Map::new();
    let mut foreign: Vec<IpAddr> = vec![];
    for (alias, r) in futures_util::future::join_all(asks).await {
        match r {
            Ok(m) => {
                let a = to_answer(&m);
                chains.insert(alias.into(), serde_json::json!(a.cnames));
                match alias_verdict(alias, name, &a, &mine) {
                    Ok(line) => good.push(line),
                    Err((status, line)) => {
                        if a.cnames.is_empty() {
                            foreign.extend(a.addresses.iter().filter(|x| !mine.contains(x)));
                        }
                        bad.push((status, line));
                    }
                }
            }
            Err(e) => bad.push((Status::Warn, format!("{alias}: {e}"))),
        }
    }
    let worst = bad.iter().map(|b| b.0).max();
    match worst {
        None => CheckResult::pass(id, good.join("; ")),
        Some(s) => {
            let msgs: Vec<String> = bad.iter().map(|b| b.1.clone()).collect();
            CheckResult::new(id, s, msgs.join("; "))
                .why("an alias must be a CNAME to the dynamic name so it follows every address change, and the CA checks it too")
                .fix(format!("at the alias's DNS provider, set a CNAME record pointing to {name}."))
        }
    }
    .detail("chains", chains)
    .detail("foreign_addresses", foreign)
}

/// One alias's answer judged: `Ok` a CNAME chain that ends at `name`; else the status and the
/// line saying what is wrong. An address record is a warning while its addresses are this
/// box's (`mine`, the public addresses; empty when unknown), and a failure naming the
/// addresses that are not: the alias leads visitors and the CA to another host.
pub fn alias_verdict(
    alias: &str,
    name: &str,
    a: &Answer,
    mine: &[IpAddr],
) -> std::result::Result<String, (Status, String)> {
    if a.cnames.iter().any(|c| c == name) {
        return Ok(format!("{alias} → {}", a.cnames.join(" → ")));
    }
    if !a.cnames.is_empty() {
        return Err((
            Status::Fail,
            format!("{alias} leads to {}, not to {name}", a.cnames.join(" → ")),
        ));
    }
    if a.addresses.is_empty() {
        return Err((
            Status::Fail,
            format!("{alias} does not exist in DNS ({})", a.rcode),
        ));
    }
    let foreign: Vec<IpAddr> = a
        .addresses
        .iter()
        .filter(|x| !mine.contains(x))
        .copied()
        .collect();
    if !mine.is_empty() && !foreign.is_empty() {
        return Err((
            Status::Fail,
            format!(
                "{alias} resolves to {}, which is not this box (the internet sees it as {}): \
                 it is not a CNAME to {name}",
                fmt_addrs(&foreign),
                fmt_addrs(mine)
            ),
        ));
    }
    Err((
        Status::Warn,
        format!(
            "{alias} is an address record ({}), not a CNAME to {name}: it will not follow \
             address changes",
            fmt_addrs(&a.addresses)
        ),
    ))
}

/// acme-dns: every name's `_acme-challenge` is a CNAME to the registered full domain (asked at
/// the system's resolver; the CNAME chain read by [`to_answer`]).
pub async fn acme_challenge_cname(ctx: &Ctx<'_>) -> CheckResult {
    use crate::ddns::acme_dns::{Setup, challenge_owner};
    let id = crate::doctor::CheckId::DnsAcmeChallengeCname.as_str();
    let Some(c) = ctx.config else {
        return CheckResult::skip(id, "no name configured");
    };
    let setup = match Setup::of(ctx.settings) {
        Ok(Some(s)) => s,
        Ok(None) => return CheckResult::skip(id, "acme-dns is not configured"),
        Err(e) => return CheckResult::fail(id, e.message().to_string()),
    };
    let reg = match setup.registration(ctx.settings) {
        Ok(Some(r)) => r,
        Ok(None) => {
            return CheckResult::fail(id, "acme-dns is not registered yet")
                .why("DNS-01 through acme-dns needs a registration and one CNAME per name")
                .fix("run `direkt ddns register`, then create the CNAME it names");
        }
        Err(e) => return CheckResult::fail(id, e.message().to_string()),
    };
    let resolver = match system_resolver() {
        Ok(r) => SocketAddr::new(r, 53),
        Err(e) => return CheckResult::skip(id, format!("no resolver: {e}")),
    };
    let t = ctx.step_timeout(3);
    let mut owners: Vec<String> = vec![];
    for n in std::iter::once(&c.name).chain(c.aliases.iter()) {
        let o = challenge_owner(n.as_str());
        if !owners.contains(&o) {
            owners.push(o);
        }
    }
    let target = reg.fulldomain.as_str();
    let asks = owners.iter().map(|o| async move {
        (
            o.as_str(),
            query(resolver, o, RecordType::TXT, true, t).await,
        )
    });
    let (mut good, mut bad) = (vec![], vec![]);
    for (owner, r) in futures_util::future::join_all(asks).await {
        match r.map(|m| to_answer(&m)) {
            Ok(a) if a.cnames.first().map(String::as_str) == Some(target) => {
                good.push(format!("{owner} → {target}"));
            }
            Ok(a) if a.cnames.is_empty() => bad.push(format!("{owner} has no CNAME ({})", a.rcode)),
            Ok(a) => bad.push(format!("{owner} → {}, not {target}", a.cnames.join(" → "))),
            Err(e) => bad.push(format!("{owner}: {e}")),
        }
    }
    let result = if bad.is_empty() {
        CheckResult::pass(id, good.join("; "))
    } else {
        let records: Vec<String> = owners
            .iter()
            .map(|o| format!("{o}. CNAME {target}."))
            .collect();
        CheckResult::fail(id, bad.join("; "))
            .why("the CA looks for the DNS-01 TXT record at _acme-challenge.<name>; with acme-dns it is only found through the CNAME")
            .fix(format!("at your DNS host, create: {}", records.join("; ")))
    };
    result.detail("target", target).detail("server", setup.base)
}

/// The CAA identifier of the configured CA, if known.
fn ca_identifier(ca: &crate::config::Ca) -> Option<&'static str> {
    ca.caa_identifier()
}

pub async fn caa(ctx: &Ctx<'_>) -> CheckResult {
    let id = crate::doctor::CheckId::DnsCaa.as_str();
    let Some(c) = ctx.config else {
        return CheckResult::skip(id, "no name configured");
    };
    let Some(cert) = &c.cert else {
        return CheckResult::skip(id, "no certificate configured");
    };
    let resolver = match system_resolver() {
        Ok(r) => SocketAddr::new(r, 53),
        Err(e) => return CheckResult::skip(id, format!("no resolver: {e}")),
    };
    let t = ctx.step_timeout(3);
    // RFC 8659: the closest ancestor that has CAA records decides. All levels are asked at once.
    let mut names = vec![];
    let mut n = c.name.as_str();
    loop {
        names.push(n.to_string());
        match n.split_once('.') {
            Some((_, rest)) if rest.contains('.') => n = rest,
            _ => break,
        }
    }
    let asks = names
        .iter()
        .map(|n| query(resolver, n, RecordType::CAA, true, t));
    let results = futures_util::future::join_all(asks).await;
    let mut found: Option<(String, Vec<String>)> = None;
    for (n, r) in names.iter().zip(results) {
        let m = match r {
            Ok(m) => m,
            Err(e) => {
                return CheckResult::warn(id, format!("cannot read CAA records: {e}"))
                    .fix("see dns.resolver");
            }
        };
        let issuers: Vec<String> = m
            .answers
            .iter()
            .filter_map(|r| match &r.data {
                RData::CAA(caa) if caa.tag.eq_ignore_ascii_case("issue") => Some(
                    caa.value_as_issue()
                        .ok()
                        .and_then(|(n, _)| n)
                        .map(|n| trim_dot(&n.to_ascii()))
                        .unwrap_or_else(|| ";".into()),
                ),
                _ => None,
            })
            .collect();
        let any_caa = m.answers.iter().any(|r| matches!(r.data, RData::CAA(_)));
        if any_caa {
            found = Some((n.clone(), issuers));
            break;
        }
    }
    let Some((at, issuers)) = found else {
        return CheckResult::pass(
            id,
            format!("no CAA records above {}: every CA may issue for it", c.name),
        );
    };
    let r = match ca_identifier(&cert.ca) {
        Some(want) if issuers.iter().any(|i| i == want) => CheckResult::pass(
            id,
            format!("CAA at {at} allows {want} (the configured CA)"),
        ),
        Some(want) if issuers.is_empty() => CheckResult::pass(
            id,
            format!("CAA at {at} does not restrict \"issue\": {want} may issue"),
        ),
        Some(want) => CheckResult::fail(
            id,
            format!("CAA at {at} allows only {} — not {want}, the configured CA", issuers.join(", ")),
        )
        .why("the CA must refuse to issue a certificate when CAA does not name it")
        .fix(format!("add a CAA record `0 issue \"{want}\"` at {at}, or choose an allowed CA in [cert] ca")),
        None => CheckResult::warn(
            id,
            format!("CAA at {at} allows {}; direkt cannot tell whether the configured CA ({}) is among them", issuers.join(", "), cert.ca),
        )
        .fix("check the CA's documentation for its CAA identifier"),
    };
    r.detail("at", at).detail("issuers", issuers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(cnames: &[&str], addresses: &[&str]) -> Answer {
        Answer {
            rcode: "NOERROR".into(),
            addresses: addresses.iter().map(|a| a.parse().unwrap()).collect(),
            cnames: cnames.iter().map(|c| c.to_string()).collect(),
            ..Answer::default()
        }
    }

    #[test]
    fn an_alias_resolving_to_another_hosts_address_fails_naming_it() {
        let mine: Vec<IpAddr> = vec!["203.0.113.2".parse().unwrap()];
        let name = "box.example.test";
        let v = |a: &Answer, mine: &[IpAddr]| alias_verdict("www.example.test", name, a, mine);
        let (status, line) = v(&answer(&[], &["198.51.100.7"]), &mine).unwrap_err();
        assert_eq!(status, Status::Fail);
        assert!(
            line.contains("resolves to 198.51.100.7, which is not this box"),
            "{line}"
        );
        assert!(line.contains("sees it as 203.0.113.2"), "{line}");
        // The verdict is the failure, not "Works".
        let check = CheckResult::new("dns.alias", status, line);
        let verdict = crate::doctor::verdict::choose(&[
            CheckResult::pass("reach.tcp.443", "reachable"),
            check,
        ]);
        assert_eq!(verdict.status, Status::Fail);
        assert!(
            verdict.summary.contains("198.51.100.7"),
            "{}",
            verdict.summary
        );
        // This box's own address as an A record: works, but will not follow changes.
        let (status, line) = v(&answer(&[], &["203.0.113.2"]), &mine).unwrap_err();
        assert_eq!(status, Status::Warn);
        assert!(line.contains("will not follow address changes"), "{line}");
        // The public address unknown: no claim that it is another host's.
        assert_eq!(
            v(&answer(&[], &["198.51.100.7"]), &[]).unwrap_err().0,
            Status::Warn
        );
        // A CNAME chain to the name passes; to another name fails.
        assert!(v(&answer(&[name], &["203.0.113.2"]), &mine).is_ok());
        assert_eq!(
            v(&answer(&["other.test"], &[]), &mine).unwrap_err().0,
            Status::Fail
        );
    }
}
