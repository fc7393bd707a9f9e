//! AWS Route 53 (API version 2013-04-01, REST with XML bodies), written from the API reference
//! <https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html>
//! and its siblings ListHostedZonesByName, ListResourceRecordSets, GetHostedZone and GetChange.
//! Every request is signed with SigV4 (region `us-east-1`, service `route53`) by the `aws-sigv4`
//! crate. A record set is replaced with one `UPSERT` (or removed with a `DELETE` naming its exact
//! current values) in `POST /2013-04-01/hostedzone/{id}/rrset/`; the answer's change id is polled
//! with GetChange until `INSYNC` (bounded) for DNS-01 TXT values. Errors are
//! `<ErrorResponse><Error><Code>..</Code><Message>..</Message></Error></ErrorResponse>`;
//! throttling is HTTP 400 `Throttling` or `PriorRequestNotComplete`.

use std::net::IpAddr;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;

use super::registry::{self, Builtin, Key, Kind, RecordType, SecretKey, Spec};
use super::rest::{self, Wording};
use super::{BoxFuture, HttpAnswer, HttpApi, Provider, ProviderError};
use crate::config::{DdnsConfig, Secret, Settings};
use crate::error::{Error, Result};

const HELP: &str = "An IAM user's access key (IAM console > Users > (user) > Security \
     credentials > Create access key) whose policy allows route53:ChangeResourceRecordSets, \
     route53:ListResourceRecordSets and route53:GetHostedZone on the zone's \
     arn:aws:route53:::hostedzone/<id>, route53:GetChange on arn:aws:route53:::change/*, and \
     route53:ListHostedZonesByName (unless hosted_zone_id is set).";

/// An AWS id: upper-case letters and digits (access key ids, hosted zone ids).
fn aws_id(s: &str) -> std::result::Result<(), String> {
    let id = s.trim_start_matches("/hostedzone/");
    if (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        Ok(())
    } else {
        Err(format!("`{s}` is not an AWS id (upper-case letters and digits)"))
    }
}

pub const SPEC: Spec = Spec {
    name: "route53",
    aliases: &["aws", "aws-route53"],
    title: "AWS Route 53",
    kind: Kind::Api,
    summary: "route53: a public hosted zone at AWS Route 53, with an IAM access key",
    help: HELP,
    keys: &[
        registry::ZONE,
        Key {
            name: "access_key_id",
            required: true,
            prompt: "Access key id (AKIA...)",
            help: HELP,
            default: Builtin::None,
            check: aws_id,
            hint: "set access_key_id to the IAM access key id (AKIA...); its secret goes in the \
                   secrets file as secret_access_key",
        },
        Key {
            name: "hosted_zone_id",
            required: false,
            prompt: "Hosted zone id (empty: look it up by the zone's name)",
            help: "Route 53 console > Hosted zones > (zone) > Hosted zone ID, e.g. Z0123456789ABC.",
            default: Builtin::None,
            check: aws_id,
            hint: "set hosted_zone_id to the id shown in the Route 53 console, or leave it out",
        },
    ],
    secrets: &[SecretKey {
        name: "secret_access_key",
        prompt: "Secret access key",
        help: HELP,
    }],
    records: &[RecordType::A, RecordType::Aaaa, RecordType::Txt],
    docs: "https://docs.aws.amazon.com/Route53/latest/APIReference/API_ChangeResourceRecordSets.html",
    name_suffix: None,
    guess_suffixes: &[],
    build: |d, s| Ok(Box::new(Route53::from_config(d, s)?)),
};

pub const DEFAULT_BASE: &str = "https://route53.amazonaws.com";
const API: &str = "/2013-04-01";
const XMLNS: &str = "https://route53.amazonaws.com/doc/2013-04-01/";
/// Route 53 is a global service, signed for us-east-1.
const REGION: &str = "us-east-1";
const SERVICE: &str = "route53";
/// GetChange polls for a TXT change: the waits between them (about a minute in all).
const POLL: [u64; 12] = [0, 1, 2, 3, 5, 5, 5, 5, 5, 8, 8, 8];

pub struct Route53 {
    base: String,
    zone: String,
    zone_id: Option<String>,
    access_key_id: String,
    secret: Secret,
    ttl: u32,
    http: HttpApi,
}

/// One record set as Route 53 lists it.
struct RrSet {
    ttl: u32,
    values: Vec<String>,
}

