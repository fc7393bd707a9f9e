//! RFC 2136 dynamic updates signed with TSIG (RFC 8945), sent to the zone's primary server.
//!
//! hickory builds and signs the messages, but the exchange is our own: hickory's client hides
//! the server's error answers (NOTAUTH with TSIG error BADSIG/BADKEY carries an empty MAC, which
//! it refuses to parse into an error) and sends extra copies of a request after 333 ms. Here a
//! request goes out exactly once on its own UDP socket ([`crate::net::udp`] with
//! [`Resend::Never`]: an UPDATE the server applied must not arrive again after the record
//! changed; the next run retries instead), the answer's response code and TSIG
//! error are read, and its MAC is verified whenever the server sent one.

use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use base64::Engine;
use hickory_proto::op::{Message, OpCode, Query, ResponseCode, UpdateMessage};
use hickory_proto::rr::rdata::tsig::{TsigAlgorithm as HickoryAlg, TsigError};
use hickory_proto::rr::rdata::{A, AAAA, TXT};
use hickory_proto::rr::{DNSClass, Name, RData, Record, RecordType, TSigner};

use super::registry::{self, Builtin, Key, Kind, RecordType as Rr, SecretKey, Spec};
use super::{BoxFuture, Provider, ProviderError};
use crate::config::{DdnsConfig, Settings, TsigAlgorithm};
use crate::error::{Error, Result};
use crate::net::udp::{self, Resend, UdpError};

const HELP: &str = "Your DNS server's address, the zone, and a TSIG key allowed to update this \
     name. Make one with `tsig-keygen -a hmac-sha256 ddns-key` (BIND) or \
     `keymgr -t ddns-key hmac-sha256` (Knot); the secret is the base64 string.";

pub const SPEC: Spec = Spec {
    name: "rfc2136",
    aliases: &["nsupdate"],
    title: "RFC 2136",
    kind: Kind::Rfc2136,
    summary: "rfc2136: your own DNS server (BIND, Knot, PowerDNS) with a TSIG key",
    help: HELP,
    keys: &[
        Key {
            name: "server",
            required: true,
            prompt: "DNS server (primary) address",
            help: HELP,
            default: Builtin::None,
            check: registry::ip_or_socket,
            hint: "write the primary server's address, e.g. \"192.0.2.53:53\"",
        },
        registry::ZONE,
        Key {
            name: "key_name",
            required: true,
            prompt: "TSIG key name",
            help: "The key's name as the server knows it.",
            default: Builtin::Text("ddns-key"),
            check: |s| {
                fqdn(s)
                    .map(|_| ())
                    .map_err(|e| format!("`{s}` is not a DNS name: {e}"))
            },
            hint: "use the key's name as the server knows it, e.g. key_name = \"ddns-key\"",
        },
    ],
    secrets: &[SecretKey {
            name: "tsig_secret",
            prompt: "TSIG secret (base64)",
            help: "",
    }],
    records: &[Rr::A, Rr::Aaaa, Rr::Txt],
    docs: "https://www.rfc-editor.org/rfc/rfc2136",
    name_suffix: None,
    guess_suffixes: &[],
    build: |d, s| Ok(Box::new(Rfc2136::from_config(d, s)?)),
};

/// One UPDATE, one answer: no retransmission, so this is how long we wait for it.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(5);
/// Accepted clock difference between us and the server (RFC 8945 recommends 300 s).
const FUDGE: u16 = 300;

pub struct Rfc2136 {
    server: SocketAddr,
    zone: Name,
    signer: TSigner,
    key_name: String,
    ttl: u32,
    timeout: Duration,
    requests: AtomicU32,
}

impl Rfc2136 {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<Rfc2136> {
        let server = ddns
            .server
            .as_deref()
            .ok_or_else(|| Error::usage("rfc2136 needs `server` in [ddns]"))?;
        let server = parse_server(server)?;
        let zone = ddns
            .zone
            .as_ref()
            .ok_or_else(|| Error::usage("rfc2136 needs `zone` in [ddns]"))?;
        let key_name = ddns
            .key_name
            .as_deref()
            .ok_or_else(|| Error::usage("rfc2136 needs `key_name` in [ddns]"))?;
        let secret =
            super::require_secret(settings, ddns)?;
        let key = decode_secret(secret.expose())?;
        Rfc2136::new(
            server,
            zone.as_str(),
            key_name,
            ddns.algorithm,
            key,
            ddns.ttl,
        )
    }

