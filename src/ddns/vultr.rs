//! Vultr API v2, DNS (https://www.vultr.com/api/#tag/dns), `Authorization: Bearer <API key>`:
//! the domain's records from `GET /domains/{domain}/records` (paged with `per_page` and the
//! `meta.links.next` cursor), `POST` to create, `PATCH|DELETE /domains/{domain}/records/{id}`
//! (204). Record names are relative to the domain (`""` for the apex); TXT data is quoted.
//! Errors are `{"error": "..", "status": N}`; 401 also when the key's access control does not
//! list the caller's address; 429 past the rate limit (30 requests per second).

use std::net::IpAddr;

use serde::Deserialize;
use serde_json::json;

use super::registry::{self, Kind, RecordType, SecretKey, Spec};
use super::rest::{self, Wording};
use super::{BoxFuture, HttpAnswer, HttpApi, Provider, ProviderError};
use crate::config::{DdnsConfig, Secret, Settings};
use crate::error::Result;

const HELP: &str = "The Personal Access Token from my.vultr.com > Account > API (enable the API \
     there); under Access Control allow the box's addresses (IPv4 and IPv6), or every address.";

pub const SPEC: Spec = Spec {
    name: "vultr",
    aliases: &[],
    title: "Vultr",
    kind: Kind::Api,
    summary: "vultr: a domain in Vultr DNS, with an API key",
    help: HELP,
    keys: &[registry::ZONE],
    secrets: &[SecretKey {
        name: "token",
        prompt: "API key",
        help: HELP,
    }],
    records: &[RecordType::A, RecordType::Aaaa, RecordType::Txt],
    docs: "https://www.vultr.com/api/#tag/dns",
    name_suffix: None,
    guess_suffixes: &[],
    build: |d, s| Ok(Box::new(Vultr::from_config(d, s)?)),
};

pub const DEFAULT_BASE: &str = "https://api.vultr.com/v2";

/// Pages read at most (500 records each).
const MAX_PAGES: usize = 20;

pub struct Vultr {
    base: String,
    domain: String,
    token: Secret,
    ttl: u32,
    http: HttpApi,
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    records: Vec<Record>,
    #[serde(default)]
    meta: Option<Meta>,
}

#[derive(Deserialize)]
struct Meta {
    #[serde(default)]
    links: Option<Links>,
}

#[derive(Deserialize)]
struct Links {
    #[serde(default)]
    next: String,
}

#[derive(Deserialize)]
struct Record {
    id: String,
    #[serde(default, rename = "type")]
    rtype: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    data: String,
}

impl Vultr {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<Vultr> {
        let (base, domain, token) = rest::api_config(
            ddns,
            settings,
            DEFAULT_BASE,
            "vultr needs `zone` in [ddns] (the Vultr DNS domain)",
        )?;
        Ok(Vultr {
            base,
            domain,
            token,
            ttl: ddns.ttl,
            http: HttpApi::new(),
        })
    }

    fn sub(&self, name: &str) -> Result<String, ProviderError> {
        rest::zone_sub(name, &self.domain, "Vultr DNS domain")
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<serde_json::Value>,
    ) -> Result<String, ProviderError> {
        let url = super::with_query(&format!("{}/domains/{}{path}", self.base, self.domain), query)?;
        let rb = self
            .http
            .request(method, url, body)?
            .bearer_auth(self.token.expose());
        let answer = self.http.send("Vultr", rb).await?;
        classify(&answer, &self.domain)?;
        Ok(answer.body)
    }

    /// The domain's records of `rtype` at `sub`, every page.
    async fn records(&self, sub: &str, rtype: &str) -> Result<Vec<Record>, ProviderError> {
        let mut out = vec![];
        let mut cursor = String::new();
        for _ in 0..MAX_PAGES {
            let mut query = vec![("per_page", "500")];
            if !cursor.is_empty() {
                query.push(("cursor", cursor.as_str()));
            }
            let body = self
                .call(reqwest::Method::GET, "/records", &query, None)
                .await?;
            let page: Page = serde_json::from_str(&body).map_err(|e| {
                ProviderError::transient(format!("Vultr sent an answer direkt cannot read: {e}"))
            })?;
            out.extend(
                page.records
                    .into_iter()
                    .filter(|r| r.rtype.eq_ignore_ascii_case(rtype) && r.name.eq_ignore_ascii_case(sub)),
            );
            cursor = page
                .meta
                .and_then(|m| m.links)
                .map(|l| l.next)
                .unwrap_or_default();
            if cursor.is_empty() {
                break;
            }
        }
        Ok(out)
    }
}