impl Route53 {
    pub fn from_config(ddns: &DdnsConfig, settings: &Settings) -> Result<Route53> {
        let base = super::base_url(ddns.server.as_deref(), DEFAULT_BASE)?;
        let zone = ddns
            .zone
            .as_ref()
            .ok_or_else(|| Error::usage("route53 needs `zone` in [ddns] (the hosted zone)"))?;
        let access_key_id = ddns.get("access_key_id").ok_or_else(|| {
            Error::usage("route53 needs `access_key_id` in [ddns]").hint(
                "add access_key_id = \"AKIA...\" to [ddns]; the secret access key goes in the \
                 secrets file as secret_access_key",
            )
        })?;
        let secret = super::require_secret(settings, ddns)?;
        Ok(Route53 {
            base: base.as_str().trim_end_matches('/').to_string(),
            zone: zone.to_string(),
            zone_id: ddns
                .get("hosted_zone_id")
                .map(|z| z.trim_start_matches("/hostedzone/").to_string()),
            access_key_id,
            secret,
            ttl: ddns.ttl,
            http: HttpApi::new(),
        })
    }

    /// Send one signed request; `path_and_query` starts with `/2013-04-01`.
    async fn call(
        &self,
        method: &str,
        path_and_query: &str,
        body: &str,
    ) -> Result<String, ProviderError> {
        let url = format!("{}{path_and_query}", self.base);
        let mut rb = self.http.client()?.request(
            reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET),
            &url,
        );
        for (name, value) in self.signature(method, &url, body)? {
            rb = rb.header(name, value);
        }
        if !body.is_empty() {
            rb = rb
                .header(reqwest::header::CONTENT_TYPE, "text/xml")
                .body(body.to_string());
        }
        let answer = self.http.send("Route 53", rb).await?;
        classify(&answer, &self.zone)?;
        Ok(answer.body)
    }

    /// The SigV4 headers (`x-amz-date`, `authorization`) for this request, from `aws-sigv4`.
    fn signature(
        &self,
        method: &str,
        url: &str,
        body: &str,
    ) -> Result<Vec<(String, String)>, ProviderError> {
        let fail = |e: String| {
            ProviderError::unsupported(
                format!("Route 53: cannot sign the request: {e}"),
                "check ddns.server and access_key_id",
            )
        };
        let identity = Credentials::new(
            &self.access_key_id,
            self.secret.expose(),
            None,
            None,
            "direkt",
        )
        .into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(REGION)
            .name(SERVICE)
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| fail(e.to_string()))?
            .into();
        let request = SignableRequest::new(
            method,
            url,
            std::iter::empty(),
            SignableBody::Bytes(body.as_bytes()),
        )
        .map_err(|e| fail(e.to_string()))?;
        let (instructions, _) = sign(request, &params)
            .map_err(|e| fail(e.to_string()))?
            .into_parts();
        Ok(instructions
            .headers()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect())
    }

    /// The hosted zone's id: `hosted_zone_id`, or the public zone ListHostedZonesByName finds.
    async fn zone_id(&self) -> Result<String, ProviderError> {
        if let Some(id) = &self.zone_id {
            return Ok(id.clone());
        }
        let q = super::with_query("http://x/", &[("dnsname", &self.zone), ("maxitems", "10")])?;
        let path = format!("{API}/hostedzonesbyname?{}", q.query().unwrap_or(""));
        let root = parse(&self.call("GET", &path, "").await?)?;
        let want = format!("{}.", self.zone.trim_end_matches('.'));
        let zones = child(&root, "HostedZones").map(|z| elements(z, "HostedZone"));
        zones
            .into_iter()
            .flatten()
            .find(|z| {
                text(z, "Name").is_some_and(|n| n.eq_ignore_ascii_case(&want))
                    && child(z, "Config").and_then(|c| text(c, "PrivateZone")).as_deref()
                        != Some("true")
            })
            .and_then(|z| text(z, "Id"))
            .map(|id| id.trim_start_matches("/hostedzone/").to_string())
            .ok_or_else(|| {
                ProviderError::latch(
                    format!("Route 53 has no public hosted zone {} for this key", self.zone),
                    "check ddns.zone, or set hosted_zone_id (the policy needs \
                     route53:ListHostedZonesByName to look it up)",
                )
            })
    }

    /// The record set `fqdn`/`rtype`, if there is one.
    async fn rrset(&self, id: &str, fqdn: &str, rtype: &str) -> Result<Option<RrSet>, ProviderError> {
        let name = absolute(fqdn);
        let q = super::with_query(
            "http://x/",
            &[("name", &name), ("type", rtype), ("maxitems", "1")],
        )?;
        let path = format!("{API}/hostedzone/{id}/rrset?{}", q.query().unwrap_or(""));
        let root = parse(&self.call("GET", &path, "").await?)?;
        // The listing starts at name/type: the first set may be another one.
        let set = child(&root, "ResourceRecordSets")
            .and_then(|s| elements(s, "ResourceRecordSet").into_iter().next())
            .filter(|s| {
                text(s, "Name").is_some_and(|n| n.eq_ignore_ascii_case(&name))
                    && text(s, "Type").as_deref() == Some(rtype)
            });
        Ok(set.map(|s| RrSet {
            ttl: text(s, "TTL").and_then(|t| t.parse().ok()).unwrap_or(300),
            values: child(s, "ResourceRecords")
                .map(|r| elements(r, "ResourceRecord"))
                .into_iter()
                .flatten()
                .filter_map(|r| text(r, "Value"))
                .collect(),
        }))
    }

    /// One change (`UPSERT` or `DELETE`) of a whole set; the answer's change id.
    async fn change(
        &self,
        id: &str,
        action: &str,
        fqdn: &str,
        rtype: &str,
        set: &RrSet,
    ) -> Result<String, ProviderError> {
        let body = change_batch(action, &absolute(fqdn), rtype, set);
        let root = parse(
            &self
                .call("POST", &format!("{API}/hostedzone/{id}/rrset/"), &body)
                .await?,
        )?;
        Ok(child(&root, "ChangeInfo")
            .and_then(|c| text(c, "Id"))
            .unwrap_or_default())
    }

    /// Poll GetChange until the change is `INSYNC` on every Route 53 server (bounded: then the
    /// change is accepted and still propagating, which the caller's DNS check sees).
    async fn wait_in_sync(&self, change: &str) -> Result<(), ProviderError> {
        let change = change.trim_start_matches("/change/");
        if change.is_empty() {
            return Ok(());
        }
        for wait in POLL {
            tokio::time::sleep(Duration::from_secs(wait)).await;
            let root = parse(&self.call("GET", &format!("{API}/change/{change}"), "").await?)?;
            let status = child(&root, "ChangeInfo").and_then(|c| text(c, "Status"));
            if status.as_deref() == Some("INSYNC") {
                return Ok(());
            }
        }
        tracing::warn!(change, "Route 53 change not yet INSYNC; going on");
        Ok(())
    }
}

