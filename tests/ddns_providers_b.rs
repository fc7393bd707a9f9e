//! The API providers DigitalOcean, Gandi LiveDNS, Linode, AWS Route 53 and OVH, each driven
//! through the built binary (`direkt ddns update` with `[ddns] server` pointing at a local fake)
//! and through the library (TXT for DNS-01, `verify`). Every fake is written from the provider's
//! public API documentation (named above each fake): it checks method, path, auth and body, and
//! answers with the documented bodies, error bodies included. Nothing contacts a real provider.

mod support;

use std::collections::BTreeSet;

use serde_json::json;
use support::Env;
use support::fake::{FakeHttp, FakeSources, Req, Resp};
use support::providers::{
    Shared, api_config, now, refused_and_latched, runtime, settings_of, shared, state,
    write_secrets,
};

const TOKEN: &str = "tok-Sekr1t-0a1b2c3d";
const NAME: &str = "box.example.test";
const ACME: &str = "_acme-challenge.box.example.test";

/// One record in a fake's zone, whatever the provider's own shape: `sub` is relative to the
/// zone (`""` for the apex).
#[derive(Debug, Clone, PartialEq)]
struct Rec {
    id: u64,
    rtype: String,
    sub: String,
    value: String,
    ttl: u64,
}

#[derive(Clone, Default)]
struct Store(Shared<Vec<Rec>>);

impl Store {
    fn add(&self, rtype: &str, sub: &str, value: &str, ttl: u64) -> Rec {
        let mut v = self.0.lock().unwrap();
        let id = v.iter().map(|r| r.id).max().unwrap_or(1000) + 1;
        let r = Rec {
            id,
            rtype: rtype.into(),
            sub: sub.into(),
            value: value.into(),
            ttl,
        };
        v.push(r.clone());
        r
    }
    fn find(&self, rtype: &str, sub: &str) -> Vec<Rec> {
        let v = self.0.lock().unwrap();
        v.iter()
            .filter(|r| r.rtype == rtype && r.sub == sub)
            .cloned()
            .collect()
    }
    fn values(&self, rtype: &str, sub: &str) -> BTreeSet<String> {
        self.find(rtype, sub).into_iter().map(|r| r.value).collect()
    }
    fn by_id(&self, id: u64) -> Option<Rec> {
        self.0.lock().unwrap().iter().find(|r| r.id == id).cloned()
    }
    fn remove(&self, id: u64) -> bool {
        let mut v = self.0.lock().unwrap();
        let n = v.len();
        v.retain(|r| r.id != id);
        v.len() != n
    }
    fn set(&self, id: u64, value: &str) {
        let mut v = self.0.lock().unwrap();
        if let Some(r) = v.iter_mut().find(|r| r.id == id) {
            r.value = value.into();
        }
    }
    /// Replace the whole set of `rtype` at `sub` with `values`.
    fn replace(&self, rtype: &str, sub: &str, values: &[String], ttl: u64) {
        self.0
            .lock()
            .unwrap()
            .retain(|r| !(r.rtype == rtype && r.sub == sub));
        for v in values {
            self.add(rtype, sub, v, ttl);
        }
    }
    fn snapshot(&self) -> Vec<Rec> {
        self.0.lock().unwrap().clone()
    }
}

/// A running fake: its server, its zone, and an answer that overrides every other (to play
/// the provider's error answers).
struct Fake {
    http: FakeHttp,
    store: Store,
    fail: Shared<Option<Resp>>,
}

impl Fake {
    fn start(handler: impl Fn(&Req, &Store) -> Resp + Send + Sync + 'static) -> Fake {
        let store = Store::default();
        let fail = shared(None::<Resp>);
        let (s, f) = (store.clone(), fail.clone());
        let http = FakeHttp::start(move |r| match f.lock().unwrap().clone() {
            Some(resp) => resp,
            None => handler(r, &s),
        });
        Fake { http, store, fail }
    }
    fn writes(&self) -> usize {
        self.http.all().iter().filter(|r| r.method != "GET").count()
    }
}

/// How one provider is configured against its fake.
struct Case {
    provider: &'static str,
    /// `[ddns] server`: the fake's URL plus the API's path prefix.
    server: String,
    /// More `[ddns]` lines (zone, keys).
    keys: String,
    secrets: Vec<(&'static str, &'static str)>,
}

impl Case {
    fn config(&self, env: &Env, sources: Option<&FakeSources>) {
        let (provider, server) = (self.provider, &self.server);
        env.write_config(&api_config(NAME, sources, provider, server, &self.keys));
    }
    fn env(&self, sources: Option<&FakeSources>) -> Env {
        let env = Env::new();
        self.config(&env, sources);
        write_secrets(&env, &self.secrets);
        env
    }
    #[track_caller]
    fn lacks_secrets(&self, r: &support::Run) {
        for (_, v) in &self.secrets {
            r.lacks(v);
        }
    }
}

/// One documented error answer and what it must lead to.
struct ErrorCase {
    answer: Resp,
    /// 1 (backoff) or 4 (latch).
    code: i32,
    /// In stderr: the provider's own words.
    says: &'static str,
    /// For a backoff: at least this long (a `Retry-After` honoured).
    at_least: i64,
}

fn backoff(answer: Resp, says: &'static str, at_least: i64) -> ErrorCase {
    ErrorCase {
        answer,
        code: 1,
        says,
        at_least,
    }
}

fn latch(answer: Resp, says: &'static str) -> ErrorCase {
    ErrorCase {
        answer,
        code: 4,
        says,
        at_least: 0,
    }
}

