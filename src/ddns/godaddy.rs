//! GoDaddy Domains API v1, DNS records, written from
//! <https://developer.godaddy.com/doc/endpoint/domains> (and the key guide at
//! <https://developer.godaddy.com/getstarted>).
//! `Authorization: sso-key <key>:<secret>`; `GET /v1/domains/{domain}/records/{type}/{name}`
//! lists a name's records of one type (`[{"data":..,"name":..,"ttl":..,"type":..}]`), `PUT` on
//! the same path replaces that set with a JSON array `[{"data":..,"ttl":..}]`, `DELETE` removes
//! it, `GET /v1/domains/{domain}` reads the domain. Errors are `{"code":"UNABLE_TO_AUTHENTICATE",
//! "message":"..","fields":[{"path":..,"message":..}]}`; 429 adds `"retryAfterSec": N`.

use std::net::IpAddr;
use std::time::Duration;

use serde::Deserialize;
use serde_json::json;

use super::registry::{self, Kind, RecordType, SecretKey, Spec};
use super::rest::{self, Wording};
use super::{BoxFuture, HttpAnswer, HttpApi, Provider, ProviderError};
use crate::config::{DdnsConfig, Secret, Settings};
use crate::error::{Error, Result};

const HELP: &str = "A production API key and its secret: developer.godaddy.com/keys > Create \
     New API Key, environment Production (an OTE test key is refused by the real API). GoDaddy \
     opens the DNS API only to accounts with enough domains or a paid Domain Pro/Discount Domain \
     Club plan; other accounts get 403 ACCESS_DENIED.";

pub const SPEC: Spec = Spec {
    name: "godaddy",
    aliases: &["gd"],
    title: "GoDaddy",
    kind: Kind::Api,
    summary: "godaddy: a domain at GoDaddy, with a production API key and secret",
    help: HELP,
    keys: &[registry::ZONE],
    secrets: &[
        SecretKey {
            name: "api_key",
            prompt: "GoDaddy API key",
            help: HELP,
        },
        SecretKey {
            name: "api_secret",
            prompt: "GoDaddy API secret",
            help: HELP,
        },
    ],
    records: &[RecordType::A, RecordType::Aaaa, RecordType::Txt],
    docs: "https://developer.godaddy.com/doc/endpoint/domains",
    name_suffix: None,
    guess_suffixes: &[],
    build: |d, s| Ok(Box::new(GoDaddy::from_config(d, s)?)),
};

pub const DEFAULT_BASE: &str = "https://api.godaddy.com";

/// GoDaddy's smallest TTL (it refuses less with 422).
const MIN_TTL: u32 = 600;

pub struct GoDaddy {
    base: String,
    domain: String,
    key: Secret,
    secret: Secret,
    ttl: u32,
    http: HttpApi,
}

#[derive(Deserialize)]
struct Record {
    #[serde(default)]
    data: String,
    #[serde(default)]
    ttl: Option<u32>,
}

impl GoDaddy {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<GoDaddy> {
        let base = super::base_url(ddns.server.as_deref(), DEFAULT_BASE)?;
        let domain = ddns
            .zone
            .as_ref()
            .ok_or_else(|| Error::usage("godaddy needs `zone` in [ddns] (the domain)"))?;
        let key = super::require_named_secret(settings, ddns, "api_key")?;
        let secret = super::require_named_secret(settings, ddns, "api_secret")?;
        Ok(GoDaddy {
            base: base.as_str().trim_end_matches('/').to_string(),
            domain: domain.to_string().to_ascii_lowercase(),
            key,
            secret,
            ttl: ddns.ttl.max(MIN_TTL),
            http: HttpApi::new(),
        })
    }

