//! Gandi LiveDNS (API v5), written from <https://api.gandi.net/docs/livedns/> and the
//! authentication page <https://api.gandi.net/docs/authentication/>.
//! `Authorization: Bearer <personal access token>`; a record set is
//! `/livedns/domains/{fqdn}/records/{name}/{type}`: `GET` reads `{"rrset_values":[..]}` (404
//! when there is none), `PUT {"rrset_values":[..],"rrset_ttl":..}` replaces it, `DELETE` removes
//! it. Errors are `{"code":..,"message":"..","object":"..","cause":".."}`, validation errors add
//! `"errors":[{"name":..,"description":..}]`; too many requests is 429.

use std::net::IpAddr;

use serde::Deserialize;
use serde_json::json;

use super::registry::{self, Kind, RecordType, SecretKey, Spec};
use super::rest::{self, Wording};
use super::{BoxFuture, HttpAnswer, HttpApi, Provider, ProviderError};
use crate::config::{DdnsConfig, Secret, Settings};
use crate::error::Result;

const HELP: &str = "A personal access token: admin.gandi.net > Organizations > (your \
     organization) > Sharing / Personal Access Token > Create, limited to this domain, with the \
     permission \"Manage domain name technical configurations\". The domain must use LiveDNS.";

pub const SPEC: Spec = Spec {
    name: "gandi",
    aliases: &["gandi-livedns"],
    title: "Gandi LiveDNS",
    kind: Kind::Api,
    summary: "gandi: a domain on Gandi LiveDNS, with a personal access token",
    help: HELP,
    keys: &[registry::ZONE],
    secrets: &[SecretKey {
        name: "token",
        prompt: "Personal access token",
        help: HELP,
    }],
    records: &[RecordType::A, RecordType::Aaaa, RecordType::Txt],
    docs: "https://api.gandi.net/docs/livedns/",
    name_suffix: None,
    guess_suffixes: &[],
    build: |d, s| Ok(Box::new(Gandi::from_config(d, s)?)),
};

pub const DEFAULT_BASE: &str = "https://api.gandi.net/v5/livedns";

/// LiveDNS's smallest TTL.
const MIN_TTL: u32 = 300;

pub struct Gandi {
    base: String,
    domain: String,
    token: Secret,
    ttl: u32,
    http: HttpApi,
}

#[derive(Deserialize)]
struct RrSet {
    #[serde(default)]
    rrset_values: Vec<String>,
}

impl Gandi {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<Gandi> {
        let (base, domain, token) = rest::api_config(
            ddns,
            settings,
            DEFAULT_BASE,
            "gandi needs `zone` in [ddns] (the domain)",
        )?;
        Ok(Gandi {
            base,
            domain,
            token,
            ttl: ddns.ttl.max(MIN_TTL),
            http: HttpApi::new(),
        })
    }

    /// The record set's URL for `name` (relative, `@` for the apex).
    fn rrset_url(&self, name: &str, rtype: &str) -> Result<String, ProviderError> {
        let sub = rest::at_apex(rest::zone_sub(name, &self.domain, "Gandi domain")?);
        Ok(format!(
            "{}/domains/{}/records/{sub}/{rtype}",
            self.base, self.domain
        ))
    }

    async fn send(
        &self,
        method: reqwest::Method,
        url: String,
        body: Option<serde_json::Value>,
    ) -> Result<HttpAnswer, ProviderError> {
        let rb = self
            .http
            .request(method, url, body)?
            .bearer_auth(self.token.expose());
        self.http.send("Gandi", rb).await
    }

    /// The set's values (none when it does not exist).
    async fn values(&self, url: &str) -> Result<Vec<String>, ProviderError> {
        let answer = self.send(reqwest::Method::GET, url.to_string(), None).await?;
        if answer.status == 404 {
            return Ok(vec![]);
        }
        classify(&answer, &self.domain)?;
        let set: RrSet = serde_json::from_str(&answer.body).map_err(|e| {
            ProviderError::transient(format!("Gandi sent an answer direkt cannot read: {e}"))
        })?;
        Ok(set.rrset_values)
    }

    /// Replace the set with `values`; no values deletes it.
    async fn put(&self, url: &str, values: Vec<String>, ttl: u32) -> Result<(), ProviderError> {
        let answer = if values.is_empty() {
            self.send(reqwest::Method::DELETE, url.to_string(), None)
                .await?
        } else {
            let body = json!({"rrset_values": values, "rrset_ttl": ttl});
            self.send(reqwest::Method::PUT, url.to_string(), Some(body))
                .await?
        };
        classify(&answer, &self.domain)
    }
}