/// The whole life of a provider against its fake: create, unchanged (no request), change (the
/// other family and other names untouched), TXT add/remove through the library, verify without
/// a write, every documented error class, a refused credential (latched, never printed), and a
/// missing secret (exit 2, nothing sent).
fn life(case: &Case, fake: &Fake, errors: Vec<ErrorCase>, wrong: &[(&str, &str)]) {
    // Records that must survive: the other family, another name, another TXT value.
    fake.store.add("AAAA", "box", "2001:db8::1", 300);
    fake.store.add("A", "www", "198.51.100.9", 300);
    fake.store.add("TXT", "_acme-challenge.box", "keep-me", 300);
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let env = case.env(Some(&sources));

    // Create.
    let r = env.run(&["ddns", "update", "-vv"]);
    r.code(0);
    case.lacks_secrets(&r);
    assert_eq!(fake.store.values("A", "box"), set(&["203.0.113.2"]));
    let sent = fake.http.count();
    assert!(sent > 0);

    // Unchanged: no request at all.
    let j = env.run(&["ddns", "update", "--json"]).code(0).json();
    assert_eq!(j["families"][0]["action"], "unchanged", "{j}");
    assert_eq!(j["provider_requests"], 0);
    assert_eq!(fake.http.count(), sent);

    // Change: exactly the new address (a second A record someone added goes), nothing else
    // touched.
    fake.store.add("A", "box", "198.51.100.77", 300);
    drop(sources);
    let sources = FakeSources::saying("203.0.113.7", "203.0.113.7");
    case.config(&env, Some(&sources));
    env.run(&["ddns", "update"]).code(0);
    assert_eq!(fake.store.values("A", "box"), set(&["203.0.113.7"]));
    assert_eq!(fake.store.find("A", "box").len(), 1);
    assert_eq!(fake.store.values("AAAA", "box"), set(&["2001:db8::1"]));
    assert_eq!(fake.store.values("A", "www"), set(&["198.51.100.9"]));

    txt_and_verify(&env, fake);
    error_classes(case, &env, fake, errors);
    refused(case, &env, fake, wrong);

    // No secret: exit 2 naming it, nothing sent.
    std::fs::remove_file(env.path("secrets.toml")).unwrap();
    let before = fake.http.count();
    env.run(&["ddns", "update", "--force"])
        .code(2)
        .stderr_has(&format!("ddns.{}", case.secrets[0].0));
    assert_eq!(fake.http.count(), before);
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// TXT for DNS-01 through the library keeps other values; verify writes nothing.
fn txt_and_verify(env: &Env, fake: &Fake) {
    let p = direkt::ddns::provider_from_settings(&settings_of(env)).unwrap();
    let rt = runtime();
    rt.block_on(p.set_txt(ACME, "token-one")).unwrap();
    rt.block_on(p.set_txt(ACME, "token-two")).unwrap();
    rt.block_on(p.set_txt(ACME, "token-two")).unwrap();
    assert_eq!(
        fake.store.values("TXT", "_acme-challenge.box"),
        set(&["keep-me", "token-one", "token-two"])
    );
    assert_eq!(fake.store.find("TXT", "_acme-challenge.box").len(), 3);
    rt.block_on(p.remove_txt(ACME, "token-one")).unwrap();
    assert_eq!(
        fake.store.values("TXT", "_acme-challenge.box"),
        set(&["keep-me", "token-two"])
    );
    rt.block_on(p.remove_txt(ACME, "token-two")).unwrap();
    assert_eq!(
        fake.store.values("TXT", "_acme-challenge.box"),
        set(&["keep-me"])
    );

    let (writes, zone) = (fake.writes(), fake.store.snapshot());
    let what = rt.block_on(p.verify(NAME)).unwrap();
    assert!(what.contains("no record changed"), "{what}");
    assert_eq!(fake.writes(), writes, "verify wrote");
    assert_eq!(fake.store.snapshot(), zone);
}

fn error_classes(case: &Case, env: &Env, fake: &Fake, errors: Vec<ErrorCase>) {
    for e in errors {
        *fake.fail.lock().unwrap() = Some(e.answer.clone());
        let r = env.run(&["ddns", "update", "--force", "-vv"]);
        assert_eq!(r.code, e.code, "{:?}: {}", e.answer, r.stderr);
        r.stderr_has(e.says).stderr_has("hint:");
        case.lacks_secrets(&r);
        let st = state(env);
        if e.code == 4 {
            assert!(!st["ddns"]["latch"].is_null(), "{:?}: {st}", e.answer);
        } else {
            let until = st["ddns"]["backoff"]["until"].as_i64().unwrap();
            assert!(until >= now() + e.at_least - 5, "{:?}: {st}", e.answer);
            assert!(st["ddns"]["latch"].is_null(), "{st}");
        }
    }
    *fake.fail.lock().unwrap() = None;
}

/// Wrong credentials: the provider's refusal latches (exit 4), the next run sends nothing, and
/// no secret is ever printed.
fn refused(case: &Case, env: &Env, fake: &Fake, wrong: &[(&str, &str)]) {
    write_secrets(env, wrong);
    let hidden: Vec<&str> = case.secrets.iter().chain(wrong).map(|(_, v)| *v).collect();
    refused_and_latched(env, &fake.http, "hint:", &hidden);
    write_secrets(env, &case.secrets);
}

fn bearer(r: &Req) -> bool {
    r.header("authorization") == Some(&format!("Bearer {TOKEN}"))
}

// ---------------------------------------------------------------------------------------------
// DigitalOcean, from https://docs.digitalocean.com/reference/api/digitalocean/#tag/Domain-Records
// (list with ?type=&name=<fqdn>, create 201 {"domain_record":..}, update PUT, delete 204; errors
// {"id":..,"message":..}; 429 too_many_requests with Retry-After).

fn digitalocean() -> Fake {
    Fake::start(|r, store| {
        if !bearer(r) {
            return Resp::json(
                401,
                json!({"id": "unauthorized", "message": "Unable to authenticate you."}),
            );
        }
        let Some(rest) = r.path().strip_prefix("/v2/domains/example.test") else {
            return Resp::json(
                404,
                json!({"id": "not_found", "message": "The resource you requested could not be found."}),
            );
        };
        let show = |x: &Rec| {
            let name = if x.sub.is_empty() { "@" } else { &x.sub };
            json!({"id": x.id, "type": x.rtype, "name": name, "data": x.value, "priority": null,
                   "port": null, "ttl": x.ttl, "weight": null, "flags": null, "tag": null})
        };
        let invalid =
            |m: &str| Resp::json(422, json!({"id": "unprocessable_entity", "message": m}));
        match (r.method.as_str(), rest) {
            ("GET", "") => Resp::json(
                200,
                json!({"domain": {"name": "example.test", "ttl": 1800, "zone_file": "..."}}),
            ),
            ("GET", "/records") => {
                let fqdn = r.query("name").unwrap_or_default();
                let t = r.query("type").unwrap_or_default();
                let sub = fqdn.strip_suffix(".example.test").unwrap_or("?");
                let recs: Vec<_> = store.find(&t, sub).iter().map(show).collect();
                let n = recs.len();
                Resp::json(
                    200,
                    json!({"domain_records": recs, "links": {}, "meta": {"total": n}}),
                )
            }
            ("POST", "/records") => {
                let b = r.json();
                let (t, name, data) = (b["type"].as_str(), b["name"].as_str(), b["data"].as_str());
                let (Some(t), Some(name), Some(data)) = (t, name, data) else {
                    return invalid("type, name and data are required");
                };
                if name.contains("example.test") || b["ttl"].as_u64().unwrap_or(0) < 30 {
                    return invalid("Name Only valid hostname characters are allowed");
                }
                let x = store.add(t, if name == "@" { "" } else { name }, data, 1800);
                Resp::json(201, json!({"domain_record": show(&x)}))
            }
            ("PUT", p) | ("DELETE", p) if p.starts_with("/records/") => {
                let id: u64 = p["/records/".len()..].parse().unwrap_or(0);
                let Some(x) = store.by_id(id) else {
                    return Resp::json(
                        404,
                        json!({"id": "not_found", "message": "The resource you requested could not be found."}),
                    );
                };
                if r.method == "DELETE" {
                    store.remove(id);
                    return Resp::text(204, "");
                }
                let b = r.json();
                if b["type"] != x.rtype.as_str() || b["data"].as_str().is_none() {
                    return invalid("Data needs to be a valid address");
                }
                store.set(id, b["data"].as_str().unwrap());
                Resp::json(
                    200,
                    json!({"domain_record": show(&store.by_id(id).unwrap())}),
                )
            }
            _ => Resp::json(
                404,
                json!({"id": "not_found", "message": "The resource you requested could not be found."}),
            ),
        }
    })
}

#[test]
fn digitalocean_life() {
    let fake = digitalocean();
    let case = Case {
        provider: "digitalocean",
        server: fake.http.url(),
        keys: "zone = \"example.test\"\n".into(),
        secrets: vec![("token", TOKEN)],
    };
    let rl = json!({"id": "too_many_requests", "message": "API Rate limit exceeded."});
    let errors = vec![
        backoff(
            Resp::json(429, rl.clone())
                .header("Retry-After", "7200")
                .header("ratelimit-limit", "5000")
                .header("ratelimit-remaining", "0"),
            "API Rate limit exceeded.",
            7200,
        ),
        // The hourly limit: no Retry-After, but ratelimit-reset says when it lifts.
        backoff(
            Resp::json(429, rl)
                .header("ratelimit-limit", "5000")
                .header("ratelimit-remaining", "0")
                .header("ratelimit-reset", &(now() + 5000).to_string()),
            "API Rate limit exceeded.",
            5000,
        ),
        backoff(
            Resp::json(
                500,
                json!({"id": "server_error", "message": "Unexpected server-side error"}),
            ),
            "Unexpected server-side error",
            30 * 60,
        ),
        latch(
            Resp::json(
                403,
                json!({"id": "Forbidden", "message": "You are not authorized to perform this operation"}),
            ),
            "not authorized to perform",
        ),
        latch(
            Resp::json(
                422,
                json!({"id": "unprocessable_entity", "message": "Name Only valid hostname characters are allowed"}),
            ),
            "Only valid hostname characters",
        ),
        latch(
            Resp::json(
                404,
                json!({"id": "not_found", "message": "The resource you requested could not be found."}),
            ),
            "does not know domain example.test",
        ),
    ];
    life(&case, &fake, errors, &[("token", "wrong-do-token-77")]);
    // The wire: a PUT of the changed record, with the relative name and a TTL of at least 30.
    let put = fake
        .http
        .all()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    assert_eq!(put.json()["name"], "box");
    assert_eq!(put.json()["data"], "203.0.113.7");
    assert!(put.json()["ttl"].as_u64().unwrap() >= 30);
}

// ---------------------------------------------------------------------------------------------
// Gandi LiveDNS, from https://api.gandi.net/docs/livedns/ (record sets at
// /livedns/domains/{fqdn}/records/{name}/{type}: GET 200 or 404, PUT 201 "DNS Record Created",
// DELETE 204; errors {"code","message","object","cause"}; TXT values read back quoted).

fn gandi_error(code: u16, message: &str, object: &str, cause: &str) -> Resp {
    Resp::json(
        code,
        json!({"code": code, "message": message, "object": object, "cause": cause}),
    )
}

fn gandi() -> Fake {
    Fake::start(|r, store| {
        if !bearer(r) {
            return gandi_error(
                401,
                "The server could not verify that you authorized to access the document you requested.",
                "HTTPUnauthorized",
                "Unauthorized",
            );
        }
        let not_found = || {
            gandi_error(
                404,
                "The requested domain was not found",
                "HTTPNotFound",
                "Not Found",
            )
        };
        let Some(rest) = r.path().strip_prefix("/v5/livedns/domains/example.test") else {
            return not_found();
        };
        if rest.is_empty() && r.method == "GET" {
            return Resp::json(
                200,
                json!({"fqdn": "example.test", "automatic_snapshots": true,
                "domain_records_href": "https://api.gandi.net/v5/livedns/domains/example.test/records"}),
            );
        }
        let parts: Vec<&str> = rest.trim_start_matches("/records/").split('/').collect();
        if !rest.starts_with("/records/") || parts.len() != 2 {
            return not_found();
        }
        let (sub, t) = (if parts[0] == "@" { "" } else { parts[0] }, parts[1]);
        match r.method.as_str() {
            "GET" => {
                let values: Vec<String> = store
                    .find(t, sub)
                    .into_iter()
                    .map(|x| {
                        if t == "TXT" {
                            format!("\"{}\"", x.value)
                        } else {
                            x.value
                        }
                    })
                    .collect();
                if values.is_empty() {
                    return gandi_error(
                        404,
                        &format!("Can't find the DNS record {}/{t} in the zone", parts[0]),
                        "dns-record",
                        "Not Found",
                    );
                }
                Resp::json(
                    200,
                    json!({"rrset_name": parts[0], "rrset_type": t, "rrset_ttl": 300,
                    "rrset_values": values,
                    "rrset_href": format!("https://api.gandi.net/v5/livedns/domains/example.test/records/{}/{t}", parts[0])}),
                )
            }
            "PUT" => {
                let b = r.json();
                let ttl = b["rrset_ttl"].as_u64().unwrap_or(10800);
                let values: Option<Vec<String>> = b["rrset_values"].as_array().map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str())
                        .map(|v| v.trim_matches('"').to_string())
                        .collect()
                });
                let Some(values) = values.filter(|v| !v.is_empty() && ttl >= 300) else {
                    return Resp::json(
                        400,
                        json!({"code": 400, "message": "Validation error", "object": "dns-record",
                        "cause": "Bad Request", "errors": [{"location": "body", "name": "rrset_values", "description": "required, and rrset_ttl at least 300"}]}),
                    );
                };
                store.replace(t, sub, &values, ttl);
                Resp::json(201, json!({"message": "DNS Record Created"}))
            }
            "DELETE" => {
                store.replace(t, sub, &[], 0);
                Resp::text(204, "")
            }
            _ => gandi_error(
                405,
                "Method Not Allowed",
                "HTTPMethodNotAllowed",
                "Method Not Allowed",
            ),
        }
    })
}

