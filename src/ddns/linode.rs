//! Linode (Akamai) API v4, Domains, written from
//! <https://techdocs.akamai.com/linode-api/reference/get-domains> and
//! <https://techdocs.akamai.com/linode-api/reference/get-domain-records>.
//! `Authorization: Bearer <personal access token>`; `GET /v4/domains` (paginated
//! `{"data":[{"id":..,"domain":..}],"page":..,"pages":..}`) gives the domain's id, then
//! `/v4/domains/{id}/records` lists (`{"data":[{"id","type","name","target"}]}`) and creates
//! records, `/v4/domains/{id}/records/{rid}` changes (`PUT`) or removes (`DELETE`) one. Errors
//! are `{"errors":[{"field":..,"reason":".."}]}`; the rate limit answers 429 with `Retry-After`.

use std::net::IpAddr;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;

use super::registry::{self, Kind, RecordType, SecretKey, Spec};
use super::rest::{self, Wording};
use super::{BoxFuture, HttpAnswer, HttpApi, Provider, ProviderError};
use crate::config::{DdnsConfig, Secret, Settings};
use crate::error::Result;

const HELP: &str = "A personal access token: cloud.linode.com > (your profile) > API Tokens > \
     Create a Personal Access Token, with Domains set to Read/Write (everything else No Access). \
     The domain must be a master zone in the Domains manager.";

pub const SPEC: Spec = Spec {
    name: "linode",
    aliases: &["akamai-linode"],
    title: "Linode",
    kind: Kind::Api,
    summary: "linode: a domain in Linode's DNS Manager, with a personal access token",
    help: HELP,
    keys: &[registry::ZONE],
    secrets: &[SecretKey {
        name: "token",
        prompt: "Personal access token",
        help: HELP,
    }],
    records: &[RecordType::A, RecordType::Aaaa, RecordType::Txt],
    docs: "https://techdocs.akamai.com/linode-api/reference/get-domain-records",
    name_suffix: None,
    guess_suffixes: &[],
    build: |d, s| Ok(Box::new(Linode::from_config(d, s)?)),
};

pub const DEFAULT_BASE: &str = "https://api.linode.com/v4";

/// Pages read at most from one listing (500 entries each).
const MAX_PAGES: u32 = 20;

pub struct Linode {
    base: String,
    domain: String,
    token: Secret,
    ttl: u32,
    http: HttpApi,
}

#[derive(Deserialize)]
struct Page<T> {
    #[serde(default = "Vec::new")]
    data: Vec<T>,
    #[serde(default)]
    page: u32,
    #[serde(default)]
    pages: u32,
}

#[derive(Deserialize)]
struct Domain {
    id: u64,
    domain: String,
}

#[derive(Deserialize)]
struct Record {
    id: u64,
    #[serde(rename = "type")]
    rtype: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    target: String,
}

impl Linode {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<Linode> {
        let (base, domain, token) = rest::api_config(
            ddns,
            settings,
            DEFAULT_BASE,
            "linode needs `zone` in [ddns] (the domain)",
        )?;
        Ok(Linode {
            base,
            domain,
            token,
            ttl: ddns.ttl,
            http: HttpApi::new(),
        })
    }

    fn sub(&self, name: &str) -> Result<String, ProviderError> {
        rest::zone_sub(name, &self.domain, "Linode domain")
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<serde_json::Value>,
    ) -> Result<HttpAnswer, ProviderError> {
        let url = super::with_query(&format!("{}{path}", self.base), query)?;
        let rb = self
            .http
            .request(method, url, body)?
            .bearer_auth(self.token.expose());
        let answer = self.http.send("Linode", rb).await?;
        classify(&answer, &self.domain)?;
        Ok(answer)
    }

    /// Every entry of a paginated listing (bounded).
    async fn all<T: DeserializeOwned>(&self, path: &str) -> Result<Vec<T>, ProviderError> {
        let mut out = vec![];
        for page in 1..=MAX_PAGES {
            let p = page.to_string();
            let q = [("page", p.as_str()), ("page_size", "500")];
            let answer = self.call(reqwest::Method::GET, path, &q, None).await?;
            let list: Page<T> = serde_json::from_str(&answer.body).map_err(|e| {
                ProviderError::transient(format!("Linode sent an answer direkt cannot read: {e}"))
            })?;
            out.extend(list.data);
            if list.page >= list.pages {
                break;
            }
        }
        Ok(out)
    }

    async fn domain_id(&self) -> Result<u64, ProviderError> {
        let domains: Vec<Domain> = self.all("/domains").await?;
        domains
            .into_iter()
            .find(|d| d.domain.eq_ignore_ascii_case(&self.domain))
            .map(|d| d.id)
            .ok_or_else(|| {
                ProviderError::latch(
                    format!("Linode has no domain {} for this token", self.domain),
                    "add the domain in the Domains manager, or set ddns.zone to one of this \
                     account (the token needs Domains Read/Write)",
                )
            })
    }

