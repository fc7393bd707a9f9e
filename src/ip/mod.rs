//! The public address: asked of several independent sources at once, published only when
//! enough of them agree.
//!
//! Sources (one [`AddressSource`] each), per family:
//!
//! | source | IPv4 | IPv6 |
//! | --- | --- | --- |
//! | each STUN server in `ip.stun` | yes | yes (if the server has an IPv6 address) |
//! | each probe server in `ip.probe` (`GET /v1/ip`) | yes | yes |
//! | each echo URL in `ip.echo` (plain-text body) | yes | yes |
//! | the gateway (`ip.gateway`: UPnP / NAT-PMP external address) | yes | no |
//! | the interface's stable global address | no | yes |
//!
//! Every configured server counts as one source, so independence means configuring servers run
//! by different operators. An address is published when at least `ip.quorum` sources answered
//! it and no source answered a different public address. Non-public answers (a gateway WAN
//! address in 100.64.0.0/10 behind CGNAT, an RFC 1918 address behind double NAT) are reported,
//! never counted and never published.

pub mod gateway;
pub mod public;
pub mod stun;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::ddns::BoxFuture;
use crate::net::nat::{DsLiteSign, NatClass};

/// How long one source may take. Sources run concurrently, so this bounds the whole detection.
pub const SOURCE_TIMEOUT: Duration = Duration::from_millis(2500);

pub use crate::net::Family;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    Stun,
    Probe,
    Echo,
    Gateway,
    Interface,
}

/// One source of the public address.
pub trait AddressSource: Send + Sync {
    /// e.g. `stun 198.51.100.34:3478`.
    fn describe(&self) -> String;
    fn kind(&self) -> SourceKind;
    fn family(&self) -> Family;
    /// How long this source may take.
    fn timeout(&self) -> Duration {
        SOURCE_TIMEOUT
    }
    /// The address this source sees (or holds). Bounded by [`AddressSource::timeout`].
    fn query(&self) -> BoxFuture<'_, Result<IpAddr, String>>;
}

/// What one source answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceAnswer {
    pub source: String,
    pub kind: SourceKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<IpAddr>,
    /// Whether the address may be published.
    pub public: bool,
    /// Why it may not (e.g. "CGNAT shared space (100.64.0.0/10)").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub ms: u64,
}

impl SourceAnswer {
    /// A source's answer, judged: an address of the wrong family is an error, a reserved one is
    /// not public (and `range` says which range).
    pub fn new(
        source: String,
        kind: SourceKind,
        family: Family,
        result: Result<IpAddr, String>,
        declared: &[IpNet],
        took: Duration,
    ) -> SourceAnswer {
        let mut answer = SourceAnswer {
            source,
            kind,
            address: result.as_ref().ok().copied(),
            public: false,
            range: None,
            error: None,
            ms: took.as_millis() as u64,
        };
        match result {
            Ok(a) if Family::of(a) != family => {
                answer.error = Some(format!("answered an {} address", Family::of(a)));
            }
            Ok(a) => {
                answer.public = public::is_public(a, declared);
                answer.range = (!answer.public).then(|| {
                    public::reserved_range(a)
                        .unwrap_or("not public")
                        .to_string()
                });
            }
            Err(e) => answer.error = Some(e),
        }
        answer
    }

    /// Why this answer does not count: its error, or the reserved range of its address.
    pub fn problem(&self) -> Option<&str> {
        self.error.as_deref().or(self.range.as_deref())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Enough sources agree; `address` is the one to publish.
    Agreed,
    /// Sources answered different public addresses: nothing is published.
    Disagree,
    /// Too few sources answered a public address.
    NoQuorum,
}

/// The outcome for one family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilyDetection {
    pub family: Family,
    pub verdict: Verdict,
    /// The address to publish (only with `agreed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<IpAddr>,
    /// How many sources answered it, and how many had to.
    pub agreeing: usize,
    pub quorum: usize,
    /// The gateway's WAN address is in 100.64.0.0/10: the box is behind carrier-grade NAT.
    pub behind_cgnat: bool,
    /// IPv4 is shared through a DS-Lite AFTR (see [`DsLiteSign`]): no A record is published.
    #[serde(default)]
    pub behind_dslite: bool,
    /// What said so.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dslite_signs: Vec<DsLiteSign>,
    /// One sentence for the user, naming each source's answer when they disagree.
    pub message: String,
    pub sources: Vec<SourceAnswer>,
}