#[test]
fn gandi_life() {
    let fake = gandi();
    let case = Case {
        provider: "gandi",
        server: format!("{}/v5/livedns", fake.http.url()),
        keys: "zone = \"example.test\"\n".into(),
        secrets: vec![("token", TOKEN)],
    };
    let errors = vec![
        backoff(
            gandi_error(
                429,
                "Too Many Requests",
                "HTTPTooManyRequests",
                "Too Many Requests",
            )
            .header("Retry-After", "3600"),
            "Too Many Requests",
            3600,
        ),
        backoff(
            gandi_error(
                503,
                "Service Unavailable",
                "HTTPServiceUnavailable",
                "Service Unavailable",
            ),
            "Service Unavailable",
            30 * 60,
        ),
        latch(
            gandi_error(
                403,
                "Access was denied to this resource.",
                "HTTPForbidden",
                "Forbidden",
            ),
            "Access was denied",
        ),
        latch(
            Resp::json(
                400,
                json!({"code": 400, "message": "Validation error", "object": "dns-record", "cause": "Bad Request",
                "errors": [{"location": "body", "name": "rrset_values", "description": "invalid IPv4 address"}]}),
            ),
            "rrset_values: invalid IPv4 address",
        ),
    ];
    life(&case, &fake, errors, &[("token", "wrong-gandi-pat-55")]);
    // The wire: the address set replaced with one PUT, at LiveDNS's minimum TTL or more.
    let put = fake
        .http
        .all()
        .into_iter()
        .find(|r| r.method == "PUT" && r.path().ends_with("/records/box/A"))
        .unwrap();
    assert_eq!(put.json()["rrset_values"], json!(["203.0.113.2"]));
    assert_eq!(put.json()["rrset_ttl"], 300);
    let txt = fake
        .http
        .all()
        .into_iter()
        .find(|r| r.method == "PUT" && r.path().ends_with("/TXT"))
        .unwrap();
    assert!(
        txt.json()["rrset_values"]
            .to_string()
            .contains("\\\"token-one\\\""),
        "{}",
        txt.body
    );
}

