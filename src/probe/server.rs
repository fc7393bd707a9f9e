//! The probe server: an outside vantage point anyone can run.
//!
//! - `GET /v1/ip`: the caller's address as JSON `{"address": "...", "port": N}`; `GET /` as
//!   plain text.
//! - `POST /v1/check` `{kind, port, nonce?, sni?}`: connect back to the caller's own address
//!   (TCP, HTTP GET with a nonce, TLS handshake, UDP echo) and say what happened.
//! - `GET /port/N`: the port check of echoip (ifconfig.co), answered in its format
//!   ([`crate::probe::echoip`]): a TCP connect back to the caller's address on port N.
//!
//! Safety by construction: the target address of a check is the TCP peer of the request, and
//! the request has no field that could name another one (unknown fields are refused). Ports
//! are limited to an allowed list. Bounded everywhere: connections, checks in flight (overall
//! and per source), a token bucket per source address (IPv6 per /64), a bounded table of
//! sources, small request bodies, short timeouts on every connection made.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderValue, RETRY_AFTER};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::error::{Context, Error, Result};
use crate::probe::api::{
    CheckKind, CheckRequest, CheckResponse, ErrorBody, Outcome, TlsSeen, nonce_path, valid_nonce,
};
use crate::probe::echoip::{PortAnswer, PortError, parse_port_path};

/// Limits that keep one probe server small whatever clients do.
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_connections: usize,
    /// Connections one source (IPv6: its /64) may hold at once, well below `max_connections`,
    /// so one source's slow connections cannot make another wait.
    pub max_connections_per_source: usize,
    pub header_timeout: Duration,
    pub connection_timeout: Duration,
    /// Connect-back checks running at once, over all sources.
    pub max_checks: usize,
    /// Connect-back checks running at once for one source.
    pub max_checks_per_source: usize,
    /// Timeout of each connect-back (connect + exchange).
    pub check_timeout: Duration,
    /// Token bucket per source: this many requests at once...
    pub burst: u32,
    /// ...refilled at this many per minute.
    pub per_minute: u32,
    /// Sources remembered at once; beyond that new sources are refused until old ones expire.
    pub max_sources: usize,
    /// Ports a check may connect to.
    pub allowed_ports: PortSet,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_connections: 256,
            max_connections_per_source: 16,
            header_timeout: Duration::from_secs(5),
            connection_timeout: Duration::from_secs(30),
            max_checks: 64,
            max_checks_per_source: 4,
            check_timeout: Duration::from_secs(2),
            burst: 30,
            per_minute: 30,
            max_sources: 4096,
            allowed_ports: PortSet::default(),
        }
    }
}

/// A set of port ranges, written `80,443,1024-65535`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortSet(Vec<(u16, u16)>);

impl Default for PortSet {
    /// The web ports and every unprivileged port; other low ports (SSH, SMTP, ...) are not
    /// probed unless the operator allows them.
    fn default() -> Self {
        PortSet(vec![(80, 80), (443, 443), (1024, 65535)])
    }
}

impl PortSet {
    pub fn contains(&self, port: u16) -> bool {
        self.0.iter().any(|(a, b)| (*a..=*b).contains(&port))
    }
}

impl std::fmt::Display for PortSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v: Vec<String> = self
            .0
            .iter()
            .map(|(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                }
            })
            .collect();
        f.write_str(&v.join(","))
    }
}

impl std::str::FromStr for PortSet {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let mut v = vec![];
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let p = |x: &str| {
                x.trim()
                    .parse::<u16>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| format!("`{x}` is not a port (1-65535)"))
            };
            let (a, b) = match part.split_once('-') {
                Some((a, b)) => (p(a)?, p(b)?),
                None => (p(part)?, p(part)?),
            };
            if a > b {
                return Err(format!("`{part}`: the range is backwards"));
            }
            v.push((a, b));
        }
        if v.is_empty() {
            return Err("no ports given".into());
        }
        Ok(PortSet(v))
    }
}