    /// The domain's id and its records of `rtype` at `sub`.
    async fn records(&self, rtype: &str, sub: &str) -> Result<(u64, Vec<Record>), ProviderError> {
        let id = self.domain_id().await?;
        let all: Vec<Record> = self.all(&format!("/domains/{id}/records")).await?;
        let found = all
            .into_iter()
            .filter(|r| r.rtype == rtype && r.name.eq_ignore_ascii_case(sub))
            .collect();
        Ok((id, found))
    }

    async fn create(&self, id: u64, body: serde_json::Value) -> Result<(), ProviderError> {
        let path = format!("/domains/{id}/records");
        self.call(reqwest::Method::POST, &path, &[], Some(body))
            .await
            .map(drop)
    }

    async fn delete(&self, id: u64, rid: u64) -> Result<(), ProviderError> {
        let path = format!("/domains/{id}/records/{rid}");
        self.call(reqwest::Method::DELETE, &path, &[], None)
            .await
            .map(drop)
    }
}

/// Linode's reasons from an error body (`{"errors":[{"field","reason"}]}`).
fn detail(answer: &HttpAnswer) -> String {
    let v: serde_json::Value = serde_json::from_str(&answer.body).unwrap_or_default();
    let reasons = v.get("errors").and_then(|e| e.as_array()).into_iter().flatten();
    let text = reasons
        .map(|e| match e.get("field").and_then(|x| x.as_str()) {
            Some(f) => format!("{f}: {}", rest::text_at(e, "reason")),
            None => rest::text_at(e, "reason").to_string(),
        })
        .collect::<Vec<_>>()
        .join("; ");
    rest::words_or_status(&text, answer.status)
}

const WORDING: Wording = Wording {
    forbidden_hint: Some("give the token the scope Domains: Read/Write"),
    not_found: Some((
        "Linode does not know this domain or record of {zone}",
        "check ddns.zone against the Domains manager",
    )),
    invalid_hint: "fix the field it names and run again",
    ..Wording::new(
        "Linode",
        "create a personal access token at cloud.linode.com > API Tokens with Domains \
         Read/Write and put it in the secret ddns.token",
    )
};

/// 401 latch (invalid or expired token), 403 latch (no Domains Read/Write), 404 latch, 429 and
/// 5xx back off, other 4xx (400 invalid field) latch with Linode's reasons.
fn classify(answer: &HttpAnswer, domain: &str) -> Result<(), ProviderError> {
    rest::classify_rest(answer, &detail(answer), domain, &WORDING)
}

impl Provider for Linode {
    spec_and_requests!();

    fn set_address<'a>(
        &'a self,
        name: &'a str,
        address: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let sub = self.sub(name)?;
            let rtype = if address.is_ipv4() { "A" } else { "AAAA" };
            let target = address.to_string();
            let (id, existing) = self.records(rtype, &sub).await?;
            let mut rest = existing.iter();
            match rest.next() {
                Some(first) if first.target == target => {}
                Some(first) => {
                    let path = format!("/domains/{id}/records/{}", first.id);
                    let body = json!({"target": target, "ttl_sec": self.ttl});
                    self.call(reqwest::Method::PUT, &path, &[], Some(body))
                        .await?;
                }
                None => {
                    let body =
                        json!({"type": rtype, "name": sub, "target": target, "ttl_sec": self.ttl});
                    self.create(id, body).await?;
                }
            }
            // Exactly one address of this family at the name.
            for extra in rest {
                self.delete(id, extra.id).await?;
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
            let (id, existing) = self.records("TXT", &sub).await?;
            if existing.iter().any(|r| r.target == value) {
                return Ok(());
            }
            let body = json!({"type": "TXT", "name": sub, "target": value, "ttl_sec": 300});
            self.create(id, body).await
        })
    }

    fn remove_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let sub = self.sub(fqdn)?;
            let (id, existing) = self.records("TXT", &sub).await?;
            for r in existing.iter().filter(|r| r.target == value) {
                self.delete(id, r.id).await?;
            }
            Ok(())
        })
    }

    /// `GET /v4/domains`: a bad token is 401, one without the Domains scope 401/403, and the
    /// domain must be listed.
    fn verify<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            self.sub(name)?;
            self.domain_id().await?;
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
        classify(&rest::answer(status, body, 11), "example.org")
    }

    #[test]
    fn documented_errors_map_to_latch_and_backoff() {
        let e = c(401, r#"{"errors":[{"reason":"Invalid Token"}]}"#).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("Invalid Token"), "{}", e.message);
        assert!(e.hint.unwrap().contains("Domains"));
        let e = c(403, r#"{"errors":[{"reason":"Your OAuth token is not authorized to use this endpoint."}]}"#).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        let e = c(400, r#"{"errors":[{"field":"target","reason":"You must provide a valid IPv4 address."}]}"#).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("target: You must provide a valid IPv4"), "{}", e.message);
        let e = c(429, r#"{"errors":[{"reason":"Too Many Requests"}]}"#).unwrap_err();
        assert_eq!(e.failure, Failure::Backoff);
        assert_eq!(e.retry_after, Some(Duration::from_secs(11)));
        assert_eq!(c(500, "").unwrap_err().failure, Failure::Backoff);
        assert!(c(200, "{}").is_ok());
    }
}
