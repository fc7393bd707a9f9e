//! Bunny DNS through the bunny.net API (https://docs.bunny.net/reference/dnszonepublic_index),
//! header `AccessKey: <account API key>`: the zone, its records included, from
//! `GET /dnszone?search=<domain>` (paged: `page`, `perPage`, `HasMoreItems`); records are added
//! with `PUT /dnszone/{id}/records` (201), changed with `POST /dnszone/{id}/records/{recordId}`
//! and removed with `DELETE` (204). Record types are numbers (0 A, 1 AAAA, 3 TXT), names are
//! relative (`""` for the apex). Errors are `{"ErrorKey": .., "Field": .., "Message": ..}`; a bad
//! key is 401.

use std::net::IpAddr;

use serde::Deserialize;
use serde_json::json;

use super::registry::{self, Kind, RecordType, SecretKey, Spec};
use super::rest::{self, Wording};
use super::{BoxFuture, HttpAnswer, HttpApi, Provider, ProviderError};
use crate::config::{DdnsConfig, Secret, Settings};
use crate::error::Result;

const HELP: &str = "The account API key from dash.bunny.net > Account settings > API key (it \
     can do everything the account can; bunny.net has no narrower DNS key).";

pub const SPEC: Spec = Spec {
    name: "bunny",
    aliases: &["bunnynet"],
    title: "Bunny DNS (bunny.net)",
    kind: Kind::Api,
    summary: "bunny: a zone in Bunny DNS (bunny.net), with the account API key",
    help: HELP,
    keys: &[registry::ZONE],
    secrets: &[SecretKey {
        name: "token",
        prompt: "Account API key",
        help: HELP,
    }],
    records: &[RecordType::A, RecordType::Aaaa, RecordType::Txt],
    docs: "https://docs.bunny.net/reference/dnszonepublic_index",
    name_suffix: None,
    guess_suffixes: &[],
    build: |d, s| Ok(Box::new(Bunny::from_config(d, s)?)),
};

pub const DEFAULT_BASE: &str = "https://api.bunny.net";

/// Bunny's record type numbers.
const TYPE_A: i64 = 0;
const TYPE_AAAA: i64 = 1;
const TYPE_TXT: i64 = 3;

/// Pages of zones read at most.
const MAX_PAGES: u32 = 20;