fn absolute(name: &str) -> String {
    format!("{}.", name.trim_end_matches('.'))
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The ChangeResourceRecordSets request body for one change of a whole set.
fn change_batch(action: &str, name: &str, rtype: &str, set: &RrSet) -> String {
    let records: String = set
        .values
        .iter()
        .map(|v| format!("<ResourceRecord><Value>{}</Value></ResourceRecord>", xml_escape(v)))
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <ChangeResourceRecordSetsRequest xmlns=\"{XMLNS}\"><ChangeBatch>\
         <Comment>direkt</Comment><Changes><Change><Action>{action}</Action>\
         <ResourceRecordSet><Name>{}</Name><Type>{rtype}</Type><TTL>{}</TTL>\
         <ResourceRecords>{records}</ResourceRecords></ResourceRecordSet></Change></Changes>\
         </ChangeBatch></ChangeResourceRecordSetsRequest>",
        xml_escape(name),
        set.ttl
    )
}

fn parse(body: &str) -> Result<xmltree::Element, ProviderError> {
    xmltree::Element::parse(body.as_bytes()).map_err(|e| {
        ProviderError::transient(format!("Route 53 sent an answer direkt cannot read: {e}"))
    })
}

fn child<'a>(e: &'a xmltree::Element, name: &str) -> Option<&'a xmltree::Element> {
    e.get_child(name)
}

fn elements<'a>(e: &'a xmltree::Element, name: &str) -> Vec<&'a xmltree::Element> {
    e.children
        .iter()
        .filter_map(|n| n.as_element())
        .filter(|c| c.name == name)
        .collect()
}

