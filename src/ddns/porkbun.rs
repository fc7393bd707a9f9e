//! Porkbun API v3 (<https://porkbun.com/api/json/v3/documentation>): every call is a `POST` of
//! JSON carrying `apikey` and `secretapikey` to `https://api.porkbun.com/api/json/v3/...`.
//! Records are read with `/dns/retrieveByNameType/{domain}/{type}/[{sub}]`, set with
//! `/dns/editByNameType/...` or `/dns/create/{domain}`, removed with `/dns/delete/{domain}/{id}`
//! or `/dns/deleteByNameType/...`; `/ping` checks the keys. Answers are
//! `{"status": "SUCCESS", ..}` or, with an HTTP error status, `{"status": "ERROR", "message": ..}`.

use std::net::IpAddr;

use serde::Deserialize;
use serde_json::{Value, json};

use super::registry::{self, Kind, RecordType, SecretKey, Spec};
use super::rest;
use super::{BoxFuture, HttpAnswer, HttpApi, Provider, ProviderError};
use crate::config::{DdnsConfig, Secret, Settings};
use crate::error::{Error, Result};

const HELP: &str = "An API key pair from porkbun.com/account/api (\"Create API Key\": the API key \
     pk1_... and the secret key sk1_...), and API ACCESS switched on for the domain under \
     Domain Management > the domain > Details.";

pub const SPEC: Spec = Spec {
    name: "porkbun",
    aliases: &[],
    title: "Porkbun",
    kind: Kind::Api,
    summary: "porkbun: a domain at Porkbun, with an API key and secret key",
    help: HELP,
    keys: &[registry::ZONE],
    secrets: &[
        SecretKey {
            name: "api_key",
            prompt: "Porkbun API key (pk1_...)",
            help: HELP,
        },
        SecretKey {
            name: "secret_api_key",
            prompt: "Porkbun secret API key (sk1_...)",
            help: HELP,
        },
    ],
    records: &[RecordType::A, RecordType::Aaaa, RecordType::Txt],
    docs: "https://porkbun.com/api/json/v3/documentation",
    name_suffix: None,
    guess_suffixes: &[],
    build: |d, s| Ok(Box::new(Porkbun::from_config(d, s)?)),
};

pub const DEFAULT_BASE: &str = "https://api.porkbun.com/api/json/v3";

/// Porkbun refuses TTLs under 600 s.
const MIN_TTL: u32 = 600;

pub struct Porkbun {
    base: String,
    domain: String,
    api_key: Secret,
    secret_api_key: Secret,
    ttl: u32,
    http: HttpApi,
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    status: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    records: Vec<Record>,
}

#[derive(Deserialize)]
struct Record {
    id: Value,
    #[serde(default)]
    content: String,
}