/// Public address detection for the enabled families.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv4: Option<FamilyDetection>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6: Option<FamilyDetection>,
}

impl Detection {
    /// With a relay (`direkt relay`), the name's IPv4 is the VPS's: the address the world
    /// reaches the box at, whatever the line's own IPv4 is (CGNAT, DS-Lite, none). What the
    /// sources saw stays in `sources`; IPv6 is left alone (the box's own AAAA).
    pub fn through_relay(&mut self, vps: std::net::Ipv4Addr) {
        let own = self.ipv4.take();
        let seen = own
            .as_ref()
            .and_then(|d| d.address)
            .map(|a| format!(" (the line's own IPv4 is {a})"))
            .unwrap_or_default();
        self.ipv4 = Some(FamilyDetection {
            family: Family::Ipv4,
            verdict: Verdict::Agreed,
            address: Some(IpAddr::V4(vps)),
            agreeing: 1,
            quorum: 1,
            behind_cgnat: false,
            behind_dslite: false,
            dslite_signs: vec![],
            message: format!("{vps} is the relay's VPS, which passes the ports to this box{seen}"),
            sources: own.map(|d| d.sources).unwrap_or_default(),
        });
    }

    pub fn get(&self, f: Family) -> Option<&FamilyDetection> {
        match f {
            Family::Ipv4 => self.ipv4.as_ref(),
            Family::Ipv6 => self.ipv6.as_ref(),
        }
    }
}

/// Sources a caller adds to the configured ones.
pub type ExtraSources = Vec<Box<dyn AddressSource>>;

/// Ask every configured source of the enabled families at once (the gateway too when
/// `ip.gateway` is on) and decide per family.
pub async fn detect(config: &Config, extra: ExtraSources) -> Detection {
    let ip = &config.ip;
    let interface = if ip.ipv6 {
        crate::net::routes::stable_global(
            &crate::net::routes::read_if_inet6(),
            ip.ipv6_interface.as_deref(),
        )
    } else {
        None
    };
    let mut sources: Vec<Box<dyn AddressSource>> = vec![];
    for family in [Family::Ipv4, Family::Ipv6] {
        let enabled = match family {
            Family::Ipv4 => ip.ipv4,
            Family::Ipv6 => ip.ipv6,
        };
        if !enabled {
            continue;
        }
        // IPv6 sources leave from the stable address, so the outside sees that one.
        let bind = match family {
            Family::Ipv6 => interface.as_ref().map(|a| IpAddr::V6(a.address)),
            Family::Ipv4 => None,
        };
        sources.extend(outside_sources(config, family, bind));
    }
    if ip.ipv4 && ip.gateway {
        sources.push(Box::new(gateway::GatewaySource));
    }
    if ip.ipv6 {
        sources.push(Box::new(InterfaceSource {
            found: interface.as_ref().map(|a| (a.address, a.interface.clone())),
            wanted: ip.ipv6_interface.clone(),
        }));
    }
    sources.extend(extra.into_iter().filter(|s| match s.family() {
        Family::Ipv4 => ip.ipv4,
        Family::Ipv6 => ip.ipv6,
    }));

    let hop_target = if ip.ipv4 {
        hop_target(config).await
    } else {
        None
    };
    let (answers, hops) = tokio::join!(query_all(sources, &ip.public_prefixes), async move {
        match hop_target {
            Some(t) => tokio::task::spawn_blocking(move || {
                crate::net::hops::first_hops(t, HOP_TTL, HOP_WAIT)
            })
            .await
            .unwrap_or_default(),
            None => vec![],
        }
    });
    let mut detection = Detection::default();
    for family in [Family::Ipv4, Family::Ipv6] {
        let enabled = match family {
            Family::Ipv4 => ip.ipv4,
            Family::Ipv6 => ip.ipv6,
        };
        if !enabled {
            continue;
        }
        let mine: Vec<SourceAnswer> = answers
            .iter()
            .filter(|(f, _)| *f == family)
            .map(|(_, a)| a.clone())
            .collect();
        let mut d = decide(family, mine, ip.quorum);
        if family == Family::Ipv4 {
            d.add_dslite_signs(
                hops.iter()
                    .filter(|h| crate::net::nat::is_dslite(h.address.into()))
                    .map(|h| DsLiteSign::FirstHop {
                        ttl: h.ttl,
                        address: h.address.into(),
                    }),
            );
        }
        if family == Family::Ipv6
            && let (Some(id), Some(IpAddr::V6(a))) = (ip.ipv6_interface_id, d.address)
        {
            let published = public::with_interface_id(a, id);
            d.message = format!("{} (published with interface ID: {published})", d.message);
            d.address = Some(IpAddr::V6(published));
        }
        match family {
            Family::Ipv4 => detection.ipv4 = Some(d),
            Family::Ipv6 => detection.ipv6 = Some(d),
        }
    }
    detection
}

