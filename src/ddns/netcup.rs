//! netcup CCP DNS API (<https://ccp.netcup.net/run/webservice/servers/endpoint.php>; the JSON
//! variant at `endpoint.php?JSON`): every call is a `POST` of `{"action": .., "param": {..}}`.
//! `login` (customer number, API key, API password) answers an `apisessionid`;
//! `infoDnsRecords` lists the zone's records, `updateDnsRecords` adds, changes (by `id`) or
//! deletes (`deleterecord`) records; `logout` ends the session. Every answer has `status`
//! (`success` / `error`), a `statuscode` (2000 is success), `shortmessage` and `longmessage`.
//! netcup has one TTL per zone, so `ttl` is not sent.

use std::net::IpAddr;

use serde::Deserialize;
use serde_json::{Value, json};

use super::registry::{self, Builtin, Key, Kind, RecordType, SecretKey, Spec};
use super::rest;
use super::{BoxFuture, HttpApi, Provider, ProviderError};
use crate::config::{DdnsConfig, Secret, Settings};
use crate::error::{Error, Result};

const HELP: &str = "In the netcup Customer Control Panel (customercontrolpanel.de) > Master Data \
     (Stammdaten) > API: create an API key and the API password; the customer number is shown \
     next to your name. The key may change every domain of the account.";

/// A netcup customer number: digits.
fn customer_number(s: &str) -> std::result::Result<(), String> {
    if !s.is_empty() && s.len() <= 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(format!("`{s}` is not a netcup customer number (digits only)"))
    }
}

pub const SPEC: Spec = Spec {
    name: "netcup",
    aliases: &[],
    title: "netcup",
    kind: Kind::Api,
    summary: "netcup: a domain at netcup, with the CCP API key and API password",
    help: HELP,
    keys: &[
        registry::ZONE,
        Key {
            name: "customer_number",
            required: true,
            prompt: "netcup customer number",
            help: "Shown in the Customer Control Panel next to your name.",
            default: Builtin::None,
            check: customer_number,
            hint: "set ddns.customer_number to your netcup customer number (digits)",
        },
    ],
    secrets: &[
        SecretKey {
            name: "api_key",
            prompt: "netcup API key",
            help: HELP,
        },
        SecretKey {
            name: "api_password",
            prompt: "netcup API password",
            help: HELP,
        },
    ],
    records: &[RecordType::A, RecordType::Aaaa, RecordType::Txt],
    docs: "https://ccp.netcup.net/run/webservice/servers/endpoint.php",
    name_suffix: None,
    guess_suffixes: &[],
    build: |d, s| Ok(Box::new(Netcup::from_config(d, s)?)),
};

pub const DEFAULT_BASE: &str = "https://ccp.netcup.net/run/webservice/servers/endpoint.php?JSON";

/// The status code of a session that netcup no longer knows (it ends sessions early): log in
/// again once.
const SESSION_GONE: i64 = 4001;

pub struct Netcup {
    url: String,
    domain: String,
    customer: String,
    api_key: Secret,
    api_password: Secret,
    http: HttpApi,
}

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    status: String,
    #[serde(default)]
    statuscode: i64,
    #[serde(default)]
    shortmessage: String,
    #[serde(default)]
    longmessage: String,
    #[serde(default)]
    responsedata: Value,
}

#[derive(Deserialize, Clone)]
struct NcRecord {
    #[serde(default)]
    id: String,
    #[serde(default)]
    hostname: String,
    #[serde(rename = "type", default)]
    rtype: String,
    #[serde(default)]
    destination: String,
}

impl NcRecord {
    fn is(&self, host: &str, rtype: &str) -> bool {
        self.hostname.eq_ignore_ascii_case(host) && self.rtype.eq_ignore_ascii_case(rtype)
    }
}

/// A failed call: the session is gone (log in again), or anything else.
enum Fail {
    Session,
    Provider(ProviderError),
}

impl From<ProviderError> for Fail {
    fn from(e: ProviderError) -> Fail {
        Fail::Provider(e)
    }
}

/// What to send to `updateDnsRecords`, decided from the zone's records.
type Decide<'a> = &'a (dyn Fn(&[NcRecord]) -> Vec<Value> + Send + Sync);

impl Netcup {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<Netcup> {
        let url = super::base_url(ddns.server.as_deref(), DEFAULT_BASE)?;
        let domain = ddns
            .zone
            .as_ref()
            .ok_or_else(|| Error::usage("netcup needs `zone` in [ddns] (the netcup domain)"))?;
        let customer = ddns.get("customer_number").ok_or_else(|| {
            Error::usage("netcup needs `customer_number` in [ddns]")
                .hint("the customer number is shown in the netcup Customer Control Panel")
        })?;
        let api_key = super::require_named_secret(settings, ddns, "api_key")?;
        let api_password = super::require_named_secret(settings, ddns, "api_password")?;
        Ok(Netcup {
            url: url.to_string(),
            domain: domain.to_string().to_ascii_lowercase(),
            customer,
            api_key,
            api_password,
            http: HttpApi::new(),
        })
    }