// ---------------------------------------------------------------------------------------------
// Linode API v4, from https://techdocs.akamai.com/linode-api/reference/get-domains and
// .../get-domain-records (paginated {"data":[..],"page","pages","results"}, page_size 25-500;
// records {"id","type","name","target","ttl_sec"}; errors {"errors":[{"field","reason"}]}).

fn linode_error(status: u16, reason: &str) -> Resp {
    Resp::json(status, json!({"errors": [{"reason": reason}]}))
}

fn linode() -> Fake {
    Fake::start(|r, store| {
        if !bearer(r) {
            return linode_error(401, "Invalid Token");
        }
        if r.method == "GET" {
            let size: u64 = r
                .query("page_size")
                .and_then(|s| s.parse().ok())
                .unwrap_or(100);
            if !(25..=500).contains(&size) {
                return Resp::json(
                    400,
                    json!({"errors": [{"field": "page_size", "reason": "Must be 25-500"}]}),
                );
            }
        }
        let page = |data: Vec<serde_json::Value>| {
            let n = data.len();
            Resp::json(
                200,
                json!({"data": data, "page": 1, "pages": 1, "results": n}),
            )
        };
        let show = |x: &Rec| {
            json!({"id": x.id, "type": x.rtype, "name": x.sub, "target": x.value, "ttl_sec": x.ttl,
                   "priority": 0, "weight": 0, "port": 0, "service": null, "protocol": null, "tag": null})
        };
        let bad = |field: &str, reason: &str| {
            Resp::json(400, json!({"errors": [{"field": field, "reason": reason}]}))
        };
        let path = r.path().to_string();
        match (r.method.as_str(), path.as_str()) {
            ("GET", "/v4/domains") => page(vec![
                json!({"id": 7777, "domain": "other.test", "type": "master", "status": "active"}),
                json!({"id": 1234, "domain": "example.test", "type": "master", "status": "active",
                       "soa_email": "admin@example.test"}),
            ]),
            ("GET", "/v4/domains/1234/records") => {
                page(store.snapshot().iter().map(show).collect())
            }
            ("POST", "/v4/domains/1234/records") => {
                let b = r.json();
                let (Some(t), Some(target)) = (b["type"].as_str(), b["target"].as_str()) else {
                    return bad("type", "type and target are required");
                };
                if t == "A" && target.parse::<std::net::Ipv4Addr>().is_err() {
                    return bad("target", "You must provide a valid IPv4 address.");
                }
                let name = b["name"].as_str().unwrap_or("");
                if name.contains("example.test") {
                    return bad("name", "Name must be relative to the domain");
                }
                let x = store.add(t, name, target, b["ttl_sec"].as_u64().unwrap_or(0));
                Resp::json(200, show(&x))
            }
            (m @ ("PUT" | "DELETE"), p) if p.starts_with("/v4/domains/1234/records/") => {
                let id: u64 = p.rsplit('/').next().unwrap().parse().unwrap_or(0);
                if store.by_id(id).is_none() {
                    return linode_error(404, "Not found");
                }
                if m == "DELETE" {
                    store.remove(id);
                    return Resp::json(200, json!({}));
                }
                let Some(target) = r.json()["target"].as_str().map(String::from) else {
                    return bad("target", "target is required");
                };
                store.set(id, &target);
                Resp::json(200, show(&store.by_id(id).unwrap()))
            }
            _ => linode_error(404, "Not found"),
        }
    })
}

#[test]
fn linode_life() {
    let fake = linode();
    let case = Case {
        provider: "linode",
        server: format!("{}/v4", fake.http.url()),
        keys: "zone = \"example.test\"\n".into(),
        secrets: vec![("token", TOKEN)],
    };
    let errors = vec![
        backoff(
            linode_error(429, "Too Many Requests").header("Retry-After", "5400"),
            "Too Many Requests",
            5400,
        ),
        backoff(
            linode_error(500, "Please try again later"),
            "Please try again later",
            30 * 60,
        ),
        latch(
            linode_error(
                403,
                "Your OAuth token is not authorized to use this endpoint.",
            ),
            "not authorized to use this endpoint",
        ),
        latch(
            Resp::json(
                400,
                json!({"errors": [{"field": "target", "reason": "You must provide a valid IPv4 address."}]}),
            ),
            "target: You must provide a valid IPv4 address.",
        ),
    ];
    life(&case, &fake, errors, &[("token", "wrong-linode-token-31")]);
    let put = fake
        .http
        .all()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    assert!(put.path().starts_with("/v4/domains/1234/records/"));
    assert_eq!(put.json()["target"], "203.0.113.7");
    let post = fake
        .http
        .all()
        .into_iter()
        .find(|r| r.method == "POST")
        .unwrap();
    assert_eq!(post.json()["name"], "box");
    assert_eq!(post.json()["type"], "A");
}

