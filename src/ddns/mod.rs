//! Dynamic DNS: DNS providers behind one trait, and the update that keeps the box's name on the
//! address the internet sees.
//!
//! # The provider trait
//!
//! [`Provider`] is object-safe (methods return boxed futures), so callers hold a
//! `Box<dyn Provider>` from [`provider_from_settings`], which reads `[ddns]` and resolves the
//! provider's secret through `settings.secrets`:
//!
//! - [`Provider::set_address`]`(name, ip)` replaces the A (IPv4) or AAAA (IPv6) record set of
//!   `name` with that one address. It never touches the other family's record.
//! - [`Provider::set_txt`]`(fqdn, value)` adds one TXT value (DNS-01: `_acme-challenge.<name>`),
//!   leaving other TXT values of that name in place (two challenges may be pending at once).
//! - [`Provider::remove_txt`]`(fqdn, value)` removes exactly that TXT value.
//!
//! Every failure is a [`ProviderError`] whose [`Failure`] class says what the caller should do:
//! `Latch` (retrying cannot fix it: bad credentials, abuse block, unauthorized name; exit 4),
//! `Backoff` (the provider asks to wait or is in trouble; wait at least 30 minutes, or what it
//! asked for), `Transient` (network, timeout; the next run tries again) or `Unsupported` (this
//! provider's API cannot do it; a configuration problem). `Into<Error>` maps the classes to
//! exit codes 4, 1, 1 and 2.

pub mod credentials;
pub mod registry;
pub(crate) mod rest;
pub mod update;

/// The two [`Provider`] methods every HTTP provider writes alike: its description (`SPEC` of
/// its module) and the requests its `http` ([`HttpApi`]) has sent.
macro_rules! spec_and_requests {
    () => {
        fn spec(&self) -> &'static Spec {
            &SPEC
        }

        fn requests(&self) -> u32 {
            self.http.requests()
        }
    };
}

/// Declares each provider's module and lists its description in [`PROVIDERS`], so adding a
/// provider is its file plus one line here.
/// After the `;`: descriptions that share a module (the dyndns2 presets in [`presets`]).
macro_rules! providers {
    ($($provider:ident),* $(,)? ; $($module:ident :: $spec:ident),* $(,)?) => {
        $(pub mod $provider;)*
        /// Every provider, in the order the wizard lists them.
        pub static PROVIDERS: &[&registry::Spec] = &[$(&$provider::SPEC,)* $(&$module::$spec,)*];
    };
}

pub mod presets;

providers! {
    dyndns2,
    rfc2136,
    cloudflare,
    desec,
    duckdns,
    hetzner,
    porkbun,
    ionos,
    netcup,
    inwx,
    dynv6,
    vultr,
    bunny,
    ipv64,
    digitalocean,
    gandi,
    linode,
    route53,
    ovh,
    godaddy,
    acme_dns,
    exec,
    ;
    presets::NOIP,
    presets::DYNU,
    presets::STRATO,
    presets::OVH_DYNHOST,
    presets::SELFHOST,
    presets::FREEDNS,
    presets::HE,
    presets::INFOMANIAK,
    presets::LOOPIA,
    presets::DNSOMATIC,
    presets::SPDYN,
}

pub use registry::{ProviderId, Spec};

pub use update::{DdnsState, UpdateOptions, UpdateReport, update};

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::time::Duration;

use serde::Serialize;

use crate::config::{DdnsConfig, Settings};
use crate::error::{Error, Result};

/// A boxed future, so [`Provider`] stays object-safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How long one provider request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A DNS provider: A/AAAA for the box's name, TXT for DNS-01.
pub trait Provider: Send + Sync {
    /// The provider's description in the registry.
    fn spec(&self) -> &'static Spec;

    /// Make `name`'s A (IPv4) or AAAA (IPv6) record set exactly `address`.
    fn set_address<'a>(
        &'a self,
        name: &'a str,
        address: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>>;

    /// Add the TXT value `value` at `fqdn`, keeping other values there.
    fn set_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>>;

    /// Remove the TXT value `value` at `fqdn` (nothing else).
    fn remove_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>>;

