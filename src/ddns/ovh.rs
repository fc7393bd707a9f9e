//! OVHcloud API v1 (`/domain/zone`), written from the getting-started guide
//! <https://help.ovhcloud.com/csm/en-api-getting-started-ovhcloud-api?id=kb_article_view&sysparm_article=KB0042784>
//! (application key, application secret and consumer key; signed requests) and the DNS guide
//! <https://help.ovhcloud.com/csm/en-dns-zone-edit-api?id=kb_article_view&sysparm_article=KB0051628>.
//! Every call carries `X-Ovh-Application`, `X-Ovh-Consumer`, `X-Ovh-Timestamp` (server time from
//! the unauthenticated `GET /auth/time`, read once) and `X-Ovh-Signature:
//! "$1$" + SHA1_HEX(AS+"+"+CK+"+"+METHOD+"+"+FULL_URL+"+"+BODY+"+"+TIMESTAMP)`.
//! `GET /domain/zone/{zone}/record?fieldType=&subDomain=` lists record ids, `GET .../record/{id}`
//! reads one, `POST .../record` creates, `PUT .../record/{id}` changes, `DELETE` removes, and
//! `POST /domain/zone/{zone}/refresh` applies the changes to the zone. Errors are
//! `{"errorCode":"NOT_GRANTED_CALL","httpCode":"403 Forbidden","message":".."}` (or
//! `{"class":..,"message":..}`).

use std::net::IpAddr;

use serde::Deserialize;
use serde_json::json;
use sha1::{Digest, Sha1};

use super::registry::{self, Builtin, Key, Kind, RecordType, SecretKey, Spec};
use super::rest::{self, Wording};
use super::{BoxFuture, HttpAnswer, HttpApi, Provider, ProviderError};
use crate::config::{DdnsConfig, Secret, Settings};
use crate::error::{Error, Result};

const HELP: &str = "Create the three keys at once at https://eu.api.ovh.com/createToken/ \
     (ovh-ca: ca.api.ovh.com, ovh-us: api.us.ovhcloud.com) with the rights GET, POST, PUT and \
     DELETE on /domain/zone/<your zone>/*; it shows the application key (goes in \
     application_key), the application secret and the consumer key (both secrets).";

/// The API endpoints by their usual names.
const ENDPOINTS: &[(&str, &str)] = &[
    ("ovh-eu", "https://eu.api.ovh.com/1.0"),
    ("ovh-ca", "https://ca.api.ovh.com/1.0"),
    ("ovh-us", "https://api.us.ovhcloud.com/1.0"),
    ("kimsufi-eu", "https://eu.api.kimsufi.com/1.0"),
    ("kimsufi-ca", "https://ca.api.kimsufi.com/1.0"),
    ("soyoustart-eu", "https://eu.api.soyoustart.com/1.0"),
    ("soyoustart-ca", "https://ca.api.soyoustart.com/1.0"),
];

fn endpoint(s: &str) -> std::result::Result<(), String> {
    if ENDPOINTS.iter().any(|(n, _)| *n == s) {
        Ok(())
    } else {
        let names: Vec<&str> = ENDPOINTS.iter().map(|(n, _)| *n).collect();
        Err(format!("`{s}` is not an OVH endpoint: use one of {}", names.join(", ")))
    }
}

fn app_key(s: &str) -> std::result::Result<(), String> {
    if (8..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(format!("`{s}` is not an OVH application key (8-64 letters and digits)"))
    }
}

