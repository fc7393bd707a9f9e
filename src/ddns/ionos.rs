//! IONOS DNS API (<https://developer.hosting.ionos.de/docs/dns>), header
//! `X-API-Key: <prefix>.<secret>`. The zone's id from `GET /v1/zones`; a name's records from
//! `GET /v1/zones/{id}?recordName=&recordType=`; `PATCH /v1/zones/{id}` with a list of records
//! replaces every record of the same name and type; `DELETE /v1/zones/{id}/records/{recordId}`
//! removes one. Errors are a list `[{"code": "UNAUTHORIZED", "message": ..}]`.

use std::net::IpAddr;

use serde::Deserialize;
use serde_json::{Value, json};

use super::registry::{self, Kind, RecordType, SecretKey, Spec};
use super::rest::{self, Wording};
use super::{BoxFuture, HttpAnswer, HttpApi, Provider, ProviderError};
use crate::config::{DdnsConfig, Secret, Settings};
use crate::error::Result;

const HELP: &str = "An API key from developer.hosting.ionos.de > Getting Started > create API key \
     (\"Public prefix\" and \"Secret\"): the secret is written as prefix.secret. The key acts for \
     the whole IONOS account (DNS read and write).";

pub const SPEC: Spec = Spec {
    name: "ionos",
    aliases: &["1and1"],
    title: "IONOS",
    kind: Kind::Api,
    summary: "ionos: a domain at IONOS, with a developer API key",
    help: HELP,
    keys: &[registry::ZONE],
    secrets: &[SecretKey {
        name: "api_key",
        prompt: "IONOS API key (prefix.secret)",
        help: HELP,
    }],
    records: &[RecordType::A, RecordType::Aaaa, RecordType::Txt],
    docs: "https://developer.hosting.ionos.de/docs/dns",
    name_suffix: None,
    guess_suffixes: &[],
    build: |d, s| Ok(Box::new(Ionos::from_config(d, s)?)),
};

pub const DEFAULT_BASE: &str = "https://api.hosting.ionos.com/dns";

pub struct Ionos {
    base: String,
    zone: String,
    api_key: Secret,
    ttl: u32,
    http: HttpApi,
}

#[derive(Deserialize)]
struct Zone {
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    records: Vec<Record>,
}

#[derive(Deserialize)]
struct Record {
    #[serde(default)]
    id: String,
    #[serde(default)]
    name: String,
    #[serde(rename = "type", default)]
    rtype: String,
    #[serde(default)]
    content: String,
}

#[derive(Deserialize)]
struct ApiError {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

impl Ionos {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<Ionos> {
        let (base, zone, api_key) = rest::api_config(
            ddns,
            settings,
            DEFAULT_BASE,
            "ionos needs `zone` in [ddns]",
        )?;
        Ok(Ionos {
            base,
            zone: zone.to_ascii_lowercase(),
            api_key,
            ttl: ddns.ttl.max(60),
            http: HttpApi::new(),
        })
    }

    fn check_name(&self, name: &str) -> Result<String, ProviderError> {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        rest::zone_sub(&name, &self.zone, "IONOS zone").map(|_| name)
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<Value>,
    ) -> Result<String, ProviderError> {
        let url = super::with_query(&format!("{}{path}", self.base), query)?;
        let rb = self
            .http
            .request(method, url, body)?
            .header("X-API-Key", self.api_key.expose())
            .header(reqwest::header::ACCEPT, "application/json");
        let answer = self.http.send("IONOS", rb).await?;
        classify(&answer, &self.zone)?;
        Ok(answer.body)
    }

    async fn zone_id(&self) -> Result<String, ProviderError> {
        let body = self.call(reqwest::Method::GET, "/v1/zones", &[], None).await?;
        let zones: Vec<Zone> = parse(&body)?;
        zones
            .into_iter()
            .find(|z| z.name.eq_ignore_ascii_case(&self.zone))
            .map(|z| z.id)
            .ok_or_else(|| {
                ProviderError::latch(
                    format!("IONOS has no zone {} for this API key", self.zone),
                    "check ddns.zone, and that the key belongs to the IONOS account of the domain",
                )
            })
    }

    /// The records of exactly `name` and `rtype`.
    async fn records(&self, zone_id: &str, name: &str, rtype: &str) -> Result<Vec<Record>, ProviderError> {
        let path = format!("/v1/zones/{zone_id}");
        let query = [("recordName", name), ("recordType", rtype)];
        let body = self.call(reqwest::Method::GET, &path, &query, None).await?;
        let zone: Zone = parse(&body)?;
        Ok(zone
            .records
            .into_iter()
            .filter(|r| r.name.eq_ignore_ascii_case(name) && r.rtype == rtype)
            .collect())
    }

