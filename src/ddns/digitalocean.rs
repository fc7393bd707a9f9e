//! DigitalOcean API v2, domain records, written from
//! <https://docs.digitalocean.com/reference/api/digitalocean/#tag/Domain-Records>.
//! `Authorization: Bearer <token>`; `GET /v2/domains/{domain}/records?type=&name=<fqdn>` lists a
//! name's records (`{"domain_records":[{"id":..,"type":..,"name":"box","data":..}]}`), `POST`
//! creates one, `PUT .../records/{id}` changes one, `DELETE .../records/{id}` removes one.
//! Errors are `{"id":"unauthorized","message":".."}`; the burst and hourly rate limits answer
//! 429 `too_many_requests` with `Retry-After` and `ratelimit-*` headers.

use std::net::IpAddr;

use serde::Deserialize;
use serde_json::json;

use super::registry::{self, Kind, RecordType, SecretKey, Spec};
use super::rest::{self, Wording};
use super::{BoxFuture, HttpAnswer, HttpApi, Provider, ProviderError};
use crate::config::{DdnsConfig, Secret, Settings};
use crate::error::Result;

const HELP: &str = "A personal access token: cloud.digitalocean.com > API > Tokens > Generate \
     New Token, with custom scopes domain: read, create, update and delete (or Full Access). \
     The domain must be added under Networking > Domains.";

pub const SPEC: Spec = Spec {
    name: "digitalocean",
    aliases: &["do"],
    title: "DigitalOcean",
    kind: Kind::Api,
    summary: "digitalocean: a domain on DigitalOcean's DNS, with a personal access token",
    help: HELP,
    keys: &[registry::ZONE],
    secrets: &[SecretKey {
        name: "token",
        prompt: "Personal access token",
        help: HELP,
    }],
    records: &[RecordType::A, RecordType::Aaaa, RecordType::Txt],
    docs: "https://docs.digitalocean.com/reference/api/digitalocean/#tag/Domain-Records",
    name_suffix: None,
    guess_suffixes: &[],
    build: |d, s| Ok(Box::new(DigitalOcean::from_config(d, s)?)),
};

pub const DEFAULT_BASE: &str = "https://api.digitalocean.com";

/// DigitalOcean's smallest TTL.
const MIN_TTL: u32 = 30;
/// TTL of DNS-01 TXT records.
const TXT_TTL: u32 = 60;

pub struct DigitalOcean {
    base: String,
    domain: String,
    token: Secret,
    ttl: u32,
    http: HttpApi,
}

#[derive(Deserialize)]
struct RecordList {
    #[serde(default)]
    domain_records: Vec<Record>,
}

#[derive(Deserialize)]
struct Record {
    id: u64,
    #[serde(default)]
    data: String,
}

impl DigitalOcean {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<DigitalOcean> {
        let (base, domain, token) = rest::api_config(
            ddns,
            settings,
            DEFAULT_BASE,
            "digitalocean needs `zone` in [ddns] (the domain)",
        )?;
        Ok(DigitalOcean {
            base,
            domain,
            token,
            ttl: ddns.ttl.max(MIN_TTL),
            http: HttpApi::new(),
        })
    }

    /// The record name DigitalOcean writes: relative to the domain, `@` for the apex.
    fn sub(&self, name: &str) -> Result<String, ProviderError> {
        rest::zone_sub(name, &self.domain, "DigitalOcean domain").map(rest::at_apex)
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<serde_json::Value>,
    ) -> Result<HttpAnswer, ProviderError> {
        let url = super::with_query(&format!("{}/v2/domains/{}{path}", self.base, self.domain), query)?;
        let rb = self
            .http
            .request(method, url, body)?
            .bearer_auth(self.token.expose());
        let (mut answer, headers) = self.http.send_with_headers("DigitalOcean", rb).await?;
        if answer.retry_after.is_none() {
            answer.retry_after = until_reset(&headers, now());
        }
        classify(&answer, &self.domain)?;
        Ok(answer)
    }

    /// The records of type `rtype` at `fqdn` (the filter takes the full name).
    async fn records(&self, rtype: &str, fqdn: &str) -> Result<Vec<Record>, ProviderError> {
        let fqdn = fqdn.trim_end_matches('.');
        let q = [("type", rtype), ("name", fqdn), ("per_page", "200")];
        let answer = self.call(reqwest::Method::GET, "/records", &q, None).await?;
        let list: RecordList = serde_json::from_str(&answer.body).map_err(|e| {
            ProviderError::transient(format!(
                "DigitalOcean sent an answer direkt cannot read: {e}"
            ))
        })?;
        Ok(list.domain_records)
    }

    async fn create(&self, rtype: &str, sub: &str, data: &str, ttl: u32) -> Result<(), ProviderError> {
        let body = json!({"type": rtype, "name": sub, "data": data, "ttl": ttl});
        self.call(reqwest::Method::POST, "/records", &[], Some(body))
            .await
            .map(drop)
    }