fn text(e: &xmltree::Element, name: &str) -> Option<String> {
    e.get_child(name)
        .and_then(|c| c.get_text())
        .map(|t| t.trim().to_string())
}

/// The error's code and message (`<ErrorResponse><Error>` or `<InvalidChangeBatch><Messages>`).
fn error_of(body: &str) -> (String, String) {
    let Ok(root) = xmltree::Element::parse(body.as_bytes()) else {
        return (String::new(), String::new());
    };
    if let Some(e) = child(&root, "Error") {
        return (
            text(e, "Code").unwrap_or_default(),
            text(e, "Message").unwrap_or_default(),
        );
    }
    let messages = child(&root, "Messages")
        .map(|m| elements(m, "Message"))
        .into_iter()
        .flatten()
        .filter_map(|m| m.get_text().map(|t| t.to_string()))
        .collect::<Vec<_>>()
        .join("; ");
    (root.name.clone(), messages)
}

const WORDING: Wording = Wording {
    credential: "access key",
    invalid_hint: "check ddns.zone and hosted_zone_id against the Route 53 console",
    ..Wording::new(
        "Route 53",
        "create an access key for an IAM user (IAM > Users > Security credentials), put its id \
         in ddns.access_key_id and its secret in the secret ddns.secret_access_key",
    )
};

/// Throttling and PriorRequestNotComplete (HTTP 400), 429 and 5xx back off; refused or unknown
/// keys and denied actions (403) latch; an expired signature (clock) is transient; other 4xx
/// (InvalidChangeBatch, InvalidInput, NoSuchHostedZone) latch with Route 53's words.
fn classify(answer: &HttpAnswer, zone: &str) -> Result<(), ProviderError> {
    if (200..300).contains(&answer.status) {
        return Ok(());
    }
    let (code, message) = error_of(&answer.body);
    let detail = rest::words_or_status(format!("{code} {message}").trim(), answer.status);
    let throttled = ["Throttling", "ThrottlingException", "PriorRequestNotComplete"];
    let status = match code.as_str() {
        c if throttled.contains(&c) => 429,
        _ => answer.status,
    };
    if status == 429 || status >= 500 {
        return rest::classify_as(status, answer, &detail, zone, &WORDING);
    }
    match code.as_str() {
        "RequestExpired" | "RequestTimeTooSkewed" => Err(ProviderError::transient(format!(
            "Route 53 refused the request's time: {detail}"
        ))
        .with_hint("the box's clock is off: let it sync (NTP) and the next run retries")),
        "AccessDenied" | "AccessDeniedException" => Err(ProviderError::latch(
            format!("Route 53 denies this to the access key: {detail}"),
            format!(
                "allow the key's IAM user route53:ChangeResourceRecordSets, \
                 ListResourceRecordSets, GetHostedZone and GetChange on zone {zone} \
                 (and ListHostedZonesByName)"
            ),
        )),
        _ => rest::classify_as(status, answer, &detail, zone, &WORDING),
    }
}

fn family(address: IpAddr) -> &'static str {
    if address.is_ipv4() { "A" } else { "AAAA" }
}

fn quoted(value: &str) -> String {
    format!("\"{value}\"")
}

impl Provider for Route53 {
    spec_and_requests!();