    pub fn new(
        server: SocketAddr,
        zone: &str,
        key_name: &str,
        algorithm: TsigAlgorithm,
        key: Vec<u8>,
        ttl: u32,
    ) -> Result<Rfc2136> {
        let alg = match algorithm {
            TsigAlgorithm::HmacSha256 => HickoryAlg::HmacSha256,
            TsigAlgorithm::HmacSha384 => HickoryAlg::HmacSha384,
            TsigAlgorithm::HmacSha512 => HickoryAlg::HmacSha512,
        };
        let key_dns = fqdn(key_name).map_err(|e| {
            Error::usage(format!("ddns.key_name `{key_name}` is not a DNS name: {e}"))
                .hint("use the key's name as the server knows it, e.g. key_name = \"ddns-key\"")
        })?;
        let signer = TSigner::new(key, alg, key_dns, FUDGE)
            .map_err(|e| Error::usage(format!("cannot use the TSIG key: {e}")))?;
        let zone = fqdn(zone).map_err(|e| Error::usage(format!("bad zone `{zone}`: {e}")))?;
        Ok(Rfc2136 {
            server,
            zone,
            signer,
            key_name: key_name.to_string(),
            ttl,
            timeout: ANSWER_TIMEOUT,
            requests: AtomicU32::new(0),
        })
    }

    /// An UPDATE message for this zone, with no updates yet.
    fn message(&self) -> Message {
        let mut zone = Query::new();
        zone.set_name(self.zone.clone())
            .set_query_class(DNSClass::IN)
            .set_query_type(RecordType::SOA);
        let mut m = Message::query();
        m.metadata.op_code = OpCode::Update;
        m.metadata.recursion_desired = false;
        m.add_zone(zone);
        m
    }

    /// Delete exactly this value at `owner` (class NONE, TTL 0: RFC 2136 2.5.4); a value that
    /// is not there changes nothing.
    async fn delete_value(&self, owner: Name, data: RData) -> Result<(), ProviderError> {
        let mut m = self.message();
        let mut r = Record::from_rdata(owner, 0, data);
        r.dns_class = DNSClass::NONE;
        m.add_update(r);
        self.exchange(m).await
    }

    fn owner(&self, name: &str) -> Result<Name, ProviderError> {
        let n = fqdn(name).map_err(|e| {
            ProviderError::unsupported(
                format!("`{name}` is not a DNS name: {e}"),
                "check `name` in the config",
            )
        })?;
        if !self.zone.zone_of(&n) {
            return Err(ProviderError::unsupported(
                format!("{name} is not inside zone {}", self.zone),
                "set ddns.zone to the zone that holds the name",
            ));
        }
        Ok(n)
    }

    /// Sign, send once, wait for the answer, and classify it.
    async fn exchange(&self, mut message: Message) -> Result<(), ProviderError> {
        let now = crate::state::now_unix().max(0) as u64;
        let verifier = message
            .finalize(&self.signer, now)
            .map_err(|e| ProviderError::transient(format!("cannot sign the update: {e}")))?;
        let bytes = message
            .to_vec()
            .map_err(|e| ProviderError::transient(format!("cannot encode the update: {e}")))?;
        let io = |e: UdpError| {
            ProviderError::transient(format!("cannot reach DNS server {}: {e}", self.server))
        };
        let peer = udp::Peer::connect(self.server, None).await.map_err(io)?;
        self.requests.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(server = %self.server, id = message.metadata.id, "sent UPDATE");
        // Anything that is not the answer to our request is ignored, not trusted.
        let id = message.metadata.id;
        let matches = |b: &[u8]| match Message::from_vec(b) {
            Ok(m) if m.metadata.id == id => Some((m, b.to_vec())),
            _ => None,
        };
        let (answer, raw) = match peer
            .exchange(&bytes, self.timeout, Resend::Never, matches)
            .await
        {
            Ok(a) => a,
            Err(UdpError::Timeout { .. }) => {
                return Err(ProviderError::transient(format!(
                    "DNS server {} did not answer the update within {} s",
                    self.server,
                    self.timeout.as_secs()
                ))
                .with_hint(
                    "check that ddns.server is the zone's primary and that UDP port 53 \
                     is reachable; the next run retries",
                ));
            }
            Err(e) => return Err(io(e)),
        };
        let rcode = answer.metadata.response_code;
        let tsig = answer.signature().map(|s| s.data.clone());
        let tsig_error = tsig.as_ref().and_then(|t| t.error);
        tracing::debug!(?rcode, ?tsig_error, "UPDATE answered");
        match &tsig {
            Some(t) if !t.mac.is_empty() => {
                if let Some(mut v) = verifier
                    && let Err(e) = v.verify(&raw)
                {
                    return Err(ProviderError::transient(format!(
                        "the answer from {} has a TSIG signature that does not verify: {e}",
                        self.server
                    ))
                    .with_hint("something between us and the server may be forging answers"));
                }
            }
            _ if rcode == ResponseCode::NoError => {
                return Err(ProviderError::transient(format!(
                    "DNS server {} answered the update without a valid TSIG signature",
                    self.server
                ))
                .with_hint("check that ddns.server is the zone's primary server"));
            }
            _ => {}
        }
        if tsig_error == Some(TsigError::BadTime) {
            let skew = tsig.as_ref().and_then(|t| server_skew(t, now));
            return Err(bad_time(self.server, skew));
        }
        classify(rcode, tsig_error, &self.key_name, &self.zone, self.server)
    }
}

