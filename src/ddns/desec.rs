//! deSEC's REST API (`Authorization: Token <token>`): record sets are replaced with a bulk
//! `PATCH /domains/{domain}/rrsets/` (creates the set if missing; an empty `records` list
//! deletes it). Errors are `{"detail": ".."}`; throttling is 429 with `Retry-After`.

use std::net::IpAddr;

use serde::Deserialize;
use serde_json::json;

use super::registry::{self, Kind, RecordType, SecretKey, Spec};
use super::rest::{self, Wording};
use super::{BoxFuture, HttpAnswer, HttpApi, Provider, ProviderError};
use crate::config::{DdnsConfig, Secret, Settings};
use crate::error::Result;

const HELP: &str = "A token from desec.io > Token Management > + (a token limited to this domain \
     is best).";

pub const SPEC: Spec = Spec {
    name: "desec",
    aliases: &["dedyn"],
    title: "deSEC",
    kind: Kind::Api,
    summary: "desec: deSEC (dedyn.io names or your own domain), with a token",
    help: HELP,
    keys: &[registry::ZONE],
    secrets: &[SecretKey {
            name: "token",
            prompt: "API token",
            help: HELP,
    }],
    records: &[RecordType::A, RecordType::Aaaa, RecordType::Txt],
    docs: "https://desec.readthedocs.io/en/latest/dns/rrsets.html",
    name_suffix: None,
    guess_suffixes: &[".dedyn.io"],
    build: |d, s| Ok(Box::new(Desec::from_config(d, s)?)),
};

pub const DEFAULT_BASE: &str = "https://desec.io/api/v1";

pub struct Desec {
    base: String,
    domain: String,
    token: Secret,
    ttl: u32,
    http: HttpApi,
}

#[derive(Deserialize)]
struct RrSet {
    #[serde(default)]
    records: Vec<String>,
}

impl Desec {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<Desec> {
        let (base, domain, token) = rest::api_config(
            ddns,
            settings,
            DEFAULT_BASE,
            "desec needs `zone` in [ddns] (the deSEC domain)",
        )?;
        Ok(Desec {
            base,
            domain,
            token,
            ttl: ddns.ttl,
            http: HttpApi::new(),
        })
    }

    fn sub(&self, name: &str) -> Result<String, ProviderError> {
        rest::zone_sub(name, &self.domain, "deSEC domain")
    }

    /// A request to `url` with the token.
    fn request(
        &self,
        method: reqwest::Method,
        url: String,
    ) -> Result<reqwest::RequestBuilder, ProviderError> {
        Ok(self.http.client()?.request(method, url).header(
            reqwest::header::AUTHORIZATION,
            format!("Token {}", self.token.expose()),
        ))
    }

    async fn patch(
        &self,
        sub: &str,
        rtype: &str,
        records: Vec<String>,
    ) -> Result<(), ProviderError> {
        let url = format!("{}/domains/{}/rrsets/", self.base, self.domain);
        let body = json!([{"subname": sub, "type": rtype, "ttl": self.ttl, "records": records}]);
        let rb = self.request(reqwest::Method::PATCH, url)?.json(&body);
        let answer = self.http.send("deSEC", rb).await?;
        classify(&answer, &self.domain)
    }

    async fn txt_records(&self, sub: &str) -> Result<Vec<String>, ProviderError> {
        let at = if sub.is_empty() { "@" } else { sub };
        let url = format!("{}/domains/{}/rrsets/{at}/TXT/", self.base, self.domain);
        let rb = self.request(reqwest::Method::GET, url)?;
        let answer = self.http.send("deSEC", rb).await?;
        if answer.status == 404 {
            // No TXT set yet; an unknown domain shows up as a 404 on the PATCH that follows.
            return Ok(vec![]);
        }
        classify(&answer, &self.domain)?;
        let set: RrSet = serde_json::from_str(&answer.body).map_err(|e| {
            ProviderError::transient(format!("deSEC sent an answer direkt cannot read: {e}"))
        })?;
        Ok(set.records)
    }
}

const WORDING: Wording = Wording {
    rate_limited: "throttles us",
    not_found: Some((
        "deSEC does not know domain {zone}",
        "set ddns.zone to a domain of this deSEC account",
    )),
    invalid_hint: "fix the value it names (deSEC domains have a minimum ttl, often 3600) and \
                   run again",
    ..Wording::new(
        "deSEC",
        "create a token for domain {zone} at desec.io and put it in the secret ddns.token",
    )
};

/// 401/403 latch (bad token), 404 latch (unknown domain), 429 and 5xx back off, other 4xx
/// latch (the request is refused as it stands, e.g. a TTL under the domain's minimum).
fn classify(answer: &HttpAnswer, domain: &str) -> Result<(), ProviderError> {
    // `{"detail": ..}`, or a validation error's whole body (`[{"ttl": [..]}]`).
    let words = serde_json::from_str::<serde_json::Value>(&answer.body)
        .map(|v| match v.get("detail").and_then(|d| d.as_str()) {
            Some(d) => d.to_string(),
            None => v.to_string(),
        })
        .unwrap_or_default();
    let detail = rest::words_or_status(&words, answer.status);
    rest::classify_rest(answer, &detail, domain, &WORDING)
}

fn quoted(value: &str) -> String {
    format!("\"{value}\"")
}

impl Provider for Desec {
    spec_and_requests!();

    fn set_address<'a>(
        &'a self,
        name: &'a str,
        address: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let sub = self.sub(name)?;
            let rtype = if address.is_ipv4() { "A" } else { "AAAA" };
            self.patch(&sub, rtype, vec![address.to_string()]).await
        })
    }

    fn set_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let sub = self.sub(fqdn)?;
            let mut records = self.txt_records(&sub).await?;
            if records.contains(&quoted(value)) {
                return Ok(());
            }
            records.push(quoted(value));
            self.patch(&sub, "TXT", records).await
        })
    }

    fn remove_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let sub = self.sub(fqdn)?;
            let records = self.txt_records(&sub).await?;
            let kept: Vec<String> = records
                .iter()
                .filter(|r| **r != quoted(value))
                .cloned()
                .collect();
            if kept.len() == records.len() {
                return Ok(());
            }
            self.patch(&sub, "TXT", kept).await
        })
    }

    /// `GET /domains/{domain}/`: a bad token is 401, a domain of another account 404.
    fn verify<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            self.sub(name)?;
            let url = format!("{}/domains/{}/", self.base, self.domain);
            let rb = self.request(reqwest::Method::GET, url)?;
            let answer = self.http.send("deSEC", rb).await?;
            classify(&answer, &self.domain)?;
            Ok(rest::read_only(format!("the token reads domain {}", self.domain)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddns::Failure;

    fn c(status: u16, body: &str) -> Result<(), ProviderError> {
        classify(&rest::answer(status, body, 3), "example.dedyn.io")
    }

    #[test]
    fn documented_errors_map_to_latch_and_backoff() {
        let e = c(401, r#"{"detail": "Invalid token."}"#).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("Invalid token."));
        let e = c(
            429,
            r#"{"detail": "Request was throttled. Expected available in 3 seconds."}"#,
        )
        .unwrap_err();
        assert_eq!(e.failure, Failure::Backoff);
        assert_eq!(e.retry_after, Some(std::time::Duration::from_secs(3)));
        let e = c(
            400,
            r#"[{"ttl": ["Ensure this value is greater than or equal to 3600."]}]"#,
        )
        .unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("3600"), "{}", e.message);
        assert_eq!(c(503, "").unwrap_err().failure, Failure::Backoff);
        assert!(c(200, "[]").is_ok());
    }
}