    /// Check that the provider accepts the credentials for `name` without changing any record,
    /// where its API allows that; the answer says what was checked. `Unsupported` when the API
    /// has no such call (DuckDNS, dyndns2).
    fn verify<'a>(&'a self, _name: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        let kind = self.spec().name;
        Box::pin(async move {
            Err(ProviderError::unsupported(
                format!("{kind} has no call that checks credentials without changing a record"),
                "nothing to do",
            ))
        })
    }

    /// How many requests (HTTP requests or DNS messages) this provider has sent so far.
    fn requests(&self) -> u32;
}

/// What a caller should do about a provider failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Failure {
    /// Retrying cannot fix it; latch until the config changes or `--force` (exit 4).
    Latch,
    /// The provider asks to wait, or is in trouble: back off (exit 1).
    Backoff,
    /// Network or timeout; the next run may simply try again (exit 1).
    Transient,
    /// The provider's API cannot do this (exit 2).
    Unsupported,
}

/// A provider failure, classified. Messages never contain secrets.
#[derive(Debug, Clone, Serialize)]
pub struct ProviderError {
    pub failure: Failure,
    pub message: String,
    pub hint: Option<String>,
    /// How long the provider asked us to wait (Retry-After, dyndns2 `wNNN`), if it said so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<Duration>,
}

