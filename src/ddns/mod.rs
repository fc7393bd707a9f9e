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

pub mod rfc2136;

use std::future::Future;
use std::net::IpAddr;
use std::pin::Pin;
use std::time::Duration;

use serde::Serialize;

use crate::config::{DdnsConfig, ProviderKind, Settings};
use crate::error::{Error, Result};

/// A boxed future, so [`Provider`] stays object-safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// How long one provider request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// A DNS provider: A/AAAA for the box's name, TXT for DNS-01.
pub trait Provider: Send + Sync {
    fn kind(&self) -> ProviderKind;

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
    let ddns = config.ddns.as_ref().ok_or_else(|| {
        Error::usage("no DNS provider is configured").hint(
            "add a [ddns] section with provider = \"dyndns2\" | \"rfc2136\" | \"cloudflare\" | \
             \"desec\" | \"duckdns\" (see the README, \"Dynamic DNS and public address\")",
        )
    })?;
    provider_from_config(ddns, settings)
}

fn provider_from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<Box<dyn Provider>> {
    Ok(match ddns.provider {
        ProviderKind::Rfc2136 => Box::new(rfc2136::Rfc2136::from_config(ddns, settings)?),
        other => {
            return Err(Error::usage(format!(
                "provider {other} is not available in this build yet"
            ))
            .hint("use provider = \"rfc2136\""));
        }
    })
}

/// The secret `key` of `[ddns]`, or a usage error saying where to put it.
pub(crate) fn require_secret(
    settings: &Settings,
    key: &str,
    file: Option<&std::path::Path>,
) -> Result<crate::config::Secret> {
    settings.secrets.require("ddns", key, file)
}