const WORDING: Wording = Wording {
    credential: "API key",
    not_found: Some((
        "Vultr has no domain {zone} (or record) for this key",
        "set ddns.zone to a domain listed at my.vultr.com > Network > DNS",
    )),
    invalid_hint: "fix the value it names (ddns.zone, ttl) and run again",
    ..Wording::new(
        "Vultr",
        "create or copy the Personal Access Token at my.vultr.com > Account > API, allow the \
         box's addresses under Access Control, and put it in the secret ddns.token",
    )
};

/// 401/403 latch (key, or its access control), 404 latch (no such domain for this key), 429
/// and 5xx back off, other 4xx latch with Vultr's message (`{"error": ..}`).
fn classify(answer: &HttpAnswer, domain: &str) -> Result<(), ProviderError> {
    let text = rest::json_detail(&answer.body, &["error"], answer.status);
    rest::classify_rest(answer, &text, domain, &WORDING)
}

fn unquoted(data: &str) -> &str {
    data.strip_prefix('"')
        .and_then(|d| d.strip_suffix('"'))
        .unwrap_or(data)
}

impl Provider for Vultr {
    spec_and_requests!();

    fn set_address<'a>(
        &'a self,
        name: &'a str,
        address: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let sub = self.sub(name)?;
            let rtype = if address.is_ipv4() { "A" } else { "AAAA" };
            let value = address.to_string();
            let existing = self.records(&sub, rtype).await?;
            let mut rest = existing.iter();
            match rest.next() {
                Some(first) if first.data == value => {}
                Some(first) => {
                    self.call(
                        reqwest::Method::PATCH,
                        &format!("/records/{}", first.id),
                        &[],
                        Some(json!({"data": value, "ttl": self.ttl})),
                    )
                    .await?;
                }
                None => {
                    self.call(
                        reqwest::Method::POST,
                        "/records",
                        &[],
                        Some(json!({"name": sub, "type": rtype, "data": value, "ttl": self.ttl})),
                    )
                    .await?;
                }
            }
            for extra in rest {
                self.call(
                    reqwest::Method::DELETE,
                    &format!("/records/{}", extra.id),
                    &[],
                    None,
                )
                .await?;
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
            if self
                .records(&sub, "TXT")
                .await?
                .iter()
                .any(|r| unquoted(&r.data) == value)
            {
                return Ok(());
            }
            let data = format!("\"{value}\"");
            self.call(
                reqwest::Method::POST,
                "/records",
                &[],
                Some(json!({"name": sub, "type": "TXT", "data": data, "ttl": 120})),
            )
            .await?;
            Ok(())
        })
    }

    fn remove_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let sub = self.sub(fqdn)?;
            for r in self.records(&sub, "TXT").await? {
                if unquoted(&r.data) == value {
                    self.call(
                        reqwest::Method::DELETE,
                        &format!("/records/{}", r.id),
                        &[],
                        None,
                    )
                    .await?;
                }
            }
            Ok(())
        })
    }

    /// `GET /domains/{domain}`: a bad key (or a caller its access control does not list) is
    /// 401, a domain of another account 404.
    fn verify<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            self.sub(name)?;
            self.call(reqwest::Method::GET, "", &[], None).await?;
            Ok(rest::read_only(format!("the API key reads domain {}", self.domain)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddns::Failure;

    fn c(status: u16, body: &str) -> Result<(), ProviderError> {
        classify(&rest::answer(status, body, 2), "example.org")
    }

    #[test]
    fn documented_errors_map_to_latch_and_backoff() {
        assert!(c(200, "{}").is_ok());
        assert!(c(204, "").is_ok());
        let e = c(401, r#"{"error":"Invalid API token.","status":401}"#).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("Invalid API token."), "{}", e.message);
        assert_eq!(c(403, "").unwrap_err().failure, Failure::Latch);
        assert_eq!(c(404, "").unwrap_err().failure, Failure::Latch);
        let e = c(400, r#"{"error":"Invalid record data","status":400}"#).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("Invalid record data"));
        let e = c(429, "").unwrap_err();
        assert_eq!(e.failure, Failure::Backoff);
        assert_eq!(e.retry_after, Some(std::time::Duration::from_secs(2)));
        assert_eq!(c(500, "").unwrap_err().failure, Failure::Backoff);
        assert_eq!(unquoted("\"v\""), "v");
    }
}