/// The IPv4 path's first hops this far are looked at for the AFTR (DS-Lite).
const HOP_TTL: u8 = 3;
/// How long hops may take to answer "time exceeded" (concurrent with the sources).
const HOP_WAIT: Duration = Duration::from_millis(400);

/// Where the TTL-limited probe is sent: the first configured STUN server's IPv4 address.
async fn hop_target(config: &Config) -> Option<std::net::Ipv4Addr> {
    let server = config.ip.stun.first()?;
    let hostport = if server.contains(':') {
        server.clone()
    } else {
        format!("{server}:3478")
    };
    let found = tokio::time::timeout(HOP_WAIT, tokio::net::lookup_host(hostport))
        .await
        .ok()?
        .ok()?;
    found
        .filter_map(|a| match a.ip() {
            IpAddr::V4(v4) => Some(v4),
            IpAddr::V6(_) => None,
        })
        .next()
}

impl FamilyDetection {
    /// Add what says DS-Lite; the verdict and the message follow.
    pub fn add_dslite_signs(&mut self, signs: impl IntoIterator<Item = DsLiteSign>) {
        for s in signs {
            if !self.dslite_signs.contains(&s) {
                self.dslite_signs.push(s);
            }
        }
        let was = self.behind_dslite;
        self.behind_dslite = crate::net::nat::is_dslite_line(&self.dslite_signs);
        if self.behind_dslite && !was {
            let why: Vec<String> = self.dslite_signs.iter().map(|s| s.to_string()).collect();
            self.message = format!(
                "shared IPv4 (DS-Lite): {}; {} is the provider's address, not this box's, so no A record is published",
                why.join("; "),
                self.address.map_or_else(
                    || "the IPv4 the internet sees".to_string(),
                    |a| a.to_string()
                )
            );
        }
    }
}

/// Run every source concurrently, each under its own timeout.
async fn query_all(
    sources: Vec<Box<dyn AddressSource>>,
    declared: &[IpNet],
) -> Vec<(Family, SourceAnswer)> {
    let mut set = tokio::task::JoinSet::new();
    let n = sources.len();
    for (i, s) in sources.into_iter().enumerate() {
        set.spawn(async move {
            let start = Instant::now();
            let limit = s.timeout();
            let r = match tokio::time::timeout(limit, s.query()).await {
                Ok(r) => r,
                Err(_) => Err(format!("no answer within {} ms", limit.as_millis())),
            };
            (i, s.describe(), s.kind(), s.family(), r, start.elapsed())
        });
    }
    let mut out: Vec<Option<(Family, SourceAnswer)>> = vec![None; n];
    while let Some(joined) = set.join_next().await {
        let Ok((i, source, kind, family, result, took)) = joined else {
            continue;
        };
        let answer = SourceAnswer::new(source, kind, family, result, declared, took);
        let ms = answer.ms;
        tracing::debug!(
            source = %answer.source,
            address = ?answer.address,
            error = ?answer.error,
            ms,
            "address source answered"
        );
        out[i] = Some((family, answer));
    }
    out.into_iter().flatten().collect()
}

