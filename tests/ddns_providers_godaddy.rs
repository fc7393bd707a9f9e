//! Provider `godaddy`, driven through the built binary (`direkt ddns update`) and through the
//! library (TXT for DNS-01, the credentials check), against a local fake of the GoDaddy Domains
//! API v1 (tests/support/fake.rs). Nothing here contacts GoDaddy.

mod support;

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use support::fake::{FakeHttp, FakeSources, Req, Resp};
use support::{Env, chmod};

const KEY: &str = "gdKey-3f9a1c7e5b";
const SECRET: &str = "gdSekr1t-8d2e4f6a0c";

type Shared<T> = Arc<Mutex<T>>;

fn secrets(env: &Env, key: Option<&str>, secret: Option<&str>) {
    let p = env.path("secrets.toml");
    let mut text = "[ddns]\n".to_string();
    if let Some(k) = key {
        text.push_str(&format!("api_key = \"{k}\"\n"));
    }
    if let Some(s) = secret {
        text.push_str(&format!("api_secret = \"{s}\"\n"));
    }
    std::fs::write(&p, text).unwrap();
    chmod(&p, 0o600);
}

fn state(env: &Env) -> Value {
    let text = std::fs::read_to_string(env.state_dir().join("state.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn latched(env: &Env) -> bool {
    !state(env)["ddns"]["latch"].is_null()
}

fn backing_off(env: &Env) -> bool {
    !state(env)["ddns"]["backoff"].is_null()
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn settings_of(env: &Env) -> direkt::config::Settings {
    use clap::Parser;
    let cli = direkt::cli::Cli::try_parse_from([
        "direkt",
        "--config",
        env.config().to_str().unwrap(),
        "--state-dir",
        env.state_dir().to_str().unwrap(),
        "status",
    ])
    .unwrap();
    direkt::config::Settings::load(&cli.global).unwrap()
}

fn provider(env: &Env) -> Box<dyn direkt::ddns::Provider> {
    direkt::ddns::provider_from_settings(&settings_of(env)).unwrap()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A godaddy config at `server` for `box.<zone>`, with the address sources when given.
fn gd_env(sources: Option<&FakeSources>, server: &str, zone: &str) -> Env {
    let env = Env::new();
    let ip = sources.map(|s| s.ip_section()).unwrap_or_default();
    env.write_config(&format!(
        "name = \"box.{zone}\"\n{ip}\n[ddns]\nprovider = \"godaddy\"\nserver = \"{server}\"\nzone = \"{zone}\"\n"
    ));
    secrets(&env, Some(KEY), Some(SECRET));
    env
}

/// Point the env's config at other address sources (a changed address).
fn swap_sources(env: &Env, sources: &FakeSources) {
    let text = std::fs::read_to_string(env.config()).unwrap();
    let start = text.find("[ip]").unwrap();
    let end = text.find("[ddns]").unwrap();
    env.write_config(&format!(
        "{}{}\n{}",
        &text[..start],
        sources.ip_section(),
        &text[end..]
    ));
}

fn gd_error(status: u16, code: &str, message: &str) -> Resp {
    Resp::json(status, json!({"code": code, "message": message}))
}

/// A fake of the GoDaddy Domains API v1 from https://developer.godaddy.com/doc/endpoint/domains:
/// `Authorization: sso-key <key>:<secret>` on every call (else 401 `UNABLE_TO_AUTHENTICATE`);
/// `GET /v1/domains/{domain}` (the domain's details), `GET /v1/domains/{domain}/records/{type}/
/// {name}` (`[{"data","name","ttl","type"}]`, `[]` when none), `PUT` on that path with a JSON
/// array `[{"data","ttl"}]` replaces the set (200; `ttl` under 600 or no `data` is 422
/// `INVALID_BODY` with `fields`), `DELETE` removes it (204); a domain not in the account is 404
/// `UNKNOWN_DOMAIN`. While `fail` is set, every answer is that one.
struct Fake {
    http: FakeHttp,
    records: Shared<Vec<Value>>,
    fail: Shared<Option<Resp>>,
}

fn godaddy(initial: Value) -> Fake {
    let records = Arc::new(Mutex::new(initial.as_array().unwrap().clone()));
    let fail = Arc::new(Mutex::new(None::<Resp>));
    let (rs, f) = (records.clone(), fail.clone());
    let http = FakeHttp::start(move |r: &Req| {
        if let Some(resp) = f.lock().unwrap().clone() {
            return resp;
        }
        if r.header("authorization") != Some(&format!("sso-key {KEY}:{SECRET}")) {
            return gd_error(
                401,
                "UNABLE_TO_AUTHENTICATE",
                "Unable to authenticate the request",
            );
        }
        route(r, &mut rs.lock().unwrap())
    });
    Fake {
        http,
        records,
        fail,
    }
}

fn route(r: &Req, recs: &mut Vec<Value>) -> Resp {
    let path = r.path().to_string();
    let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    if parts.len() < 3 || parts[..2] != ["v1", "domains"] {
        return gd_error(404, "NOT_FOUND", "Not found");
    }
    if parts[2] != "example.test" {
        return gd_error(
            404,
            "UNKNOWN_DOMAIN",
            "The given domain is not registered, or does not have a zone file",
        );
    }
    match (r.method.as_str(), &parts[3..]) {
        ("GET", []) => Resp::json(
            200,
            json!({"domain": "example.test", "domainId": 1001, "status": "ACTIVE"}),
        ),
        ("GET", ["records", t, n]) => Resp::json(200, json!(of(recs, t, n))),
        ("PUT", ["records", t, n]) => {
            assert_eq!(r.header("content-type"), Some("application/json"));
            let body = r.json();
            let Some(items) = body.as_array() else {
                return gd_error(422, "INVALID_BODY", "Request body doesn't fulfill schema");
            };
            for (i, x) in items.iter().enumerate() {
                if !x["data"].is_string() || x["ttl"].as_u64().is_none_or(|t| t < 600) {
                    return Resp::json(
                        422,
                        json!({"code": "INVALID_BODY", "message": "Request body doesn't fulfill schema",
                               "fields": [{"code": "UNEXPECTED_TYPE", "path": format!("records[{i}].ttl"),
                                           "message": "is less than minimum of 600"}]}),
                    );
                }
            }
            recs.retain(|x| !(x["type"] == *t && x["name"] == *n));
            for x in items {
                recs.push(json!({"type": t, "name": n, "data": x["data"], "ttl": x["ttl"]}));
            }
            Resp::text(200, "")
        }
        ("DELETE", ["records", t, n]) => {
            recs.retain(|x| !(x["type"] == *t && x["name"] == *n));
            Resp::text(204, "")
        }
        _ => gd_error(404, "NOT_FOUND", "Not found"),
    }
}

fn of(recs: &[Value], t: &str, n: &str) -> Vec<Value> {
    recs.iter()
        .filter(|x| x["type"] == t && x["name"] == n)
        .cloned()
        .collect()
}

impl Fake {
    fn of(&self, t: &str, n: &str) -> Vec<Value> {
        of(&self.records.lock().unwrap(), t, n)
    }
    fn calls(&self, from: usize) -> Vec<String> {
        self.http.all()[from..]
            .iter()
            .map(|r| format!("{} {}", r.method, r.path()))
            .collect()
    }
}

#[test]
fn godaddy_creates_changes_and_leaves_the_other_family_and_unchanged_records_alone() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let fake = godaddy(json!([
        {"type": "AAAA", "name": "box", "data": "2001:db8::1", "ttl": 600},
        {"type": "A", "name": "www", "data": "198.51.100.1", "ttl": 3600},
    ]));
    let env = gd_env(Some(&sources), &fake.http.url(), "example.test");
    env.run(&["ddns", "update", "-vv"])
        .code(0)
        .lacks(KEY)
        .lacks(SECRET);
    assert_eq!(
        fake.calls(0),
        [
            "GET /v1/domains/example.test/records/A/box",
            "PUT /v1/domains/example.test/records/A/box"
        ]
    );
    // The default ttl 300 is raised to GoDaddy's minimum.
    assert_eq!(
        fake.http.last().json(),
        json!([{"data": "203.0.113.2", "ttl": 600}])
    );
    // Unchanged: nothing sent.
    let n = fake.http.count();
    env.run(&["ddns", "update"]).code(0);
    assert_eq!(fake.http.count(), n, "unchanged sends nothing");

    // A stray second A at the name, and a new address: one PUT makes it exactly one.
    fake.records
        .lock()
        .unwrap()
        .push(json!({"type": "A", "name": "box", "data": "198.51.100.9", "ttl": 600}));
    drop(sources);
    let sources = FakeSources::saying("203.0.113.7", "203.0.113.7");
    swap_sources(&env, &sources);
    env.run(&["ddns", "update"]).code(0);
    assert_eq!(
        fake.calls(n),
        [
            "GET /v1/domains/example.test/records/A/box",
            "PUT /v1/domains/example.test/records/A/box"
        ]
    );
    let a = fake.of("A", "box");
    assert_eq!(a.len(), 1, "{a:?}");
    assert_eq!(a[0]["data"], "203.0.113.7");
    assert_eq!(fake.of("AAAA", "box")[0]["data"], "2001:db8::1");
    assert_eq!(fake.of("A", "www")[0]["data"], "198.51.100.1");

    // The same address already there (state lost): read, no write.
    let _ = std::fs::remove_dir_all(env.state_dir());
    let n = fake.http.count();
    env.run(&["ddns", "update"]).code(0);
    assert_eq!(
        fake.calls(n),
        ["GET /v1/domains/example.test/records/A/box"]
    );
    // Every request carried the sso-key header (the fake refuses others).
    assert!(
        fake.http
            .all()
            .iter()
            .all(|r| r.header("authorization").is_some())
    );
}

#[test]
fn godaddy_txt_for_dns01_and_verify_through_the_library() {
    let fake = godaddy(json!([
        {"type": "TXT", "name": "_acme-challenge.box", "data": "keep-me", "ttl": 3600},
        {"type": "TXT", "name": "@", "data": "v=spf1 -all", "ttl": 3600},
    ]));
    let env = gd_env(None, &fake.http.url(), "example.test");
    let p = provider(&env);
    let rt = rt();
    let fqdn = "_acme-challenge.box.example.test";
    let path = "/v1/domains/example.test/records/TXT/_acme-challenge.box";
    rt.block_on(p.set_txt(fqdn, "one")).unwrap();
    // Read, then the whole set PUT back with the new value.
    assert_eq!(
        fake.calls(0),
        [format!("GET {path}"), format!("PUT {path}")]
    );
    assert_eq!(
        fake.http.last().json(),
        json!([{"data": "keep-me", "ttl": 3600}, {"data": "one", "ttl": 600}])
    );
    rt.block_on(p.set_txt(fqdn, "two")).unwrap();
    let n = fake.http.count();
    rt.block_on(p.set_txt(fqdn, "two")).unwrap();
    assert_eq!(
        fake.calls(n),
        [format!("GET {path}")],
        "already there: no write"
    );
    rt.block_on(p.remove_txt(fqdn, "one")).unwrap();
    let values: Vec<Value> = fake
        .of("TXT", "_acme-challenge.box")
        .iter()
        .map(|x| x["data"].clone())
        .collect();
    assert_eq!(values, [json!("keep-me"), json!("two")]);
    // Removing the last values deletes the set.
    rt.block_on(p.remove_txt(fqdn, "two")).unwrap();
    rt.block_on(p.remove_txt(fqdn, "keep-me")).unwrap();
    assert_eq!(fake.http.last().method, "DELETE");
    assert_eq!(fake.http.last().path(), path);
    assert!(fake.of("TXT", "_acme-challenge.box").is_empty());
    assert_eq!(fake.of("TXT", "@").len(), 1, "the apex TXT was touched");
    // A value not there: read only.
    let n = fake.http.count();
    rt.block_on(p.remove_txt(fqdn, "gone")).unwrap();
    assert_eq!(fake.calls(n), [format!("GET {path}")]);

    // verify: GET the domain, nothing written.
    let (n, before) = (fake.http.count(), fake.records.lock().unwrap().clone());
    let what = rt.block_on(p.verify("box.example.test")).unwrap();
    assert!(what.contains("no record changed"), "{what}");
    assert_eq!(fake.calls(n), ["GET /v1/domains/example.test"]);
    assert_eq!(*fake.records.lock().unwrap(), before);
    // A domain of another account.
    let other = gd_env(None, &fake.http.url(), "other.test");
    let e = rt
        .block_on(provider(&other).verify("box.other.test"))
        .unwrap_err();
    assert_eq!(e.failure, direkt::ddns::Failure::Latch);
    assert!(e.message.contains("UNKNOWN_DOMAIN"), "{e:?}");
    // A name outside the zone is refused before any request.
    let n = fake.http.count();
    let e = rt
        .block_on(p.set_txt("_acme-challenge.box.elsewhere.test", "x"))
        .unwrap_err();
    assert_eq!(e.failure, direkt::ddns::Failure::Unsupported);
    assert_eq!(fake.http.count(), n);
    assert!(!format!("{e:?}").contains(SECRET));
}

#[test]
fn godaddy_maps_every_documented_error() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let fake = godaddy(json!([]));
    let env = gd_env(Some(&sources), &fake.http.url(), "example.test");
    let limit = |retry: u64| {
        Resp::json(
            429,
            json!({"code": "TOO_MANY_REQUESTS", "message": "Too many requests received within interval", "retryAfterSec": retry}),
        )
    };
    // (answer, exit, words in stderr, the wait it must honour)
    let cases: Vec<(Resp, i32, &str, Option<i64>)> = vec![
        (
            gd_error(
                401,
                "UNABLE_TO_AUTHENTICATE",
                "Unable to authenticate the request",
            ),
            4,
            "developer.godaddy.com/keys",
            None,
        ),
        (
            gd_error(
                403,
                "ACCESS_DENIED",
                "Authenticated user is not allowed access",
            ),
            4,
            "enough domains",
            None,
        ),
        (
            gd_error(
                404,
                "UNKNOWN_DOMAIN",
                "The given domain is not registered, or does not have a zone file",
            ),
            4,
            "UNKNOWN_DOMAIN",
            None,
        ),
        (
            Resp::json(
                422,
                json!({"code": "INVALID_BODY", "message": "Request body doesn't fulfill schema",
                       "fields": [{"code": "UNEXPECTED_TYPE", "path": "records[0].data", "message": "is not a valid IPv4 address"}]}),
            ),
            4,
            "records[0].data is not a valid IPv4 address",
            None,
        ),
        (
            gd_error(
                400,
                "DUPLICATE_RECORD",
                "Another record with the same attributes already exists",
            ),
            4,
            "DUPLICATE_RECORD",
            None,
        ),
        // The body's retryAfterSec alone, then Retry-After (which wins).
        (limit(7200), 1, "TOO_MANY_REQUESTS", Some(7200)),
        (
            limit(5).header("Retry-After", "3600"),
            1,
            "TOO_MANY_REQUESTS",
            Some(3600),
        ),
        (
            gd_error(500, "INTERNAL_SERVER_ERROR", "Internal server error"),
            1,
            "INTERNAL_SERVER_ERROR",
            None,
        ),
        (
            Resp::text(502, "<html>Bad Gateway</html>"),
            1,
            "HTTP 502",
            None,
        ),
    ];
    for (resp, code, needle, wait) in cases {
        let _ = std::fs::remove_dir_all(env.state_dir());
        *fake.fail.lock().unwrap() = Some(resp.clone());
        let r = env.run(&["ddns", "update", "-vv"]);
        assert_eq!(r.code, code, "HTTP {}: {}", resp.status, r.stderr);
        r.lacks(KEY)
            .lacks(SECRET)
            .stderr_has(needle)
            .stderr_has("hint:");
        assert_eq!(latched(&env), code == 4, "HTTP {}", resp.status);
        assert_eq!(backing_off(&env), code == 1, "HTTP {}", resp.status);
        if let Some(secs) = wait {
            let until = state(&env)["ddns"]["backoff"]["until"].as_i64().unwrap();
            assert!(until >= now() + secs - 5, "wait of {secs} s not honoured");
            assert!(until <= now() + secs + 5, "waited longer than {secs} s");
        }
    }
    *fake.fail.lock().unwrap() = None;
    let _ = std::fs::remove_dir_all(env.state_dir());
    env.run(&["ddns", "update"]).code(0);
}

#[test]
fn godaddy_refused_key_is_latched_and_never_printed() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let fake = godaddy(json!([]));
    let env = gd_env(Some(&sources), &fake.http.url(), "example.test");
    let wrong = "wrongSekr1t-1a2b3c4d";
    secrets(&env, Some(KEY), Some(wrong));
    env.run(&["ddns", "update", "-vv"])
        .code(4)
        .stderr_has("UNABLE_TO_AUTHENTICATE")
        .lacks(wrong)
        .lacks(KEY);
    assert!(latched(&env));
    let sent = fake.http.count();
    assert_eq!(sent, 1);
    env.run(&["ddns", "update", "-vv"])
        .code(4)
        .lacks(wrong)
        .lacks(KEY);
    assert_eq!(fake.http.count(), sent, "a request while latched");
    assert!(fake.records.lock().unwrap().is_empty());
}

#[test]
fn godaddy_missing_key_secret_or_zone_is_exit_2_naming_it_and_nothing_is_sent() {
    let sources = FakeSources::saying("203.0.113.2", "203.0.113.2");
    let fake = FakeHttp::start(|_| Resp::text(500, "no request may arrive"));
    let env = gd_env(Some(&sources), &fake.url(), "example.test");
    secrets(&env, Some(KEY), None);
    env.run(&["ddns", "update"])
        .code(2)
        .stderr_has("api_secret")
        .lacks(KEY);
    secrets(&env, None, Some(SECRET));
    env.run(&["ddns", "update"])
        .code(2)
        .stderr_has("api_key")
        .lacks(SECRET);
    // No zone.
    let text = std::fs::read_to_string(env.config()).unwrap();
    env.write_config(&text.replace("zone = \"example.test\"\n", ""));
    secrets(&env, Some(KEY), Some(SECRET));
    env.run(&["ddns", "update"]).code(2).stderr_has("zone");
    // A key of another provider.
    env.write_config(&format!("{text}customer_number = \"12345\"\n"));
    env.run(&["ddns", "update"])
        .code(2)
        .stderr_has("customer_number")
        .stderr_has("godaddy");
    assert_eq!(fake.count(), 0);
}

#[test]
fn godaddy_is_listed_with_both_secrets() {
    let env = Env::new();
    let r = env.run(&["ddns", "providers", "--json"]);
    r.code(0);
    let list = r.json();
    let gd = list
        .as_array()
        .or_else(|| list["providers"].as_array())
        .unwrap()
        .iter()
        .find(|p| p["name"] == "godaddy")
        .cloned()
        .expect("godaddy listed");
    assert_eq!(gd["kind"], "api");
    assert_eq!(gd["records"], json!(["A", "AAAA", "TXT"]));
    let secrets = gd["secrets"].to_string();
    assert!(
        secrets.contains("api_key") && secrets.contains("api_secret"),
        "{secrets}"
    );
    assert!(
        gd["docs"]
            .as_str()
            .unwrap()
            .contains("developer.godaddy.com")
    );
}