pub const SPEC: Spec = Spec {
    name: "ovh",
    aliases: &["ovhcloud"],
    title: "OVHcloud",
    kind: Kind::Api,
    summary: "ovh: a DNS zone at OVHcloud, with an application key, secret and consumer key",
    help: HELP,
    keys: &[
        registry::ZONE,
        Key {
            name: "application_key",
            required: true,
            prompt: "Application key",
            help: HELP,
            default: Builtin::None,
            check: app_key,
            hint: "set application_key to the key createToken showed (the secret and the \
                   consumer key go in the secrets file)",
        },
        Key {
            name: "endpoint",
            required: false,
            prompt: "API endpoint",
            help: "ovh-eu (Europe, the default), ovh-ca (Canada and Asia-Pacific), ovh-us, \
                   kimsufi-eu/-ca, soyoustart-eu/-ca.",
            default: Builtin::Text("ovh-eu"),
            check: endpoint,
            hint: "set endpoint to ovh-eu, ovh-ca, ovh-us, kimsufi-eu, kimsufi-ca, \
                   soyoustart-eu or soyoustart-ca",
        },
    ],
    secrets: &[
        SecretKey {
            name: "application_secret",
            prompt: "Application secret",
            help: HELP,
        },
        SecretKey {
            name: "consumer_key",
            prompt: "Consumer key",
            help: HELP,
        },
    ],
    records: &[RecordType::A, RecordType::Aaaa, RecordType::Txt],
    docs: "https://help.ovhcloud.com/csm/en-api-getting-started-ovhcloud-api?id=kb_article_view&sysparm_article=KB0042784",
    name_suffix: None,
    guess_suffixes: &[],
    build: |d, s| Ok(Box::new(Ovh::from_config(d, s)?)),
};

pub struct Ovh {
    base: String,
    zone: String,
    application_key: String,
    application_secret: Secret,
    consumer_key: Secret,
    ttl: u32,
    http: HttpApi,
    /// Server time minus local time, seconds, read once from `/auth/time`.
    skew: tokio::sync::OnceCell<i64>,
}

#[derive(Deserialize)]
struct Record {
    id: u64,
    #[serde(default)]
    target: String,
}

impl Ovh {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<Ovh> {
        let name = ddns.get("endpoint").unwrap_or_else(|| "ovh-eu".into());
        let default = ENDPOINTS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, u)| *u)
            .ok_or_else(|| Error::usage(endpoint(&name).unwrap_err()))?;
        let base = super::base_url(ddns.server.as_deref(), default)?;
        let zone = ddns
            .zone
            .as_ref()
            .ok_or_else(|| Error::usage("ovh needs `zone` in [ddns] (the DNS zone)"))?;
        let application_key = ddns.get("application_key").ok_or_else(|| {
            Error::usage("ovh needs `application_key` in [ddns]").hint(HELP)
        })?;
        Ok(Ovh {
            base: base.as_str().trim_end_matches('/').to_string(),
            zone: zone.to_string(),
            application_key,
            application_secret: super::require_named_secret(settings, ddns, "application_secret")?,
            consumer_key: super::require_named_secret(settings, ddns, "consumer_key")?,
            ttl: ddns.ttl,
            http: HttpApi::new(),
            skew: tokio::sync::OnceCell::new(),
        })
    }

    fn sub(&self, name: &str) -> Result<String, ProviderError> {
        rest::zone_sub(name, &self.zone, "OVH zone")
    }

    /// The server's clock: now plus the skew `/auth/time` showed (read once).
    async fn timestamp(&self) -> Result<i64, ProviderError> {
        let now = || {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        };
        let skew = self
            .skew
            .get_or_try_init(|| async {
                let rb = self.http.client()?.get(format!("{}/auth/time", self.base));
                let answer = self.http.send("OVH", rb).await?;
                classify(&answer, &self.zone)?;
                let server: i64 = answer.body.trim().parse().map_err(|_| {
                    ProviderError::transient("OVH's /auth/time sent no time direkt can read")
                })?;
                Ok::<i64, ProviderError>(server - now())
            })
            .await?;
        Ok(now() + skew)
    }

    /// One signed call; `path` is below `/domain/zone/{zone}`.
    async fn call(
        &self,
        method: &str,
        path: &str,
        query: &[(&str, &str)],
        body: Option<serde_json::Value>,
    ) -> Result<String, ProviderError> {
        let url = super::with_query(&format!("{}/domain/zone/{}{path}", self.base, self.zone), query)?;
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let ts = self.timestamp().await?.to_string();
        let signature = sign(
            self.application_secret.expose(),
            self.consumer_key.expose(),
            method,
            url.as_str(),
            &body,
            &ts,
        );
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut rb = self
            .http
            .client()?
            .request(method, url)
            .header("X-Ovh-Application", &self.application_key)
            .header("X-Ovh-Consumer", self.consumer_key.expose())
            .header("X-Ovh-Timestamp", ts)
            .header("X-Ovh-Signature", signature);
        if !body.is_empty() {
            rb = rb
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        let answer = self.http.send("OVH", rb).await?;
        classify(&answer, &self.zone)?;
        Ok(answer.body)
    }

    /// The records of `rtype` at `sub`, each read for its target.
    async fn records(&self, rtype: &str, sub: &str) -> Result<Vec<Record>, ProviderError> {
        let q = [("fieldType", rtype), ("subDomain", sub)];
        let ids: Vec<u64> = read(&self.call("GET", "/record", &q, None).await?)?;
        let mut out = vec![];
        for id in ids {
            out.push(read(&self.call("GET", &format!("/record/{id}"), &[], None).await?)?);
        }
        Ok(out)
    }

    /// Apply the zone's changes (`POST /domain/zone/{zone}/refresh`).
    async fn refresh(&self) -> Result<(), ProviderError> {
        self.call("POST", "/refresh", &[], None).await.map(drop)
    }
}