/// BADTIME, with how far this box's clock is off when the server said its own time.
fn bad_time(server: SocketAddr, skew: Option<i64>) -> ProviderError {
    let by = match skew {
        Some(d) if d > 0 => format!("this box's clock is {} behind the server's", crate::net::time::human_secs(d)),
        Some(d) => format!("this box's clock is {} ahead of the server's", crate::net::time::human_secs(-d)),
        None => format!("the clocks differ by more than {FUDGE} s"),
    };
    ProviderError::transient(format!(
        "DNS server {server} rejected the update: {by} (BADTIME; it accepts {FUDGE} s)"
    ))
    .with_hint("set the clock (NTP, e.g. `timedatectl set-ntp true`); the next run retries")
}

/// RFC 8945 §5.2.3: a BADTIME answer carries the server's current time in "Other Data" (48
/// bits, seconds since the epoch); the skew is that minus our time when we signed.
fn server_skew(tsig: &hickory_proto::rr::rdata::tsig::TSIG, signed_at: u64) -> Option<i64> {
    let other: [u8; 6] = tsig.other.as_slice().try_into().ok()?;
    let mut be = [0u8; 8];
    be[2..].copy_from_slice(&other);
    Some(u64::from_be_bytes(be) as i64 - signed_at as i64)
}

/// Map the server's answer to success, latch or backoff.
fn classify(
    rcode: ResponseCode,
    tsig_error: Option<TsigError>,
    key: &str,
    zone: &Name,
    server: SocketAddr,
) -> Result<(), ProviderError> {
    let zone = zone.to_string();
    let zone = zone.trim_end_matches('.');
    match (rcode, tsig_error) {
        (ResponseCode::NoError, None) => Ok(()),
        (_, Some(TsigError::BadSig)) => Err(ProviderError::latch(
            format!("DNS server {server} rejected the update: bad TSIG signature (BADSIG)"),
            format!(
                "the secret does not match key `{key}` on the server: set ddns.tsig_secret to \
                 the key's base64 secret, then run again (a changed secret clears the latch)"
            ),
        )),
        (_, Some(TsigError::BadKey)) => Err(ProviderError::latch(
            format!("DNS server {server} rejected the update: unknown key or name not allowed (BADKEY)"),
            format!(
                "check that the server knows key `{key}` with this algorithm and that its \
                 update policy lets the key change this name in zone {zone}"
            ),
        )),
        (_, Some(TsigError::BadTime)) => Err(bad_time(server, None)),
        (ResponseCode::NotAuth, _) => Err(ProviderError::latch(
            format!("DNS server {server} refused the update: not authorized (NOTAUTH)"),
            format!(
                "the server is not the primary of zone {zone}, or key `{key}` may not update \
                 this name: check ddns.server, ddns.zone and the server's update policy"
            ),
        )),
        (ResponseCode::Refused, _) => Err(ProviderError::latch(
            format!("DNS server {server} refused the update (REFUSED)"),
            format!("allow key `{key}` to update this name in zone {zone} on the server"),
        )),
        (ResponseCode::NotZone, _) => Err(ProviderError::latch(
            format!("DNS server {server}: the name is not in zone {zone} (NOTZONE)"),
            "set ddns.zone to the zone the server is primary for",
        )),
        (ResponseCode::FormErr | ResponseCode::NotImp, _) => Err(ProviderError::latch(
            format!("DNS server {server} does not accept dynamic updates ({rcode})"),
            "point ddns.server at a server that accepts RFC 2136 updates for the zone",
        )),
        (ResponseCode::ServFail, _) => Err(ProviderError::backoff(
            format!("DNS server {server} failed to apply the update (SERVFAIL)"),
            None,
        )),
        (other, _) => Err(ProviderError::transient(format!(
            "DNS server {server} answered the update with {other}"
        ))),
    }
}