    /// Replace every record of `name`/`rtype` with `contents`.
    async fn replace(&self, zone_id: &str, name: &str, rtype: &str, contents: &[String], ttl: u32) -> Result<(), ProviderError> {
        let records: Vec<Value> = contents
            .iter()
            .map(|c| json!({"name": name, "type": rtype, "content": c, "ttl": ttl, "disabled": false}))
            .collect();
        let path = format!("/v1/zones/{zone_id}");
        self.call(reqwest::Method::PATCH, &path, &[], Some(Value::Array(records)))
            .await
            .map(|_| ())
    }
}

fn parse<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, ProviderError> {
    serde_json::from_str(body).map_err(|e| {
        ProviderError::transient(format!("IONOS sent an answer direkt cannot read: {e}"))
    })
}

const WORDING: Wording = Wording {
    credential: "API key",
    not_found: Some((
        "IONOS does not know the zone or record",
        "check ddns.zone ({zone}) against the domains of the IONOS account",
    )),
    invalid_hint: "fix what it names (name, ttl) and run again",
    ..Wording::new(
        "IONOS",
        "create an API key at developer.hosting.ionos.de and put it in the secret ddns.api_key \
         as prefix.secret (the public prefix, a dot, the secret)",
    )
};

/// 401 `UNAUTHORIZED` and 403 latch, 404 (`ZONE_NOT_FOUND`, `RECORD_NOT_FOUND`) latches, 429
/// and 5xx (`INTERNAL_SERVER_ERROR`) back off, other 4xx (`INVALID_RECORD`, ...) latch with
/// IONOS's own message (`[{"code":..,"message":..}]`).
fn classify(answer: &HttpAnswer, zone: &str) -> Result<(), ProviderError> {
    let errors = serde_json::from_str::<Vec<ApiError>>(&answer.body)
        .or_else(|_| serde_json::from_str::<ApiError>(&answer.body).map(|e| vec![e]))
        .unwrap_or_default();
    let words = errors
        .iter()
        .map(|e| match e.message.as_str() {
            "" => e.code.clone(),
            m => format!("{}: {m}", e.code),
        })
        .collect::<Vec<_>>()
        .join("; ");
    let detail = rest::words_or_status(&words, answer.status);
    rest::classify_rest(answer, &detail, zone, &WORDING)
}

impl Provider for Ionos {
    spec_and_requests!();

    fn set_address<'a>(
        &'a self,
        name: &'a str,
        address: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let name = self.check_name(name)?;
            let rtype = if address.is_ipv4() { "A" } else { "AAAA" };
            let content = address.to_string();
            let zone_id = self.zone_id().await?;
            let have = self.records(&zone_id, &name, rtype).await?;
            if have.len() == 1 && have[0].content == content {
                return Ok(());
            }
            self.replace(&zone_id, &name, rtype, &[content], self.ttl).await
        })
    }

    fn set_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let name = self.check_name(fqdn)?;
            let zone_id = self.zone_id().await?;
            let mut contents: Vec<String> = self
                .records(&zone_id, &name, "TXT")
                .await?
                .into_iter()
                .map(|r| r.content)
                .collect();
            if contents.iter().any(|c| c.trim_matches('"') == value) {
                return Ok(());
            }
            contents.push(value.to_string());
            self.replace(&zone_id, &name, "TXT", &contents, 60).await
        })
    }

    fn remove_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let name = self.check_name(fqdn)?;
            let zone_id = self.zone_id().await?;
            for r in self.records(&zone_id, &name, "TXT").await? {
                if r.content.trim_matches('"') == value {
                    let path = format!("/v1/zones/{zone_id}/records/{}", r.id);
                    self.call(reqwest::Method::DELETE, &path, &[], None).await?;
                }
            }
            Ok(())
        })
    }

    /// The zone list (a bad key is 401) and the name's A records: reads only.
    fn verify<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            let name = self.check_name(name)?;
            let zone_id = self.zone_id().await?;
            self.records(&zone_id, &name, "A").await?;
            Ok(rest::read_only(format!(
                "the API key reads zone {} and {name}'s records",
                self.zone
            )))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddns::Failure;
    use std::time::Duration;

    fn c(status: u16, body: &str) -> Result<(), ProviderError> {
        classify(&rest::answer(status, body, 4), "example.org")
    }

    #[test]
    fn documented_errors_map_to_latch_and_backoff() {
        let unauthorized = r#"[{"code":"UNAUTHORIZED","message":"The customer is not authorized to do this operation."}]"#;
        let e = c(401, unauthorized).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("UNAUTHORIZED: The customer is not authorized"), "{}", e.message);
        assert!(e.hint.unwrap().contains("prefix.secret"));
        let e = c(400, r#"[{"code":"INVALID_RECORD","message":"Record is invalid.","parameters":{"invalidFields":["content"]}}]"#).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("INVALID_RECORD"), "{}", e.message);
        let e = c(404, r#"[{"code":"RECORD_NOT_FOUND","message":"Record does not exist."}]"#).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        let e = c(429, r#"[{"code":"TOO_MANY_REQUESTS","message":"Too many requests."}]"#).unwrap_err();
        assert_eq!(e.failure, Failure::Backoff);
        assert_eq!(e.retry_after, Some(Duration::from_secs(4)));
        let e = c(500, r#"[{"code":"INTERNAL_SERVER_ERROR"}]"#).unwrap_err();
        assert_eq!(e.failure, Failure::Backoff);
        assert!(e.message.contains("INTERNAL_SERVER_ERROR"), "{}", e.message);
        assert_eq!(c(502, "<html>").unwrap_err().failure, Failure::Backoff);
        assert!(c(200, "[]").is_ok());
    }
}