impl Record {
    fn id(&self) -> String {
        match &self.id {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

impl Porkbun {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<Porkbun> {
        let base = super::base_url(ddns.server.as_deref(), DEFAULT_BASE)?;
        let domain = ddns
            .zone
            .as_ref()
            .ok_or_else(|| Error::usage("porkbun needs `zone` in [ddns] (the Porkbun domain)"))?;
        let api_key = super::require_named_secret(settings, ddns, "api_key")?;
        let secret_api_key = super::require_named_secret(settings, ddns, "secret_api_key")?;
        Ok(Porkbun {
            base: base.as_str().trim_end_matches('/').to_string(),
            domain: domain.to_string().to_ascii_lowercase(),
            api_key,
            secret_api_key,
            ttl: ddns.ttl.max(MIN_TTL),
            http: HttpApi::new(),
        })
    }

    fn sub(&self, name: &str) -> Result<String, ProviderError> {
        rest::zone_sub(name, &self.domain, "Porkbun domain").map(|s| s.to_ascii_lowercase())
    }

    /// `POST {base}{path}` with the keys and `fields` in the body; the answer when it is
    /// `SUCCESS`.
    async fn call(&self, path: &str, fields: Value) -> Result<Answer, ProviderError> {
        let mut body = json!({
            "apikey": self.api_key.expose(),
            "secretapikey": self.secret_api_key.expose(),
        });
        if let (Some(b), Value::Object(f)) = (body.as_object_mut(), fields) {
            b.extend(f);
        }
        let rb = self
            .http
            .client()?
            .post(format!("{}{path}", self.base))
            .json(&body);
        let answer = self.http.send("Porkbun", rb).await?;
        classify(&answer, &self.domain)
    }

    /// `{domain}/{type}` or `{domain}/{type}/{sub}` (the apex has no subdomain part).
    fn by_name_type(&self, rtype: &str, sub: &str) -> String {
        if sub.is_empty() {
            format!("{}/{rtype}", self.domain)
        } else {
            format!("{}/{rtype}/{sub}", self.domain)
        }
    }

    async fn records(&self, rtype: &str, sub: &str) -> Result<Vec<Record>, ProviderError> {
        let path = format!("/dns/retrieveByNameType/{}", self.by_name_type(rtype, sub));
        Ok(self.call(&path, json!({})).await?.records)
    }

    async fn create(&self, rtype: &str, sub: &str, content: &str, ttl: u32) -> Result<(), ProviderError> {
        let path = format!("/dns/create/{}", self.domain);
        let fields = json!({"name": sub, "type": rtype, "content": content, "ttl": ttl.to_string()});
        self.call(&path, fields).await.map(|_| ())
    }

    async fn delete(&self, record: &Record) -> Result<(), ProviderError> {
        let path = format!("/dns/delete/{}/{}", self.domain, record.id());
        self.call(&path, json!({})).await.map(|_| ())
    }
}

/// `SUCCESS` passes. HTTP 429 and 5xx (Porkbun's throttling has come as 503) back off; an
/// `ERROR` naming the API key latches with where to get keys, one saying the domain is not
/// opted in latches with where to switch API ACCESS on; any other `ERROR` latches with
/// Porkbun's message.
fn classify(answer: &HttpAnswer, domain: &str) -> Result<Answer, ProviderError> {
    let parsed = serde_json::from_str::<Answer>(&answer.body).ok();
    if let Some(a) = parsed.as_ref()
        && (200..300).contains(&answer.status)
        && a.status == "SUCCESS"
    {
        return Ok(parsed.unwrap());
    }
    let message = parsed
        .as_ref()
        .map(|a| rest::words_or_status(&a.message, answer.status))
        .unwrap_or_else(|| format!("HTTP {}", answer.status));
    let lower = message.to_ascii_lowercase();
    match answer.status {
        429 => Err(ProviderError::backoff(
            format!("Porkbun rate-limits us: {message}"),
            answer.retry_after,
        )),
        s if s >= 500 => Err(ProviderError::backoff(
            format!("Porkbun failed: {message}"),
            answer.retry_after,
        )),
        _ if lower.contains("api key") || lower.contains("apikey") || answer.status == 401 || answer.status == 403 => {
            Err(ProviderError::latch(
                format!("Porkbun refused the API keys: {message}"),
                "create an API key pair at porkbun.com/account/api and put them in the secrets \
                 ddns.api_key (pk1_...) and ddns.secret_api_key (sk1_...)",
            ))
        }
        _ if lower.contains("opted in") || lower.contains("api access") => Err(ProviderError::latch(
            format!("Porkbun does not allow API changes to {domain}: {message}"),
            format!("switch on API ACCESS for {domain} at porkbun.com > Domain Management > Details"),
        )),
        _ if parsed.is_none() && (200..300).contains(&answer.status) => Err(ProviderError::transient(
            "Porkbun sent an answer direkt cannot read".to_string(),
        )),
        s => Err(ProviderError::latch(
            format!("Porkbun refused the request (HTTP {s}): {message}"),
            format!("check ddns.zone ({domain} must be a domain of this Porkbun account) and ttl (at least 600)"),
        )),
    }
}

impl Provider for Porkbun {
    spec_and_requests!();

    fn set_address<'a>(
        &'a self,
        name: &'a str,
        address: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let sub = self.sub(name)?;
            let rtype = if address.is_ipv4() { "A" } else { "AAAA" };
            let content = address.to_string();
            let have = self.records(rtype, &sub).await?;
            match have.as_slice() {
                [] => self.create(rtype, &sub, &content, self.ttl).await,
                [one] if one.content == content => Ok(()),
                [_] => {
                    let path = format!("/dns/editByNameType/{}", self.by_name_type(rtype, &sub));
                    let fields = json!({"content": content, "ttl": self.ttl.to_string()});
                    self.call(&path, fields).await.map(|_| ())
                }
                _ => {
                    // Several records: the name must hold exactly this one address.
                    let path = format!("/dns/deleteByNameType/{}", self.by_name_type(rtype, &sub));
                    self.call(&path, json!({})).await?;
                    self.create(rtype, &sub, &content, self.ttl).await
                }
            }
        })
    }

    fn set_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let sub = self.sub(fqdn)?;
            let have = self.records("TXT", &sub).await?;
            if have.iter().any(|r| r.content == value) {
                return Ok(());
            }
            self.create("TXT", &sub, value, MIN_TTL).await
        })
    }

    fn remove_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let sub = self.sub(fqdn)?;
            for r in self.records("TXT", &sub).await? {
                if r.content == value {
                    self.delete(&r).await?;
                }
            }
            Ok(())
        })
    }

    /// `/ping` checks the keys; reading the name's A records checks that the domain is opted in
    /// to API access. Nothing is written.
    fn verify<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            let sub = self.sub(name)?;
            self.call("/ping", json!({})).await?;
            self.records("A", &sub).await?;
            Ok(rest::read_only(format!(
                "Porkbun accepts the API keys and lets them read {}",
                self.domain
            )))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddns::Failure;
    use std::time::Duration;

    fn c(status: u16, body: &str) -> Result<Answer, ProviderError> {
        classify(&rest::answer(status, body, 5), "example.org")
    }

    fn error(message: &str) -> String {
        json!({"status": "ERROR", "message": message}).to_string()
    }

    #[test]
    fn documented_errors_map_to_latch_and_backoff() {
        let e = c(400, &error("Invalid API key. (002)")).err().unwrap();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("Invalid API key. (002)"), "{}", e.message);
        assert!(e.hint.unwrap().contains("porkbun.com/account/api"));
        let e = c(400, &error("Domain is not opted in to API access.")).err().unwrap();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.hint.unwrap().contains("API ACCESS"));
        let e = c(400, &error("Invalid TTL.")).err().unwrap();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("Invalid TTL."), "{}", e.message);
        let e = c(429, &error("Too many requests.")).err().unwrap();
        assert_eq!(e.failure, Failure::Backoff);
        assert_eq!(e.retry_after, Some(Duration::from_secs(5)));
        assert_eq!(c(503, "").err().unwrap().failure, Failure::Backoff);
        assert_eq!(c(200, "<html>").err().unwrap().failure, Failure::Transient);
        let ok = c(200, r#"{"status":"SUCCESS","records":[{"id":"106926652","name":"box.example.org","type":"A","content":"192.0.2.1","ttl":"600","prio":"0","notes":""}]}"#).ok().unwrap();
        assert_eq!(ok.records[0].id(), "106926652");
        let ok = c(200, r#"{"status":"SUCCESS","records":[{"id":7,"content":"x"}]}"#).ok().unwrap();
        assert_eq!(ok.records[0].id(), "7");
    }
}