impl Provider for Rfc2136 {
    fn spec(&self) -> &'static Spec {
        &SPEC
    }

    fn set_address<'a>(
        &'a self,
        name: &'a str,
        address: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let owner = self.owner(name)?;
            let (rtype, data) = match address {
                IpAddr::V4(a) => (RecordType::A, RData::A(A(a))),
                IpAddr::V6(a) => (RecordType::AAAA, RData::AAAA(AAAA(a))),
            };
            // Delete the family's record set and add the address in ONE message: the server
            // applies it atomically, and the other family's set is not named at all.
            let mut m = self.message();
            let mut delete = Record::update0(owner.clone(), 0, rtype);
            delete.dns_class = DNSClass::ANY;
            m.add_update(delete);
            m.add_update(Record::from_rdata(owner, self.ttl, data));
            self.exchange(m).await
        })
    }

    fn set_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let owner = self.owner(fqdn)?;
            let mut m = self.message();
            m.add_update(Record::from_rdata(
                owner,
                self.ttl.min(120),
                RData::TXT(TXT::new(vec![value.to_string()])),
            ));
            self.exchange(m).await
        })
    }

    fn remove_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let owner = self.owner(fqdn)?;
            self.delete_value(owner, RData::TXT(TXT::new(vec![value.to_string()])))
                .await
        })
    }

    /// A signed UPDATE that deletes the A record `0.0.0.0` (which no box publishes) at `name`:
    /// the server checks the key and its update policy for the name's address records, and
    /// nothing changes (no new serial).
    fn verify<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            let owner = self.owner(name)?;
            self.delete_value(owner, RData::A(A(std::net::Ipv4Addr::UNSPECIFIED)))
                .await?;
            Ok(format!(
                "{} accepts key `{}` for updates of {name} (an update that changes nothing)",
                self.server, self.key_name
            ))
        })
    }

    fn requests(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }
}

fn fqdn(name: &str) -> std::result::Result<Name, String> {
    let mut n = Name::from_ascii(name).map_err(|e| e.to_string())?;
    n.set_fqdn(true);
    Ok(n)
}

fn parse_server(s: &str) -> Result<SocketAddr> {
    if let Ok(a) = s.parse::<SocketAddr>() {
        return Ok(a);
    }
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, 53));
    }
    Err(
        Error::usage(format!("ddns.server `{s}` is not an IP address or IP:port"))
            .hint("write the primary server's address, e.g. \"192.0.2.53:53\""),
    )
}