// ---------------------------------------------------------------------------------------------
// AWS Route 53, from the API reference (https://docs.aws.amazon.com/Route53/latest/APIReference/):
// ListHostedZonesByName, GetHostedZone, ListResourceRecordSets (starts AT name/type, may return
// the next set), ChangeResourceRecordSets (UPSERT/DELETE, DELETE must name the current set
// exactly; answers ChangeInfo PENDING), GetChange (INSYNC); errors as <ErrorResponse><Error>
// <Code>/<Message>, InvalidChangeBatch as <InvalidChangeBatch><Messages>; requests signed with
// SigV4 for us-east-1/route53 (the fake recomputes the signature from the request it got).

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const AWS_SECRET: &str = "r53-Sekr1t/K7MDENG-bPxRfiCY";
const R53: &str = "https://route53.amazonaws.com/doc/2013-04-01/";

fn r53_error(status: u16, code: &str, message: &str) -> Resp {
    let body = format!(
        "<?xml version=\"1.0\"?>\n<ErrorResponse xmlns=\"{R53}\"><Error><Type>Sender</Type>\
         <Code>{code}</Code><Message>{message}</Message></Error><RequestId>6f1c-11aa</RequestId>\
         </ErrorResponse>"
    );
    Resp {
        status,
        body,
        headers: vec![("Content-Type".into(), "text/xml".into())],
    }
}

fn r53_ok(body: String) -> Resp {
    Resp {
        status: 200,
        body: format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{body}"),
        headers: vec![("Content-Type".into(), "text/xml".into())],
    }
}

/// The Authorization header this request should carry, signed with `AWS_SECRET` at its
/// x-amz-date (None: no date).
fn sigv4_expected(r: &Req, host: &str) -> Option<String> {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    let date = r.header("x-amz-date")?;
    let fmt = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let at = time::PrimitiveDateTime::parse(date, &fmt)
        .ok()?
        .assume_utc();
    let identity =
        aws_credential_types::Credentials::new(AKID, AWS_SECRET, None, None, "fake").into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("route53")
        .time(std::time::SystemTime::from(at))
        .settings(SigningSettings::default())
        .build()
        .ok()?
        .into();
    let url = format!("http://{host}{}", r.target);
    let req = SignableRequest::new(
        &r.method,
        &url,
        std::iter::empty(),
        SignableBody::Bytes(r.body.as_bytes()),
    )
    .ok()?;
    let (instructions, _) = sign(req, &params).ok()?.into_parts();
    instructions
        .headers()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v.to_string())
}

fn r53_auth(r: &Req) -> Option<Resp> {
    let host = r.header("host").unwrap_or("");
    let auth = r.header("authorization").unwrap_or("");
    if !auth.starts_with(&format!("AWS4-HMAC-SHA256 Credential={AKID}/"))
        || !auth.contains("/us-east-1/route53/aws4_request")
    {
        return Some(r53_error(
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ));
    }
    if sigv4_expected(r, host).as_deref() != Some(auth) {
        return Some(r53_error(
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
        ));
    }
    None
}

fn r53_sets(store: &Store) -> Vec<(String, String, Vec<Rec>)> {
    let mut keys: Vec<(String, String)> = store
        .snapshot()
        .iter()
        .map(|x| (x.sub.clone(), x.rtype.clone()))
        .collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|(sub, t)| {
            let recs = store.find(&t, &sub);
            (sub, t, recs)
        })
        .collect()
}

fn r53_set_xml(sub: &str, t: &str, recs: &[Rec]) -> String {
    let name = if sub.is_empty() {
        "example.test.".to_string()
    } else {
        format!("{sub}.example.test.")
    };
    let values: String = recs
        .iter()
        .map(|x| {
            let v = if t == "TXT" {
                format!("\"{}\"", x.value)
            } else {
                x.value.clone()
            };
            format!("<ResourceRecord><Value>{v}</Value></ResourceRecord>")
        })
        .collect();
    format!(
        "<ResourceRecordSet><Name>{name}</Name><Type>{t}</Type><TTL>{}</TTL><ResourceRecords>{values}</ResourceRecords></ResourceRecordSet>",
        recs[0].ttl
    )
}

fn xml_text(e: &xmltree::Element, path: &[&str]) -> Option<String> {
    let mut cur = e;
    for p in path {
        cur = cur.get_child(*p)?;
    }
    cur.get_text().map(|t| t.to_string())
}

/// ChangeResourceRecordSets: apply one UPSERT or DELETE as documented.
fn r53_change(r: &Req, store: &Store, changes: &Shared<u32>) -> Resp {
    let Ok(root) = xmltree::Element::parse(r.body.as_bytes()) else {
        return r53_error(400, "InvalidInput", "Could not parse the request body");
    };
    let batch = |m: &str| Resp {
        status: 400,
        body: format!(
            "<?xml version=\"1.0\"?>\n<InvalidChangeBatch xmlns=\"{R53}\"><Messages><Message>{m}</Message></Messages></InvalidChangeBatch>"
        ),
        headers: vec![],
    };
    let Some(change) = root
        .get_child("ChangeBatch")
        .and_then(|b| b.get_child("Changes"))
        .and_then(|c| c.get_child("Change"))
    else {
        return r53_error(
            400,
            "InvalidInput",
            "1 validation error detected: ChangeBatch.Changes",
        );
    };
    let action = xml_text(change, &["Action"]).unwrap_or_default();
    let set = change.get_child("ResourceRecordSet").unwrap();
    let name = xml_text(set, &["Name"]).unwrap_or_default();
    let t = xml_text(set, &["Type"]).unwrap_or_default();
    let ttl: u64 = xml_text(set, &["TTL"])
        .and_then(|x| x.parse().ok())
        .unwrap_or(0);
    let values: Vec<String> = set
        .get_child("ResourceRecords")
        .map(|rr| {
            rr.children
                .iter()
                .filter_map(|n| n.as_element())
                .filter_map(|e| xml_text(e, &["Value"]))
                .collect()
        })
        .unwrap_or_default();
    let Some(sub) = name
        .strip_suffix("example.test.")
        .map(|s| s.trim_end_matches('.').to_string())
    else {
        return batch(&format!(
            "RRSet with DNS name {name} is not permitted in zone example.test."
        ));
    };
    if t == "TXT"
        && values
            .iter()
            .any(|v| !(v.starts_with('"') && v.ends_with('"')))
    {
        return batch(
            "Invalid Resource Record: FATAL problem: InvalidCharacterString (Value should be enclosed in quotation marks)",
        );
    }
    let values: Vec<String> = values
        .iter()
        .map(|v| v.trim_matches('"').to_string())
        .collect();
    match action.as_str() {
        "UPSERT" if !values.is_empty() && ttl > 0 => store.replace(&t, &sub, &values, ttl),
        "DELETE" => {
            let current = store.find(&t, &sub);
            let same = current.len() == values.len()
                && current
                    .iter()
                    .all(|x| values.contains(&x.value) && x.ttl == ttl);
            if !same {
                return batch(&format!(
                    "Tried to delete resource record set [name='{name}', type='{t}'] but the values provided do not match the current values"
                ));
            }
            store.replace(&t, &sub, &[], 0);
        }
        _ => {
            return r53_error(
                400,
                "InvalidInput",
                "Invalid request: Action or ResourceRecords",
            );
        }
    }
    let mut n = changes.lock().unwrap();
    *n += 1;
    r53_ok(format!(
        "<ChangeResourceRecordSetsResponse xmlns=\"{R53}\"><ChangeInfo><Id>/change/C{:04}</Id><Status>PENDING</Status><SubmittedAt>2026-12-06T16:00:00.000Z</SubmittedAt></ChangeInfo></ChangeResourceRecordSetsResponse>",
        *n
    ))
}

