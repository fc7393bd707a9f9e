//! The ipv64.net API (https://ipv64.net/dyndns_updater_api, the API reference at
//! https://apidoc.ipv64.net), `Authorization: Bearer <account API key>`, all calls at
//! `/api`: `GET ?get_domains` lists the account's domains with their records (`praefix`
//! relative to the domain, `""` for the domain itself); `POST` a form `add_record=<domain>&
//! praefix=&type=&content=` adds one record, `DELETE` the same form with `del_record` removes
//! one. There is no call that changes a record: a new address is added before the old one is
//! removed. Answers are `{"info": .., "status": "201 Created", "add_record": ..}`; the status
//! line in the body counts when the HTTP status does not say it. API calls are limited per 24 h
//! by the account class (64 by default): 429.

use std::net::IpAddr;

use serde::Deserialize;

use super::registry::{self, Kind, RecordType, SecretKey, Spec};
use super::rest::{self, Wording};
use super::{BoxFuture, HttpAnswer, HttpApi, Provider, ProviderError};
use crate::config::{DdnsConfig, Secret, Settings};
use crate::error::Result;

const HELP: &str = "The account API key from ipv64.net > Account (\"API Key\", not a domain's \
     update token); the domain must be one of the account's.";

pub const SPEC: Spec = Spec {
    name: "ipv64",
    aliases: &[],
    title: "IPv64.net",
    kind: Kind::Api,
    summary: "ipv64: an ipv64.net / home64.de domain, with the account API key",
    help: HELP,
    keys: &[registry::Key {
        prompt: "ipv64 domain (e.g. me.ipv64.net)",
        help: "The domain as ipv64.net lists it: often the name itself (me.ipv64.net), or the \
               domain a name such as box.me.ipv64.net is under.",
        default: registry::Builtin::None,
        ..registry::ZONE
    }],
    secrets: &[SecretKey {
        name: "token",
        prompt: "Account API key",
        help: HELP,
    }],
    records: &[RecordType::A, RecordType::Aaaa, RecordType::Txt],
    docs: "https://ipv64.net/dyndns_updater_api",
    name_suffix: None,
    guess_suffixes: &[
        ".ipv64.net",
        ".ipv64.de",
        ".any64.de",
        ".home64.de",
        ".api64.de",
        ".dyndns64.de",
        ".eth64.de",
        ".lan64.de",
        ".srv64.de",
        ".root64.de",
        ".v64.me",
    ],
    build: |d, s| Ok(Box::new(Ipv64::from_config(d, s)?)),
};

pub const DEFAULT_BASE: &str = "https://ipv64.net";

pub struct Ipv64 {
    base: String,
    domain: String,
    token: Secret,
    http: HttpApi,
}

#[derive(Deserialize)]
struct Domains {
    #[serde(default)]
    subdomains: std::collections::BTreeMap<String, Domain>,
}

#[derive(Deserialize)]
struct Domain {
    #[serde(default)]
    records: Vec<Record>,
}

#[derive(Deserialize)]
struct Record {
    #[serde(default)]
    content: String,
    #[serde(default, rename = "type")]
    rtype: String,
    #[serde(default)]
    praefix: String,
}

/// `pairs` as an `application/x-www-form-urlencoded` body.
fn form(pairs: &[(&str, &str)]) -> String {
    let mut u = reqwest::Url::parse("http://form.invalid/").expect("a fixed URL");
    u.query_pairs_mut().extend_pairs(pairs);
    u.query().unwrap_or("").to_string()
}

impl Ipv64 {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<Ipv64> {
        let (base, domain, token) = rest::api_config(
            ddns,
            settings,
            DEFAULT_BASE,
            "ipv64 needs `zone` in [ddns] (the ipv64 domain, e.g. me.ipv64.net)",
        )?;
        Ok(Ipv64 {
            base,
            domain,
            token,
            http: HttpApi::new(),
        })
    }

    fn praefix(&self, name: &str) -> Result<String, ProviderError> {
        rest::zone_sub(name, &self.domain, "ipv64 domain")
    }

    async fn send(&self, rb: reqwest::RequestBuilder) -> Result<String, ProviderError> {
        let rb = rb.bearer_auth(self.token.expose());
        let answer = self.http.send("ipv64", rb).await?;
        classify(&answer, &self.domain)?;
        Ok(answer.body)
    }

    /// The domain's records of `rtype` at `praefix`.
    async fn records(&self, praefix: &str, rtype: &str) -> Result<Vec<String>, ProviderError> {
        let url = format!("{}/api?get_domains", self.base);
        let body = self
            .send(self.http.client()?.get(url))
            .await?;
        let list: Domains = serde_json::from_str(&body).map_err(|e| {
            ProviderError::transient(format!("ipv64 sent an answer direkt cannot read: {e}"))
        })?;
        let domain = list
            .subdomains
            .into_iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(&self.domain))
            .map(|(_, d)| d)
            .ok_or_else(|| {
                ProviderError::latch(
                    format!("ipv64 has no domain {} in this account", self.domain),
                    "set ddns.zone to a domain listed at ipv64.net > DynDNS, or use that account's API key",
                )
            })?;
        Ok(domain
            .records
            .into_iter()
            .filter(|r| r.rtype.eq_ignore_ascii_case(rtype) && r.praefix.eq_ignore_ascii_case(praefix))
            .map(|r| r.content)
            .collect())
    }

    /// `add_record` (POST) or `del_record` (DELETE) of one record.
    async fn change(
        &self,
        call: &str,
        praefix: &str,
        rtype: &str,
        content: &str,
    ) -> Result<(), ProviderError> {
        let method = if call == "add_record" {
            reqwest::Method::POST
        } else {
            reqwest::Method::DELETE
        };
        let body = form(&[
            (call, self.domain.as_str()),
            ("praefix", praefix),
            ("type", rtype),
            ("content", content),
        ]);
        let rb = self
            .http
            .client()?
            .request(method, format!("{}/api", self.base))
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(body);
        self.send(rb).await?;
        Ok(())
    }
}