/// TSIG secrets are base64 (as in `tsig-keygen`, `keymgr -t` and Knot's config).
fn decode_secret(s: &str) -> Result<Vec<u8>> {
    let s = s.trim();
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .ok()
        .filter(|k| !k.is_empty())
        .ok_or_else(|| {
            // Never quote the value: it is the secret.
            Error::usage("the secret ddns.tsig_secret is not valid base64").hint(
                "copy the key's secret exactly as the server shows it (e.g. `keymgr -t NAME` \
                 or `tsig-keygen NAME`)",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone() -> Name {
        fqdn("example.test").unwrap()
    }
    const SERVER: &str = "192.0.2.53:53";

    #[test]
    fn answers_map_to_latch_backoff_or_success() {
        let s: SocketAddr = SERVER.parse().unwrap();
        let c = |r, t| classify(r, t, "ddns-key", &zone(), s);
        assert!(c(ResponseCode::NoError, None).is_ok());
        use super::super::Failure::*;
        let f = |r, t| c(r, t).unwrap_err().failure;
        assert_eq!(f(ResponseCode::NotAuth, Some(TsigError::BadSig)), Latch);
        assert_eq!(f(ResponseCode::NotAuth, Some(TsigError::BadKey)), Latch);
        assert_eq!(f(ResponseCode::NotAuth, None), Latch);
        assert_eq!(f(ResponseCode::Refused, None), Latch);
        assert_eq!(f(ResponseCode::ServFail, None), Backoff);
        assert_eq!(
            f(ResponseCode::NotAuth, Some(TsigError::BadTime)),
            Transient
        );
        let e = c(ResponseCode::NotAuth, Some(TsigError::BadSig)).unwrap_err();
        assert!(e.message.contains("BADSIG"), "{}", e.message);
        assert!(e.hint.unwrap().contains("ddns-key"));
    }

    #[test]
    fn badtime_names_the_measured_skew_from_the_servers_time() {
        use hickory_proto::rr::rdata::tsig::{TSIG, TsigAlgorithm as A};
        let signed_at = 1_700_000_000u64;
        let server_now = signed_at - 2 * 86_400 - 3600; // we are 2 d 1 h ahead
        let mut t = TSIG::new(A::HmacSha256, signed_at, 300, vec![], 0, Some(TsigError::BadTime), vec![]);
        t.other = server_now.to_be_bytes()[2..].to_vec();
        let skew = server_skew(&t, signed_at).unwrap();
        assert_eq!(skew, -(2 * 86_400 + 3600));
        let e = bad_time(SERVER.parse().unwrap(), Some(skew));
        assert!(e.message.contains("2 d 1 h ahead"), "{}", e.message);
        assert!(bad_time(SERVER.parse().unwrap(), Some(42)).message.contains("42 s behind"));
        // The answer's delay does not turn 2 days into "1 d 23 h".
        assert_eq!(crate::net::time::human_secs(2 * 86_400 - 1), "2 d 0 h");
        assert_eq!(crate::net::time::human_secs(3600 + 59), "1 h 1 min");
        // No time in the answer: the old wording.
        t.other = vec![];
        assert_eq!(server_skew(&t, signed_at), None);
        assert!(bad_time(SERVER.parse().unwrap(), None).message.contains("more than 300 s"));
    }

    #[test]
    fn secrets_must_be_base64_and_are_never_quoted() {
        let e = decode_secret("not base64 !!").unwrap_err();
        assert!(!e.message().contains("not base64 !!"));
        assert_eq!(e.exit_code(), 2);
        assert_eq!(decode_secret("AAEC").unwrap(), vec![0, 1, 2]);
    }

    #[test]
    fn server_defaults_to_port_53() {
        assert_eq!(
            parse_server("192.0.2.53").unwrap(),
            "192.0.2.53:53".parse().unwrap()
        );
        assert!(parse_server("ns1.example.org").is_err());
    }

    #[test]
    fn names_outside_the_zone_are_refused_before_sending() {
        let p = Rfc2136::new(
            SERVER.parse().unwrap(),
            "example.test",
            "ddns-key",
            TsigAlgorithm::HmacSha256,
            vec![1; 32],
            300,
        )
        .unwrap();
        let e = p.owner("box.other.test").unwrap_err();
        assert_eq!(e.failure, super::super::Failure::Unsupported);
        assert!(p.owner("box.example.test").is_ok());
    }

    #[test]
    fn every_configured_algorithm_signs_with_its_own_mac() {
        for (alg, name, mac_len) in [
            (TsigAlgorithm::HmacSha256, "hmac-sha256", 32),
            (TsigAlgorithm::HmacSha384, "hmac-sha384", 48),
            (TsigAlgorithm::HmacSha512, "hmac-sha512", 64),
        ] {
            let p = Rfc2136::new(
                SERVER.parse().unwrap(),
                "example.test",
                "ddns-key",
                alg,
                vec![7; 32],
                300,
            )
            .unwrap();
            let mut m = p.message();
            m.finalize(&p.signer, 1_700_000_000).unwrap();
            let bytes = m.to_vec().unwrap();
            let back = Message::from_vec(&bytes).unwrap();
            let sig = back.signature().expect("signed");
            assert_eq!(sig.data.algorithm.to_name().to_string(), name);
            assert_eq!(sig.data.mac.len(), mac_len);
            assert_eq!(sig.name.to_string(), "ddns-key.");
        }
    }
}