fn route53() -> Fake {
    let changes = shared(0u32);
    Fake::start(move |r, store| {
        if let Some(refused) = r53_auth(r) {
            return refused;
        }
        let zone = "/2013-04-01/hostedzone/Z0EXAMPLE123";
        let hz = |id: &str, private: bool| {
            format!(
                "<HostedZone><Id>/hostedzone/{id}</Id><Name>example.test.</Name><CallerReference>ref-{id}</CallerReference><Config><PrivateZone>{private}</PrivateZone></Config><ResourceRecordSetCount>4</ResourceRecordSetCount></HostedZone>"
            )
        };
        match (r.method.as_str(), r.path()) {
            ("GET", "/2013-04-01/hostedzonesbyname") => {
                let zones = if r.query("dnsname").as_deref() == Some("example.test") {
                    format!("{}{}", hz("Z0PRIVATE999", true), hz("Z0EXAMPLE123", false))
                } else {
                    String::new()
                };
                r53_ok(format!(
                    "<ListHostedZonesByNameResponse xmlns=\"{R53}\"><HostedZones>{zones}</HostedZones><DNSName>example.test</DNSName><IsTruncated>false</IsTruncated><MaxItems>10</MaxItems></ListHostedZonesByNameResponse>"
                ))
            }
            ("GET", p) if p == zone => r53_ok(format!(
                "<GetHostedZoneResponse xmlns=\"{R53}\">{}<DelegationSet><NameServers><NameServer>ns-1.awsdns-01.org</NameServer></NameServers></DelegationSet></GetHostedZoneResponse>",
                hz("Z0EXAMPLE123", false)
            )),
            ("GET", p) if p == format!("{zone}/rrset") => {
                let name = r.query("name").unwrap_or_default();
                let t = r.query("type").unwrap_or_default();
                let sub = name
                    .strip_suffix("example.test.")
                    .unwrap_or("?")
                    .trim_end_matches('.')
                    .to_string();
                let sets = r53_sets(store);
                // From name/type on: the matching set, else whatever comes next (here: the first).
                let set = sets
                    .iter()
                    .find(|(s, ty, _)| *s == sub && *ty == t)
                    .or(sets.first());
                let xml = set
                    .map(|(s, ty, recs)| r53_set_xml(s, ty, recs))
                    .unwrap_or_default();
                r53_ok(format!(
                    "<ListResourceRecordSetsResponse xmlns=\"{R53}\"><ResourceRecordSets>{xml}</ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>1</MaxItems></ListResourceRecordSetsResponse>"
                ))
            }
            ("POST", p) if p == format!("{zone}/rrset/") => r53_change(r, store, &changes),
            ("GET", p) if p.starts_with("/2013-04-01/change/C") => {
                let id = p.rsplit('/').next().unwrap();
                r53_ok(format!(
                    "<GetChangeResponse xmlns=\"{R53}\"><ChangeInfo><Id>/change/{id}</Id><Status>INSYNC</Status><SubmittedAt>2026-12-06T16:00:00.000Z</SubmittedAt></ChangeInfo></GetChangeResponse>"
                ))
            }
            (_, p) if p.starts_with("/2013-04-01/hostedzone/") => {
                r53_error(404, "NoSuchHostedZone", "No hosted zone found with ID")
            }
            _ => r53_error(404, "UnknownOperationException", "Unknown operation"),
        }
    })
}

#[test]
fn route53_life() {
    let fake = route53();
    let case = Case {
        provider: "route53",
        server: fake.http.url(),
        keys: format!("zone = \"example.test\"\naccess_key_id = \"{AKID}\"\n"),
        secrets: vec![("secret_access_key", AWS_SECRET)],
    };
    let errors = vec![
        backoff(
            r53_error(400, "Throttling", "Rate exceeded"),
            "Throttling Rate exceeded",
            30 * 60,
        ),
        backoff(
            r53_error(
                400,
                "PriorRequestNotComplete",
                "The request was rejected because Route 53 was still processing a prior request.",
            )
            .header("Retry-After", "4000"),
            "PriorRequestNotComplete",
            4000,
        ),
        backoff(
            r53_error(503, "ServiceUnavailable", "Service is unavailable"),
            "ServiceUnavailable",
            30 * 60,
        ),
        latch(
            r53_error(
                403,
                "AccessDenied",
                "User: arn:aws:iam::123456789012:user/direkt is not authorized to perform: route53:ChangeResourceRecordSets",
            ),
            "not authorized to perform: route53:ChangeResourceRecordSets",
        ),
        latch(
            r53_error(
                404,
                "NoSuchHostedZone",
                "No hosted zone found with ID: Z0EXAMPLE123",
            ),
            "NoSuchHostedZone",
        ),
        latch(
            r53_error(400, "InvalidInput", "Invalid XML ; cvc-datatype-valid"),
            "InvalidInput",
        ),
    ];
    life(
        &case,
        &fake,
        errors,
        &[("secret_access_key", "wrong/r53-secret-0000")],
    );
    let all = fake.http.all();
    // The public zone was picked, not the private one of the same name.
    assert!(all.iter().all(|r| !r.path().contains("Z0PRIVATE999")));
    // The address: one UPSERT of the whole set with exactly the new address.
    let upsert = all
        .iter()
        .find(|r| {
            r.method == "POST"
                && r.body.contains("<Type>A</Type>")
                && r.body.contains("203.0.113.7")
        })
        .unwrap();
    assert!(upsert.body.contains("<Action>UPSERT</Action>"));
    assert!(upsert.body.contains("<Name>box.example.test.</Name>"));
    assert_eq!(upsert.body.matches("<ResourceRecord>").count(), 1);
    // DNS-01: the TXT change was polled with GetChange; the last value went with a DELETE.
    assert!(
        all.iter()
            .any(|r| r.path().starts_with("/2013-04-01/change/C"))
    );
}