    async fn delete(&self, id: u64) -> Result<(), ProviderError> {
        self.call(reqwest::Method::DELETE, &format!("/records/{id}"), &[], None)
            .await
            .map(drop)
    }
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// How long until `ratelimit-reset` (Unix time when the oldest counted request expires), for a
/// 429 that came without `Retry-After` (the hourly limit).
fn until_reset(headers: &reqwest::header::HeaderMap, now: u64) -> Option<std::time::Duration> {
    let reset: u64 = headers
        .get("ratelimit-reset")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(std::time::Duration::from_secs(reset.saturating_sub(now)))
}

const WORDING: Wording = Wording {
    forbidden_hint: Some("the token lacks a scope: give it domain read, create, update and delete"),
    not_found: Some((
        "DigitalOcean does not know domain {zone}",
        "add the domain under Networking > Domains, or set ddns.zone to one of this account",
    )),
    invalid_hint: "fix what it names (name, ttl of at least 30) and run again",
    ..Wording::new(
        "DigitalOcean",
        "generate a personal access token at cloud.digitalocean.com > API > Tokens (scopes \
         domain: read, create, update, delete) and put it in the secret ddns.token",
    )
};

/// 401/403 latch (bad token, missing scope), 404 latch (no such domain in the account), 429 and
/// 5xx back off, other 4xx (422 invalid record) latch with DigitalOcean's message
/// (`{"id":..,"message":..}`).
fn classify(answer: &HttpAnswer, domain: &str) -> Result<(), ProviderError> {
    let detail = rest::json_detail(&answer.body, &["id", "message"], answer.status);
    rest::classify_rest(answer, &detail, domain, &WORDING)
}

impl Provider for DigitalOcean {
    spec_and_requests!();

    fn set_address<'a>(
        &'a self,
        name: &'a str,
        address: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let sub = self.sub(name)?;
            let rtype = if address.is_ipv4() { "A" } else { "AAAA" };
            let data = address.to_string();
            let existing = self.records(rtype, name).await?;
            let mut rest = existing.iter();
            match rest.next() {
                Some(first) if first.data == data => {}
                Some(first) => {
                    let body = json!({"type": rtype, "name": sub, "data": data, "ttl": self.ttl});
                    let path = format!("/records/{}", first.id);
                    self.call(reqwest::Method::PUT, &path, &[], Some(body)).await?;
                }
                None => self.create(rtype, &sub, &data, self.ttl).await?,
            }
            // Exactly one address of this family at the name.
            for extra in rest {
                self.delete(extra.id).await?;
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
            if self.records("TXT", fqdn).await?.iter().any(|r| r.data == value) {
                return Ok(());
            }
            self.create("TXT", &sub, value, TXT_TTL).await
        })
    }

    fn remove_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            self.sub(fqdn)?;
            for r in self.records("TXT", fqdn).await? {
                if r.data == value {
                    self.delete(r.id).await?;
                }
            }
            Ok(())
        })
    }

    /// `GET /v2/domains/{domain}`: a bad token is 401, a domain of another account 404.
    fn verify<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            self.sub(name)?;
            self.call(reqwest::Method::GET, "", &[], None).await?;
            Ok(rest::read_only(format!("the token reads domain {}", self.domain)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddns::Failure;
    use std::time::Duration;

    fn c(status: u16, body: &str) -> Result<(), ProviderError> {
        classify(&rest::answer(status, body, 5), "example.org")
    }

    #[test]
    fn the_hourly_limit_waits_until_ratelimit_reset() {
        let mut h = reqwest::header::HeaderMap::new();
        assert_eq!(until_reset(&h, 1000), None);
        h.insert("ratelimit-reset", "4600".parse().unwrap());
        assert_eq!(until_reset(&h, 1000), Some(Duration::from_secs(3600)));
        assert_eq!(until_reset(&h, 9000), Some(Duration::ZERO));
    }

    #[test]
    fn documented_errors_map_to_latch_and_backoff() {
        let e = c(401, r#"{"id":"unauthorized","message":"Unable to authenticate you."}"#)
            .unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("Unable to authenticate you."), "{}", e.message);
        assert!(e.hint.unwrap().contains("API > Tokens"));
        let e = c(403, r#"{"id":"Forbidden","message":"You are not authorized to perform this operation"}"#)
            .unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        let e = c(404, r#"{"id":"not_found","message":"The resource you requested could not be found."}"#)
            .unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        let e = c(422, r#"{"id":"unprocessable_entity","message":"Name Only valid hostname characters are allowed"}"#)
            .unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("valid hostname"), "{}", e.message);
        let e = c(429, r#"{"id":"too_many_requests","message":"API Rate limit exceeded."}"#)
            .unwrap_err();
        assert_eq!(e.failure, Failure::Backoff);
        assert_eq!(e.retry_after, Some(Duration::from_secs(5)));
        let e = c(500, r#"{"id":"server_error","message":"Unexpected server-side error"}"#)
            .unwrap_err();
        assert_eq!(e.failure, Failure::Backoff);
        assert!(c(200, r#"{"domain_records":[]}"#).is_ok());
        assert!(c(204, "").is_ok());
        let long = format!(r#"{{"id":"x","message":"{}"}}"#, "a".repeat(500));
        assert!(c(400, &long).unwrap_err().message.len() < 300);
    }
}