/// The provider's words from an error body: its message and the fields a validation error names.
fn detail(answer: &HttpAnswer) -> String {
    let v: serde_json::Value = serde_json::from_str(&answer.body).unwrap_or_default();
    let mut out = rest::text_at(&v, "message").to_string();
    for e in v.get("errors").and_then(|e| e.as_array()).into_iter().flatten() {
        let (name, desc) = (rest::text_at(e, "name"), rest::text_at(e, "description"));
        out.push_str(&format!("; {name}: {desc}"));
    }
    rest::words_or_status(&out, answer.status)
}

const WORDING: Wording = Wording {
    forbidden_hint: Some(
        "give the token the permission \"Manage domain name technical configurations\" for \
         {zone}",
    ),
    not_found: Some((
        "Gandi LiveDNS does not know domain {zone}",
        "set ddns.zone to a domain of this organization that uses LiveDNS",
    )),
    invalid_hint: "fix what it names (LiveDNS takes a ttl of at least 300) and run again",
    ..Wording::new(
        "Gandi",
        "create a personal access token at admin.gandi.net (Organizations > Personal Access \
         Token, permission \"Manage domain name technical configurations\"; tokens expire) and \
         put it in the secret ddns.token",
    )
};

/// 401 latch (bad or expired token), 403 latch (token without the permission or the domain),
/// 404 latch (no such LiveDNS domain), 429 and 5xx back off, other 4xx latch with Gandi's words.
fn classify(answer: &HttpAnswer, domain: &str) -> Result<(), ProviderError> {
    rest::classify_rest(answer, &detail(answer), domain, &WORDING)
}

fn quoted(value: &str) -> String {
    format!("\"{value}\"")
}

fn unquoted(v: &str) -> &str {
    v.strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(v)
}

impl Provider for Gandi {
    spec_and_requests!();

    fn set_address<'a>(
        &'a self,
        name: &'a str,
        address: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let rtype = if address.is_ipv4() { "A" } else { "AAAA" };
            let url = self.rrset_url(name, rtype)?;
            self.put(&url, vec![address.to_string()], self.ttl).await
        })
    }

    fn set_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let url = self.rrset_url(fqdn, "TXT")?;
            let mut values = self.values(&url).await?;
            if values.iter().any(|v| unquoted(v) == value) {
                return Ok(());
            }
            values.push(quoted(value));
            self.put(&url, values, MIN_TTL).await
        })
    }

    fn remove_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let url = self.rrset_url(fqdn, "TXT")?;
            let values = self.values(&url).await?;
            let kept: Vec<String> = values
                .iter()
                .filter(|v| unquoted(v) != value)
                .cloned()
                .collect();
            if kept.len() == values.len() {
                return Ok(());
            }
            self.put(&url, kept, MIN_TTL).await
        })
    }

    /// `GET /livedns/domains/{fqdn}`: a bad token is 401, a domain the token may not manage 403
    /// or 404.
    fn verify<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            self.rrset_url(name, "A")?;
            let url = format!("{}/domains/{}", self.base, self.domain);
            let answer = self.send(reqwest::Method::GET, url, None).await?;
            classify(&answer, &self.domain)?;
            Ok(rest::read_only(format!("the token reads LiveDNS domain {}", self.domain)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddns::Failure;
    use std::time::Duration;

    fn c(status: u16, body: &str) -> Result<(), ProviderError> {
        classify(&rest::answer(status, body, 9), "example.org")
    }

    #[test]
    fn documented_errors_map_to_latch_and_backoff() {
        let e = c(401, r#"{"code":401,"message":"The server could not verify that you authorized to access the document you requested.","object":"HTTPUnauthorized","cause":"Unauthorized"}"#).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("could not verify"), "{}", e.message);
        assert!(e.hint.unwrap().contains("personal access token"));
        let e = c(403, r#"{"code":403,"message":"Access was denied to this resource.","object":"HTTPForbidden","cause":"Forbidden"}"#).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        let e = c(400, r#"{"code":400,"message":"Validation error","object":"dns-record","cause":"Bad Request","errors":[{"location":"body","name":"rrset_ttl","description":"rrset_ttl should be at least 300"}]}"#).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("rrset_ttl: rrset_ttl should be at least 300"), "{}", e.message);
        let e = c(429, r#"{"code":429,"message":"Too Many Requests","object":"HTTPTooManyRequests","cause":"Too Many Requests"}"#).unwrap_err();
        assert_eq!(e.failure, Failure::Backoff);
        assert_eq!(e.retry_after, Some(Duration::from_secs(9)));
        assert_eq!(c(502, "bad gateway").unwrap_err().failure, Failure::Backoff);
        assert!(c(201, r#"{"message":"DNS Record Created"}"#).is_ok());
    }

    #[test]
    fn txt_values_compare_unquoted() {
        assert_eq!(unquoted("\"abc\""), "abc");
        assert_eq!(unquoted("abc"), "abc");
        assert_eq!(quoted("abc"), "\"abc\"");
    }
}