/// Per-source bookkeeping: a token bucket and the checks in flight.
struct Source {
    tokens: f64,
    last: Instant,
    checks: usize,
    connections: usize,
}

pub struct Shared {
    limits: Limits,
    checks: Semaphore,
    sources: Mutex<HashMap<IpAddr, Source>>,
}

/// The rate-limit key: the address, or its /64 for IPv6 (one subscriber's whole prefix).
fn source_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

enum Admit {
    Ok,
    /// Seconds until a token is available.
    Limited(u64),
}

impl Shared {
    pub fn new(limits: Limits) -> Arc<Shared> {
        Arc::new(Shared {
            checks: Semaphore::new(limits.max_checks.max(1)),
            sources: Mutex::new(HashMap::new()),
            limits,
        })
    }

    /// Take `cost` tokens from the source's bucket.
    fn admit(&self, ip: IpAddr, cost: f64) -> Admit {
        let key = source_key(ip);
        let now = Instant::now();
        let rate = self.limits.per_minute.max(1) as f64 / 60.0;
        let burst = self.limits.burst.max(1) as f64;
        let mut map = self.sources.lock().expect("sources lock");
        if !map.contains_key(&key) && map.len() >= self.limits.max_sources {
            // Forget sources whose bucket has refilled completely: they hold no information.
            map.retain(|_, s| {
                s.checks > 0
                    || s.connections > 0
                    || s.tokens + now.duration_since(s.last).as_secs_f64() * rate < burst
            });
            if map.len() >= self.limits.max_sources {
                return Admit::Limited(60);
            }
        }
        let s = map.entry(key).or_insert(Source {
            tokens: burst,
            last: now,
            checks: 0,
            connections: 0,
        });
        s.tokens = (s.tokens + now.duration_since(s.last).as_secs_f64() * rate).min(burst);
        s.last = now;
        if s.tokens >= cost {
            s.tokens -= cost;
            Admit::Ok
        } else {
            Admit::Limited(((cost - s.tokens) / rate).ceil() as u64)
        }
    }

    /// A connection slot for `ip`'s source, or None when that source holds its share.
    fn open_connection(self: &Arc<Self>, ip: IpAddr) -> Option<ConnectionSlot> {
        let key = source_key(ip);
        let mut map = self.sources.lock().expect("sources lock");
        if !map.contains_key(&key) && map.len() >= self.limits.max_sources {
            return None;
        }
        let s = map.entry(key).or_insert(Source {
            tokens: self.limits.burst.max(1) as f64,
            last: Instant::now(),
            checks: 0,
            connections: 0,
        });
        if s.connections >= self.limits.max_connections_per_source.max(1) {
            return None;
        }
        s.connections += 1;
        Some(ConnectionSlot {
            shared: self.clone(),
            key,
        })
    }

    fn begin_check(&self, ip: IpAddr) -> bool {
        let mut map = self.sources.lock().expect("sources lock");
        match map.get_mut(&source_key(ip)) {
            Some(s) if s.checks < self.limits.max_checks_per_source => {
                s.checks += 1;
                true
            }
            _ => false,
        }
    }

    fn end_check(&self, ip: IpAddr) {
        if let Some(s) = self
            .sources
            .lock()
            .expect("sources lock")
            .get_mut(&source_key(ip))
        {
            s.checks = s.checks.saturating_sub(1);
        }
    }

    /// How many sources are remembered (for tests of the bound).
    #[cfg(test)]
    pub fn tracked_sources(&self) -> usize {
        self.sources.lock().expect("sources lock").len()
    }
}

/// A source's share of the connections, given back when the connection ends.
struct ConnectionSlot {
    shared: Arc<Shared>,
    key: IpAddr,
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        if let Some(s) = self
            .shared
            .sources
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(&self.key)
        {
            s.connections = s.connections.saturating_sub(1);
        }
    }
}