/// One source's answer in words: `X says A`, `X says A (range)`, `X failed: why`.
pub fn said(a: &SourceAnswer) -> String {
    match (&a.address, &a.error, &a.range) {
        (Some(ip), None, None) => format!("{} says {ip}", a.source),
        (Some(ip), None, Some(r)) => format!("{} says {ip} ({r})", a.source),
        (_, Some(e), _) => format!("{} failed: {e}", a.source),
        (None, None, _) => format!("{} gave no answer", a.source),
    }
}

/// The headline when the router's WAN address is not public: CGNAT or another NAT.
fn nat_note(wan: IpAddr, outside: Option<IpAddr>) -> String {
    let seen = outside
        .map(|a| format!(", the internet sees {a}"))
        .unwrap_or_default();
    match NatClass::of(wan, outside) {
        NatClass::DsLite => {
            format!("shared IPv4 (DS-Lite): the router's WAN address {wan} is a B4 address{seen}")
        }
        NatClass::Cgnat => format!(
            "behind CGNAT: the router's WAN address {wan} is not the address the internet sees{seen}"
        ),
        _ => format!("behind another NAT: the router's WAN address {wan} is private{seen}"),
    }
}

/// What the router's own (non-public) WAN answer says: the NAT note goes in front of the
/// message; the DS-Lite signs are returned.
fn router_signs(
    wan: Option<IpAddr>,
    address: Option<IpAddr>,
    message: &mut String,
) -> Vec<DsLiteSign> {
    let Some(wan) = wan else { return vec![] };
    if wan.is_unspecified() {
        // The router says it has no IPv4 address; IPv4 works all the same: shared upstream.
        return if address.is_some() {
            vec![DsLiteSign::RouterHasNoIpv4]
        } else {
            vec![]
        };
    }
    *message = format!("{}; {message}", nat_note(wan, address));
    if crate::net::nat::is_dslite(wan) {
        vec![DsLiteSign::RouterWan { address: wan }]
    } else {
        vec![]
    }
}

