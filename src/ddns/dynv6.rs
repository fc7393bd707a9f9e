//! dynv6's REST API v2 (https://dynv6.github.io/api-spec/, the OpenAPI document in
//! github.com/dynv6/api-spec), `Authorization: Bearer <HTTP token>`: the zone from
//! `GET /zones/by-name/{zone}`; the zone's own name holds its A/AAAA in the zone's fields
//! (`PATCH /zones/{id}` with `ipv4address` / `ipv6prefix`), other names are records
//! (`GET|POST /zones/{id}/records`, `PATCH|DELETE /zones/{id}/records/{recordID}`, record names
//! relative to the zone). Errors are `{"error": {"name": .., "message": .., "fields": [..]}}`
//! (422 on a value it refuses); 401/403 for a bad token, 404 for a zone of another account.

use std::net::IpAddr;

use serde::Deserialize;
use serde_json::json;

use super::registry::{self, Kind, RecordType, SecretKey, Spec};
use super::rest::{self, Wording};
use super::{BoxFuture, HttpAnswer, HttpApi, Provider, ProviderError};
use crate::config::{DdnsConfig, Secret, Settings};
use crate::error::Result;

const HELP: &str = "The HTTP token from dynv6.com > Keys (https://dynv6.com/keys) > HTTP Tokens; \
     a token for this zone only is best (it needs write access to the zone).";

pub const SPEC: Spec = Spec {
    name: "dynv6",
    aliases: &[],
    title: "dynv6",
    kind: Kind::Api,
    summary: "dynv6: a dynv6.net (or own) zone at dynv6.com, with an HTTP token",
    help: HELP,
    keys: &[registry::Key {
        prompt: "dynv6 zone (e.g. me.dynv6.net)",
        help: "The zone as dynv6.com lists it: often the name itself (me.dynv6.net), or the zone \
               a name such as box.me.dynv6.net is under.",
        default: registry::Builtin::None,
        ..registry::ZONE
    }],
    secrets: &[SecretKey {
        name: "token",
        prompt: "HTTP token",
        help: HELP,
    }],
    records: &[RecordType::A, RecordType::Aaaa, RecordType::Txt],
    docs: "https://dynv6.github.io/api-spec/",
    name_suffix: None,
    guess_suffixes: &[".dynv6.net", ".v6.rocks", ".dns.army", ".dynv6.com"],
    build: |d, s| Ok(Box::new(Dynv6::from_config(d, s)?)),
};

pub const DEFAULT_BASE: &str = "https://dynv6.com/api/v2";

pub struct Dynv6 {
    base: String,
    zone: String,
    token: Secret,
    http: HttpApi,
}

#[derive(Deserialize)]
struct Zone {
    id: i64,
    #[serde(default)]
    ipv4address: Option<String>,
    #[serde(default)]
    ipv6prefix: Option<String>,
}

#[derive(Deserialize)]
struct Record {
    id: i64,
    #[serde(default)]
    name: String,
    #[serde(default, rename = "type")]
    rtype: String,
    #[serde(default)]
    data: String,
}

impl Dynv6 {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<Dynv6> {
        let (base, zone, token) = rest::api_config(
            ddns,
            settings,
            DEFAULT_BASE,
            "dynv6 needs `zone` in [ddns] (the dynv6 zone)",
        )?;
        Ok(Dynv6 {
            base,
            zone,
            token,
            http: HttpApi::new(),
        })
    }

    fn sub(&self, name: &str) -> Result<String, ProviderError> {
        rest::zone_sub(name, &self.zone, "dynv6 zone")
    }

    /// One request; the answer's body when it is a success.
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> Result<String, ProviderError> {
        let rb = self
            .http
            .request(method, format!("{}{path}", self.base), body)?
            .bearer_auth(self.token.expose());
        let answer = self.http.send("dynv6", rb).await?;
        classify(&answer, &self.zone)?;
        Ok(answer.body)
    }

    async fn zone(&self) -> Result<Zone, ProviderError> {
        let body = self
            .call(
                reqwest::Method::GET,
                &format!("/zones/by-name/{}", self.zone),
                None,
            )
            .await?;
        read(&body)
    }

    async fn records(
        &self,
        zone: i64,
        sub: &str,
        rtype: &str,
    ) -> Result<Vec<Record>, ProviderError> {
        let body = self
            .call(
                reqwest::Method::GET,
                &format!("/zones/{zone}/records"),
                None,
            )
            .await?;
        let all: Vec<Record> = read(&body)?;
        Ok(all
            .into_iter()
            .filter(|r| r.rtype.eq_ignore_ascii_case(rtype) && r.name.eq_ignore_ascii_case(sub))
            .collect())
    }

    /// The zone's own A/AAAA live in the zone's fields.
    async fn set_apex(&self, zone: &Zone, address: IpAddr) -> Result<(), ProviderError> {
        let (field, current) = match address {
            IpAddr::V4(_) => ("ipv4address", &zone.ipv4address),
            IpAddr::V6(_) => ("ipv6prefix", &zone.ipv6prefix),
        };
        let value = address.to_string();
        if current.as_deref() == Some(value.as_str()) {
            return Ok(());
        }
        self.call(
            reqwest::Method::PATCH,
            &format!("/zones/{}", zone.id),
            Some(json!({ field: value })),
        )
        .await?;
        Ok(())
    }

