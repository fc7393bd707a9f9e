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