    /// The netcup host name: relative to the domain, `@` for the apex.
    fn host(&self, name: &str) -> Result<String, ProviderError> {
        rest::zone_sub(name, &self.domain, "netcup domain")
            .map(|s| rest::at_apex(s.to_ascii_lowercase()))
    }

    /// One action; its `responsedata` on success.
    async fn action(&self, action: &str, param: Value) -> Result<Value, Fail> {
        let rb = self
            .http
            .client()?
            .post(&self.url)
            .json(&json!({"action": action, "param": param}));
        let answer = self.http.send("netcup", rb).await?;
        if answer.status == 429 || answer.status >= 500 {
            return Err(ProviderError::backoff(
                format!("netcup failed (HTTP {})", answer.status),
                answer.retry_after,
            )
            .into());
        }
        let a: Answer = serde_json::from_str(&answer.body).map_err(|e| {
            ProviderError::transient(format!("netcup sent an answer direkt cannot read: {e}"))
        })?;
        if a.status == "success" && a.statuscode == 2000 {
            return Ok(a.responsedata);
        }
        if a.statuscode == SESSION_GONE && action != "login" {
            return Err(Fail::Session);
        }
        Err(classify(action, &a, &self.domain).into())
    }

    async fn login(&self) -> Result<String, ProviderError> {
        let param = json!({
            "customernumber": self.customer,
            "apikey": self.api_key.expose(),
            "apipassword": self.api_password.expose(),
        });
        let data = self.action("login", param).await.map_err(session_is_error)?;
        data.get("apisessionid")
            .and_then(|s| s.as_str())
            .map(str::to_string)
            .ok_or_else(|| ProviderError::transient("netcup's login answer has no apisessionid"))
    }

    /// Best effort: an open session expires on its own.
    async fn logout(&self, sid: &str) {
        let param = json!({"customernumber": self.customer, "apikey": self.api_key.expose(),
                           "apisessionid": sid});
        let _ = self.action("logout", param).await;
    }

    fn session_param(&self, sid: &str) -> Value {
        json!({"domainname": self.domain, "customernumber": self.customer,
               "apikey": self.api_key.expose(), "apisessionid": sid})
    }

    async fn records(&self, sid: &str) -> Result<Vec<NcRecord>, Fail> {
        let data = self.action("infoDnsRecords", self.session_param(sid)).await?;
        Ok(serde_json::from_value(data["dnsrecords"].clone()).unwrap_or_default())
    }

    async fn change_in(&self, sid: &str, decide: Decide<'_>) -> Result<(), Fail> {
        let records = self.records(sid).await?;
        let changes = decide(&records);
        if changes.is_empty() {
            return Ok(());
        }
        let mut param = self.session_param(sid);
        param["dnsrecordset"] = json!({ "dnsrecords": changes });
        self.action("updateDnsRecords", param).await.map(|_| ())
    }

    /// Log in, read the records, send what `decide` says (if anything), log out. A session
    /// netcup forgets midway is opened again once.
    async fn change(&self, decide: Decide<'_>) -> Result<(), ProviderError> {
        let sid = self.login().await?;
        let result = match self.change_in(&sid, decide).await {
            Err(Fail::Session) => {
                let sid = self.login().await?;
                let again = self.change_in(&sid, decide).await;
                self.logout(&sid).await;
                return again.map_err(session_is_error);
            }
            other => other,
        };
        self.logout(&sid).await;
        result.map_err(session_is_error)
    }
}

fn session_is_error(f: Fail) -> ProviderError {
    match f {
        Fail::Provider(e) => e,
        Fail::Session => ProviderError::transient(
            "netcup ended the API session twice in a row (status 4001); the next run tries again",
        ),
    }
}

/// A netcup `error` answer: a message about too many requests backs off; 5xxx codes other
/// than "not found" back off (netcup's side); any other failed `login` latches (wrong customer
/// number, API key or API password); other codes (4013 validation error, 5029 "domain not
/// found") latch with netcup's message.
fn classify(action: &str, a: &Answer, domain: &str) -> ProviderError {
    let detail = rest::truncate(&format!(
        "{} {} {}",
        a.statuscode,
        a.shortmessage.trim(),
        a.longmessage.trim()
    ));
    let lower = detail.to_ascii_lowercase();
    if lower.contains("too many") || lower.contains("limit") {
        return ProviderError::backoff(format!("netcup rate-limits us: {detail}"), None);
    }
    if a.statuscode >= 5000 && !lower.contains("not found") {
        return ProviderError::backoff(format!("netcup failed at {action}: {detail}"), None);
    }
    if action == "login" {
        return ProviderError::latch(
            format!("netcup refused the login: {detail}"),
            "check ddns.customer_number and the secrets ddns.api_key and ddns.api_password \
             (Customer Control Panel > Master Data > API)",
        );
    }
    ProviderError::latch(
        format!("netcup refused {action}: {detail}"),
        format!("check ddns.zone ({domain} must be a domain of this netcup account)"),
    )
}