    fn set_address<'a>(
        &'a self,
        name: &'a str,
        address: IpAddr,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let id = self.zone_id().await?;
            let set = RrSet {
                ttl: self.ttl,
                values: vec![address.to_string()],
            };
            self.change(&id, "UPSERT", name, family(address), &set)
                .await
                .map(drop)
        })
    }

    fn set_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let id = self.zone_id().await?;
            let mut set = self.rrset(&id, fqdn, "TXT").await?.unwrap_or(RrSet {
                ttl: 60,
                values: vec![],
            });
            if set.values.contains(&quoted(value)) {
                return Ok(());
            }
            set.values.push(quoted(value));
            let change = self.change(&id, "UPSERT", fqdn, "TXT", &set).await?;
            self.wait_in_sync(&change).await
        })
    }

    fn remove_txt<'a>(
        &'a self,
        fqdn: &'a str,
        value: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(async move {
            let id = self.zone_id().await?;
            let Some(mut set) = self.rrset(&id, fqdn, "TXT").await? else {
                return Ok(());
            };
            if !set.values.contains(&quoted(value)) {
                return Ok(());
            }
            if set.values.len() == 1 {
                // DELETE names the set exactly as it is.
                return self.change(&id, "DELETE", fqdn, "TXT", &set).await.map(drop);
            }
            set.values.retain(|v| *v != quoted(value));
            self.change(&id, "UPSERT", fqdn, "TXT", &set).await.map(drop)
        })
    }

    /// GetHostedZone (after ListHostedZonesByName without `hosted_zone_id`): a refused key is
    /// 403, a zone the policy does not cover AccessDenied, an unknown id NoSuchHostedZone.
    fn verify<'a>(&'a self, _name: &'a str) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(async move {
            let id = self.zone_id().await?;
            self.call("GET", &format!("{API}/hostedzone/{id}"), "").await?;
            Ok(rest::read_only(format!("the access key reads hosted zone {} ({id})", self.zone)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddns::Failure;

    fn c(status: u16, body: &str) -> Result<(), ProviderError> {
        classify(&rest::answer(status, body, 2), "example.org")
    }

    fn err(code: &str, message: &str) -> String {
        format!(
            "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"{XMLNS}\"><Error><Type>Sender</Type>\
             <Code>{code}</Code><Message>{message}</Message></Error>\
             <RequestId>a1b2</RequestId></ErrorResponse>"
        )
    }

    #[test]
    fn documented_errors_map_to_latch_and_backoff() {
        let e = c(403, &err("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.")).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("SignatureDoesNotMatch"), "{}", e.message);
        assert!(e.hint.unwrap().contains("secret_access_key"));
        let e = c(403, &err("InvalidClientTokenId", "The security token included in the request is invalid.")).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        let e = c(403, &err("AccessDenied", "User is not authorized to perform: route53:ChangeResourceRecordSets")).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.hint.unwrap().contains("route53:ChangeResourceRecordSets"));
        let e = c(400, &err("Throttling", "Rate exceeded")).unwrap_err();
        assert_eq!(e.failure, Failure::Backoff);
        assert_eq!(e.retry_after, Some(Duration::from_secs(2)));
        let e = c(400, &err("PriorRequestNotComplete", "The request was rejected because Route 53 was still processing a prior request.")).unwrap_err();
        assert_eq!(e.failure, Failure::Backoff);
        let e = c(404, &err("NoSuchHostedZone", "No hosted zone found with ID: Z1")).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        let batch = format!("<InvalidChangeBatch xmlns=\"{XMLNS}\"><Messages><Message>Tried to delete resource record set [name='x.example.org.', type='TXT'] but it was not found</Message></Messages></InvalidChangeBatch>");
        let e = c(400, &batch).unwrap_err();
        assert_eq!(e.failure, Failure::Latch);
        assert!(e.message.contains("InvalidChangeBatch Tried to delete"), "{}", e.message);
        let e = c(403, &err("RequestExpired", "Request has expired.")).unwrap_err();
        assert_eq!(e.failure, Failure::Transient);
        assert_eq!(c(503, &err("ServiceUnavailable", "")).unwrap_err().failure, Failure::Backoff);
        assert!(c(200, "<ok/>").is_ok());
    }

    #[test]
    fn the_change_batch_is_the_documented_xml() {
        let set = RrSet {
            ttl: 300,
            values: vec!["\"a<b\"".into()],
        };
        let xml = change_batch("UPSERT", "_acme-challenge.example.org.", "TXT", &set);
        let root = xmltree::Element::parse(xml.as_bytes()).unwrap();
        assert_eq!(root.name, "ChangeResourceRecordSetsRequest");
        let rrset = root
            .get_child("ChangeBatch")
            .and_then(|b| b.get_child("Changes"))
            .and_then(|c| c.get_child("Change"))
            .and_then(|c| c.get_child("ResourceRecordSet"))
            .unwrap();
        assert_eq!(text(rrset, "Type").unwrap(), "TXT");
        assert_eq!(text(rrset, "TTL").unwrap(), "300");
        let v = rrset
            .get_child("ResourceRecords")
            .and_then(|r| r.get_child("ResourceRecord"))
            .and_then(|r| r.get_child("Value"))
            .and_then(|v| v.get_text())
            .unwrap();
        assert_eq!(v, "\"a<b\"");
        assert!(aws_id("Z0123456789ABC").is_ok());
        assert!(aws_id("/hostedzone/Z0123456789ABC").is_ok());
        assert!(aws_id("example.org").is_err());
    }
}