#[test]
fn route53_with_a_hosted_zone_id_skips_the_lookup_and_a_wrong_key_id_latches() {
    let fake = route53();
    let env = Env::new();
    let case = Case {
        provider: "route53",
        server: fake.http.url(),
        keys: format!(
            "zone = \"example.test\"\naccess_key_id = \"{AKID}\"\nhosted_zone_id = \"Z0EXAMPLE123\"\n"
        ),
        secrets: vec![("secret_access_key", AWS_SECRET)],
    };
    case.config(&env, None);
    write_secrets(&env, &case.secrets);
    let p = direkt::ddns::provider_from_settings(&settings_of(&env)).unwrap();
    let what = runtime().block_on(p.verify(NAME)).unwrap();
    assert!(what.contains("Z0EXAMPLE123"), "{what}");
    let paths: Vec<String> = fake
        .http
        .all()
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    assert_eq!(paths, ["/2013-04-01/hostedzone/Z0EXAMPLE123"]);

    // The last TXT value of a set goes with a DELETE naming the set exactly as it is.
    let rt = runtime();
    rt.block_on(p.set_txt(ACME, "solo")).unwrap();
    assert_eq!(
        fake.store.values("TXT", "_acme-challenge.box"),
        set(&["solo"])
    );
    rt.block_on(p.remove_txt(ACME, "solo")).unwrap();
    assert!(fake.store.snapshot().is_empty());
    let last = fake
        .http
        .all()
        .into_iter()
        .rfind(|r| r.method == "POST")
        .unwrap();
    assert!(
        last.body.contains("<Action>DELETE</Action>"),
        "{}",
        last.body
    );
    assert!(
        last.body.contains("<Value>&quot;solo&quot;</Value>")
            || last.body.contains("<Value>\"solo\"</Value>"),
        "{}",
        last.body
    );

    // Another access key id: InvalidClientTokenId, latched.
    env.write_config(
        &std::fs::read_to_string(env.config())
            .unwrap()
            .replace(AKID, "AKIAOTHERKEY0000000"),
    );
    let p = direkt::ddns::provider_from_settings(&settings_of(&env)).unwrap();
    let e = runtime().block_on(p.verify(NAME)).unwrap_err();
    assert_eq!(e.failure, direkt::ddns::Failure::Latch);
    assert!(e.message.contains("InvalidClientTokenId"), "{e:?}");
    assert!(!format!("{e:?}").contains(AWS_SECRET));

    // No access key id: exit 2 naming it, nothing sent (local address sources only).
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    case.config(&env, Some(&sources));
    env.write_config(
        &std::fs::read_to_string(env.config())
            .unwrap()
            .replace(&format!("access_key_id = \"{AKID}\"\n"), ""),
    );
    let before = fake.http.count();
    env.run(&["ddns", "update"])
        .code(2)
        .stderr_has("access_key_id");
    assert_eq!(fake.http.count(), before);
}

// ---------------------------------------------------------------------------------------------
// OVHcloud API v1, from the getting-started guide (signed requests: X-Ovh-Application,
// X-Ovh-Consumer, X-Ovh-Timestamp from /auth/time, X-Ovh-Signature "$1$"+SHA1_HEX(AS+"+"+CK+"+"+
// METHOD+"+"+URL+"+"+BODY+"+"+TSTAMP)) and the DNS zone guide (/domain/zone/{zone}/record list of
// ids, record by id, POST/PUT/DELETE, POST /refresh). Errors {"errorCode","httpCode","message"}
// or {"class","message"}. The fake's clock runs 120 s ahead: only a client that asked
// /auth/time signs a timestamp it accepts.

const OVH_AK: &str = "7kbG7Bk7S9Nt7ZSV";
const OVH_AS: &str = "ovh-AS-Sekr1t-77aa";
const OVH_CK: &str = "ovh-CK-Sekr1t-88bb";

fn ovh_error(status: u16, code: &str, message: &str) -> Resp {
    let http = match status {
        400 => "400 Bad Request",
        403 => "403 Forbidden",
        _ => "500 Internal Server Error",
    };
    Resp::json(
        status,
        json!({"errorCode": code, "httpCode": http, "message": message}),
    )
}

fn ovh_class(status: u16, class: &str, message: &str) -> Resp {
    Resp::json(status, json!({"class": class, "message": message}))
}