/// `"$1$" + SHA1_HEX(AS+"+"+CK+"+"+METHOD+"+"+URL+"+"+BODY+"+"+TSTAMP)`.
fn sign(secret: &str, consumer: &str, method: &str, url: &str, body: &str, ts: &str) -> String {
    let digest = Sha1::digest(format!("{secret}+{consumer}+{method}+{url}+{body}+{ts}"));
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("$1${hex}")
}

fn read<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, ProviderError> {
    serde_json::from_str(body).map_err(|e| {
        ProviderError::transient(format!("OVH sent an answer direkt cannot read: {e}"))
    })
}

const WORDING: Wording = Wording {
    credential: "keys",
    not_found: Some((
        "OVH does not know zone {zone} or its record",
        "set ddns.zone to a DNS zone of this OVH account (and the right endpoint)",
    )),
    ..Wording::new(
        "OVH",
        "check application_key and the secrets application_secret and consumer_key \
         (createToken shows all three; a consumer key can expire or be revoked)",
    )
};

/// 401/403 (NOT_CREDENTIAL, INVALID_CREDENTIAL, INVALID_KEY, NOT_GRANTED_CALL, FORBIDDEN) and
/// 400 INVALID_SIGNATURE latch; a timestamp out of range is transient (the clock); 404 latch;
/// 429 and 5xx back off; other 4xx latch with OVH's words (`{"errorCode":..,"message":..}`).
fn classify(answer: &HttpAnswer, zone: &str) -> Result<(), ProviderError> {
    if (200..300).contains(&answer.status) {
        return Ok(());
    }
    let detail = rest::json_detail(&answer.body, &["errorCode", "message"], answer.status);
    let v: serde_json::Value = serde_json::from_str(&answer.body).unwrap_or_default();
    let code = rest::text_at(&v, "errorCode");
    let status = match code {
        "INVALID_SIGNATURE" => 401,
        _ => answer.status,
    };
    match code {
        "NOT_GRANTED_CALL" => Err(ProviderError::latch(
            format!("OVH has not granted this call to the consumer key: {detail}"),
            format!(
                "create keys at https://eu.api.ovh.com/createToken/ with GET, POST, PUT and \
                 DELETE on /domain/zone/{zone}/*"
            ),
        )),
        "QUERY_TIME_OUT" if !matches!(status, 401 | 403) => Err(ProviderError::transient(
            format!("OVH refused the request's time: {detail}"),
        )
        .with_hint("the box's clock is far off: let it sync (NTP) and the next run retries")),
        _ => rest::classify_as(status, answer, &detail, zone, &WORDING),
    }
}

fn unquoted(v: &str) -> &str {
    v.strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(v)
}

