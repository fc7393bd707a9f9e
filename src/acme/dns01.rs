//! DNS-01 through the configured DNS provider: TXT set, propagation checked at the zone's
//! authoritative servers (found and asked through [`crate::net::dns`], directly, no cache),
//! record removed afterwards. With acme-dns (`[acme_dns]`, or `[ddns] provider = "acme-dns"`)
//! the TXT goes to the registered full domain, which `_acme-challenge.<name>` is a CNAME to,
//! and propagation is checked at that name's authoritative servers.

use std::collections::BTreeSet;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use hickory_proto::rr::{RData, RecordType};

use crate::config::Settings;
use crate::ddns::{Provider, provider_from_settings};
use crate::error::{Error, Result};
use crate::net::dns;

/// How long a TXT record may take to show at every authoritative server.
const PROPAGATION_TIMEOUT: Duration = Duration::from_secs(120);
const POLL: Duration = Duration::from_millis(100);
/// One query while looking for the zone's servers.
const LOOKUP: Duration = Duration::from_secs(2);
/// One TXT query at one authoritative server.
const TXT_TIMEOUT: Duration = Duration::from_secs(1);

/// TXT records set for one order; [`DnsChallenge::cleanup`] removes them.
pub struct DnsChallenge {
    provider: Box<dyn Provider>,
    /// The zone of the TXT records, when known (not for acme-dns: found from its SOA).
    zone: Option<String>,
    /// acme-dns: where every TXT value really goes (the registered full domain).
    delegated_to: Option<String>,
    /// The primary server from `[ddns] server`, asked when the zone's NS records cannot be
    /// resolved.
    primary: Option<IpAddr>,
    records: Vec<(String, String)>,
}

impl DnsChallenge {
    pub fn new(settings: &Settings) -> Result<DnsChallenge> {
        let config = settings.require()?;
        if let Some(setup) = crate::ddns::acme_dns::Setup::of(settings)? {
            let a = crate::ddns::acme_dns::AcmeDns::registered(setup, settings)?;
            return Ok(DnsChallenge {
                delegated_to: Some(a.fulldomain().to_string()),
                provider: Box::new(a),
                zone: None,
                primary: None,
                records: vec![],
            });
        }
        let provider = provider_from_settings(settings)?;
        let ddns = config.ddns.as_ref();
        let zone = ddns
            .and_then(|d| d.zone.as_ref())
            .map(|z| z.to_string())
            .unwrap_or_else(|| {
                let n = config.name.as_str();
                n.split_once('.').map_or(n, |(_, rest)| rest).to_string()
            });
        let primary = ddns.and_then(|d| d.server.as_deref()).and_then(|s| {
            s.parse::<std::net::SocketAddr>()
                .map(|a| a.ip())
                .or_else(|_| s.parse::<IpAddr>())
                .ok()
        });
        Ok(DnsChallenge {
            provider,
            zone: Some(zone),
            delegated_to: None,
            primary,
            records: vec![],
        })
    }

    /// Add the TXT value for `name`'s challenge.
    pub async fn set(&mut self, name: &str, value: &str) -> Result<()> {
        let fqdn = match &self.delegated_to {
            Some(full) => {
                if self.records.len() >= 2 {
                    return Err(Error::usage(
                        "acme-dns keeps only the two newest TXT values, and this certificate \
                         needs more than two DNS-01 challenges at once",
                    )
                    .hint("with acme-dns, keep to the name plus one alias or wildcard"));
                }
                full.clone()
            }
            None => crate::ddns::acme_dns::challenge_owner(name),
        };
        self.provider
            .set_txt(&fqdn, value)
            .await
            .map_err(Error::from)?;
        self.records.push((fqdn, value.to_string()));
        Ok(())
    }

    /// Wait until every TXT value set so far is answered by every authoritative server.
    pub async fn wait_visible(&mut self) -> Result<()> {
        let servers = self.authoritative().await;
        if servers.is_empty() {
            return Err(Error::failed(format!(
                "cannot find the authoritative servers of {} to check the TXT record",
                self.zone
                    .as_deref()
                    .or(self.delegated_to.as_deref())
                    .unwrap_or("?")
            ))
            .hint("check the zone's NS records, or set [ddns] zone and server"));
        }
        let deadline = Instant::now() + PROPAGATION_TIMEOUT;
        for ip in servers {
            for (fqdn, value) in &self.records {
                loop {
                    if txt_values(ip, fqdn).await.contains(value) {
                        break;
                    }
                    if Instant::now() >= deadline {
                        return Err(Error::failed(format!(
                            "the TXT record {fqdn} did not appear at the authoritative server \
                             {ip} within {} s",
                            PROPAGATION_TIMEOUT.as_secs()
                        ))
                        .hint(
                            "check that the DNS provider updates the zone that serves this name",
                        ));
                    }
                    tokio::time::sleep(POLL).await;
                }
            }
        }
        Ok(())
    }

    /// The zone's authoritative servers ([`dns::authoritative`], through the system's
    /// resolver), else the configured primary.
    async fn authoritative(&self) -> BTreeSet<IpAddr> {
        let mut out = BTreeSet::new();
        if let Ok(r) = dns::system_resolver() {
            let rec = SocketAddr::new(r, 53);
            let (name, zone) = match (&self.zone, &self.delegated_to) {
                (Some(z), _) => (z.as_str(), Some(z.as_str())),
                (None, Some(full)) => (full.as_str(), None),
                (None, None) => return out,
            };
            let (_, found) = dns::authoritative(rec, name, zone, LOOKUP).await;
            out.extend(found.unwrap_or_default());
        }
        if out.is_empty()
            && let Some(p) = self.primary
        {
            out.insert(p);
        }
        out
    }

    /// Remove every TXT value this order set (errors only logged: the record is harmless).
    pub async fn cleanup(&mut self) {
        for (fqdn, value) in std::mem::take(&mut self.records) {
            if let Err(e) = self.provider.remove_txt(&fqdn, &value).await {
                tracing::warn!("could not remove the TXT record {fqdn}: {e}");
            }
        }
    }
}

/// The TXT values of `fqdn` at the server `ip`, asked directly (no recursion, no cache).
async fn txt_values(ip: IpAddr, fqdn: &str) -> Vec<String> {
    let server = SocketAddr::new(ip, 53);
    let Ok(m) = dns::query(server, fqdn, RecordType::TXT, false, TXT_TIMEOUT).await else {
        return vec![];
    };
    m.answers
        .iter()
        .filter_map(|rec| match &rec.data {
            RData::TXT(t) => Some(
                t.txt_data
                    .iter()
                    .map(|s| String::from_utf8_lossy(s).into_owned())
                    .collect::<String>(),
            ),
            _ => None,
        })
        .collect()
}