/// What a source over its connection share gets before the connection is closed.
const BUSY: &[u8] = b"HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n\
Retry-After: 1\r\nConnection: close\r\nContent-Length: 67\r\n\r\n\
{\"error\":\"too many connections from your address\",\"retry_after\":1}\n";

fn json_response(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp
}

fn error_response(
    status: StatusCode,
    msg: &str,
    retry_after: Option<u64>,
) -> Response<Full<Bytes>> {
    let body = serde_json::to_string(&ErrorBody {
        error: msg.to_string(),
        retry_after,
    })
    .expect("JSON of plain data");
    let mut r = json_response(status, body);
    // Every error answer ends the connection, and says so (hyper closes after it).
    r.headers_mut()
        .insert(hyper::header::CONNECTION, HeaderValue::from_static("close"));
    if let Some(s) = retry_after
        && let Ok(v) = HeaderValue::from_str(&s.to_string())
    {
        r.headers_mut().insert(RETRY_AFTER, v);
    }
    r
}

/// Answer one request from `peer`.
pub async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
    peer: SocketAddr,
) -> Response<Full<Bytes>> {
    let ip = peer.ip().to_canonical();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let port_api = path.starts_with("/port/");
    let cost = if path == "/v1/check" || port_api {
        2.0
    } else {
        1.0
    };
    if let Admit::Limited(secs) = shared.admit(ip, cost) {
        if port_api {
            return port_error(
                StatusCode::TOO_MANY_REQUESTS,
                "rate limited: too many requests from your address",
                Some(secs.max(1)),
            );
        }
        return error_response(
            StatusCode::TOO_MANY_REQUESTS,
            "rate limited: too many requests from your address",
            Some(secs.max(1)),
        );
    }
    if let (&Method::GET, Some(text)) = (&method, path.strip_prefix("/port/")) {
        return port_answer(&shared, ip, text).await;
    }
    match (&method, path.as_str()) {
        (&Method::GET, "/v1/ip") => json_response(
            StatusCode::OK,
            serde_json::json!({ "address": ip.to_string(), "port": peer.port() }).to_string(),
        ),
        (&Method::GET, "/") => {
            let mut r = json_response(StatusCode::OK, format!("{ip}\n"));
            r.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            r
        }
        (&Method::POST, "/v1/check") => {
            let body = match Limited::new(req.into_body(), 1024).collect().await {
                Ok(b) => b.to_bytes(),
                Err(_) => {
                    return error_response(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "the request body is limited to 1024 bytes",
                        None,
                    );
                }
            };
            let check: CheckRequest = match serde_json::from_slice(&body) {
                Ok(c) => c,
                Err(e) => {
                    return error_response(
                        StatusCode::BAD_REQUEST,
                        &format!(
                            "bad check request: {e} (a check always goes to your own address)"
                        ),
                        None,
                    );
                }
            };
            if let Err(msg) = validate(&shared.limits, &check) {
                return error_response(StatusCode::BAD_REQUEST, &msg, None);
            }
            if !shared.begin_check(ip) {
                return error_response(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too many checks from your address at once",
                    Some(1),
                );
            }
            let result = match shared.checks.try_acquire() {
                Ok(_permit) => {
                    let target = SocketAddr::new(ip, check.port);
                    let r = connect_back(target, &check, shared.limits.check_timeout).await;
                    json_response(
                        StatusCode::OK,
                        serde_json::to_string(&r).expect("JSON of plain data"),
                    )
                }
                Err(_) => error_response(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the probe server is busy",
                    Some(1),
                ),
            };
            shared.end_check(ip);
            result
        }
        (&Method::GET, _) | (&Method::POST, _) => {
            error_response(StatusCode::NOT_FOUND, "not found", None)
        }
        _ => error_response(StatusCode::METHOD_NOT_ALLOWED, "method not allowed", None),
    }
}