/// The agreement rule, on the answers of one family.
pub fn decide(family: Family, sources: Vec<SourceAnswer>, quorum: usize) -> FamilyDetection {
    let mut votes: BTreeMap<IpAddr, Vec<&SourceAnswer>> = BTreeMap::new();
    for a in &sources {
        if let (Some(ip), true) = (a.address, a.public) {
            votes.entry(ip).or_default().push(a);
        }
    }
    let gateway_private: Option<&SourceAnswer> = sources
        .iter()
        .find(|a| a.kind == SourceKind::Gateway && a.address.is_some() && !a.public);
    let behind_cgnat = gateway_private
        .and_then(|a| a.address)
        .is_some_and(|wan| NatClass::of(wan, None) == NatClass::Cgnat);
    let everyone = || sources.iter().map(said).collect::<Vec<_>>().join("; ");
    let (verdict, address, agreeing, mut message) = match votes.len() {
        0 => (
            Verdict::NoQuorum,
            None,
            0,
            if sources.is_empty() {
                format!("no {family} address source is configured")
            } else {
                format!(
                    "no source answered a public {family} address: {}",
                    everyone()
                )
            },
        ),
        1 => {
            let (ip, who) = votes.iter().next().expect("one entry");
            if who.len() >= quorum {
                let names: Vec<String> = who.iter().map(|a| a.source.clone()).collect();
                (
                    Verdict::Agreed,
                    Some(*ip),
                    who.len(),
                    format!("{ip} (agreed by {})", names.join(", ")),
                )
            } else {
                (
                    Verdict::NoQuorum,
                    None,
                    who.len(),
                    format!(
                        "only {} of the {quorum} sources needed answered {ip}: {}",
                        who.len(),
                        everyone()
                    ),
                )
            }
        }
        _ => {
            let gateway_differs = sources
                .iter()
                .any(|a| a.kind == SourceKind::Gateway && a.public && a.address.is_some());
            let why = if gateway_differs {
                " (the router's external address differs from what the outside sees: double \
                 NAT, CGNAT, or a forged answer on the LAN)"
            } else {
                ""
            };
            (
                Verdict::Disagree,
                None,
                0,
                format!(
                    "sources disagree, nothing published{why}: {}",
                    sources
                        .iter()
                        .filter(|a| a.address.is_some())
                        .map(said)
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            )
        }
    };
    let signs = router_signs(
        gateway_private.and_then(|g| g.address),
        address,
        &mut message,
    );
    let mut d = FamilyDetection {
        family,
        verdict,
        address,
        agreeing,
        quorum,
        behind_cgnat,
        behind_dslite: false,
        dslite_signs: vec![],
        message,
        sources,
    };
    d.add_dslite_signs(signs);
    d
}

// ---------------------------------------------------------------------------------------------
// The sources

/// STUN, probe and echo sources of `family` from the config.
fn outside_sources(
    config: &Config,
    family: Family,
    bind: Option<IpAddr>,
) -> Vec<Box<dyn AddressSource>> {
    let ip = &config.ip;
    let mut out: Vec<Box<dyn AddressSource>> = vec![];
    for server in &ip.stun {
        if literal_family(host_of_hostport(server)).is_none_or(|f| f == family) {
            out.push(Box::new(StunSource {
                server: server.clone(),
                family,
                bind,
            }));
        }
    }
    let https: Vec<(String, SourceKind)> = ip
        .probe
        .iter()
        .map(|p| (p.clone(), SourceKind::Probe))
        .chain(ip.echo.iter().map(|e| (e.clone(), SourceKind::Echo)))
        .filter(|(url, _)| {
            let host = reqwest::Url::parse(url)
                .ok()
                .and_then(|u| u.host_str().map(|h| h.to_string()));
            host.is_none_or(|h| literal_family(&h).is_none_or(|f| f == family))
        })
        .collect();
    if https.is_empty() {
        return out;
    }
    // One client per family, built only when an HTTP source needs it.
    let client = family_client(family, bind)
        .map(Arc::new)
        .map_err(|e| e.to_string());
    for (url, kind) in https {
        out.push(Box::new(HttpSource {
            url,
            kind,
            family,
            client: client.clone(),
        }));
    }
    out
}

fn host_of_hostport(s: &str) -> &str {
    if let Some(rest) = s.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match s.rsplit_once(':') {
        Some((h, _)) if !h.contains(':') => h,
        _ => s,
    }
}

fn literal_family(host: &str) -> Option<Family> {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.parse::<IpAddr>().ok().map(Family::of)
}

struct StunSource {
    server: String,
    family: Family,
    bind: Option<IpAddr>,
}

impl AddressSource for StunSource {
    fn describe(&self) -> String {
        format!("stun {}", self.server)
    }
    fn kind(&self) -> SourceKind {
        SourceKind::Stun
    }
    fn family(&self) -> Family {
        self.family
    }
    fn query(&self) -> BoxFuture<'_, Result<IpAddr, String>> {
        Box::pin(async move {
            let server = resolve(&self.server, 3478, self.family).await?;
            stun::mapped_address(server, self.bind, SOURCE_TIMEOUT.mul_f32(0.8))
                .await
                .map(|a| a.ip())
        })
    }
}

/// `host:port` (or a bare host) to one socket address of `family`.
async fn resolve(hostport: &str, default_port: u16, family: Family) -> Result<SocketAddr, String> {
    if let Ok(a) = hostport.parse::<SocketAddr>() {
        return Ok(a);
    }
    if let Ok(ip) = hostport.trim_matches(['[', ']']).parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, default_port));
    }
    let with_port = if hostport.contains(':') {
        hostport.to_string()
    } else {
        format!("{hostport}:{default_port}")
    };
    let addrs = tokio::net::lookup_host(with_port.as_str())
        .await
        .map_err(|e| format!("cannot resolve {hostport}: {e}"))?;
    addrs
        .into_iter()
        .find(|a| Family::of(a.ip()) == family)
        .ok_or_else(|| format!("{hostport} has no {family} address"))
}