    async fn set_record(&self, zone: i64, sub: &str, address: IpAddr) -> Result<(), ProviderError> {
        let rtype = if address.is_ipv4() { "A" } else { "AAAA" };
        let value = address.to_string();
        let existing = self.records(zone, sub, rtype).await?;
        let mut rest = existing.iter();
        match rest.next() {
            Some(first) if first.data == value => {}
            Some(first) => {
                self.call(
                    reqwest::Method::PATCH,
                    &format!("/zones/{zone}/records/{}", first.id),
                    Some(json!({"name": sub, "type": rtype, "data": value})),
                )
                .await?;
            }
            None => {
                self.call(
                    reqwest::Method::POST,
                    &format!("/zones/{zone}/records"),
                    Some(json!({"name": sub, "type": rtype, "data": value})),
                )
                .await?;
            }
        }
        for extra in rest {
            self.call(
                reqwest::Method::DELETE,
                &format!("/zones/{zone}/records/{}", extra.id),
                None,
            )
            .await?;
        }
        Ok(())
    }
}

fn read<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, ProviderError> {
    serde_json::from_str(body).map_err(|e| {
        ProviderError::transient(format!("dynv6 sent an answer direkt cannot read: {e}"))
    })
}

/// The error's message and the fields a validation error names.
fn error_text(answer: &HttpAnswer) -> String {
    let v: serde_json::Value = serde_json::from_str(&answer.body).unwrap_or_default();
    let mut text = rest::words_or_status(rest::text_at(&v, "error.message"), answer.status);
    if let Some(fields) = v.pointer("/error/fields").and_then(|f| f.as_array()) {
        for f in fields {
            let (name, msg) = (rest::text_at(f, "name"), rest::text_at(f, "message"));
            text.push_str(&format!("; {name}: {msg}"));
        }
    }
    rest::truncate(&text)
}

const WORDING: Wording = Wording {
    not_found: Some((
        "dynv6 has no zone {zone} (or record) for this token",
        "set ddns.zone to a zone of this dynv6 account, and give the token access to it",
    )),
    invalid_hint: "fix the value it names and run again",
    ..Wording::new(
        "dynv6",
        "create an HTTP token at https://dynv6.com/keys (for this zone, with write access) and \
         put it in the secret ddns.token",
    )
};

/// 401/403 latch (token), 404 latch (no such zone for this token), 429 and 5xx back off,
/// other 4xx (400, 422) latch with dynv6's message.
fn classify(answer: &HttpAnswer, zone: &str) -> Result<(), ProviderError> {
    rest::classify_rest(answer, &error_text(answer), zone, &WORDING)
}

impl Provider for Dynv6 {
    spec_and_requests!();

    fn set_address<'a>(
        &'a self,
        name: &'a str,
        address: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let sub = self.sub(name)?;
            let zone = self.zone().await?;
            if sub.is_empty() {
                self.set_apex(&zone, address).await
            } else {
                self.set_record(zone.id, &sub, address).await
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
            let zone = self.zone().await?;
            let existing = self.records(zone.id, &sub, "TXT").await?;
            if existing.iter().any(|r| r.data == value) {
                return Ok(());
            }
            self.call(
                reqwest::Method::POST,
                &format!("/zones/{}/records", zone.id),
                Some(json!({"name": sub, "type": "TXT", "data": value})),
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
            let zone = self.zone().await?;
            for r in self.records(zone.id, &sub, "TXT").await? {
                if r.data == value {
                    self.call(
                        reqwest::Method::DELETE,
                        &format!("/zones/{}/records/{}", zone.id, r.id),
                        None,
                    )
                    .await?;
                }
            }
            Ok(())
        })
    }

    /// `GET /zones/by-name/{zone}`: a bad token is 401, a zone it may not see 404.
    fn verify<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            self.sub(name)?;
            self.zone().await?;
            Ok(rest::read_only(format!("the token reads zone {}", self.zone)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddns::Failure;

    fn c(status: u16, body: &str) -> Result<(), ProviderError> {
        classify(&rest::answer(status, body, 9), "example.dynv6.net")
    }

    #[test]
    fn documented_errors_map_to_latch_and_backoff() {
        assert!(c(200, "{}").is_ok());
        assert!(c(204, "").is_ok());
        let e = c(
            401,
            r#"{"error":{"name":"Unauthorized","message":"invalid token"}}"#,
        )
        .unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("invalid token"), "{}", e.message);
        assert_eq!(c(403, "").unwrap_err().failure, Failure::Latch);
        assert_eq!(c(404, "").unwrap_err().failure, Failure::Latch);
        let e = c(
            422,
            r#"{"error":{"name":"ValidationError","message":"validation failed","fields":[{"name":"data","message":"is not a valid IPv4 address"}]}}"#,
        )
        .unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(
            e.message.contains("data: is not a valid IPv4 address"),
            "{}",
            e.message
        );
        let e = c(429, "").unwrap_err();
        assert_eq!(e.failure, Failure::Backoff);
        assert_eq!(e.retry_after, Some(std::time::Duration::from_secs(9)));
        assert_eq!(c(502, "<html>").unwrap_err().failure, Failure::Backoff);
    }
}