/// An error in echoip's format: `{"status": N, "error": "..."}` (plus `retry_after`).
fn port_error(status: StatusCode, msg: &str, retry_after: Option<u64>) -> Response<Full<Bytes>> {
    let body = PortError {
        status: status.as_u16(),
        error: msg.to_string(),
        retry_after,
    };
    let mut r = json_response(
        status,
        serde_json::to_string_pretty(&body).expect("JSON of plain data"),
    );
    r.headers_mut()
        .insert(hyper::header::CONNECTION, HeaderValue::from_static("close"));
    if let Some(s) = retry_after
        && let Ok(v) = HeaderValue::from_str(&s.to_string())
    {
        r.headers_mut().insert(RETRY_AFTER, v);
    }
    r
}

/// `GET /port/N`: connect to the caller's own address on TCP port N (echoip's port check).
async fn port_answer(shared: &Arc<Shared>, ip: IpAddr, text: &str) -> Response<Full<Bytes>> {
    let port = match parse_port_path(text) {
        Ok(p) => p,
        Err(msg) => return port_error(StatusCode::BAD_REQUEST, &msg, None),
    };
    if !shared.limits.allowed_ports.contains(port) {
        return port_error(
            StatusCode::BAD_REQUEST,
            &format!(
                "port {port} is not allowed on this probe server (allowed: {})",
                shared.limits.allowed_ports
            ),
            None,
        );
    }
    if !shared.begin_check(ip) {
        return port_error(
            StatusCode::TOO_MANY_REQUESTS,
            "too many checks from your address at once",
            Some(1),
        );
    }
    let result = match shared.checks.try_acquire() {
        Ok(_permit) => {
            let target = SocketAddr::new(ip, port);
            let deadline = tokio::time::Instant::now() + shared.limits.check_timeout;
            let reachable = connect(target, deadline).await.is_ok();
            let answer = PortAnswer {
                ip,
                port,
                reachable,
            };
            json_response(
                StatusCode::OK,
                serde_json::to_string_pretty(&answer).expect("JSON of plain data"),
            )
        }
        Err(_) => port_error(
            StatusCode::SERVICE_UNAVAILABLE,
            "the probe server is busy",
            Some(1),
        ),
    };
    shared.end_check(ip);
    result
}