/// Resolves names to addresses of one family only, so an HTTP source asks over that family.
struct FamilyResolver(Family);

impl reqwest::dns::Resolve for FamilyResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let family = self.0;
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let v: Vec<SocketAddr> = addrs.filter(|a| Family::of(a.ip()) == family).collect();
            if v.is_empty() {
                return Err(format!("{host} has no {family} address").into());
            }
            Ok(Box::new(v.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

fn family_client(family: Family, bind: Option<IpAddr>) -> crate::error::Result<reqwest::Client> {
    let mut b = crate::net::http::public_builder(SOURCE_TIMEOUT)
        .dns_resolver(Arc::new(FamilyResolver(family)));
    if let Some(ip) = bind {
        b = b.local_address(ip);
    }
    b.build()
        .map_err(|e| crate::error::Error::failed(format!("cannot set up the HTTP client: {e}")))
}

/// A direkt probe server (`GET /v1/ip` answering `{"address": ..}`) or a plain-text echo URL.
struct HttpSource {
    url: String,
    kind: SourceKind,
    family: Family,
    client: Result<Arc<reqwest::Client>, String>,
}

#[derive(Deserialize)]
struct ProbeAnswer {
    address: IpAddr,
}

impl AddressSource for HttpSource {
    fn describe(&self) -> String {
        match self.kind {
            SourceKind::Probe => format!("probe {}", self.url),
            _ => format!("echo {}", self.url),
        }
    }
    fn kind(&self) -> SourceKind {
        self.kind
    }
    fn family(&self) -> Family {
        self.family
    }
    fn query(&self) -> BoxFuture<'_, Result<IpAddr, String>> {
        Box::pin(async move {
            let client = self.client.as_ref().map_err(|e| e.clone())?;
            let url = match self.kind {
                SourceKind::Probe => format!("{}/v1/ip", self.url.trim_end_matches('/')),
                _ => self.url.clone(),
            };
            let resp = client
                .get(&url)
                .send()
                .await
                .map_err(|e| plain_reqwest_error(&e))?;
            let status = resp.status();
            if !status.is_success() {
                return Err(format!("HTTP {status}"));
            }
            let body = resp.bytes().await.map_err(|e| plain_reqwest_error(&e))?;
            if body.len() > 4096 {
                return Err("the answer is too long to be an address".into());
            }
            let text = String::from_utf8_lossy(&body);
            match self.kind {
                SourceKind::Probe => serde_json::from_str::<ProbeAnswer>(&text)
                    .map(|a| a.address)
                    .map_err(|e| format!("not a probe answer: {e}")),
                _ => text
                    .trim()
                    .parse::<IpAddr>()
                    .map_err(|_| "the answer is not an IP address".to_string()),
            }
        })
    }
}

/// A reqwest error in plain words, without the URL (it may hold a token for providers).
pub(crate) fn plain_reqwest_error(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else if e.is_decode() || e.is_body() {
        "the answer could not be read"
    } else if e.is_request() {
        "the request failed"
    } else {
        "HTTP error"
    };
    let mut cause = String::new();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        cause = s.to_string();
        src = s.source();
    }
    if cause.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {cause}")
    }
}

/// The interface's stable global IPv6 address, found before the queries start.
struct InterfaceSource {
    found: Option<(Ipv6Addr, String)>,
    wanted: Option<String>,
}