fn record(id: Option<&str>, host: &str, rtype: &str, destination: &str, delete: bool) -> Value {
    let mut r = json!({"hostname": host, "type": rtype, "priority": "",
                       "destination": destination, "deleterecord": delete});
    if let Some(id) = id {
        r["id"] = json!(id);
    }
    r
}

/// The changes that make `host`/`rtype` exactly `value`: change the first record if needed,
/// delete the others, or add one.
fn set_exactly(records: &[NcRecord], host: &str, rtype: &str, value: &str) -> Vec<Value> {
    let mut mine = records.iter().filter(|r| r.is(host, rtype));
    let mut out = vec![];
    match mine.next() {
        Some(first) if first.destination == value => {}
        Some(first) => out.push(record(Some(&first.id), host, rtype, value, false)),
        None => out.push(record(None, host, rtype, value, false)),
    }
    for extra in mine {
        out.push(record(Some(&extra.id), host, rtype, &extra.destination, true));
    }
    out
}

impl Provider for Netcup {
    spec_and_requests!();

    fn set_address<'a>(
        &'a self,
        name: &'a str,
        address: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let host = self.host(name)?;
            let rtype = if address.is_ipv4() { "A" } else { "AAAA" };
            let value = address.to_string();
            self.change(&|records| set_exactly(records, &host, rtype, &value))
                .await
        })
    }

    fn set_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let host = self.host(fqdn)?;
            self.change(&|records| {
                if records
                    .iter()
                    .any(|r| r.is(&host, "TXT") && r.destination == value)
                {
                    vec![]
                } else {
                    vec![record(None, &host, "TXT", value, false)]
                }
            })
            .await
        })
    }

    fn remove_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let host = self.host(fqdn)?;
            self.change(&|records| {
                records
                    .iter()
                    .filter(|r| r.is(&host, "TXT") && r.destination == value)
                    .map(|r| record(Some(&r.id), &host, "TXT", value, true))
                    .collect()
            })
            .await
        })
    }

    /// `login`, `infoDnsRecords` of the domain, `logout`: nothing is written.
    fn verify<'a>(&'a self, name: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            self.host(name)?;
            self.change(&|_| vec![]).await?;
            Ok(rest::read_only(format!(
                "netcup accepts the login and lists the records of {}",
                self.domain
            )))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddns::Failure;

    fn answer(code: i64, short: &str, long: &str) -> Answer {
        serde_json::from_value(json!({"serverrequestid": "x", "clientrequestid": "",
            "action": "a", "status": "error", "statuscode": code, "shortmessage": short,
            "longmessage": long, "responsedata": ""}))
        .unwrap()
    }

    #[test]
    fn documented_status_codes_map_to_latch_and_backoff() {
        let e = classify("login", &answer(4013, "Validation Error.", "The api key is invalid."), "example.org");
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("4013 Validation Error. The api key is invalid."), "{}", e.message);
        assert!(e.hint.unwrap().contains("api_password"));
        let e = classify(
            "infoDnsRecords",
            &answer(4013, "Validation Error.", "Value in field domainname does not match requirements of type: domainname."),
            "example.org",
        );
        assert_eq!(e.failure, Failure::Latch);
        let e = classify("infoDnsRecords", &answer(5029, "Can not get DNS records for zone.", "Domain not found."), "example.org");
        assert_eq!(e.failure, Failure::Latch);
        let e = classify("updateDnsRecords", &answer(5000, "Internal error.", "Please try again later."), "example.org");
        assert_eq!(e.failure, Failure::Backoff);
        let e = classify("infoDnsRecords", &answer(4016, "Too many requests.", "Too many requests per minute."), "example.org");
        assert_eq!(e.failure, Failure::Backoff);
        assert!(customer_number("12345").is_ok());
        assert!(customer_number("example.org").is_err());
    }

    #[test]
    fn set_exactly_changes_adds_and_deletes() {
        let rec = |id: &str, h: &str, t: &str, d: &str| NcRecord {
            id: id.into(),
            hostname: h.into(),
            rtype: t.into(),
            destination: d.into(),
        };
        let zone = [rec("1", "box", "A", "192.0.2.1"), rec("2", "box", "AAAA", "2001:db8::1")];
        assert!(set_exactly(&zone, "box", "A", "192.0.2.1").is_empty());
        let c = set_exactly(&zone, "box", "A", "192.0.2.9");
        assert_eq!(c, vec![record(Some("1"), "box", "A", "192.0.2.9", false)]);
        let c = set_exactly(&zone, "@", "A", "192.0.2.9");
        assert_eq!(c, vec![record(None, "@", "A", "192.0.2.9", false)]);
        let two = [rec("1", "box", "A", "192.0.2.1"), rec("3", "box", "A", "192.0.2.3")];
        let c = set_exactly(&two, "box", "A", "192.0.2.1");
        assert_eq!(c, vec![record(Some("3"), "box", "A", "192.0.2.3", true)]);
    }
}
