//! The one way direkt makes HTTP clients and sets up TLS: the ring crypto provider, a
//! User-Agent naming direkt and its version, and timeouts always set.

use std::time::Duration;

/// Install ring as the process-wide rustls provider (once; later calls do nothing).
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

pub fn user_agent() -> String {
    format!("direkt/{}", env!("CARGO_PKG_VERSION"))
}

/// A reqwest builder with direkt's User-Agent, a total timeout and a connect timeout.
pub fn client_builder(timeout: Duration) -> reqwest::ClientBuilder {
    install_crypto_provider();
    reqwest::Client::builder()
        .user_agent(user_agent())
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
}
