//! Hetzner's DNS in the Hetzner Console, through the Hetzner Cloud API
//! (<https://docs.hetzner.cloud/reference/cloud#zone-rrsets>; the old dns.hetzner.com API is
//! retired). `Authorization: Bearer <token>` of a project token with Read & Write. A record set
//! is `GET /zones/{zone}/rrsets/{name}/{type}` (`{"rrset": {"records": [{"value": ..}]}}`),
//! created with `POST /zones/{zone}/rrsets` and changed with the actions `set_records`,
//! `add_records` and `remove_records` under `.../rrsets/{name}/{type}/actions/`. Changes are
//! asynchronous: each answers an `action` that is polled at `GET /zones/actions/{id}` until
//! `success` or `error`. Errors are `{"error": {"code": "unauthorized", "message": ..}}`.

use std::net::IpAddr;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

use super::registry::{self, Kind, RecordType, SecretKey, Spec};
use super::rest::{self, Wording};
use super::{BoxFuture, HttpAnswer, HttpApi, Provider, ProviderError};
use crate::config::{DdnsConfig, Secret, Settings};
use crate::error::Result;

const HELP: &str = "An API token of the Hetzner Console project that holds the zone: \
     console.hetzner.com > your project > Security > API tokens > Generate API token, \
     permission \"Read & Write\" (a read-only token cannot change records).";

pub const SPEC: Spec = Spec {
    name: "hetzner",
    aliases: &["hcloud"],
    title: "Hetzner",
    kind: Kind::Api,
    summary: "hetzner: a zone in the Hetzner Console (Cloud API), with a project API token",
    help: HELP,
    keys: &[registry::ZONE],
    secrets: &[SecretKey {
        name: "token",
        prompt: "Hetzner Cloud API token (Read & Write)",
        help: HELP,
    }],
    records: &[RecordType::A, RecordType::Aaaa, RecordType::Txt],
    docs: "https://docs.hetzner.cloud/reference/cloud#zone-rrsets",
    name_suffix: None,
    guess_suffixes: &[],
    build: |d, s| Ok(Box::new(Hetzner::from_config(d, s)?)),
};

pub const DEFAULT_BASE: &str = "https://api.hetzner.cloud/v1";

/// The pauses between polls of a running action: about 12 s in all, then give up.
const POLL: [u64; 10] = [50, 100, 200, 400, 800, 1000, 1500, 2000, 3000, 3000];

pub struct Hetzner {
    base: String,
    zone: String,
    token: Secret,
    ttl: u32,
    http: HttpApi,
}

#[derive(Deserialize)]
struct RrSetAnswer {
    rrset: RrSet,
}

#[derive(Deserialize)]
struct RrSet {
    #[serde(default)]
    records: Vec<Record>,
}

#[derive(Deserialize)]
struct Record {
    value: String,
}

#[derive(Deserialize)]
struct ActionAnswer {
    action: Action,
}

#[derive(Deserialize)]
struct Action {
    id: i64,
    #[serde(default)]
    status: String,
    #[serde(default)]
    command: String,
    error: Option<ApiError>,
}

#[derive(Deserialize)]
struct ApiError {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
}

#[derive(Deserialize)]
struct ErrorAnswer {
    error: ApiError,
}

impl Hetzner {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<Hetzner> {
        let (base, zone, token) = rest::api_config(
            ddns,
            settings,
            DEFAULT_BASE,
            "hetzner needs `zone` in [ddns]",
        )?;
        Ok(Hetzner {
            base,
            zone: zone.to_ascii_lowercase(),
            token,
            // The API accepts TTLs from 60 s.
            ttl: ddns.ttl.max(60),
            http: HttpApi::new(),
        })
    }

