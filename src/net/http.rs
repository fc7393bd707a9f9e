//! The one way direkt builds HTTP clients: ring as the only rustls crypto provider, a
//! User-Agent naming direkt and its version (providers require one), and timeouts always set.
//!
//! The User-Agent is built here only; every client takes its constant from here. Three clients
//! are not reqwest, on purpose:
//! - the router's client (`portmap::http`): plain HTTP/1.1 to one socket address, never a host
//!   name, no redirects and a size cap, so a LAN device can only ever talk to the pinned gateway;
//!   it also serves as igd-next's SOAP transport, which wants its own `Provider` trait.
//! - the ACME client (`acme::client`): instant-acme takes an `HttpClient` built on hyper's
//!   request/response types; a hyper-util client with TCP_NODELAY (every small POST otherwise
//!   waits ~40 ms for the delayed ACK), the configured CA bundle and per-request timeouts
//!   implements it directly, where reqwest would need converting every request and answer.
//! - the probe server's connect-back GET (`probe::server`): it must go to exactly the
//!   requester's socket address (no name, proxy or redirect), read a few KiB within a deadline,
//!   and report a non-HTTP answer (another service on the port) as a result rather than an error.

use std::time::Duration;

use crate::error::{Error, Result};

/// `direkt/<version>`, the product token every User-Agent below starts with.
macro_rules! product {
    () => {
        concat!("direkt/", env!("CARGO_PKG_VERSION"))
    };
}

/// `direkt/<version>`: what providers, echo services and the router see.
pub const USER_AGENT: &str = product!();
/// The ACME client names the library too (RFC 8555 §6.1 asks for the ACME software's name).
pub const ACME_USER_AGENT: &str = concat!(product!(), " instant-acme/0.8");
/// SSDP searches name the UPnP version (UPnP Device Architecture 1.1, §1.3.2).
pub const SSDP_USER_AGENT: &str = concat!(product!(), " UPnP/1.1");
/// The probe server's connect-back GET, so a box's access log tells it from a visitor.
pub const PROBE_USER_AGENT: &str = concat!(product!(), " probe");

/// Install ring as the process-wide rustls provider. Safe to call any number of times.
pub fn install_crypto() {
    // Fails only when a provider is installed already, which is what we want anyway.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A client for public HTTPS services (see [`public_builder`]) with the direkt User-Agent, a whole-request `timeout`, a connect timeout of at most
/// `timeout`, and no proxy from the environment: a proxy would change the address the outside
/// sees, and providers are reached directly like everything else.
pub fn client(timeout: Duration) -> Result<reqwest::Client> {
    public_builder(timeout)
        .build()
        .map_err(|e| Error::failed(format!("cannot set up the HTTP client: {e}")))
}

/// Like [`builder`], but trusting only the public web PKI roots compiled into direkt
/// (webpki-roots) through a prepared rustls config: no system certificate store is read and
/// parsed, which is most of a client's start-up cost. For providers and address echoes, which
/// all use public certificates. Certificate options on the returned builder are ignored.
pub fn public_builder(timeout: Duration) -> reqwest::ClientBuilder {
    builder(timeout).use_preconfigured_tls(public_tls_config())
}

fn public_tls_config() -> rustls::ClientConfig {
    static CONFIG: std::sync::OnceLock<rustls::ClientConfig> = std::sync::OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let roots =
                rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
            let mut config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .expect("ring supports the default TLS versions")
                .with_root_certificates(roots)
                .with_no_client_auth();
            config.alpn_protocols = vec![b"http/1.1".to_vec()];
            config
        })
        .clone()
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

/// A request that failed, in words: "did not answer in time", "could not be reached", "failed".
pub fn failure_words(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "did not answer in time"
    } else if e.is_connect() {
        "could not be reached"
    } else {
        "failed"
    }
}
