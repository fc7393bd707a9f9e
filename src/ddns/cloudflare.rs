//! Cloudflare API v4 with an API token (`Authorization: Bearer`): the zone's id from
//! `GET /zones?name=`, then `GET /zones/{id}/dns_records?type=&name=` and a `PATCH` of the
//! record (or a `POST` when there is none). Errors come as
//! `{"success":false,"errors":[{"code":..,"message":..}]}`.

use std::net::IpAddr;

use serde::Deserialize;
use serde_json::json;

use super::registry::{self, Kind, RecordType, SecretKey, Spec};
use super::rest::{self, Wording};
use super::{BoxFuture, HttpAnswer, HttpApi, Provider, ProviderError};
use crate::config::{DdnsConfig, Secret, Settings};
use crate::error::Result;

const HELP: &str = "An API token limited to this zone: dash.cloudflare.com > My Profile > API \
     Tokens > Create Token > template \"Edit zone DNS\", zone = your domain.";

pub const SPEC: Spec = Spec {
    name: "cloudflare",
    aliases: &[],
    title: "Cloudflare",
    kind: Kind::Api,
    summary: "cloudflare: a zone at Cloudflare, with an API token",
    help: HELP,
    keys: &[registry::ZONE],
    secrets: &[SecretKey {
            name: "token",
            prompt: "API token",
            help: HELP,
    }],
    records: &[RecordType::A, RecordType::Aaaa, RecordType::Txt],
    docs: "https://developers.cloudflare.com/api/resources/dns/subresources/records/",
    name_suffix: None,
    guess_suffixes: &[],
    build: |d, s| Ok(Box::new(Cloudflare::from_config(d, s)?)),
};

pub const DEFAULT_BASE: &str = "https://api.cloudflare.com/client/v4";

pub struct Cloudflare {
    base: String,
    zone: String,
    token: Secret,
    ttl: u32,
    http: HttpApi,
}

#[derive(Deserialize)]
struct Envelope<T> {
    #[serde(default)]
    success: bool,
    #[serde(default)]
    errors: Vec<ApiError>,
    result: Option<T>,
}

#[derive(Deserialize)]
struct ApiError {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
struct Zone {
    id: String,
}

#[derive(Deserialize)]
struct DnsRecord {
    id: String,
    #[serde(default)]
    content: String,
}

impl Cloudflare {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<Cloudflare> {
        let (base, zone, token) = rest::api_config(
            ddns,
            settings,
            DEFAULT_BASE,
            "cloudflare needs `zone` in [ddns]",
        )?;
        Ok(Cloudflare {
            base,
            zone,
            token,
            // Cloudflare's minimum TTL is 60 s (1 means "automatic").
            ttl: ddns.ttl.max(60),
            http: HttpApi::new(),
        })
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<serde_json::Value>,
    ) -> Result<Option<T>, ProviderError> {
        let url = super::with_query(&format!("{}{path}", self.base), query)?;
        let rb = self
            .http
            .request(method, url, body)?
            .bearer_auth(self.token.expose());
        let answer = self.http.send("Cloudflare", rb).await?;
        classify(&answer, &self.zone)?;
        let env: Envelope<T> = serde_json::from_str(&answer.body).map_err(|e| {
            ProviderError::transient(format!("Cloudflare sent an answer direkt cannot read: {e}"))
        })?;
        Ok(env.result)
    }

    async fn zone_id(&self) -> Result<String, ProviderError> {
        let zones: Vec<Zone> = self
            .call(
                reqwest::Method::GET,
                "/zones",
                &[("name", &self.zone)],
                None,
            )
            .await?
            .unwrap_or_default();
        zones.into_iter().next().map(|z| z.id).ok_or_else(|| {
            ProviderError::latch(
                format!("Cloudflare has no zone {} for this token", self.zone),
                "check ddns.zone, and that the token may read this zone (Zone:Read, DNS:Edit)",
            )
        })
    }