fn validate(limits: &Limits, c: &CheckRequest) -> std::result::Result<(), String> {
    if !limits.allowed_ports.contains(c.port) {
        return Err(format!(
            "port {} is not allowed on this probe server (allowed: {})",
            c.port, limits.allowed_ports
        ));
    }
    if let Some(n) = &c.nonce
        && !valid_nonce(n)
    {
        return Err("nonce: 1-64 letters, digits, '-' or '_'".into());
    }
    if matches!(c.kind, CheckKind::Http | CheckKind::Udp) && c.nonce.is_none() {
        return Err(format!("a {} check needs a nonce", c.kind.as_str()));
    }
    if let Some(s) = &c.sni
        && (s.is_empty()
            || s.len() > 253
            || !s
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_'))
    {
        return Err("sni: a DNS name".into());
    }
    Ok(())
}

/// Connect back to `target` (always the requester's own address) and report what happened.
pub async fn connect_back(
    target: SocketAddr,
    c: &CheckRequest,
    timeout: Duration,
) -> CheckResponse {
    let start = Instant::now();
    let mut r = CheckResponse {
        outcome: Outcome::Error,
        kind: c.kind,
        address: target.ip(),
        port: target.port(),
        elapsed_ms: 0,
        nonce_matched: None,
        http_status: None,
        tls: None,
        details: Default::default(),
    };
    let deadline = tokio::time::Instant::now() + timeout;
    match c.kind {
        CheckKind::Tcp | CheckKind::Http => match connect(target, deadline).await {
            Err(o) => r.outcome = o,
            Ok(s) => stream_check(s, target, c, deadline, &mut r).await,
        },
        CheckKind::Tls => tls_check(target, c, deadline, &mut r).await,
        CheckKind::Udp => {
            r.outcome = udp_echo(target, c.nonce.as_deref().unwrap_or_default(), deadline).await
        }
    }
    r.elapsed_ms = start.elapsed().as_millis() as u64;
    r
}

/// TCP and HTTP checks on a connected stream: send the GET (HTTP), read what comes back, and
/// judge it against the nonce.
async fn stream_check(
    mut s: tokio::net::TcpStream,
    target: SocketAddr,
    c: &CheckRequest,
    deadline: tokio::time::Instant,
    r: &mut CheckResponse,
) {
    if c.kind == CheckKind::Http {
        let nonce = c.nonce.as_deref().unwrap_or_default();
        let host = c.sni.clone().unwrap_or_else(|| target.ip().to_string());
        let req = format!(
            "GET {} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {}\r\nConnection: close\r\n\r\n",
            nonce_path(nonce),
            crate::net::http::PROBE_USER_AGENT
        );
        let _ = s.write_all(req.as_bytes()).await;
    }
    let got = read_some(
        &mut s,
        deadline,
        if c.kind == CheckKind::Http { 4096 } else { 512 },
    )
    .await;
    let text = String::from_utf8_lossy(&got).into_owned();
    if c.kind == CheckKind::Http {
        r.http_status = text
            .strip_prefix("HTTP/1.")
            .and_then(|t| t.get(2..5))
            .and_then(|s| s.parse().ok());
    }
    r.details
        .insert("bytes_received".into(), got.len().to_string());
    r.outcome = match (&c.nonce, c.kind) {
        (Some(n), _) if text.contains(n.as_str()) => {
            r.nonce_matched = Some(true);
            Outcome::Open
        }
        (Some(_), CheckKind::Http) if r.http_status.is_none() => {
            r.nonce_matched = Some(false);
            r.details
                .insert("error".into(), "the answer is not HTTP".into());
            if got.is_empty() {
                Outcome::OtherHost
            } else {
                Outcome::Error
            }
        }
        (Some(_), _) if !got.is_empty() || c.kind == CheckKind::Http => {
            r.nonce_matched = Some(false);
            Outcome::OtherHost
        }
        (Some(_), _) => {
            r.nonce_matched = Some(false);
            Outcome::Open
        }
        (None, _) => Outcome::Open,
    };
}

/// The TLS check: the handshake's certificate chain as the requester's port presents it.
async fn tls_check(
    target: SocketAddr,
    c: &CheckRequest,
    deadline: tokio::time::Instant,
    r: &mut CheckResponse,
) {
    let left = deadline.saturating_duration_since(tokio::time::Instant::now());
    match crate::probe::tlsgrab::grab_chain(target, c.sni.as_deref(), left).await {
        Ok(g) => {
            use base64::Engine;
            r.outcome = Outcome::Open;
            r.tls = Some(TlsSeen {
                chain_der_b64: g
                    .chain
                    .iter()
                    .map(|d| base64::engine::general_purpose::STANDARD.encode(d))
                    .collect(),
                version: Some(g.version),
            });
        }
        Err(e) => {
            use crate::probe::tlsgrab::GrabError;
            r.outcome = match &e {
                GrabError::Refused => Outcome::Refused,
                GrabError::Timeout => Outcome::Timeout,
                GrabError::Unreachable(_) => Outcome::Unreachable,
                GrabError::Tls(_) => Outcome::Error,
            };
            r.details.insert("error".into(), e.to_string());
        }
    }
}

async fn connect(
    target: SocketAddr,
    deadline: tokio::time::Instant,
) -> std::result::Result<tokio::net::TcpStream, Outcome> {
    match tokio::time::timeout_at(deadline, tokio::net::TcpStream::connect(target)).await {
        Err(_) => Err(Outcome::Timeout),
        Ok(Ok(s)) => Ok(s),
        Ok(Err(e)) => Err(io_outcome(&e)),
    }
}

fn io_outcome(e: &std::io::Error) -> Outcome {
    use std::io::ErrorKind::*;
    match e.kind() {
        ConnectionRefused => Outcome::Refused,
        TimedOut => Outcome::Timeout,
        HostUnreachable | NetworkUnreachable => Outcome::Unreachable,
        _ => Outcome::Error,
    }
}

/// Read until EOF, `max` bytes, or the deadline (a short grace after the first bytes).
async fn read_some(
    s: &mut tokio::net::TcpStream,
    deadline: tokio::time::Instant,
    max: usize,
) -> Vec<u8> {
    let mut out = vec![];
    let mut buf = [0u8; 1024];
    let grace = tokio::time::Instant::now() + Duration::from_millis(500);
    let until = deadline.min(grace);
    while out.len() < max {
        match tokio::time::timeout_at(until, s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n.min(max - out.len())]),
        }
    }
    out
}