impl Provider for Ovh {
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
            let existing = self.records(rtype, &sub).await?;
            let mut rest = existing.iter();
            let mut changed = false;
            match rest.next() {
                Some(first) if first.target == target => {}
                Some(first) => {
                    let body = json!({"subDomain": sub, "target": target, "ttl": self.ttl});
                    self.call("PUT", &format!("/record/{}", first.id), &[], Some(body))
                        .await?;
                    changed = true;
                }
                None => {
                    let body = json!({"fieldType": rtype, "subDomain": sub, "target": target,
                                      "ttl": self.ttl});
                    self.call("POST", "/record", &[], Some(body)).await?;
                    changed = true;
                }
            }
            // Exactly one address of this family at the name.
            for extra in rest {
                self.call("DELETE", &format!("/record/{}", extra.id), &[], None)
                    .await?;
                changed = true;
            }
            if changed {
                self.refresh().await?;
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
            let existing = self.records("TXT", &sub).await?;
            if existing.iter().any(|r| unquoted(&r.target) == value) {
                return Ok(());
            }
            let body = json!({"fieldType": "TXT", "subDomain": sub, "target": value, "ttl": 60});
            self.call("POST", "/record", &[], Some(body)).await?;
            self.refresh().await
        })
    }

    fn remove_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let sub = self.sub(fqdn)?;
            let existing = self.records("TXT", &sub).await?;
            let gone: Vec<&Record> = existing
                .iter()
                .filter(|r| unquoted(&r.target) == value)
                .collect();
            for r in &gone {
                self.call("DELETE", &format!("/record/{}", r.id), &[], None)
                    .await?;
            }
            if !gone.is_empty() {
                self.refresh().await?;
            }
            Ok(())
        })
    }

    /// A signed `GET /domain/zone/{zone}/record?fieldType=A&subDomain=<name>`: the rights a
    /// consumer key for this zone has, without a write.
    fn verify<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            let sub = self.sub(name)?;
            let q = [("fieldType", "A"), ("subDomain", sub.as_str())];
            self.call("GET", "/record", &q, None).await?;
            Ok(rest::read_only(format!("the keys read zone {}'s records", self.zone)))
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
        let e = c(403, r#"{"errorCode":"NOT_GRANTED_CALL","httpCode":"403 Forbidden","message":"This call has not been granted"}"#).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.hint.unwrap().contains("/domain/zone/example.org/*"));
        let e = c(403, r#"{"errorCode":"INVALID_CREDENTIAL","httpCode":"403 Forbidden","message":"This credential is not valid"}"#).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("INVALID_CREDENTIAL This credential is not valid"), "{}", e.message);
        let e = c(400, r#"{"errorCode":"INVALID_SIGNATURE","httpCode":"400 Bad Request","message":"Invalid signature"}"#).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        let e = c(400, r#"{"errorCode":"QUERY_TIME_OUT","httpCode":"400 Bad Request","message":"Query out of time"}"#).unwrap_err();
        assert_eq!(e.failure, Failure::Transient);
        let e = c(404, r#"{"class":"Client::NotFound","message":"This service does not exist"}"#).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("This service does not exist"));
        let e = c(400, r#"{"class":"Client::BadRequest::InvalidParameter","message":"Invalid IPv4 address"}"#).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        let e = c(429, r#"{"class":"Client::TooManyRequests","message":"Too many requests"}"#).unwrap_err();
        assert_eq!(e.failure, Failure::Backoff);
        assert_eq!(e.retry_after, Some(Duration::from_secs(4)));
        assert_eq!(c(503, "").unwrap_err().failure, Failure::Backoff);
        assert!(c(200, "null").is_ok());
    }

    /// The guide's recipe: `$1$` and the SHA-1 of the six fields joined by `+`.
    #[test]
    fn the_signature_is_sha1_of_the_joined_fields() {
        let s = sign("AS", "CK", "GET", "https://eu.api.ovh.com/1.0/auth/time", "", "1");
        let want = Sha1::digest(b"AS+CK+GET+https://eu.api.ovh.com/1.0/auth/time++1");
        let hex: String = want.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(s, format!("$1${hex}"));
        assert_eq!(s.len(), 3 + 40);
        // Known value: sha1("abc") (FIPS 180 test vector) through the same hex path.
        let abc: String = Sha1::digest(b"abc").iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(abc, "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert!(endpoint("ovh-eu").is_ok() && endpoint("ovh-xx").is_err());
        assert!(app_key("7kbG7Bk7S9Nt7ZSV").is_ok() && app_key("a b").is_err());
    }
}