    async fn records(
        &self,
        zone_id: &str,
        rtype: &str,
        name: &str,
    ) -> Result<Vec<DnsRecord>, ProviderError> {
        Ok(self
            .call(
                reqwest::Method::GET,
                &format!("/zones/{zone_id}/dns_records"),
                &[("type", rtype), ("name", name)],
                None,
            )
            .await?
            .unwrap_or_default())
    }
}

const WORDING: Wording = Wording {
    credential: "API token",
    invalid_hint: "check ddns.zone, name and ttl against the zone in the Cloudflare dashboard",
    ..Wording::new(
        "Cloudflare",
        "create an API token with permission Zone / DNS / Edit for zone {zone} and put it in \
         the secret ddns.token",
    )
};

/// Map an answer: a success needs `"success": true` too; 401/403 latch, 429 and 5xx back off,
/// other 4xx latch (the request is refused as it stands), anything else is transient.
fn classify(answer: &HttpAnswer, zone: &str) -> Result<(), ProviderError> {
    let env: Option<Envelope<serde_json::Value>> = serde_json::from_str(&answer.body).ok();
    let ok = (200..300).contains(&answer.status);
    if ok && env.as_ref().is_some_and(|e| e.success) {
        return Ok(());
    }
    let errors = env
        .as_ref()
        .map(|e| {
            e.errors
                .iter()
                .map(|x| format!("{} {}", x.code, x.message))
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    let errors = rest::words_or_status(&errors, answer.status);
    if !(400..600).contains(&answer.status) {
        return Err(ProviderError::transient(format!(
            "Cloudflare answered without success: {errors}"
        )));
    }
    rest::classify_rest(answer, &errors, zone, &WORDING)
}

fn quoted(value: &str) -> String {
    format!("\"{value}\"")
}

fn unquoted(content: &str) -> &str {
    content
        .strip_prefix('"')
        .and_then(|c| c.strip_suffix('"'))
        .unwrap_or(content)
}

impl Provider for Cloudflare {
    spec_and_requests!();

    fn set_address<'a>(
        &'a self,
        name: &'a str,
        address: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let rtype = if address.is_ipv4() { "A" } else { "AAAA" };
            let zone_id = self.zone_id().await?;
            let existing = self.records(&zone_id, rtype, name).await?;
            let content = address.to_string();
            let mut rest = existing.iter();
            match rest.next() {
                Some(first) => {
                    if first.content != content {
                        let _: Option<serde_json::Value> = self
                            .call(
                                reqwest::Method::PATCH,
                                &format!("/zones/{zone_id}/dns_records/{}", first.id),
                                &[],
                                Some(json!({"content": content, "ttl": self.ttl})),
                            )
                            .await?;
                    }
                }
                None => {
                    let _: Option<serde_json::Value> = self
                        .call(
                            reqwest::Method::POST,
                            &format!("/zones/{zone_id}/dns_records"),
                            &[],
                            Some(json!({"type": rtype, "name": name, "content": content,
                                        "ttl": self.ttl, "proxied": false})),
                        )
                        .await?;
                }
            }
            // The name must hold exactly one address of this family.
            for extra in rest {
                let _: Option<serde_json::Value> = self
                    .call(
                        reqwest::Method::DELETE,
                        &format!("/zones/{zone_id}/dns_records/{}", extra.id),
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
            let zone_id = self.zone_id().await?;
            let existing = self.records(&zone_id, "TXT", fqdn).await?;
            if existing.iter().any(|r| unquoted(&r.content) == value) {
                return Ok(());
            }
            let _: Option<serde_json::Value> = self
                .call(
                    reqwest::Method::POST,
                    &format!("/zones/{zone_id}/dns_records"),
                    &[],
                    Some(json!({"type": "TXT", "name": fqdn, "content": quoted(value), "ttl": 60})),
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
            let zone_id = self.zone_id().await?;
            for r in self.records(&zone_id, "TXT", fqdn).await? {
                if unquoted(&r.content) == value {
                    let _: Option<serde_json::Value> = self
                        .call(
                            reqwest::Method::DELETE,
                            &format!("/zones/{zone_id}/dns_records/{}", r.id),
                            &[],
                            None,
                        )
                        .await?;
                }
            }
            Ok(())
        })
    }

    /// The zone lookup and a read of the name's A records: a token without Zone:Read or DNS
    /// read access fails here. Edit rights cannot be told without editing.
    fn verify<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            let zone_id = self.zone_id().await?;
            self.records(&zone_id, "A", name).await?;
            Ok(rest::read_only(format!("the token reads zone {} and {name}'s records", self.zone)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddns::Failure;

    fn c(status: u16, body: &str) -> Result<(), ProviderError> {
        classify(&rest::answer(status, body, 7), "example.org")
    }

    #[test]
    fn documented_errors_map_to_latch_and_backoff() {
        let auth = r#"{"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[],"result":null}"#;
        let e = c(403, auth).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(
            e.message.contains("10000 Authentication error"),
            "{}",
            e.message
        );
        assert_eq!(c(401, auth).unwrap_err().failure, Failure::Latch);
        let rl = r#"{"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling your request speed"}]}"#;
        let e = c(429, rl).unwrap_err();
        assert_eq!(e.failure, Failure::Backoff);
        assert_eq!(e.retry_after, Some(std::time::Duration::from_secs(7)));
        assert_eq!(
            c(502, "<html>bad gateway</html>").unwrap_err().failure,
            Failure::Backoff
        );
        assert!(c(200, r#"{"success":true,"errors":[],"result":[]}"#).is_ok());
    }

    #[test]
    fn txt_quoting() {
        assert_eq!(unquoted("\"abc\""), "abc");
        assert_eq!(unquoted("abc"), "abc");
        assert_eq!(quoted("abc"), "\"abc\"");
    }
}