/// Send the nonce to `target` on [`crate::net::udp`]'s schedule; any answer ends the wait.
async fn udp_echo(target: SocketAddr, nonce: &str, deadline: tokio::time::Instant) -> Outcome {
    use crate::net::udp::{Peer, Resend, UdpError};
    // A connected socket only accepts datagrams from the target and reports ICMP refusals.
    // Binding the unspecified address does not fail; connecting fails without a route.
    let Ok(peer) = Peer::connect(target, None).await else {
        return Outcome::Unreachable;
    };
    let msg = format!("direkt-probe {nonce}\n");
    let left = deadline.saturating_duration_since(tokio::time::Instant::now());
    let echoed = |b: &[u8]| Some(b.windows(nonce.len()).any(|w| w == nonce.as_bytes()));
    match peer
        .exchange(msg.as_bytes(), left, Resend::Schedule, echoed)
        .await
    {
        Ok(true) => Outcome::Open,
        Ok(false) => Outcome::OtherHost,
        Err(UdpError::Timeout { .. }) => Outcome::Timeout,
        Err(UdpError::Refused(_)) => Outcome::Refused,
        Err(UdpError::Io { source, .. }) => io_outcome(&source),
        Err(UdpError::Socket { .. }) => Outcome::Unreachable,
    }
}