    /// The record name GoDaddy writes: relative to the domain, `@` for the apex.
    fn sub(&self, name: &str) -> Result<String, ProviderError> {
        rest::zone_sub(name, &self.domain, "GoDaddy domain")
            .map(|s| rest::at_apex(s.to_ascii_lowercase()))
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<HttpAnswer, ProviderError> {
        let url = super::with_query(&format!("{}/v1/domains/{}{path}", self.base, self.domain), &[])?;
        let auth = format!("sso-key {}:{}", self.key.expose(), self.secret.expose());
        let mut rb = self
            .http
            .client()?
            .request(method, url)
            .header(reqwest::header::AUTHORIZATION, auth)
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let answer = self.http.send("GoDaddy", rb).await?;
        classify(&answer, &self.domain)?;
        Ok(answer)
    }

    /// The records of type `rtype` at `sub`.
    async fn records(&self, rtype: &str, sub: &str) -> Result<Vec<Record>, ProviderError> {
        let answer = self
            .call(reqwest::Method::GET, &format!("/records/{rtype}/{sub}"), None)
            .await?;
        serde_json::from_str(&answer.body).map_err(|e| {
            ProviderError::transient(format!("GoDaddy sent an answer direkt cannot read: {e}"))
        })
    }

    /// Make the `rtype` set at `sub` exactly `values` (an empty set is deleted).
    async fn replace(&self, rtype: &str, sub: &str, values: &[(String, u32)]) -> Result<(), ProviderError> {
        let path = format!("/records/{rtype}/{sub}");
        if values.is_empty() {
            return self.call(reqwest::Method::DELETE, &path, None).await.map(drop);
        }
        let body: Vec<_> = values
            .iter()
            .map(|(data, ttl)| json!({"data": data, "ttl": ttl}))
            .collect();
        self.call(reqwest::Method::PUT, &path, Some(json!(body)))
            .await
            .map(drop)
    }

    /// The TXT values at `sub` with their TTLs.
    async fn txt(&self, sub: &str) -> Result<Vec<(String, u32)>, ProviderError> {
        Ok(self
            .records("TXT", sub)
            .await?
            .into_iter()
            .map(|r| (r.data, r.ttl.unwrap_or(MIN_TTL).max(MIN_TTL)))
            .collect())
    }
}

/// The provider's own words from an error body (`{"code":..,"message":..,"fields":[..]}`),
/// cut short.
fn detail(answer: &HttpAnswer) -> String {
    let words = serde_json::from_str::<serde_json::Value>(&answer.body)
        .map(|v| {
            let mut out = format!("{} {}", rest::text_at(&v, "code"), rest::text_at(&v, "message"));
            for f in v.get("fields").and_then(|f| f.as_array()).into_iter().flatten() {
                out.push_str(&format!("; {} {}", rest::text_at(f, "path"), rest::text_at(f, "message")));
            }
            out.trim().to_string()
        })
        .unwrap_or_default();
    rest::words_or_status(&words, answer.status)
}

const WORDING: Wording = Wording {
    credential: "API key",
    forbidden_hint: Some(
        "GoDaddy opens the DNS API only to accounts with enough domains or a paid plan \
         (ACCESS_DENIED says so); otherwise the key belongs to another account than the domain",
    ),
    not_found: Some((
        "GoDaddy does not know domain {zone}",
        "set ddns.zone to a domain of this GoDaddy account",
    )),
    invalid_hint: "fix what it names (name, ttl of at least 600) and run again",
    ..Wording::new(
        "GoDaddy",
        "create a Production key at developer.godaddy.com/keys and put the key in the secret \
         ddns.api_key and its secret in ddns.api_secret",
    )
};

/// The shared REST mapping; a 429 without `Retry-After` waits the body's `retryAfterSec`.
fn classify(answer: &HttpAnswer, domain: &str) -> Result<(), ProviderError> {
    if (200..300).contains(&answer.status) {
        return Ok(());
    }
    let retry_after = answer.retry_after.or_else(|| {
        let v: serde_json::Value = serde_json::from_str(&answer.body).ok()?;
        v.get("retryAfterSec")?.as_u64().map(Duration::from_secs)
    });
    let waited = HttpAnswer {
        status: answer.status,
        retry_after,
        body: String::new(),
    };
    rest::classify_rest(&waited, &detail(answer), domain, &WORDING)
}

impl Provider for GoDaddy {
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
            let existing = self.records(rtype, &sub).await?;
            let same = existing.len() == 1
                && existing[0].data == data
                && existing[0].ttl.is_none_or(|t| t == self.ttl);
            if same {
                return Ok(());
            }
            // Exactly one address of this family at the name.
            self.replace(rtype, &sub, &[(data, self.ttl)]).await
        })
    }

    fn set_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let sub = self.sub(fqdn)?;
            let mut values = self.txt(&sub).await?;
            if values.iter().any(|(v, _)| v == value) {
                return Ok(());
            }
            values.push((value.to_string(), MIN_TTL));
            self.replace("TXT", &sub, &values).await
        })
    }

    fn remove_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let sub = self.sub(fqdn)?;
            let values = self.txt(&sub).await?;
            let rest: Vec<_> = values.iter().filter(|(v, _)| v != value).cloned().collect();
            if rest.len() == values.len() {
                return Ok(());
            }
            self.replace("TXT", &sub, &rest).await
        })
    }

    /// `GET /v1/domains/{domain}`: a bad key is 401, an account without DNS API access 403, a
    /// domain of another account 404.
    fn verify<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            self.sub(name)?;
            self.call(reqwest::Method::GET, "", None).await?;
            Ok(rest::read_only(format!(
                "the key reads domain {}",
                self.domain
            )))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddns::Failure;

    fn c(status: u16, retry_after: Option<u64>, body: &str) -> Result<(), ProviderError> {
        classify(
            &HttpAnswer {
                status,
                retry_after: retry_after.map(Duration::from_secs),
                body: body.into(),
            },
            "example.org",
        )
    }

    #[test]
    fn documented_errors_map_to_latch_and_backoff() {
        let e = c(401, None, r#"{"code":"UNABLE_TO_AUTHENTICATE","message":"Unable to authenticate the request"}"#)
            .unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("UNABLE_TO_AUTHENTICATE"), "{}", e.message);
        assert!(e.hint.unwrap().contains("developer.godaddy.com/keys"));
        let e = c(403, None, r#"{"code":"ACCESS_DENIED","message":"Authenticated user is not allowed access"}"#)
            .unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.hint.unwrap().contains("enough domains"));
        let e = c(404, None, r#"{"code":"UNKNOWN_DOMAIN","message":"The given domain is not registered, or does not have a zone file"}"#)
            .unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("UNKNOWN_DOMAIN"));
        let e = c(
            422,
            None,
            r#"{"code":"INVALID_BODY","message":"Request body doesn't fulfill schema","fields":[{"code":"UNEXPECTED_TYPE","path":"records[0].ttl","message":"is less than minimum of 600"}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("records[0].ttl is less than minimum"), "{}", e.message);
        // 429: the body's retryAfterSec when there is no Retry-After, the header first.
        let body = r#"{"code":"TOO_MANY_REQUESTS","message":"Too many requests","retryAfterSec":42}"#;
        let e = c(429, None, body).unwrap_err();
        assert_eq!(e.failure, Failure::Backoff);
        assert_eq!(e.retry_after, Some(Duration::from_secs(42)));
        assert_eq!(c(429, Some(7), body).unwrap_err().retry_after, Some(Duration::from_secs(7)));
        let e = c(500, None, r#"{"code":"INTERNAL_SERVER_ERROR","message":"Internal server error"}"#)
            .unwrap_err();
        assert_eq!(e.failure, Failure::Backoff);
        assert!(c(504, None, "<html>gateway</html>").unwrap_err().message.contains("HTTP 504"));
        assert!(c(200, None, "[]").is_ok());
        assert!(c(204, None, "").is_ok());
        let long = format!(r#"{{"code":"x","message":"{}"}}"#, "a".repeat(500));
        assert!(c(400, None, &long).unwrap_err().message.len() < 300);
    }
}