impl AddressSource for InterfaceSource {
    fn describe(&self) -> String {
        match (&self.found, &self.wanted) {
            (Some((_, i)), _) => format!("interface {i}"),
            (None, Some(w)) => format!("interface {w}"),
            (None, None) => "interface".into(),
        }
    }
    fn kind(&self) -> SourceKind {
        SourceKind::Interface
    }
    fn family(&self) -> Family {
        Family::Ipv6
    }
    fn query(&self) -> BoxFuture<'_, Result<IpAddr, String>> {
        Box::pin(async move {
            self.found
                .as_ref()
                .map(|(a, _)| IpAddr::V6(*a))
                .ok_or_else(|| {
                    "no stable global IPv6 address (temporary, deprecated, tentative, ULA and \
                     link-local addresses do not count)"
                        .to_string()
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ans(source: &str, kind: SourceKind, addr: Option<&str>, declared: &[IpNet]) -> SourceAnswer {
        let address: Option<IpAddr> = addr.map(|a| a.parse().unwrap());
        let public = address.is_some_and(|a| public::is_public(a, declared));
        SourceAnswer {
            source: source.into(),
            kind,
            address,
            public,
            range: address
                .filter(|_| !public)
                .and_then(public::reserved_range)
                .map(str::to_string),
            error: address.is_none().then(|| "no answer within 2500 ms".into()),
            ms: 1,
        }
    }

    fn lab() -> Vec<IpNet> {
        vec![
            "203.0.113.0/24".parse().unwrap(),
            "198.51.100.0/24".parse().unwrap(),
        ]
    }

    #[test]
    fn agreeing_sources_reach_quorum() {
        let d = decide(
            Family::Ipv4,
            vec![
                ans("stun a", SourceKind::Stun, Some("203.0.113.2"), &lab()),
                ans("probe b", SourceKind::Probe, Some("203.0.113.2"), &lab()),
                ans("echo c", SourceKind::Echo, None, &lab()),
            ],
            2,
        );
        assert_eq!(d.verdict, Verdict::Agreed);
        assert_eq!(d.address, Some("203.0.113.2".parse().unwrap()));
        assert_eq!(d.agreeing, 2);
    }

    #[test]
    fn one_source_is_not_a_quorum() {
        let d = decide(
            Family::Ipv4,
            vec![
                ans("stun a", SourceKind::Stun, Some("203.0.113.2"), &lab()),
                ans("probe b", SourceKind::Probe, None, &lab()),
            ],
            2,
        );
        assert_eq!(d.verdict, Verdict::NoQuorum);
        assert!(d.address.is_none());
        assert!(d.message.contains("only 1 of the 2"), "{}", d.message);
        assert!(d.message.contains("probe b failed"), "{}", d.message);
    }

    #[test]
    fn a_forged_gateway_blocks_publishing_and_both_answers_are_named() {
        let d = decide(
            Family::Ipv4,
            vec![
                ans(
                    "gateway",
                    SourceKind::Gateway,
                    Some("198.51.100.99"),
                    &lab(),
                ),
                ans("stun a", SourceKind::Stun, Some("203.0.113.2"), &lab()),
                ans("probe b", SourceKind::Probe, Some("203.0.113.2"), &lab()),
            ],
            2,
        );
        assert_eq!(d.verdict, Verdict::Disagree);
        assert!(d.address.is_none());
        assert!(d.message.contains("198.51.100.99"), "{}", d.message);
        assert!(d.message.contains("203.0.113.2"), "{}", d.message);
        assert!(d.message.contains("forged"), "{}", d.message);
    }

    #[test]
    fn cgnat_gateway_is_named_and_never_published() {
        let mut declared = lab();
        declared.push("100.64.0.0/10".parse().unwrap());
        let d = decide(
            Family::Ipv4,
            vec![
                ans(
                    "gateway",
                    SourceKind::Gateway,
                    Some("100.64.0.2"),
                    &declared,
                ),
                ans("stun a", SourceKind::Stun, Some("203.0.113.100"), &declared),
                ans(
                    "probe b",
                    SourceKind::Probe,
                    Some("203.0.113.100"),
                    &declared,
                ),
            ],
            2,
        );
        assert_eq!(d.verdict, Verdict::Agreed);
        assert_eq!(d.address, Some("203.0.113.100".parse().unwrap()));
        assert!(d.behind_cgnat);
        assert!(d.message.starts_with("behind CGNAT"), "{}", d.message);
        assert!(d.message.contains("100.64.0.2"), "{}", d.message);

        // Only the gateway answered: nothing to publish, still CGNAT.
        let d = decide(
            Family::Ipv4,
            vec![ans(
                "gateway",
                SourceKind::Gateway,
                Some("100.64.0.2"),
                &declared,
            )],
            1,
        );
        assert_eq!(d.verdict, Verdict::NoQuorum);
        assert!(d.behind_cgnat);
    }

    #[test]
    fn ds_lite_is_detected_from_the_router_and_from_the_path() {
        let outside = || {
            vec![
                ans("stun a", SourceKind::Stun, Some("203.0.113.100"), &lab()),
                ans("probe b", SourceKind::Probe, Some("203.0.113.100"), &lab()),
            ]
        };
        // The router's WAN is the B4 address.
        let mut v = outside();
        v.push(ans(
            "gateway",
            SourceKind::Gateway,
            Some("192.0.0.2"),
            &lab(),
        ));
        let d = decide(Family::Ipv4, v, 2);
        assert!(d.behind_dslite && !d.behind_cgnat);
        assert!(
            d.message.starts_with("shared IPv4 (DS-Lite)"),
            "{}",
            d.message
        );
        assert!(d.message.contains("no A record"), "{}", d.message);
        // The router reports 0.0.0.0 (no IPv4 of its own) while IPv4 works.
        let mut v = outside();
        v.push(ans("gateway", SourceKind::Gateway, Some("0.0.0.0"), &lab()));
        let d = decide(Family::Ipv4, v, 2);
        assert!(d.behind_dslite, "{}", d.message);
        assert_eq!(d.dslite_signs, vec![DsLiteSign::RouterHasNoIpv4]);
        // ... but not when IPv4 does not work at all.
        let d = decide(
            Family::Ipv4,
            vec![ans("gateway", SourceKind::Gateway, Some("0.0.0.0"), &lab())],
            2,
        );
        assert!(!d.behind_dslite);
        // A plain router: no sign; then a TTL-limited probe meets the AFTR at hop 2.
        let mut d = decide(Family::Ipv4, outside(), 2);
        assert!(!d.behind_dslite);
        d.add_dslite_signs([DsLiteSign::FirstHop {
            ttl: 2,
            address: "192.0.0.1".parse().unwrap(),
        }]);
        assert!(d.behind_dslite);
        assert!(d.message.contains("hop 2"), "{}", d.message);
        // The probe reaching the box over IPv6 only is not enough alone.
        let mut d = decide(Family::Ipv4, outside(), 2);
        d.add_dslite_signs([DsLiteSign::ReachedOverIpv6Only]);
        assert!(!d.behind_dslite);
    }

    #[test]
    fn outside_sources_that_disagree_block_publishing() {
        let d = decide(
            Family::Ipv4,
            vec![
                ans("stun a", SourceKind::Stun, Some("203.0.113.2"), &lab()),
                ans("stun b", SourceKind::Stun, Some("203.0.113.2"), &lab()),
                ans("probe c", SourceKind::Probe, Some("203.0.113.9"), &lab()),
            ],
            2,
        );
        assert_eq!(d.verdict, Verdict::Disagree);
        assert!(!d.message.contains("forged"));
    }

    #[test]
    fn private_answers_never_count() {
        let d = decide(
            Family::Ipv4,
            vec![
                ans("stun a", SourceKind::Stun, Some("192.168.1.5"), &[]),
                ans("stun b", SourceKind::Stun, Some("192.168.1.5"), &[]),
            ],
            2,
        );
        assert_eq!(d.verdict, Verdict::NoQuorum);
        assert!(d.message.contains("private"), "{}", d.message);
    }

    #[test]
    fn hostport_parsing() {
        assert_eq!(host_of_hostport("198.51.100.34:3478"), "198.51.100.34");
        assert_eq!(host_of_hostport("[2001:db8::34]:3478"), "2001:db8::34");
        assert_eq!(
            host_of_hostport("stun.example.org:3478"),
            "stun.example.org"
        );
        assert_eq!(host_of_hostport("2001:db8::34"), "2001:db8::34");
        assert_eq!(literal_family("2001:db8::34"), Some(Family::Ipv6));
        assert_eq!(literal_family("stun.example.org"), None);
    }
}