/// The signature and keys as the guide describes them; `None` when they hold.
fn ovh_auth(r: &Req, server_now: i64) -> Option<Resp> {
    use sha1::{Digest, Sha1};
    if r.header("x-ovh-application") != Some(OVH_AK) {
        return Some(ovh_error(
            403,
            "INVALID_KEY",
            "This application key is invalid",
        ));
    }
    if r.header("x-ovh-consumer") != Some(OVH_CK) {
        return Some(ovh_error(
            403,
            "INVALID_CREDENTIAL",
            "This credential is not valid",
        ));
    }
    let ts = r.header("x-ovh-timestamp").unwrap_or("");
    if ts
        .parse::<i64>()
        .map_or(true, |t| (t - server_now).abs() > 10)
    {
        return Some(ovh_error(400, "QUERY_TIME_OUT", "Query out of time"));
    }
    let url = format!("http://{}{}", r.header("host").unwrap_or(""), r.target);
    let joined = format!("{OVH_AS}+{OVH_CK}+{}+{url}+{}+{ts}", r.method, r.body);
    let hex: String = Sha1::digest(joined.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if r.header("x-ovh-signature") != Some(format!("$1${hex}").as_str()) {
        return Some(ovh_error(400, "INVALID_SIGNATURE", "Invalid signature"));
    }
    None
}

fn ovh_show(x: &Rec) -> serde_json::Value {
    let target = if x.rtype == "TXT" {
        format!("\"{}\"", x.value)
    } else {
        x.value.clone()
    };
    json!({"id": x.id, "zone": "example.test", "subDomain": x.sub, "fieldType": x.rtype,
           "target": target, "ttl": x.ttl})
}

fn ovh_records(r: &Req, store: &Store, rest: &str) -> Resp {
    let null = || Resp::json(200, serde_json::Value::Null);
    let bad = |m: &str| ovh_class(400, "Client::BadRequest::InvalidParameter", m);
    match (r.method.as_str(), rest) {
        ("GET", "/record") => {
            let (t, sub) = (r.query("fieldType"), r.query("subDomain"));
            let ids: Vec<u64> = store
                .snapshot()
                .iter()
                .filter(|x| {
                    t.as_ref().is_none_or(|t| *t == x.rtype)
                        && sub.as_ref().is_none_or(|s| *s == x.sub)
                })
                .map(|x| x.id)
                .collect();
            Resp::json(200, json!(ids))
        }
        ("POST", "/record") => {
            let b = r.json();
            let (Some(t), Some(target)) = (b["fieldType"].as_str(), b["target"].as_str()) else {
                return bad("Missing parameter fieldType or target");
            };
            let sub = b["subDomain"].as_str().unwrap_or("");
            if sub.contains("example.test")
                || (t == "A" && target.parse::<std::net::Ipv4Addr>().is_err())
            {
                return bad("Invalid subDomain or target");
            }
            let x = store.add(
                t,
                sub,
                target.trim_matches('"'),
                b["ttl"].as_u64().unwrap_or(0),
            );
            Resp::json(200, ovh_show(&x))
        }
        ("POST", "/refresh") => null(),
        (m, p) if p.starts_with("/record/") => {
            let id: u64 = p["/record/".len()..].parse().unwrap_or(0);
            let Some(x) = store.by_id(id) else {
                return ovh_class(
                    404,
                    "Client::NotFound",
                    &format!("The requested object (id = {id}) does not exist"),
                );
            };
            match m {
                "GET" => Resp::json(200, ovh_show(&x)),
                "DELETE" => {
                    store.remove(id);
                    null()
                }
                "PUT" => match r.json()["target"].as_str() {
                    Some(t) => {
                        store.set(id, t);
                        null()
                    }
                    None => bad("Missing parameter target"),
                },
                _ => ovh_class(405, "Client::MethodNotAllowed", "Method not allowed"),
            }
        }
        _ => ovh_class(404, "Client::NotFound", "Got an invalid (or empty) URL"),
    }
}

fn ovh() -> Fake {
    Fake::start(|r, store| {
        let server_now = now() + 120;
        if r.method == "GET" && r.path() == "/1.0/auth/time" {
            return Resp::json(200, json!(server_now));
        }
        if let Some(refused) = ovh_auth(r, server_now) {
            return refused;
        }
        // The consumer key's rights: GET/POST/PUT/DELETE on /domain/zone/example.test/*.
        match r.path().strip_prefix("/1.0/domain/zone/example.test") {
            Some(rest) if rest.starts_with('/') => ovh_records(r, store, rest),
            _ => ovh_error(403, "NOT_GRANTED_CALL", "This call has not been granted"),
        }
    })
}

#[test]
fn ovh_life() {
    let fake = ovh();
    let case = Case {
        provider: "ovh",
        server: format!("{}/1.0", fake.http.url()),
        keys: format!(
            "zone = \"example.test\"\napplication_key = \"{OVH_AK}\"\nendpoint = \"ovh-eu\"\n"
        ),
        secrets: vec![("application_secret", OVH_AS), ("consumer_key", OVH_CK)],
    };
    let errors = vec![
        backoff(
            ovh_class(429, "Client::TooManyRequests", "Too many requests")
                .header("Retry-After", "3000"),
            "Too many requests",
            3000,
        ),
        backoff(
            ovh_class(500, "Server::InternalServerError", "Internal server error"),
            "Internal server error",
            30 * 60,
        ),
        latch(
            ovh_error(403, "NOT_GRANTED_CALL", "This call has not been granted"),
            "NOT_GRANTED_CALL",
        ),
        latch(
            ovh_class(404, "Client::NotFound", "This service does not exist"),
            "This service does not exist",
        ),
        latch(
            ovh_class(
                400,
                "Client::BadRequest::InvalidParameter",
                "Invalid IPv4 address",
            ),
            "Invalid IPv4 address",
        ),
    ];
    life(
        &case,
        &fake,
        errors,
        &[
            ("application_secret", "wrong-ovh-as-1"),
            ("consumer_key", OVH_CK),
        ],
    );
    let all = fake.http.all();
    // /auth/time is unauthenticated; every other call is signed.
    assert!(
        all.iter()
            .filter(|r| r.path() == "/1.0/auth/time")
            .all(|r| r.header("x-ovh-signature").is_none())
    );
    // Each change is followed by a refresh of the zone.
    let writes: Vec<String> = all
        .iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path()))
        .collect();
    assert_eq!(writes[0], "POST /1.0/domain/zone/example.test/record");
    assert_eq!(writes[1], "POST /1.0/domain/zone/example.test/refresh");
    let put = all.iter().find(|r| r.method == "PUT").unwrap();
    assert_eq!(put.json()["target"], "203.0.113.7");
    assert!(
        writes.iter().filter(|w| w.ends_with("/refresh")).count() >= 4,
        "{writes:?}"
    );
}

#[test]
fn ovh_a_wrong_consumer_key_and_a_zone_without_rights_latch() {
    let fake = ovh();
    let env = Env::new();
    let case = Case {
        provider: "ovh",
        server: format!("{}/1.0", fake.http.url()),
        keys: format!("zone = \"example.test\"\napplication_key = \"{OVH_AK}\"\n"),
        secrets: vec![
            ("application_secret", OVH_AS),
            ("consumer_key", "wrong-ck-0"),
        ],
    };
    case.config(&env, None);
    write_secrets(&env, &case.secrets);
    let rt = runtime();
    let p = direkt::ddns::provider_from_settings(&settings_of(&env)).unwrap();
    let e = rt.block_on(p.verify(NAME)).unwrap_err();
    assert_eq!(e.failure, direkt::ddns::Failure::Latch);
    assert!(e.message.contains("INVALID_CREDENTIAL"), "{e:?}");
    assert!(!format!("{e:?}").contains("wrong-ck-0") && !format!("{e:?}").contains(OVH_AS));

    // Keys for another zone: NOT_GRANTED_CALL names the rights to ask for.
    write_secrets(
        &env,
        &[("application_secret", OVH_AS), ("consumer_key", OVH_CK)],
    );
    env.write_config(
        &std::fs::read_to_string(env.config())
            .unwrap()
            .replace("example.test", "other.test"),
    );
    let p = direkt::ddns::provider_from_settings(&settings_of(&env)).unwrap();
    let e = rt.block_on(p.verify("box.other.test")).unwrap_err();
    assert_eq!(e.failure, direkt::ddns::Failure::Latch);
    assert!(e.hint.unwrap().contains("/domain/zone/other.test/*"));

    // An endpoint that does not exist, or no consumer key: exit 2 naming the field.
    // (Local address sources: nothing may reach out.)
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    env.write_config(&format!(
        "name = \"{NAME}\"\n{}\n[ddns]\nprovider = \"ovh\"\nzone = \"example.test\"\napplication_key = \"{OVH_AK}\"\nendpoint = \"ovh-mars\"\n",
        sources.ip_section()
    ));
    env.run(&["ddns", "update"])
        .code(2)
        .stderr_has("endpoint")
        .stderr_has("ovh-eu");
    case.config(&env, Some(&sources));
    write_secrets(&env, &[("application_secret", OVH_AS)]);
    env.run(&["ddns", "update"])
        .code(2)
        .stderr_has("consumer_key");
}