    /// The RRSet name: relative to the zone, lower case, `@` for the apex.
    fn rr_name(&self, name: &str) -> Result<String, ProviderError> {
        rest::zone_sub(name, &self.zone, "Hetzner zone")
            .map(|s| rest::at_apex(s.to_ascii_lowercase()))
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<HttpAnswer, ProviderError> {
        let rb = self
            .http
            .request(method, format!("{}{path}", self.base), body)?
            .bearer_auth(self.token.expose());
        let (mut answer, headers) = self.http.send_with_headers("Hetzner", rb).await?;
        if answer.status == 429 && answer.retry_after.is_none() {
            answer.retry_after = until_reset(
                headers
                    .get("ratelimit-reset")
                    .and_then(|v| v.to_str().ok()),
            );
        }
        Ok(answer)
    }

    /// The records of `name`/`rtype`, `None` when there is no such RRSet.
    async fn rrset(&self, name: &str, rtype: &str) -> Result<Option<Vec<String>>, ProviderError> {
        let path = format!("/zones/{}/rrsets/{name}/{rtype}", self.zone);
        let answer = self.send(reqwest::Method::GET, &path, None).await?;
        if answer.status == 404 && error_code(&answer) == "not_found" {
            // A missing zone is told apart by the change that follows (also 404, latched).
            return Ok(None);
        }
        classify(&answer, &self.zone)?;
        let set: RrSetAnswer = parse(&answer)?;
        Ok(Some(set.rrset.records.into_iter().map(|r| r.value).collect()))
    }

    /// A change that answers an action; waits for the action to finish.
    async fn change(&self, path: &str, body: Value) -> Result<(), ProviderError> {
        let answer = self.send(reqwest::Method::POST, path, Some(body)).await?;
        classify(&answer, &self.zone)?;
        let action: ActionAnswer = parse(&answer)?;
        self.wait(action.action).await
    }

    /// Poll the action until it is no longer `running` (bounded: about 12 s).
    async fn wait(&self, mut action: Action) -> Result<(), ProviderError> {
        for pause in POLL {
            match action.status.as_str() {
                "success" => return Ok(()),
                "error" => return Err(action_failed(&action)),
                _ => {}
            }
            tokio::time::sleep(Duration::from_millis(pause)).await;
            let path = format!("/zones/actions/{}", action.id);
            let answer = self.send(reqwest::Method::GET, &path, None).await?;
            classify(&answer, &self.zone)?;
            action = parse::<ActionAnswer>(&answer)?.action;
        }
        match action.status.as_str() {
            "success" => Ok(()),
            "error" => Err(action_failed(&action)),
            _ => Err(ProviderError::transient(format!(
                "Hetzner's {} action {} was still running after 12 s",
                action.command, action.id
            ))),
        }
    }

    fn rrset_path(&self, name: &str, rtype: &str, action: &str) -> String {
        format!("/zones/{}/rrsets/{name}/{rtype}/actions/{action}", self.zone)
    }

    /// Create the RRSet `name`/`rtype` with `values`.
    async fn create(&self, name: &str, rtype: &str, values: &[String], ttl: u32) -> Result<(), ProviderError> {
        let records: Vec<Value> = values.iter().map(|v| json!({ "value": v })).collect();
        let body = json!({"name": name, "type": rtype, "ttl": ttl, "records": records});
        self.change(&format!("/zones/{}/rrsets", self.zone), body).await
    }
}

/// Hetzner's rate limit (3600 requests an hour) says when it refills in `RateLimit-Reset`, a
/// UNIX timestamp: the time until then.
fn until_reset(reset: Option<&str>) -> Option<Duration> {
    let reset: u64 = reset?.trim().parse().ok()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    (reset > now).then(|| Duration::from_secs(reset - now))
}

fn parse<T: serde::de::DeserializeOwned>(answer: &HttpAnswer) -> Result<T, ProviderError> {
    serde_json::from_str(&answer.body).map_err(|e| {
        ProviderError::transient(format!("Hetzner sent an answer direkt cannot read: {e}"))
    })
}

fn error_code(answer: &HttpAnswer) -> String {
    serde_json::from_str::<ErrorAnswer>(&answer.body)
        .map(|e| e.error.code)
        .unwrap_or_default()
}

fn action_failed(action: &Action) -> ProviderError {
    let why = action
        .error
        .as_ref()
        .map(|e| format!("{}: {}", e.code, e.message))
        .unwrap_or_else(|| "no reason given".into());
    ProviderError::backoff(
        format!(
            "Hetzner's {} action failed: {}",
            action.command,
            rest::truncate(&why)
        ),
        None,
    )
}

const WORDING: Wording = Wording {
    credential: "API token",
    forbidden_hint: Some(
        "the token must have \"Read & Write\" permission in the project that holds the zone; \
         generate a new one and put it in the secret ddns.token",
    ),
    not_found: Some((
        "Hetzner has no zone {zone} in this token's project",
        "check ddns.zone, and that the token belongs to the project that holds the zone",
    )),
    invalid_hint: "fix what it names (ddns.zone must be a primary zone; ttl at least 60) and run \
                   again",
    ..Wording::new(
        "Hetzner",
        "generate an API token with \"Read & Write\" in the Hetzner Console (your project > \
         Security > API tokens) and put it in the secret ddns.token",
    )
};

/// Map an answer by its documented error code: `unauthorized` (401) and `forbidden` /
/// `token_readonly` (403) latch, `not_found` (404) latches (no such zone in the token's
/// project), `rate_limit_exceeded` (429, waiting until `RateLimit-Reset`) and 5xx back off,
/// `locked` / `conflict` (409, 423) are transient (another action runs), other 4xx
/// (`invalid_input`, `incorrect_zone_mode`) latch with Hetzner's message.
fn classify(answer: &HttpAnswer, zone: &str) -> Result<(), ProviderError> {
    if (200..300).contains(&answer.status) {
        return Ok(());
    }
    let err = serde_json::from_str::<ErrorAnswer>(&answer.body).ok();
    let code = err.as_ref().map(|e| e.error.code.as_str()).unwrap_or("");
    let words = err
        .as_ref()
        .map(|e| format!("{}: {}", e.error.code, e.error.message))
        .unwrap_or_default();
    let detail = rest::words_or_status(&words, answer.status);
    let status = match code {
        "unauthorized" => 401,
        "forbidden" | "token_readonly" => 403,
        _ => answer.status,
    };
    if matches!(status, 409 | 423) || matches!(code, "locked" | "conflict") {
        return Err(ProviderError::transient(format!(
            "Hetzner is busy with another change of the zone: {detail}"
        )));
    }
    rest::classify_as(status, answer, &detail, zone, &WORDING)
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

impl Provider for Hetzner {
    spec_and_requests!();

    fn set_address<'a>(
        &'a self,
        name: &'a str,
        address: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let rr = self.rr_name(name)?;
            let rtype = if address.is_ipv4() { "A" } else { "AAAA" };
            let want = vec![address.to_string()];
            match self.rrset(&rr, rtype).await? {
                None => self.create(&rr, rtype, &want, self.ttl).await,
                Some(have) if have == want => Ok(()),
                Some(_) => {
                    let path = self.rrset_path(&rr, rtype, "set_records");
                    self.change(&path, json!({"records": [{"value": want[0]}]}))
                        .await
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
            let rr = self.rr_name(fqdn)?;
            match self.rrset(&rr, "TXT").await? {
                None => self.create(&rr, "TXT", &[quoted(value)], 60).await,
                Some(have) if have.iter().any(|v| unquoted(v) == value) => Ok(()),
                Some(_) => {
                    let path = self.rrset_path(&rr, "TXT", "add_records");
                    self.change(&path, json!({"records": [{"value": quoted(value)}]}))
                        .await
                }
            }
        })
    }

    fn remove_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let rr = self.rr_name(fqdn)?;
            let have = self.rrset(&rr, "TXT").await?.unwrap_or_default();
            let gone: Vec<Value> = have
                .iter()
                .filter(|v| unquoted(v) == value)
                .map(|v| json!({ "value": v }))
                .collect();
            if gone.is_empty() {
                return Ok(());
            }
            let path = self.rrset_path(&rr, "TXT", "remove_records");
            self.change(&path, json!({ "records": gone })).await
        })
    }

    /// `GET /zones/{zone}`: a bad token is 401, a zone outside the token's project 404. Whether
    /// the token may write cannot be told without writing.
    fn verify<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            self.rr_name(name)?;
            let path = format!("/zones/{}", self.zone);
            let answer = self.send(reqwest::Method::GET, &path, None).await?;
            classify(&answer, &self.zone)?;
            Ok(format!(
                "the token reads zone {} (no record changed; make sure it has Read & Write)",
                self.zone
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddns::Failure;

    fn c(status: u16, body: &str) -> Result<(), ProviderError> {
        classify(&rest::answer(status, body, 9), "example.org")
    }

    fn err(code: &str, message: &str) -> String {
        json!({"error": {"code": code, "message": message, "details": {}}}).to_string()
    }

    #[test]
    fn documented_errors_map_to_latch_backoff_and_retry() {
        let e = c(401, &err("unauthorized", "unable to authenticate")).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("unable to authenticate"), "{}", e.message);
        assert!(e.hint.unwrap().contains("Read & Write"));
        let e = c(403, &err("token_readonly", "The token is only allowed to perform GET requests")).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert_eq!(c(403, &err("forbidden", "insufficient permissions")).unwrap_err().failure, Failure::Latch);
        let e = c(404, &err("not_found", "Zone not found")).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("no zone example.org"), "{}", e.message);
        let e = c(429, &err("rate_limit_exceeded", "limit of 3600 requests per hour reached")).unwrap_err();
        assert_eq!(e.failure, Failure::Backoff);
        assert_eq!(e.retry_after, Some(Duration::from_secs(9)));
        assert_eq!(c(409, &err("conflict", "please retry")).unwrap_err().failure, Failure::Transient);
        assert_eq!(c(423, &err("locked", "another action is running")).unwrap_err().failure, Failure::Transient);
        assert_eq!(c(503, &err("maintenance", "maintenance")).unwrap_err().failure, Failure::Backoff);
        assert_eq!(c(502, "<html>").unwrap_err().failure, Failure::Backoff);
        let e = c(422, &err("incorrect_zone_mode", "This operation is not supported for this Zone's mode.")).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("incorrect_zone_mode"), "{}", e.message);
        let long = "x".repeat(1000);
        let e = c(400, &err("invalid_input", &long)).unwrap_err();
        assert!(e.message.len() < 400, "{}", e.message.len());
        assert!(c(201, "{}").is_ok());
    }

    #[test]
    fn a_failed_action_backs_off_with_its_reason() {
        let a: ActionAnswer = serde_json::from_str(
            r#"{"action":{"id":7,"command":"set_rrset_records","status":"error","progress":100,
                "error":{"code":"action_failed","message":"Action failed"}}}"#,
        )
        .unwrap();
        let e = action_failed(&a.action);
        assert_eq!(e.failure, Failure::Backoff);
        assert!(e.message.contains("set_rrset_records action failed: action_failed"), "{}", e.message);
    }

    #[test]
    fn the_rate_limit_reset_becomes_the_wait() {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let d = until_reset(Some(&(now + 600).to_string())).unwrap();
        assert!(d <= Duration::from_secs(600) && d >= Duration::from_secs(590), "{d:?}");
        assert_eq!(until_reset(Some("1")), None);
        assert_eq!(until_reset(Some("soon")), None);
        assert_eq!(until_reset(None), None);
    }

    #[test]
    fn txt_quoting() {
        assert_eq!(unquoted("\"abc\""), "abc");
        assert_eq!(quoted("abc"), "\"abc\"");
    }
}