/// TLS for the probe's own listener (`--tls-cert`, `--tls-key`).
pub fn tls_acceptor(
    cert: &std::path::Path,
    key: &std::path::Path,
) -> Result<tokio_rustls::TlsAcceptor> {
    crate::net::http::install_crypto();
    let certs: Vec<_> = rustls_pemfile::certs(&mut std::io::BufReader::new(
        std::fs::File::open(cert).usage(|| format!("cannot open --tls-cert {}", cert.display()))?,
    ))
    .collect::<std::result::Result<_, _>>()
    .usage(|| format!("--tls-cert {} is not PEM", cert.display()))?;
    let key = rustls_pemfile::private_key(&mut std::io::BufReader::new(
        std::fs::File::open(key).usage(|| format!("cannot open --tls-key {}", key.display()))?,
    ))
    .usage(|| format!("--tls-key {} is not PEM", key.display()))?
    .ok_or_else(|| Error::usage(format!("--tls-key {} holds no private key", key.display())))?;
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .usage(|| "the TLS certificate and key do not fit together".into())?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

/// Bind every address, then serve until the process ends.
pub async fn serve(
    listen: &[SocketAddr],
    limits: Limits,
    tls: Option<tokio_rustls::TlsAcceptor>,
) -> Result<()> {
    let shared = Shared::new(limits);
    let permits = Arc::new(Semaphore::new(shared.limits.max_connections.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for addr in listen {
        let listener = TcpListener::bind(addr)
            .await
            .failed(|| format!("binding {addr}"))?;
        tracing::info!(%addr, "probe server listening");
        tasks.spawn(accept_loop(
            listener,
            permits.clone(),
            shared.clone(),
            tls.clone(),
        ));
    }
    while let Some(r) = tasks.join_next().await {
        r.failed(|| "probe server task".into())?;
    }
    Ok(())
}

pub async fn accept_loop(
    listener: TcpListener,
    permits: Arc<Semaphore>,
    shared: Arc<Shared>,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    loop {
        // Wait for a free slot before accepting: excess clients queue in the kernel backlog.
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return;
        };
        let (mut stream, peer) = crate::net::tcp::accept(&listener).await;
        let _ = stream.set_nodelay(true);
        let Some(slot) = shared.open_connection(peer.ip()) else {
            // Over its share: answered and closed at once, holding no slot (plain text: the
            // request is not even read; TLS listeners just close).
            drop(permit);
            if tls.is_none() {
                tokio::spawn(async move {
                    use tokio::io::AsyncWriteExt;
                    let _ =
                        tokio::time::timeout(Duration::from_secs(1), stream.write_all(BUSY)).await;
                });
            }
            continue;
        };
        let shared = shared.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let _slot = slot;
            let limits = shared.limits.clone();
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                let shared = shared.clone();
                async move { Ok::<_, Infallible>(handle(shared, req, peer).await) }
            });
            let builder = {
                let mut b = hyper::server::conn::http1::Builder::new();
                b.timer(TokioTimer::new())
                    .header_read_timeout(limits.header_timeout)
                    .max_buf_size(16 * 1024);
                b
            };
            let work = async {
                match tls {
                    Some(acceptor) => {
                        if let Ok(s) = acceptor.accept(stream).await {
                            let _ = builder.serve_connection(TokioIo::new(s), service).await;
                        }
                    }
                    None => {
                        let _ = builder
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    }
                }
            };
            let _ = tokio::time::timeout(limits.connection_timeout, work).await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_sets() {
        let p: PortSet = "80,443,1024-65535".parse().unwrap();
        assert!(p.contains(80) && p.contains(443) && p.contains(8443));
        assert!(!p.contains(22) && !p.contains(25));
        assert_eq!(p.to_string(), "80,443,1024-65535");
        assert_eq!(PortSet::default(), p);
        assert!("0".parse::<PortSet>().is_err());
        assert!("90-80".parse::<PortSet>().is_err());
    }

    #[test]
    fn the_bucket_limits_and_refills_and_the_source_table_is_bounded() {
        let shared = Shared::new(Limits {
            burst: 3,
            per_minute: 60,
            max_sources: 2,
            ..Limits::default()
        });
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..3 {
            assert!(matches!(shared.admit(a, 1.0), Admit::Ok));
        }
        assert!(matches!(shared.admit(a, 1.0), Admit::Limited(1)));
        shared.admit("127.0.0.2".parse().unwrap(), 1.0);
        // A third source while both are still "hot": refused, the table does not grow.
        assert!(matches!(
            shared.admit("127.0.0.3".parse().unwrap(), 1.0),
            Admit::Limited(_)
        ));
        assert_eq!(shared.tracked_sources(), 2);
        // IPv6 sources share their /64.
        assert_eq!(
            source_key("2001:db8::1".parse().unwrap()),
            source_key("2001:db8::ffff:1".parse().unwrap())
        );
    }

    #[test]
    fn checks_are_validated() {
        let l = Limits::default();
        let c = |kind, port, nonce: Option<&str>| CheckRequest {
            kind,
            port,
            nonce: nonce.map(str::to_string),
            sni: None,
        };
        assert!(validate(&l, &c(CheckKind::Tcp, 443, None)).is_ok());
        assert!(
            validate(&l, &c(CheckKind::Tcp, 22, None))
                .unwrap_err()
                .contains("not allowed")
        );
        assert!(
            validate(&l, &c(CheckKind::Http, 80, None))
                .unwrap_err()
                .contains("nonce")
        );
        assert!(validate(&l, &c(CheckKind::Udp, 5000, Some("a b"))).is_err());
    }
}
