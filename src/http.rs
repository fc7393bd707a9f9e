//! The one way direkt builds HTTP clients: ring as the only rustls crypto provider, a
//! User-Agent naming direkt and its version (providers require one), and timeouts always set.

use std::time::Duration;

use crate::error::{Error, Result};

/// `direkt/<version>`: what providers and echo services see.
pub const USER_AGENT: &str = concat!("direkt/", env!("CARGO_PKG_VERSION"));

/// Install ring as the process-wide rustls provider. Safe to call any number of times.
pub fn install_crypto() {
    // Fails only when a provider is installed already, which is what we want anyway.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A client with the direkt User-Agent, a whole-request `timeout`, a connect timeout of at most
/// `timeout`, and no proxy from the environment: a proxy would change the address the outside
/// sees, and providers are reached directly like everything else.
pub fn client(timeout: Duration) -> Result<reqwest::Client> {
    builder(timeout)
        .build()
        .map_err(|e| Error::failed(format!("cannot set up the HTTP client: {e}")))
}

/// The builder behind [`client`], for callers that need one more setting (a local address, a
/// resolver).
pub fn builder(timeout: Duration) -> reqwest::ClientBuilder {
    install_crypto();
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .no_proxy()
        .http1_only()
        .pool_max_idle_per_host(1)
}