impl ProviderError {
    pub fn latch(message: impl Into<String>, hint: impl Into<String>) -> Self {
        ProviderError {
            failure: Failure::Latch,
            message: message.into(),
            hint: Some(hint.into()),
            retry_after: None,
        }
    }
    pub fn backoff(message: impl Into<String>, retry_after: Option<Duration>) -> Self {
        ProviderError {
            failure: Failure::Backoff,
            message: message.into(),
            hint: Some("direkt waits before it asks the provider again; nothing to do".into()),
            retry_after,
        }
    }
    pub fn transient(message: impl Into<String>) -> Self {
        ProviderError {
            failure: Failure::Transient,
            message: message.into(),
            hint: Some("check the network and the provider's status; the next run retries".into()),
            retry_after: None,
        }
    }
    pub fn unsupported(message: impl Into<String>, hint: impl Into<String>) -> Self {
        ProviderError {
            failure: Failure::Unsupported,
            message: message.into(),
            hint: Some(hint.into()),
            retry_after: None,
        }
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl std::fmt::Display for ProviderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<ProviderError> for Error {
    fn from(e: ProviderError) -> Error {
        let err = match e.failure {
            Failure::Latch => Error::needs_user(e.message),
            Failure::Backoff | Failure::Transient => Error::failed(e.message),
            Failure::Unsupported => Error::usage(e.message),
        };
        match e.hint {
            Some(h) => err.hint(h),
            None => err,
        }
    }
}

/// The configured provider, with its secret resolved. A usage error (exit 2) when `[ddns]` is
/// missing or incomplete, or its secret is not set.
pub fn provider_from_settings(settings: &Settings) -> Result<Box<dyn Provider>> {
    let config = settings.require()?;
    let ddns = config.ddns.as_ref().ok_or_else(no_provider)?;
    (ddns.provider.spec().build)(ddns, settings)
}

/// "No `[ddns]` section", naming the providers there are.
pub fn no_provider() -> Error {
    let names: Vec<String> = PROVIDERS
        .iter()
        .map(|s| format!("\"{}\"", s.name))
        .collect();
    Error::usage("no DNS provider is configured").hint(format!(
        "add a [ddns] section with provider = {} (see the README, \"Dynamic DNS and public \
         address\", or `direkt ddns providers`)",
        names.join(" | ")
    ))
}

/// The provider's main secret (the first its description names), or a usage error saying
/// where to put it.
pub(crate) fn require_secret(
    settings: &Settings,
    ddns: &DdnsConfig,
) -> Result<crate::config::Secret> {
    require_named_secret(settings, ddns, ddns.provider.spec().secrets[0].name)
}

/// The provider's secret `key` (one its description names), or a usage error saying where to
/// put it.
pub(crate) fn require_named_secret(
    settings: &Settings,
    ddns: &DdnsConfig,
    key: &str,
) -> Result<crate::config::Secret> {
    settings.secrets.require("ddns", key, ddns.secret_file(key))
}

/// Every secret the provider has that is set (name and value), in its description's order.
pub fn secrets_of(
    ddns: &DdnsConfig,
    settings: &Settings,
) -> Result<Vec<(&'static str, crate::config::Secret)>> {
    let mut out = vec![];
    for s in ddns.provider.spec().secrets {
        if let Some(v) = settings
            .secrets
            .get("ddns", s.name, ddns.secret_file(s.name))?
        {
            out.push((s.name, v));
        }
    }
    Ok(out)
}

/// The shared part of HTTP providers: one lazily built client (no start-up cost when nothing
/// is sent) and a request counter.
pub(crate) struct HttpApi {
    client: std::sync::OnceLock<reqwest::Client>,
    requests: std::sync::atomic::AtomicU32,
}

/// An HTTP answer, read whatever its status.
pub(crate) struct HttpAnswer {
    pub status: u16,
    pub retry_after: Option<Duration>,
    pub body: String,
}

impl HttpApi {
    pub fn new() -> HttpApi {
        HttpApi {
            client: std::sync::OnceLock::new(),
            requests: std::sync::atomic::AtomicU32::new(0),
        }
    }

    pub fn client(&self) -> Result<&reqwest::Client, ProviderError> {
        if let Some(c) = self.client.get() {
            return Ok(c);
        }
        let c = crate::net::http::client(REQUEST_TIMEOUT)
            .map_err(|e| ProviderError::transient(e.message().to_string()))?;
        Ok(self.client.get_or_init(|| c))
    }

    /// A `method` request to `url`, with `body` as JSON if there is one.
    pub fn request(
        &self,
        method: reqwest::Method,
        url: impl reqwest::IntoUrl,
        body: Option<serde_json::Value>,
    ) -> Result<reqwest::RequestBuilder, ProviderError> {
        let rb = self.client()?.request(method, url);
        Ok(match body {
            Some(b) => rb.json(&b),
            None => rb,
        })
    }

    /// Send and read the whole answer. `what` names the provider in errors; URLs are never
    /// quoted (some carry a token).
    pub async fn send(
        &self,
        what: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<HttpAnswer, ProviderError> {
        Ok(self.send_with_headers(what, request).await?.0)
    }

    /// [`send`](Self::send), also giving the answer's headers (a session cookie, a rate limit
    /// reset such as DigitalOcean's `ratelimit-reset`).
    pub async fn send_with_headers(
        &self,
        what: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<(HttpAnswer, reqwest::header::HeaderMap), ProviderError> {
        self.requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let resp = request.send().await.map_err(|e| {
            ProviderError::transient(format!("{what}: {}", crate::ip::plain_reqwest_error(&e)))
        })?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let headers = resp.headers().clone();
        let body = resp.text().await.map_err(|e| {
            ProviderError::transient(format!("{what}: {}", crate::ip::plain_reqwest_error(&e)))
        })?;
        tracing::debug!(provider = what, status, "provider answered");
        Ok((
            HttpAnswer {
                status,
                retry_after,
                body,
            },
            headers,
        ))
    }

    pub fn requests(&self) -> u32 {
        self.requests.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// `name` relative to `zone`: `box` for `box.example.org` in `example.org`, `""` for the apex.
pub(crate) fn subname(name: &str, zone: &str) -> Option<String> {
    let name = name.trim_end_matches('.');
    let zone = zone.trim_end_matches('.');
    if name.eq_ignore_ascii_case(zone) {
        return Some(String::new());
    }
    let cut = name.len().checked_sub(zone.len() + 1)?;
    (name[cut + 1..].eq_ignore_ascii_case(zone) && name.as_bytes()[cut] == b'.')
        .then(|| name[..cut].to_string())
}

/// Parse a provider's base URL override (`[ddns] server`).
pub(crate) fn base_url(server: Option<&str>, default: &str) -> Result<reqwest::Url> {
    let s = server.unwrap_or(default).trim_end_matches('/');
    reqwest::Url::parse(s).map_err(|e| {
        Error::usage(format!("ddns.server `{s}` is not a URL: {e}")).hint(format!(
            "write the API base URL, e.g. \"{default}\", or leave it out"
        ))
    })
}

/// `url` with `pairs` appended as its query (form-encoded).
pub(crate) fn with_query(url: &str, pairs: &[(&str, &str)]) -> Result<reqwest::Url, ProviderError> {
    let mut u = reqwest::Url::parse(url).map_err(|e| {
        ProviderError::unsupported(format!("bad provider URL: {e}"), "check ddns.server")
    })?;
    if !pairs.is_empty() {
        u.query_pairs_mut().extend_pairs(pairs);
    }
    Ok(u)
}
