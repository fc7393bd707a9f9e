//! DNS-01 through the configured DNS provider: TXT set, propagation checked at the zone's
//! authoritative servers (asked directly, no cache), record removed afterwards.

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use hickory_proto::rr::{RData, RecordType};
use hickory_resolver::TokioResolver;
use hickory_resolver::config::{NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;

use crate::config::Settings;
use crate::ddns::{Provider, provider_from_settings};
use crate::error::{Error, Result};

/// How long a TXT record may take to show at every authoritative server.
const PROPAGATION_TIMEOUT: Duration = Duration::from_secs(120);
const POLL: Duration = Duration::from_millis(100);

/// TXT records set for one order; [`DnsChallenge::cleanup`] removes them.
pub struct DnsChallenge {
    provider: Box<dyn Provider>,
    zone: String,
    /// The primary server from `[ddns] server`, asked when the zone's NS records cannot be
    /// resolved.
    primary: Option<IpAddr>,
    records: Vec<(String, String)>,
}

impl DnsChallenge {
    pub fn new(settings: &Settings) -> Result<DnsChallenge> {
        let provider = provider_from_settings(settings)?;
        let config = settings.require()?;
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
            zone,
            primary,
            records: vec![],
        })
    }

    /// Add the TXT value for `name`'s challenge.
    pub async fn set(&mut self, name: &str, value: &str) -> Result<()> {
        let fqdn = format!("_acme-challenge.{name}");
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
            ))
            .hint("check the zone's NS records, or set [ddns] zone and server"));
        }
        let deadline = Instant::now() + PROPAGATION_TIMEOUT;
        for ip in servers {
            let r = direct_resolver(ip);
            for (fqdn, value) in &self.records {
                loop {
                    if txt_values(&r, fqdn).await.contains(value) {
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

    /// Addresses of the zone's NS hosts (system resolver), else the configured primary.
    async fn authoritative(&self) -> BTreeSet<IpAddr> {
        let mut out = BTreeSet::new();
        if let Ok(mut b) = TokioResolver::builder_tokio() {
            b.options_mut().timeout = Duration::from_secs(2);
            b.options_mut().attempts = 1;
            if let Ok(r) = b.build()
                && let Ok(Ok(ns)) = tokio::time::timeout(
                    Duration::from_secs(3),
                    r.lookup(format!("{}.", self.zone), RecordType::NS),
                )
                .await
            {
                let hosts: Vec<String> = ns
                    .answers()
                    .iter()
                    .filter_map(|rec| match &rec.data {
                        RData::NS(n) => Some(n.0.to_ascii()),
                        _ => None,
                    })
                    .collect();
                for h in hosts {
                    if let Ok(Ok(ips)) =
                        tokio::time::timeout(Duration::from_secs(3), r.lookup_ip(h)).await
                    {
                        out.extend(ips.iter());
                    }
                }
            }
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

/// A resolver that asks one server only and caches nothing.
fn direct_resolver(ip: IpAddr) -> TokioResolver {
    let cfg = ResolverConfig::from_name_servers(vec![NameServerConfig::udp(ip)]);
    let mut b = TokioResolver::builder_with_config(cfg, TokioRuntimeProvider::default());
    b.options_mut().cache_size = 0;
    b.options_mut().timeout = Duration::from_secs(1);
    b.options_mut().attempts = 1;
    b.options_mut().recursion_desired = false;
    b.build().expect("a resolver from explicit settings")
}

async fn txt_values(r: &TokioResolver, fqdn: &str) -> Vec<String> {
    let Ok(Ok(l)) = tokio::time::timeout(
        Duration::from_secs(2),
        r.lookup(format!("{fqdn}."), RecordType::TXT),
    )
    .await
    else {
        return vec![];
    };
    l.answers()
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