/// The status that counts: the HTTP status, or the body's `status` line ("403 Forbidden")
/// when the HTTP status is a success but the body says otherwise.
fn status_of(answer: &HttpAnswer, body: Option<&serde_json::Value>) -> u16 {
    let said = body
        .and_then(|v| v.get("status"))
        .and_then(|s| s.as_str())
        .and_then(|s| s.split_whitespace().next())
        .and_then(|n| n.parse::<u16>().ok());
    match said {
        Some(s) if (200..300).contains(&answer.status) && s >= 300 => s,
        _ => answer.status,
    }
}

const WORDING: Wording = Wording {
    credential: "API key",
    rate_limited: "says the API limit is reached",
    invalid_hint: "fix what it names (ddns.zone, the record) and run again",
    ..Wording::new(
        "ipv64",
        "copy the account API key from ipv64.net > Account (the account that holds {zone}) into \
         the secret ddns.token",
    )
};

/// 401/403 latch (the key), 429 back off (the account's 24 h API limit, or too fast), 5xx back
/// off, other 4xx (400: a record value it refuses) latch with ipv64's words.
fn classify(answer: &HttpAnswer, domain: &str) -> Result<(), ProviderError> {
    let v: serde_json::Value = serde_json::from_str(&answer.body).unwrap_or_default();
    let status = status_of(answer, Some(&v));
    let get = |k: &str| Some(rest::text_at(&v, k)).filter(|s| !s.is_empty());
    let text = match (get("status"), get("info")) {
        (Some(s), info) => {
            let detail = get("add_record")
                .or(get("del_record"))
                .or(info)
                .unwrap_or("");
            format!("{s}: {detail}")
        }
        (None, Some(info)) => info.to_string(),
        (None, None) => String::new(),
    };
    let text = rest::words_or_status(&text, status);
    rest::classify_as(status, answer, &text, domain, &WORDING)
}

impl Provider for Ipv64 {
    spec_and_requests!();

    /// Add the new address first, then remove the others: the name never has no address.
    fn set_address<'a>(
        &'a self,
        name: &'a str,
        address: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let praefix = self.praefix(name)?;
            let rtype = if address.is_ipv4() { "A" } else { "AAAA" };
            let value = address.to_string();
            let existing = self.records(&praefix, rtype).await?;
            if !existing.contains(&value) {
                self.change("add_record", &praefix, rtype, &value).await?;
            }
            for old in existing.iter().filter(|c| **c != value) {
                self.change("del_record", &praefix, rtype, old).await?;
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
            let praefix = self.praefix(fqdn)?;
            if self.records(&praefix, "TXT").await?.iter().any(|c| c == value) {
                return Ok(());
            }
            self.change("add_record", &praefix, "TXT", value).await
        })
    }

    fn remove_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let praefix = self.praefix(fqdn)?;
            if !self.records(&praefix, "TXT").await?.iter().any(|c| c == value) {
                return Ok(());
            }
            self.change("del_record", &praefix, "TXT", value).await
        })
    }

    /// `GET /api?get_domains`: a bad key is 401; the domain must be in the list.
    fn verify<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            self.praefix(name)?;
            self.records("", "A").await?;
            Ok(rest::read_only(format!("the API key lists domain {}", self.domain)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddns::Failure;

    fn c(status: u16, body: &str) -> Result<(), ProviderError> {
        classify(&rest::answer(status, body, 5), "me.ipv64.net")
    }

    #[test]
    fn documented_errors_map_to_latch_and_backoff() {
        assert!(c(201, r#"{"info":"success","status":"201 Created","add_record":"me.ipv64.net"}"#).is_ok());
        let e = c(401, r#"{"status":"401 Unauthorized","info":"Unauthorized"}"#).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("401 Unauthorized: Unauthorized"), "{}", e.message);
        let e = c(403, r#"{"info":"error","status":"403 Forbidden","del_record":"del_record"}"#)
            .unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        let e = c(400, r#"{"info":"error","status":"400 Bad Request","add_record":"dns record already there"}"#)
            .unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("dns record already there"), "{}", e.message);
        // The body's status counts when the HTTP status is 200.
        let e = c(200, r#"{"info":"Updateintervall overcommited","status":"429 Too Many Requests"}"#)
            .unwrap_err();
        assert_eq!(e.failure, Failure::Backoff);
        assert_eq!(e.retry_after, Some(std::time::Duration::from_secs(5)));
        assert_eq!(c(502, "").unwrap_err().failure, Failure::Backoff);
    }

    #[test]
    fn form_bodies_are_encoded() {
        assert_eq!(
            form(&[("add_record", "me.ipv64.net"), ("praefix", "_acme-challenge"), ("content", "a b+c")]),
            "add_record=me.ipv64.net&praefix=_acme-challenge&content=a+b%2Bc"
        );
    }
}