pub struct Bunny {
    base: String,
    zone: String,
    token: Secret,
    ttl: u32,
    http: HttpApi,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ZoneList {
    #[serde(default)]
    items: Vec<Zone>,
    #[serde(default)]
    has_more_items: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Zone {
    id: i64,
    #[serde(default)]
    domain: String,
    #[serde(default)]
    records: Vec<Record>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Record {
    id: i64,
    #[serde(rename = "Type")]
    rtype: i64,
    #[serde(default)]
    name: String,
    #[serde(default)]
    value: String,
}

impl Bunny {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<Bunny> {
        let (base, zone, token) = rest::api_config(
            ddns,
            settings,
            DEFAULT_BASE,
            "bunny needs `zone` in [ddns] (the Bunny DNS zone)",
        )?;
        Ok(Bunny {
            base,
            zone,
            token,
            // Bunny DNS refuses TTLs under a minute.
            ttl: ddns.ttl.max(60),
            http: HttpApi::new(),
        })
    }

    fn sub(&self, name: &str) -> Result<String, ProviderError> {
        rest::zone_sub(name, &self.zone, "Bunny DNS zone")
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<serde_json::Value>,
    ) -> Result<String, ProviderError> {
        let url = super::with_query(&format!("{}{path}", self.base), query)?;
        let rb = self
            .http
            .request(method, url, body)?
            .header("AccessKey", self.token.expose())
            .header(reqwest::header::ACCEPT, "application/json");
        let answer = self.http.send("bunny.net", rb).await?;
        classify(&answer, &self.zone)?;
        Ok(answer.body)
    }

    /// The zone, with its records.
    async fn zone(&self) -> Result<Zone, ProviderError> {
        for page in 1..=MAX_PAGES {
            let page = page.to_string();
            let body = self
                .call(
                    reqwest::Method::GET,
                    "/dnszone",
                    &[("page", &page), ("perPage", "1000"), ("search", &self.zone)],
                    None,
                )
                .await?;
            let list: ZoneList = serde_json::from_str(&body).map_err(|e| {
                ProviderError::transient(format!("bunny.net sent an answer direkt cannot read: {e}"))
            })?;
            let more = list.has_more_items;
            if let Some(z) = list
                .items
                .into_iter()
                .find(|z| z.domain.trim_end_matches('.').eq_ignore_ascii_case(&self.zone))
            {
                return Ok(z);
            }
            if !more {
                break;
            }
        }
        Err(ProviderError::latch(
            format!("bunny.net has no DNS zone {} for this API key", self.zone),
            "set ddns.zone to a zone listed at dash.bunny.net > DNS",
        ))
    }

    async fn add(&self, zone: i64, sub: &str, rtype: i64, value: &str, ttl: u32) -> Result<(), ProviderError> {
        self.call(
            reqwest::Method::PUT,
            &format!("/dnszone/{zone}/records"),
            &[],
            Some(json!({"Type": rtype, "Name": sub, "Value": value, "Ttl": ttl})),
        )
        .await?;
        Ok(())
    }

    async fn delete(&self, zone: i64, id: i64) -> Result<(), ProviderError> {
        self.call(
            reqwest::Method::DELETE,
            &format!("/dnszone/{zone}/records/{id}"),
            &[],
            None,
        )
        .await?;
        Ok(())
    }
}

fn of<'z>(zone: &'z Zone, sub: &str, rtype: i64) -> impl Iterator<Item = &'z Record> {
    let sub = sub.to_string();
    zone.records
        .iter()
        .filter(move |r| r.rtype == rtype && r.name.eq_ignore_ascii_case(&sub))
}

const WORDING: Wording = Wording {
    credential: "API key",
    not_found: Some((
        "bunny.net has no such zone or record in {zone}",
        "set ddns.zone to a zone listed at dash.bunny.net > DNS",
    )),
    invalid_hint: "fix the value it names (ddns.zone, ttl) and run again",
    ..Wording::new(
        "bunny.net",
        "copy the API key from dash.bunny.net > Account settings > API key into the secret \
         ddns.token",
    )
};

/// 401/403 latch (the key), 404 latch (zone or record not there), 429 and 5xx back off, other
/// 4xx (400 with an `ErrorKey`) latch with bunny.net's message.
fn classify(answer: &HttpAnswer, zone: &str) -> Result<(), ProviderError> {
    let v: serde_json::Value = serde_json::from_str(&answer.body).unwrap_or_default();
    let at = [rest::text_at(&v, "ErrorKey"), rest::text_at(&v, "Field")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let words = match rest::text_at(&v, "Message") {
        "" => String::new(),
        m if at.is_empty() => m.to_string(),
        m => format!("{m} ({at})"),
    };
    let text = rest::words_or_status(&words, answer.status);
    rest::classify_rest(answer, &text, zone, &WORDING)
}

impl Provider for Bunny {
    spec_and_requests!();

    fn set_address<'a>(
        &'a self,
        name: &'a str,
        address: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let sub = self.sub(name)?;
            let rtype = if address.is_ipv4() { TYPE_A } else { TYPE_AAAA };
            let value = address.to_string();
            let zone = self.zone().await?;
            let mut existing = of(&zone, &sub, rtype);
            match existing.next() {
                Some(first) if first.value == value => {}
                Some(first) => {
                    self.call(
                        reqwest::Method::POST,
                        &format!("/dnszone/{}/records/{}", zone.id, first.id),
                        &[],
                        Some(json!({"Id": first.id, "Type": rtype, "Name": sub, "Value": value,
                                    "Ttl": self.ttl})),
                    )
                    .await?;
                }
                None => self.add(zone.id, &sub, rtype, &value, self.ttl).await?,
            }
            for extra in existing {
                self.delete(zone.id, extra.id).await?;
            }
            Ok(())
        })
    }

    fn set_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let sub = self.sub(fqdn)?;
            let zone = self.zone().await?;
            if of(&zone, &sub, TYPE_TXT).any(|r| r.value == value) {
                return Ok(());
            }
            self.add(zone.id, &sub, TYPE_TXT, value, 60).await
        })
    }

    fn remove_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let sub = self.sub(fqdn)?;
            let zone = self.zone().await?;
            for r in of(&zone, &sub, TYPE_TXT).filter(|r| r.value == value) {
                self.delete(zone.id, r.id).await?;
            }
            Ok(())
        })
    }

    /// The zone list: a bad key is 401, a zone of another account is not in it.
    fn verify<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            self.sub(name)?;
            self.zone().await?;
            Ok(rest::read_only(format!("the API key reads zone {}", self.zone)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddns::Failure;

    fn c(status: u16, body: &str) -> Result<(), ProviderError> {
        classify(&rest::answer(status, body, 4), "example.org")
    }

    #[test]
    fn documented_errors_map_to_latch_and_backoff() {
        assert!(c(200, "{}").is_ok());
        assert!(c(204, "").is_ok());
        assert_eq!(c(401, "").unwrap_err().failure, Failure::Latch);
        let e = c(
            400,
            r#"{"ErrorKey":"dnszone.record.invalid","Field":"Value","Message":"The record value is invalid."}"#,
        )
        .unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(
            e.message
                .contains("The record value is invalid. (dnszone.record.invalid, Value)"),
            "{}",
            e.message
        );
        assert_eq!(c(404, "").unwrap_err().failure, Failure::Latch);
        let e = c(429, "").unwrap_err();
        assert_eq!(e.failure, Failure::Backoff);
        assert_eq!(e.retry_after, Some(std::time::Duration::from_secs(4)));
        assert_eq!(c(500, "").unwrap_err().failure, Failure::Backoff);
    }
}
